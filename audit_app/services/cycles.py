"""Starting an audit from an earlier one: the next cycle, or a new version.

`clone_audit` copies an audit in one transaction. Which columns of which
models it copies, and what it deliberately leaves behind and why, is declared
in services.cycle_columns; a test checks that together they cover every column
of every model, so a new column forces a decision.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from audit_app.extensions import db
from audit_app.models import (
    Action,
    ActionPlan,
    Audit,
    AuditMembership,
    ChangeEvent,
    ChecklistJudgement,
    CqcJudgement,
    EvidenceAttachment,
    EvidenceReturn,
    Finding,
    FundingContribution,
    GatheringMethod,
    Indicator,
    IndicatorValue,
    LinkedSource,
    Objective,
    OutcomePriority,
    PlanningAnswer,
    PopulationStatistic,
    Priority,
    PublishedCarerFigure,
    Rating,
    Stakeholder,
    User,
)
from audit_app.models.audit import DRAFT, LEAD
from audit_app.services import questionnaire_carry, uploads
from audit_app.services.changes import Change, SaveFailed, save
from audit_app.services.cycle_columns import COPIED
from audit_app.services.evidence import ACCEPTED


class AlreadyStarted(SaveFailed):
    """Someone else started this cycle from the same audit a moment earlier."""

    def __init__(self, audit: Audit) -> None:
        super().__init__(f"audit {audit.id} was started already")
        self.audit = audit


def started_from(source: Audit, cycle: str) -> Audit | None:
    """The audit started from ``source`` for ``cycle``, if there is one (at most one:
    a new version shares its source's cycle, a next cycle has its own)."""
    return db.session.scalar(
        select(Audit).where(Audit.previous_audit_id == source.id, Audit.cycle == cycle)
    )


def next_cycles_of(source: Audit) -> list[Audit]:
    """The next cycles already started from ``source`` (not its newer versions)."""
    return list(
        db.session.scalars(
            select(Audit)
            .where(Audit.previous_audit_id == source.id, Audit.cycle != source.cycle)
            .order_by(Audit.id)
        )
    )


@dataclass(frozen=True)
class NextCycle:
    title: str
    cycle: str
    period_start: date
    period_end: date


def _copy(model: type, source: Any, **values: Any) -> Any:
    fields = {name: copy.deepcopy(getattr(source, name)) for name in COPIED[model]}
    return model(**fields, **values)


def _rows(model: Any, audit: Audit, *where: Any) -> list[Any]:
    return list(
        db.session.scalars(
            select(model).where(model.audit_id == audit.id, *where).order_by(model.id)
        )
    )


def clone_audit(
    source: Audit,
    by: User,
    *,
    title: str,
    cycle: str,
    period_start: date,
    period_end: date,
    carry_forward: bool,
) -> Audit:
    """A new draft audit of the same area and scope, started from ``source``.

    With ``carry_forward`` (the next cycle) every carried rating and checklist
    cell needs confirmation until someone confirms or changes it; without it
    (a new version of the same audit) judgements keep their flags as they are,
    and questionnaires come across with their answers, the public link moving
    to the new version (services.questionnaire_carry). Accepted evidence returns
    come across (their files hard-linked); draft, submitted and returned ones
    stay behind. One transaction: raises SaveFailed and leaves nothing behind
    if the database refuses, AlreadyStarted if the refusal is that someone
    started this cycle from ``source`` at the same moment (one audit per source
    and cycle is a constraint in the database).
    """
    linked_files: list[tuple[int, str]] = []
    try:
        audit = _copy(
            Audit,
            source,
            title=title,
            cycle=cycle,
            period_start=period_start,
            period_end=period_end,
            status=DRAFT,
            revision=0,
            previous_audit_id=source.id,
            created_by=by,
        )
        db.session.add(audit)
        db.session.flush()
        _carry_people(source, audit, by)
        evidence = _carry_evidence(source, audit, linked_files)
        carried = _carry_judgements(source, audit, evidence, carry_forward)
        _carry_records(source, audit)
        questionnaires, answers = (
            (0, 0) if carry_forward else questionnaire_carry.carry(source, audit, by)
        )
        db.session.add(
            ChangeEvent(
                audit_id=audit.id,
                user=by,
                entity="audit",
                entity_id=audit.id,
                label=audit.title,
                action="created",
                old=None,
                new={
                    "started_from": source.id,
                    "carry_forward": carry_forward,
                    "judgements_carried": carried,
                    "questionnaires_carried": questionnaires,
                    "answers_carried": answers,
                },
            )
        )
        db.session.commit()
    except (SQLAlchemyError, OSError) as error:
        db.session.rollback()
        for audit_id, stored_name in linked_files:
            uploads.discard(audit_id, stored_name)
        twin = _twin(source, cycle) if isinstance(error, SQLAlchemyError) else None
        if twin is not None:
            raise AlreadyStarted(twin) from error
        raise SaveFailed(str(error)) from error
    return audit


def _twin(source: Audit, cycle: str) -> Audit | None:
    """After a refused clone: the audit that beat it to the constraint, if that was why."""
    try:
        return started_from(source, cycle)
    except SQLAlchemyError:  # the database is gone altogether: a plain SaveFailed
        db.session.rollback()
        return None


def start_next_cycle(source: Audit, by: User, plan: NextCycle) -> Audit:
    """The next cycle of ``source``: everything carried, every judgement to confirm."""
    return clone_audit(
        source,
        by,
        title=plan.title,
        cycle=plan.cycle,
        period_start=plan.period_start,
        period_end=plan.period_end,
        carry_forward=True,
    )


def _carry_people(source: Audit, audit: Audit, by: User) -> None:
    members = _rows(AuditMembership, source)
    for membership in members:
        db.session.add(_copy(AuditMembership, membership, audit_id=audit.id))
    # An administrator starting the cycle without being a member still leads it.
    if by.is_admin and all(m.user_id != by.id for m in members):
        db.session.add(AuditMembership(audit_id=audit.id, user_id=by.id, role="lead"))


def _carry_evidence(
    source: Audit, audit: Audit, linked_files: list[tuple[int, str]]
) -> dict[int, EvidenceReturn]:
    """Accepted returns of ``source`` as returns of ``audit``, keyed by their old id."""
    carried: dict[int, EvidenceReturn] = {}
    for old in _rows(EvidenceReturn, source, EvidenceReturn.status == ACCEPTED):
        new = _copy(EvidenceReturn, old, audit_id=audit.id)
        for attachment in old.attachments:
            stored_name = uploads.link_into(source.id, attachment.stored_name, audit.id)
            linked_files.append((audit.id, stored_name))
            new.attachments.append(_copy(EvidenceAttachment, attachment, stored_name=stored_name))
        db.session.add(new)
        carried[old.id] = new
    return carried


def _carry_judgements(
    source: Audit, audit: Audit, evidence: dict[int, EvidenceReturn], carry_forward: bool
) -> int:
    """Ratings and checklist cells with their evidence links, and the lead's CQC
    scores; how many were carried."""
    count = 0
    for model in (Rating, ChecklistJudgement):
        for old in _rows(model, source):
            new = _copy(
                model,
                old,
                audit_id=audit.id,
                needs_confirmation=True if carry_forward else old.needs_confirmation,
            )
            new.evidence = [evidence[e.id] for e in old.evidence if e.id in evidence]
            db.session.add(new)
            count += 1
    for old in _rows(CqcJudgement, source):
        db.session.add(
            _copy(
                CqcJudgement,
                old,
                audit_id=audit.id,
                needs_confirmation=True if carry_forward else old.needs_confirmation,
            )
        )
        count += 1
    return count


_PLAIN_RECORDS = (
    Stakeholder,
    PopulationStatistic,
    LinkedSource,
    PlanningAnswer,
    GatheringMethod,
    Finding,
    OutcomePriority,
    Priority,
    ActionPlan,
    FundingContribution,
    PublishedCarerFigure,
)


def _carry_records(source: Audit, audit: Audit) -> None:
    """Step 1, 2 and 4 records and indicators; actions keep their objectives, indicators
    their values."""
    for model in _PLAIN_RECORDS:
        for old in _rows(model, source):
            db.session.add(_copy(model, old, audit_id=audit.id))
    objectives: dict[int, Objective] = {}
    for old in _rows(Objective, source):
        objectives[old.id] = _copy(Objective, old, audit_id=audit.id)
        db.session.add(objectives[old.id])
    db.session.flush()
    for old in _rows(Action, source):
        new_objective = objectives.get(old.objective_id) if old.objective_id else None
        db.session.add(
            _copy(
                Action,
                old,
                audit_id=audit.id,
                objective_id=new_objective.id if new_objective else None,
            )
        )
    for old_indicator in _rows(Indicator, source):
        indicator = _copy(Indicator, old_indicator, audit_id=audit.id)
        for value in old_indicator.values:
            indicator.values.append(_copy(IndicatorValue, value, audit_id=audit.id))
        db.session.add(indicator)


def needing_confirmation(audit: Audit) -> tuple[list[Rating], list[ChecklistJudgement]]:
    """The carried judgements nobody has confirmed or changed yet."""
    ratings = _rows(Rating, audit, Rating.needs_confirmation.is_(True))
    cells = _rows(ChecklistJudgement, audit, ChecklistJudgement.needs_confirmation.is_(True))
    return ratings, cells


def confirm_unchanged(
    audit: Audit,
    record: Rating | ChecklistJudgement,
    loaded_version: int | None,
    user: User,
    label: str,
) -> None:
    """Confirm a carried judgement as it stands: clears its flag, in the trail.

    Raises StaleEdit if it changed since the page was loaded, SaveFailed if the
    database refuses.
    """
    entity = "rating" if isinstance(record, Rating) else "checklist"
    save(Change(audit, record, {"needs_confirmation": False}, entity, label, loaded_version), user)


@dataclass(frozen=True)
class CycleFacts:
    """What the overview offers about cycles: comparisons and the next cycle.

    Judgements to confirm are counted in the attention list (services/attention.py)."""

    can_compare: bool
    can_start_next: bool


def overview_facts(audit: Audit, role: str) -> CycleFacts:
    from audit_app.services.access import sees_judgements
    from audit_app.services.cycle_comparison import earlier_audits

    return CycleFacts(
        # The comparison is of the lead's judgements: not for a partner on a draft.
        can_compare=sees_judgements(audit, role) and bool(earlier_audits(audit, brief=True)),
        # A next cycle carries a finished year forward: from a published audit only.
        can_start_next=role == LEAD and audit.is_published,
    )
