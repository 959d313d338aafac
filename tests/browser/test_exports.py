"""Download and print in a real browser, on the demo data: axe-core on the download
page, the report and the import page; the report as it prints (print media, A4),
saved as a screenshot to look at; and a PDF made, its status page checked and
saved as a screenshot (screenshots/exports/), and downloaded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser import axe
from tests.browser.conftest import make_pdf, sign_in

DEMENTIA = "Carers of people with dementia in Northshire 2026/27"  # published
WHOLE_AREA = "All carers in Northshire 2026/27"  # a draft


def _exports_of(page: Any, title: str) -> None:
    page.get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    page.locator("#exports-link").click()
    assert page.locator("h1").inner_text() == "Download and print"


def test_lead_downloads_and_prints_the_dementia_audit(page: Any) -> None:
    sign_in(page, "lead@demo.test")
    _exports_of(page, DEMENTIA)
    axe.check(page, "exports download page")

    with page.expect_download() as download:
        page.get_by_role("link", name="Every table in one spreadsheet (XLSX)").click()
    assert download.value.suggested_filename.endswith("-tables.xlsx")

    # The report is long: count its sections once the page has loaded, not while the
    # browser is still reading it (count() does not wait).
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Report to read or print").click()
    assert page.locator("h1").inner_text() == DEMENTIA
    assert page.locator(".app-report-section").count() >= 5
    axe.check(page, "exports report")
    axe.no_horizontal_scroll(page)

    page.emulate_media(media="print")
    assert page.locator(".govuk-template__header").is_hidden()
    assert page.locator(".govuk-template__footer").is_hidden()
    assert page.locator(".app-no-print").first.is_hidden()
    # Each section starts a page, but for one with nothing to compare ("brief"), which
    # prints on after the section before it.
    breaks = page.locator(".app-report-section").evaluate_all(
        "sections => sections.map(s => [s.classList.contains('app-report-section--brief'),"
        " getComputedStyle(s).breakBefore])"
    )
    assert {rule for brief, rule in breaks if not brief} == {"page"}
    assert {rule for brief, rule in breaks if brief} <= {"auto"}
    axe.screenshot(page, "exports report print media")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")

    make_pdf(page)
    assert page.locator("h1").inner_text() == "PDF of the report"
    assert page.get_by_role("status").inner_text() == "Your PDF is ready."
    axe.check(page, "exports/pdf status ready")
    link = page.get_by_role(
        "link", name=re.compile(r"^Download the PDF \(\d+ pages, [\d.]+ [KM]B\)$")
    )
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith("-report.pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    # Asking again for the same version goes straight to the PDF already made.
    made_at = page.url
    page.goto(made_at.rsplit("/pdf/", 1)[0] + "/")
    make_pdf(page)
    assert page.url == made_at

    # A draft, in the same session: the live server allows ten sign-ins per account
    # in 15 minutes, and the other browser tests sign in as the lead too.
    page.goto("/audits/")
    _exports_of(page, WHOLE_AREA)
    page.get_by_role("link", name="Report to read or print").click()
    assert page.locator("h1").inner_text() == f"DRAFT: {WHOLE_AREA}"
    assert page.locator("#draft-notice").is_visible()
    axe.check(page, "exports draft report")

    page.goto("/audits/")
    page.get_by_role("link", name="Import an audit from a JSON file").click()
    page.get_by_role("button", name="Import as a new draft").click()
    page.wait_for_selector(".govuk-error-summary:focus")
    assert "Select a JSON file to import" in page.locator(".govuk-error-summary").inner_text()
    axe.check(page, "exports import errors")


def test_the_pdf_page_changes_by_itself_when_a_worker_finishes(page: Any, live_app: Any) -> None:
    """With a queue (REDIS_URL) a worker makes the PDF while its status page waits:
    static/poll.js must bring the page up to date without reloading it."""
    from sqlalchemy import select

    from audit_app.extensions import db
    from audit_app.models import Audit, ReportPdf, User
    from audit_app.services import report_pdfs

    sign_in(page, "lead@demo.test")
    with live_app.app_context():
        lead = db.session.scalar(select(User).where(User.email == "lead@demo.test"))
        audit = db.session.scalar(select(Audit).where(Audit.title == DEMENTIA))
        assert lead is not None and audit is not None
        waiting = ReportPdf(
            audit_id=audit.id,
            requested_by_id=lead.id,
            role="lead",
            status=report_pdfs.QUEUED,
            audit_revision=audit.revision,
        )
        db.session.add(waiting)
        db.session.commit()
        pdf_id, audit_id = waiting.id, audit.id
    page.goto(f"/audits/{audit_id}/exports/pdf/{pdf_id}")
    status = page.get_by_role("status")
    assert status.inner_text() == "Waiting to start: your PDF is in the queue."
    assert page.locator("#pdf-polling").is_visible()
    assert page.locator("#check-again").is_visible()
    axe.check(page, "exports/pdf status waiting")
    page.evaluate("window.sameDocument = true")

    with live_app.app_context():
        report_pdfs.run(pdf_id)  # the worker's job

    page.wait_for_function(
        "document.getElementById('pdf-status').textContent === 'Your PDF is ready.'",
        timeout=20_000,
    )
    assert page.evaluate("window.sameDocument") is True  # updated in place, never reloaded
    assert page.locator("#pdf-polling").is_hidden()
    assert page.locator("#check-again").count() == 0
    assert page.title().startswith("PDF of the report: Ready to download")
    axe.check(page, "exports/pdf status ready after waiting")
    with page.expect_download() as download:
        page.locator("#pdf-download").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


def test_commissioner_downloads_but_sees_no_json(page: Any) -> None:
    sign_in(page, "commissioner@demo.test")
    _exports_of(page, DEMENTIA)
    assert page.locator("#json-link").count() == 0
    axe.check(page, "exports commissioner download page")
