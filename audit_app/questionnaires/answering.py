"""Answering a questionnaire: partners, stakeholders and commissioners signed in,
carers through the public link with no account. Both go one page at a time,
then check their answers and send them (:class:`_Flow`).

Answers in progress are kept in the person's own (signed) session cookie until
they send them, so nothing is stored about someone who stops half way.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from audit_app.extensions import limiter
from audit_app.models import Audit, Questionnaire
from audit_app.questionnaires.blueprint import PREFIX, bp
from audit_app.questionnaires.forms import SendForm, page_form
from audit_app.services import questionnaire_carry as carry
from audit_app.services import questionnaires as service
from audit_app.services.access import audit_or_404
from hub_model.questionnaire import Questionnaire as Definition
from hub_model.questionnaire import describe_answer


def _public_limit() -> str:
    return str(current_app.config.get("PUBLIC_SURVEY_LIMIT", "20 per hour"))


def _page_limit() -> str:
    return str(current_app.config.get("PUBLIC_SURVEY_PAGE_LIMIT", "300 per hour"))


# Answering signed in (partners, stakeholders, commissioners).


def _answerable(audit_id: int, questionnaire_id: int) -> tuple[Audit, Questionnaire]:
    """The audit and the questionnaire that takes the answers: the one at this
    address, or the copy a newer version carried it on into (answers feed the
    draft; the address, and so a commissioner's access, stays the same)."""
    audit, role = audit_or_404(audit_id, allow_published=True)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    if not service.may_answer(record, role):
        abort(404)
    return audit, carry.answered_in(record)


@bp.route(f"{PREFIX}/<int:questionnaire_id>/answer/<int:number>", methods=["GET", "POST"])
@login_required
def answer(audit_id: int, questionnaire_id: int, number: int) -> BaseResponse | str:
    audit, record = _answerable(audit_id, questionnaire_id)
    if not service.is_accepting(record):
        return _closed(record)
    flow = _Flow.signed_in(record, audit, questionnaire_id)
    return flow.page(number, audit=audit)


@bp.route(f"{PREFIX}/<int:questionnaire_id>/answer/check", methods=["GET", "POST"])
@login_required
def check(audit_id: int, questionnaire_id: int) -> BaseResponse | str:
    audit, record = _answerable(audit_id, questionnaire_id)
    if not service.is_accepting(record):
        return _closed(record)
    flow = _Flow.signed_in(record, audit, questionnaire_id)
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
    return _Flow.public(record, token).page(number)


@bp.route("/survey/<token>/check", methods=["GET", "POST"])
@limiter.limit(_page_limit, scope="public-survey-pages")
@limiter.limit(_public_limit, methods=["POST"], scope="public-survey-send")
def public_check(token: str) -> BaseResponse | str:
    record = _public(token)
    if not service.is_accepting(record):
        return _closed(record)
    return _Flow.public(record, token).check(None)


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
        # Answers in progress are kept under the first questionnaire of the chain a
        # new version carries on, so they survive a new version starting half way.
        self.key = f"questionnaire-{carry.first_of(record)}"

    @classmethod
    def signed_in(cls, record: Questionnaire, audit: Audit, questionnaire_id: int) -> _Flow:
        """Answering signed in, at the questionnaire's address in the audit."""
        url_args = {"audit_id": audit.id, "questionnaire_id": questionnaire_id}
        return cls(record, ".answer", ".check", ".answered", url_args)

    @classmethod
    def public(cls, record: Questionnaire, token: str) -> _Flow:
        """Answering through the public link."""
        return cls(record, ".public_page", ".public_check", ".public_thanks", {"token": token})

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
