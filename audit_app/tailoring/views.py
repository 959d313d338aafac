"""Tailoring the audit's framework: the lead adds local carer groups and
interventions, renames or removes interventions. Every member may read the
framework page; only the lead changes it, and only on a draft."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from audit_app.forms import optional_int
from audit_app.messages import SUCCESS
from audit_app.models import Audit
from audit_app.models.audit import LEAD
from audit_app.record_pages import SAVE_FAILED
from audit_app.services import tailoring
from audit_app.services.access import audit_or_404, editable_audit_or_404, may_edit
from audit_app.services.changes import SaveFailed
from audit_app.services.frameworks import framework_of, group_choices
from audit_app.services.scope import assessed_groups
from audit_app.tailoring.forms import GroupForm, InterventionForm, RemoveForm, RenameForm
from hub_model import tailoring as rules
from hub_model.framework_schema import Framework, Intervention

bp = Blueprint("tailoring", __name__, url_prefix="/audits/<int:audit_id>/framework")

CHANGED = "Someone else changed the framework while you were editing. Their change is shown; save again to make yours as well, or keep theirs."


@bp.route("/")
@login_required
def index(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id)
    framework = framework_of(audit)
    in_scope = {group.code for group in assessed_groups(audit, framework)}
    return render_template(
        "tailoring/index.html",
        audit=audit,
        framework=framework,
        can_edit=may_edit(audit, role),
        in_scope=in_scope,
        groups=framework.groups_flat(),
        outcome_titles={outcome.code: outcome.short_title for outcome in framework.outcomes},
        usage=_usage_of(audit, framework),
    )


def _usage_of(audit: Audit, framework: Framework) -> dict[str, tailoring.Usage]:
    counted = tailoring.usages(audit)
    return {i.code: counted.get(i.code, tailoring.Usage(0, 0, 0)) for i in framework.interventions}


def _apply(form: Any, audit: Audit, change: Any, label: str, **kwargs: Any) -> bool:
    """Apply a tailoring change, putting any refusal on the form; True if saved."""
    try:
        tailoring.apply(
            audit, current_user, optional_int(form.changes.data) or 0, change, label, **kwargs
        )
    except tailoring.FrameworkChanged:
        # Shown beside what was typed; the form now carries the current count, so
        # saving again applies this change on top of theirs, knowingly.
        form.theirs = tailoring.changes_since(audit, optional_int(form.changes.data) or 0)
        form.changes.data = str(tailoring.change_count(audit))
        form.submit.errors = [CHANGED]
    except rules.TailoringError as error:
        first = form.name if hasattr(form, "name") else form.submit
        first.errors = [str(error)]
    except SaveFailed:
        form.submit.errors = [SAVE_FAILED]
    else:
        return True
    return False


def _loaded(form: Any, audit: Audit) -> None:
    if not form.changes.data:
        form.changes.data = str(tailoring.change_count(audit))


@bp.route("/groups/new", methods=["GET", "POST"])
@login_required
def add_group(audit_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=(LEAD,))
    framework = framework_of(audit)
    form = GroupForm()
    form.dimension.choices = [("", "Choose")] + [(d.code, d.name) for d in framework.dimensions]
    form.parent.choices = [("", "None")] + group_choices(framework)
    _loaded(form, audit)
    if form.validate_on_submit():
        name = (form.name.data or "").strip()
        code = tailoring.code_for(name, [group.code for group in framework.carer_groups])
        parent = form.parent.data or None
        if parent and framework.group(parent).dimension != form.dimension.data:
            form.parent.errors = [other_kind_of_parent(framework, parent, form.dimension.data)]
            saved = False
        else:
            saved = _apply(
                form,
                audit,
                lambda fw: rules.add_carer_group(fw, code, name, form.dimension.data or "", parent),
                f"carer group {name}",
                add_to_scope=code if form.in_scope.data else None,
            )
        if saved:
            flash(f"Carer group ‘{name}’ added.", SUCCESS)
            return redirect(url_for("tailoring.index", audit_id=audit.id))
    return render_template(
        "tailoring/group_form.html", audit=audit, form=form, whole_area=not audit.scope
    )


@bp.route("/interventions/new", methods=["GET", "POST"])
@login_required
def add_intervention(audit_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=(LEAD,))
    framework = framework_of(audit)
    form = InterventionForm()
    form.outcomes.choices = _outcome_choices(framework)
    _loaded(form, audit)
    if form.validate_on_submit():
        name = (form.name.data or "").strip()
        code = tailoring.code_for(name, [i.code for i in framework.interventions])
        saved = _apply(
            form,
            audit,
            lambda fw: rules.add_intervention(
                fw, code, name, form.outcomes.data or [], form.reason.data or ""
            ),
            f"intervention {name}",
        )
        if saved:
            flash(f"Intervention ‘{name}’ added. You can now rate it.", SUCCESS)
            return redirect(url_for("tailoring.index", audit_id=audit.id))
    return render_template("tailoring/intervention_form.html", audit=audit, form=form)


def other_kind_of_parent(framework: Framework, parent: str, dimension: str | None) -> str:
    """What to choose when the wider group is of another kind than the new group:
    the kind to look for, with some groups of that kind by name."""
    kinds = {d.code: d.name for d in framework.dimensions}
    wider = framework.group(parent)
    kind = kinds.get(dimension or "", "")
    same = [group.name for group in framework.carer_groups if group.dimension == dimension]
    examples = ", ".join(f"‘{name}’" for name in same[:3])
    such_as = f", such as {examples}" if examples else ""
    return (
        f"Choose ‘None’, or a wider group that is also defined by "
        f"{kind.lower()}{such_as}: ‘{wider.name}’ is defined by "
        f"{kinds.get(wider.dimension, wider.dimension).lower()}"
    )


def _outcome_choices(framework: Framework) -> list[tuple[str, str]]:
    return [
        (outcome.code, f"{outcome.code}. {outcome.short_title}") for outcome in framework.outcomes
    ]


def _intervention_or_404(framework: Framework, code: str) -> Intervention:
    try:
        return framework.intervention(code)
    except KeyError:
        abort(404)


@bp.route("/interventions/<code>/rename", methods=["GET", "POST"])
@login_required
def rename(audit_id: int, code: str) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=(LEAD,))
    intervention = _intervention_or_404(framework_of(audit), code)
    form = RenameForm(data={"name": intervention.name})
    _loaded(form, audit)
    if form.validate_on_submit():
        name = (form.name.data or "").strip()
        saved = _apply(
            form,
            audit,
            lambda fw: rules.rename_intervention(fw, code, name),
            f"intervention {intervention.name}",
        )
        if saved:
            flash(f"‘{intervention.name}’ is now called ‘{name}’.", SUCCESS)
            return redirect(url_for("tailoring.index", audit_id=audit.id))
    return render_template(
        "tailoring/rename.html", audit=audit, form=form, intervention=intervention
    )


@bp.route("/interventions/<code>/remove", methods=["GET", "POST"])
@login_required
def remove(audit_id: int, code: str) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=(LEAD,))
    intervention = _intervention_or_404(framework_of(audit), code)
    usage = tailoring.usage(audit, code)
    form = RemoveForm()
    _loaded(form, audit)
    if form.validate_on_submit():
        saved = _apply(
            form,
            audit,
            lambda fw: rules.remove_intervention(fw, code),
            f"intervention {intervention.name}",
            extra_old=tailoring.ratings_kept(audit, code),
        )
        if saved:
            kept = " Its ratings are kept in the audit trail." if usage.ratings else ""
            flash(f"‘{intervention.name}’ removed.{kept}", SUCCESS)
            return redirect(url_for("tailoring.index", audit_id=audit.id))
    return render_template(
        "tailoring/remove.html", audit=audit, form=form, intervention=intervention, usage=usage
    )
