"""Tailoring an audit's framework snapshot (§5.2: "add, remove or redefine").

hub_model.tailoring holds the rules and says in plain words what each change
did; this module applies a change to the audit in one transaction and keeps
the record:
- the snapshot is replaced by the tailored one (its own change history grows);
- the audit trail gets who, when, and what changed;
- a framework changed by someone else since the form was loaded is refused;
- removing an intervention never deletes its ratings: they stay in the database
  and in the trail (their values are written into the removal's trail entry),
  and would show again if the intervention were added back with the same code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from audit_app.extensions import db
from audit_app.models import Action, Audit, ChangeEvent, Rating, RatingProposal, User
from audit_app.services.changes import bump_revision, commit
from audit_app.services.frameworks import framework_of
from hub_model import tailoring
from hub_model.framework import framework_to_dict
from hub_model.framework_schema import Framework

TailoringError = tailoring.TailoringError


class FrameworkChanged(Exception):
    """Someone tailored the framework after the form was loaded."""


def change_count(audit: Audit) -> int:
    """How many tailoring changes the snapshot records: the form's version."""
    return len(audit.framework.get("changes") or ())


def code_for(name: str, existing: list[str]) -> str:
    """A code for a local item from its name: lower-case words joined by underscores."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40].strip("_") or "local"
    if not base[0].isalpha():
        base = f"local_{base}"
    code, number = base, 2
    while code in existing:
        code, number = f"{base}_{number}", number + 1
    return code


@dataclass(frozen=True)
class Usage:
    """What depends on an intervention: shown before it is removed."""

    ratings: int
    proposals: int
    actions: int

    @property
    def any(self) -> bool:
        return bool(self.ratings or self.proposals or self.actions)


def usage(audit: Audit, code: str) -> Usage:
    return usages(audit).get(code, Usage(0, 0, 0))


def usages(audit: Audit) -> dict[str, Usage]:
    """Each intervention's ratings, proposals and actions, in three queries whatever
    the number of interventions (the framework page shows them all)."""
    ratings = dict(
        db.session.execute(
            select(Rating.intervention, func.count())
            .where(Rating.audit_id == audit.id)
            .group_by(Rating.intervention)
        ).all()
    )
    proposals = dict(
        db.session.execute(
            select(RatingProposal.intervention, func.count())
            .where(RatingProposal.audit_id == audit.id)
            .group_by(RatingProposal.intervention)
        ).all()
    )
    actions: dict[str, int] = {}
    for interventions in db.session.scalars(
        select(Action.interventions).where(Action.audit_id == audit.id)
    ):
        for code in set(interventions or []):
            actions[code] = actions.get(code, 0) + 1
    return {
        code: Usage(ratings.get(code, 0), proposals.get(code, 0), actions.get(code, 0))
        for code in {*ratings, *proposals, *actions}
    }


def changes_since(audit: Audit, loaded_changes: int) -> list[ChangeEvent]:
    """The tailoring changes saved since a form was loaded at ``loaded_changes``, newest
    first, each with who made it and when (to show beside what was typed)."""
    count = max(change_count(audit) - loaded_changes, 0)
    if not count:
        return []
    query = (
        select(ChangeEvent)
        .where(ChangeEvent.audit_id == audit.id, ChangeEvent.entity == "framework")
        .order_by(ChangeEvent.id.desc())
        .limit(count)
    )
    return list(db.session.scalars(query))


def apply(
    audit: Audit,
    by: User,
    loaded_changes: int,
    change: Callable[[Framework], Framework],
    label: str,
    extra_old: dict[str, object] | None = None,
    add_to_scope: str | None = None,
) -> Framework:
    """Tailor the audit's framework with ``change``; raises TailoringError,
    FrameworkChanged or SaveFailed, and changes nothing then."""
    if change_count(audit) != loaded_changes:
        raise FrameworkChanged()
    before = framework_of(audit)
    after = change(before)
    record = after.changes[-1]
    audit.framework = framework_to_dict(after)
    if add_to_scope and audit.scope:
        audit.scope = [*audit.scope, add_to_scope]
    bump_revision(audit)
    db.session.add(
        ChangeEvent(
            audit_id=audit.id,
            user=by,
            entity="framework",
            entity_id=audit.id,
            label=label,
            action="tailored",
            old=extra_old,
            new={"kind": record.kind.value, "target": record.target, "detail": record.detail},
        )
    )
    commit()
    return after


def ratings_kept(audit: Audit, code: str) -> dict[str, object]:
    """The ratings of an intervention about to be removed, for the trail."""
    rows = db.session.scalars(
        select(Rating).where(Rating.audit_id == audit.id, Rating.intervention == code)
    )
    return {
        "ratings": [
            {
                "group": rating.group_code,
                "rag": rating.rag,
                "maturity": rating.maturity,
                "rationale": rating.rationale,
            }
            for rating in rows
        ]
    }
