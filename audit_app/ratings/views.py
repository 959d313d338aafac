"""Step 3: rate each intervention and each Appendix A sub-outcome per carer group."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import SubmitField

from audit_app.forms import Form
from audit_app.messages import INFORMATION, SUCCESS
from audit_app.models import Audit
from audit_app.models.audit import LEAD, PARTNER
from audit_app.ratings.forms import (
    MATURITY_MEANINGS,
    RAG_MEANINGS,
    ChecklistForm,
    ProposalForm,
    RatingForm,
)
from audit_app.services import grids, judgements, notify, proposals
from audit_app.services.access import (
    audit_or_404,
    audit_with_judgements_or_404,
    may_edit,
    sees_judgements,
)
from audit_app.services.changes import SaveFailed, StaleEdit
from audit_app.services.chart_cache import kept_bytes, spliced
from audit_app.services.evidence import returns_for_linking, split_linked
from hub_model.scales import Rag

bp = Blueprint("ratings", __name__, url_prefix="/audits/<int:audit_id>")

STALE = "Someone else saved this judgement while you were editing. Their version is shown; keep yours by saving it, or keep theirs."
SAVE_FAILED = "Your changes could not be saved because the database did not respond. Nothing was lost from this page: try saving again."
SET_ASIDE_FAILED = "The proposal could not be set aside because the database did not respond. It still waits: try again."


def _evidence_choices(audit: Any, role: str) -> list[tuple[int, str]]:
    return [
        (
            e.id,
            f"{e.service_name} ({e.organisation.name if e.organisation else 'no organisation'}, {e.status_label.lower()})",
        )
        for e in returns_for_linking(audit, current_user, role)
    ]


def their_rows(form: Any, record: Any) -> list[tuple[str, str, bool]]:
    """The saved judgement as (question, their answer, differs from what was typed)
    rows in the form's words (grades by name, evidence by title); questions neither
    answered are left out."""
    rows = []
    for field in form:
        if field.name in BUTTONS | {"csrf_token", "version"}:
            continue
        choices = dict(getattr(field, "choices", None) or [])
        if field.name == "evidence":
            saved = sorted(e.id for e in record.evidence)
            theirs = ", ".join(e.service_name for e in record.evidence)
            differs = saved != sorted(field.data or [])
        else:
            saved = getattr(record, field.name)
            theirs = str(choices.get(saved, saved) or "")
            differs = (saved or None) != (field.data or None)
        if theirs or differs:
            rows.append((field.label.text, theirs, differs))
    return rows


NOT_RATED = Rag.NOT_RATED.value
BUTTONS = {"submit", "add_evidence"}


def _cited(form: Any) -> list[int]:
    """Evidence the lead has just written for this judgement (``?cite=``), ticked for
    them to save: only what the list offers."""
    offered = {value for value, _ in form.evidence.choices}
    return [value for value in request.args.getlist("cite", type=int) if value in offered]


def _after_saving(audit: Any, form: Any, grid: str, anchor: str) -> Response:
    """Back to the grid's row; or, with "Save and add evidence of your own", on to a
    new evidence return that comes back to this page."""
    if form.add_evidence.data:
        return redirect(url_for("evidence.new", audit_id=audit.id, next=request.path))
    return redirect(url_for(grid, audit_id=audit.id) + f"#row-{anchor}")


def _not_rated_by_default(form: Any) -> None:
    """A scale left unjudged reads "Not rated", as it does on the grid, so that saving
    one scale of a new cell does not ask for the others."""
    for field in form:
        choices = [value for value, _ in getattr(field, "choices", None) or []]
        if field.type == "RadioField" and field.data is None and NOT_RATED in choices:
            field.data = NOT_RATED


def _lead_edit(
    audit: Any,
    record: Any,
    form_class: type[RatingForm] | type[ChecklistForm],
    name: str,
    role: str,
    also: Callable[[], object] | None = None,
) -> tuple[Any, list[tuple[str, str, bool]] | None, bool]:
    """The lead's form for one judgement: (form, their saved version if stale, saved?);
    ``also`` writes what goes with the save, in its transaction.

    After a stale save the form carries the version now saved, so saving it again
    keeps what was typed, knowingly."""
    form = form_class(obj=record if request.method == "GET" else None)
    form.evidence.choices = _evidence_choices(audit, role)
    if request.method == "GET":
        form.evidence.data = [e.id for e in record.evidence] + _cited(form)
        form.version.data = record.version if record.id else None
        _not_rated_by_default(form)
        return form, None, False
    if not form.validate_on_submit():
        return form, None, False
    values = {
        field.name: field.data or None
        for field in form
        if field.name not in BUTTONS | {"csrf_token", "evidence", "version"}
    }
    try:
        judgements.save_judgement(
            audit,
            record,
            values,
            judgements.evidence_by_ids(audit, form.evidence.data or [], current_user, role),
            form.version.data or 0,  # 0: loaded before the cell existed
            current_user,
            name,
            also,
        )
    except StaleEdit:
        form.form_errors.append(STALE)
        form.version.data = record.version
        return form, their_rows(form, record), False
    except SaveFailed:
        form.form_errors.append(SAVE_FAILED)
        return form, None, False
    return form, None, True


@bp.route("/ratings", methods=["GET", "POST"])
@login_required
def grid(audit_id: int) -> Response | str:
    audit, role = audit_or_404(audit_id)
    if request.method != "POST" or not may_edit(audit, role):
        return _grid_page(audit, role)  # only the lead saves the grid
    view = grids.rating_grid_view(audit, role, request.form)
    return _save_grid_page(
        audit,
        role,
        view,
        grids.save_rating_grid,
        lambda: grids.rating_grid_view(audit, role, None),
        "ratings/grid.html",
        "ratings.grid",
        "ratings",
        _waiting(audit, role),
    )


def _save_grid_page(
    audit: Audit,
    role: str,
    view: grids.GridView,
    save: Any,
    fresh: Any,
    template: str,
    endpoint: str,
    what: str,
    extra: dict[str, Any],
) -> Response | str:
    """Save a quick grid: one row (its own Save button) or all of them. After a row's
    save, changes typed in other rows are shown again as typed, not saved; a cell
    someone else saved meanwhile is a conflict, shown with both versions."""
    assert view.form is not None
    try:
        only = grids.chosen_row(view, request.form)
    except ValueError:
        abort(400)
    page = {"audit": audit, "role": role, "conflicts": [], "unsaved": [], **extra}
    if not view.form.validate_on_submit():
        return render_template(template, view=view, form=view.form, **page)
    try:
        result = save(audit, view, current_user, only)
    except SaveFailed:
        view.form.submit.errors = [SAVE_FAILED]  # type: ignore[attr-defined]
        return render_template(template, view=view, form=view.form, **page)
    where = f" for {grids.row_name(view, only)}" if only else ""
    saved = f"Saved {result.saved} change{'s' if result.saved != 1 else ''} to the {what}{where}."
    if result.conflicts or result.unsaved:
        again = grids.keep_typed(fresh(), result.conflicts + result.unsaved)
        page |= {"conflicts": result.conflicts, "unsaved": result.unsaved, "saved": saved}
        return render_template(template, view=again, form=again.form, **page)
    if result.saved:
        flash(saved, SUCCESS)
    else:
        flash(f"You changed nothing in the {what}{where}, so nothing was saved.", INFORMATION)
    return redirect(url_for(endpoint, audit_id=audit.id) + (f"#row-{only}" if only else ""))


def _waiting(audit: Audit, role: str, by_cell: bool = True) -> dict[str, Any]:
    """The lead's proposals waiting, for the grid: by cell (unless ``by_cell`` is
    False: only the table shows them so), and as a list above it."""
    if role != LEAD:
        return {"waiting": {}, "waiting_list": [], "waiting_rule": ""}
    if not proposals.any_waiting(audit):
        return {"waiting": {}, "waiting_list": [], "waiting_rule": proposals.RULE}
    return {
        "waiting": proposals.waiting_by_cell(audit) if by_cell else {},
        "waiting_list": proposals.waiting(audit),
        "waiting_rule": proposals.RULE,
    }


class GridButtonForm(Form):
    """The grid page's form around a cached table: its CSRF token and button."""

    submit = SubmitField("Save all changes", widget=GovSubmitInput())


