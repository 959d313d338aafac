"""The PDF of the report as a job: asked for with "Make the PDF", made inline or by
an RQ worker, followed on a status page, downloaded by the person who asked only."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import fakeredis
import pytest
import redis
from flask import Flask
from pypdf import PdfReader
from rq import Queue, SimpleWorker
from sqlalchemy import select
from sqlalchemy.orm import undefer

from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, ReportPdf, User
from audit_app.models.types import utcnow
from audit_app.services import report, report_pdfs
from audit_app.services.changes import SaveFailed
from tests.visit import Page, Visitor
from tests.web.conftest import Cast


@pytest.fixture(autouse=True)
def _fresh_cache(app: Flask) -> Iterator[None]:
    app.extensions.pop("chart_cache", None)
    yield
    app.extensions.pop("chart_cache", None)


def _url(audit: Audit, path: str = "/") -> str:
    return f"/audits/{audit.id}/exports{path}"


def _make(visitor: Visitor, audit: Audit) -> tuple[int, Page]:
    """Press "Make the PDF": the new (or reused) PDF's id and its status page."""
    pressed = visitor.post(_url(audit, "/pdf"))
    location = pressed.response.headers["Location"]
    assert location.startswith(_url(audit, "/pdf/")), location
    return int(location.rstrip("/").split("/")[-1]), visitor.get(location)


def _download(visitor: Visitor, status_page: Page) -> Any:
    link = status_page.soup.select_one("#pdf-download")
    assert link is not None, status_page.text
    response = visitor.client.get(link["href"])
    assert response.status_code == 200
    return response


def _pdfs(app: Flask) -> list[ReportPdf]:
    with app.app_context():
        query = select(ReportPdf).options(undefer(ReportPdf.content)).order_by(ReportPdf.id)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def _change_audit(visitor: Visitor, audit: Audit, name: str = "Northshire Carers' Forum") -> None:
    """A real change through the app (adding a stakeholder), which bumps the revision."""
    visitor.post(
        f"/audits/{audit.id}/stakeholders/new",
        {"name": name, "type_code": "carers", "subtype_code": "carer", "engagement": "engaged"},
    )


