"""Parts of the ratings grid and the evidence list rendered once and kept (issue #21):
each changes when what it shows changes, and no reader is shown another's.

The ratings grid keeps, per audit revision, whether any proposal waits for the lead
and its intro (per editing and hidden); the evidence list keeps its table per set of
rows shown (a digest of every shown value, the day, the role and status)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from audit_app.evidence import views as evidence_views
from audit_app.extensions import db
from audit_app.models import Audit, EvidenceReturn, Organisation, RatingProposal, User
from audit_app.models.types import utcnow
from audit_app.services.changes import bump_revision
from tests.visit import Visitor
from tests.web.conftest import Cast, publish


def _add(app: Flask, *rows: Any) -> None:
    """Rows written as the app writes them: with a new revision of their audit."""
    with app.app_context():
        db.session.add_all(rows)
        for audit_id in {row.audit_id for row in rows}:
            audit = db.session.get(Audit, audit_id)
            assert audit is not None
            bump_revision(audit)
        db.session.commit()


def _return(cast: Cast, status: str, name: str, **values: Any) -> EvidenceReturn:
    values.setdefault("organisation_id", cast.partner.organisation_id)
    values.setdefault("author_id", cast.partner.id)
    return EvidenceReturn(audit_id=cast.dementia.id, service_name=name, status=status, **values)


# The ratings grid


def test_the_grid_lists_proposals_as_they_are_made_and_answered(
    as_lead: Visitor, cast: Cast
) -> None:
    grid = f"/audits/{cast.dementia.id}/ratings"
    assert as_lead.get(grid).soup.select_one("#proposals-waiting") is None  # none, kept
    as_lead.switch("partner@example.org")
    cell = f"{grid}/breaks/dementia"
    as_lead.submit(
        as_lead.get(cell),
        "main form[method=post]",
        {"rag": "green", "maturity": "advanced", "rationale": "Our sitting service is full."},
    )
    as_lead.switch("lead@example.org")
    waiting = as_lead.get(grid).soup.select_one("#proposals-waiting")
    assert waiting is not None and "1 proposal from a partner waits" in waiting.get_text()
    button = as_lead.get(cell).soup.select_one("#proposals-waiting button[name=set_aside]")
    as_lead.post(cell, {"set_aside": button["value"]})
    assert as_lead.get(grid).soup.select_one("#proposals-waiting") is None


def test_the_waiting_list_shows_the_proposers_name_as_it_is_now(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _add(
        app,
        RatingProposal(
            audit_id=cast.dementia.id,
            intervention="breaks",
            group_code="dementia",
            rag="green",
            maturity="advanced",
            proposed_by_id=cast.partner.id,
            proposed_at=utcnow(),
        ),
    )
    grid = f"/audits/{cast.dementia.id}/ratings"
    before = as_lead.get(grid).soup.select_one("#proposals-waiting").get_text()
    with app.app_context():  # a rename is no write to the audit: no new revision
        user = db.session.get(User, cast.partner.id)
        assert user is not None
        old, user.name = user.name, "Renamed Partner"
        db.session.commit()
    after = as_lead.get(grid).soup.select_one("#proposals-waiting").get_text()
    assert old in before and "Renamed Partner" in after


def test_the_grid_intro_is_each_readers_own(app: Flask, visitor: Visitor, cast: Cast) -> None:
    """A partner on a draft is told the lead's ratings are hidden; the lead, on the
    same revision, is not, and has the grid's help; a commissioner has neither."""
    grid = f"/audits/{cast.dementia.id}/ratings"
    visitor.sign_in("partner@example.org")
    page = visitor.get(grid)
    assert page.soup.select_one("#ratings-hidden") is not None
    assert page.soup.select_one("#grid-help") is None
    visitor.switch("lead@example.org")
    page = visitor.get(grid)
    assert page.soup.select_one("#ratings-hidden") is None
    assert page.soup.select_one("#grid-help") is not None
    publish(app, cast.dementia.id)
    visitor.switch("partner@example.org")
    assert visitor.get(grid).soup.select_one("#ratings-hidden") is None
    publish(app, cast.dementia.id)  # a commissioner sees only what is accepted, once published
    visitor.switch("commissioner@example.org")
    page = visitor.get(grid)
    assert page.soup.select_one("#ratings-hidden") is None
    assert page.soup.select_one("#grid-help") is None


# The evidence list


def _rows(visitor: Visitor, cast: Cast, query: str = "") -> list[list[str]]:
    page = visitor.get(f"/audits/{cast.dementia.id}/evidence/{query}")
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in page.soup.select("main tbody tr")
    ]


