"""Partners' rating proposals as the carers lead answers them.

A proposal waits for the lead from when it is made until the lead saves that cell
on its own page (where the proposal is shown), or sets that proposal aside there.
Saving the whole grid does not answer proposals: the grid does not show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from audit_app.extensions import db
from audit_app.models import Audit, RatingProposal
from audit_app.models.types import utcnow
from audit_app.services.changes import SaveFailed, bump_revision, commit
from audit_app.services.chart_cache import cached
from audit_app.services.frameworks import framework_of
from audit_app.services.scope import assessed_groups

RULE = (
    "A proposal waits until you save its cell on the cell's own page (saving it "
    "unchanged counts) or set the proposal aside there. Saving the whole grid does not "
    "answer it."
)


def _waiting(audit: Audit) -> object:
    """Unanswered, and about a cell the grid still has (not a removed intervention or a
    group no longer in scope, which the lead could not open)."""
    framework = framework_of(audit)
    return (
        (RatingProposal.audit_id == audit.id)
        & RatingProposal.answered_at.is_(None)
        & RatingProposal.intervention.in_([i.code for i in framework.interventions])
        & RatingProposal.group_code.in_([g.code for g in assessed_groups(audit, framework)])
    )


def waiting_count(audit: Audit) -> int:
    """How many proposals wait for the lead in this audit (one query)."""
    query = select(func.count()).select_from(RatingProposal).where(_waiting(audit))  # type: ignore[arg-type]
    return db.session.scalar(query) or 0


def any_waiting(audit: Audit) -> bool:
    """Whether any proposal waits for the lead in this audit: known once per revision
    (making and answering a proposal bump it, as do changes to the framework and the
    groups in scope), so a grid with none asks nothing more."""
    return cached(audit, "proposals-any-waiting", lambda: waiting_count(audit) > 0)


def waiting_by_cell(audit: Audit) -> dict[tuple[str, str], int]:
    """(intervention, group) -> how many proposals wait there (one query)."""
    query = (
        select(RatingProposal.intervention, RatingProposal.group_code, func.count())
        .where(_waiting(audit))  # type: ignore[arg-type]
        .group_by(RatingProposal.intervention, RatingProposal.group_code)
    )
    return {(code, group): count for code, group, count in db.session.execute(query)}


def waiting(audit: Audit) -> list[tuple[RatingProposal, str]]:
    """The proposals waiting in this audit, oldest first, with who made them, each with
    its cell's name ("Intervention – carer group")."""
    framework = framework_of(audit)
    groups = {g.code: g.name for g in assessed_groups(audit, framework)}
    interventions = {i.code: i.name for i in framework.interventions}
    query = (
        select(RatingProposal)
        .where(_waiting(audit))  # type: ignore[arg-type]
        .options(selectinload(RatingProposal.proposed_by))
        .order_by(RatingProposal.proposed_at, RatingProposal.id)
    )
    return [
        (p, f"{interventions[p.intervention]} – {groups[p.group_code]}")
        for p in db.session.scalars(query)
    ]


@dataclass(frozen=True)
class CellProposals:
    """A cell's proposals for the lead: those waiting, and those already answered."""

    waiting: list[RatingProposal]
    answered: list[RatingProposal]


def of_cell(audit: Audit, intervention: str, group: str) -> CellProposals:
    """The cell's proposals, newest first, split by whether they wait."""
    query = (
        select(RatingProposal)
        .where(
            RatingProposal.audit_id == audit.id,
            RatingProposal.intervention == intervention,
            RatingProposal.group_code == group,
        )
        .options(selectinload(RatingProposal.proposed_by))
        .order_by(RatingProposal.proposed_at.desc(), RatingProposal.id.desc())
    )
    found = list(db.session.scalars(query))
    return CellProposals(
        [p for p in found if p.answered_at is None],
        [p for p in found if p.answered_at is not None],
    )


def find(audit: Audit, intervention: str, group: str, proposal_id: int) -> RatingProposal | None:
    """The proposal, if it is one of this cell's."""
    proposal = db.session.get(RatingProposal, proposal_id)
    if proposal is None or (proposal.audit_id, proposal.intervention, proposal.group_code) != (
        audit.id,
        intervention,
        group,
    ):
        return None
    return proposal


def mark_answered(audit: Audit, intervention: str, group: str, only: int | None = None) -> int:
    """Mark the cell's waiting proposals (or the one with id ``only``) as answered
    now, in the current transaction (the caller commits, with the save that answers
    them); how many were."""
    query = (
        update(RatingProposal)
        .where(
            _waiting(audit),  # type: ignore[arg-type]
            RatingProposal.intervention == intervention,
            RatingProposal.group_code == group,
        )
        .values(answered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if only is not None:
        query = query.where(RatingProposal.id == only)
    answered = db.session.execute(query).rowcount or 0  # type: ignore[attr-defined]
    if answered:
        bump_revision(audit)  # the cached grid marks cells with waiting proposals
    return answered


def set_aside(audit: Audit, intervention: str, group: str, proposal_id: int) -> int:
    """Answer one proposal without saving its cell; 1 if it was waiting, else 0.
    Raises SaveFailed (nothing changed) if the database refuses."""
    try:
        answered = mark_answered(audit, intervention, group, only=proposal_id)
    except SQLAlchemyError as error:
        db.session.rollback()
        raise SaveFailed(str(error)) from error
    commit()
    return answered
