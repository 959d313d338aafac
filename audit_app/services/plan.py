"""Step 4 of an audit (§9): priorities agreed with carers, and the action plan.

The plan has seed 001's shape: a header (strategic outcomes, key risks),
objectives grouping actions (target or measure, timescale, leads, resources),
dated progress updates with seed 002's four-level RAG, and partners' funding.
Every lookup is scoped by the audit; every write goes through `changes`, except
progress updates, which are append-only and have no version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from audit_app.extensions import db
from audit_app.models import Audit, ChangeEvent, User
from audit_app.models.plan import (
    Action,
    ActionPlan,
    ActionUpdate,
    FundingContribution,
    Objective,
    Priority,
)
from audit_app.services import changes
from hub_model import action_plan as progress_model
from hub_model.framework_schema import Framework
from hub_model.scales import Rag4, label

# The method asks for three priority changes agreed with carers (§9).
PRIORITIES_ASKED = 3
RANKS = range(1, 10)

# Seed 002's meanings of the four levels, worst last as the seed lists them.
RAG_MEANINGS = {
    Rag4.GREEN.value: "Commitment met",
    Rag4.GREEN_AMBER.value: "Commitment delayed, low impact",
    Rag4.RED_AMBER.value: "Commitment delayed, medium impact",
    Rag4.RED.value: "Risk of not delivering, or high impact",
}
RAG_TAGS = {
    Rag4.GREEN.value: "govuk-tag--green",
    Rag4.GREEN_AMBER.value: "govuk-tag--yellow",
    Rag4.RED_AMBER.value: "govuk-tag--orange",
    Rag4.RED.value: "govuk-tag--red",
    Rag4.NOT_RATED.value: "govuk-tag--grey",
}
PROGRESS_RULE = progress_model.RULE


@dataclass(frozen=True)
class Entity:
    """How a kind of record is named in the audit trail and which fields it keeps."""

    model: type[Any]
    name: str
    fields: tuple[str, ...]


PRIORITY = Entity(Priority, "priority", ("rank", "title", "description", "carers_said", "outcomes"))
# The summary for the board (the report's first page), in the order it is shown.
BOARD_SUMMARY = (
    ("overall_position", "Overall position"),
    ("achievements", "Top achievements"),
    ("challenges", "Key challenges"),
    ("board_decisions", "Decisions asked of the board"),
)
HEADER = Entity(
    ActionPlan,
    "action plan",
    ("strategic_outcomes", "key_risks", *(name for name, _ in BOARD_SUMMARY)),
)
OBJECTIVE = Entity(Objective, "objective", ("position", "title"))
ACTION = Entity(
    Action,
    "action",
    (
        "objective_id",
        "description",
        "target_measure",
        "due_by",
        "timescale",
        "leads",
        "capacity",
        "service",
        "interventions",
        "sub_outcomes",
        "groups",
        "kind_of_change",
        "commissioning_route",
    ),
)
FUNDING = Entity(FundingContribution, "funding", ("partner", "amount", "breaks_share", "notes"))


def label_of(entity: Entity, values: Mapping[str, Any]) -> str:
    """How the trail and confirmation pages name a record, from its values."""
    if entity is HEADER:
        text = "Action plan"
    elif entity is ACTION:
        text = str(values.get("description") or "")
    elif entity is FUNDING:
        text = str(values.get("partner") or "")
    else:
        text = str(values.get("title") or "")
    return text[:300]


def label_of_record(entity: Entity, record: Any) -> str:
    return label_of(entity, {name: getattr(record, name) for name in entity.fields})


# Lists and lookups, always within one audit.


def priorities(audit: Audit) -> list[Priority]:
    query = select(Priority).where(Priority.audit_id == audit.id)
    return list(db.session.scalars(query.order_by(Priority.rank, Priority.id)))


def header(audit: Audit) -> ActionPlan | None:
    return db.session.scalar(select(ActionPlan).where(ActionPlan.audit_id == audit.id))


def objectives(audit: Audit) -> list[Objective]:
    """The objectives in order, each with its actions and their updates loaded (the
    plan and the report show every action's latest update: no query per action)."""
    query = select(Objective).where(Objective.audit_id == audit.id)
    query = query.options(selectinload(Objective.actions).selectinload(Action.updates))
    return list(db.session.scalars(query.order_by(Objective.position, Objective.id)))


def actions(audit: Audit, updates: bool = True) -> list[Action]:
    """The actions, each with its updates loaded (``updates``: a page showing them)."""
    query = select(Action).where(Action.audit_id == audit.id)
    if updates:
        query = query.options(selectinload(Action.updates))
    return list(db.session.scalars(query.order_by(Action.id)))


def funding(audit: Audit) -> list[FundingContribution]:
    query = select(FundingContribution).where(FundingContribution.audit_id == audit.id)
    return list(db.session.scalars(query.order_by(FundingContribution.partner)))


def record_or_404(entity: Entity, audit: Audit, record_id: int) -> Any:
    """The record of this audit with this id; 404 if it is missing or another audit's."""
    record = db.session.get(entity.model, record_id)
    if record is None or record.audit_id != audit.id:
        abort(404)
    return record


def next_position(audit: Audit) -> int:
    return max((objective.position for objective in objectives(audit)), default=0) + 1


# The plan page.


def unfiled(audit: Audit) -> list[Action]:
    """Actions not under an objective (theirs was deleted, or none was chosen)."""
    return [action for action in actions(audit) if action.objective_id is None]


def latest(action: Action) -> ActionUpdate | None:
    """The latest update by date (the last saved, for a tie)."""
    updates = history(action)
    return updates[0] if updates else None


def history(action: Action, newest_first: bool = True) -> list[ActionUpdate]:
    """Every dated progress update of the action, by date (then as saved)."""
    ordered = sorted(action.updates, key=lambda u: (u.on, u.id or 0))
    return ordered[::-1] if newest_first else ordered


def rag_of(action: Action) -> str:
    update = latest(action)
    return update.rag if update is not None else Rag4.NOT_RATED.value


def rag_label(value: str) -> str:
    try:
        return label(Rag4(value))
    except ValueError:
        return value


@dataclass(frozen=True)
class Progress:
    """The plan's progress summary, ready to show."""

    total: int
    rows: list[tuple[str, str, int, str]]  # (rag, label, count, share)
    not_rated: int
    overdue: list[str]


def progress(audit_actions: list[Action], today: date) -> Progress:
    """Counts and shares per RAG level, not rated apart, overdue actions by name."""
    modelled = [
        progress_model.Action(
            code=str(action.id),
            timescale=action.due_by,
            updates=tuple(
                progress_model.ProgressUpdate(update.on, Rag4(update.rag), update.commentary)
                for update in action.updates
            ),
        )
        for action in audit_actions
    ]
    summary = progress_model.summarise_progress(modelled, today)
    names = {str(action.id): action.description for action in audit_actions}
    rows = [
        (grade.value, label(grade), summary.count(grade), summary.share(grade))
        for grade in (Rag4.GREEN, Rag4.GREEN_AMBER, Rag4.RED_AMBER, Rag4.RED)
    ]
    return Progress(
        total=summary.actions,
        rows=rows,
        not_rated=summary.not_rated,
        overdue=[names[code] for code in summary.overdue or ()],
    )


def funding_total(rows: list[FundingContribution]) -> Decimal:
    return sum((row.amount for row in rows), Decimal(0))


def breaks_total(rows: list[FundingContribution]) -> Decimal:
    """How much of the funding is spent on breaks, where the share is known."""
    return sum(
        (row.amount * row.breaks_share / 100 for row in rows if row.breaks_share is not None),
        Decimal(0),
    ).quantize(Decimal("0.01"))


def money(value: Decimal | None) -> str:
    return "" if value is None else f"£{value:,.2f}"


def percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}%"


