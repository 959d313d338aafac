"""Saving a change to an audit: one transaction, a version check, and the audit trail.

Every write to a judgement, evidence return, indicator value or action goes
through `save`, so that:
- a stale page (the record's version moved on since the form was loaded) is
  refused with both versions to show, never silently overwritten;
- the audit's revision is bumped, so cached maps and charts are recomputed;
- the audit trail records who changed what, from what, to what;
- it all commits together, or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import UniqueConstraint, inspect, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from audit_app.extensions import db
from audit_app.models import Audit, ChangeEvent, User


class StaleEdit(Exception):
    """Someone else saved this record after the form was loaded."""

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__("stale edit")
        self.current = current


class SaveFailed(Exception):
    """The database refused or dropped the write; nothing was saved."""


class CreatedMeanwhile(StaleEdit, SaveFailed):
    """Someone else created this record after the form showed it missing (two
    people saving the same new cell at once): a stale edit wherever those are
    handled, else a save that did not go through; nothing was saved."""


def plain(value: Any) -> Any:
    """A JSON-safe copy of a column value, for the trail and for showing versions."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def snapshot(record: Any, fields: Iterable[str], relations: Iterable[str] = ()) -> dict[str, Any]:
    """Column values, plus each relationship as the sorted ids it points to."""
    values = {name: plain(getattr(record, name)) for name in fields}
    for name in relations:
        values[f"{name}_ids"] = sorted(item.id for item in getattr(record, name))
    return values


@dataclass(frozen=True)
class Change:
    """What to write: the record, the fields to set, and how the trail names it."""

    audit: Audit
    record: Any
    values: Mapping[str, Any]
    entity: str
    label: str
    loaded_version: int | None = None  # the version the form was loaded with
    relations: Mapping[str, list[Any]] | None = None  # e.g. {"evidence": [returns]}


def bump_revision(audit: Audit) -> int:
    """Add one to the audit's revision in the database, within the current
    transaction, and return the new value.

    The increment is done by the database (``revision = revision + 1``), which
    also locks the audit's row until the transaction ends: saves made at the same
    moment each get their own revision, so nothing cached per revision outlives a
    change. Adding one in Python to a value read earlier lost bumps.

    It is the first write of most saves, run at once, not at the commit: if the
    database refuses it, the transaction is rolled back and SaveFailed raised, as
    a refused commit is, so every form that shows SaveFailed shows this too.
    """
    try:
        if audit.id is None:
            db.session.flush()
        # No autoflush: records still being filled in are flushed later, as before;
        # and the audit's row is locked before the records' rows, in every
        # transaction alike.
        with db.session.no_autoflush:
            revision = db.session.execute(
                update(Audit)
                .where(Audit.id == audit.id)
                .values(revision=Audit.revision + 1)
                .returning(Audit.revision),
                execution_options={"synchronize_session": False},
            ).scalar_one()
    except SQLAlchemyError as error:
        db.session.rollback()
        raise SaveFailed(str(error)) from error
    # Known without being a change of ours: a later flush of the audit must not
    # write this value back over a newer one.
    set_committed_value(audit, "revision", revision)
    return int(revision)


def commit() -> None:
    """Commit the session's work, or roll it back and raise SaveFailed."""
    try:
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        raise SaveFailed(str(error)) from error


def save(change: Change, user: User, also: Callable[[], object] | None = None) -> Any:
    """Apply ``change`` in one transaction; raises StaleEdit or SaveFailed."""
    return save_all([change], user, also)[0]


def is_stale(change: Change) -> bool:
    record = change.record
    return (
        getattr(record, "id", None) is not None
        and change.loaded_version is not None
        and record.version != change.loaded_version
    )


def save_all(
    changes: list[Change], user: User, also: Callable[[], object] | None = None
) -> list[Any]:
    """Apply every change in ONE transaction, or none of them; ``also`` writes
    what goes with them (a cell's proposals answered by saving it) in that same
    transaction, after them.

    Raises StaleEdit (for the first stale record, with its current values)
    before writing anything, or SaveFailed if the database refuses.
    """
    for change in changes:
        if is_stale(change):
            raise StaleEdit(snapshot(change.record, change.values, change.relations or {}))
    new = [change for change in changes if getattr(change.record, "id", None) is None]
    try:
        for change in changes:
            _apply(change, user)
        if also is not None:
            also()
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        record = changes[0].record
        db.session.refresh(record)
        raise StaleEdit(snapshot(record, changes[0].values, changes[0].relations or {})) from error
    except IntegrityError as error:
        db.session.rollback()
        # A record this form saw as missing was created by someone else meanwhile
        # (two people saving the same new cell at once): theirs is the saved version.
        for change in new:
            twin = created_meanwhile(change.record)
            if twin is not None:
                current = snapshot(twin, change.values, change.relations or {})
                raise CreatedMeanwhile(current) from error
        raise SaveFailed(str(error)) from error
    except SQLAlchemyError as error:
        db.session.rollback()
        raise SaveFailed(str(error)) from error
    return [change.record for change in changes]


def created_meanwhile(record: Any) -> Any | None:
    """The saved record that holds the same unique key as the unsaved ``record``, if any."""
    model = type(record)
    for constraint in inspect(model).local_table.constraints:
        if not isinstance(constraint, UniqueConstraint):
            continue
        key = {column.key: getattr(record, column.key, None) for column in constraint.columns}
        if None in key.values():
            continue
        twin = db.session.scalars(select(model).filter_by(**key)).first()
        if twin is not None:
            return twin
    return None


def _apply(change: Change, user: User) -> None:
    """Set the values, bump the audit revision and write the trail entry (no commit)."""
    record = change.record
    is_new = getattr(record, "id", None) is None
    fields = list(change.values)
    relations = dict(change.relations or {})
    old = None if is_new else snapshot(record, fields, relations)
    for name, value in {**change.values, **relations}.items():
        setattr(record, name, value)
    new = snapshot(record, fields, relations)
    if old == new:
        return
    record.updated_by = user
    bump_revision(change.audit)
    db.session.add(record)
    db.session.flush()
    if old is not None:
        old, new = (
            {k: v for k, v in old.items() if new.get(k) != v},
            {k: v for k, v in new.items() if old.get(k) != v},
        )
    db.session.add(
        ChangeEvent(
            audit_id=change.audit.id,
            user=user,
            entity=change.entity,
            entity_id=record.id,
            label=change.label,
            action="created" if is_new else "changed",
            old=old,
            new=new,
        )
    )


def remove(
    audit: Audit, record: Any, entity: str, label: str, fields: Iterable[str], user: User
) -> None:
    """Delete ``record``, keeping what it held in the audit trail."""
    old = snapshot(record, fields)
    bump_revision(audit)
    db.session.add(
        ChangeEvent(
            audit_id=audit.id,
            user=user,
            entity=entity,
            entity_id=record.id,
            label=label,
            action="removed",
            old=old,
            new=None,
        )
    )
    db.session.delete(record)
    commit()
