"""Step 2 of an audit: planning questions, the gathering plan, findings, outcome ranking."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import (
    ChangeEvent,
    Finding,
    GatheringMethod,
    OutcomePriority,
    PlanningAnswer,
    User,
)
from audit_app.services import changes
from audit_app.services.needs import QUESTION_CODES
from tests.visit import Visitor, assert_error
from tests.web.conftest import Cast, trail

HOSTILE = "<script>alert('x')</script> Robert'); DROP TABLE finding;--"


def _method(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "method": "focus_group",
        "description": "Evening focus group at Northtown library",
        "groups": ["dementia", "working_age_carers"],
        "costs": "Respite care for the cared-for person; £20 for each carer's time",
        "cost_amount": "450.50",
        "alternatives": "Phone calls to carers who cannot come",
        "planned_for": ["14", "5", "2026"],
    }
    form.update(changes)
    return form


def _finding(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "method": "consultation_day",
        "held_on": ["3", "6", "2026"],
        "participants": "24",
        "groups": ["dementia"],
        "key_messages": "Carers want breaks they can book at short notice.",
        "outcomes": ["2", "4"],
    }
    form.update(changes)
    return form


DEFAULTS: dict[type, dict[str, Any]] = {
    GatheringMethod: {"method": "questionnaire", "groups": ["dementia"]},
    Finding: {
        "method": "focus_group",
        "held_on": date(2026, 5, 1),
        "groups": [],
        "key_messages": "Carers feel unheard by GPs.",
        "outcomes": ["1"],
    },
}


def _make(app: Flask, model: type, audit_id: int, **values: Any) -> int:
    with app.app_context():
        record = model(audit_id=audit_id, **{**DEFAULTS.get(model, {}), **values})
        db.session.add(record)
        db.session.commit()
        return int(record.id)


def _colleague(app: Flask) -> User:
    return db.session.scalars(select(User).filter_by(email="admin@example.org")).one()


# Planning questions.


def test_lead_answers_planning_questions(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.draft.id}/needs/planning"
    page = as_lead.get(url)
    assert page.h1 == "Planning questions"
    assert len(page.soup.select("textarea")) == len(QUESTION_CODES) == 9
    as_lead.post(url, {"answer_risks_gaps": "Carers of people with dementia", "answer_legacy": ""})
    with app.app_context():
        rows = db.session.scalars(select(PlanningAnswer)).all()
        assert [(row.question, row.answer) for row in rows] == [
            ("risks_gaps", "Carers of people with dementia")
        ]
    page = as_lead.get(url)
    assert page.value("answer_risks_gaps") == "Carers of people with dementia"
    assert page.value("version_risks_gaps") == "1"
    as_lead.post(
        url,
        {
            "answer_risks_gaps": "Carers of people with dementia, and young adult carers",
            "version_risks_gaps": "1",
            "answer_quick_wins": "A carers' page on the council website",
        },
    )
    with app.app_context():
        answers = {row.question: row for row in db.session.scalars(select(PlanningAnswer))}
        assert answers["risks_gaps"].answer.endswith("young adult carers")
        assert answers["risks_gaps"].version == 2
        assert answers["quick_wins"].answer == "A carers' page on the council website"
    assert [event[0] for event in trail(app, "planning answer")] == [
        "created",
        "changed",
        "created",
    ]


def test_a_stale_planning_answer_is_reported_and_not_overwritten(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _make(app, PlanningAnswer, cast.draft.id, question="focus", answer="Breaks")
    url = f"/audits/{cast.draft.id}/needs/planning"
    loaded = as_lead.get(url).value("version_focus")
    with app.app_context():
        record = db.session.scalars(select(PlanningAnswer)).one()
        changes.save(
            changes.Change(
                cast.draft, record, {"answer": "Breaks (colleague)"}, "planning answer", "x", 1
            ),
            _colleague(app),
        )
    form = {"answer_focus": "Breaks (mine)", "version_focus": loaded, "answer_legacy": "Kept"}
    page = as_lead.post(url, form, status=200)
    message = "Someone else changed the answer about focus while you were editing"
    assert_error(page, message)
    assert "Breaks (colleague)" in page.soup.select_one("#theirs-focus").get_text()
    assert page.value("answer_focus") == "Breaks (mine)"
    with app.app_context():
        answers = {row.question: row.answer for row in db.session.scalars(select(PlanningAnswer))}
        assert answers == {"focus": "Breaks (colleague)", "legacy": "Kept"}
    # Saving again, having seen theirs, keeps what was typed.
    as_lead.post(url, {**form, "version_focus": page.value("version_focus")})
    with app.app_context():
        record = db.session.scalars(select(PlanningAnswer).filter_by(question="focus")).one()
        assert record.answer == "Breaks (mine)"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"answer_risks_gaps": "x" * 10_000},
            "Your answer about risks and gaps must be 5,000 characters or fewer",
        ),
        (
            {"answer_legacy": "x" * 5001},
            "Your answer about legacy must be 5,000 characters or fewer",
        ),
    ],
)
def test_planning_answers_that_are_too_long_are_refused(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, str], message: str
) -> None:
    page = as_lead.post(
        f"/audits/{cast.draft.id}/needs/planning",
        {"answer_focus": "Kept on the page", **changes},
        status=200,
    )
    assert_error(page, message)
    assert page.value("answer_focus") == "Kept on the page"
    with app.app_context():
        assert db.session.scalars(select(PlanningAnswer)).first() is None


# The information-gathering plan.


def test_lead_adds_changes_and_deletes_a_method(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    base = f"/audits/{cast.draft.id}/needs/methods"
    assert as_lead.get(f"{base}/new").h1 == "Add a method"
    as_lead.post(f"{base}/new", _method())
    page = as_lead.get(base)
    assert page.h1 == "Information-gathering plan"
    row = page.soup.select_one("#methods tbody tr").get_text(" ", strip=True)
    for shown in (
        "Focus group",
        "14 May 2026",
        "Carers of older people with dementia",
        "Working age carers",
        "Respite care",
        "£450.50",
        "Phone calls",
    ):
        assert shown in row, shown
    with app.app_context():
        record = db.session.scalars(select(GatheringMethod)).one()
        assert record.cost_amount == Decimal("450.50")
        assert record.planned_for == date(2026, 5, 14)
        method_id = record.id
    url = f"{base}/{method_id}"
    page = as_lead.get(url)
    assert page.value("cost_amount") == "450.5"
    assert page.value("version") == "1"
    as_lead.post(
        url,
        _method(
            method="carers_as_researchers",
            cost_amount="",
            planned_for=["", "", ""],
            version="1",
        ),
    )
    with app.app_context():
        record = db.session.get(GatheringMethod, method_id)
        assert (record.method, record.cost_amount, record.planned_for) == (
            "carers_as_researchers",
            None,
            None,
        )
    assert as_lead.get(f"{url}/delete").h1 == "Are you sure you want to delete this method?"
    as_lead.post(f"{url}/delete", {})
    with app.app_context():
        assert db.session.get(GatheringMethod, method_id) is None
    events = trail(app, "gathering method")
    assert [event[0] for event in events] == ["created", "changed", "removed"]
    assert events[1][2]["cost_amount"] == "450.50"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"method": ""}, "Choose the method"),
        ({"method": "seance"}, "Choose a method from the list"),
        ({"groups": ["dementia", "martians"]}, "Choose carer groups from the list"),
        ({"cost_amount": "lots"}, "Cost must be an amount in pounds, like 450 or 1250.50"),
        ({"cost_amount": "-5"}, "Cost must be 0 or more"),
        ({"cost_amount": "12.345"}, "Cost must have no more than 2 decimal places"),
        ({"cost_amount": "9" * 10_000}, "Cost must be less than £10,000,000,000"),
        ({"description": "x" * 10_000}, "Description must be 5,000 characters or fewer"),
        ({"costs": "x" * 10_000}, "Costs of engagement must be 5,000 characters or fewer"),
        ({"alternatives": "x" * 10_000}, "Alternatives must be 5,000 characters or fewer"),
        ({"planned_for": ["31", "2", "2026"]}, "The planned date must be a real date"),
        ({"planned_for": ["14", "5", ""]}, "The planned date must include a year"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_method_form_rejects_bad_input_and_keeps_what_was_typed(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    form = _method(**changes)
    page = as_lead.post(f"/audits/{cast.draft.id}/needs/methods/new", form, status=200)
    assert_error(page, message)
    if "description" not in changes:
        assert page.value("description") == form["description"]
    if "cost_amount" not in changes:
        assert page.value("cost_amount") == form["cost_amount"]
    with app.app_context():
        assert db.session.scalars(select(GatheringMethod)).first() is None


# Findings.


def test_lead_adds_changes_and_deletes_a_finding(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    base = f"/audits/{cast.draft.id}/needs/findings"
    page = as_lead.get(f"{base}/new")
    assert page.h1 == "Add a finding"
    methods = [radio["value"] for radio in page.soup.select('[name="method"]')]
    assert "questionnaire" not in methods and "focus_group" in methods
    as_lead.post(f"{base}/new", _finding())
    row = as_lead.get(base).soup.select_one("#findings tbody tr").get_text(" ", strip=True)
    for shown in (
        "Consultation day",
        "3 June 2026",
        "24",
        "short notice",
        "2. A life of their own",
    ):
        assert shown in row, shown
    with app.app_context():
        record = db.session.scalars(select(Finding)).one()
        assert (record.participants, record.outcomes) == (24, ["2", "4"])
        finding_id = record.id
    url = f"{base}/{finding_id}"
    page = as_lead.get(url)
    assert page.value("participants") == "24"
    assert page.value("held_on") == "03"
    as_lead.post(url, _finding(participants="", outcomes=["1"], version="1"))
    with app.app_context():
        record = db.session.get(Finding, finding_id)
        assert (record.participants, record.outcomes) == (None, ["1"])
    as_lead.post(f"{url}/delete", {})
    with app.app_context():
        assert db.session.get(Finding, finding_id) is None
    assert [event[0] for event in trail(app, "finding")] == ["created", "changed", "removed"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"method": ""}, "Choose the method"),
        ({"method": "questionnaire"}, "Choose a method from the list"),
        (
            {"held_on": ["", "", ""]},
            "Enter the date it was held",
        ),
        ({"held_on": ["3", "13", "2026"]}, "The date it was held must be a real date"),
        ({"participants": "many"}, "Number of participants must be a whole number, like 12"),
        ({"participants": "2.5"}, "Number of participants must be a whole number, like 12"),
        ({"participants": "-3"}, "Number of participants must be 0 or more"),
        ({"participants": "9" * 10_000}, "Number of participants must be 1,000,000 or fewer"),
        ({"groups": ["<script>"]}, "Choose carer groups from the list"),
        ({"outcomes": ["1", "9"]}, "Choose outcomes from the list"),
        ({"outcomes": ["5"]}, "Choose outcomes from the list"),
        ({"key_messages": ""}, "Enter the key messages"),
        ({"key_messages": "  \x00 "}, "Enter the key messages"),
        ({"key_messages": "x" * 10_000}, "Key messages must be 5,000 characters or fewer"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_finding_form_rejects_bad_input_and_keeps_what_was_typed(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    form = _finding(**changes)
    page = as_lead.post(f"/audits/{cast.draft.id}/needs/findings/new", form, status=200)
    assert_error(page, message)
    if "key_messages" not in changes:
        assert page.value("key_messages") == form["key_messages"]
    if "participants" not in changes:
        assert page.value("participants") == form["participants"]
    with app.app_context():
        assert db.session.scalars(select(Finding)).first() is None


def test_hostile_text_is_shown_as_text_never_run(as_lead: Visitor, cast: Cast) -> None:
    base = f"/audits/{cast.draft.id}/needs"
    as_lead.post(f"{base}/findings/new", _finding(key_messages=HOSTILE))
    as_lead.post(f"{base}/methods/new", _method(description=HOSTILE, costs=HOSTILE))
    as_lead.post(f"{base}/planning", {"answer_legacy": HOSTILE})
    as_lead.post(f"{base}/outcomes", {"rank_1": "1", "said_by_1": HOSTILE})
    for path in ("findings", "methods", "planning", "outcomes"):
        page = as_lead.get(f"{base}/{path}")
        assert HOSTILE in page.text, path
        assert "<script>alert" not in page.response.get_data(as_text=True), path


def test_a_stale_finding_save_shows_both_versions_and_overwrites_nothing(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    finding_id = _make(app, Finding, cast.draft.id)
    url = f"/audits/{cast.draft.id}/needs/findings/{finding_id}"
    loaded = as_lead.get(url).value("version")
    with app.app_context():
        record = db.session.get(Finding, finding_id)
        changes.save(
            changes.Change(
                cast.draft, record, {"key_messages": "Colleague's messages"}, "finding", "x", 1
            ),
            _colleague(app),
        )
    page = as_lead.post(url, _finding(key_messages="My messages", version=loaded), status=200)
    message = "Someone else changed this finding while you were editing"
    assert_error(page, message)
    assert "Colleague's messages" in page.soup.select_one(page.error_links()[message]).get_text()
    assert page.value("key_messages") == "My messages"
    with app.app_context():
        assert db.session.get(Finding, finding_id).key_messages == "Colleague's messages"


# Outcomes that matter to carers.


def test_lead_ranks_outcomes_and_the_ranking_is_listed_in_order(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.draft.id}/needs/outcomes"
    page = as_lead.get(url)
    assert page.h1 == "Outcomes that matter to carers"
    assert "No outcomes ranked yet" in page.text
    ranks = [option["value"] for option in page.soup.select('[name="rank_1"] option')]
    assert ranks == ["", "1", "2", "3", "4"]
    as_lead.post(
        url,
        {
            "rank_1": "2",
            "rank_2": "1",
            "said_by_2": "May focus group",
            "rank_3": "",
            "rank_4": "3",
        },
    )
    page = as_lead.get(url)
    listed = [item.get_text(" ", strip=True) for item in page.soup.select("#ranking li")]
    assert listed[0].startswith("1st: A life of their own (outcome 2)")
    assert "May focus group" in listed[0]
    assert listed[1].startswith("2nd: Expert care partners (outcome 1)")
    assert listed[2].startswith("3rd: Mentally and physically well (outcome 4)")
    assert page.value("rank_2") == "1"
    assert page.value("rank_3") == ""
    versions = {code: page.value(f"version_{code}") for code in "1234"}
    assert versions == {"1": "1", "2": "1", "3": "", "4": "1"}
    # Un-rank one, swap two.
    as_lead.post(
        url,
        {
            "rank_1": "1",
            "version_1": "1",
            "rank_2": "2",
            "version_2": "1",
            "said_by_2": "May focus group",
            "rank_3": "",
            "rank_4": "",
            "version_4": "1",
        },
    )
    with app.app_context():
        rows = db.session.scalars(select(OutcomePriority).order_by(OutcomePriority.rank)).all()
        assert [(row.outcome, row.rank) for row in rows] == [("1", 1), ("2", 2)]
    events = trail(app, "outcome priority")
    assert [event[0] for event in events].count("created") == 3
    assert ("removed", "4. Mentally and physically well") in [event[:2] for event in events]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"rank_1": "1", "rank_2": "1"},
            "Rank 1 is given to both ‘Expert care partners’ and ‘A life of their own’",
        ),
        (
            {"rank_1": "2", "rank_3": "3", "rank_4": "2"},
            "Rank 2 is given to both ‘Expert care partners’ and ‘Mentally and physically well’",
        ),
        ({"rank_1": "5"}, "Choose a rank for ‘Expert care partners’ from the list"),
        ({"rank_1": "one"}, "Choose a rank for ‘Expert care partners’ from the list"),
        ({"rank_1": "-1"}, "Choose a rank for ‘Expert care partners’ from the list"),
        (
            {"rank_1": "1", "said_by_1": "x" * 10_000},
            "Who said ‘Expert care partners’ matters must be 5,000 characters or fewer",
        ),
    ],
)
def test_outcome_ranking_rejects_bad_input(
    app: Flask, as_lead: Visitor, cast: Cast, form: dict[str, str], message: str
) -> None:
    full = {"rank_1": "", "rank_2": "", "rank_3": "", "rank_4": "", **form}
    page = as_lead.post(f"/audits/{cast.draft.id}/needs/outcomes", full, status=200)
    assert_error(page, message)
    with app.app_context():
        assert db.session.scalars(select(OutcomePriority)).first() is None


def test_a_stale_ranking_overwrites_nothing(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    _make(app, OutcomePriority, cast.draft.id, outcome="1", rank=1)
    url = f"/audits/{cast.draft.id}/needs/outcomes"
    loaded = as_lead.get(url).value("version_1")
    with app.app_context():
        record = db.session.scalars(select(OutcomePriority)).one()
        changes.save(
            changes.Change(
                cast.draft, record, {"said_by": "Colleague"}, "outcome priority", "x", 1
            ),
            _colleague(app),
        )
    form = {"rank_1": "2", "version_1": loaded, "rank_2": "1", "rank_3": "", "rank_4": ""}
    page = as_lead.post(url, form, status=200)
    assert any("Someone else changed the ranking" in error for error in page.error_summary())
    with app.app_context():
        rows = db.session.scalars(select(OutcomePriority)).all()
        assert [(row.outcome, row.rank, row.said_by) for row in rows] == [("1", 1, "Colleague")]
    as_lead.post(url, {**form, "version_1": page.value("version_1")})
    with app.app_context():
        assert db.session.scalars(select(OutcomePriority).filter_by(outcome="1")).one().rank == 2


# Who may see and do what.


def _urls(audit_id: int, method_id: int, finding_id: int) -> dict[str, list[str]]:
    base = f"/audits/{audit_id}/needs"
    return {
        "lists": [f"{base}/methods", f"{base}/findings"],
        "read_or_edit": [f"{base}/planning", f"{base}/outcomes"],
        "changing": [
            f"{base}/methods/new",
            f"{base}/methods/{method_id}",
            f"{base}/methods/{method_id}/delete",
            f"{base}/findings/new",
            f"{base}/findings/{finding_id}",
            f"{base}/findings/{finding_id}/delete",
        ],
    }


def _records(app: Flask, audit_id: int) -> dict[str, list[str]]:
    return _urls(audit_id, _make(app, GatheringMethod, audit_id), _make(app, Finding, audit_id))


def test_an_id_from_another_audit_is_not_found(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    theirs_method = _make(app, GatheringMethod, cast.other_area_audit.id)
    theirs_finding = _make(app, Finding, cast.other_area_audit.id)
    base = f"/audits/{cast.draft.id}/needs"
    for path, record_id, form in (
        ("methods", theirs_method, _method()),
        ("findings", theirs_finding, _finding()),
    ):
        for suffix in ("", "/delete"):
            url = f"{base}/{path}/{record_id}{suffix}"
            as_lead.get(url, status=404)
            as_lead.post(url, {**form, "version": "1"}, status=404)
        as_lead.get(f"{base}/{path}/999999", status=404)
    for path in ("planning", "outcomes", "methods", "findings"):
        as_lead.get(f"/audits/{cast.other_area_audit.id}/needs/{path}", status=404)
    with app.app_context():
        assert db.session.get(GatheringMethod, theirs_method).version == 1
        assert db.session.get(Finding, theirs_finding).version == 1


def test_partners_cannot_see_or_change_step_2(app: Flask, as_partner: Visitor, cast: Cast) -> None:
    for audit in (cast.draft, cast.published):
        urls = _records(app, audit.id)
        for url in urls["lists"] + urls["read_or_edit"] + urls["changing"]:
            as_partner.get(url, status=404)
        for url in urls["read_or_edit"] + urls["changing"]:
            as_partner.post(url, {}, status=404)


def test_commissioner_sees_a_published_audits_step_2_read_only(
    app: Flask, as_commissioner: Visitor, cast: Cast
) -> None:
    _make(app, PlanningAnswer, cast.published.id, question="legacy", answer="A standing forum")
    _make(app, OutcomePriority, cast.published.id, outcome="3", rank=1, said_by="Survey")
    urls = _records(app, cast.published.id)
    for url in urls["lists"] + urls["read_or_edit"]:
        page = as_commissioner.get(url)
        assert page.soup.select_one("main form[method=post]") is None, url
        hrefs = {str(link["href"]) for link in page.soup.select("main a[href]")}
        assert not hrefs & set(urls["changing"]), hrefs
    assert "A standing forum" in as_commissioner.get(urls["read_or_edit"][0]).text
    assert "Survey" in as_commissioner.get(urls["read_or_edit"][1]).text
    for url in urls["changing"]:
        as_commissioner.get(url, status=404)
        as_commissioner.post(url, {}, status=404)
    for url in urls["read_or_edit"]:
        as_commissioner.post(url, {"answer_legacy": "x", "rank_1": "1"}, status=404)
    with app.app_context():
        assert db.session.scalars(select(ChangeEvent)).first() is None


def test_commissioner_cannot_see_a_draft_audits_step_2(
    app: Flask, as_commissioner: Visitor, cast: Cast
) -> None:
    urls = _records(app, cast.draft.id)
    for url in urls["lists"] + urls["read_or_edit"] + urls["changing"]:
        as_commissioner.get(url, status=404)


def test_signed_out_visitors_are_sent_to_sign_in(app: Flask, visitor: Visitor, cast: Cast) -> None:
    urls = _records(app, cast.draft.id)
    for url in urls["lists"] + urls["read_or_edit"] + urls["changing"]:
        page = visitor.get(url, status=302)
        assert "/sign-in" in page.response.location


def test_every_step_2_page_has_a_back_link_caption_and_one_heading(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    urls = _records(app, cast.draft.id)
    for url in urls["lists"] + urls["read_or_edit"] + urls["changing"]:
        page = as_lead.get(url)
        assert len(page.soup.find_all("h1")) == 1, url
        back = page.soup.select_one(".govuk-back-link")
        assert back is not None and back["href"].endswith(f"/audits/{cast.draft.id}"), url
        assert page.soup.select_one(".govuk-caption-l").get_text(strip=True) == cast.draft.title
        for fieldset in page.soup.select("fieldset"):
            legend = fieldset.select_one("legend")
            assert legend is not None and legend.get_text(strip=True), url
        for table in page.soup.select("table"):
            region = table.find_parent("div", class_="app-table-scroll")
            assert region is not None and region["role"] == "region" and region["aria-label"]
