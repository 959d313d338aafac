"""Changing a draft audit's details: its title, the carers it covers, its period and
purpose; with a stale-save check and an entry in the audit trail.

Taking a group out of scope deletes nothing: its ratings and checklist judgements
stay in the database, hidden from the grids, maps and reports, and show again if
the group is put back (the same rule as tailoring, services.tailoring).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from audit_app.extensions import db
from audit_app.models import Audit, ChangeEvent, ChecklistJudgement, Rating, User
from audit_app.services.changes import StaleEdit, bump_revision, commit, plain
from audit_app.services.frameworks import framework_of
from audit_app.services.scope import assessed_groups, scope_description
from hub_model.framework_schema import Framework

FIELDS = ("title", "scope", "period_start", "period_end", "description")
ENTITY = "audit"


def details(audit: Any) -> dict[str, Any]:
    """The audit's details as plain values (dates as ISO text)."""
    return {name: plain(getattr(audit, name)) for name in FIELDS}


def fingerprint(audit: Any) -> str:
    """A short digest of the details: the form's version. Any change to them (here,
    or a local group added to the scope while tailoring) changes it."""
    text = json.dumps(details(audit), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def change(audit: Audit, values: Mapping[str, Any], loaded: str, user: User) -> bool:
    """Save ``values`` over the audit's details; False if they were unchanged.

    Raises StaleEdit if the details changed after the form was loaded at ``loaded``,
    or SaveFailed if the database refuses; nothing is saved then."""
    if loaded != fingerprint(audit):
        raise StaleEdit(details(audit))
    old = details(audit)
    values = dict(values)
    if set(values["scope"]) == set(audit.scope or []):  # the same groups: not a change
        values["scope"] = list(audit.scope or [])
    new = {**old, **{name: plain(values[name]) for name in FIELDS}}
    if old == new:
        return False
    for name in FIELDS:
        setattr(audit, name, values[name])
    bump_revision(audit)
    db.session.add(
        ChangeEvent(
            audit_id=audit.id,
            user=user,
            entity=ENTITY,
            entity_id=audit.id,
            label=str(values["title"]),
            action="changed",
            old={k: v for k, v in old.items() if new[k] != v},
            new={k: v for k, v in new.items() if old[k] != v},
        )
    )
    commit()
    return True


def last_change(audit: Audit) -> ChangeEvent | None:
    """The newest change to the details, to say who saved them and when."""
    return db.session.scalars(
        select(ChangeEvent)
        .where(ChangeEvent.audit_id == audit.id, ChangeEvent.entity == ENTITY)
        .order_by(ChangeEvent.id.desc())
    ).first()


def saved_by(audit: Audit) -> SimpleNamespace:
    """Who saved the details last and when (their creator, if never changed)."""
    event = last_change(audit)
    if event is None:
        return SimpleNamespace(updated_by=audit.created_by, updated_at=audit.created_at)
    return SimpleNamespace(updated_by=event.user, updated_at=event.at)


def describe(values: Mapping[str, Any], framework: Framework) -> list[tuple[str, str]]:
    """Details (the audit's, or as typed) as (label, value) rows, in the form's words."""

    def day(value: Any) -> str:
        return value.strftime("%-d %B %Y") if isinstance(value, date) else ""

    return [
        ("Audit title", str(values["title"] or "")),
        ("Carers covered", scope_description(SimpleNamespace(scope=values["scope"]), framework)),
        ("Start of the period", day(values["period_start"])),
        ("End of the period", day(values["period_end"])),
        ("Why this audit, and what it should lead to", str(values["description"] or "")),
    ]


def compared(audit: Audit, typed: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    """The audit's saved details beside what was typed: (label, theirs, differs)."""
    framework = framework_of(audit)
    theirs = describe({name: getattr(audit, name) for name in FIELDS}, framework)
    yours = dict(describe(typed, framework))
    return [(label, value, yours.get(label) != value) for label, value in theirs]


@dataclass(frozen=True)
class Judged:
    """A group in scope with judgements that leaving scope would hide."""

    name: str
    ratings: int
    checklist: int


def judged_groups(audit: Audit) -> list[Judged]:
    """The groups now in scope that have ratings or checklist judgements."""
    framework = framework_of(audit)
    counts: dict[str, list[int]] = {}
    for index, model in enumerate((Rating, ChecklistJudgement)):
        rows = db.session.execute(
            select(model.group_code, func.count())
            .where(model.audit_id == audit.id)
            .group_by(model.group_code)
        )
        for code, count in rows:
            counts.setdefault(code, [0, 0])[index] = count
    return [
        Judged(group.name, *counts[group.code])
        for group in assessed_groups(audit, framework)  # a whole-area audit's groups too
        if group.code in counts
    ]
