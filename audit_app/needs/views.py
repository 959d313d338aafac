"""Step 2 of an audit (§7, §9.1): understand needs and outcomes.

The lead (and an administrator) sees and changes all of it; a commissioner
sees the pages of a published audit read-only; partners see none of it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from audit_app.messages import INFORMATION, SUCCESS
from audit_app.models import Audit
from audit_app.models.audit import COMMISSIONER, LEAD
from audit_app.needs.forms import (
    PlanningForm,
    finding_form,
    method_form,
    outcomes_form,
)
from audit_app.record_pages import SAVE_FAILED, Kind, confirm_delete, edit_record
from audit_app.services import needs as step2
from audit_app.services.access import audit_or_404, editable_audit_or_404, may_edit
from audit_app.services.changes import SaveFailed, StaleEdit
from audit_app.services.frameworks import framework_of

bp = Blueprint("needs", __name__, url_prefix="/audits/<int:audit_id>/needs")

READERS = (LEAD, COMMISSIONER)
EDITORS = (LEAD,)


METHOD = Kind(
    step2.METHOD,
    "method",
    "needs.methods",
    "needs.edit_method",
    "needs.delete_method",
    "method_id",
    "needs/method_form.html",
)
FINDING = Kind(
    step2.FINDING,
    "finding",
    "needs.findings",
    "needs.edit_finding",
    "needs.delete_finding",
    "finding_id",
    "needs/finding_form.html",
)


# The planning questions.


@bp.route("/planning", methods=["GET", "POST"])
@login_required
def planning(audit_id: int) -> Response | str:
    audit, role = audit_or_404(audit_id, roles=READERS if request.method == "GET" else EDITORS)
    saved = step2.answers(audit)
    form = PlanningForm()
    theirs: dict[str, Any] = {}
    if request.method == "GET":
        for code in step2.QUESTION_CODES:
            if code in saved:
                form.answer(code).data = saved[code].answer or ""
                form.version(code).data = str(saved[code].version)
    elif form.validate_on_submit():
        typed = {
            code: (form.answer(code).data or None, _version_or_none(form.version(code).data))
            for code in step2.QUESTION_CODES
        }
        try:
            count, theirs = step2.save_answers(audit, typed, current_user)
        except SaveFailed:
            form.submit.errors = [SAVE_FAILED]
        else:
            if not theirs:
                flash(
                    "Answers saved." if count else "No answers changed.",
                    SUCCESS if count else INFORMATION,
                )
                return redirect(url_for("needs.planning", audit_id=audit.id))
            short = {code: name for code, name, _ in step2.PLANNING_QUESTIONS}
            for code, record in theirs.items():
                form.answer(code).errors = [
                    f"Someone else changed the answer about {short[code]} while you were editing"
                ]
                # Saving again now keeps what was typed, knowingly.
                form.version(code).data = str(record.version)
            if count:
                flash("Your other answers were saved.", SUCCESS)
    return render_template(
        "needs/planning.html",
        audit=audit,
        can_edit=may_edit(audit, role),
        form=form,
        questions=step2.PLANNING_QUESTIONS,
        saved=saved,
        theirs=theirs,
    )


def _version_or_none(text: str | None) -> int | None:
    """The version a planning answer was loaded with; None if it had none; 0 if forged."""
    if not text:
        return None
    return int(text) if text.isdigit() else 0


# The two lists.


@bp.route("/methods")
@login_required
def methods(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id, roles=READERS)
    plan = step2.methods(audit)
    return render_template(
        "needs/methods.html",
        audit=audit,
        can_edit=may_edit(audit, role),
        framework=framework_of(audit),
        methods=plan,
        total_cost=sum((row.cost_amount for row in plan if row.cost_amount is not None), start=0),
        step2=step2,
    )


@bp.route("/findings")
@login_required
def findings(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id, roles=READERS)
    return render_template(
        "needs/findings.html",
        audit=audit,
        can_edit=may_edit(audit, role),
        framework=framework_of(audit),
        findings=step2.findings(audit),
        step2=step2,
    )


# Adding and changing.


@bp.route("/methods/new", methods=["GET", "POST"])
@login_required
def add_method(audit_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(METHOD, audit, None)


@bp.route("/methods/<int:method_id>", methods=["GET", "POST"])
@login_required
def edit_method(audit_id: int, method_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(METHOD, audit, step2.record_or_404(step2.METHOD, audit, method_id))


@bp.route("/findings/new", methods=["GET", "POST"])
@login_required
def add_finding(audit_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(FINDING, audit, None)


@bp.route("/findings/<int:finding_id>", methods=["GET", "POST"])
@login_required
def edit_finding(audit_id: int, finding_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(FINDING, audit, step2.record_or_404(step2.FINDING, audit, finding_id))


def _edit(kind: Kind, audit: Audit, record: Any | None) -> Response | str:
    return edit_record(kind, audit, record, step2, lambda obj: _form(kind, audit, obj))


def _form(kind: Kind, audit: Audit, obj: Any | None) -> Any:
    """The kind's form, filled from ``obj`` (a record) when given."""
    if kind is METHOD:
        form = method_form(framework_of(audit), obj=obj)
        if obj is not None:
            form.cost_amount.data = step2.plain_number(obj.cost_amount)
        return form
    form = finding_form(framework_of(audit), obj=obj)
    if obj is not None:
        form.participants.data = "" if obj.participants is None else str(obj.participants)
    return form


# Deleting, after a confirmation page.


@bp.route("/methods/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete_method(audit_id: int, record_id: int) -> Response | str:
    return _delete(METHOD, audit_id, record_id)


@bp.route("/findings/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete_finding(audit_id: int, record_id: int) -> Response | str:
    return _delete(FINDING, audit_id, record_id)


def _delete(kind: Kind, audit_id: int, record_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return confirm_delete(kind, audit, record_id, step2)


# The outcomes that matter to local carers.


@bp.route("/outcomes", methods=["GET", "POST"])
@login_required
def outcomes(audit_id: int) -> Response | str:
    audit, role = audit_or_404(audit_id, roles=READERS if request.method == "GET" else EDITORS)
    framework = framework_of(audit)
    ranked = step2.priorities(audit)
    form = outcomes_form(framework)
    stale = False
    if request.method == "GET":
        for code, _ in form.outcomes:
            form.rank(code).data = ""
        for row in ranked:
            if f"rank_{row.outcome}" in form:
                form.rank(row.outcome).data = str(row.rank)
                form.said_by(row.outcome).data = row.said_by or ""
                form.version(row.outcome).data = str(row.version)
    elif form.validate_on_submit():
        try:
            step2.save_priorities(audit, framework, form.typed(), current_user)
        except StaleEdit:
            stale = True
            form.form_errors.append(
                "Someone else changed the ranking while you were editing. "
                "Their ranking is shown; check it and save again to keep yours."
            )
            for code, _ in form.outcomes:
                form.version(code).data = ""
            for row in ranked:
                if f"version_{row.outcome}" in form:
                    form.version(row.outcome).data = str(row.version)
        except SaveFailed:
            form.submit.errors = [SAVE_FAILED]
        else:
            flash("Ranking saved.", SUCCESS)
            return redirect(url_for("needs.outcomes", audit_id=audit.id))
    return render_template(
        "needs/outcomes.html",
        audit=audit,
        can_edit=may_edit(audit, role),
        form=form,
        framework=framework,
        ranked=ranked,
        step2=step2,
        stale=stale,
    )
