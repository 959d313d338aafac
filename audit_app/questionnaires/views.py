"""Step 2 questionnaires: the lead opens and closes them, imports CSVs and reads
results; partners, stakeholders and commissioners answer signed in; carers answer
through a public link with no account.

Answers in progress are kept in the person's own (signed) session cookie until
they send them, so nothing is stored about someone who stops half way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from audit_app.extensions import limiter
from audit_app.models import Audit, Questionnaire
from audit_app.models.audit import COMMISSIONER, LEAD
from audit_app.models.questionnaires import CLOSED, OPEN
from audit_app.questionnaires.forms import (
    NOT_IN_FILE,
    OpenForm,
    RankingForm,
    SendForm,
    StatusForm,
    UploadForm,
    mapping_form,
    page_form,
)
from audit_app.record_pages import SAVE_FAILED
from audit_app.services import needs as step2
from audit_app.services import questionnaire_carry as carry
from audit_app.services import questionnaire_import as importing
from audit_app.services import questionnaires as service
from audit_app.services.access import audit_or_404, editable_audit_or_404, may_edit
from audit_app.services.changes import SaveFailed, StaleEdit
from audit_app.services.frameworks import framework_of
from hub_model.questionnaire import Questionnaire as Definition
from hub_model.questionnaire import describe_answer

bp = Blueprint("questionnaires", __name__)

READERS = (LEAD, COMMISSIONER)
EDITORS = (LEAD,)
PREFIX = "/audits/<int:audit_id>/questionnaires"


def _public_limit() -> str:
    return str(current_app.config.get("PUBLIC_SURVEY_LIMIT", "20 per hour"))


def _page_limit() -> str:
    return str(current_app.config.get("PUBLIC_SURVEY_PAGE_LIMIT", "300 per hour"))


# The list, and opening one.


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
        answerable=[r for r in records if service.may_answer(r, role)],
        answered={r.id: service.answered_by(r, current_user) for r in records},
        accepting={r.id: service.is_accepting(r) for r in records},
        carried=carry.notes(records) if role in READERS else {},
        labels=service.AUDIENCE_LABELS,
        service=service,
    )


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
            flash(f"‘{record.title}’ is open.")
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


def _carried_on(record: Questionnaire) -> BaseResponse | None:
    """Once a newer version carries ``record`` on, its changes and imports go there."""
    newer = carry.carried_to(record)
    if newer is None:
        return None
    flash(
        f"‘{record.title}’ carried on into version {newer.version}: "
        "make changes and import answers here."
    )
    copy = newer.questionnaire
    return redirect(url_for(".show", audit_id=copy.audit_id, questionnaire_id=copy.id))


@bp.route(f"{PREFIX}/<int:questionnaire_id>/status", methods=["POST"])
@login_required
def change_status(audit_id: int, questionnaire_id: int) -> BaseResponse | str:
    audit, _ = audit_or_404(audit_id, roles=EDITORS, allow_published=True)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    if (elsewhere := _carried_on(record)) is not None:
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
            flash("Questionnaire closed." if wanted == CLOSED else "Questionnaire reopened.")
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
    )


@bp.route(f"{PREFIX}/<int:questionnaire_id>/results.csv")
@login_required
def results_csv(audit_id: int, questionnaire_id: int) -> Response:
    audit, _ = audit_or_404(audit_id, roles=READERS)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    return _download(
        service.export_csv(audit, record).encode("utf-8-sig"),
        f"{record.definition_id}-results.csv",
        "text/csv; charset=utf-8",
    )


@bp.route(f"{PREFIX}/<int:questionnaire_id>/results.xlsx")
@login_required
def results_xlsx(audit_id: int, questionnaire_id: int) -> Response:
    audit, _ = audit_or_404(audit_id, roles=READERS)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    return _download(
        service.export_xlsx(audit, record),
        f"{record.definition_id}-results.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    response = make_response(body)
    response.mimetype = mimetype.split(";")[0]
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
        flash("The ranking could not be saved. Try again.")
        return redirect(url_for(".results", audit_id=audit.id, questionnaire_id=record.id))
    if not ranking:
        flash("No outcomes have been ranked in the answers yet.")
        return redirect(url_for(".results", audit_id=audit.id, questionnaire_id=record.id))
    flash(f"Step 2's outcome ranking now follows ‘{record.title}’.")
    return redirect(url_for("needs.outcomes", audit_id=audit.id))


# CSV import.


@bp.route(f"{PREFIX}/<int:questionnaire_id>/template.csv")
@login_required
def template(audit_id: int, questionnaire_id: int) -> Response:
    audit, _ = audit_or_404(audit_id, roles=EDITORS)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    text = importing.template_csv(service.definition_of(record))
    return _download(
        text.encode("utf-8-sig"), f"{record.definition_id}-template.csv", "text/csv; charset=utf-8"
    )


@bp.route(f"{PREFIX}/<int:questionnaire_id>/import", methods=["GET", "POST"])
@login_required
def upload(audit_id: int, questionnaire_id: int) -> BaseResponse | str:
    audit, _ = audit_or_404(audit_id, roles=EDITORS, allow_published=True)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    if (elsewhere := _carried_on(record)) is not None:
        return elsewhere
    definition = service.definition_of(record, framework_of(audit))
    form = UploadForm()
    if form.validate_on_submit():
        upload_file = form.csv_file.data
        try:
            started = importing.start(
                record, upload_file.filename, upload_file.read(), current_user
            )
        except importing.ImportRefused as error:
            form.csv_file.errors = [str(error)]
        else:
            return redirect(
                url_for(
                    ".columns", audit_id=audit.id, questionnaire_id=record.id, import_id=started.id
                )
            )
    return render_template(
        "questionnaires/upload.html", audit=audit, record=record, definition=definition, form=form
    )


@bp.route(
    f"{PREFIX}/<int:questionnaire_id>/imports/<int:import_id>/columns", methods=["GET", "POST"]
)
@login_required
def columns(audit_id: int, questionnaire_id: int, import_id: int) -> BaseResponse | str:
    audit, _ = audit_or_404(audit_id, roles=EDITORS, allow_published=True)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    if (elsewhere := _carried_on(record)) is not None:
        return elsewhere
    started = importing.import_or_404(record, import_id)
    status_url = url_for(
        ".import_status", audit_id=audit.id, questionnaire_id=record.id, import_id=started.id
    )
    if started.status not in {importing.MAPPING, importing.INVALID, importing.FAILED}:
        return redirect(status_url)
    definition = service.definition_of(record, framework_of(audit))
    questions = list(definition.questions)
    form = mapping_form(questions, started.headers)
    if request.method == "GET":
        for question in questions:
            form[f"column_{question.code}"].data = started.mapping.get(question.code, NOT_IN_FILE)
    elif form.validate_on_submit():
        chosen = {q.code: form[f"column_{q.code}"].data for q in questions}
        mapping = {code: header for code, header in chosen.items() if header != NOT_IN_FILE}
        importing.queue(started, mapping)
        return redirect(status_url)
    return render_template(
        "questionnaires/columns.html",
        audit=audit,
        record=record,
        started=started,
        form=form,
        questions=questions,
    )


@bp.route(f"{PREFIX}/<int:questionnaire_id>/imports/<int:import_id>")
@login_required
def import_status(audit_id: int, questionnaire_id: int, import_id: int) -> str:
    audit, _ = audit_or_404(audit_id, roles=EDITORS)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    started = importing.import_or_404(record, import_id)
    return render_template(
        "questionnaires/import_status.html",
        audit=audit,
        record=record,
        started=started,
        finished=started.status in importing.FINISHED,
        labels=importing.STATUS_LABELS,
        importing=importing,
    )


# Answering signed in (partners, stakeholders, commissioners).


def _answerable(audit_id: int, questionnaire_id: int) -> tuple[Audit, Questionnaire]:
    audit, role = audit_or_404(audit_id, allow_published=True)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    if not service.may_answer(record, role):
        abort(404)
    return audit, record


@bp.route(f"{PREFIX}/<int:questionnaire_id>/answer/<int:number>", methods=["GET", "POST"])
@login_required
def answer(audit_id: int, questionnaire_id: int, number: int) -> BaseResponse | str:
    audit, record = _answerable(audit_id, questionnaire_id)
    if not service.is_accepting(record):
        return _closed(record)
    flow = _Flow(
        record,
        ".answer",
        ".check",
        ".answered",
        {"audit_id": audit.id, "questionnaire_id": record.id},
    )
    return flow.page(number, audit=audit)


@bp.route(f"{PREFIX}/<int:questionnaire_id>/answer/check", methods=["GET", "POST"])
@login_required
def check(audit_id: int, questionnaire_id: int) -> BaseResponse | str:
    audit, record = _answerable(audit_id, questionnaire_id)
    if not service.is_accepting(record):
        return _closed(record)
    flow = _Flow(
        record,
        ".answer",
        ".check",
        ".answered",
        {"audit_id": audit.id, "questionnaire_id": record.id},
    )
    return flow.check(current_user, audit=audit)


@bp.route(f"{PREFIX}/<int:questionnaire_id>/answer/done")
@login_required
def answered(audit_id: int, questionnaire_id: int) -> str:
    audit, record = _answerable(audit_id, questionnaire_id)
    return render_template(
        "questionnaires/thank_you.html",
        audit=audit,
        record=record,
        definition=service.definition_of(record),
    )


# Answering through the public link (carers, no account).


def _public(token: str) -> Questionnaire:
    record = service.by_token(token)
    if record is None:
        abort(404)
    return record


def _closed(record: Questionnaire) -> str:
    return render_template("questionnaires/closed.html", record=record), 410  # type: ignore[return-value]


@bp.route("/survey/<token>")
@limiter.limit(_page_limit, scope="public-survey-pages")
def public_start(token: str) -> str:
    record = _public(token)
    if not service.is_accepting(record):
        return _closed(record)
    definition = service.definition_of(record)
    return render_template(
        "questionnaires/start.html",
        record=record,
        definition=definition,
        start_url=url_for(".public_page", token=token, number=1),
    )


@bp.route("/survey/<token>/<int:number>", methods=["GET", "POST"])
@limiter.limit(_page_limit, scope="public-survey-pages")
def public_page(token: str, number: int) -> BaseResponse | str:
    record = _public(token)
    if not service.is_accepting(record):
        return _closed(record)
    return _Flow(record, ".public_page", ".public_check", ".public_thanks", {"token": token}).page(
        number
    )


@bp.route("/survey/<token>/check", methods=["GET", "POST"])
@limiter.limit(_page_limit, scope="public-survey-pages")
@limiter.limit(_public_limit, methods=["POST"], scope="public-survey-send")
def public_check(token: str) -> BaseResponse | str:
    record = _public(token)
    if not service.is_accepting(record):
        return _closed(record)
    return _Flow(record, ".public_page", ".public_check", ".public_thanks", {"token": token}).check(
        None
    )


@bp.route("/survey/<token>/thank-you")
@limiter.limit(_page_limit, scope="public-survey-pages")
def public_thanks(token: str) -> str:
    record = _public(token)
    return render_template(
        "questionnaires/thank_you.html",
        audit=None,
        record=record,
        definition=service.definition_of(record),
    )


class _Flow:
    """One question page at a time, check your answers, then send (both ways of answering)."""

    def __init__(
        self,
        record: Questionnaire,
        page_endpoint: str,
        check_endpoint: str,
        done_endpoint: str,
        url_args: dict[str, Any],
    ) -> None:
        self.record = record
        self.definition: Definition = service.definition_of(record)
        self.page_endpoint = page_endpoint
        self.check_endpoint = check_endpoint
        self.done_endpoint = done_endpoint
        self.url_args = url_args

    @property
    def key(self) -> str:
        return f"questionnaire-{self.record.id}"

    def saved(self) -> dict[str, Any]:
        return dict(session.get(self.key) or {})

    def page_url(self, number: int, change: bool = False) -> str:
        extra = {"change": "1"} if change else {}
        return url_for(self.page_endpoint, number=number, **self.url_args, **extra)

    def page(self, number: int, **context: Any) -> BaseResponse | str:
        pages = self.definition.pages
        if not 1 <= number <= len(pages):
            abort(404)
        page = pages[number - 1]
        form = page_form(page)
        changing = request.args.get("change") == "1"
        if request.method == "GET":
            form.fill(self.saved())
        elif form.validate_on_submit():
            answers = self.saved()
            answers.update(form.values())
            session[self.key] = answers
            if changing or number == len(pages):
                return redirect(url_for(self.check_endpoint, **self.url_args))
            return redirect(self.page_url(number + 1))
        back = self.page_url(number - 1) if number > 1 else None
        return render_template(
            "questionnaires/page.html",
            record=self.record,
            definition=self.definition,
            page=page,
            number=number,
            total=len(pages),
            form=form,
            back_url=back,
            action=self.page_url(number, changing),
            **context,
        )

    def check(self, user: Any, **context: Any) -> BaseResponse | str:
        answers = self.saved()
        for number, page in enumerate(self.definition.pages, start=1):
            if any(question.code not in answers for question in page.questions):
                return redirect(self.page_url(number))
        form = SendForm()
        if form.validate_on_submit():
            service.submit(self.record, answers, user)
            session.pop(self.key, None)
            return redirect(url_for(self.done_endpoint, **self.url_args))
        rows = [
            (number, question, describe_answer(question, answers.get(question.code)))
            for number, page in enumerate(self.definition.pages, start=1)
            for question in page.questions
        ]
        return render_template(
            "questionnaires/check.html",
            record=self.record,
            definition=self.definition,
            rows=rows,
            form=form,
            page_url=self.page_url,
            back_url=self.page_url(len(self.definition.pages)),
            action=url_for(self.check_endpoint, **self.url_args),
            **context,
        )


@bp.app_template_global("outcomes_that_matter")
def outcomes_that_matter(audit: Audit) -> list[tuple[int, str, str | None]]:
    """Step 2's ranked outcomes (rank, title, who said so), for Step 4's priorities page."""
    framework = framework_of(audit)
    titles = {outcome.code: outcome.short_title for outcome in framework.outcomes}
    return [
        (row.rank, titles.get(row.outcome, row.outcome), row.said_by)
        for row in step2.priorities(audit)
    ]
