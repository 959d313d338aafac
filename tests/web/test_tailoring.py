"""Tailoring an audit's framework: local groups and interventions, renaming and
removing, with the history kept."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, ChangeEvent, Rating
from tests.visit import Visitor
from tests.web.conftest import Cast

HOSTILE = "<script>alert('x')</script>"


def _audit(app: Flask, audit_id: int) -> Audit:
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        assert audit is not None
        db.session.expunge(audit)
        return audit


def _changes(visitor: Visitor, url: str) -> str:
    value = visitor.get(url).soup.select_one('input[name="changes"]')["value"]
    return str(value)


def test_lead_adds_a_local_intervention_which_the_grid_then_offers(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.dementia.id}/framework/interventions/new"
    form = {
        "name": "Dementia cafés",
        "outcomes": ["2", "3"],
        "reason": "Peer support lets carers keep a life of their own.",
        "changes": _changes(as_lead, url),
    }
    as_lead.post(url, form)
    page = as_lead.get(f"/audits/{cast.dementia.id}/framework/")
    row = page.soup.select_one("#interventions").get_text(" ", strip=True)
    assert "Dementia cafés Local" in row
    assert "Dementia cafés" in as_lead.get(f"/audits/{cast.dementia.id}/ratings").text
    as_lead.post(
        f"/audits/{cast.dementia.id}/ratings/dementia_caf_s/dementia",
        {"rag": "green", "maturity": "early", "version": ""},
    )
    with app.app_context():
        assert db.session.scalar(select(Rating.intervention)) == "dementia_caf_s"
        event = db.session.scalar(select(ChangeEvent).where(ChangeEvent.entity == "framework"))
        assert event is not None and "Dementia cafés" in event.new["detail"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the name of the intervention"),
        ({"name": "x" * 151}, "The name must be 150 characters or fewer"),
        ({"name": "Breaks"}, "There is already an intervention called 'Breaks'."),
        ({"outcomes": []}, "Choose at least one outcome"),
        ({"outcomes": ["99"]}, "Choose outcomes from the list"),
        ({"reason": ""}, "Say why it contributes to these outcomes"),
    ],
)
def test_local_intervention_form_rejects_bad_input(
    as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    url = f"/audits/{cast.draft.id}/framework/interventions/new"
    form: dict[str, object] = {
        "name": "Dementia cafés",
        "outcomes": ["2"],
        "reason": "Peer support.",
        "changes": "0",
        **changes,
    }
    page = as_lead.post(url, form, status=200)
    assert [text.lower() for text in page.error_summary()] == [message.lower()]
    assert page.value("reason") == form["reason"]


def test_lead_adds_a_local_group_into_the_audit_scope(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.dementia.id}/framework/groups/new"
    as_lead.post(
        url,
        {
            "name": "Carers from the Polish community",
            "dimension": "community",
            "parent": "",
            "in_scope": "y",
            "changes": _changes(as_lead, url),
        },
    )
    audit = _audit(app, cast.dementia.id)
    assert audit.scope == ["dementia", "carers_from_the_polish_community"]
    grid = as_lead.get(f"/audits/{cast.dementia.id}/ratings")
    assert "Carers from the Polish community" in grid.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the name of the group"),
        ({"dimension": ""}, "dimension", "Choose how the group is defined"),
        ({"dimension": "shoe_size"}, "dimension", "Choose how the group is defined from the list"),
        ({"parent": "nobody"}, "parent", "Choose a wider group from the list"),
        (
            {"parent": "older_people", "dimension": "community"},
            "parent",
            "Choose ‘None’, or a wider group that is also defined by commonly overlooked "
            "groups and communities, such as ‘",
        ),
    ],
)
def test_local_group_form_rejects_bad_input(
    as_lead: Visitor, cast: Cast, changes: dict[str, str], field: str, message: str
) -> None:
    form = {"name": HOSTILE, "dimension": "community", "parent": "", "changes": "0", **changes}
    page = as_lead.post(f"/audits/{cast.draft.id}/framework/groups/new", form, status=200)
    assert page.error_summary()[0].startswith(message)
    assert page.value("name") == form["name"]


def test_removing_a_rated_intervention_warns_and_keeps_its_ratings(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    audit_id = cast.dementia.id
    as_lead.post(
        f"/audits/{audit_id}/ratings/breaks/dementia",
        {"rag": "red", "maturity": "early", "rationale": "No evening cover", "version": ""},
    )
    url = f"/audits/{audit_id}/framework/interventions/breaks/remove"
    page = as_lead.get(url)
    assert "This intervention has 1 rating" in page.text
    as_lead.post(url, {"changes": page.value("changes")})
    page = as_lead.get(f"/audits/{audit_id}/framework/")
    names = [th.get_text(" ", strip=True) for th in page.soup.select("#interventions tbody th")]
    assert "Breaks" not in names and len(names) == 16
    assert "Removed 'Breaks'." in page.soup.select_one("#changes").get_text()
    as_lead.get(f"/audits/{audit_id}/ratings/breaks/dementia", status=404)
    with app.app_context():
        assert db.session.scalar(select(Rating.rag)) == "red"  # kept, not deleted
        event = db.session.scalar(select(ChangeEvent).where(ChangeEvent.entity == "framework"))
        assert event is not None
        assert event.old == {
            "ratings": [
                {
                    "group": "dementia",
                    "rag": "red",
                    "maturity": "early",
                    "rationale": "No evening cover",
                }
            ]
        }


def test_a_tailoring_change_made_meanwhile_is_not_overwritten(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    rename = f"/audits/{cast.draft.id}/framework/interventions/breaks/rename"
    stale = _changes(as_lead, rename)
    as_lead.post(rename, {"name": "Short breaks", "changes": stale})
    page = as_lead.post(rename, {"name": "Respite", "changes": stale}, status=200)
    assert page.error_summary() == [
        "Someone else changed the framework while you were editing. "
        "Their change is shown; save again to make yours as well, or keep theirs."
    ]
    assert page.value("name") == "Respite"
    framework = _audit(app, cast.draft.id).framework
    names = [i["name"] for i in framework["interventions"]]
    assert "Short breaks" in names and "Respite" not in names


def test_only_the_lead_tailors_and_only_a_draft(as_partner: Visitor, cast: Cast) -> None:
    page = as_partner.get(f"/audits/{cast.draft.id}/framework/")
    assert "Add a local intervention" not in page.text
    as_partner.get(f"/audits/{cast.draft.id}/framework/interventions/new", status=404)
    as_partner.post(
        f"/audits/{cast.draft.id}/framework/interventions/breaks/remove",
        {"changes": "0"},
        status=404,
    )
    as_partner.sign_out()
    as_partner.sign_in("lead@example.org")
    as_partner.get(f"/audits/{cast.draft.id}/framework/interventions/nothing/rename", status=404)
    assert "Add a local" not in as_partner.get(f"/audits/{cast.published.id}/framework/").text
    as_partner.post(
        f"/audits/{cast.published.id}/framework/interventions/breaks/remove",
        {"changes": "0"},
        status=409,
    )
    as_partner.sign_out()
    as_partner.sign_in("lead@southshire.example.org")
    as_partner.get(f"/audits/{cast.draft.id}/framework/", status=404)
