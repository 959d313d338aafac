"""Making the PDF of an audit's report as a background job, and keeping it to download.

WeasyPrint takes seconds (about 3 s for the demo dementia audit, more on a
worker's first run), too long to hold a web worker for, so a request only
records what was asked for (:func:`request_pdf`) and the work runs as an RQ
job on the "reports" queue when REDIS_URL is set, inline otherwise (the
default, tests and the demo), exactly as questionnaire imports do. A status
page polls the record.

A PDF shows what its requester may see (their role, the evidence open to
them), so it is theirs alone. It records what it was made from: the audit's
revision and the key of everything else the report shows
(services.report_cache.report_key: the other areas and the last cycle it
compares with, the evidence the requester sees, carers' answers).
Asking again while both are the same goes straight to the PDF already made; a
change to either offers a new one. Each person keeps only the newest
:data:`KEEP` finished PDFs of an audit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import abort
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from audit_app.extensions import db
from audit_app.models import Audit, ReportPdf, User
from audit_app.models.types import utcnow
from audit_app.services import changes, exports, jobs, report
from audit_app.services.access import can_see, member_role

log = logging.getLogger(__name__)

QUEUE = "reports"
KEEP = 3  # finished PDFs kept per person and audit
JOB_TIMEOUT = 300  # seconds RQ lets one PDF take (it takes seconds)

QUEUED, MAKING, DONE, FAILED = "queued", "making", "done", "failed"
FINISHED = {DONE, FAILED}
STATUS_LABELS = {
    QUEUED: "Waiting to start",
    MAKING: "Making the PDF",
    DONE: "Ready to download",
    FAILED: "Not made: something went wrong",
}


NOT_ALLOWED = "You can no longer see this audit, so no PDF was made."


class NotAllowed(Exception):
    """The requester may no longer see the audit, so no PDF is made for them."""


def request_pdf(audit: Audit, user: User, role: str) -> ReportPdf:
    """This person's PDF of the audit as it is now: one already made or being made,
    else a new one, queued (or made now when no queue is configured).

    Raises SaveFailed if the request cannot be recorded; any later failure is
    recorded on the PDF instead."""
    key = inputs_key(audit, user, role)
    existing = current(audit, user, role, key)
    if existing is not None:
        return existing
    pdf = ReportPdf(
        audit_id=audit.id,
        requested_by_id=user.id,
        role=role,
        status=QUEUED,
        audit_revision=audit.revision or 0,
        inputs_key=key,
    )
    db.session.add(pdf)
    changes.commit()
    queue(pdf)
    return pdf


def inputs_key(audit: Audit, user: User, role: str) -> str:
    """What the report would show this person now, besides the audit's revision."""
    from audit_app.services import report_cache

    return report_cache.report_key(exports.ExportContext(audit, user, role), by_day=False)


def current(audit: Audit, user: User, role: str, key: str) -> ReportPdf | None:
    """The person's newest PDF of this revision and ``key`` (:func:`inputs_key`) that
    is made or still on its way."""
    candidates = db.session.scalars(
        select(ReportPdf)
        .where(
            ReportPdf.audit_id == audit.id,
            ReportPdf.requested_by_id == user.id,
            ReportPdf.role == role,
            ReportPdf.audit_revision == (audit.revision or 0),
            ReportPdf.inputs_key == key,
            ReportPdf.status.in_((QUEUED, MAKING, DONE)),
        )
        .order_by(ReportPdf.id.desc())
    )
    return next((pdf for pdf in candidates if pdf.status == DONE or not is_stuck(pdf)), None)


def queue(pdf: ReportPdf) -> None:
    """Run the job on RQ when REDIS_URL is set, else now."""
    if not jobs.uses_queue():
        run(pdf.id)
        return
    try:
        jobs.enqueue(QUEUE, pdf_job, pdf.id, job_timeout=JOB_TIMEOUT)
    except jobs.QueueUnreachable as error:
        _finish(pdf, FAILED, f"The queue that makes PDFs could not be reached ({error}).")


def pdf_job(pdf_id: int) -> None:
    """The RQ job: the worker's app (:func:`jobs.job_app`), then :func:`run`."""
    with jobs.job_app().app_context():
        try:
            run(pdf_id)
        finally:
            # A forking worker's process ends with the job; a SimpleWorker's does not.
            db.session.remove()
            db.engine.dispose()


