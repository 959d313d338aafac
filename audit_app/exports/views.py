"""Download and print an audit; import an audit from its JSON export.

Every member of an audit may download its report, XLSX and CSVs and make its PDF
(commissioners only once it is published: `audit_or_404` hides drafts from
them); each shows only what that person may see in the app. The JSON export
holds every row of the audit the lead may see (not partners' drafts, as
services.evidence rules), so it is the lead's alone. Importing is for carers
leads and administrators.

A PDF is made as a background job (services.report_pdfs) and belongs to the
person who asked for it: its status page and download are theirs alone.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from audit_app.exports.forms import ImportForm
from audit_app.extensions import db
from audit_app.messages import INFORMATION, SUCCESS
from audit_app.models import Organisation
from audit_app.models.audit import LEAD
from audit_app.models.types import utcnow
from audit_app.models.user import ADMINISTRATOR, CARERS_LEAD
from audit_app.services import (
    audit_json,
    audit_json_check,
    cycle_comparison,
    exports,
    indicator_peers,
    questionnaires,
    report,
    report_pdfs,
)
from audit_app.services.access import account_role_required, audit_or_404, read_with_user
from audit_app.services.audits import area_choices
from audit_app.services.changes import SaveFailed

bp = Blueprint("exports", __name__)

PREFIX = "/audits/<int:audit_id>/exports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_IMPORT_LIMIT = 5 * 1024 * 1024

# The report's key (services.report_cache.report_key) names the other areas' audits
# and this area's earlier ones that the reader may open, and the survey's answers:
# read with the reader (one statement a view once kept).
read_with_user("exports.report_page", "others", indicator_peers.others_column)
read_with_user("exports.report_page", "earlier", cycle_comparison.earlier_column)
read_with_user("exports.report_page", "answers", questionnaires.answers_column)


def _context(audit_id: int, roles: tuple[str, ...] | None = None) -> exports.ExportContext:
    audit, role = audit_or_404(audit_id) if roles is None else audit_or_404(audit_id, roles)
    return exports.ExportContext(audit, current_user, role)


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route(PREFIX + "/")
@login_required
def index(audit_id: int) -> str:
    ctx = _context(audit_id)
    return render_template(
        "exports/index.html",
        audit=ctx.audit,
        role=ctx.role,
        ctx=ctx,
        tables=exports.tables_for(ctx),
        is_lead=ctx.role == LEAD,
        not_included=[*audit_json.NOT_EXPORTED.values(), audit_json.ATTACHMENTS_NOTE],
    )


@bp.route(PREFIX + "/report")
@login_required
def report_page(audit_id: int) -> Response:
    # Its sections are kept (services.report_cache): the framework is read to make them.
    audit, role = audit_or_404(audit_id)
    ctx = exports.ExportContext(audit, current_user, role)
    # Sent in pieces (the kept page and the reader's CSRF token), not joined first.
    # (Werkzeug sets the Content-Length of a list of bytes.)
    return Response(report.page_chunks(ctx), mimetype="text/html")


@bp.route(PREFIX + "/report.pdf")
@login_required
def old_pdf_link(audit_id: int) -> Response:
    """The PDF was made here, inside the request; it is now made on request from the
    download page. Old links and bookmarks land there."""
    audit, _ = audit_or_404(audit_id)
    return redirect(url_for(".index", audit_id=audit.id))


@bp.route(PREFIX + "/pdf", methods=["POST"])
@login_required
def make_pdf(audit_id: int) -> Response:
    # Making a PDF does not change the audit, so published versions allow it.
    audit, role = audit_or_404(audit_id, allow_published=True)
    try:
        pdf = report_pdfs.request_pdf(audit, current_user, role)
    except SaveFailed:
        flash(
            "The PDF could not be asked for because the database did not respond. Try again.",
            INFORMATION,
        )
        return redirect(url_for(".index", audit_id=audit.id))
    return redirect(url_for(".pdf_status", audit_id=audit.id, pdf_id=pdf.id))


@bp.route(PREFIX + "/pdf/<int:pdf_id>")
@login_required
def pdf_status(audit_id: int, pdf_id: int) -> str:
    audit, role = audit_or_404(audit_id)
    pdf = report_pdfs.pdf_or_404(audit, pdf_id, current_user)
    return render_template(
        "exports/pdf_status.html",
        audit=audit,
        role=role,
        pdf=pdf,
        finished=pdf.status in report_pdfs.FINISHED,
        labels=report_pdfs.STATUS_LABELS,
        stuck=report_pdfs.is_stuck(pdf),
        out_of_date=pdf.status == report_pdfs.DONE
        and report_pdfs.is_out_of_date(
            pdf, audit, report_pdfs.inputs_key(audit, current_user, role)
        ),
        download_text=report_pdfs.download_text(pdf) if pdf.status == report_pdfs.DONE else "",
        failure=report_pdfs.failure_of(pdf) if pdf.status == report_pdfs.FAILED else None,
        download_url=url_for(
            ".pdf_download",
            audit_id=audit.id,
            pdf_id=pdf.id,
            name=(pdf.filename or "report.pdf").removesuffix(".pdf"),
        ),
    )


@bp.route(PREFIX + "/pdf/<int:pdf_id>/<name>.pdf")
@login_required
def pdf_download(audit_id: int, pdf_id: int, name: str) -> Response:
    """The made PDF (``name`` is for the browser; the record names the file)."""
    audit, _ = audit_or_404(audit_id)
    pdf = report_pdfs.pdf_or_404(audit, pdf_id, current_user)
    if pdf.status != report_pdfs.DONE or pdf.content is None:
        return redirect(url_for(".pdf_status", audit_id=audit.id, pdf_id=pdf.id))
    return _download(pdf.content, "application/pdf", pdf.filename or "report.pdf")


@bp.route(PREFIX + "/tables.xlsx")
@login_required
def xlsx(audit_id: int) -> Response:
    ctx = _context(audit_id)
    return _download(exports.xlsx_bytes(ctx), XLSX, exports.filename(ctx, "tables.xlsx"))


@bp.route(PREFIX + "/csv/<slug>.csv")
@login_required
def csv(audit_id: int, slug: str) -> Response:
    ctx = _context(audit_id)
    if slug not in {spec.slug for spec in exports.tables_for(ctx)}:
        abort(404)
    body = exports.csv_bytes(exports.build(ctx, slug))
    return _download(body, "text/csv", exports.filename(ctx, f"{slug}.csv"))


@bp.route(PREFIX + "/audit.json")
@login_required
def json_export(audit_id: int) -> Response:
    ctx = _context(audit_id, (LEAD,))
    body = audit_json.dumps(audit_json.export_document(ctx.audit, ctx.user, ctx.role))
    return _download(body, "application/json", exports.filename(ctx, "audit.json"))


def import_limit() -> int:
    return int(current_app.config.get("MAX_IMPORT_BYTES") or DEFAULT_IMPORT_LIMIT)


@bp.route("/audits/import", methods=["GET", "POST"])
@account_role_required(CARERS_LEAD, ADMINISTRATOR)
def import_audit() -> Response | str:
    form = ImportForm()
    form.area_id.choices = area_choices(current_user)
    if form.validate_on_submit():
        area = db.session.get(Organisation, form.area_id.data)
        assert area is not None
        try:
            document = audit_json.parse(form.file.data.read(import_limit() + 1), import_limit())
            outside = audit_json.people_outside(document, area, current_user)
            audit = audit_json.import_document(document, area, form.title.data, current_user)
        except audit_json.ImportFailed as failed:
            form.file.errors = [str(failed)]
            form.form_errors.extend(_listed(failed.problems))
        else:
            flash(f"Imported as a new draft audit: {audit.title}", SUCCESS)
            if outside:
                flash(_outside_message(outside, area), INFORMATION)
            return redirect(url_for("audits.overview", audit_id=audit.id))
    return render_template(
        "exports/import.html", form=form, limit_mb=import_limit() // (1024 * 1024), now=utcnow()
    )


def _listed(problems: list[Any]) -> list[str]:
    """The problems for the error summary: the first few, then how many more."""
    shown = [str(problem) for problem in problems[: audit_json_check.SHOWN]]
    hidden = len(problems) - len(shown)
    if hidden:
        shown.append(f"and {hidden} more problem{'' if hidden == 1 else 's'} like these")
    return shown


def _outside_message(emails: list[str], area: Organisation) -> str:
    named = ", ".join(emails[:5]) + (f" and {len(emails) - 5} more" if len(emails) > 5 else "")
    return (
        f"{len(emails)} {'person' if len(emails) == 1 else 'people'} named in the file "
        f"{'is' if len(emails) == 1 else 'are'} not in {area.name} ({named}): what they did "
        "is shown as by an unknown person, or as yours where a person is needed."
    )
