"""Step 3 judgements: the intervention ratings and the Appendix A checklist.

Reads build plain mappings for the hub_model rules; writes go through
services.changes.save so every change is version-checked and in the trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, ChecklistJudgement, EvidenceReturn, Rating, RatingProposal, User
from audit_app.models.types import utcnow
from audit_app.services.changes import Change, bump_revision, save
from audit_app.services.evidence import returns_for_linking
from audit_app.services.frameworks import framework_of
from audit_app.services.scope import assessed_groups
from hub_model.framework import CarerGroup, Framework
from hub_model.ratings import Summary, summarise_grid
from hub_model.scales import ChecklistStatus, Maturity, Rag


@dataclass(frozen=True)
class Grid:
    """An audit's ratings laid out for the grid page and the rules."""

    framework: Framework
    groups: list[CarerGroup]
    ratings: dict[tuple[str, str], Rating]

    def rag(self) -> dict[tuple[str, str], Rag]:
        return {key: Rag(r.rag) for key, r in self.ratings.items()}

    def maturity(self) -> dict[tuple[str, str], Maturity]:
        return {key: Maturity(r.maturity) for key, r in self.ratings.items()}

    def rag_summaries(self) -> dict[str, Summary[Rag]]:
        return summarise_grid(
            self.rag(), [i.code for i in self.framework.interventions], self.group_codes, Rag
        )

    def maturity_summaries(self) -> dict[str, Summary[Maturity]]:
        return summarise_grid(
            self.maturity(),
            [i.code for i in self.framework.interventions],
            self.group_codes,
            Maturity,
        )

    @property
    def group_codes(self) -> list[str]:
        return [group.code for group in self.groups]


def rating_grid(audit: Audit) -> Grid:
    framework = framework_of(audit)
    ratings = db.session.scalars(select(Rating).where(Rating.audit_id == audit.id))
    return Grid(
        framework,
        assessed_groups(audit, framework),
        {(r.intervention, r.group_code): r for r in ratings},
    )


def checklist_cells(audit: Audit) -> dict[tuple[str, str], ChecklistJudgement]:
    judgements = db.session.scalars(
        select(ChecklistJudgement).where(ChecklistJudgement.audit_id == audit.id)
    )
    return {(j.sub_outcome, j.group_code): j for j in judgements}


def _check_cell(audit: Audit, row: str, group: str, rows: set[str]) -> tuple[Framework, CarerGroup]:
    """404 unless ``row`` and ``group`` are a real cell of this audit."""
    framework = framework_of(audit)
    groups = {g.code: g for g in assessed_groups(audit, framework)}
    if row not in rows or group not in groups:
        abort(404)
    return framework, groups[group]


def rating_cell(
    audit: Audit, intervention: str, group: str
) -> tuple[Rating, Framework, CarerGroup]:
    """The rating for a cell (a new, unsaved one if never rated); 404 for a cell not in the audit."""
    framework = framework_of(audit)
    framework, carer_group = _check_cell(
        audit, intervention, group, {i.code for i in framework.interventions}
    )
    rating = db.session.scalar(
        select(Rating).where(
            Rating.audit_id == audit.id,
            Rating.intervention == intervention,
            Rating.group_code == group,
        )
    )
    if rating is None:
        rating = Rating(audit_id=audit.id, intervention=intervention, group_code=group)
    return rating, framework, carer_group


def checklist_cell(
    audit: Audit, sub_outcome: str, group: str
) -> tuple[ChecklistJudgement, Framework, CarerGroup]:
    framework = framework_of(audit)
    framework, carer_group = _check_cell(
        audit, sub_outcome, group, {s.code for s in framework.checklist}
    )
    judgement = db.session.scalar(
        select(ChecklistJudgement).where(
            ChecklistJudgement.audit_id == audit.id,
            ChecklistJudgement.sub_outcome == sub_outcome,
            ChecklistJudgement.group_code == group,
        )
    )
    if judgement is None:
        judgement = ChecklistJudgement(audit_id=audit.id, sub_outcome=sub_outcome, group_code=group)
    return judgement, framework, carer_group


def evidence_by_ids(audit: Audit, ids: list[int], user: User, role: str) -> list[EvidenceReturn]:
    """The chosen returns, of those this person may link (others are ignored)."""
    allowed = {e.id: e for e in returns_for_linking(audit, user, role)}
    return [allowed[i] for i in ids if i in allowed]


def rating_label(framework: Framework, intervention: str, group: CarerGroup) -> str:
    return f"{framework.intervention(intervention).name} – {group.name}"


def save_judgement(
    audit: Audit,
    record: Rating | ChecklistJudgement,
    values: dict[str, Any],
    evidence: list[EvidenceReturn],
    loaded_version: int,
    user: User,
    label: str,
    also: Callable[[], object] | None = None,
) -> Any:
    """Save the lead's rating or checklist cell with its evidence (and ``also``'s
    writes, in the same transaction).

    Saving confirms a judgement carried forward from the last cycle. Raises
    StaleEdit or SaveFailed (services.changes).
    """
    entity = "rating" if isinstance(record, Rating) else "checklist"
    change = Change(
        audit,
        record,
        {**values, "needs_confirmation": False},
        entity,
        label,
        loaded_version,
        relations={"evidence": evidence},
    )
    return save(change, user, also)


def proposals(
    audit: Audit, intervention: str, group: str, by: User | None = None
) -> list[RatingProposal]:
    """Partners' proposals for a cell, newest first; only ``by``'s when given."""
    query = select(RatingProposal).where(
        RatingProposal.audit_id == audit.id,
        RatingProposal.intervention == intervention,
        RatingProposal.group_code == group,
    )
    if by is not None:
        query = query.where(RatingProposal.proposed_by_id == by.id)
    return list(db.session.scalars(query.order_by(RatingProposal.proposed_at.desc())))


def propose(
    audit: Audit, intervention: str, group: str, values: dict[str, Any], user: User
) -> None:
    """A partner's proposal: kept beside the lead's rating, never replacing it."""
    db.session.add(
        RatingProposal(
            audit_id=audit.id,
            intervention=intervention,
            group_code=group,
            proposed_by=user,
            proposed_at=utcnow(),
            **values,
        )
    )
    bump_revision(audit)  # the grid, cached per revision, marks cells with proposals
    db.session.commit()


RAG_CHOICES = [(r.value, r) for r in Rag]
MATURITY_CHOICES = [(m.value, m) for m in Maturity]
CHECKLIST_CHOICES = [(c.value, c) for c in ChecklistStatus]
