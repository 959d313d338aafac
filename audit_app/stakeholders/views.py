"""Step 1 of an audit (§6): the stakeholder register, carer population figures, linked sources.

The audit's lead (and an administrator) sees and changes all of it; a
commissioner sees the three lists of a published audit, read-only; partners
see none of it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import login_required
from werkzeug.wrappers import Response

from audit_app.models import Audit
from audit_app.models.audit import COMMISSIONER, LEAD
from audit_app.record_pages import Kind, confirm_delete, edit_record
from audit_app.services import stakeholders as step1
from audit_app.services.access import audit_or_404, editable_audit_or_404, may_edit
from audit_app.services.frameworks import framework_of
from audit_app.stakeholders.forms import (
    EngagementFilter,
    SourceForm,
    stakeholder_form,
    statistic_form,
)

bp = Blueprint("stakeholders", __name__, url_prefix="/audits/<int:audit_id>")

READERS = (LEAD, COMMISSIONER)
EDITORS = (LEAD,)


STAKEHOLDER = Kind(
    step1.STAKEHOLDER,
    "stakeholder",
    "stakeholders.register",
    "stakeholders.edit_stakeholder",
    "stakeholders.delete_stakeholder",
    "stakeholder_id",
    "stakeholders/stakeholder_form.html",
)
STATISTIC = Kind(
    step1.STATISTIC,
    "figure",
    "stakeholders.population",
    "stakeholders.edit_statistic",
    "stakeholders.delete_statistic",
    "statistic_id",
    "stakeholders/statistic_form.html",
)
SOURCE = Kind(
    step1.SOURCE,
    "source",
    "stakeholders.sources",
    "stakeholders.edit_source",
    "stakeholders.delete_source",
    "source_id",
    "stakeholders/source_form.html",
)


# The three lists.


@bp.route("/stakeholders")
@login_required
def register(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id, roles=READERS)
    framework = framework_of(audit)
    everyone = step1.stakeholders(audit)
    chosen = EngagementFilter(formdata=request.args).chosen()
    shown = [person for person in everyone if chosen is None or person.engagement == chosen]
    return render_template(
        "stakeholders/register.html",
        audit=audit,
        can_edit=may_edit(audit, role),
        framework=framework,
        filter_form=EngagementFilter(formdata=None, engagement=chosen or ""),
        chosen=chosen,
        stakeholders=shown,
        total=len(everyone),
        engagement_counts=step1.engagement_counts(everyone),
        type_counts=step1.type_counts(everyone, framework),
        step1=step1,
    )


@bp.route("/population")
@login_required
def population(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id, roles=READERS)
    return render_template(
        "stakeholders/population.html",
        audit=audit,
        can_edit=may_edit(audit, role),
        framework=framework_of(audit),
        levels=step1.by_geography(step1.statistics(audit)),
        step1=step1,
    )


@bp.route("/sources")
@login_required
def sources(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id, roles=READERS)
    linked = step1.sources(audit)
    return render_template(
        "stakeholders/sources.html",
        audit=audit,
        can_edit=may_edit(audit, role),
        sources=linked,
        missing=[
            label
            for kind, label in step1.SOURCE_KINDS.items()
            if kind != "other" and all(source.kind != kind for source in linked)
        ],
        step1=step1,
    )


# Adding and changing: one view per kind, one shared body.


@bp.route("/stakeholders/new", methods=["GET", "POST"])
@login_required
def add_stakeholder(audit_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(STAKEHOLDER, audit, None)


@bp.route("/stakeholders/<int:stakeholder_id>", methods=["GET", "POST"])
@login_required
def edit_stakeholder(audit_id: int, stakeholder_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(STAKEHOLDER, audit, step1.record_or_404(step1.STAKEHOLDER, audit, stakeholder_id))


@bp.route("/population/new", methods=["GET", "POST"])
@login_required
def add_statistic(audit_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(STATISTIC, audit, None)


@bp.route("/population/<int:statistic_id>", methods=["GET", "POST"])
@login_required
def edit_statistic(audit_id: int, statistic_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(STATISTIC, audit, step1.record_or_404(step1.STATISTIC, audit, statistic_id))


@bp.route("/sources/new", methods=["GET", "POST"])
@login_required
def add_source(audit_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(SOURCE, audit, None)


@bp.route("/sources/<int:source_id>", methods=["GET", "POST"])
@login_required
def edit_source(audit_id: int, source_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit(SOURCE, audit, step1.record_or_404(step1.SOURCE, audit, source_id))


def _edit(kind: Kind, audit: Audit, record: Any | None) -> Response | str:
    return edit_record(kind, audit, record, step1, lambda obj: _form(kind, audit, obj))


def _form(kind: Kind, audit: Audit, obj: Any | None) -> Any:
    """The kind's form, filled from ``obj`` (a record) when given."""
    if kind is STAKEHOLDER:
        return stakeholder_form(framework_of(audit), obj=obj)
    if kind is STATISTIC:
        form = statistic_form(framework_of(audit), obj=obj)
        if obj is not None:
            form.value.data = step1.plain_number(obj.value)  # 4200, not 4200.00
        return form
    return SourceForm(obj=obj)


# Deleting, after a confirmation page.


@bp.route("/stakeholders/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete_stakeholder(audit_id: int, record_id: int) -> Response | str:
    return _delete(STAKEHOLDER, audit_id, record_id)


@bp.route("/population/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete_statistic(audit_id: int, record_id: int) -> Response | str:
    return _delete(STATISTIC, audit_id, record_id)


@bp.route("/sources/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete_source(audit_id: int, record_id: int) -> Response | str:
    return _delete(SOURCE, audit_id, record_id)


def _delete(kind: Kind, audit_id: int, record_id: int) -> Response | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return confirm_delete(kind, audit, record_id, step1)
