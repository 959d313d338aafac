"""The lead's overview says what needs their attention, each count from the data;
the ratings grid and the cell page show partners' proposals that wait."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import event, select

from audit_app.extensions import db
from audit_app.models import (
    Action,
    ActionUpdate,
    Audit,
    ChecklistJudgement,
    EvidenceReturn,
    Rating,
    RatingProposal,
)
from audit_app.models.types import utcnow
from audit_app.services.changes import bump_revision
from tests.visit import Visitor
from tests.web.conftest import Cast
from tests.web.refusals import refused

TODAY = date.today()


def _bump(audit_id: int) -> None:
    """A new revision, as every write of the app gives one (the list is kept per revision)."""
    audit = db.session.get(Audit, audit_id)
    assert audit is not None
    bump_revision(audit)


def _add(app: Flask, *rows: Any) -> None:
    with app.app_context():
        db.session.add_all(rows)
        for audit_id in {row.audit_id for row in rows}:
            _bump(audit_id)
        db.session.commit()


def _return(
    cast: Cast, status: str, review_by: date | None = None, name: str = "Sitting"
) -> EvidenceReturn:
    return EvidenceReturn(
        audit_id=cast.dementia.id,
        organisation_id=cast.partner.organisation_id,
        author_id=cast.partner.id,
        service_name=name,
        status=status,
        review_by=review_by,
    )


def _proposal(cast: Cast, intervention: str = "breaks", rag: str = "green") -> RatingProposal:
    return RatingProposal(
        audit_id=cast.dementia.id,
        intervention=intervention,
        group_code="dementia",
        rag=rag,
        maturity="advanced",
        rationale="Our sitting service is full.",
        proposed_by_id=cast.partner.id,
        proposed_at=utcnow(),
    )


def _action(app: Flask, cast: Cast, due_by: date | None, *rags: str) -> None:
    with app.app_context():
        action = Action(
            audit_id=cast.dementia.id, description=f"Action due {due_by}", due_by=due_by
        )
        db.session.add(action)
        db.session.flush()
        for days, rag in enumerate(rags):
            db.session.add(
                ActionUpdate(
                    action_id=action.id,
                    on=TODAY - timedelta(days=30 - days),
                    rag=rag,
                    commentary="-",
                )
            )
        _bump(cast.dementia.id)
        db.session.commit()


def _attention(visitor: Visitor, cast: Cast) -> dict[str, tuple[str, str]]:
    page = visitor.get(f"/audits/{cast.dementia.id}")
    card = page.soup.select_one("#attention")
    assert card is not None, "the lead's overview has an attention card"
    return {
        str(li["id"]).removeprefix("attention-"): (li.a.get_text(strip=True), li.a["href"])
        for li in card.select("li")
    }


def test_nothing_needs_attention_says_so(as_lead: Visitor, cast: Cast) -> None:
    page = as_lead.get(f"/audits/{cast.dementia.id}")
    assert (
        page.soup.select_one("#attention-none").get_text(strip=True)
        == "Nothing needs your attention."
    )


def test_returns_waiting_for_review_are_counted(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    _add(app, _return(cast, "submitted"), _return(cast, "submitted"), _return(cast, "accepted"))
    _add(app, _return(cast, "draft"))  # a partner's draft is not the lead's to review
    text, href = _attention(as_lead, cast)["returns"]
    assert text == "2 evidence returns wait for review"
    assert href == f"/audits/{cast.dementia.id}/evidence/?status=submitted"
    listing = as_lead.get(href)
    assert listing.text.count("Sitting") == 2


def test_proposals_waiting_are_counted(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    _add(app, _proposal(cast), _proposal(cast, "emotional_support"))
    assert _attention(as_lead, cast)["proposals"][0] == "2 rating proposals from partners wait"


def test_judgements_to_confirm_are_counted(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    _add(
        app,
        Rating(
            audit_id=cast.dementia.id,
            intervention="breaks",
            group_code="dementia",
            needs_confirmation=True,
        ),
        Rating(audit_id=cast.dementia.id, intervention="brokerage", group_code="dementia"),
        ChecklistJudgement(
            audit_id=cast.dementia.id,
            sub_outcome="1a",
            group_code="dementia",
            needs_confirmation=True,
        ),
    )
    text, href = _attention(as_lead, cast)["confirm"]
    assert text == "2 judgements carried from the last cycle need confirming"
    assert href == f"/audits/{cast.dementia.id}/to-confirm"


def test_overdue_actions_are_counted_by_the_plans_rule(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    past = TODAY - timedelta(days=1)
    _action(app, cast, past)  # overdue: no update at all
    _action(app, cast, past, "green", "red")  # overdue: the latest update is red
    _action(app, cast, past, "red", "green")  # done: the latest is green
    _action(app, cast, TODAY)  # due today: not yet overdue
    _action(app, cast, None, "red")  # no timescale: never overdue
    text, href = _attention(as_lead, cast)["overdue"]
    assert text == "2 actions are overdue"
    plan = as_lead.get(href.split("#")[0])
    assert "2 overdue" in plan.soup.select_one("#overdue").get_text()


def test_evidence_past_its_review_date_is_counted(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    yesterday = TODAY - timedelta(days=1)
    _add(
        app,
        _return(cast, "accepted", yesterday),
        _return(cast, "accepted", TODAY),  # reviewed by today: not yet past
        _return(cast, "returned", yesterday),  # sent back: the partner's to renew
        _return(cast, "accepted", None),
    )
    items = _attention(as_lead, cast)
    assert items["review"][0] == "1 evidence return is past its review date"
    assert "returns" not in items


def test_a_published_audit_lists_nothing_that_cannot_be_answered_there(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    published = cast.published.id
    _add(
        app,
        EvidenceReturn(
            audit_id=published,
            organisation_id=cast.partner.organisation_id,
            author_id=cast.partner.id,
            service_name="Sitting",
            status="submitted",
        ),
        RatingProposal(
            audit_id=published,
            intervention="breaks",
            group_code="dementia",
            rag="green",
            maturity="early",
            proposed_by_id=cast.partner.id,
            proposed_at=utcnow(),
        ),
        Rating(
            audit_id=published,
            intervention="breaks",
            group_code="dementia",
            needs_confirmation=True,
        ),
    )
    page = as_lead.get(f"/audits/{published}")
    assert page.soup.select_one("#attention-none") is not None  # it cannot be saved there


def test_only_the_lead_sees_the_attention_list(app: Flask, visitor: Visitor, cast: Cast) -> None:
    _add(app, _proposal(cast))
    for email in ("partner@example.org", "commissioner@example.org"):
        visitor.sign_in(email)
        page = visitor.get(f"/audits/{cast.published.id}")
        assert page.soup.select_one("#attention") is None


def _overview_queries(app: Flask, visitor: Visitor, cast: Cast) -> int:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        visitor.get(f"/audits/{cast.dementia.id}")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def _seed_everything(app: Flask, cast: Cast, n: int) -> None:
    past = TODAY - timedelta(days=1)
    _add(app, *[_return(cast, "submitted", past, f"Service {i}") for i in range(n)])
    _add(app, *[_proposal(cast) for _ in range(n)])
    for _ in range(n):
        _action(app, cast, past, "red", "red_amber")


def test_the_overviews_queries_do_not_grow_with_the_audit(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    as_lead.get(f"/audits/{cast.dementia.id}")  # warm: the framework and session
    _seed_everything(app, cast, 1)  # a new revision: nothing kept for it yet
    small = _overview_queries(app, as_lead, cast)
    _seed_everything(app, cast, 9)
    large = _overview_queries(app, as_lead, cast)
    items = _attention(as_lead, cast)
    assert items["overdue"][0] == "10 actions are overdue"
    assert items["proposals"][0] == "10 rating proposals from partners wait"
    assert large == small


# Proposals on the grid and the cell page


def test_the_grid_marks_cells_with_proposals_and_lists_them(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _add(app, _proposal(cast), _proposal(cast, rag="amber"))
    page = as_lead.get(f"/audits/{cast.dementia.id}/ratings")
    tag = page.soup.select_one("#row-breaks .app-grid__proposals")
    assert tag is not None and tag.get_text(" ", strip=True).startswith("2 proposals")
    assert tag["href"].endswith(f"/audits/{cast.dementia.id}/ratings/breaks/dementia#proposals")
    assert page.soup.select_one("#row-brokerage .app-grid__proposals") is None
    waiting = page.soup.select_one("#proposals-waiting")
    assert "2 proposals from partners wait for you" in waiting.get_text()
    assert len(waiting.select("li a")) == 2


def test_the_cell_shows_proposals_above_the_form_and_uses_one(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _add(app, _proposal(cast))
    url = f"/audits/{cast.dementia.id}/ratings/breaks/dementia"
    page = as_lead.get(url)
    html = str(page.soup)
    assert html.index('id="proposals"') < html.index('id="rate"')
    use = page.soup.select_one("#proposals-waiting a")
    assert use.get_text(" ", strip=True).startswith("Use this proposal")
    filled = as_lead.get(use["href"].split("#")[0])
    assert filled.soup.select_one("#proposal-used") is not None
    form = filled.form("main form[method=post]:has(#rationale)")
    assert form.select_one("input[name=rag][checked]")["value"] == "green"
    assert form.select_one("input[name=maturity][checked]")["value"] == "advanced"
    assert "Our sitting service is full." in form.select_one("#rationale").get_text()
    with app.app_context():
        assert db.session.scalar(select(Rating)) is None  # nothing saved by using it


def test_saving_the_cell_answers_its_proposals(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    rated = Rating(audit_id=cast.dementia.id, intervention="breaks", group_code="dementia")
    _add(app, rated, _proposal(cast), _proposal(cast, "brokerage"))
    url = f"/audits/{cast.dementia.id}/ratings/breaks/dementia"
    # Saved unchanged: the lead has seen the proposal and keeps their rating.
    as_lead.submit(as_lead.get(url), "main form[method=post]:has(#rationale)")
    assert _attention(as_lead, cast)["proposals"][0] == "1 rating proposal from a partner waits"
    grid = as_lead.get(f"/audits/{cast.dementia.id}/ratings")
    assert grid.soup.select_one("#row-breaks .app-grid__proposals") is None
    assert grid.soup.select_one("#row-brokerage .app-grid__proposals") is not None
    cell = as_lead.get(url)
    assert cell.soup.select_one("#proposals-waiting") is None
    assert "Our sitting service is full." in cell.soup.select_one("#proposals-answered").get_text()
    # A proposal made after the save waits again.
    _add(app, _proposal(cast, rag="red"))
    assert as_lead.get(url).soup.select_one("#proposals-waiting") is not None


def _waiting(app: Flask) -> int:
    with app.app_context():
        query = select(RatingProposal).where(RatingProposal.answered_at.is_(None))
        return len(db.session.scalars(query).all())


def _answering(statement: str) -> bool:
    return statement.lstrip().upper().startswith("UPDATE RATING_PROPOSAL")


def test_a_rating_and_the_proposals_it_answers_are_saved_together_or_not_at_all(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _add(app, _proposal(cast))
    url = f"/audits/{cast.dementia.id}/ratings/breaks/dementia"
    page = as_lead.get(url)
    typed = {"rag": "red", "maturity": "early", "rationale": "No sitting service at weekends"}
    with refused(_answering) as refusals:
        answer = as_lead.submit(page, "main form[method=post]:has(#rationale)", typed, status=200)
    assert refusals, "saving the cell answers its proposal"
    assert any("could not be saved" in message for message in answer.error_summary())
    assert answer.value("rag") == "red" and answer.value("maturity") == "early"
    assert "No sitting service at weekends" in answer.value("rationale")  # type: ignore[operator]
    with app.app_context():
        assert db.session.scalar(select(Rating)) is None  # the rating waits with the proposal
    assert _waiting(app) == 1
    # Sent again with the database back: both land.
    as_lead.submit(answer, "main form[method=post]:has(#rationale)")
    with app.app_context():
        assert db.session.scalar(select(Rating.rag)) == "red"
    assert _waiting(app) == 0


def test_a_proposal_set_aside_while_the_database_is_gone_still_waits(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _add(app, _proposal(cast))
    url = f"/audits/{cast.dementia.id}/ratings/breaks/dementia"
    button = as_lead.get(url).soup.select_one("#proposals-waiting button[name=set_aside]")
    with refused(_answering):
        as_lead.post(url, {"set_aside": button["value"]})
    page = as_lead.get(url)
    assert "could not be set aside because the database did not respond" in page.text
    assert page.soup.select_one("#proposals-waiting li") is not None
    assert _waiting(app) == 1


def test_setting_a_proposal_aside_answers_only_that_one(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _add(app, _proposal(cast), _proposal(cast, rag="red"))
    url = f"/audits/{cast.dementia.id}/ratings/breaks/dementia"
    page = as_lead.get(url)
    buttons = page.soup.select("#proposals-waiting button[name=set_aside]")
    assert len(buttons) == 2
    as_lead.post(url, {"set_aside": buttons[0]["value"]})
    assert _attention(as_lead, cast)["proposals"][0] == "1 rating proposal from a partner waits"
    after = as_lead.get(url)
    assert len(after.soup.select("#proposals-waiting li")) == 1
    assert len(after.soup.select("#proposals-answered li")) == 1
    with app.app_context():
        assert db.session.scalar(select(Rating)) is None  # the lead's rating is untouched
    # A partner cannot set a proposal aside.
    as_lead.switch("partner@example.org")
    as_lead.post(url, {"set_aside": buttons[1]["value"]}, status=200)
    as_lead.switch("lead@example.org")
    assert _attention(as_lead, cast)["proposals"][0] == "1 rating proposal from a partner waits"
