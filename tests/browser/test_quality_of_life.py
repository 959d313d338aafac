"""Carers' quality of life in a real browser on the demo data: the commissioner reads
the page and the dashboard (local beside the published figure), the lead's form shows
its error summary; axe-core on each, at 1280 px and at 320 px."""

from __future__ import annotations

import re
from typing import Any

from tests.browser import axe
from tests.browser.conftest import sign_in

DEMENTIA = "Carers of people with dementia in Northshire 2026/27"  # published
WHOLE_AREA = "All carers in Northshire 2026/27"  # a draft


def _open_audit(page: Any, title: str) -> str:
    page.get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    return str(page.url)


def test_commissioner_reads_quality_of_life_beside_the_published_figure(page: Any) -> None:
    sign_in(page, "commissioner@demo.test")
    _open_audit(page, DEMENTIA)
    page.get_by_role("link", name="Carers' quality of life, beside the published figures").click()
    assert page.locator("h1").inner_text() == "Carers' quality of life"
    summary = page.locator("#qol-summary").inner_text()
    assert "95% CI" in summary
    published = page.locator('#qol-published tr[data-measure="carer_quality_of_life"]')
    assert "7.3" in published.inner_text()
    # Some carer groups show, the small ones are hidden.
    assert "Not shown" in page.locator("#qol-scores").inner_text()
    assert (
        page.locator('#qol-scores tr[data-group="dementia"]').inner_text().count("Not shown") == 0
    )
    axe.check(page, "quality of life/commissioner page")

    page.get_by_role("link", name="Back to the audit").click()
    page.get_by_role("link", name="Indicator dashboard").click()
    assert page.locator("#qol-published").count() == 1
    axe.check(page, "quality of life/commissioner dashboard")


def test_lead_form_keeps_what_was_typed(page: Any) -> None:
    sign_in(page, "lead@demo.test")
    _open_audit(page, WHOLE_AREA)
    page.get_by_role("link", name="Carers' quality of life, beside the published figures").click()
    page.get_by_role("link", name="Add a published figure").click()
    page.get_by_label("Carer-reported quality of life (score out of 12) (ASCOF 1D)").check()
    page.get_by_label("Survey year").fill("2023")
    page.get_by_label("Published value").fill("7.3")
    page.get_by_role("button", name="Save the figure").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter the survey year like 2023-24" in summary.inner_text()
    assert page.get_by_label("Published value").input_value() == "7.3"
    axe.check(page, "quality of life/lead figure form with errors")


def test_quality_of_life_at_320_px(phone: Any) -> None:
    sign_in(phone, "commissioner@demo.test")
    _open_audit(phone, DEMENTIA)
    phone.get_by_role("link", name="Carers' quality of life, beside the published figures").click()
    assert phone.locator("h1").inner_text() == "Carers' quality of life"
    axe.no_horizontal_scroll(phone)
    axe.check(phone, "quality of life/commissioner page 320px")
    phone.get_by_role("link", name="Back to the audit").click()
    phone.get_by_role("link", name="Indicator dashboard").click()
    axe.no_horizontal_scroll(phone)
    axe.check(phone, "quality of life/commissioner dashboard 320px")