@pytest.fixture
def quick_pdf(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A two-page PDF in place of WeasyPrint's, for tests about who gets which PDF
    rather than what is in it (WeasyPrint takes seconds); lists the audits built."""
    from pypdf import PdfWriter

    built: list[int] = []

    def blank(ctx: Any) -> report.Pdf:
        built.append(ctx.audit.id)
        writer = PdfWriter()
        for _ in range(2):
            writer.add_blank_page(width=595, height=842)
        out = io.BytesIO()
        writer.write(out)
        return report.Pdf(out.getvalue(), 2)

    monkeypatch.setattr(report, "pdf", blank)
    return built


# --- made inline (no REDIS_URL) -----------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/report"])
def test_the_download_page_and_the_report_offer_make_the_pdf_as_a_form(
    cast: Cast, as_partner: Visitor, path: str
) -> None:
    page = as_partner.get(_url(cast.draft, path))
    button = page.soup.select_one("#make-pdf")
    assert button.get_text(strip=True) == "Make the PDF"
    form = button.find_parent("form")
    assert form["method"] == "post" and form["action"] == _url(cast.draft, "/pdf")
    assert form.select_one('input[name="csrf_token"]')["value"]
    assert not page.soup.select_one('a[href$="report.pdf"]')


@pytest.mark.parametrize(
    ("size", "shown"),
    [(1, "1 KB"), (840 * 1024, "840 KB"), (1024 * 1024, "1.0 MB"), (1_258_291, "1.2 MB")],
)
def test_sizes_are_shown_as_people_read_them(size: int, shown: str) -> None:
    assert report_pdfs.size_text(size) == shown


def test_make_the_pdf_inline_offers_it_with_its_page_count_and_size(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    pdf_id, page = _make(as_lead, cast.dementia)
    assert page.h1 == "PDF of the report"
    assert page.soup.select_one("#pdf-status").get_text(strip=True) == "Your PDF is ready."
    assert page.soup.select_one("#pdf-job")["data-poll"] == "off"
    assert not page.soup.select_one("#pdf-out-of-date")
    download = _download(as_lead, page)
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="carers-of-people-with-dementia-2027-28-draft-report.pdf"'
    )
    assert download.headers["Cache-Control"] == "private, no-store"
    pages = len(PdfReader(io.BytesIO(download.data)).pages)
    assert pages >= len(report.SECTIONS) + 1
    size = report_pdfs.size_text(len(download.data))
    link = page.soup.select_one("#pdf-download")
    assert link.get_text(strip=True) == f"Download the PDF ({pages} pages, {size})"
    assert link["href"] == _url(
        cast.dementia, f"/pdf/{pdf_id}/carers-of-people-with-dementia-2027-28-draft-report.pdf"
    )
    [made] = _pdfs(app)
    assert (made.id, made.status, made.pages, made.size) == (
        pdf_id,
        "done",
        pages,
        len(download.data),
    )
    assert made.requested_by_id == cast.lead.id and made.role == "lead"
    assert made.finished_at is not None and made.failure is None


def test_asking_again_at_the_same_revision_reuses_the_pdf(
    app: Flask, cast: Cast, as_lead: Visitor, quick_pdf: list[int]
) -> None:
    first, _ = _make(as_lead, cast.dementia)
    second, page = _make(as_lead, cast.dementia)
    assert second == first
    assert quick_pdf == [cast.dementia.id]
    assert len(_pdfs(app)) == 1
    _download(as_lead, page)


def test_a_change_to_the_audit_makes_a_new_pdf_and_the_old_one_says_so(
    app: Flask, cast: Cast, as_lead: Visitor, quick_pdf: list[int]
) -> None:
    first, _ = _make(as_lead, cast.dementia)
    _change_audit(as_lead, cast.dementia)
    old = as_lead.get(_url(cast.dementia, f"/pdf/{first}"))
    warning = old.soup.select_one("#pdf-out-of-date").get_text(" ", strip=True)
    assert "This PDF shows the report as it was on" in warning
    assert "What it shows has changed since: the audit," in warning
    _download(as_lead, old)  # still there, as it was
    assert old.soup.select_one("#make-new-pdf").get_text(strip=True) == "Make a new PDF"
    second, page = _make(as_lead, cast.dementia)
    assert second != first
    assert not page.soup.select_one("#pdf-out-of-date")
    made = _pdfs(app)
    assert [p.id for p in made] == [first, second]
    assert made[1].audit_revision == made[0].audit_revision + 1


def test_a_commissioner_makes_a_pdf_of_a_published_audit(
    app: Flask, cast: Cast, as_commissioner: Visitor, quick_pdf: list[int]
) -> None:
    _, page = _make(as_commissioner, cast.published)
    download = _download(as_commissioner, page)
    assert download.data.startswith(b"%PDF")
    assert "-draft-" not in download.headers["Content-Disposition"]
    [made] = _pdfs(app)
    assert made.role == "commissioner"


def test_a_commissioner_cannot_make_a_pdf_of_a_draft(
    app: Flask, cast: Cast, as_commissioner: Visitor
) -> None:
    as_commissioner.post(_url(cast.dementia, "/pdf"), status=404)
    assert _pdfs(app) == []


def test_a_pdf_is_found_by_nobody_but_the_person_who_asked(
    app: Flask, cast: Cast, visitor: Visitor, quick_pdf: list[int]
) -> None:
    visitor.sign_in("partner@example.org")
    pdf_id, page = _make(visitor, cast.draft)
    download_url = page.soup.select_one("#pdf-download")["href"]
    for email in ("lead@example.org", "admin@example.org", "partner2@example.org"):
        visitor.switch(email)
        visitor.get(_url(cast.draft, f"/pdf/{pdf_id}"), status=404)
        visitor.get(download_url, status=404)
    visitor.switch("partner@example.org")
    visitor.get(_url(cast.draft, f"/pdf/{pdf_id}"))
    # The id under another audit's address is not found either.
    visitor.get(_url(cast.dementia, f"/pdf/{pdf_id}"), status=404)


def test_asking_for_the_same_audit_as_someone_else_makes_a_pdf_of_ones_own(
    app: Flask, cast: Cast, visitor: Visitor, quick_pdf: list[int]
) -> None:
    visitor.sign_in("lead@example.org")
    lead_pdf, _ = _make(visitor, cast.draft)
    visitor.switch("partner@example.org")
    partner_pdf, _ = _make(visitor, cast.draft)
    assert partner_pdf != lead_pdf
    assert [(p.requested_by_id, p.role) for p in _pdfs(app)] == [
        (cast.lead.id, "lead"),
        (cast.partner.id, "partner"),
    ]


def test_a_failing_weasyprint_says_why_and_trying_again_works(
    app: Flask, cast: Cast, as_lead: Visitor, monkeypatch: pytest.MonkeyPatch, quick_pdf: list[int]
) -> None:
    def broken(ctx: Any) -> report.Pdf:
        raise OSError("cannot load library 'libpango-1.0-0'")

    working = report.pdf
    monkeypatch.setattr(report, "pdf", broken)
    failed_id, page = _make(as_lead, cast.dementia)
    assert page.soup.title.get_text().startswith("PDF of the report: Not made")
    assert page.soup.select_one("#pdf-status").get_text(strip=True) == (
        "Your PDF could not be made."
    )
    # In plain words, the technical reason for the administrator apart, with a reference.
    assert page.soup.select_one("#pdf-failure").get_text(strip=True) == (
        "Something went wrong while making it."
    )
    assert f"reference PDF-{failed_id}" in page.text
    assert page.soup.select_one("#pdf-failure-details summary").get_text(strip=True) == (
        "Details for your administrator"
    )
    assert page.soup.select_one("#pdf-failure-detail").get_text(strip=True) == (
        "OSError: cannot load library 'libpango-1.0-0'"
    )
    assert not page.soup.select_one("#pdf-download")
    as_lead.get(_url(cast.dementia, f"/pdf/{failed_id}/report.pdf"), follow=True)
    [failed] = _pdfs(app)
    assert failed.status == "failed" and failed.content is None and failed.finished_at

    monkeypatch.setattr(report, "pdf", working)
    assert page.soup.select_one("#try-again").get_text(strip=True) == "Try again"
    retried, page = _make(as_lead, cast.dementia)  # the button posts "Make the PDF" again
    assert retried != failed_id
    assert _download(as_lead, page).data.startswith(b"%PDF")


def test_a_request_the_database_refuses_says_so_on_the_download_page(
    app: Flask, cast: Cast, as_lead: Visitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> None:
        db.session.rollback()
        raise SaveFailed("database went away")

    monkeypatch.setattr(report_pdfs.changes, "commit", refused)
    page = as_lead.post(_url(cast.dementia, "/pdf"), follow=True, status=200)
    assert page.h1 == "Download and print"
    assert "The PDF could not be asked for because the database did not respond" in page.text
    assert _pdfs(app) == []


def test_only_the_newest_pdfs_are_kept_per_person_and_audit(
    app: Flask, cast: Cast, visitor: Visitor, quick_pdf: list[int]
) -> None:
    visitor.sign_in("partner@example.org")
    partners, _ = _make(visitor, cast.draft)
    visitor.switch("lead@example.org")
    other_audit, _ = _make(visitor, cast.dementia)
    made = []
    for n in range(report_pdfs.KEEP + 2):
        pdf_id, _ = _make(visitor, cast.draft)
        made.append(pdf_id)
        _change_audit(visitor, cast.draft, f"Carers' forum {n}")
    kept = sorted(p.id for p in _pdfs(app))
    assert kept == sorted([partners, other_audit, *made[-report_pdfs.KEEP :]])
    visitor.get(_url(cast.draft, f"/pdf/{made[0]}"), status=404)


def test_downloading_a_pdf_not_made_yet_goes_to_its_status_page(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    pdf_id = _queued(app, cast)
    page = as_lead.get(_url(cast.dementia, f"/pdf/{pdf_id}/report.pdf"), status=302)
    assert page.response.headers["Location"] == _url(cast.dementia, f"/pdf/{pdf_id}")


def test_the_old_pdf_address_leads_to_the_download_page(cast: Cast, as_lead: Visitor) -> None:
    page = as_lead.get(_url(cast.dementia, "/report.pdf"), status=302)
    assert page.response.headers["Location"] == _url(cast.dementia)
    assert as_lead.get(_url(cast.dementia), follow=True).soup.select_one("#make-pdf")


def test_pdfs_are_not_in_the_json_export(
    app: Flask, cast: Cast, as_lead: Visitor, quick_pdf: list[int]
) -> None:
    _make(as_lead, cast.dementia)
    document = json.loads(as_lead.client.get(_url(cast.dementia, "/audit.json")).data)
    assert "report_pdf" not in document["tables"]
    listed = as_lead.get(_url(cast.dementia)).soup.select_one("#not-included").text
    assert "PDFs of the report" in listed


# --- queued: the status page while waiting ---------------------------------------------


def _queued(app: Flask, cast: Cast, **values: Any) -> int:
    with app.app_context():
        audit = db.session.get(Audit, cast.dementia.id)
        lead = db.session.get(User, cast.lead.id)
        assert audit is not None and lead is not None
        fields = {
            "audit_id": audit.id,
            "requested_by_id": cast.lead.id,
            "role": "lead",
            "status": report_pdfs.QUEUED,
            "audit_revision": audit.revision,
            "inputs_key": report_pdfs.inputs_key(audit, lead, "lead"),
        }
        pdf = ReportPdf(**{**fields, **values})
        db.session.add(pdf)
        db.session.commit()
        return pdf.id


def test_the_status_page_polls_while_waiting_and_has_a_check_again_link(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    pdf_id = _queued(app, cast)
    url = _url(cast.dementia, f"/pdf/{pdf_id}")
    page = as_lead.get(url)
    assert page.soup.title.get_text().startswith("PDF of the report: Waiting to start")
    status = page.soup.select_one("#pdf-status")
    assert status["role"] == "status"
    assert status.get_text(strip=True) == "Waiting to start: your PDF is in the queue."
    assert page.soup.select_one("#pdf-job")["data-poll"] == "on"
    assert page.soup.select_one("#check-again")["href"] == url
    assert page.soup.select_one('meta[http-equiv="refresh"]') is None
    assert page.soup.select_one("#pdf-polling").has_attr("hidden")  # shown by the script
    # Pressing "Make the PDF" meanwhile comes back here rather than queuing another.
    assert _make(as_lead, cast.dementia)[0] == pdf_id


def test_a_job_that_never_finished_offers_to_try_again(
    app: Flask, cast: Cast, as_lead: Visitor, quick_pdf: list[int]
) -> None:
    pdf_id = _queued(app, cast, created_at=utcnow() - timedelta(hours=1))
    page = as_lead.get(_url(cast.dementia, f"/pdf/{pdf_id}"))
    assert "taking much longer than it should" in page.soup.select_one("#pdf-status").text
    assert page.soup.select_one("#pdf-job")["data-poll"] == "off"
    assert page.soup.select_one("#try-again")
    retried, page = _make(as_lead, cast.dementia)
    assert retried != pdf_id
    assert page.soup.select_one("#pdf-download")


def test_the_job_checks_again_that_the_person_may_see_the_audit(app: Flask, cast: Cast) -> None:
    pdf_id = _queued(app, cast, requested_by_id=cast.partner.id, role="partner")
    with app.app_context():
        db.session.execute(
            AuditMembership.__table__.delete().where(
                AuditMembership.audit_id == cast.dementia.id,
                AuditMembership.user_id == cast.partner.id,
            )
        )
        db.session.commit()
        report_pdfs.run(pdf_id)
        pdf = db.session.get(ReportPdf, pdf_id)
        assert pdf.status == "failed" and pdf.content is None
        assert pdf.failure == "You can no longer see this audit, so no PDF was made."


# --- queued on RQ (REDIS_URL set) and made by a real worker ------------------------------


@pytest.fixture
def fake_redis(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> fakeredis.FakeRedis:
    """REDIS_URL set, every Redis connection made from it a fake one, and the job's
    own app (built from the environment, as a worker's is) on the test database."""
    fake = fakeredis.FakeRedis()
    monkeypatch.setattr(redis.Redis, "from_url", lambda url, **kwargs: fake)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/5")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.delenv("REDIS_URL", raising=False)
    return fake


def test_with_redis_the_view_queues_a_job_that_a_real_rq_worker_runs(
    app: Flask, cast: Cast, as_lead: Visitor, fake_redis: fakeredis.FakeRedis
) -> None:
    pdf_id, page = _make(as_lead, cast.dementia)
    assert page.soup.select_one("#pdf-status").get_text(strip=True) == (
        "Waiting to start: your PDF is in the queue."
    )
    assert page.soup.select_one("#pdf-job")["data-poll"] == "on"
    [queued] = _pdfs(app)
    assert (queued.id, queued.status, queued.content) == (pdf_id, "queued", None)
    reports = Queue(report_pdfs.QUEUE, connection=fake_redis)
    [job] = reports.get_jobs()
    assert job.func_name == "audit_app.services.report_pdfs.pdf_job"
    assert job.args == (pdf_id,)

    assert SimpleWorker([reports], connection=fake_redis).work(burst=True)

    assert reports.count == 0 and job.get_status(refresh=True) == "finished"
    [made] = _pdfs(app)
    assert made.status == "done" and made.pages and made.started_at
    page = as_lead.get(_url(cast.dementia, f"/pdf/{pdf_id}"))
    assert page.soup.select_one("#pdf-status").get_text(strip=True) == "Your PDF is ready."
    download = _download(as_lead, page)
    assert len(PdfReader(io.BytesIO(download.data)).pages) == made.pages


def test_the_app_worker_builds_its_app_once_and_runs_each_job_in_it(
    app: Flask,
    cast: Cast,
    as_lead: Visitor,
    fake_redis: fakeredis.FakeRedis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The README's worker (audit_app.worker.AppWorker): its app, with the report's
    templates compiled, is made before any job; a job builds no app of its own. (It
    runs here as a SimpleWorker does, in this process: a forked job's process would
    not share the fake Redis; bench/report_bench.py runs the real, forking one.)"""
    import audit_app
    from audit_app.services import jobs
    from audit_app.worker import AppWorker

    monkeypatch.setattr(jobs, "_worker_app", None)
    pdf_id, _ = _make(as_lead, cast.dementia)
    reports = Queue(report_pdfs.QUEUE, connection=fake_redis)

    worker = type("InProcessAppWorker", (AppWorker, SimpleWorker), {})(
        [reports], connection=fake_redis
    )
    assert jobs.job_app() is worker.app is not app
    cached = {name for _, name in worker.app.jinja_env.cache or {}}
    assert {"exports/report.html", "exports/pdf_layout.html"} <= cached

    def no_new_app(*args: Any) -> Flask:
        raise AssertionError("a job built an app of its own")

    monkeypatch.setattr(audit_app, "create_app", no_new_app)
    assert worker.work(burst=True)

    [made] = _pdfs(app)
    assert (made.id, made.status, made.failure) == (pdf_id, "done", None)
    assert made.content and len(PdfReader(io.BytesIO(made.content)).pages) == made.pages


def test_with_redis_unreachable_the_pdf_fails_with_a_message(
    app: Flask, cast: Cast, as_lead: Visitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    _, page = _make(as_lead, cast.dementia)
    assert page.soup.select_one("#pdf-status").get_text(strip=True) == (
        "Your PDF could not be made."
    )
    failure = page.soup.select_one("#pdf-failure-detail").get_text(strip=True)
    assert failure.startswith("The queue that makes PDFs could not be reached")
    assert page.soup.select_one("#try-again")
