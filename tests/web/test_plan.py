"""Step 4 of an audit: priorities agreed with carers and the action plan."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, ChangeEvent, User
from audit_app.models.plan import (
    Action,
    ActionPlan,
    ActionUpdate,
    FundingContribution,
    Objective,
    Priority,
)
from audit_app.services import changes
from tests.visit import Visitor, assert_error
from tests.web.conftest import Cast, trail

HOSTILE = "<script>alert('x')</script> Robert'); DROP TABLE action;--"
TODAY = date.today()


def _date(name: str, when: date | None) -> dict[str, str]:
    if when is None:
        return {name: ["", "", ""]}  # type: ignore[dict-item]
    return {name: [str(when.day), str(when.month), str(when.year)]}  # type: ignore[dict-item]


# Forms as a browser would send them.


def _priority(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "rank": "1",
        "title": "More short breaks for carers of people with dementia",
        "description": "A sitting service at evenings and weekends.",
        "carers_said": "We never get an evening off.",
        "outcomes": ["2", "4"],
    }
    form.update(changes)
    return form


def _objective(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {"title": "Carers are identified early", "position": ""}
    form.update(changes)
    return form


def _action(objective_id: int | str = "", **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "objective_id": str(objective_id),
        "description": "Train GP receptionists to identify carers",
        "target_measure": "40 practices trained",
        **_date("due_by", date(2027, 3, 31)),
        "timescale": "Quarter 4 2026/27",
        "leads-0-post": "Carers lead",
        "leads-0-organisation": "Northshire County Council",
        "leads-1-post": "Primary care manager",
        "leads-1-organisation": "Northshire ICB",
        "leads-2-post": "",
        "leads-2-organisation": "",
        "capacity": "Two days a month of the carers lead's time",
        "service": "Northshire Carers Centre",
        "interventions": ["advocacy"],
        "sub_outcomes": ["1a"],
        "groups": ["dementia"],
        "kind_of_change": "internal_change",
        "commissioning_route": "grant_giving",
    }
    form.update(changes)
    return form


def _update(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        **_date("on", date.today()),  # on the day it is sent, not the day the tests began
        "rag": "green_amber",
        "commentary": "Update – December: 12 practices trained so far.",
    }
    form.update(changes)
    return form


def _funding(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "partner": "Northshire ICB",
        "amount": "25000",
        "breaks_share": "40",
        "notes": "Carers' breaks money",
    }
    form.update(changes)
    return form


def _make(app: Flask, model: type, audit_id: int, **values: Any) -> int:
    defaults: dict[type, dict[str, Any]] = {
        Priority: {"rank": 1, "title": "Better information", "outcomes": []},
        Objective: {"position": 1, "title": "Carers are valued"},
        Action: {"description": "Run a carers' week", "leads": [{"post": "Carers lead"}]},
        FundingContribution: {"partner": "Northshire Council", "amount": Decimal("1000")},
    }
    with app.app_context():
        record = model(audit_id=audit_id, **{**defaults[model], **values})
        db.session.add(record)
        audit = db.session.get(Audit, audit_id)
        assert audit is not None
        changes.bump_revision(audit)  # as the app's writes do: the plan is kept per revision
        db.session.commit()
        return int(record.id)


def _revision(app: Flask, audit_id: int) -> int:
    with app.app_context():
        return int(db.session.get(Audit, audit_id).revision or 0)


# Building a plan.


def test_lead_builds_an_action_plan(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    base = f"/audits/{cast.draft.id}/plan"
    empty = as_lead.get(base)
    assert empty.h1 == "Action plan"
    assert "No objectives or actions yet" in empty.text

    as_lead.post(
        f"{base}/header",
        {"strategic_outcomes": "Carers have a life of their own", "key_risks": "Budget cuts"},
    )
    as_lead.post(f"{base}/objectives/new", _objective())
    with app.app_context():
        objective = db.session.scalars(select(Objective)).one()
        assert objective.position == 1
        objective_id = objective.id
    form = as_lead.get(f"{base}/actions/new?objective={objective_id}")
    assert form.value("objective_id") == str(objective_id)
    as_lead.post(f"{base}/actions/new", _action(objective_id))
    with app.app_context():
        action = db.session.scalars(select(Action)).one()
        assert action.leads == [
            {"post": "Carers lead", "organisation": "Northshire County Council"},
            {"post": "Primary care manager", "organisation": "Northshire ICB"},
        ]
        assert action.due_by == date(2027, 3, 31)
        assert action.interventions == ["advocacy"]
        assert action.kind_of_change == "internal_change"
        assert action.commissioning_route == "grant_giving"
        action_id = action.id
    before = _revision(app, cast.draft.id)
    as_lead.post(f"{base}/actions/{action_id}/updates/new", _update())
    assert _revision(app, cast.draft.id) == before + 1
    as_lead.post(f"{base}/funding/new", _funding())
    as_lead.post(
        f"{base}/funding/new",
        _funding(partner="Northshire Council", amount="10000.50", breaks_share=""),
    )

    page = as_lead.get(base)
    header = page.soup.select_one("#plan-header").get_text(" ", strip=True)
    assert "Carers have a life of their own" in header and "Budget cuts" in header
    section = page.soup.select_one(f"#objective-{objective_id}")
    assert "Carers are identified early" in section.get_text(" ", strip=True)
    row = page.soup.select_one(f"#action-{action_id}").get_text(" ", strip=True)
    for shown in (
        "Train GP receptionists to identify carers",
        "40 practices trained",
        "31 March 2027",
        "Quarter 4 2026/27",
        "Carers lead, Northshire County Council",
        "Primary care manager, Northshire ICB",
        "Two days a month",
        "Green amber",
        "12 practices trained",
    ):
        assert shown in row, shown
    tag = page.soup.select_one(f"#action-{action_id} .govuk-tag")
    assert tag.get_text(strip=True) == "Green amber" and "govuk-tag--yellow" in tag["class"]
    assert page.soup.select_one("#funding-total").get_text(strip=True) == "£35,000.50"
    assert "£10,000.00" in page.soup.select_one("#breaks-total").get_text(strip=True)
    funding = page.soup.select_one("#funding").get_text(" ", strip=True)
    assert "40%" in funding and "Not known" in funding
    for table in page.soup.select("table"):
        region = table.find_parent("div", class_="app-table-scroll")
        assert region is not None and region["role"] == "region" and region["aria-label"]

    # The trail names every record.
    assert [e[0] for e in trail(app, "action plan")] == ["created"]
    assert [e[0] for e in trail(app, "objective")] == ["created"]
    action_trail = trail(app, "action")
    assert [e[0] for e in action_trail] == ["created", "changed"]
    assert action_trail[1][3] == {
        "update": {
            "on": TODAY.isoformat(),
            "rag": "green_amber",
            "commentary": "Update – December: 12 practices trained so far.",
        }
    }
    assert [e[0] for e in trail(app, "funding")] == ["created", "created"]


def test_progress_summary_reflects_the_latest_updates(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/plan"
    met = _make(app, Action, cast.draft.id, description="Carers' week", due_by=date(2020, 1, 1))
    late = _make(app, Action, cast.draft.id, description="Open a café", due_by=date(2020, 1, 1))
    _make(app, Action, cast.draft.id, description="Write a strategy")  # never updated
    later = _make(app, Action, cast.draft.id, description="Train staff")
    as_lead.post(
        f"{base}/actions/{met}/updates/new", _update(rag="red", **_date("on", date(2025, 1, 1)))
    )
    as_lead.post(
        f"{base}/actions/{met}/updates/new", _update(rag="green", **_date("on", date(2025, 6, 1)))
    )
    as_lead.post(f"{base}/actions/{late}/updates/new", _update(rag="red_amber"))
    as_lead.post(f"{base}/actions/{later}/updates/new", _update(rag="green"))
    page = as_lead.get(base)

    def cell(rag: str) -> str:
        return page.soup.select_one(f"#progress-{rag}").get_text(strip=True)

    assert cell("green") == "50% (2)"
    assert cell("red_amber") == "25% (1)"
    assert cell("red") == "0% (0)"
    assert cell("green_amber") == "0% (0)"
    assert cell("not_rated") == "1"
    overdue = page.soup.select_one("#overdue-list").get_text(" ", strip=True)
    assert "Open a café" in overdue
    assert "Carers' week" not in overdue and "Write a strategy" not in overdue
    assert page.soup.select_one(f"#action-{met} .govuk-tag").get_text(strip=True) == "Green"


def test_an_action_due_today_is_overdue_on_the_plan_tomorrow(
    app: Flask, as_lead: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = f"/audits/{cast.draft.id}/plan"
    _make(app, Action, cast.draft.id, description="Open a café", due_by=date.today())
    assert as_lead.get(base).soup.select_one("#overdue-list") is None

    class Tomorrow(date):
        @classmethod
        def today(cls) -> date:
            return date.today() + timedelta(days=1)

    monkeypatch.setattr("audit_app.plan.views.date", Tomorrow)
    overdue = as_lead.get(base).soup.select_one("#overdue-list")
    assert overdue is not None
    assert "Open a café" in overdue.get_text(" ", strip=True)


def test_lead_adds_changes_and_deletes_priorities(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    base = f"/audits/{cast.draft.id}/plan/priorities"
    assert "The method asks for 3 priority changes" in as_lead.get(base).text
    as_lead.post(f"{base}/new", _priority())
    as_lead.post(f"{base}/new", _priority(rank="2", title="Carers' assessments on time"))
    page = as_lead.get(base)
    assert page.soup.select_one("#priority-count-hint") is not None
    rows = [r.get_text(" ", strip=True) for r in page.soup.select("#priorities tbody tr")]
    assert rows[0].startswith("1 More short breaks") and "We never get an evening off" in rows[0]
    assert "A life of their own" in rows[0]
    as_lead.post(f"{base}/new", _priority(rank="3", title="Information in GP surgeries"))
    assert as_lead.get(base).soup.select_one("#priority-count-hint") is None
    with app.app_context():
        first = db.session.scalars(select(Priority).filter_by(rank=1)).one()
        first_id, version = first.id, first.version
    edit = as_lead.get(f"{base}/{first_id}")
    assert edit.value("rank") == "1"
    as_lead.post(f"{base}/{first_id}", _priority(rank="1", title="Breaks", version=str(version)))
    with app.app_context():
        assert db.session.get(Priority, first_id).title == "Breaks"
    confirm = as_lead.get(f"{base}/{first_id}/delete")
    assert "Are you sure" in confirm.h1
    as_lead.post(f"{base}/{first_id}/delete", {})
    with app.app_context():
        assert db.session.get(Priority, first_id) is None
    assert [e[0] for e in trail(app, "priority")] == [
        "created",
        "created",
        "created",
        "changed",
        "removed",
    ]
    assert "You have 2 priorities" in as_lead.get(base).text


def test_lead_changes_and_deletes_objectives_actions_and_funding(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/plan"
    objective_id = _make(app, Objective, cast.draft.id)
    action_id = _make(app, Action, cast.draft.id, objective_id=objective_id)
    funding_id = _make(app, FundingContribution, cast.draft.id)
    form = as_lead.get(f"{base}/actions/{action_id}")
    assert form.value("objective_id") == str(objective_id)
    assert form.value("leads-0-post") == "Carers lead"
    as_lead.post(
        f"{base}/actions/{action_id}",
        _action(
            objective_id, description="Run a bigger carers' week", version=form.value("version")
        ),
    )
    funding_form = as_lead.get(f"{base}/funding/{funding_id}")
    assert funding_form.value("amount") == "1000"
    as_lead.post(
        f"{base}/funding/{funding_id}",
        _funding(amount="1500", version=funding_form.value("version")),
    )
    objective_form = as_lead.get(f"{base}/objectives/{objective_id}")
    as_lead.post(
        f"{base}/objectives/{objective_id}",
        _objective(title="Carers are valued and heard", version=objective_form.value("version")),
    )
    with app.app_context():
        assert db.session.get(Action, action_id).description == "Run a bigger carers' week"
        assert db.session.get(FundingContribution, funding_id).amount == Decimal("1500")
        assert db.session.get(Objective, objective_id).title == "Carers are valued and heard"
    # Deleting the objective keeps its actions, not under an objective.
    as_lead.post(f"{base}/objectives/{objective_id}/delete", {})
    page = as_lead.get(base)
    assert "Run a bigger carers' week" in page.soup.select_one("#unfiled").get_text()
    as_lead.post(f"{base}/actions/{action_id}/updates/new", _update())
    as_lead.post(f"{base}/actions/{action_id}/delete", {})
    as_lead.post(f"{base}/funding/{funding_id}/delete", {})
    with app.app_context():
        assert db.session.get(Action, action_id) is None
        assert db.session.scalars(select(ActionUpdate)).first() is None
        assert db.session.get(FundingContribution, funding_id) is None
    for entity in ("objective", "action", "funding"):
        assert trail(app, entity)[-1][0] == "removed", entity


# Bad input, per form.


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rank": ""}, "Enter the priority's rank"),
        ({"rank": "0"}, "Rank must be a whole number from 1 to 9"),
        ({"rank": "10"}, "Rank must be a whole number from 1 to 9"),
        ({"rank": "1.5"}, "Rank must be a whole number from 1 to 9"),
        ({"rank": "2"}, "Another priority is already ranked 2"),
        ({"title": ""}, "Enter the priority change"),
        ({"title": "x" * 10_000}, "Priority change must be 200 characters or fewer"),
        ({"carers_said": "x" * 10_000}, "What carers said must be 5,000 characters or fewer"),
        ({"outcomes": ["2", "99"]}, "Choose outcomes from the list"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_priority_form_rejects_bad_input(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    _make(app, Priority, cast.draft.id, rank=2)
    form = _priority(**changes)
    page = as_lead.post(f"/audits/{cast.draft.id}/plan/priorities/new", form, status=200)
    assert_error(page, message)
    if "title" not in changes:
        assert page.value("title") == form["title"]
    with app.app_context():
        assert len(db.session.scalars(select(Priority)).all()) == 1


def test_a_priority_keeps_its_own_rank_when_changed(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    priority_id = _make(app, Priority, cast.draft.id, rank=2)
    url = f"/audits/{cast.draft.id}/plan/priorities/{priority_id}"
    as_lead.post(url, _priority(rank="2", version="1"))
    with app.app_context():
        assert db.session.get(Priority, priority_id).rank == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"description": ""}, "Enter the action"),
        ({"description": "x" * 10_000}, "Action must be 5,000 characters or fewer"),
        ({"leads-0-post": "", "leads-1-post": ""}, "Enter the post of at least one lead"),
        ({"leads-1-post": ""}, "Enter the post of lead 2, or remove its organisation"),
        ({"leads-0-post": "x" * 10_000}, "Post of lead 1 must be 200 characters or fewer"),
        ({"timescale": "x" * 10_000}, "Timescale must be 200 characters or fewer"),
        ({"due_by": ["31", "2", "2027"]}, "The date it is due by must be a real date"),
        ({"due_by": ["1", "", "2027"]}, "The date it is due by must include a month"),
        ({"due_by": ["a", "b", "c"]}, "The date it is due by must be a real date"),
        ({"interventions": ["advocacy", "martians"]}, "Choose interventions from the list"),
        ({"sub_outcomes": ["<script>"]}, "Choose sub-outcomes from the list"),
        ({"groups": ["martians"]}, "Choose carer groups from the list"),
        ({"kind_of_change": "revolution"}, "Choose a kind of change from the list"),
        ({"commissioning_route": "bribery"}, "Choose a commissioning route from the list"),
        ({"objective_id": "abc"}, "Choose an objective from the list"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_action_form_rejects_bad_input(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    objective_id = _make(app, Objective, cast.draft.id)
    form = {**_action(objective_id), **changes}
    page = as_lead.post(f"/audits/{cast.draft.id}/plan/actions/new", form, status=200)
    assert_error(page, message)
    if "description" not in changes:
        assert page.value("description") == form["description"]
    if "leads-0-post" not in changes:
        assert page.value("leads-0-post") == form["leads-0-post"]
    with app.app_context():
        assert db.session.scalars(select(Action)).first() is None


def test_an_objective_from_another_audit_cannot_be_chosen(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    theirs = _make(app, Objective, cast.other_area_audit.id)
    page = as_lead.post(f"/audits/{cast.draft.id}/plan/actions/new", _action(theirs), status=200)
    assert_error(page, "Choose an objective from the list")
    with app.app_context():
        assert db.session.scalars(select(Action)).first() is None


def test_optional_action_fields_may_be_left_empty(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    form = _action(
        "",
        target_measure="",
        timescale="",
        **{"leads-0-organisation": ""},
        **{"leads-1-post": ""},
        **{"leads-1-organisation": ""},
        capacity="",
        service="",
        interventions=[],
        sub_outcomes=[],
        groups=[],
        **_date("due_by", None),
    )
    del form["kind_of_change"], form["commissioning_route"]
    as_lead.post(f"/audits/{cast.draft.id}/plan/actions/new", form)
    with app.app_context():
        action = db.session.scalars(select(Action)).one()
        assert action.objective_id is None and action.due_by is None
        assert action.leads == [{"post": "Carers lead", "organisation": None}]
        assert action.kind_of_change is None and action.commissioning_route is None
    assert "Actions not under an objective" in as_lead.get(f"/audits/{cast.draft.id}/plan").text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (_date("on", None), "Enter the date of the update"),
        ({"on": "tomorrow"}, "The date of the update must be today or in the past"),
        ({"on": ["30", "2", "2026"]}, "The date of the update must be a real date"),
        ({"rag": ""}, "Choose the progress of the action"),
        ({"rag": "not_rated"}, "Choose the progress of the action from the list"),
        ({"rag": "purple"}, "Choose the progress of the action from the list"),
        ({"commentary": ""}, "Enter a commentary on progress"),
        ({"commentary": "x" * 10_000}, "Commentary must be 5,000 characters or fewer"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_update_form_rejects_bad_input(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    action_id = _make(app, Action, cast.draft.id)
    url = f"/audits/{cast.draft.id}/plan/actions/{action_id}/updates/new"
    if changes.get("on") == "tomorrow":  # the day after the one it is sent on
        changes = _date("on", date.today() + timedelta(days=1))
    page = as_lead.post(url, _update(**changes), status=200)
    assert_error(page, message)
    with app.app_context():
        assert db.session.scalars(select(ActionUpdate)).first() is None
    assert trail(app, "action") == []


def test_update_form_explains_the_four_levels(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    action_id = _make(app, Action, cast.draft.id)
    page = as_lead.get(f"/audits/{cast.draft.id}/plan/actions/{action_id}/updates/new")
    hints = [hint.get_text(strip=True) for hint in page.soup.select(".govuk-radios__hint")]
    assert hints == [
        "Commitment met",
        "Commitment delayed, low impact",
        "Commitment delayed, medium impact",
        "Risk of not delivering, or high impact",
    ]
    labels = [label.get_text(strip=True) for label in page.soup.select(".govuk-radios__label")]
    assert labels == ["Green", "Green amber", "Red amber", "Red"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"partner": ""}, "Enter the partner's name"),
        ({"partner": "x" * 10_000}, "Partner must be 200 characters or fewer"),
        ({"amount": ""}, "Enter the amount"),
        ({"amount": "lots"}, "Amount must be a number, like 25000 or 12500.50"),
        ({"amount": "-5"}, "Amount must be £0 or more"),
        ({"amount": "10.005"}, "Amount must have no more than 2 decimal places"),
        ({"amount": "99999999999"}, "Amount must be less than £10,000,000,000"),
        ({"breaks_share": "150"}, "Share spent on breaks must be between 0 and 100"),
        ({"breaks_share": "-1"}, "Share spent on breaks must be between 0 and 100"),
        ({"breaks_share": "half"}, "Share spent on breaks must be a number, like 40 or 12.5"),
        ({"notes": "x" * 10_000}, "Notes must be 5,000 characters or fewer"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_funding_form_rejects_bad_input(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    form = _funding(**changes)
    page = as_lead.post(f"/audits/{cast.draft.id}/plan/funding/new", form, status=200)
    assert_error(page, message)
    if "amount" not in changes:
        assert page.value("amount") == form["amount"]
    with app.app_context():
        assert db.session.scalars(select(FundingContribution)).first() is None


def test_funding_accepts_pounds_commas_zero_and_a_full_share(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/plan/funding/new"
    as_lead.post(base, _funding(amount="£1,250.50", breaks_share="100"))
    as_lead.post(base, _funding(partner="In kind", amount="0", breaks_share="0"))
    with app.app_context():
        amounts = sorted(row.amount for row in db.session.scalars(select(FundingContribution)))
        assert amounts == [Decimal("0"), Decimal("1250.50")]


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("objectives/new", _objective(title=""), "Enter the objective"),
        (
            "objectives/new",
            _objective(title="x" * 10_000),
            "Objective must be 300 characters or fewer",
        ),
        (
            "objectives/new",
            _objective(position="first"),
            "Order must be a whole number from 0 to 999",
        ),
        (
            "header",
            {"strategic_outcomes": "x" * 10_000, "key_risks": ""},
            "Strategic outcomes sought must be 5,000 characters or fewer",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else None,
)
def test_objective_and_header_forms_reject_bad_input(
    app: Flask, as_lead: Visitor, cast: Cast, path: str, data: dict[str, object], message: str
) -> None:
    page = as_lead.post(f"/audits/{cast.draft.id}/plan/{path}", data, status=200)
    assert_error(page, message)
    with app.app_context():
        assert db.session.scalars(select(Objective)).first() is None
        assert db.session.scalars(select(ActionPlan)).first() is None


def test_hostile_text_is_shown_as_text_never_run(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    base = f"/audits/{cast.draft.id}/plan"
    as_lead.post(f"{base}/header", {"strategic_outcomes": HOSTILE, "key_risks": HOSTILE})
    as_lead.post(f"{base}/objectives/new", _objective(title=HOSTILE))
    as_lead.post(
        f"{base}/actions/new",
        _action(
            description=HOSTILE,
            **{"leads-0-post": HOSTILE},
            capacity=HOSTILE,
            target_measure=HOSTILE,
        ),
    )
    with app.app_context():
        action_id = db.session.scalars(select(Action)).one().id
    as_lead.post(f"{base}/actions/{action_id}/updates/new", _update(commentary=HOSTILE))
    as_lead.post(f"{base}/funding/new", _funding(partner=HOSTILE, notes=HOSTILE))
    as_lead.post(f"{base}/priorities/new", _priority(title=HOSTILE, carers_said=HOSTILE))
    for url in (base, f"{base}/priorities"):
        page = as_lead.get(url)
        assert HOSTILE in page.text
        assert "<script>alert" not in page.response.get_data(as_text=True)
    errors = as_lead.post(
        f"{base}/actions/new",
        _action(description=HOSTILE, **{"leads-0-post": ""}, **{"leads-1-post": ""}),
        status=200,
    )
    assert errors.value("description") == HOSTILE
    assert "<script>alert" not in errors.response.get_data(as_text=True)


# Saving over someone else's change.


def test_a_stale_action_save_shows_both_versions_and_overwrites_nothing(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    action_id = _make(app, Action, cast.draft.id)
    url = f"/audits/{cast.draft.id}/plan/actions/{action_id}"
    loaded = as_lead.get(url).value("version")
    with app.app_context():  # a colleague saves first
        record = db.session.get(Action, action_id)
        colleague = db.session.scalars(select(User).filter_by(email="admin@example.org")).one()
        changes.save(
            changes.Change(
                cast.draft, record, {"description": "Carers' week (colleague)"}, "action", "x", 1
            ),
            colleague,
        )
    mine = _action(description="Carers' week (mine)", version=loaded)
    page = as_lead.post(url, mine, status=200)
    message = "Someone else changed this action while you were editing"
    assert_error(page, message)
    theirs = page.soup.select_one(page.error_links()[message])
    assert "Carers' week (colleague)" in theirs.get_text(" ", strip=True)
    assert page.value("description") == "Carers' week (mine)"
    with app.app_context():
        assert db.session.get(Action, action_id).description == "Carers' week (colleague)"
    as_lead.post(url, {**mine, "version": page.value("version")})
    with app.app_context():
        assert db.session.get(Action, action_id).description == "Carers' week (mine)"


@pytest.mark.parametrize("version", ["", "abc", "999"])
def test_a_missing_or_forged_version_is_treated_as_stale(
    app: Flask, as_lead: Visitor, cast: Cast, version: str
) -> None:
    funding_id = _make(app, FundingContribution, cast.draft.id)
    url = f"/audits/{cast.draft.id}/plan/funding/{funding_id}"
    page = as_lead.post(url, _funding(amount="5", version=version), status=200)
    assert "Someone else changed this funding while you were editing" in page.error_summary()
    with app.app_context():
        assert db.session.get(FundingContribution, funding_id).amount == Decimal("1000")


def test_a_stale_header_save_overwrites_nothing(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.draft.id}/plan/header"
    as_lead.post(url, {"strategic_outcomes": "First", "key_risks": ""})
    loaded = as_lead.get(url).value("version")
    as_lead.post(url, {"strategic_outcomes": "Second", "key_risks": "", "version": loaded})
    page = as_lead.post(
        url, {"strategic_outcomes": "Third", "key_risks": "", "version": loaded}, status=200
    )
    assert "Someone else changed the action plan while you were editing" in page.error_summary()
    with app.app_context():
        assert db.session.scalars(select(ActionPlan)).one().strategic_outcomes == "Second"


# Who may see and do what.


def _records(app: Flask, audit_id: int) -> dict[str, int]:
    objective = _make(app, Objective, audit_id)
    return {
        "priorities": _make(app, Priority, audit_id),
        "objectives": objective,
        "actions": _make(app, Action, audit_id, objective_id=objective),
        "funding": _make(app, FundingContribution, audit_id),
    }


def _urls(audit_id: int, ids: dict[str, int]) -> dict[str, list[str]]:
    base = f"/audits/{audit_id}/plan"
    changing = [f"{base}/header"]
    for path, record_id in ids.items():
        changing += [
            f"{base}/{path}/new",
            f"{base}/{path}/{record_id}",
            f"{base}/{path}/{record_id}/delete",
        ]
    changing.append(f"{base}/actions/{ids['actions']}/updates/new")
    return {"lists": [base, f"{base}/priorities"], "changing": changing}


def test_an_id_from_another_audit_is_not_found(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    theirs = _records(app, cast.other_area_audit.id)
    base = f"/audits/{cast.draft.id}/plan"
    for path, record_id in theirs.items():
        for suffix in ("", "/delete"):
            as_lead.get(f"{base}/{path}/{record_id}{suffix}", status=404)
            as_lead.post(f"{base}/{path}/{record_id}{suffix}", {"version": "1"}, status=404)
        as_lead.get(f"{base}/{path}/999999", status=404)
    as_lead.post(f"{base}/actions/{theirs['actions']}/updates/new", _update(), status=404)
    with app.app_context():
        assert db.session.scalars(select(ActionUpdate)).first() is None
        assert db.session.scalars(select(ChangeEvent)).first() is None


def test_partners_can_view_but_not_change_the_plan(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    for audit in (cast.draft, cast.published):
        urls = _urls(audit.id, _records(app, audit.id))
        for url in urls["lists"]:
            page = as_partner.get(url)
            assert page.h1 in {"Action plan", "Priorities agreed with carers"}
            hrefs = {str(link["href"]) for link in page.soup.select("main a[href]")}
            assert not hrefs & set(urls["changing"]), hrefs
            assert not any("/new" in href for href in hrefs), hrefs
        for url in urls["changing"]:
            as_partner.get(url, status=404)
            as_partner.post(url, {"title": "x", "description": "x", "version": "1"}, status=404)
    with app.app_context():
        assert db.session.scalars(select(ChangeEvent)).first() is None


def test_commissioner_sees_the_published_plan_only(
    app: Flask, as_commissioner: Visitor, cast: Cast
) -> None:
    urls = _urls(cast.published.id, _records(app, cast.published.id))
    for url in urls["lists"]:
        page = as_commissioner.get(url)
        assert page.soup.select_one("table") is not None
        hrefs = {str(link["href"]) for link in page.soup.select("main a[href]")}
        assert not hrefs & set(urls["changing"]), hrefs
    for url in urls["changing"]:
        as_commissioner.get(url, status=404)
        as_commissioner.post(url, {}, status=404)
    drafts = _urls(cast.draft.id, _records(app, cast.draft.id))
    for url in drafts["lists"] + drafts["changing"]:
        as_commissioner.get(url, status=404)


def test_another_areas_lead_cannot_see_the_plan(app: Flask, visitor: Visitor, cast: Cast) -> None:
    visitor.sign_in("lead@southshire.example.org")
    urls = _urls(cast.draft.id, _records(app, cast.draft.id))
    for url in urls["lists"] + urls["changing"]:
        visitor.get(url, status=404)


def test_signed_out_visitors_are_sent_to_sign_in(app: Flask, visitor: Visitor, cast: Cast) -> None:
    urls = _urls(cast.draft.id, _records(app, cast.draft.id))
    for url in urls["lists"] + urls["changing"]:
        page = visitor.get(url, status=302)
        assert "/sign-in" in page.response.location


def test_every_step_4_page_has_a_back_link_caption_and_one_heading(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    urls = _urls(cast.draft.id, _records(app, cast.draft.id))
    for url in urls["lists"] + urls["changing"]:
        page = as_lead.get(url)
        assert len(page.soup.find_all("h1")) == 1, url
        back = page.soup.select_one(".govuk-back-link")
        assert back is not None and back["href"].endswith(f"/audits/{cast.draft.id}"), url
        assert page.soup.select_one(".govuk-caption-l").get_text(strip=True) == cast.draft.title
        for fieldset in page.soup.select("fieldset"):
            legend = fieldset.select_one("legend")
            assert legend is not None and legend.get_text(strip=True), url
        assert not [
            hint for hint in page.soup.select(".govuk-hint") if not hint.get_text(strip=True)
        ], url
