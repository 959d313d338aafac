"""Step 4 of an audit (§9): make changes, commission and improve.

The audit's lead (and an administrator) writes the priorities and the action
plan. Partners may read both pages for any audit they are in; commissioners
for published audits (`audit_or_404` hides drafts from them). Every other page
is the lead's alone: 404 for anyone else.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from audit_app.messages import SUCCESS
from audit_app.models import Audit
from audit_app.models.audit import COMMISSIONER, LEAD, PARTNER
from audit_app.plan.forms import (
    FundingForm,
    HeaderForm,
    UpdateForm,
    action_form,
    objective_form,
    priority_form,
)
from audit_app.record_pages import SAVE_FAILED, Kind, confirm_delete, edit_page, edit_record
from audit_app.services import plan as step4
from audit_app.services.access import audit_or_404, editable_audit_or_404, may_edit
from audit_app.services.changes import SaveFailed
from audit_app.services.chart_cache import cached
from audit_app.services.frameworks import framework_of

bp = Blueprint("plan", __name__, url_prefix="/audits/<int:audit_id>/plan")

READERS = (LEAD, PARTNER, COMMISSIONER)
EDITORS = (LEAD,)


PRIORITY = Kind(
    step4.PRIORITY,
    "priority",
    "plan.priorities",
    "plan.edit_priority",
    "plan.delete_priority",
    "priority_id",
    "plan/priority_form.html",
)
OBJECTIVE = Kind(
    step4.OBJECTIVE,
    "objective",
    "plan.index",
    "plan.edit_objective",
    "plan.delete_objective",
    "objective_id",
    "plan/objective_form.html",
)
ACTION = Kind(
    step4.ACTION,
    "action",
    "plan.index",
    "plan.edit_action",
    "plan.delete_action",
    "action_id",
    "plan/action_form.html",
)
FUNDING = Kind(
    step4.FUNDING,
    "funding",
    "plan.index",
    "plan.edit_funding",
    "plan.delete_funding",
    "funding_id",
    "plan/funding_form.html",
)


# The two pages everyone in the audit may read.


@bp.route("/priorities")
@login_required
def priorities(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id, roles=READERS)
    return render_template(
        "plan/priorities.html",
        audit=audit,
        can_edit=may_edit(audit, role),
        framework=framework_of(audit),
        priorities=step4.priorities(audit),
        asked=step4.PRIORITIES_ASKED,
        step4=step4,
    )


@bp.route("")
@login_required
def index(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id, roles=READERS)
    can_edit = may_edit(audit, role)
    today = date.today()

    def body() -> str:
        objectives = step4.objectives(audit)
        actions = step4.actions(audit)
        contributions = step4.funding(audit)
        return render_template(
            "plan/_body.html",
            audit=audit,
            can_edit=can_edit,
            framework=framework_of(audit),
            header=step4.header(audit),
            objectives=objectives,
            unfiled=[action for action in actions if action.objective_id is None],
            funding=contributions,
            funding_total=step4.funding_total(contributions),
            breaks_total=step4.breaks_total(contributions),
            progress=step4.progress(actions, today),
            rule=step4.PROGRESS_RULE,
            step4=step4,
        )

    # The plan's records give the audit a new revision when they change; what is
    # overdue changes with the day; the lead's links with the right to edit.
    html = cached(audit, f"plan/_body.html:{can_edit}:{today.isoformat()}", body)
    return render_template(
        "plan/index.html",
        audit=audit,
        body_html=Markup(html),  # noqa: S704 (our own template's output)
    )


@bp.route("/actions/<int:action_id>/progress")
@login_required
def show_action(audit_id: int, action_id: int) -> str:
    """One action in full, with its whole dated history of progress updates."""
    audit, role = audit_or_404(audit_id, roles=READERS)
    action = step4.record_or_404(step4.ACTION, audit, action_id)
    return render_template(
        "plan/action.html",
        audit=audit,
        can_edit=may_edit(audit, role),
        action=action,
        rows=step4.describe(step4.ACTION, framework_of(audit), action),
        history=step4.history(action),
        step4=step4,
    )


# The header: one per audit, created on first save.


@bp.route("/header", methods=["GET", "POST"])
@login_required
def header(audit_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    record = step4.header(audit)
    index_url = url_for("plan.index", audit_id=audit.id)
    return edit_page(
        "plan/header_form.html",
        record,
        form=lambda obj: HeaderForm(obj=obj),
        save=lambda form, loaded: step4.save(
            step4.HEADER, audit, record, form.values(), loaded, current_user
        ),
        done=lambda form, saved: ("Action plan saved.", index_url),
        stale="Someone else changed the action plan while you were editing",
        describe=lambda theirs: step4.describe(step4.HEADER, framework_of(audit), theirs),
        audit=audit,
        cancel_url=index_url,
    )


# Adding and changing: one view per kind, one shared body.


@bp.route("/priorities/new", methods=["GET", "POST"])
@login_required
def add_priority(audit_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(PRIORITY, audit, None)


@bp.route("/priorities/<int:priority_id>", methods=["GET", "POST"])
@login_required
def edit_priority(audit_id: int, priority_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(PRIORITY, audit, step4.record_or_404(step4.PRIORITY, audit, priority_id))


@bp.route("/objectives/new", methods=["GET", "POST"])
@login_required
def add_objective(audit_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(OBJECTIVE, audit, None)


@bp.route("/objectives/<int:objective_id>", methods=["GET", "POST"])
@login_required
def edit_objective(audit_id: int, objective_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(OBJECTIVE, audit, step4.record_or_404(step4.OBJECTIVE, audit, objective_id))


@bp.route("/actions/new", methods=["GET", "POST"])
@login_required
def add_action(audit_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(ACTION, audit, None)


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@login_required
def edit_action(audit_id: int, action_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(ACTION, audit, step4.record_or_404(step4.ACTION, audit, action_id))


@bp.route("/funding/new", methods=["GET", "POST"])
@login_required
def add_funding(audit_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(FUNDING, audit, None)


@bp.route("/funding/<int:funding_id>", methods=["GET", "POST"])
@login_required
def edit_funding(audit_id: int, funding_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(FUNDING, audit, step4.record_or_404(step4.FUNDING, audit, funding_id))


def _edit(kind: Kind, audit: Audit, record: Any | None) -> Response | str:
    return edit_record(
        kind, audit, record, step4, lambda obj: _form(kind, audit, record, obj), step4=step4
    )


def _form(kind: Kind, audit: Audit, record: Any | None, obj: Any | None) -> Any:
    """The kind's form, filled from ``obj`` (the record, on GET) when given."""
    framework = framework_of(audit)
    if kind is PRIORITY:
        taken = {p.rank for p in step4.priorities(audit) if record is None or p.id != record.id}
        return priority_form(framework, taken, obj=obj)
    if kind is OBJECTIVE:
        return objective_form(step4.next_position(audit), obj=obj)
    if kind is ACTION:
        form = action_form(framework, step4.objectives(audit), obj)
        if obj is None and request.method == "GET":
            chosen = request.args.get("objective", "")
            if chosen in {value for value, _ in form.objective_id.choices}:
                form.objective_id.data = chosen
        return form
    form = FundingForm(obj=obj)
    if obj is not None:
        form.amount.data = step4.plain_number(obj.amount)
        form.breaks_share.data = step4.plain_number(obj.breaks_share)
    return form


