"""Step 2 questionnaires, the lead's pages: the list, opening one, closing and
reopening it, its results and their downloads, and taking its ranking into
Step 2. Commissioners read the list and results of a published audit.

The same blueprint's other routes are in imports (CSV import) and answering
(signed in and through the public link); importing them here registers them
with ``bp`` (see questionnaires.blueprint).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from audit_app.messages import INFORMATION, SUCCESS
from audit_app.models import Audit, Questionnaire
from audit_app.models.questionnaires import CLOSED, OPEN
from audit_app.questionnaires import answering, imports  # noqa: F401  (their routes join bp)
from audit_app.questionnaires.blueprint import EDITORS, PREFIX, READERS, bp, carried_on, download
from audit_app.questionnaires.forms import OpenForm, RankingForm, StatusForm
from audit_app.record_pages import SAVE_FAILED
from audit_app.services import needs as step2
from audit_app.services import questionnaire_carry as carry
from audit_app.services import questionnaire_import as importing
from audit_app.services import questionnaires as service
from audit_app.services.access import audit_or_404, editable_audit_or_404, may_edit
from audit_app.services.changes import SaveFailed, StaleEdit
from audit_app.services.frameworks import framework_of

# The list, and opening one.


@dataclass(frozen=True)
class ToAnswer:
    record: Questionnaire  # the questionnaire at this audit's address
    taking: Questionnaire  # the one that takes the answers: it, or a newer version's copy
    answered_on: date | None  # when this person last answered


@bp.route(PREFIX)
@login_required
def index(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id)
    records = service.list_for(audit)
    return render_template(
        "questionnaires/index.html",
        audit=audit,
        role=role,
        records=records,
        counts=service.response_counts(audit) if role in READERS else {},
        to_answer=_to_answer(records, role),
        accepting={r.id: service.is_accepting(r) for r in records},
        carried=carry.notes(records) if role in READERS else {},
        labels=service.AUDIENCE_LABELS,
        service=service,
    )


def _to_answer(records: list[Questionnaire], role: str) -> list[ToAnswer]:
    """What this person may answer now, each through the questionnaire that takes
    its answers (a newer version's copy once one carried it on)."""
    found = []
    for record in records:
        if not service.may_answer(record, role):
            continue
        taking = carry.answered_in(record)
        if service.is_accepting(taking):
            found.append(ToAnswer(record, taking, service.answered_by(taking, current_user)))
    return found


@bp.route(f"{PREFIX}/open", methods=["GET", "POST"])
@login_required
def open_new(audit_id: int) -> BaseResponse | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    form = OpenForm()
    form.definition.choices = service.definition_choices()
    if request.method == "GET":
        form.opens_on.data = date.today()
        form.closes_on.data = audit.period_end if audit.period_end >= date.today() else None
    if form.validate_on_submit():
        assert form.opens_on.data and form.closes_on.data
        try:
            record = service.open_questionnaire(
                audit, form.definition.data, form.opens_on.data, form.closes_on.data, current_user
            )
        except SaveFailed:
            form.submit.errors = [SAVE_FAILED]
        else:
            flash(f"‘{record.title}’ is open.", SUCCESS)
            return redirect(url_for(".show", audit_id=audit.id, questionnaire_id=record.id))
    return render_template("questionnaires/open.html", audit=audit, form=form)


@bp.route(f"{PREFIX}/<int:questionnaire_id>")
@login_required
def show(audit_id: int, questionnaire_id: int) -> str:
    audit, _ = audit_or_404(audit_id, roles=EDITORS)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    form = StatusForm(version=str(record.version))
    if record.status == CLOSED:
        form.submit.label.text = "Reopen the questionnaire"
    return _show(audit, record, form)


def _show(audit: Audit, record: Questionnaire, form: StatusForm) -> str:
    definition = service.definition_of(record, framework_of(audit))
    return render_template(
        "questionnaires/show.html",
        audit=audit,
        record=record,
        definition=definition,
        form=form,
        accepting=service.is_accepting(record),
        responses=service.response_counts(audit).get(record.id, 0),
        imports=importing.recent(record),
        status_labels=importing.STATUS_LABELS,
        public_url=(
            url_for(".public_start", token=record.public_token, _external=True)
            if record.public_token
            else None
        ),
        labels=service.AUDIENCE_LABELS,
        carried=carry.notes([record]).get(record.id),
        carried_to=carry.carried_to(record),
    )


@bp.route(f"{PREFIX}/<int:questionnaire_id>/status", methods=["POST"])
@login_required
def change_status(audit_id: int, questionnaire_id: int) -> BaseResponse | str:
    audit, _ = audit_or_404(audit_id, roles=EDITORS, allow_published=True)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    if (elsewhere := carried_on(record)) is not None:
        return elsewhere
    form = StatusForm()
    if form.validate_on_submit():
        wanted = CLOSED if record.status == OPEN else OPEN
        loaded = int(form.version.data) if (form.version.data or "").isdigit() else 0
        try:
            service.set_status(audit, record, wanted, loaded, current_user)
        except StaleEdit:
            form.form_errors.append(
                "Someone else changed this questionnaire while you were looking at it. "
                "Check its status and try again."
            )
        except SaveFailed:
            form.form_errors.append(SAVE_FAILED)
        else:
            flash(
                "Questionnaire closed." if wanted == CLOSED else "Questionnaire reopened.", SUCCESS
            )
            return redirect(url_for(".show", audit_id=audit.id, questionnaire_id=record.id))
    form.version.data = str(record.version)
    return _show(audit, record, form)


# Results.


@bp.route(f"{PREFIX}/<int:questionnaire_id>/results")
@login_required
def results(audit_id: int, questionnaire_id: int) -> str:
    audit, role = audit_or_404(audit_id, roles=READERS)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    framework = framework_of(audit)
    summary = service.results(audit, record)
    return render_template(
        "questionnaires/results.html",
        audit=audit,
        record=record,
        definition=service.definition_of(record, framework),
        summary=summary,
        names=service.group_names(framework),
        can_edit=may_edit(audit, role),
        ranking_form=RankingForm(),
        outcome_titles={o.code: o.short_title for o in framework.outcomes},
        suppression_rule=service.SUPPRESSION_RULE,
        smallest=service.SMALLEST_GROUP,
    )


@bp.route(f"{PREFIX}/<int:questionnaire_id>/results.csv")
@login_required
def results_csv(audit_id: int, questionnaire_id: int) -> Response:
    audit, _ = audit_or_404(audit_id, roles=READERS)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    return download(
        service.export_csv(audit, record).encode("utf-8-sig"),
        f"{record.definition_id}-results.csv",
        "text/csv; charset=utf-8",
    )


@bp.route(f"{PREFIX}/<int:questionnaire_id>/results.xlsx")
@login_required
def results_xlsx(audit_id: int, questionnaire_id: int) -> Response:
    audit, _ = audit_or_404(audit_id, roles=READERS)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    return download(
        service.export_xlsx(audit, record),
        f"{record.definition_id}-results.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route(f"{PREFIX}/<int:questionnaire_id>/ranking", methods=["POST"])
@login_required
def take_ranking(audit_id: int, questionnaire_id: int) -> BaseResponse:
    audit, _ = audit_or_404(audit_id, roles=EDITORS)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    if not RankingForm().validate_on_submit():
        abort(400)
    try:
        ranking = service.take_ranking(audit, record, current_user)
    except (SaveFailed, StaleEdit):
        flash("The ranking could not be saved. Try again.", INFORMATION)
        return redirect(url_for(".results", audit_id=audit.id, questionnaire_id=record.id))
    if not ranking:
        flash("No outcomes have been ranked in the answers yet.", INFORMATION)
        return redirect(url_for(".results", audit_id=audit.id, questionnaire_id=record.id))
    flash(f"Step 2's outcome ranking now follows ‘{record.title}’.", SUCCESS)
    return redirect(url_for("needs.outcomes", audit_id=audit.id))


@bp.app_template_global("outcomes_that_matter")
def outcomes_that_matter(audit: Audit) -> list[tuple[int, str, str | None]]:
    """Step 2's ranked outcomes (rank, title, who said so), for Step 4's priorities page."""
    framework = framework_of(audit)
    return [
        (place, step2.ranked_outcome(framework, place, row.outcome), row.said_by)
        for place, row in enumerate(step2.priorities(audit), start=1)
    ]
