"""Step 2 of an audit (§7, §9.1): understand needs and outcomes.

The planning questions asked before gathering, the information-gathering plan,
what each gathering exercise found, and the outcomes local carers say matter
most. Every lookup is scoped by the audit, so an id from another audit is a
404, never a record. Every write goes through `changes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import abort
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from audit_app.extensions import db
from audit_app.models import (
    Audit,
    ChangeEvent,
    Finding,
    GatheringMethod,
    OutcomePriority,
    PlanningAnswer,
    User,
)
from audit_app.services import changes
from audit_app.services.changes import SaveFailed, StaleEdit
from hub_model.framework_schema import Framework

# (code, short name, question): what to settle before gathering anything (§7.2, §9.1).
PLANNING_QUESTIONS: list[tuple[str, str, str]] = [
    ("risks_gaps", "risks and gaps", "What are the greatest perceived risks or gaps?"),
    ("least_known", "groups we know least about", "Which groups of carers do we know least about?"),
    ("lead_to_change", "changes", "Will this information lead to changes?"),
    ("proportionate", "cost", "Is the cost of gathering this information proportionate?"),
    ("focus", "focus", "What do different groups want us to focus on?"),
    (
        "three_changes",
        "three changes",
        "If we could make only three changes, what would carers want them to be?",
    ),
    ("measures", "measures", "Which measures would show those changes?"),
    ("quick_wins", "quick wins", "Which quick wins need no extra resources?"),
    ("legacy", "legacy", "What should the legacy of this work be?"),
]
QUESTION_CODES = [code for code, _, _ in PLANNING_QUESTIONS]

METHODS = {
    "questionnaire": "Questionnaire",
    "focus_group": "Focus group",
    "consultation_day": "Consultation day",
    "carers_as_researchers": "Carers as researchers",
    "interviews": "Interviews",
    "visits_or_calls": "Visits or phone calls",
    "other": "Other",
}
FINDING_METHODS = {code: label for code, label in METHODS.items() if code != "questionnaire"}


@dataclass(frozen=True)
class Entity:
    """How a kind of record is named in the audit trail and which fields it keeps."""

    model: type[Any]
    name: str
    fields: tuple[str, ...]


METHOD = Entity(
    GatheringMethod,
    "gathering method",
    (
        "method",
        "description",
        "groups",
        "costs",
        "cost_amount",
        "alternatives",
        "planned_for",
    ),
)
FINDING = Entity(
    Finding,
    "finding",
    ("method", "held_on", "participants", "groups", "key_messages", "outcomes"),
)
ANSWER_FIELDS = ("question", "answer")
PRIORITY_FIELDS = ("outcome", "rank", "said_by")


def method_label(code: str) -> str:
    return METHODS.get(code, code)


def label_of(entity: Entity, values: Mapping[str, Any]) -> str:
    """How the audit trail and confirmation pages name a record, from its values."""
    label = method_label(str(values.get("method") or ""))
    when = values.get("held_on") if entity is FINDING else values.get("planned_for")
    if isinstance(when, date):
        label += f", {when.day} {when:%B %Y}"
    return label[:300]


def label_of_record(entity: Entity, record: Any) -> str:
    return label_of(entity, {name: getattr(record, name) for name in entity.fields})


# Lists and lookups, always within one audit.


def answers(audit: Audit) -> dict[str, PlanningAnswer]:
    query = select(PlanningAnswer).where(PlanningAnswer.audit_id == audit.id)
    return {answer.question: answer for answer in db.session.scalars(query)}


def methods(audit: Audit) -> list[GatheringMethod]:
    query = select(GatheringMethod).where(GatheringMethod.audit_id == audit.id)
    rows = list(db.session.scalars(query.order_by(GatheringMethod.id)))
    # Planned ones by date, then the undated, in the order they were added.
    return sorted(rows, key=lambda row: (row.planned_for is None, row.planned_for or date.min))


def findings(audit: Audit) -> list[Finding]:
    query = select(Finding).where(Finding.audit_id == audit.id)
    return list(db.session.scalars(query.order_by(Finding.held_on.desc(), Finding.id)))


def priorities(audit: Audit) -> list[OutcomePriority]:
    query = select(OutcomePriority).where(OutcomePriority.audit_id == audit.id)
    return list(db.session.scalars(query.order_by(OutcomePriority.rank, OutcomePriority.id)))


def record_or_404(entity: Entity, audit: Audit, record_id: int) -> Any:
    """The record of this audit with this id; 404 if it is missing or another audit's."""
    record = db.session.get(entity.model, record_id)
    if record is None or record.audit_id != audit.id:
        abort(404)
    return record


# Names for codes, tolerant of codes a tailored framework no longer has.


def group_name(framework: Framework, code: str) -> str:
    try:
        return framework.group(code).name
    except KeyError:
        return code


def group_names(framework: Framework, codes: list[str] | None) -> list[str]:
    return [group_name(framework, code) for code in codes or []]


def outcome_title(framework: Framework, code: str) -> str:
    for outcome in framework.adult_outcomes():
        if outcome.code == code:
            return f"{outcome.code}. {outcome.short_title}"
    return code


def place(rank: int) -> str:
    """1st, 2nd, 3rd, 4th... 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def ranked_outcome(framework: Framework, place_number: int, code: str) -> str:
    """A ranked outcome as "1st: Mentally and physically well (outcome 4)": the
    outcome's own number after its name, so that it is not read as a second rank."""
    for outcome in framework.outcomes:
        if outcome.code == code:
            return f"{place(place_number)}: {outcome.short_title} (outcome {code})"
    return f"{place(place_number)}: outcome {code}"


