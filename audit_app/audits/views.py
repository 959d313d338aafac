"""Audits: each role's list, creating an audit, its overview and its members."""

from __future__ import annotations

from datetime import date
from functools import cached_property, partial
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from audit_app.audits.forms import AuditDetailsForm, AuditForm, InviteForm
from audit_app.messages import INFORMATION, SUCCESS
from audit_app.models import Audit
from audit_app.models.audit import LEAD, PARTNER
from audit_app.models.types import utcnow
from audit_app.models.user import ADMINISTRATOR, CARERS_LEAD
from audit_app.publishing.forms import ButtonForm
from audit_app.record_pages import SAVE_FAILED
from audit_app.services import (
    accounts,
    attention,
    audits,
    cycles,
    evidence,
    mail,
    notify,
    publishing,
)
from audit_app.services import audit_details as details
from audit_app.services import indicators as step3
from audit_app.services import overview as task_list
from audit_app.services.access import (
    account_role_required,
    audit_or_404,
    editable_audit_or_404,
    read_with_user,
    sees_judgements,
    visible_and_awaiting,
)
from audit_app.services.changes import SaveFailed, StaleEdit
from audit_app.services.frameworks import framework_choices, framework_of, group_choices
from audit_app.services.scope import scope_description

bp = Blueprint("audits", __name__, url_prefix="/audits")

# The overview's facts that change without a new revision (who takes part, the
# newest trail entry, newer and earlier versions) are read with the reader: one
# statement a view once its parts are kept.
for _fact in task_list.FACTS:
    read_with_user("audits.overview", f"fact:{_fact}", partial(task_list.fact_column, _fact))


@bp.route("/")
@login_required
def index() -> str:
    # One query for both lists: the drafts awaiting publication are among the audits
    # the user is a member of.
    listed, waiting = visible_and_awaiting(current_user)
    partnered = [audit.id for audit, role in listed if role == PARTNER]
    return render_template(
        "audits/index.html",
        audits=listed,
        waiting=waiting,
        organisation_name=accounts.organisation_name(current_user),
        returned=evidence.returned_to(current_user, partnered),
    )


def _audit_form() -> AuditForm:
    form = AuditForm()
    form.area_id.choices = [(0, "Choose an area")] + audits.area_choices(current_user)
    form.framework_id.choices = framework_choices()
    if not form.framework_id.data and form.framework_id.choices:
        form.framework_id.data = form.framework_id.choices[0][0]
    from hub_model.framework import load_builtin

    chosen = form.framework_id.data or "carers_hub_2010"
    valid_ids = {value for value, _ in form.framework_id.choices}
    framework = load_builtin(chosen if chosen in valid_ids else form.framework_id.choices[0][0])
    form.scope_group.choices = group_choices(framework)
    return form


def _default_area(choices: list[tuple[int, str]]) -> int:
    """The person's own area if they act for it, else their only area, else none."""
    areas = [value for value, _ in choices if value]
    if current_user.organisation_id in areas:
        return int(current_user.organisation_id)
    return areas[0] if len(areas) == 1 else 0


@bp.route("/new", methods=["GET", "POST"])
@account_role_required(CARERS_LEAD, ADMINISTRATOR)
def new() -> Response | str:
    form = _audit_form()
    if request.method == "GET":
        form.area_id.data = _default_area(form.area_id.choices)
    if form.validate_on_submit():
        audit = audits.create_audit(
            audits.NewAudit(
                title=form.title.data or "",
                area_id=form.area_id.data,
                framework_id=form.framework_id.data or "",
                scope=list(form.scope_group.data or []) if form.scope_kind.data == "group" else [],
                cycle=form.cycle.data or "",
                period_start=form.period_start.data,
                period_end=form.period_end.data,
                description=form.description.data,
            ),
            current_user,
        )
        flash(f"Audit ‘{audit.title}’ created.", SUCCESS)
        return redirect(url_for("audits.overview", audit_id=audit.id))
    return render_template("audits/new.html", form=form)


class _Overview:
    """What the overview's kept parts show, read only when they are rendered (the
    first view of a key: services/overview.py, "The page kept per revision")."""

    def __init__(self, audit: Audit, role: str, today: date, facts: task_list.FreshFacts) -> None:
        self.audit, self.role, self.today, self.facts = audit, role, today, facts

    @cached_property
    def framework(self) -> Any:
        return framework_of(self.audit)

    @cached_property
    def indicators(self) -> list[Any]:
        return list(step3.indicator_links(self.audit))

    @cached_property
    def scope(self) -> str:
        return scope_description(self.audit, self.framework)

    @cached_property
    def steps(self) -> list[task_list.Step]:
        return task_list.steps(
            self.audit, self.role, current_user, self.indicators, self.facts.counts
        )

    @cached_property
    def recent(self) -> list[Any]:
        if self.role != LEAD:
            return []
        return task_list.recent_changes(self.audit, current_user, self.role)

    @cached_property
    def cycle(self) -> cycles.CycleFacts:
        return cycles.overview_facts(self.audit, self.role)

    @cached_property
    def versions(self) -> publishing.Versions:
        return publishing.versions(self.audit)

    @cached_property
    def sees_judgements(self) -> bool:
        return sees_judgements(self.audit, self.role)

    @cached_property
    def attention(self) -> list[attention.Item] | None:
        if self.role != LEAD:
            return None
        return attention.items(self.audit, current_user, self.today)