_SUBMIT_HTML: list[Markup] = []


def _submit_html(form: GridButtonForm | None) -> Markup | None:
    """The button of a grid page as shown before any change (no errors): always the
    same, so rendered once per process."""
    if form is None:
        return None
    if not _SUBMIT_HTML:
        _SUBMIT_HTML.append(Markup(str(form.submit)))  # noqa: S704 (the widget's own output)
    return _SUBMIT_HTML[0]


def _grid_page(audit: Audit, role: str) -> Response:
    """The grid as shown before any change: its table depends only on the audit's
    revision and on the viewer's role and editing rights, so it is rendered once for
    each (a national-scale grid holds 400 selects) and kept as the bytes sent
    (chart_cache.kept_bytes), put into the page rendered around it."""
    editing = may_edit(audit, role)

    hidden = not sees_judgements(audit, role)
    # The proposals by cell are marked in the table alone: asked only when it is made.
    waiting = _waiting(audit, role, by_cell=False)

    def table() -> str:
        view = grids.rating_grid_view(audit, role, None)
        return render_template(
            "ratings/_grid_table.html",
            audit=audit,
            role=role,
            view=view,
            form=view.form,
            hidden=hidden,
            **_waiting(audit, role),
        )

    form = GridButtonForm() if editing else None
    page = render_template(
        "ratings/grid.html",
        audit=audit,
        role=role,
        conflicts=[],
        unsaved=[],
        form=form,
        submit_html=_submit_html(form),
        table_html=kept_bytes(audit, f"ratings-grid-rows-{role}-{editing}.html", table),
        hidden=hidden,
        **waiting,
    )
    return Response(spliced(page), mimetype="text/html")


