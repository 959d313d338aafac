"""Cycles in a real browser on the demo data: the lead starts the next cycle and
confirms a carried rating, compares with last year; the commissioner compares
areas. axe-core on every page, with screenshots."""

from __future__ import annotations

import re
from typing import Any

from tests.browser import axe
from tests.browser.conftest import sign_in

DEMENTIA = "Carers of people with dementia in Northshire 2026/27"


def _open(page: Any, title: str) -> str:
    page.get_by_role("link", name=title, exact=True).click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    return str(page.url)


def test_lead_compares_with_last_year(page: Any) -> None:
    sign_in(page, "lead@demo.test")
    _open(page, DEMENTIA)
    page.get_by_role("link", name="Compare with an earlier audit").click()
    assert page.locator("h1").inner_text() == "Compare with an earlier audit"
    text = page.locator("main").inner_text()
    assert "2025/26 to 2026/27" in text
    kinds = page.locator("table", has_text="Red, amber, green").first.inner_text()
    assert "Improved" in kinds and "Worsened" in kinds
    assert page.locator("img.app-chart").evaluate("img => img.naturalWidth") > 0
    axe.check(page, "lead cycle comparison")


def test_lead_starts_the_next_cycle_and_confirms_a_carried_rating(page: Any) -> None:
    sign_in(page, "lead@demo.test")
    _open(page, DEMENTIA)
    page.get_by_role("link", name="Start the next cycle from this audit").click()
    assert page.locator("h1").inner_text() == "Start the next cycle"
    axe.check(page, "lead start next cycle")
    # A period that overlaps this one is refused, with the GOV.UK error summary.
    page.locator("#period_start-year").fill("2026")
    page.get_by_role("button", name="Start the next cycle").click()
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    axe.check(page, "lead start next cycle with errors")
    page.locator("#period_start-year").fill("2027")
    page.get_by_role("button", name="Start the next cycle").click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    assert page.locator("h1").inner_text() == "Carers of people with dementia in Northshire 2027/28"
    # Said once: in the attention list, not again in a warning.
    assert page.locator(".govuk-warning-text").count() == 0
    waiting = page.locator("#attention-confirm")
    assert re.fullmatch(
        r"\d+ judgements carried from the last cycle need confirming",
        waiting.get_by_role("link").inner_text(),
    )
    axe.check(page, "lead new cycle overview")
    waiting.get_by_role("link").click()
    assert page.locator("h1").inner_text() == "Judgements to confirm"
    before = page.locator("main").inner_text()
    axe.check(page, "lead judgements to confirm")
    breaks = page.get_by_role(
        "link", name=re.compile(r"^Breaks\W+Carers of older people with dementia$")
    )
    breaks.click()
    assert "carried forward from the last cycle" in page.locator("main").inner_text()
    axe.check(page, "lead carried rating")
    page.get_by_role("button", name="Confirm unchanged").click()
    assert "Confirmed unchanged" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("main").inner_text() != before
    assert breaks.count() == 0


def test_commissioner_compares_areas(page: Any) -> None:
    sign_in(page, "commissioner@demo.test")
    page.get_by_role("link", name="Compare areas").click()
    assert page.locator("h1").inner_text() == "Compare areas"
    axe.check(page, "commissioner compare areas chooser")
    page.get_by_role("button", name="Compare areas").click()
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    assert "Choose at least two audits" in page.locator(".govuk-error-summary").inner_text()
    axe.check(page, "commissioner compare areas with errors")
    page.get_by_label(re.compile("Northshire County Council: " + re.escape(DEMENTIA))).check()
    page.get_by_label(re.compile("Southshire Council: ")).check()
    page.get_by_role("button", name="Compare areas").click()
    assert "2 audits compared" in page.locator("main").inner_text()
    breaks = page.locator("#interventions ~ div table tr", has_text="Breaks").first.inner_text()
    assert breaks.split("\t") == [
        "Breaks",
        "Red\n2 red, 2 amber, 0 green, 0 not rated",
        "Amber\n0 red, 2 amber, 2 green, 0 not rated",
        "Red\n2 red, 4 amber, 2 green, 0 not rated",
    ]
    # Indicators: the catalogue's NI135 in both areas, each with its own period.
    ni135 = page.locator("#indicators ~ div table tr", has_text="NI135:").first
    assert ni135.inner_text().split("\t")[1:] == [
        "Red amber\nPeriod: Jul–Sep 2026\nResult: 27.7%\nTarget: 28.0%\n"
        "Direction of travel: improving",
        "Green\nPeriod: Apr–Jun 2026\nResult: 28.4%\nTarget: 26.0%\nDirection of travel: improving",
        "Reported by 2 of 2 areas\n1 green, 1 red amber\n"
        "Lowest 27.7%, median 28.0%, highest 28.4%\n"
        "Periods differ: they end between 30 June 2026 and 30 September 2026.",
    ]
    axe.check(page, "commissioner compare areas results")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download every table")).click()
    assert download.value.suggested_filename == "area-comparison.xlsx"