def test_the_list_shows_an_organisations_new_name(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    _add(app, _return(cast, "submitted", "Sitting"))
    assert _rows(as_lead, cast)[0][1] == "Northshire Carers Centre"
    with app.app_context():  # a rename is no write to the audit: no new revision
        organisation = db.session.get(Organisation, cast.partner.organisation_id)
        assert organisation is not None
        organisation.name = "Northshire Carers Trust"
        db.session.commit()
    assert _rows(as_lead, cast)[0][1] == "Northshire Carers Trust"


def test_the_organisations_named_are_read_alike_with_the_user_and_alone(
    app: Flask, cast: Cast
) -> None:
    """evidence.organisations_key: each organisation the audit's returns are from, by
    id and name, read with the user on the list or asked alone (none: no returns)."""
    import flask_login

    from audit_app.services import access, evidence

    with app.app_context():
        audit = db.session.get(Audit, cast.dementia.id)
        assert audit is not None
        assert evidence.organisations_key(audit) == ()
    _add(
        app,
        _return(cast, "submitted", "Sitting"),
        _return(cast, "accepted", "Breaks", organisation_id=cast.partner2.organisation_id),
        _return(cast, "draft", "Again"),
    )
    with app.app_context():
        audit = db.session.get(Audit, cast.dementia.id)
        assert audit is not None
        alone = evidence.organisations_key(audit)
        names = {
            db.session.get(Organisation, cast.partner.organisation_id),
            db.session.get(Organisation, cast.partner2.organisation_id),
        }
        assert alone == tuple(sorted(f"{o.id}:{o.name}" for o in names if o is not None))
    with app.test_request_context(f"/audits/{cast.dementia.id}/evidence/"):
        user = access.user_and_audit(cast.lead.id, cast.dementia.id)
        assert user is not None
        flask_login.login_user(user)
        assert access.read_with_user_value(cast.dementia.id, "organisations")[0]
        audit, _ = access.audit_or_404(cast.dementia.id)
        assert evidence.organisations_key(audit) == alone


def test_the_list_follows_each_write_and_status(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    _add(app, _return(cast, "submitted", "Sitting"))
    assert [row[0] for row in _rows(as_lead, cast)] == ["Sitting"]
    _add(app, _return(cast, "accepted", "Breaks at home", interventions=["breaks"]))
    rows = _rows(as_lead, cast)
    assert [row[0] for row in rows] == ["Breaks at home", "Sitting"]
    assert rows[0][2] == "Breaks" and rows[0][3] == "Accepted"
    assert [row[0] for row in _rows(as_lead, cast, "?status=accepted")] == ["Breaks at home"]
    assert [row[0] for row in _rows(as_lead, cast, "?status=submitted")] == ["Sitting"]
    assert _rows(as_lead, cast, "?status=returned") == []


def test_the_list_marks_a_return_out_of_date_on_the_day_after_its_review(
    app: Flask, as_lead: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = utcnow().date()
    _add(app, _return(cast, "submitted", "Sitting", review_by=today))
    assert "Out of date" not in _rows(as_lead, cast)[0][5]
    later = utcnow() + timedelta(days=1)
    monkeypatch.setattr(evidence_views, "utcnow", lambda: later)
    assert "Out of date" in _rows(as_lead, cast)[0][5]


def test_no_reader_sees_anothers_list(app: Flask, visitor: Visitor, cast: Cast) -> None:
    """A partner's draft is theirs alone: another partner (same role, same revision)
    and the lead see the list without it."""
    _add(
        app,
        _return(cast, "draft", "Our draft"),
        _return(
            cast,
            "draft",
            "Their draft",
            organisation_id=cast.partner2.organisation_id,
            author_id=cast.partner2.id,
        ),
        _return(cast, "submitted", "Submitted", evidence_date=date(2026, 4, 1)),
    )
    visitor.sign_in("partner@example.org")
    assert [row[0] for row in _rows(visitor, cast)] == ["Our draft", "Submitted"]
    visitor.switch("partner2@example.org")
    assert [row[0] for row in _rows(visitor, cast)] == ["Their draft"]
    visitor.switch("lead@example.org")
    assert [row[0] for row in _rows(visitor, cast)] == ["Submitted"]
    publish(app, cast.dementia.id)  # a commissioner sees only what is accepted, once published
    visitor.switch("commissioner@example.org")
    page = visitor.get(f"/audits/{cast.dementia.id}/evidence/")
    assert "No evidence has been accepted yet." in page.text