@bp.route("/ratings/<intervention>/<group>", methods=["GET", "POST"])
@login_required
def cell(audit_id: int, intervention: str, group: str) -> Response | str:
    audit, role = audit_or_404(audit_id)
    rating, framework, carer_group = judgements.rating_cell(audit, intervention, group)
    name = judgements.rating_label(framework, intervention, carer_group)
    form: RatingForm | ProposalForm | None = None
    stale: list[tuple[str, str, bool]] | None = None
    used = None
    set_aside = request.form.get("set_aside", type=int) if request.method == "POST" else None
    if may_edit(audit, role) and set_aside is not None:
        try:
            if proposals.set_aside(audit, intervention, group, set_aside):
                flash("Proposal set aside: it no longer waits, and stays listed below.", SUCCESS)
        except SaveFailed:
            flash(SET_ASIDE_FAILED, INFORMATION)
        return redirect(
            url_for("ratings.cell", audit_id=audit.id, intervention=intervention, group=group)
            + "#proposals"
        )
    if may_edit(audit, role):
        answered: list[int] = []  # the cell's waiting proposals, answered by saving it

        def answer() -> None:
            answered.append(proposals.mark_answered(audit, intervention, group))

        form, stale, saved = _lead_edit(audit, rating, RatingForm, name, role, answer)
        if saved:
            flash(
                f"Rating saved: {name}."
                + (" Partners' proposals for it no longer wait." if any(answered) else ""),
                SUCCESS,
            )
            return _after_saving(audit, form, "ratings.grid", intervention)
        used = _use_proposal(audit, intervention, group, form)
    elif role == PARTNER and not audit.is_published:
        form = ProposalForm()
        if form.validate_on_submit():
            judgements.propose(
                audit,
                intervention,
                group,
                {
                    "rag": form.rag.data,
                    "maturity": form.maturity.data,
                    "rationale": form.rationale.data,
                },
                current_user,
            )
            sent = notify.proposal_made(audit, intervention, group, name, current_user)
            flash(
                "Your proposal has been sent to the carers lead. Their rating is the one that counts; both are kept."
                + notify.emailed(sent),
                SUCCESS,
            )
            return redirect(url_for("ratings.grid", audit_id=audit.id))
    hidden = not sees_judgements(audit, role)
    return render_template(
        "ratings/cell.html",
        audit=audit,
        role=role,
        rating=rating,
        hidden=hidden,
        own_proposals=judgements.proposals(audit, intervention, group, current_user)
        if role == PARTNER
        else [],
        name=name,
        form=form,
        stale=stale,
        intervention=framework.intervention(intervention),
        group=carer_group,
        proposals=proposals.of_cell(audit, intervention, group) if role == LEAD else None,
        proposal_rule=proposals.RULE,
        used=used,
        linked=split_linked(rating.evidence, audit, current_user, role),
        rag_meanings=RAG_MEANINGS,
        maturity_meanings=MATURITY_MEANINGS,
    )