def plain_number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


# Names for codes, tolerant of codes a tailored framework no longer has.


def _named(items: list[tuple[str, str]], code: str | None) -> str:
    return dict(items).get(code or "", code or "")


def outcome_names(framework: Framework, codes: list[str] | None) -> str:
    known = {outcome.code: outcome.short_title for outcome in framework.outcomes}
    return ", ".join(f"{code}. {known.get(code, '')}".rstrip(". ") for code in codes or [])


def intervention_names(framework: Framework, codes: list[str] | None) -> str:
    known = {item.code: item.name for item in framework.interventions}
    return ", ".join(known.get(code, code) for code in codes or [])


def group_names(framework: Framework, codes: list[str] | None) -> str:
    known = {group.code: group.name for group, _ in framework.groups_flat()}
    return ", ".join(known.get(code, code) for code in codes or [])


def list_label(framework: Framework, name: str, code: str | None) -> str:
    try:
        items = framework.list_items(name)
    except KeyError:
        return code or ""
    return _named([(item.code, item.label) for item in items], code)


def leads_text(leads: list[dict[str, Any]] | None) -> str:
    return "; ".join(
        ", ".join(part for part in (lead.get("post"), lead.get("organisation")) if part)
        for lead in leads or []
    )


def describe(entity: Entity, framework: Framework, record: Any) -> list[tuple[str, str]]:
    """A record as (label, value) rows, for showing a saved version after a stale save."""
    if entity is PRIORITY:
        return [
            ("Rank", str(record.rank)),
            ("Title", record.title),
            ("Description", record.description or ""),
            ("What carers said", record.carers_said or ""),
            ("Outcomes", outcome_names(framework, record.outcomes)),
        ]
    if entity is HEADER:
        return [
            ("Strategic outcomes sought", record.strategic_outcomes or ""),
            ("Key risks", record.key_risks or ""),
            *((label, getattr(record, name) or "") for name, label in BOARD_SUMMARY),
        ]
    if entity is OBJECTIVE:
        return [("Order", str(record.position)), ("Objective", record.title)]
    if entity is ACTION:
        return [
            ("Objective", record.objective.title if record.objective else ""),
            ("Action", record.description),
            ("Target or measure", record.target_measure or ""),
            ("Due by", record.due_by.strftime("%-d %B %Y") if record.due_by else ""),
            ("Timescale", record.timescale or ""),
            ("Leads", leads_text(record.leads)),
            ("Capacity", record.capacity or ""),
            ("Service", record.service or ""),
            ("Interventions", intervention_names(framework, record.interventions)),
            ("Sub-outcomes", ", ".join(record.sub_outcomes or [])),
            ("Carer groups", group_names(framework, record.groups)),
            ("Kind of change", list_label(framework, "kinds_of_change", record.kind_of_change)),
            (
                "Commissioning route",
                list_label(framework, "commissioning_routes", record.commissioning_route),
            ),
        ]
    return [
        ("Partner", record.partner),
        ("Amount", money(record.amount)),
        ("Spent on breaks", percent(record.breaks_share)),
        ("Notes", record.notes or ""),
    ]


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
    return changes.save(
        changes.Change(
            audit, record, values, entity.name, label_of(entity, values), loaded_version
        ),
        user,
    )


def remove(entity: Entity, audit: Audit, record: Any, user: User) -> None:
    changes.remove(audit, record, entity.name, label_of_record(entity, record), entity.fields, user)


def add_update(
    audit: Audit, action: Action, on: date, rag: str, commentary: str, user: User
) -> ActionUpdate:
    """Append a dated progress update, with its trail entry, in one transaction."""
    update = ActionUpdate(action=action, on=on, rag=rag, commentary=commentary, author=user)
    db.session.add(update)  # before any read that autoflushes
    changes.bump_revision(audit)
    db.session.add(
        ChangeEvent(
            audit_id=audit.id,
            user=user,
            entity=ACTION.name,
            entity_id=action.id,
            label=label_of_record(ACTION, action),
            action="changed",
            old=None,
            new={"update": {"on": on.isoformat(), "rag": rag, "commentary": commentary}},
        )
    )
    changes.commit()
    return update
