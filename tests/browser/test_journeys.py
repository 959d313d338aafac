"""Each role's main pages in a real browser, on the demo data: axe-core on every
page, the ratings grid by keyboard alone, and a 320 px screen."""

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


def _open_dementia_audit(page: Any) -> str:
    return _open_audit(page, DEMENTIA)


def test_lead_works_through_the_dementia_audit(page: Any) -> None:
    sign_in(page, "lead@demo.test")
    audit_url = _open_dementia_audit(page)
    assert page.locator("h1").inner_text() == DEMENTIA
    assert page.locator(".govuk-task-list").count() >= 2
    axe.check(page, "lead audit overview")

    for link, heading in [
        ("Stakeholder register", "Stakeholders"),
        ("Carer population statistics", None),
        ("JSNA and regional carers' profile", None),
        ("Evidence returns", None),
        ("Outcome checklist (Appendix A)", "Outcome checklist"),
        ("Planning questions", None),
        ("Information-gathering plan", None),
        ("Findings from focus groups and consultation", None),
        ("Outcomes that matter to local carers", None),
        ("Priority changes agreed with carers", None),
        ("Action plan", None),
    ]:
        page.goto(audit_url)
        page.get_by_role("link", name=link).click()
        if heading:
            assert page.locator("h1").inner_text() == heading
        axe.check(page, f"lead {link}")

    page.goto(audit_url + "/changes")
    assert page.locator("h1").inner_text() == "Audit trail"
    axe.check(page, "lead audit trail")


def test_lead_rates_the_grid_with_the_keyboard_alone(page: Any) -> None:
    sign_in(page, "lead@demo.test")
    audit_url = _open_audit(page, WHOLE_AREA)
    page.goto(audit_url + "/ratings")
    assert page.locator("h1").inner_text() == "Intervention ratings"
    axe.check(page, "lead ratings grid")
    select = page.locator('select[name="rag-housing-older_people"]')
    assert select.input_value() == "not_rated"
    # From the row before: its Save button, then into this row.
    page.locator('button[name="row"][value="work_training"]').focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "rag-housing-older_people":
            break
    assert page.evaluate("document.activeElement.name") == "rag-housing-older_people"
    page.keyboard.press("Home")  # first option: Red
    assert select.input_value() == "red"
    page.locator("button", has_text="Save all changes").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert (
        "Saved 1 change to the ratings." in page.locator(".govuk-notification-banner").inner_text()
    )
    row = page.locator("#row-housing")
    assert "Red (1 red" in row.inner_text()
    # Open one cell's page and check it too.
    page.get_by_role("link", name="Details for Breaks, Carers of older people", exact=True).click()
    assert page.locator("h1").inner_text() == "Breaks: Carers of older people"
    axe.check(page, "lead rating cell")


def test_rating_cell_errors_focus_the_summary(page: Any) -> None:
    sign_in(page, "lead@demo.test")
    audit_url = _open_audit(page, WHOLE_AREA)
    page.goto(audit_url + "/ratings/housing/mental_health")
    page.get_by_label("Why this rating").fill("x" * 5001)
    page.get_by_role("button", name="Save rating").click()
    # GOV.UK Frontend moves focus once its module has started, just after load.
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    axe.check(page, "rating cell with errors")
    page.get_by_role("link", name="Rationale must be 5,000 characters or fewer").click()
    assert page.evaluate("document.activeElement.id") == "rationale"


def test_partner_sees_evidence_and_proposes(page: Any) -> None:
    sign_in(page, "partner2@demo.test")
    audit_url = _open_dementia_audit(page)
    axe.check(page, "partner audit overview")
    page.goto(audit_url + "/evidence/")
    text = page.locator("main").inner_text()
    assert "Memory cafés" in text and "Sitting service (draft)" in text
    assert "Dementia carers' advice line" in text  # accepted, and the audit is published
    assert "New evidence return" not in text  # a published version takes no new evidence
    axe.check(page, "partner evidence list")
    page.goto(audit_url + "/plan")
    axe.check(page, "partner action plan")
    page.goto("/audits/")
    draft_url = _open_audit(page, WHOLE_AREA)
    page.goto(draft_url + "/evidence/new")
    axe.check(page, "partner new evidence return")
    page.goto(draft_url + "/ratings/breaks/mental_health")
    assert "Propose a rating" in page.locator("main").inner_text()
    axe.check(page, "partner propose rating")


def test_commissioner_reads_the_published_audit(page: Any) -> None:
    sign_in(page, "commissioner@demo.test")
    audit_url = _open_dementia_audit(page)
    axe.check(page, "commissioner audit overview")
    page.goto(audit_url + "/ratings")
    assert page.locator("select").count() == 0
    axe.check(page, "commissioner ratings grid")
    page.goto(audit_url + "/checklist")
    axe.check(page, "commissioner checklist")


def test_grid_and_overview_fit_a_320px_screen(phone: Any) -> None:
    sign_in(phone, "lead@demo.test")
    audit_url = _open_dementia_audit(phone)
    axe.no_horizontal_scroll(phone)
    axe.check(phone, "lead overview at 320px")
    phone.goto(audit_url + "/ratings")
    axe.no_horizontal_scroll(phone)
    axe.check(phone, "lead ratings grid at 320px")