def _use_proposal(audit: Audit, intervention: str, group: str, form: Any) -> Any:
    """On a GET with ``?use=<proposal id>``: the lead's form filled with that proposal's
    grades (and its rationale, if the lead has none yet); nothing is saved."""
    wanted = request.args.get("use", type=int)
    if request.method != "GET" or wanted is None:
        return None
    proposal = proposals.find(audit, intervention, group, wanted)
    if proposal is None:
        return None
    form.rag.data = proposal.rag
    form.maturity.data = proposal.maturity
    if not form.rationale.data and proposal.rationale:
        form.rationale.data = proposal.rationale
    return proposal


@bp.route("/checklist", methods=["GET", "POST"])
@login_required
def checklist(audit_id: int) -> Response | str:
    audit, role = audit_with_judgements_or_404(audit_id)
    if request.method != "POST" or not may_edit(audit, role):
        return _checklist_page(audit, role)  # only the lead saves the grid
    view = grids.checklist_grid_view(audit, role, request.form)
    return _save_grid_page(
        audit,
        role,
        view,
        grids.save_checklist_grid,
        lambda: grids.checklist_grid_view(audit, role, None),
        "ratings/checklist.html",
        "ratings.checklist",
        "checklist",
        {},
    )


def _checklist_page(audit: Audit, role: str) -> Response:
    """The checklist grid as shown before any change: like the ratings grid's, its
    tables depend only on the audit's revision and the viewer's editing rights, so
    they are rendered once for each (the lead's holds a few hundred selects)."""
    editing = may_edit(audit, role)

    def tables() -> str:
        view = grids.checklist_grid_view(audit, role, None)
        return render_template(
            "ratings/_checklist_table.html", audit=audit, role=role, view=view, form=view.form
        )

    form = GridButtonForm() if editing else None
    page = render_template(
        "ratings/checklist.html",
        audit=audit,
        role=role,
        conflicts=[],
        unsaved=[],
        form=form,
        submit_html=_submit_html(form),
        table_html=kept_bytes(audit, f"checklist-grid-rows-{role}-{editing}.html", tables),
    )
    return Response(spliced(page), mimetype="text/html")


@bp.route("/checklist/<sub_outcome>/<group>", methods=["GET", "POST"])
@login_required
def checklist_cell(audit_id: int, sub_outcome: str, group: str) -> Response | str:
    audit, role = audit_with_judgements_or_404(audit_id)
    judgement, framework, carer_group = judgements.checklist_cell(audit, sub_outcome, group)
    name = f"{sub_outcome} – {carer_group.name}"
    form: ChecklistForm | None = None
    stale: list[tuple[str, str, bool]] | None = None
    if may_edit(audit, role):
        form, stale, saved = _lead_edit(audit, judgement, ChecklistForm, name, role)
        if saved:
            flash(f"Checklist saved: {name}.", SUCCESS)
            return _after_saving(audit, form, "ratings.checklist", sub_outcome)
    return render_template(
        "ratings/checklist_cell.html",
        audit=audit,
        role=role,
        judgement=judgement,
        name=name,
        form=form,
        stale=stale,
        sub_outcome=framework.sub_outcome(sub_outcome),
        outcome=framework.outcome(framework.sub_outcome(sub_outcome).outcome),
        group=carer_group,
        linked=split_linked(judgement.evidence, audit, current_user, role),
    )