def outcome_titles(framework: Framework, codes: list[str] | None) -> list[str]:
    return [outcome_title(framework, code) for code in codes or []]


def money(value: Decimal | None) -> str:
    return "" if value is None else f"£{value:,.2f}"


def plain_number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def describe(entity: Entity, framework: Framework, record: Any) -> list[tuple[str, str]]:
    """A record as (label, value) rows in the users' words, for showing a saved version."""
    groups = ", ".join(group_name(framework, code) for code in record.groups or [])
    if entity is METHOD:
        return [
            ("Method", method_label(record.method)),
            ("Description", record.description or ""),
            ("Carer groups reached", groups),
            ("Costs of engagement", record.costs or ""),
            ("Cost", money(record.cost_amount)),
            ("Alternatives", record.alternatives or ""),
            ("Planned for", _date(record.planned_for)),
        ]
    return [
        ("Method", method_label(record.method)),
        ("Date held", _date(record.held_on)),
        ("Participants", "" if record.participants is None else str(record.participants)),
        ("Carer groups", groups),
        ("Key messages", record.key_messages),
        (
            "Outcomes touched",
            ", ".join(outcome_title(framework, code) for code in record.outcomes or []),
        ),
    ]


def _date(value: date | None) -> str:
    return "" if value is None else f"{value.day} {value:%B %Y}"


# Writes.


def save(
    entity: Entity,
    audit: Audit,
    record: Any | None,
    values: Mapping[str, Any],
    loaded_version: int | None,
    user: User,
) -> Any:
    """Create (record None) or change a record; raises StaleEdit or SaveFailed."""
    if record is None:
        record = entity.model(audit_id=audit.id)
        loaded_version = None
    label = label_of(entity, values)
    return changes.save(
        changes.Change(audit, record, values, entity.name, label, loaded_version), user
    )


def remove(entity: Entity, audit: Audit, record: Any, user: User) -> None:
    label = label_of_record(entity, record)
    changes.remove(audit, record, entity.name, label, entity.fields, user)


def save_answers(
    audit: Audit, typed: Mapping[str, tuple[str | None, int | None]], user: User
) -> tuple[int, dict[str, PlanningAnswer]]:
    """Save each changed planning answer, in one transaction.

    ``typed`` maps a question code to (answer, the version the form was loaded
    with; None if there was no answer then). An answer someone else changed
    since is not overwritten: it is returned, by question, with the count of
    answers saved. Raises SaveFailed if the database refuses.
    """
    saved = answers(audit)
    questions = {code: question for code, _, question in PLANNING_QUESTIONS}
    to_save: list[changes.Change] = []
    stale: dict[str, PlanningAnswer] = {}
    for code, (text, loaded) in typed.items():
        current = saved.get(code)
        if current is None:
            if not text:
                continue
            if loaded is not None:  # it was there when loaded, and has been removed since
                continue
            record = PlanningAnswer(audit_id=audit.id, question=code)
        else:
            if (current.answer or None) == (text or None):
                continue
            if loaded != current.version:
                stale[code] = current
                continue
            record = current
        to_save.append(
            changes.Change(
                audit,
                record,
                {"question": code, "answer": text or None},
                "planning answer",
                questions[code][:300],
                None if current is None else loaded,
            )
        )
    if to_save:
        try:
            changes.save_all(to_save, user)
        except StaleEdit as error:  # a colleague saved between the check and the write
            raise SaveFailed("stale") from error
    return len(to_save), stale


def save_priorities(
    audit: Audit,
    framework: Framework,
    typed: Mapping[str, tuple[int | None, str | None, int | None]],
    user: User,
) -> None:
    """Set every outcome's rank and who said so, in one transaction, or none of them.

    ``typed`` maps an outcome code to (rank or None for not ranked, who said
    so, the version the form was loaded with or None if it was not ranked).
    Raises StaleEdit if any of them changed since, SaveFailed if the database refuses.
    """
    current = {row.outcome: row for row in priorities(audit)}
    to_save: list[changes.Change] = []
    to_remove: list[OutcomePriority] = []
    for code, (rank, said_by, loaded) in typed.items():
        row = current.get(code)
        if row is not None and loaded != row.version:
            raise StaleEdit(changes.snapshot(row, PRIORITY_FIELDS))
        if row is None and loaded is not None:
            raise StaleEdit({})  # someone removed it since the form was loaded
        label = outcome_title(framework, code)
        if rank is None:
            if row is not None:
                to_remove.append(row)
            continue
        record = row if row is not None else OutcomePriority(audit_id=audit.id, outcome=code)
        values = {"outcome": code, "rank": rank, "said_by": said_by or None}
        to_save.append(changes.Change(audit, record, values, "outcome priority", label, loaded))
    try:
        for row in to_remove:
            _stage_removal(audit, row, outcome_title(framework, row.outcome), user)
        if to_remove:
            db.session.flush()
    except SQLAlchemyError as error:
        db.session.rollback()
        raise SaveFailed(str(error)) from error
    if to_save:
        changes.save_all(to_save, user)  # commits the removals with them
    elif to_remove:
        try:
            db.session.commit()
        except SQLAlchemyError as error:
            db.session.rollback()
            raise SaveFailed(str(error)) from error


def _stage_removal(audit: Audit, record: OutcomePriority, label: str, user: User) -> None:
    """Delete ``record`` and write its trail entry, without committing."""
    changes.bump_revision(audit)
    db.session.add(
        ChangeEvent(
            audit_id=audit.id,
            user=user,
            entity="outcome priority",
            entity_id=record.id,
            label=label,
            action="removed",
            old=changes.snapshot(record, PRIORITY_FIELDS),
            new=None,
        )
    )
    db.session.delete(record)
