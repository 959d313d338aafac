"""Step 3 evidence returns: partners' evidence about their services, and the lead's review."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from audit_app.auth.next_page import local_path
from audit_app.evidence.forms import DecisionForm, EvidenceForm, StatusFilterForm, SubmitForm
from audit_app.messages import INFORMATION, SUCCESS
from audit_app.models import Audit, EvidenceReturn
from audit_app.models.audit import LEAD, PARTNER
from audit_app.models.evidence import EVIDENCE_STATUSES
from audit_app.models.types import utcnow
from audit_app.services import evidence, notify, uploads
from audit_app.services.access import (
    audit_or_404,
    editable_audit_or_404,
    read_with_user,
    refuse_if_published,
)
from audit_app.services.changes import SaveFailed, StaleEdit
from audit_app.services.frameworks import framework_of

bp = Blueprint("evidence", __name__, url_prefix="/audits/<int:audit_id>/evidence")

# The list's rows are kept under the names of the organisations they are from, read
# with the reader (one statement a view once kept).
read_with_user("evidence.index", "organisations", evidence.organisations_column)

STALE_MESSAGE = "Someone else changed this evidence return while you were editing"
SAVE_FAILED = "Sorry, your changes could not be saved. Try again."
# The lead's judgement pages that offer "Save and add evidence of your own".
JUDGEMENT_PAGES = {"ratings.cell", "ratings.checklist_cell"}


@bp.route("/")
@login_required
def index(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id)
    filter_form = StatusFilterForm(request.args)
    status = filter_form.chosen()
    returns = evidence.kept_listed_returns(audit, current_user, role, status)
    today = utcnow().date()
    # The table is made of these rows (every value it shows), the day (out of date
    # or not), the status and role (its caption, its words when empty) and the
    # audit's framework (intervention names, by the audit's revision): rendered
    # once for each.
    shown = hashlib.sha256(repr((returns, today)).encode()).hexdigest()[:24]
    return render_template(
        "evidence/index.html",
        audit=audit,
        role=role,
        returns=returns,
        listing_key=f"evidence/index.html:{role}:{status}:{shown}",
        filter_form=filter_form,
        status=status,
        status_label=EVIDENCE_STATUSES.get(status or ""),
        intervention_names={item.code: item.name for item in framework_of(audit).interventions},
        today=today,
        can_create=evidence.can_create(role) and not audit.is_published,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(audit_id: int) -> Response | str:
    audit, role = editable_audit_or_404(audit_id, roles=(LEAD, PARTNER))
    form = EvidenceForm().use_framework(framework_of(audit))
    came_from = _judgement_page(audit, request.values.get("next")) if role == LEAD else None
    back_to = came_from[0] if came_from else None
    if request.method == "GET" and came_from and "intervention" in came_from[1]:
        form.interventions.data = [came_from[1]["intervention"]]  # the rating's own
    if form.validate_on_submit():
        try:
            record = evidence.create(audit, form.values(), current_user, role)
        except SaveFailed:
            form.submit.errors = [SAVE_FAILED]  # in the error summary, beside the button
            return _render_form(audit, form, None, back_to=back_to, role=role)
        else:
            _keep_file(audit, record, form)
            if role != LEAD:
                flash(f"Evidence return ‘{record.service_name}’ saved as a draft.", SUCCESS)
                return redirect(url_for(".show", audit_id=audit.id, evidence_id=record.id))
            if back_to:
                flash(
                    f"Your evidence ‘{record.service_name}’ is saved and ticked below. "
                    "Save this page to cite it.",
                    SUCCESS,
                )
                return redirect(f"{back_to}?cite={record.id}#evidence")
            flash(
                f"Your evidence ‘{record.service_name}’ is saved. As your own, it needs no "
                "review: any rating or checklist judgement can cite it now.",
                SUCCESS,
            )
            return redirect(url_for(".show", audit_id=audit.id, evidence_id=record.id))
    return _render_form(audit, form, None, back_to=back_to, role=role)


def _judgement_page(audit: Audit, target: str | None) -> tuple[str, dict[str, Any]] | None:
    """``target``'s path and arguments if it is one of this audit's rating or checklist
    cell pages: where the lead came from to add evidence of their own, and goes back to."""
    local = local_path(target)
    if local is None:
        return None
    path = urlsplit(local).path  # its own address, without a query of its own
    try:
        endpoint, args = current_app.url_map.bind("").match(path)
    except HTTPException:
        return None
    if endpoint not in JUDGEMENT_PAGES or args.get("audit_id") != audit.id:
        return None
    return path, args


@bp.route("/<int:evidence_id>/edit", methods=["GET", "POST"])
@login_required
def edit(audit_id: int, evidence_id: int) -> Response | str:
    audit, role = audit_or_404(audit_id, roles=(LEAD, PARTNER))
    record = evidence.get_visible_or_404(audit, evidence_id, current_user, role)
    if not evidence.can_edit(record, current_user, role):
        abort(403)
    refuse_if_published(audit)  # after 403: one who may never change this return is told so
    framework = framework_of(audit)
    form = EvidenceForm().use_framework(framework)
    if request.method == "GET":
        form.load(evidence.values_of(record), record.version)
    elif form.validate_on_submit():
        try:
            evidence.update(audit, record, form.values(), form.loaded_version(), current_user)
        except StaleEdit as stale:
            form.version.data = str(record.version)
            theirs = evidence.summary_rows(stale.current, framework)
            return _render_form(audit, form, record, theirs=theirs, role=role)
        except SaveFailed:
            form.submit.errors = [SAVE_FAILED]
            return _render_form(audit, form, record, role=role)
        else:
            _keep_file(audit, record, form)
            flash(f"Evidence return ‘{record.service_name}’ saved.", SUCCESS)
            return redirect(url_for(".show", audit_id=audit.id, evidence_id=record.id))
    return _render_form(audit, form, record, role=role)


def _keep_file(audit: Audit, record: EvidenceReturn, form: EvidenceForm) -> None:
    if form.checked_file is None:
        return
    try:
        evidence.add_attachment(audit, record, form.checked_file, current_user)
    except SaveFailed:
        flash(
            f"The file ‘{form.checked_file.filename}’ could not be saved. Try adding it again.",
            INFORMATION,
        )


def _render_form(
    audit: Audit,
    form: EvidenceForm,
    record: EvidenceReturn | None,
    theirs: list[tuple[str, str]] | None = None,
    back_to: str | None = None,
    role: str | None = None,
) -> str:
    return render_template(
        "evidence/form.html",
        audit=audit,
        form=form,
        record=record,
        theirs=theirs,
        back_to=back_to,
        role=role,
        stale_message=STALE_MESSAGE,
        can_delete_files=record is not None
        and evidence.can_delete_files(record, current_user, role),
    )


@bp.route("/<int:evidence_id>")
@login_required
def show(audit_id: int, evidence_id: int) -> str:
    audit, role = audit_or_404(audit_id)
    record = evidence.get_visible_or_404(audit, evidence_id, current_user, role)
    return _render_show(audit, role, record)


def _render_show(
    audit: Audit,
    role: str,
    record: EvidenceReturn,
    submit_form: SubmitForm | None = None,
    decision_form: DecisionForm | None = None,
    stale: bool = False,
) -> str:
    if submit_form is None:
        submit_form = SubmitForm(formdata=None, version=str(record.version))
    if decision_form is None:
        decision_form = DecisionForm(formdata=None, version=str(record.version))
    return render_template(
        "evidence/show.html",
        audit=audit,
        role=role,
        record=record,
        rows=evidence.summary_rows(evidence.values_of(record), framework_of(audit)),
        today=utcnow().date(),
        can_edit=evidence.can_edit(record, current_user, role) and not audit.is_published,
        can_submit=evidence.can_submit(record, current_user, role) and not audit.is_published,
        can_delete_files=evidence.can_delete_files(record, current_user, role)
        and not audit.is_published,
        can_decide=evidence.can_decide(record, role) and not audit.is_published,
        submit_form=submit_form,
        decision_form=decision_form,
        form=decision_form if decision_form.errors else None,
        stale=stale,
        stale_message=STALE_MESSAGE,
    )


@bp.route("/<int:evidence_id>/submit", methods=["POST"])
@login_required
def submit(audit_id: int, evidence_id: int) -> Response | str:
    audit, role = audit_or_404(audit_id, roles=(LEAD, PARTNER))
    record = evidence.get_visible_or_404(audit, evidence_id, current_user, role)
    if not evidence.can_submit(record, current_user, role):
        abort(403)
    form = SubmitForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        evidence.submit(audit, record, form.loaded_version(), current_user)
    except StaleEdit:
        return _render_show(audit, role, record, stale=True)
    except SaveFailed:
        flash(SAVE_FAILED, INFORMATION)
        return redirect(url_for(".show", audit_id=audit.id, evidence_id=record.id))
    sent = notify.return_submitted(audit, record, current_user)
    flash(
        f"Evidence return ‘{record.service_name}’ submitted to the carers lead."
        + notify.emailed(sent),
        SUCCESS,
    )
    return redirect(url_for(".show", audit_id=audit.id, evidence_id=record.id))


@bp.route("/<int:evidence_id>/decision", methods=["POST"])
@login_required
def decide(audit_id: int, evidence_id: int) -> Response | str:
    audit, role = audit_or_404(audit_id, roles=(LEAD,))
    record = evidence.get_visible_or_404(audit, evidence_id, current_user, role)
    if not evidence.can_decide(record, role):
        abort(403)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_show(audit, role, record, decision_form=form)
    accept = form.decision.data == "accept"
    try:
        evidence.decide(
            audit, record, accept, form.comments.data, form.loaded_version(), current_user
        )
    except StaleEdit:
        # The decision and comments typed stay in the form, now against the version
        # shown: confirming again records them, knowingly.
        form.version.data = str(record.version)
        return _render_show(audit, role, record, decision_form=form, stale=True)
    except SaveFailed:
        flash(SAVE_FAILED, INFORMATION)
        return redirect(url_for(".show", audit_id=audit.id, evidence_id=record.id))
    sent = [] if accept else notify.return_sent_back(audit, record, current_user)
    flash(
        f"Evidence return ‘{record.service_name}’ "
        + ("accepted." if accept else "returned to the partner with your comments.")
        + notify.emailed(sent),
        SUCCESS,
    )
    return redirect(url_for(".show", audit_id=audit.id, evidence_id=record.id))


@bp.route("/<int:evidence_id>/attachments/<int:attachment_id>")
@login_required
def attachment(audit_id: int, evidence_id: int, attachment_id: int) -> Response:
    audit, role = audit_or_404(audit_id)
    record = evidence.get_visible_or_404(audit, evidence_id, current_user, role)
    item = evidence.attachment_or_404(record, attachment_id)
    path = uploads.path_of(audit.id, item.stored_name)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=True,
        download_name=item.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:evidence_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_attachment(audit_id: int, evidence_id: int, attachment_id: int) -> Response:
    audit, role = audit_or_404(audit_id, roles=(LEAD, PARTNER))
    record = evidence.get_visible_or_404(audit, evidence_id, current_user, role)
    if not evidence.can_delete_files(record, current_user, role):
        abort(403)
    item = evidence.attachment_or_404(record, attachment_id)
    filename = item.filename
    try:
        evidence.remove_attachment(audit, record, item, current_user)
    except SaveFailed:
        flash(SAVE_FAILED, INFORMATION)
    else:
        flash(f"File ‘{filename}’ deleted.", SUCCESS)
    return redirect(url_for(".show", audit_id=audit.id, evidence_id=record.id))
