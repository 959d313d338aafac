"""Nothing typed is ever lost: the cases seen in issue #17 §3.

- A judgement refused as stale can be saved from the conflict page ("keep mine"),
  on the rating cells and the Appendix A checklist cells.
- An action keeps all its leads (seed 001 has an action with four) through a save.
- An action's whole dated history of progress updates is shown: on its page,
  in the report and in a table of all updates.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, ChecklistJudgement, Rating, User
from audit_app.models.plan import Action
from audit_app.services import plan as step4
from audit_app.services.changes import Change, save
from tests.visit import Visitor
from tests.web.conftest import Cast

# Seed 001, "Carer training": four leads (post / organisation).
FOUR_LEADS = [
    {"post": "Training lead", "organisation": "Carers' Federation"},
    {"post": "Partnership manager", "organisation": "Nottinghamshire County Health Partnerships"},
    {"post": "Commissioning officer", "organisation": "NCC commissioning team"},
    {"post": "Work coach", "organisation": "Job Centre Plus"},
]


def _someone_else_saves(app: Flask, audit_id: int, model: type, values: dict[str, str]) -> None:
    with app.app_context():
        record = db.session.scalar(select(model).where(model.audit_id == audit_id))
        audit = db.session.get(Audit, audit_id)
        other = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        save(Change(audit, record, values, "rating", "cell", record.version), other)


def _stored(app: Flask, model: type, audit_id: int, field: str) -> str:
    with app.app_context():
        record = db.session.scalar(select(model).where(model.audit_id == audit_id))
        return str(getattr(record, field))


@pytest.mark.parametrize(
    ("path", "model", "first", "theirs", "mine"),
    [
        ("ratings/breaks/dementia", Rating, {"rag": "amber", "maturity": "early"}, "green", "red"),
        (
            "checklist/1a/dementia",
            ChecklistJudgement,
            {"status": "in_place", "indicator": "amber"},
            "not_in_place",
            "partly",
        ),
    ],
)
def test_a_stale_judgement_saved_again_from_the_conflict_page_lands(
    app: Flask,
    as_lead: Visitor,
    cast: Cast,
    path: str,
    model: type,
    first: dict[str, str],
    theirs: str,
    mine: str,
) -> None:
    url = f"/audits/{cast.dementia.id}/{path}"
    field = next(iter(first))
    as_lead.submit(as_lead.get(url), changes={**first, "rationale": "First"})
    loaded = as_lead.get(url)
    _someone_else_saves(app, cast.dementia.id, model, {field: theirs})
    conflict = as_lead.submit(loaded, changes={field: mine, "rationale": "Mine"}, status=200)
    assert any("Someone else saved this judgement" in m for m in conflict.error_summary())
    assert _stored(app, model, cast.dementia.id, field) == theirs
    # Keep mine: the conflict page's form, as it stands, saves what was typed.
    as_lead.submit(conflict)
    assert _stored(app, model, cast.dementia.id, field) == mine
    assert _stored(app, model, cast.dementia.id, "rationale") == "Mine"


def _action(app: Flask, audit_id: int, **values: object) -> int:
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        lead = db.session.scalar(select(User).where(User.email == "lead@example.org"))
        fields = {name: None for name in step4.ACTION.fields}
        fields.update(
            {"leads": [], "interventions": [], "sub_outcomes": [], "groups": [], **values}
        )
        record = step4.save(step4.ACTION, audit, None, fields, None, lead)
        return int(record.id)


def test_an_action_with_four_leads_keeps_all_four_through_a_save(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    action_id = _action(app, cast.dementia.id, description="Carer training", leads=FOUR_LEADS)
    url = f"/audits/{cast.dementia.id}/plan/actions/{action_id}"
    as_lead.submit(as_lead.get(url))
    with app.app_context():
        assert db.session.get(Action, action_id).leads == FOUR_LEADS  # type: ignore[union-attr]


def test_add_another_lead_keeps_what_was_typed_and_saves_a_fifth(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    action_id = _action(app, cast.dementia.id, description="Carer training", leads=FOUR_LEADS)
    url = f"/audits/{cast.dementia.id}/plan/actions/{action_id}"
    typed = {"target_measure": "Typed before adding a lead"}
    grown = as_lead.submit(as_lead.get(url), changes=typed, button="add_lead", status=200)
    assert grown.value("target_measure") == "Typed before adding a lead"
    assert grown.value("leads-3-post") == "Work coach"
    assert grown.value("leads-4-post") == ""
    as_lead.submit(grown, changes={"leads-4-post": "Carers' champion"})
    with app.app_context():
        record = db.session.get(Action, action_id)
        assert record is not None
        assert [lead["post"] for lead in record.leads][-2:] == ["Work coach", "Carers' champion"]
        assert record.target_measure == "Typed before adding a lead"


def _history(app: Flask, audit_id: int) -> int:
    action_id = _action(app, audit_id, description="Roll out the carers' card")
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        action = db.session.get(Action, action_id)
        lead = db.session.scalar(select(User).where(User.email == "lead@example.org"))
        for on, rag, text in [
            (date(2025, 12, 1), "green_amber", "Update – December 2025: design agreed late"),
            (date(2026, 3, 1), "red_amber", "Update – March 2026: printer contract delayed"),
            (date(2026, 6, 1), "green", "Update – June 2026: cards issued"),
        ]:
            step4.add_update(audit, action, on, rag, text, lead)  # type: ignore[arg-type]
    return action_id


EARLIER = ["design agreed late", "printer contract delayed"]


def test_the_action_page_shows_every_dated_update(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    action_id = _history(app, cast.dementia.id)
    page = as_partner.get(f"/audits/{cast.dementia.id}/plan/actions/{action_id}/progress")
    rows = [row.get_text(" ", strip=True) for row in page.soup.select("#progress-history tbody tr")]
    assert [row.split(" ")[0:3] for row in rows] == [
        ["1", "June", "2026"],
        ["1", "March", "2026"],
        ["1", "December", "2025"],
    ]
    assert "Red amber" in rows[1] and "Green amber" in rows[2]
    plan = as_partner.get(f"/audits/{cast.dementia.id}/plan")
    assert plan.soup.select_one(
        f'a[href="/audits/{cast.dementia.id}/plan/actions/{action_id}/progress"]'
    )


def test_the_report_and_the_updates_table_show_every_dated_update(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _history(app, cast.dementia.id)
    report = as_lead.get(f"/audits/{cast.dementia.id}/exports/report")
    for text in EARLIER:
        assert text in report.text
    response = as_lead.client.get(f"/audits/{cast.dementia.id}/exports/csv/action_updates.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Action", "Date of update", "Progress", "Commentary"]
    assert [row[2] for row in rows[1:]] == ["Green amber", "Red amber", "Green"]
    assert all(any(text in row[3] for row in rows) for text in EARLIER)
    from openpyxl import load_workbook

    book = as_lead.client.get(f"/audits/{cast.dementia.id}/exports/tables.xlsx").data
    sheet = load_workbook(io.BytesIO(book))["Progress updates"]
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Green amber",
        "Red amber",
        "Green",
    ]


@pytest.mark.parametrize(
    ("path", "model", "cell", "first", "theirs", "mine"),
    [
        ("ratings", Rating, "breaks-dementia", {"rag": "amber"}, "green", "red"),
        (
            "checklist",
            ChecklistJudgement,
            "1a-dementia",
            {"status": "partly"},
            "in_place",
            "not_known",
        ),
    ],
)
def test_a_grid_cell_changed_meanwhile_is_shown_again_as_typed_and_saving_keeps_it(
    app: Flask,
    as_lead: Visitor,
    cast: Cast,
    path: str,
    model: type,
    cell: str,
    first: dict[str, str],
    theirs: str,
    mine: str,
) -> None:
    url = f"/audits/{cast.dementia.id}/{path}"
    field = next(iter(first))
    as_lead.submit(as_lead.get(url), changes={f"{field}-{cell}": first[field]})
    loaded = as_lead.get(url)
    _someone_else_saves(app, cast.dementia.id, model, {field: theirs})
    conflict = as_lead.submit(loaded, changes={f"{field}-{cell}": mine}, status=200)
    assert "changed by someone else" in conflict.text and "by Admin" in conflict.text
    assert conflict.value(f"{field}-{cell}") == mine  # what was typed is on the page
    assert _stored(app, model, cast.dementia.id, field) == theirs
    as_lead.submit(conflict)  # keep mine
    assert _stored(app, model, cast.dementia.id, field) == mine


def test_a_stale_evidence_decision_keeps_the_comments_typed_and_confirming_again_lands(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    from audit_app.models import EvidenceReturn
    from tests.web.test_evidence import _create, _submit, _url

    evidence_id = _create(as_partner, cast.draft.id)
    _submit(as_partner, cast.draft.id, evidence_id)
    as_partner.switch("lead@example.org")
    loaded = as_partner.get(_url(cast.draft.id, f"{evidence_id}"))
    with app.app_context():  # someone else changes the return meanwhile
        record = db.session.get(EvidenceReturn, evidence_id)
        audit = db.session.get(Audit, cast.draft.id)
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        save(Change(audit, record, {"satisfaction": "95%"}, "evidence", "x", record.version), admin)
    typed = {"decision": "return", "comments": "Add the caseload figures, please"}
    selector = 'main form[action$="/decision"]'
    conflict = as_partner.submit(loaded, selector, changes=typed, status=200)
    assert "Someone else changed this evidence return" in conflict.text
    assert "saved by Admin" in conflict.text
    assert conflict.value("comments") == "Add the caseload figures, please"
    as_partner.submit(conflict, selector)
    with app.app_context():
        record = db.session.get(EvidenceReturn, evidence_id)
        assert record is not None and record.status == "returned"
        assert record.lead_comments == "Add the caseload figures, please"


def test_an_imported_action_keeps_its_four_leads_through_the_form(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    from tests.web.test_exports import _fetch, _import

    _action(app, cast.dementia.id, description="Carer training", leads=FOUR_LEADS)
    exported = _fetch(as_lead, f"/audits/{cast.dementia.id}/exports/audit.json").data
    with app.app_context():
        area_id = db.session.get(Audit, cast.dementia.id).area_id  # type: ignore[union-attr]
    page = _import(as_lead, exported, area_id, "Imported with four leads")
    new_id = int(page.response.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        action_id = db.session.scalar(select(Action.id).where(Action.audit_id == new_id))
    url = f"/audits/{new_id}/plan/actions/{action_id}"
    form = as_lead.get(url)
    assert [form.value(f"leads-{n}-post") for n in range(4)] == [
        lead["post"] for lead in FOUR_LEADS
    ]
    as_lead.submit(form)
    with app.app_context():
        assert db.session.get(Action, action_id).leads == FOUR_LEADS  # type: ignore[union-attr]


def test_removing_a_lead_keeps_the_others_and_what_was_typed(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    action_id = _action(app, cast.dementia.id, description="Carer training", leads=FOUR_LEADS)
    url = f"/audits/{cast.dementia.id}/plan/actions/{action_id}"
    form = as_lead.get(url)
    typed = {"capacity": "Typed before removing"}
    shorter = as_lead.submit(form, changes=typed, button="remove_lead=1", status=200)
    assert [shorter.value(f"leads-{n}-post") for n in range(4)] == [
        "Training lead",
        "Commissioning officer",
        "Work coach",
        None,
    ]
    assert shorter.value("capacity") == "Typed before removing"
    with app.app_context():  # nothing is saved until Save is pressed
        assert db.session.get(Action, action_id).leads == FOUR_LEADS  # type: ignore[union-attr]
    as_lead.submit(shorter)
    with app.app_context():
        record = db.session.get(Action, action_id)
        assert record is not None
        assert record.leads == [FOUR_LEADS[0], *FOUR_LEADS[2:]]
        assert record.capacity == "Typed before removing"
