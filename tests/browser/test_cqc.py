"""The CQC self-assessment in a real browser on the demo data: the lead reads the page
of the published dementia audit and scores a statement of the draft (its error summary
first); axe-core on each page, at 1280 px and at 320 px, with screenshots."""

from __future__ import annotations

import re
from typing import Any

from tests.browser import axe
from tests.browser.conftest import sign_in

DEMENTIA = "Carers of people with dementia in Northshire 2026/27"  # published
WHOLE_AREA = "All carers in Northshire 2026/27"  # a draft
LINK = "CQC self-assessment: the evidence for each quality statement"


def _open_cqc(page: Any, title: str) -> None:
    page.get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    page.get_by_role("link", name=LINK).click()
    assert page.locator("h1").inner_text() == "CQC self-assessment"


def test_the_demo_audits_cqc_page_at_desktop(page: Any) -> None:
    sign_in(page, "lead@demo.test")
    _open_cqc(page, DEMENTIA)
    assert page.locator("#cqc-summary tbody tr").count() == 9
    assert page.locator("section.app-cqc-statement").count() == 9
    page.get_by_text("How the suggested score is worked out").click()
    assert "weakest link" in page.locator("#cqc-rule").inner_text()
    section = page.locator("section#assessing_needs")
    assert "Most carers of people with dementia" in section.inner_text()
    axe.check(page, "cqc/lead page of the published audit")


def test_the_lead_scores_a_statement_of_a_draft(page: Any) -> None:
    sign_in(page, "lead@demo.test")
    _open_cqc(page, WHOLE_AREA)
    page.get_by_role("link", name=re.compile("^Score partnerships and communities")).click()
    page.get_by_label("3: Evidence shows a good standard").check()
    page.get_by_role("button", name="Save score and narrative").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Say why you gave this score" in summary.inner_text()
    assert page.get_by_label("3: Evidence shows a good standard").is_checked()
    axe.check(page, "cqc/statement form with errors")
    page.get_by_label("Your narrative").fill("The carers' centre leads a strong partnership.")
    page.get_by_role("button", name="Save score and narrative").click()
    page.wait_for_url(re.compile(r".*/cqc#partnerships$"))
    assert "Score saved: 5. Partnerships and communities." in page.locator("main").inner_text()
    assert "The carers' centre leads" in page.locator("section#partnerships").inner_text()
    axe.check(page, "cqc/lead page of the draft after saving")


def test_the_demo_audits_cqc_page_at_320_px(phone: Any) -> None:
    sign_in(phone, "commissioner@demo.test")
    _open_cqc(phone, DEMENTIA)
    axe.no_horizontal_scroll(phone)
    axe.check(phone, "cqc/commissioner page 320px")
