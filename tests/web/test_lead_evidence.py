"""The carers lead cites evidence of their own from a judgement's page.

"Save and add evidence of your own" saves what was typed, opens a new evidence
return, and comes back to the judgement with the new return ticked. The lead's own
return needs no review (they would be its reviewer), so it is accepted at once and
never waits in their attention list; a partner's return still starts as a draft.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, ChecklistJudgement, EvidenceReturn, Rating, User
from audit_app.ratings.forms import ADD_EVIDENCE
from audit_app.services import attention
from tests.visit import Visitor
from tests.web.conftest import Cast
from tests.web.test_evidence import MULTIPART, _form

CELLS = {
    "rating": ("ratings/breaks/dementia", Rating, {"rag": "amber", "maturity": "early"}),
    "checklist": ("checklist/1a/dementia", ChecklistJudgement, {"status": "partly"}),
}


def _judgement(app: Flask, model: type, audit_id: int) -> object:
    with app.app_context():
        found = db.session.scalar(select(model).where(model.audit_id == audit_id))
        assert found is not None
        return found


@pytest.mark.parametrize("kind", sorted(CELLS))
def test_the_lead_saves_writes_own_evidence_and_comes_back_with_it_ticked(
    app: Flask, as_lead: Visitor, cast: Cast, kind: str
) -> None:
    tail, model, grades = CELLS[kind]
    cell = f"/audits/{cast.dementia.id}/{tail}"
    page = as_lead.get(cell)
    assert ADD_EVIDENCE in page.text
    assert "No evidence returns have been submitted yet" in page.text

    # What was typed is saved before the lead leaves the page.
    changes = {**grades, "rationale": "Typed before adding evidence"}
    left = as_lead.submit(page, changes=changes, button="add_evidence")
    target = urlsplit(left.response.location)
    assert target.path == f"/audits/{cast.dementia.id}/evidence/new"
    assert parse_qs(target.query)["next"] == [cell]
    assert _judgement(app, model, cast.dementia.id).rationale == "Typed before adding evidence"  # type: ignore[attr-defined]

    form_page = as_lead.get(left.response.location)
    assert form_page.soup.select_one("#own-evidence") is not None
    ticked = [box["value"] for box in form_page.soup.select('input[name="interventions"][checked]')]
    assert ticked == (["breaks"] if kind == "rating" else [])  # the rating's intervention
    assert form_page.soup.select_one(".govuk-back-link")["href"] == cell  # type: ignore[index]
    back = as_lead.post(
        left.response.location,
        _form(service_name="Council carers' assessments audit", next=cell),
        **MULTIPART,
    )
    with app.app_context():
        record = db.session.scalar(
            select(EvidenceReturn).where(
                EvidenceReturn.service_name == "Council carers' assessments audit"
            )
        )
        assert record is not None and record.status == "accepted"
        assert record.submitted_at is not None and record.decided_at is not None
        own_id = record.id
    assert back.response.location == f"{cell}?cite={own_id}#evidence"

    returned = as_lead.get(back.response.location)
    assert "is saved and ticked below" in returned.text
    box = returned.soup.select_one(f'input[name="evidence"][value="{own_id}"]')
    assert box is not None and box.has_attr("checked")
    assert returned.value("rationale") == "Typed before adding evidence"

    as_lead.submit(returned, button="submit")
    with app.app_context():
        saved = db.session.scalar(select(model).where(model.audit_id == cast.dementia.id))
        assert [e.id for e in saved.evidence] == [own_id]  # type: ignore[union-attr]


def test_the_leads_own_return_never_waits_for_review(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.post(f"/audits/{cast.dementia.id}/evidence/new", _form(), **MULTIPART)
    shown = as_lead.get(page.response.location)
    assert "needs no review" in shown.text
    assert shown.soup.select_one('form[action$="/submit"]') is None
    with app.app_context():
        audit = db.session.get(Audit, cast.dementia.id)
        lead = db.session.get(User, cast.lead.id)
        assert audit is not None and lead is not None
        waiting = [item for item in attention.items(audit, lead, date.today()) if item.count]
        assert not [item for item in waiting if item.key == "returns"], waiting


def test_a_partners_return_still_starts_as_a_draft_and_ignores_next(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    cell = f"/audits/{cast.dementia.id}/ratings/breaks/dementia"
    page = as_partner.post(
        f"/audits/{cast.dementia.id}/evidence/new?next={cell}", _form(next=cell), **MULTIPART
    )
    assert urlsplit(page.response.location).path.startswith(f"/audits/{cast.dementia.id}/evidence/")
    with app.app_context():
        record = db.session.scalar(select(EvidenceReturn))
        assert record is not None and record.status == "draft"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/audits/{id}/ratings/breaks/dementia",
        "//evil.example/x",
        "/audits/{other}/ratings/breaks/dementia",  # another audit's cell
        "/audits/{id}/plan",  # not a judgement's page
    ],
)
def test_next_goes_back_only_to_a_judgement_of_this_audit(
    as_lead: Visitor, cast: Cast, target: str
) -> None:
    target = target.format(id=cast.dementia.id, other=cast.draft.id)
    page = as_lead.post(f"/audits/{cast.dementia.id}/evidence/new", _form(next=target), **MULTIPART)
    location = urlsplit(page.response.location)
    assert location.netloc in ("", "localhost")
    assert location.path.startswith(f"/audits/{cast.dementia.id}/evidence/"), location


def test_cite_ticks_only_what_the_list_offers(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    """A partner's draft (which the lead may not see) is never ticked by ?cite=."""
    as_lead.switch("partner@example.org")
    as_lead.post(f"/audits/{cast.dementia.id}/evidence/new", _form(), **MULTIPART)
    as_lead.switch("lead@example.org")
    with app.app_context():
        draft_id = db.session.scalar(select(EvidenceReturn.id))
    page = as_lead.get(f"/audits/{cast.dementia.id}/ratings/breaks/dementia?cite={draft_id}")
    assert page.soup.select_one(f'input[name="evidence"][value="{draft_id}"]') is None
    assert draft_id is not None


def test_next_keeps_only_the_judgements_own_address(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    cell = f"/audits/{cast.dementia.id}/checklist/1a/dementia"
    page = as_lead.post(
        f"/audits/{cast.dementia.id}/evidence/new",
        _form(next=f"{cell}?cite=999&x=1"),
        **MULTIPART,
    )
    with app.app_context():
        own_id = db.session.scalar(select(EvidenceReturn.id))
    assert page.response.location == f"{cell}?cite={own_id}#evidence"
