"""Signing in, in a real browser: each demo account, the error path, keyboard,
a phone-width screen, and axe-core on every page visited."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser import axe
from tests.browser.conftest import sign_in


@pytest.mark.parametrize(
    ("email", "heading"),
    [
        ("lead@demo.test", "Your audits"),
        ("partner@demo.test", "Audits you contribute to"),
        ("partner2@demo.test", "Audits you contribute to"),
        ("commissioner@demo.test", "Audits shared with you"),
        ("admin@demo.test", "Administration"),
    ],
)
def test_each_demo_account_signs_in_to_its_start_page(page: Any, email: str, heading: str) -> None:
    sign_in(page, email)
    assert page.locator("h1").inner_text() == heading
    axe.check(page, f"start page {email}")


def test_sign_in_page_is_accessible(page: Any) -> None:
    page.goto("/sign-in")
    assert page.locator("h1").inner_text() == "Sign in"
    axe.check(page, "sign in")


def test_empty_sign_in_focuses_the_error_summary_whose_links_reach_the_fields(page: Any) -> None:
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()  # the POST's answer has loaded (is_visible() does not wait)
    assert summary.is_visible()
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    axe.check(page, "sign in with errors")
    page.get_by_role("link", name="Enter your password").click()
    assert page.evaluate("document.activeElement.id") == "password"


def test_sign_in_with_the_keyboard_alone(page: Any) -> None:
    page.goto("/sign-in")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    assert page.evaluate("document.activeElement.id") == "email"
    # Focus is visible: GOV.UK's yellow focus state.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" or shadow != "none"
    page.keyboard.type("lead@demo.test")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-password")
    page.keyboard.press("Enter")
    # The skip link's #main-content fragment survives the redirect, as in any browser.
    page.wait_for_url(re.compile(r".*/audits/(#main-content)?$"))
    assert page.locator("h1").inner_text() == "Your audits"
    link = page.get_by_role("link", name="Carers of people with dementia in Northshire 2026/27")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    assert page.locator("h1").inner_text() == "Carers of people with dementia in Northshire 2026/27"
    axe.check(page, "audit overview (lead)")


def test_wrong_password_gives_the_generic_message(page: Any) -> None:
    sign_in(page, "lead@demo.test", "not-the-password")
    assert (
        "Enter a correct email address and password"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert page.get_by_label("Email address").input_value() == "lead@demo.test"


def test_pages_fit_a_320px_screen(phone: Any) -> None:
    phone.goto("/sign-in")
    axe.no_horizontal_scroll(phone)
    axe.check(phone, "sign in at 320px")
    sign_in(phone, "lead@demo.test")
    axe.no_horizontal_scroll(phone)
    axe.check(phone, "lead start page at 320px")