# Progress updates: dated, append-only.


@bp.route("/actions/<int:action_id>/updates/new", methods=["GET", "POST"])
@login_required
def add_update(audit_id: int, action_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    action = step4.record_or_404(step4.ACTION, audit, action_id)
    form = UpdateForm()
    if form.validate_on_submit():
        assert form.on.data is not None  # required: validation refused an empty date
        try:
            step4.add_update(
                audit, action, form.on.data, form.rag.data, form.commentary.data, current_user
            )
        except SaveFailed:
            form.submit.errors = [SAVE_FAILED]
        else:
            flash(
                f"Progress update for ‘{step4.label_of_record(step4.ACTION, action)}’ saved.",
                SUCCESS,
            )
            return redirect(url_for("plan.index", audit_id=audit.id))
    return render_template(
        "plan/update_form.html",
        audit=audit,
        form=form,
        action=action,
        step4=step4,
        cancel_url=url_for("plan.index", audit_id=audit.id),
    )


# Deleting, after a confirmation page.


@bp.route("/priorities/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete_priority(audit_id: int, record_id: int) -> Response | str:
    return _delete(PRIORITY, audit_id, record_id)


@bp.route("/objectives/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete_objective(audit_id: int, record_id: int) -> Response | str:
    return _delete(OBJECTIVE, audit_id, record_id)


@bp.route("/actions/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete_action(audit_id: int, record_id: int) -> Response | str:
    return _delete(ACTION, audit_id, record_id)


@bp.route("/funding/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete_funding(audit_id: int, record_id: int) -> Response | str:
    return _delete(FUNDING, audit_id, record_id)


def _delete(kind: Kind, audit_id: int, record_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    warnings = {
        OBJECTIVE: "Its actions stay in the plan, not under an objective.",
        ACTION: "Its progress updates are deleted with it.",
    }
    return confirm_delete(
        kind, audit, record_id, step4, "plan/confirm_delete.html", warnings.get(kind, "")
    )