def run(pdf_id: int) -> None:
    """Make the PDF of a queued record; any failure is recorded on it, never raised."""
    pdf = db.session.get(ReportPdf, pdf_id)
    if pdf is None or pdf.status != QUEUED:
        return
    audit = db.session.get(Audit, pdf.audit_id)
    user = db.session.get(User, pdf.requested_by_id)
    assert audit is not None and user is not None  # both cascade to the record
    pdf.status = MAKING
    pdf.started_at = utcnow()
    pdf.audit_revision = audit.revision or 0
    db.session.commit()
    try:
        ctx = _context(pdf, audit, user)
        pdf.inputs_key = inputs_key(audit, user, ctx.role)  # what it is made from
        made = report.pdf(ctx)
    except Exception as error:  # noqa: BLE001 (whatever broke, the page says so and offers a retry)
        db.session.rollback()
        log.exception("PDF %s of audit %s could not be made", pdf_id, pdf.audit_id)
        _finish(pdf, FAILED, _reason(error))
        return
    pdf.content = made.body
    pdf.pages = made.pages
    pdf.size = len(made.body)
    pdf.filename = exports.filename(ctx, "report.pdf")
    _finish(pdf, DONE)


def _context(pdf: ReportPdf, audit: Audit, user: User) -> exports.ExportContext:
    """What the requester may see now: their access is checked again when the job runs."""
    role = member_role(user, audit)
    if not can_see(user, audit, role):
        raise NotAllowed(NOT_ALLOWED)
    assert role is not None
    pdf.role = role
    return exports.ExportContext(audit, user, role)


@dataclass(frozen=True)
class Failure:
    """Why a PDF was not made, as its status page says it: in plain words, with the
    technical reason (for an administrator) apart."""

    plain: str
    technical: str | None


def failure_of(pdf: ReportPdf) -> Failure:
    if pdf.failure == NOT_ALLOWED:
        return Failure(NOT_ALLOWED, None)
    return Failure(
        "Something went wrong while making it.",
        pdf.failure or "No reason was recorded.",
    )


def _reason(error: Exception) -> str:
    if isinstance(error, NotAllowed):
        return str(error)
    return f"{type(error).__name__}: {error}"[:1000]


def _finish(pdf: ReportPdf, status: str, failure: str | None = None) -> None:
    """Record the outcome, then drop this person's older PDFs of the audit."""
    pdf.status = status
    pdf.failure = failure
    pdf.finished_at = utcnow()
    try:
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.exception("PDF %s could not be saved", pdf.id)
        pdf.status, pdf.failure, pdf.finished_at = FAILED, _reason(error), utcnow()
        db.session.commit()
    prune(pdf.audit_id, pdf.requested_by_id)


def prune(audit_id: int, user_id: int) -> int:
    """Delete all but the newest :data:`KEEP` finished PDFs of one person and audit."""
    older = list(
        db.session.scalars(
            select(ReportPdf.id)
            .where(
                ReportPdf.audit_id == audit_id,
                ReportPdf.requested_by_id == user_id,
                ReportPdf.status.in_(FINISHED),
            )
            .order_by(ReportPdf.id.desc())
            .offset(KEEP)
        )
    )
    if older:
        db.session.execute(delete(ReportPdf).where(ReportPdf.id.in_(older)))
        db.session.commit()
    return len(older)


def pdf_or_404(audit: Audit, pdf_id: int, user: User) -> ReportPdf:
    """The PDF if this person asked for it (anyone else, even the lead, gets 404)."""
    found = db.session.get(ReportPdf, pdf_id)
    if found is None or found.audit_id != audit.id or found.requested_by_id != user.id:
        abort(404)
    return found


def is_stuck(pdf: ReportPdf) -> bool:
    """Whether the PDF will not be made by itself (services.jobs): its page offers
    to try again."""
    return pdf.status not in FINISHED and jobs.is_stuck(pdf.created_at, pdf.status == QUEUED, QUEUE)


def is_out_of_date(pdf: ReportPdf, audit: Audit, key: str) -> bool:
    """Whether what the report shows has changed since the PDF was made: the audit,
    or anything else :func:`inputs_key` names (``key``: its value now)."""
    return pdf.status == DONE and (
        pdf.audit_revision != (audit.revision or 0) or pdf.inputs_key != key
    )


def size_text(size: int) -> str:
    """A file size as people read it: "840 KB", "1.2 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def download_text(pdf: ReportPdf) -> str:
    pages = f"{pdf.pages} page{'' if pdf.pages == 1 else 's'}"
    return f"Download the PDF ({pages}, {size_text(pdf.size or 0)})"
