"""Step 2 questionnaires: opening, answering (public and signed in), CSV import, results."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import event, select, text

from audit_app.extensions import db
from audit_app.models import (
    Audit,
    ChangeEvent,
    OutcomePriority,
    Questionnaire,
    QuestionnaireImport,
    QuestionnaireResponse,
    User,
)
from audit_app.services import questionnaire_import as importing
from audit_app.services import questionnaires as service
from audit_app.services.changes import bump_revision
from hub_model.questionnaire import QuestionType
from tests.visit import Page, Visitor
from tests.web.conftest import Cast

HOSTILE = "<script>alert('x')</script> Robert'); DROP TABLE questionnaire;--"
TODAY = date.today()
ADDRESS = "203.0.113.77"
BROWSER = "UniqueTestBrowser/9.9 (carer-phone)"


def _open(app: Flask, audit_id: int, definition_id: str = "carers_survey") -> tuple[int, str]:
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        lead = db.session.scalar(select(User).where(User.email == "lead@example.org"))
        assert audit is not None and lead is not None
        record = service.open_questionnaire(
            audit, definition_id, TODAY, TODAY + timedelta(days=30), lead
        )
        return record.id, record.public_token or ""


def _definition(app: Flask, questionnaire_id: int) -> Any:
    with app.app_context():
        record = db.session.get(Questionnaire, questionnaire_id)
        assert record is not None
        return service.definition_of(record)


def _answer(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "cares_for": ["dementia"],
        "age_band": "age_65_plus",
        "hours": 40,
        "outcomes_rank": ["own_life", "wellbeing", "money"],
        "life_of_own": 2,
        "listened_to": 3,
        "wellbeing_scale": 2,
        "supports_used": ["breaks"],
        "breaks_rating": 4,
        "one_change": None,
        "qol_occupation": "occupation_some",
        "qol_control": "control_as_want",
        "qol_self_care": "self_care_sometimes",
        "qol_safety": "safety_no_worries",
        "qol_social": "social_some",
        "qol_support": "support_some",
        "information_ease": "info_fairly_easy",
        "involved_in_discussions": "involved_usually",
        "support_satisfaction": "satisfied_quite",
    }
    answers.update(changes)
    return answers


def _page_data(page: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """What a browser sends for ``page`` when the person gives ``answers``."""
    data: dict[str, Any] = {}
    for question in page.questions:
        value = answers.get(question.code)
        if question.type is QuestionType.RANKING:
            for place in range(question.pick):
                codes = value or []
                data[f"{question.code}__{place}"] = codes[place] if place < len(codes) else ""
        elif value is None:
            continue
        elif isinstance(value, list):
            data[question.code] = value
        else:
            data[question.code] = str(value)
    return data


def _answer_all(visitor: Visitor, base: str, definition: Any, answers: dict[str, Any]) -> Page:
    """Answer every page, check the answers, send them; returns the thank-you page."""
    for number, page in enumerate(definition.pages, start=1):
        visitor.get(f"{base}/{number}")
        visitor.post(f"{base}/{number}", _page_data(page, answers))
    check = visitor.get(f"{base}/check")
    assert check.h1 == "Check your answers before sending them"
    return visitor.post(f"{base}/check", {}, follow=True, status=200)


def _responses(app: Flask, questionnaire_id: int) -> list[dict[str, Any]]:
    with app.app_context():
        return service.answer_sets(db.session.get(Questionnaire, questionnaire_id))  # type: ignore[arg-type]


# Opening a questionnaire.


def test_lead_opens_a_carers_survey_and_gets_a_public_link(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/questionnaires"
    page = as_lead.get(f"{base}/open")
    assert page.h1 == "Open a questionnaire"
    shown = as_lead.post(
        f"{base}/open",
        {
            "definition": "carers_survey",
            "opens_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
            "closes_on": ["1", "1", str(TODAY.year + 1)],
        },
        follow=True,
        status=200,
    )
    assert shown.h1 == "Carers' survey"
    link = shown.soup.select_one("#public-link")
    assert link is not None and "/survey/" in link.get_text()
    with app.app_context():
        events = db.session.scalars(
            select(ChangeEvent).where(ChangeEvent.entity == "questionnaire")
        )
        assert [event.action for event in events] == ["created"]
    listed = as_lead.get(base)
    assert "Carers' survey" in listed.soup.select_one("#questionnaires").get_text()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Choose a questionnaire"),
        ({"definition": "made_up"}, "Choose from the options given"),
        (
            {
                "definition": "carers_survey",
                "opens_on": ["1", "6", "2030"],
                "closes_on": ["1", "5", "2030"],
            },
            "The date it closes must be the same as or after the date it opens",
        ),
        (
            {"definition": "carers_survey", "closes_on": ["31", "2", "2030"]},
            "The date it closes must be a real date",
        ),
        (
            {
                "definition": "carers_survey",
                "opens_on": ["1", "1", "2000"],
                "closes_on": ["1", "1", "2001"],
            },
            "The date it closes must be today or in the future",
        ),
    ],
)
def test_opening_a_questionnaire_refuses_bad_input(
    as_lead: Visitor, cast: Cast, form: dict[str, Any], message: str
) -> None:
    data = {"opens_on": ["1", "1", "2030"], "closes_on": ["1", "2", "2030"], **form}
    page = as_lead.post(f"/audits/{cast.draft.id}/questionnaires/open", data, status=200)
    assert message in page.error_summary()


def test_lead_closes_and_reopens_a_questionnaire(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    questionnaire_id, token = _open(app, cast.draft.id)
    base = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}"
    version = as_lead.get(base).value("version")
    page = as_lead.post(f"{base}/status", {"version": version}, follow=True, status=200)
    assert "Questionnaire closed." in page.text
    as_lead.get(f"/survey/{token}", status=410)
    # A stale page (the old version) changes nothing.
    stale = as_lead.post(f"{base}/status", {"version": version}, status=200)
    assert stale.error_summary()[0].startswith("Someone else changed this questionnaire")
    version = as_lead.get(base).value("version")
    as_lead.post(f"{base}/status", {"version": version})
    as_lead.get(f"/survey/{token}", status=200)


# The carers' survey through its public link.


def test_a_carer_answers_the_public_survey_with_no_account(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    questionnaire_id, token = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    start = visitor.get(f"/survey/{token}")
    assert start.h1 == "Carers' survey" and "anonymous" in start.text
    answers = _answer(one_change="More evening breaks")
    thanks = _answer_all(visitor, f"/survey/{token}", definition, answers)
    assert "Thank you: your answers have been sent" in thanks.text
    assert "Results for any group of fewer than 5 carers are never shown" in thanks.text
    assert _responses(app, questionnaire_id) == [answers]


def test_check_your_answers_shows_every_answer_and_lets_the_carer_change_one(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    questionnaire_id, token = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    base = f"/survey/{token}"
    for number, page in enumerate(definition.pages, start=1):
        visitor.post(f"{base}/{number}", _page_data(page, _answer()))
    check = visitor.get(f"{base}/check")
    rows = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)  # type: ignore[union-attr]
        for row in check.soup.select(".govuk-summary-list__row")
    }
    assert rows["How old are you?"] == "65 or over"
    assert rows["I have enough time for a life of my own."] == "2"
    assert (
        rows["If one thing could change to help you as a carer, what would it be?"]
        == "Not answered"
    )
    change = visitor.get(f"{base}/2?change=1")
    assert change.value("hours") == "40"
    back = visitor.post(f"{base}/2?change=1", {"hours": "12"})
    assert back.response.headers["Location"].endswith(f"{base}/check")
    visitor.post(f"{base}/check", {})
    assert _responses(app, questionnaire_id)[0]["hours"] == 12


def test_check_page_sends_a_carer_back_to_a_page_not_yet_answered(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    questionnaire_id, token = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    visitor.post(f"/survey/{token}/1", _page_data(definition.pages[0], _answer()))
    page = visitor.get(f"/survey/{token}/check", status=302)
    assert page.response.headers["Location"].endswith(f"/survey/{token}/2")
    visitor.post(f"/survey/{token}/check", {}, status=302)
    assert _responses(app, questionnaire_id) == []


@pytest.mark.parametrize(
    ("number", "data", "field", "message"),
    [
        (1, {}, "cares_for", "Select at least one answer to ‘Who do you care for’"),
        (1, {"cares_for": ["cats"]}, "cares_for", "Choose from the options given"),
        (
            1,
            {"cares_for": ["older"], "age_band": "age_99"},
            "age_band",
            "Choose from the options given",
        ),
        (2, {"hours": "lots"}, "hours", "Enter a whole number from 0 to 168"),
        (2, {"hours": "169"}, "hours", "Enter a whole number from 0 to 168"),
        (2, {"hours": "-3"}, "hours", "Enter a whole number from 0 to 168"),
        (
            3,
            {"outcomes_rank__0": "money", "outcomes_rank__1": "", "outcomes_rank__2": ""},
            "outcomes_rank__1",
            "Choose your 2nd choice",
        ),
        (
            3,
            {
                "outcomes_rank__0": "money",
                "outcomes_rank__1": "money",
                "outcomes_rank__2": "own_life",
            },
            "outcomes_rank__1",
            "You have chosen ‘Not being forced into financial hardship’ more than once",
        ),
        (
            3,
            {
                "outcomes_rank__0": "gold",
                "outcomes_rank__1": "money",
                "outcomes_rank__2": "own_life",
            },
            "outcomes_rank__0",
            "Choose from the options given",
        ),
        (
            4,
            {"life_of_own": "9", "listened_to": "3", "wellbeing_scale": "3"},
            "life_of_own",
            "Choose from the options given",
        ),
        (
            4,
            {"listened_to": "3", "wellbeing_scale": "3"},
            "life_of_own",
            "Select an answer to ‘I have enough time for a life of my own’",
        ),
        (8, {"one_change": "x" * 601}, "one_change", "Your answer must be 600 characters or fewer"),
    ],
)
def test_public_survey_pages_refuse_bad_answers_and_keep_what_was_typed(
    app: Flask,
    visitor: Visitor,
    cast: Cast,
    number: int,
    data: dict[str, Any],
    field: str,
    message: str,
) -> None:
    _, token = _open(app, cast.draft.id)
    page = visitor.post(f"/survey/{token}/{number}", data, status=200)
    assert message in page.error_summary()
    assert page.field_error(field) == message
    assert page.error_links()[message] == f"#{field}"
    if field == "hours":
        assert page.value("hours") == data["hours"]


def test_hostile_free_text_is_stored_and_shown_as_text(
    app: Flask, visitor: Visitor, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, token = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    carer = Visitor(app.test_client())
    _answer_all(carer, f"/survey/{token}", definition, _answer(one_change=HOSTILE))
    # Free text is listed only where at least 5 people answered the question.
    _fill(app, questionnaire_id, [_answer(one_change=f"Change {n}") for n in range(4)])
    results = as_lead.get(f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}/results")
    listed = results.soup.select_one("#texts-one_change")
    assert listed is not None and HOSTILE in listed.get_text()
    assert "<script>alert" not in results.response.get_data(as_text=True)


def test_public_pages_need_a_csrf_token(app: Flask, visitor: Visitor, cast: Cast) -> None:
    _, token = _open(app, cast.draft.id)
    visitor.post(f"/survey/{token}/1", {"cares_for": ["older"]}, csrf=False, status=400)


def test_a_made_up_or_another_link_is_not_found(app: Flask, visitor: Visitor, cast: Cast) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id, "partner_views")
    visitor.get("/survey/not-a-real-token", status=404)
    visitor.get(f"/survey/{'x' * 200}", status=404)
    visitor.get(f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}/answer/1", status=302)


def test_the_public_link_refuses_answers_after_closing(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    questionnaire_id, token = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    for number, page in enumerate(definition.pages, start=1):
        visitor.post(f"/survey/{token}/{number}", _page_data(page, _answer()))
    with app.app_context():
        record = db.session.get(Questionnaire, questionnaire_id)
        record.status = "closed"  # type: ignore[union-attr]
        db.session.commit()
    for url in (f"/survey/{token}", f"/survey/{token}/1", f"/survey/{token}/check"):
        page = visitor.get(url, status=410)
        assert page.h1 == "This questionnaire is closed"
    visitor.post(f"/survey/{token}/check", {}, status=410)
    assert _responses(app, questionnaire_id) == []


def test_the_public_link_refuses_answers_outside_its_period(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    questionnaire_id, token = _open(app, cast.draft.id)
    with app.app_context():
        record = db.session.get(Questionnaire, questionnaire_id)
        record.closes_on = TODAY - timedelta(days=1)  # type: ignore[union-attr]
        db.session.commit()
    visitor.get(f"/survey/{token}/1", status=410)


def test_the_public_link_is_rate_limited(
    app: Flask, visitor: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_SURVEY_LIMIT", "2 per hour")
    questionnaire_id, token = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    for _ in range(2):
        _answer_all(visitor, f"/survey/{token}", definition, _answer())
    for number, page in enumerate(definition.pages, start=1):
        visitor.post(f"/survey/{token}/{number}", _page_data(page, _answer()))
    refused = visitor.post(f"/survey/{token}/check", {}, status=429)
    assert refused.h1 == "Too many attempts"
    assert len(_responses(app, questionnaire_id)) == 2
    # Another address is not held up by the first.
    other = Visitor(app.test_client())
    other.client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    _answer_all(other, f"/survey/{token}", definition, _answer())
    assert len(_responses(app, questionnaire_id)) == 3


def test_nothing_stored_for_an_anonymous_answer_leads_to_a_person_or_address(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    questionnaire_id, token = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    # A signed-in member answering the public link is still anonymous.
    visitor.sign_in("partner@example.org")
    visitor.client.environ_base.update({"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": BROWSER})
    answered = {date.today()}  # the day it was answered (either, across midnight)
    _answer_all(visitor, f"/survey/{token}", definition, _answer(one_change="More breaks"))
    answered.add(date.today())
    with app.app_context():
        partner_id = db.session.scalar(select(User.id).where(User.email == "partner@example.org"))
        columns = {column.name for column in QuestionnaireResponse.__table__.columns}
        assert columns == {
            "id",
            "questionnaire_id",
            "answers",
            "answered_on",
            "source",
            "import_id",
            "respondent_id",
        }
        row = db.session.execute(select(QuestionnaireResponse.__table__)).mappings().one()
        assert row["respondent_id"] is None and row["import_id"] is None
        assert row["answered_on"] in answered and type(row["answered_on"]) is date  # no time
        assert set(row["answers"]) == {q.code for q in definition.questions}
        # No trail entry, and the address and browser appear nowhere in the database.
        assert (
            db.session.scalar(select(ChangeEvent).where(ChangeEvent.user_id == partner_id)) is None
        )
        for table in db.metadata.sorted_tables:
            for stored in db.session.execute(select(table)).all():
                flat = " ".join(str(value) for value in stored)
                assert ADDRESS not in flat and BROWSER not in flat, table.name


# Answering signed in.


def test_a_partner_answers_the_partner_questionnaire_signed_in(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    questionnaire_id, token = _open(app, cast.draft.id, "partner_views")
    assert token == ""
    definition = _definition(app, questionnaire_id)
    listed = as_partner.get(f"/audits/{cast.draft.id}/questionnaires")
    assert "Partner and provider views" in listed.soup.select_one("#to-answer").get_text()  # type: ignore[union-attr]
    answers = {
        "provider_kind": "specialist",
        "carers_identified": 350,
        "groups_hard_to_reach": ["bme", "travellers"],
        "joint_working": 4,
        "biggest_gap": "Carers of people leaving hospital",
    }
    base = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}/answer"
    thanks = _answer_all(as_partner, base, definition, answers)
    assert "How your answers are used" in thanks.text
    # Answering again replaces the partner's answers rather than adding a second set.
    _answer_all(as_partner, base, definition, {**answers, "joint_working": 2})
    assert [r["joint_working"] for r in _responses(app, questionnaire_id)] == [2]
    with app.app_context():
        partner_id = db.session.scalar(select(User.id).where(User.email == "partner@example.org"))
        respondent = db.session.scalar(select(QuestionnaireResponse.respondent_id))
        assert respondent == partner_id
    listed = as_partner.get(f"/audits/{cast.draft.id}/questionnaires")
    assert "You answered on" in listed.text


def test_who_may_answer_and_see_what(app: Flask, visitor: Visitor, cast: Cast) -> None:
    partner_q, _ = _open(app, cast.published.id, "partner_views")
    carers_q, _ = _open(app, cast.published.id, "carers_survey")
    commissioners_q, _ = _open(app, cast.published.id, "commissioner_priorities")
    draft_q, _ = _open(app, cast.draft.id, "carers_survey")
    base = f"/audits/{cast.published.id}/questionnaires"
    visitor.sign_in("commissioner@example.org")
    visitor.get(f"{base}/{commissioners_q}/answer/1")
    visitor.get(f"{base}/{partner_q}/answer/1", status=404)
    visitor.get(f"{base}/{carers_q}/answer/1", status=404)  # carers answer by public link only
    visitor.get(f"{base}/{carers_q}/results")  # published: commissioners read results
    visitor.get(f"{base}/{carers_q}", status=404)  # but do not manage
    visitor.get(f"/audits/{cast.draft.id}/questionnaires/{draft_q}/results", status=404)
    visitor.sign_out()
    visitor.sign_in("partner@example.org")
    visitor.get(f"{base}/{partner_q}/answer/1")
    visitor.get(f"{base}/{commissioners_q}/answer/1", status=404)
    visitor.get(f"{base}/{carers_q}/results", status=404)
    visitor.get(f"{base}/{carers_q}/results.csv", status=404)
    visitor.get(f"{base}/{carers_q}/import", status=404)
    visitor.get(f"{base}/open", status=404)
    visitor.sign_out()
    visitor.sign_in("lead@southshire.example.org")
    visitor.get(base, status=404)
    visitor.get(f"{base}/{carers_q}/results", status=404)
    visitor.sign_out()
    visitor.get(f"{base}/{carers_q}/results", status=302)  # sign in first


def test_an_id_from_another_audit_is_not_found(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    theirs, _ = _open(app, cast.published.id)
    mine, _ = _open(app, cast.draft.id)
    base = f"/audits/{cast.draft.id}/questionnaires"
    for path in ("", "/results", "/results.csv", "/template.csv", "/import"):
        as_lead.get(f"{base}/{theirs}{path}", status=404)
    started = _start_import(app, theirs, "cares_for\ndementia\n")
    as_lead.get(f"{base}/{mine}/imports/{started}", status=404)
    as_lead.get(f"{base}/{mine}/imports/{started}/columns", status=404)
    as_lead.post(f"{base}/{theirs}/status", {"version": "1"}, status=404)


# CSV import.


def _start_import(app: Flask, questionnaire_id: int, csv_text: str) -> int:
    with app.app_context():
        record = db.session.get(Questionnaire, questionnaire_id)
        lead = db.session.scalar(select(User).where(User.email == "lead@example.org"))
        return importing.start(record, "x.csv", csv_text.encode(), lead).id  # type: ignore[arg-type]


def _upload(visitor: Visitor, base: str, csv_text: str | bytes, name: str = "answers.csv") -> Page:
    body = csv_text.encode() if isinstance(csv_text, str) else csv_text
    return visitor.post(
        f"{base}/import",
        {"csv_file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
        status=None,  # type: ignore[arg-type]
    )


def _mapping(page: Page) -> dict[str, str]:
    return {
        str(select_.get("name")): page.value(str(select_.get("name"))) or ""
        for select_ in page.soup.select("select")
    }


VARIED = [
    _answer(),
    _answer(cares_for=["dementia", "older"], age_band="age_25_64", hours=10, one_change="A sitter"),
    _answer(
        cares_for=["stroke"], age_band=None, hours=None, supports_used=None, breaks_rating=None
    ),
    _answer(outcomes_rank=["money", "own_life", "expert_partner"], life_of_own=5),
    _answer(cares_for=["physical"], one_change="Help with forms; and money"),
    _answer(outcomes_rank=["wellbeing", "money", "own_life"], supports_used=["breaks", "peer"]),
]


def test_online_answers_and_an_imported_csv_of_them_give_identical_results(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    online_id, token = _open(app, cast.draft.id)
    imported_id, _ = _open(app, cast.draft.id)
    definition = _definition(app, online_id)
    for answers in VARIED:
        _answer_all(Visitor(app.test_client()), f"/survey/{token}", definition, answers)
    base = f"/audits/{cast.draft.id}/questionnaires/{imported_id}"
    template = as_lead.get(f"{base}/template.csv")
    assert template.response.headers["Content-Type"].startswith("text/csv")
    header = template.response.get_data(as_text=True).lstrip("\ufeff").strip()
    assert header == ",".join(q.code for q in definition.questions)
    csv_text = importing.responses_csv(definition, VARIED)
    columns = _upload(as_lead, base, csv_text)
    assert columns.status == 302
    mapping_page = as_lead.get(columns.response.headers["Location"])
    assert mapping_page.h1 == "Match the columns to the questions"
    mapping = _mapping(mapping_page)
    assert mapping["column_hours"] == "hours"  # matched by code
    status = as_lead.post(columns.response.headers["Location"], mapping, follow=True, status=200)
    assert status.h1 == "Imported"
    with app.app_context():
        audit = db.session.get(Audit, cast.draft.id)
        online = service.results(audit, db.session.get(Questionnaire, online_id))  # type: ignore[arg-type]
        imported = service.results(audit, db.session.get(Questionnaire, imported_id))  # type: ignore[arg-type]
        assert online == imported
        assert online.responses == len(VARIED)
        sources = db.session.scalars(
            select(QuestionnaireResponse.source).order_by(QuestionnaireResponse.id)
        )
        assert list(sources) == ["online"] * 6 + ["import"] * 6
        done = db.session.scalars(select(QuestionnaireImport)).one()
        assert done.content is None and done.rows_done == 6


def test_columns_are_matched_by_hand_and_by_question_words(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id, "partner_views")
    base = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}"
    csv_text = (
        "Which best describes your organisation's service?,Score,Ignored\n"
        "A specialist carers' service,4,x\n"
        "general,2,y\n"
    )
    columns = _upload(as_lead, base, csv_text)
    url = columns.response.headers["Location"]
    page = as_lead.get(url)
    mapping = _mapping(page)
    assert mapping["column_provider_kind"] == "Which best describes your organisation's service?"
    assert mapping["column_joint_working"] == ""
    refused = as_lead.post(url, mapping, status=200)
    message = "Choose the column with the answers to ‘Partners in the area work well together to support carers’"
    assert message in refused.error_summary()
    forged = as_lead.post(url, {**mapping, "column_joint_working": "Nope"}, status=200)
    assert "Choose from the options given" in forged.error_summary()
    as_lead.post(url, {**mapping, "column_joint_working": "Score"}, follow=True, status=200)
    assert sorted(r["joint_working"] for r in _responses(app, questionnaire_id)) == [2, 4]


def test_a_csv_with_bad_rows_imports_nothing_and_reports_every_bad_row(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    base = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}"
    good = importing.responses_csv(definition, [_answer()] * 3).splitlines()
    bad = list(good)
    bad[2] = bad[2].replace("dementia", "cats", 1)  # row 3
    bad.append(good[1].replace(",40,", ",400,"))  # row 5
    bad.append(
        good[1].replace(",2,3,2,", ",2,3,2,", 1).replace("own_life;wellbeing;money", "own_life")
    )  # row 6
    columns = _upload(as_lead, base, "\n".join(bad) + "\n")
    url = columns.response.headers["Location"]
    report = as_lead.post(url, _mapping(as_lead.get(url)), follow=True, status=200)
    assert report.h1 == "Not imported: some rows have problems"
    rows = [
        [cell.get_text(strip=True) for cell in row.select("td")]
        for row in report.soup.select("#problems tbody tr")
    ]
    assert rows == [
        [
            "3",
            "cares_for",
            "'cats' is not one of the options (older, dementia, stroke, physical, learning, mental_health, substance, terminal)",
        ],
        ["5", "hours", "must be 168 or less"],
        ["6", "outcomes_rank", "rank 3 options"],
    ]
    assert "Nothing was imported. 3 of 5 rows have problems" in report.text
    assert _responses(app, questionnaire_id) == []


@pytest.mark.parametrize(
    ("body", "name", "message"),
    [
        ("", "empty.csv", "The file is empty: the first row must name the columns"),
        ("cares_for,hours\n", "header.csv", "The file has no responses below its first row"),
        ("a,a\n1,2\n", "twice.csv", "Two columns have the same name in the first row"),
        (b"\xff\xfe\x00b\x00", "binary.csv", "The file must be a CSV saved as UTF-8"),
        (
            "PK\x03\x04\x00\x00",
            "sheet.csv",
            "The file must be a CSV, not a spreadsheet or other binary file",
        ),
        ("cares_for\ndementia\n", "answers.xlsx", "The selected file must be a CSV"),
    ],
)
def test_uploads_that_are_not_a_csv_of_responses_are_refused(
    app: Flask, as_lead: Visitor, cast: Cast, body: str | bytes, name: str, message: str
) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    base = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}"
    page = _upload(as_lead, base, body, name)
    assert page.status == 200
    assert message in page.error_summary()
    with app.app_context():
        assert db.session.scalar(select(QuestionnaireImport)) is None


def test_no_file_chosen(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    page = as_lead.post(
        f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}/import", {}, status=200
    )
    assert "Select a CSV file" in page.error_summary()


def test_the_import_status_page_is_polled_until_finished_without_a_meta_refresh(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    import_id = _start_import(app, questionnaire_id, "cares_for\ndementia\nolder\n")
    with app.app_context():
        started = db.session.get(QuestionnaireImport, import_id)
        started.status = importing.CHECKING  # type: ignore[union-attr]
        started.rows_done = 1  # type: ignore[union-attr]
        db.session.commit()
    url = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}/imports/{import_id}"
    page = as_lead.get(url)
    # A meta refresh makes a screen reader start the page again every time (axe
    # meta-refresh); static/poll.js checks instead, and "Check again" works without it.
    assert page.soup.select_one('meta[http-equiv="refresh"]') is None
    job = page.soup.select_one("#import-job")
    assert job["data-poll"] == "on" and job["data-state"] == "checking-1"
    assert page.soup.select_one("#progress[role=status]").text == "1 of 2 rows checked."
    assert page.soup.select_one("#check-again")["href"] == url
    progress = page.soup.select_one("progress")
    assert progress is not None and progress.get("value") == "1"
    with app.app_context():
        db.session.get(QuestionnaireImport, import_id).status = importing.FAILED  # type: ignore[union-attr]
        db.session.commit()
    finished = as_lead.get(url)
    assert finished.soup.select_one("#import-job")["data-poll"] == "off"
    assert finished.h1 == "Not imported: the database refused the import"


def test_an_import_is_queued_on_rq_when_redis_is_configured(
    app: Flask, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    import_id = _start_import(app, questionnaire_id, "cares_for\ndementia\n")
    queued: list[tuple[Any, ...]] = []

    class FakeQueue:
        def __init__(self, name: str, connection: Any) -> None:
            self.name = name

        def enqueue(self, job: Any, *args: Any) -> None:
            queued.append((self.name, job, *args))

    monkeypatch.setattr("rq.Queue", FakeQueue)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    with app.app_context():
        importing.queue(db.session.get(QuestionnaireImport, import_id), {"cares_for": "cares_for"})  # type: ignore[arg-type]
        assert queued == [("imports", importing.import_job, import_id)]
        assert db.session.get(QuestionnaireImport, import_id).status == importing.QUEUED  # type: ignore[union-attr]
        assert service.answer_sets(db.session.get(Questionnaire, questionnaire_id)) == []  # type: ignore[arg-type]
        importing.run(import_id)  # what the worker does
        assert db.session.get(QuestionnaireImport, import_id).status == importing.INVALID  # type: ignore[union-attr]


# Results.


def _fill(app: Flask, questionnaire_id: int, answer_sets: list[dict[str, Any]]) -> None:
    with app.app_context():
        record = db.session.get(Questionnaire, questionnaire_id)
        for answers in answer_sets:
            service.submit(record, answers, None)  # type: ignore[arg-type]


def test_results_show_counts_shares_and_suppress_small_groups(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    _fill(
        app,
        questionnaire_id,
        [_answer()] * 5
        + [_answer(cares_for=["stroke"], age_band="age_25_64")] * 2
        + [_answer(cares_for=["learning"], age_band="age_25_64")] * 3,
    )
    page = as_lead.get(f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}/results")
    assert "10 responses" in page.text
    counts = page.soup.select_one("#counts-age_band")
    assert counts is not None
    cells = [
        [c.get_text(strip=True) for c in row.select("th, td")] for row in counts.select("tbody tr")
    ]
    assert cells == [["16 to 24", "0", "0%"], ["25 to 64", "5", "50%"], ["65 or over", "5", "50%"]]
    split = page.soup.select_one("#split-carer_group-age_band")
    assert split is not None
    headers = [th.get_text(" ", strip=True) for th in split.select("thead th")]
    # The two small groups hide each other (5 between them): dementia's 5 can be shown,
    # and every other group in the audit's scope has its column, empty.
    assert headers[:4] == [
        "Answer",
        "Carers of older people (no answers)",
        "Carers of older people who have had a stroke (not shown)",
        "Carers of older people with dementia (5)",
    ]
    assert (
        "Carers of adults and/ or children with learning disabilities [parent carers] (not shown)"
        in headers
    )
    rows = [[c.get_text(strip=True) for c in tr.select("td")] for tr in split.select("tbody tr")]
    stroke = headers.index("Carers of older people who have had a stroke (not shown)") - 1
    assert [row[stroke] for row in rows] == ["0% (0)", "Not shown", "0% (0)"]
    assert [row[2] for row in rows] == ["0% (0)", "0% (0)", "100% (5)"]


def test_results_export_as_csv_and_xlsx_with_suppression(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    _fill(
        app,
        questionnaire_id,
        [_answer()] * 5
        + [_answer(cares_for=["stroke"])] * 2
        + [_answer(cares_for=["learning"])] * 3,
    )
    base = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}"
    csv_page = as_lead.get(f"{base}/results.csv")
    assert (
        csv_page.response.headers["Content-Disposition"]
        == 'attachment; filename="carers_survey-results.csv"'
    )
    body = csv_page.response.get_data(as_text=True)
    assert (
        "age_band,How old are you?,Carers of older people with dementia,65 or over,5,100.0,5"
        in body
    )
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    stroke_lines = [row for row in rows if row[2].endswith("had a stroke")]
    assert stroke_lines and all(row[4] in ("[c]", "0") and row[6] == "[c]" for row in stroke_lines)
    xlsx = as_lead.client.get(f"{base}/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "question",
        "question text",
        "breakdown",
        "answer",
        "count",
        "share (%)",
        "answered",
    )
    # The share is stored as a fraction shown as a percent (issue 18): 1.0 shows 100.0%.
    assert ("age_band", "How old are you?", "All answers", "65 or over", 10, 1.0, 10) in rows


def test_lead_takes_the_surveys_ranking_into_step_2(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    _fill(
        app,
        questionnaire_id,
        [_answer(outcomes_rank=["money", "wellbeing", "own_life"])] * 5
        + [_answer(outcomes_rank=["wellbeing", "own_life", "money"])] * 5,
    )
    with app.app_context():
        db.session.add(
            OutcomePriority(audit_id=cast.draft.id, outcome="1", rank=1, said_by="Focus group")
        )
        db.session.commit()
    base = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}"
    as_lead.get(f"{base}/results")
    page = as_lead.post(f"{base}/ranking", {}, follow=True, status=200)
    assert page.h1 == "Outcomes that matter to carers"
    with app.app_context():
        rows = db.session.scalars(select(OutcomePriority).order_by(OutcomePriority.rank)).all()
        assert [(r.outcome, r.rank, r.said_by) for r in rows] == [
            ("4", 1, "carers' survey (10 answers)"),
            ("3", 2, "carers' survey (10 answers)"),
            ("2", 3, "carers' survey (10 answers)"),
        ]
    step4 = as_lead.get(f"/audits/{cast.draft.id}/plan/priorities")
    listed = step4.soup.select_one("#outcomes-that-matter")
    assert listed is not None
    assert [li.get_text(" ", strip=True) for li in listed.select("li")][0] == (
        "1st: Mentally and physically well (outcome 4) Said by: carers' survey (10 answers)"
    )
    as_lead.post(f"{base}/ranking", {}, csrf=False, status=400)


def test_commissioner_cannot_take_a_ranking(
    app: Flask, as_commissioner: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.published.id)
    as_commissioner.post(
        f"/audits/{cast.published.id}/questionnaires/{questionnaire_id}/ranking", {}, status=404
    )


def test_step_2_links_to_questionnaires_and_the_overview_shows_their_status(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    overview = as_lead.get(f"/audits/{cast.draft.id}")
    assert "Questionnaires" in overview.text
    planning = as_lead.get(f"/audits/{cast.draft.id}/needs/planning")
    assert planning.soup.find("a", string="Questionnaires") is not None
    questionnaire_id, _ = _open(app, cast.draft.id)
    _fill(app, questionnaire_id, [_answer()])
    with app.app_context():
        audit = db.session.get(Audit, cast.draft.id)
        from audit_app.services.overview import steps

        def status() -> str:
            sections = [s for step in steps(audit, "lead") for s in step.sections]  # type: ignore[arg-type]
            return next(s.status for s in sections if s.title == "Questionnaires")

        assert status() == "In progress"
        db.session.execute(text("UPDATE questionnaire SET status = 'closed'"))
        bump_revision(audit)  # as closing it in the app does: the counts are kept per revision
        db.session.commit()
        assert status() == "Completed"


def test_demo_dementia_audit_has_an_open_survey_with_real_results(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    with app.app_context():
        audit = db.session.scalar(
            select(Audit).where(
                Audit.title == "Carers of people with dementia in Northshire 2026/27"
            )
        )
        assert audit is not None
        records = {r.definition_id: r for r in service.list_for(audit)}
        survey = records["carers_survey"]
        assert service.is_accepting(survey)
        summary = service.results(audit, survey)
        assert summary.responses == 40
        assert summary.outcome_ranking()
        assert any(
            cell
            for split in summary.splits
            for cells in split.cells.values()
            for cell in cells
            if not cell.suppressed
        )
        sources = db.session.scalars(
            select(QuestionnaireResponse.source).where(
                QuestionnaireResponse.questionnaire_id == survey.id
            )
        )
        assert set(sources) == {"online", "import"}
        assert service.results(audit, records["partner_views"]).responses == 2


def test_a_file_that_breaks_part_way_imports_nothing(app: Flask, cast: Cast) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    import_id = _start_import(app, questionnaire_id, "cares_for\ndementia\n")
    with app.app_context():
        started = db.session.get(QuestionnaireImport, import_id)
        assert started is not None
        # A cell longer than the csv module will read (131,072 characters).
        started.content = 'cares_for\ndementia\n"' + "x" * 200_000 + '"\n'
        db.session.commit()
        importing.queue(started, {"cares_for": "cares_for"})
        assert started.status == importing.INVALID
        assert started.errors[-1]["column"] == "(whole file)"
        assert service.answer_sets(db.session.get(Questionnaire, questionnaire_id)) == []  # type: ignore[arg-type]


def test_an_import_saves_in_chunks_and_keeps_every_answer_in_order(
    app: Flask, as_lead: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The 10,000-answer import stays within its memory by never holding more than
    # CHUNK rows' answers: each insert carries at most CHUNK rows, and every row lands.
    monkeypatch.setattr(importing, "CHUNK", 4)
    questionnaire_id, _ = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    rows = VARIED + VARIED[:4]  # 10 rows: inserts of 4, 4 and 2
    base = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}"
    csv_text = importing.responses_csv(definition, rows)
    columns = _upload(as_lead, base, csv_text)
    inserts: list[int] = []

    def count(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        if statement.startswith("INSERT INTO questionnaire_response"):
            inserts.append(len(params) if many else 1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        mapping = _mapping(as_lead.get(columns.response.headers["Location"]))
        done = as_lead.post(columns.response.headers["Location"], mapping, follow=True, status=200)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert done.h1 == "Imported"
    assert sum(inserts) == len(rows) and max(inserts) <= 4
    stored = _responses(app, questionnaire_id)
    identity = {q.code: q.code for q in definition.questions}
    checked = importing.checked_rows(definition, csv_text, identity)
    assert stored == [answers for _, answers, _ in checked]