@bp.route("/<int:audit_id>")
@login_required
def overview(audit_id: int) -> str:
    # The audit comes without its framework (access._LISTED); it is read only when the
    # kept parts are rendered.
    audit, role = audit_or_404(audit_id)
    today = utcnow().date()
    # One query for what changes without a new revision; the rest of the page is
    # rendered once per key (services/overview.py, "The page kept per revision").
    facts = task_list.fresh_facts(audit, current_user)
    key = task_list.page_key(audit, role, current_user, today, facts)
    return render_template(
        "audits/overview.html",
        audit=audit,
        role=role,
        page=_Overview(audit, role, today, facts),
        keep=partial(task_list.kept_parts, key),
        new_version=audit.is_published and role == LEAD and not facts.has_newer,
        # Its CSRF token only where it is shown: a form is not free to make.
        button=ButtonForm(formdata=None) if audit.is_published and role == LEAD else None,
        last_changed_text=task_list.last_changed_text,
    )


@bp.route("/<int:audit_id>/changes")
@login_required
def changes(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id, roles=(LEAD,))
    entity = request.args.get("entity") or None
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    events, more = task_list.trail(audit, entity, number, current_user, role)
    # A judgement's evidence is kept in the trail by id: shown by the return's name.
    names = evidence.visible_names(audit, current_user, role)
    return render_template(
        "audits/changes.html",
        audit=audit,
        events=events,
        more=more,
        page=number,
        entity=entity,
        evidence_names=names,
    )


@bp.route("/<int:audit_id>/people", methods=["GET", "POST"])
@login_required
def people(audit_id: int) -> Response | str:
    audit, role = audit_or_404(audit_id, roles=(LEAD,), allow_published=True)
    form = InviteForm()
    form.organisation_id.choices = [("", "Choose an organisation")] + audits.organisation_choices()
    issued = invitation_url = None
    emailed: list[str] = []
    if form.validate_on_submit():
        organisation = audits.organisation_for_invitation(
            form.organisation_id.data, form.new_organisation.data, form.new_organisation_kind.data
        )
        issued = accounts.invite(
            audit,
            form.email.data or "",
            form.role.data or "partner",
            current_user,
            organisation,
            current_app.config["INVITATION_DAYS"],
        )
        invitation_url = notify.link("auth.accept_invitation", token=issued.token)
        # Without a mail server the email is only logged: the page says nothing of it.
        sent_to = notify.invitation(issued, invitation_url)
        emailed = sent_to if mail.is_configured() else []
        form = InviteForm(formdata=None)
        form.organisation_id.choices = [
            ("", "Choose an organisation")
        ] + audits.organisation_choices()
    return render_template(
        "audits/people.html",
        audit=audit,
        form=form,
        issued=issued,
        invitation_url=invitation_url,
        emailed=emailed,
        members=audits.members(audit),
        invitations=audits.invitations(audit),
        now=utcnow(),
    )


@bp.route("/<int:audit_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(audit_id: int, invitation_id: int) -> Response:
    audit, _ = audit_or_404(audit_id, roles=(LEAD,), allow_published=True)
    if not audits.revoke_invitation(audit, invitation_id):
        abort(404)
    flash("Invitation withdrawn. Its link no longer works.", SUCCESS)
    return redirect(url_for("audits.people", audit_id=audit.id))


STALE_DETAILS = "Someone else changed the audit’s details while you were editing"


@bp.route("/<int:audit_id>/details", methods=["GET", "POST"])
@login_required
def edit_details(audit_id: int) -> Response | str:
    """The lead changes a draft's title, the carers it covers, its period and purpose."""
    audit, _ = editable_audit_or_404(audit_id, roles=(LEAD,))
    overview_url = url_for("audits.overview", audit_id=audit.id)
    form = AuditDetailsForm(obj=audit if request.method == "GET" else None)
    form.scope_group.choices = group_choices(framework_of(audit))
    theirs = None
    if request.method == "GET":
        form.scope_kind.data = "group" if audit.scope else "whole"
        form.scope_group.data = list(audit.scope or [])
        form.version.data = details.fingerprint(audit)
    elif form.validate_on_submit():
        try:
            changed = details.change(audit, form.values(), form.version.data or "", current_user)
        except StaleEdit:
            theirs = details.compared(audit, form.values())
            form.version.errors = [STALE_DETAILS]
            form.version.data = details.fingerprint(audit)  # saving again keeps yours
        except SaveFailed:
            form.submit.errors = [SAVE_FAILED]
        else:
            message = "Audit details saved." if changed else "Nothing was changed."
            flash(message, SUCCESS if changed else INFORMATION)
            return redirect(overview_url)
    return render_template(
        "audits/details.html",
        audit=audit,
        form=form,
        theirs=theirs,
        saved=details.saved_by(audit),
        judged=details.judged_groups(audit),
        cancel_url=overview_url,
    )
