"""The journey of issue #7 in a real browser, from a new audit to the commissioner:
the lead creates an audit, tailors the framework, records a stakeholder and invites
a partner; the new partner accepts the invitation and submits evidence with an
attachment; the lead accepts it, writes a priority and publishes; the commissioner
opens the gap map, the wheel and the indicator dashboard, and downloads the
spreadsheet and the PDF. axe on every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser import axe
from tests.browser.conftest import make_pdf, sign_in

TITLE = "Carers of people with dementia in Northshire 2027/28"
PARTNER = "journey.partner@example.org"


def _date(page: Any, name: str, day: str, month: str, year: str) -> None:
    page.locator(f"#{name}-day").fill(day)
    page.locator(f"#{name}-month").fill(month)
    page.locator(f"#{name}-year").fill(year)


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/sign-in.*"))


def test_from_a_new_audit_to_the_commissioners_gap_map(
    page: Any, tmp_path: Path, live_server: str
) -> None:
    # The lead creates the audit; the empty form first shows its errors.
    sign_in(page, "lead@demo.test")
    page.goto("/audits/new")
    axe.check(page, "journey new audit")
    page.get_by_label("Audit title").fill(TITLE)
    page.get_by_label("One or more groups of carers").check()
    page.get_by_label("Carers of older people with dementia").check()
    page.get_by_label("Carers aged 65+").check()
    page.get_by_label("Cycle").fill("2027/28")
    _date(page, "period_start", "1", "4", "2027")
    _date(page, "period_end", "31", "3", "2028")
    page.get_by_role("button", name="Create audit").click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    audit_url = page.url
    assert page.locator("h1").inner_text() == TITLE
    axe.check(page, "journey new audit overview")

    # Tailor the framework: a local intervention.
    page.get_by_role("link", name="Tailor the framework to local services").click()
    axe.check(page, "journey framework")
    page.get_by_role("button", name="Add a local intervention").click()
    page.get_by_label("Name of the intervention").fill("Dementia cafés")
    page.get_by_label("2. A life of their own").check()
    page.get_by_label("Why it contributes to these outcomes").fill("Peer support and a break.")
    axe.check(page, "journey add intervention")
    page.get_by_role("button", name="Add intervention").click()
    assert "Dementia cafés" in page.locator("#interventions").inner_text()

    # A stakeholder, then an invitation for a partner who has no account yet.
    page.goto(audit_url + "/stakeholders/new")
    page.get_by_label("Name", exact=True).fill("Northshire Dementia Carers' Forum")
    page.get_by_label("Carers and the people they care for").check()
    page.get_by_role("button", name="Save stakeholder").click()
    assert "Northshire Dementia Carers' Forum" in page.locator("main").inner_text()
    page.goto(audit_url + "/population/new")
    page.get_by_label("What is measured").fill("Carers of people with dementia")
    page.get_by_label("Value").fill("2,340")
    page.get_by_label("Number of people").check()
    page.get_by_label("The whole area").check()
    page.get_by_label("Source", exact=True).fill("2021 Census, table TS039")
    page.get_by_label("Year", exact=True).fill("2021")
    axe.check(page, "journey population statistic")
    page.get_by_role("button", name="Save figure").click()
    assert "2,340" in page.locator("main").inner_text()
    page.goto(audit_url + "/people")
    page.get_by_label("Email address").fill(PARTNER)
    page.get_by_label("Partner – submits evidence and views").check()
    page.locator("#organisation_id").select_option(label="Northshire Memory Support")
    page.get_by_role("button", name="Create invitation link").click()
    link = page.locator("#invitation-link").inner_text().strip()
    axe.check(page, "journey invitation issued")
    page.get_by_label("Email address").fill("commissioner@demo.test")
    page.get_by_label("Commissioner – reviews the published maps, gap report and plan").check()
    page.locator("#organisation_id").select_option(label="Northshire Integrated Care Board")
    page.get_by_role("button", name="Create invitation link").click()
    commissioner_link = page.locator("#invitation-link").inner_text().strip()
    _sign_out(page)

    # The partner accepts, sets a password and submits evidence with an attachment.
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    axe.check(page, "journey accept invitation")
    page.get_by_label("Your full name").fill("Jo Partner")
    page.get_by_label("Create a password").fill("a-long-enough-password")
    page.get_by_label("Confirm password").fill("a-long-enough-password")
    page.get_by_role("button", name="Accept invitation").click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    page.goto(audit_url + "/evidence/new")
    page.get_by_label("Name of the service").fill("Memory cafés in three towns")
    page.get_by_label("Dementia cafés").check()
    _date(page, "evidence_date", "31", "3", "2028")
    report = tmp_path / "cafes.pdf"
    report.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Attach a file (optional)").set_input_files(str(report))
    axe.check(page, "journey partner evidence form")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/evidence/\d+$"))
    evidence_url = page.url
    assert "cafes.pdf" in page.locator("main").inner_text()
    page.get_by_role("button", name="Submit to the carers lead").click()
    axe.check(page, "journey partner evidence submitted")
    _sign_out(page)

    # The lead accepts it, writes a priority and publishes.
    sign_in(page, "lead@demo.test")
    page.goto(evidence_url)
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Confirm decision").click()
    page.goto(audit_url + "/plan/priorities/new")
    page.get_by_label("Priority change").fill("Evening and weekend breaks")
    page.get_by_label("Rank").fill("1")
    page.get_by_role("button", name="Save priority").click()
    page.goto(audit_url + "/plan/actions/new")
    page.get_by_label("Action", exact=True).fill("Pilot an evening sitting service")
    page.get_by_label("Post", exact=True).fill("Carers lead")
    axe.check(page, "journey new action")
    page.get_by_role("button", name="Save action").click()
    assert "Pilot an evening sitting service" in page.locator("main").inner_text()
    page.goto(audit_url + "/publish")
    axe.check(page, "journey publish")
    page.get_by_role("button", name="Publish to commissioners").click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    assert "Version 1 published" in page.locator(".govuk-notification-banner").inner_text()
    _sign_out(page)

    # The commissioner joins with the link (signed in as itself) and opens the gap
    # map, the wheel and the dashboard.
    sign_in(page, "commissioner@demo.test")
    page.goto(re.sub(r"^https?://[^/]+", "", commissioner_link))
    page.get_by_role("button", name="Join this audit").click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    assert page.locator("h1").inner_text() == TITLE
    page.get_by_role("link", name="Gap map against the national outcomes").click()
    assert page.locator("h1").inner_text() == "Gap map against the national outcomes"
    axe.check(page, "journey commissioner gap map")
    page.get_by_role("link", name="Hub wheel").first.click()
    assert page.locator("svg, img").count() >= 1
    axe.check(page, "journey commissioner wheel")
    page.goto(audit_url + "/indicators/dashboard")
    axe.check(page, "journey commissioner dashboard")
    page.goto(audit_url + "/evidence/")
    assert "Memory cafés in three towns" in page.locator("main").inner_text()
    page.goto(audit_url)
    page.locator("#exports-link").click()
    with page.expect_download() as spreadsheet:
        page.get_by_role("link", name="Every table in one spreadsheet (XLSX)").click()
    assert spreadsheet.value.suggested_filename.endswith("-tables.xlsx")
    page.get_by_role("link", name="Report to read or print").click()
    make_pdf(page)
    assert page.get_by_role("status").inner_text() == "Your PDF is ready."
    axe.check(page, "journey commissioner pdf ready")
    with page.expect_download() as pdf:
        page.get_by_role("link", name=re.compile(r"^Download the PDF")).click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
