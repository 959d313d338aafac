"""A table wider than the screen scrolls in its own box and says so above it: on a
320 px phone the commissioners' decisions do, at 1280 px they fit and nothing is
said. The page itself never scrolls sideways. axe-core on both."""

from __future__ import annotations

import re
from typing import Any

from tests.browser import axe
from tests.browser.conftest import sign_in

DEMENTIA = "Carers of people with dementia in Northshire 2026/27"
HINT = "This table is wider than the screen: scroll it sideways to see every column."


def _review(page: Any) -> None:
    sign_in(page, "commissioner@demo.test")
    page.get_by_role("link", name=DEMENTIA, exact=True).click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    page.get_by_role("link", name="Commissioners’ comments and agreement").first.click()
    assert page.locator("h1").inner_text() == "Commissioners’ review"


def test_on_a_phone_a_wide_table_says_it_scrolls(phone: Any) -> None:
    _review(phone)
    hint = phone.locator(".app-scroll-hint")
    # The sentence is made by a module script, which runs after the page has loaded
    # and shows it from a ResizeObserver callback: wait for it rather than race it.
    hint.first.wait_for(state="visible")
    assert hint.count() == 1 and hint.is_visible() and hint.inner_text() == HINT
    above = hint.evaluate("hint => hint.nextElementSibling.getAttribute('aria-label')")
    assert above == "Commissioners’ decisions"
    widths = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    axe.check(phone, "commissioner review on a phone")


def test_at_desktop_width_a_table_that_fits_says_nothing(page: Any) -> None:
    _review(page)
    assert page.locator(".app-scroll-hint:visible").count() == 0
    # Narrowed in place, the sentence appears; widened again, it goes.
    page.set_viewport_size({"width": 320, "height": 700})
    page.wait_for_function("document.querySelector('.app-scroll-hint:not([hidden])') !== null")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function("document.querySelector('.app-scroll-hint:not([hidden])') === null")
