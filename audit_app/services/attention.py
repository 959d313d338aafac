"""What needs the carers lead's attention now, for the top of the overview.

Each kind is counted with a fixed number of queries, whatever the audit's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from audit_app.extensions import db
from audit_app.models import (
    Action,
    Audit,
    ChecklistJudgement,
    CqcJudgement,
    EvidenceReturn,
    Rating,
    User,
)
from audit_app.models.audit import LEAD
from audit_app.services import evidence, proposals
from audit_app.services.chart_cache import cached
from hub_model import action_plan
from hub_model.scales import Rag4


@dataclass(frozen=True)
class Item:
    """One thing waiting: how many, in words, where to act on it and the rule."""

    key: str
    count: int
    text: str  # "2 actions are overdue"
    endpoint: str
    args: dict[str, str]
    rule: str


def _returns_waiting(audit: Audit, user: User) -> int:
    return evidence.count_visible(audit, user, LEAD, evidence.SUBMITTED)


def _to_confirm(audit: Audit) -> int:
    ratings = (
        select(func.count())
        .select_from(Rating)
        .where(Rating.audit_id == audit.id, Rating.needs_confirmation.is_(True))
    )
    cells = (
        select(func.count())
        .select_from(ChecklistJudgement)
        .where(
            ChecklistJudgement.audit_id == audit.id, ChecklistJudgement.needs_confirmation.is_(True)
        )
    )
    scores = (
        select(func.count())
        .select_from(CqcJudgement)
        .where(CqcJudgement.audit_id == audit.id, CqcJudgement.needs_confirmation.is_(True))
    )
    total = ratings.scalar_subquery() + cells.scalar_subquery() + scores.scalar_subquery()
    return db.session.scalar(select(total)) or 0


def overdue_actions(audit: Audit, today: date) -> int:
    """Actions overdue by hub_model.action_plan's rule (two queries: the actions past
    their date, and their updates)."""
    past = db.session.scalars(
        select(Action)
        .where(Action.audit_id == audit.id, Action.due_by < today)
        .options(selectinload(Action.updates))
    )
    return sum(
        1
        for action in past
        if action_plan.is_overdue(
            action_plan.Action(
                code=str(action.id),
                timescale=action.due_by,
                updates=tuple(
                    action_plan.ProgressUpdate(u.on, Rag4(u.rag)) for u in action.updates
                ),
            ),
            today,
        )
    )


def _past_review(audit: Audit, user: User, today: date) -> int:
    query = (
        select(func.count())
        .select_from(EvidenceReturn)
        .where(
            EvidenceReturn.id.in_(evidence.visible_ids(audit, user, LEAD)),
            EvidenceReturn.status.in_((evidence.SUBMITTED, evidence.ACCEPTED)),
            EvidenceReturn.review_by < today,
        )
    )
    return db.session.scalar(query) or 0


_WORDS = {
    "returns": ("evidence return waits for review", "evidence returns wait for review"),
    "proposals": ("rating proposal from a partner waits", "rating proposals from partners wait"),
    "confirm": (
        "judgement carried from the last cycle needs confirming",
        "judgements carried from the last cycle need confirming",
    ),
    "overdue": ("action is overdue", "actions are overdue"),
    "review": (
        "evidence return is past its review date",
        "evidence returns are past their review date",
    ),
}

OVERDUE_RULE = (
    "An action is overdue when its due date has passed and its latest progress update "
    "is not green (commitment met)."
)


def _item(key: str, count: int, endpoint: str, args: dict[str, str], rule: str) -> Item:
    one, many = _WORDS[key]
    return Item(key, count, f"{count} {one if count == 1 else many}", endpoint, args, rule)


def items(audit: Audit, user: User, today: date) -> list[Item]:
    """What waits for the lead in ``audit`` on ``today``: only the kinds with any.

    A published audit is read-only: its returns waiting for review, proposals and
    carried judgements can no longer be answered there (a new version can), so they
    are not listed.

    Everything counted is the audit's own records, each written with a new revision
    (tests/web/revision_guard.py), so the list is kept per revision, day and reader
    (the returns the lead sees follow their id and organisation)."""
    return cached(
        audit,
        f"attention:{user.id}:{user.organisation_id}:{audit.is_published}:{today.isoformat()}",
        lambda: _items(audit, user, today),
    )


def _items(audit: Audit, user: User, today: date) -> list[Item]:
    found = [
        _item(
            "returns",
            0 if audit.is_published else _returns_waiting(audit, user),
            "evidence.index",
            {"status": evidence.SUBMITTED},
            "Returns partners have submitted, for you to accept or return with comments.",
        ),
        _item(
            "proposals",
            0 if audit.is_published else proposals.waiting_count(audit),
            "ratings.grid",
            {"_anchor": "proposals-waiting"},
            proposals.RULE,
        ),
        _item(
            "confirm",
            0 if audit.is_published else _to_confirm(audit),
            "cycles.to_confirm",
            {},
            "Ratings and checklist judgements carried forward from the last cycle that "
            "nobody has confirmed or changed yet.",
        ),
        _item(
            "overdue",
            overdue_actions(audit, today),
            "plan.index",
            {"_anchor": "overdue"},
            OVERDUE_RULE,
        ),
        _item(
            "review",
            _past_review(audit, user, today),
            "evidence.index",
            {},
            "Submitted or accepted returns whose review-by date is before today.",
        ),
    ]
    return [item for item in found if item.count]
