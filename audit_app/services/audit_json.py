"""The whole audit as one JSON document, and importing it back as a new draft.

Generic over the SQLAlchemy metadata: a table belongs to an audit when it has a
foreign key to the audit or to a table that does (rating -> audit,
rating_evidence -> rating, evidence_attachment -> evidence_return, ...), so a
table a later area adds under an audit is exported and imported without a
change here. Rows keep their ids in the file; people are named by email and
name only, organisations by name and kind.

On import the file is first checked whole (services.audit_json_check: size,
nesting, every value's type, the framework and the codes rows name), so a
tampered file is refused with a list of its problems before anything is
written. Every id is new: foreign keys into the audit's own rows are remapped,
people are matched by email but only to accounts of the chosen area (its own
people, or members of its audits), so a file cannot put its history in the
name of someone elsewhere (someone not matched: an optional reference is left
empty, shown as an unknown person, a required one becomes the person
importing), and organisations by name likewise (a required one becomes the
chosen area). The import is one transaction: it all goes in, or nothing does.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Table, and_, false, or_, select
from sqlalchemy.exc import SQLAlchemyError

from audit_app.backup import _decode, _encode, _revision
from audit_app.extensions import db
from audit_app.models import (
    Audit,
    AuditMembership,
    ChangeEvent,
    EvidenceReturn,
    Organisation,
    User,
)
from audit_app.models.audit import DRAFT, LEAD
from audit_app.models.types import utcnow
from audit_app.services import audit_json_check as checks
from audit_app.services import evidence, indicator_checks

FORMAT = "carers-hub-audit/1"
ROOT = "audit"
PEOPLE = "user_account"
ORGANISATIONS = "organisation"

# Hanging off an audit but never in the file.
NOT_EXPORTED = {
    "invitation": "Invitations: their links are secrets and work only for the audit they were sent for.",
    "report_pdf": "PDFs of the report: each was made for the person who asked for it; "
    "make a new one from the imported audit.",
}
# In the file, for the record, but not imported: the import is a new draft, with
# its own people.
NOT_IMPORTED = {
    "audit_membership": "Who takes part: the person importing becomes the lead and invites the others.",
    "publication": "Publication records: the imported audit is a new, unpublished draft.",
    "commissioner_comment": "Commissioners' comments: they belong to the published version they were made on.",
    "agreement": "Commissioners' agreement: it belongs to the published version it was given on.",
}
# Values an imported copy must not share with the original (None: left empty).
RESET: dict[tuple[str, str], None] = {
    ("feedback_summary", "public_token"): None,  # the public link stays with the original
    ("feedback_summary", "published_at"): None,
    ("questionnaire", "public_token"): None,  # the carers' survey link stays with the original
    ("change_event", "entity_id"): None,  # names rows by their old ids (but see TRAIL_TARGETS)
}
# Trail entries naming an evidence return point at its copy, so that they follow the
# return's visibility rule (services.evidence.trail_rule) in the imported audit too.
TRAIL_TARGETS = {evidence.ENTITY: EvidenceReturn.__tablename__}
ATTACHMENTS_NOTE = (
    "Evidence attachments: their names, types and sizes are in the file, but not "
    "the files themselves; the imported audit lists them without contents."
)


class ImportFailed(Exception):
    """The document cannot be imported; the message says why, for the person importing,
    and ``problems`` lists each thing wrong with the file's contents."""

    def __init__(self, message: str, problems: list[checks.Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def audit_tables() -> list[Table]:
    """Every table that belongs to an audit, parents before children."""
    owned = {ROOT}
    for table in db.metadata.sorted_tables:
        if table.name in owned or table.name in NOT_EXPORTED:
            continue
        if any(fk.column.table.name in owned for fk in table.foreign_keys):
            owned.add(table.name)
    return [table for table in db.metadata.sorted_tables if table.name in owned]


def _owning_columns(table: Table, tables: set[str]) -> list[Column[Any]]:
    return [
        fk.parent
        for fk in table.foreign_keys
        if fk.column.table.name in tables and fk.parent.table is table
    ]


def export_document(audit: Audit, user: User, role: str) -> dict[str, Any]:
    """The audit, every row that belongs to it that ``user`` may see in ``role``, and the
    people and organisations those rows name.

    Evidence returns follow services.evidence's rule: one the person may not see is
    left out with every row that refers to it (its files, its links to judgements),
    and so are the audit trail's entries about it.
    """
    tables = audit_tables()
    withheld: dict[str, set[Any]] = {
        EvidenceReturn.__tablename__: evidence.hidden_ids(audit, user, role)
    }
    trail_rule = evidence.trail_rule(audit, user, role)
    names = {table.name for table in tables}
    selected: dict[tuple[str, str], set[Any]] = {(ROOT, "id"): {audit.id}}
    rows_by_table: dict[str, list[dict[str, Any]]] = {}
    people: set[Any] = set()
    organisations: set[Any] = set()
    connection = db.session.connection()
    for table in tables:
        if table.name == ROOT:
            where: Any = table.c.id == audit.id
        else:
            conditions = [
                column.in_(selected.get((fk.column.table.name, fk.column.name), set()))
                for column in _owning_columns(table, names - {table.name})
                for fk in column.foreign_keys
                if fk.column.table.name in names
            ]
            where = or_(*conditions)
        if table.name == ChangeEvent.__tablename__:
            where = and_(where, trail_rule)
        order = list(table.primary_key.columns)
        rows = _without_withheld(
            table,
            [
                dict(row)
                for row in connection.execute(
                    select(table).where(where).order_by(*order)
                ).mappings()
            ],
            withheld,
        )
        for column in table.columns:
            if not (column.primary_key or column.foreign_keys or column.unique):
                continue  # only keys are looked up later
            values = {row[column.name] for row in rows if row[column.name] is not None}
            selected.setdefault((table.name, column.name), set()).update(values)
            for fk in column.foreign_keys:
                if fk.column.table.name == PEOPLE:
                    people |= values
                elif fk.column.table.name == ORGANISATIONS:
                    organisations |= values
        rows_by_table[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
    return {
        "format": FORMAT,
        "alembic_revision": _revision(connection),
        "exported_at": utcnow().isoformat(),
        "not_included": [*NOT_EXPORTED.values(), ATTACHMENTS_NOTE],
        "not_imported": list(NOT_IMPORTED.values()),
        "people": _named(User, people, lambda u: {"email": u.email, "name": u.name}),
        "organisations": _named(
            Organisation, organisations, lambda o: {"name": o.name, "kind": o.kind}
        ),
        "tables": rows_by_table,
    }


def _without_withheld(
    table: Table, rows: list[dict[str, Any]], withheld: dict[str, set[Any]]
) -> list[dict[str, Any]]:
    """``rows`` less those withheld, or referring to a withheld row; adds the ids of the
    rows dropped to ``withheld`` so that rows referring to them go too."""
    keys = [
        (column.name, fk.column.table.name)
        for column in table.columns
        for fk in column.foreign_keys
        if withheld.get(fk.column.table.name)
    ]
    own = withheld.get(table.name, set())
    kept, dropped = [], set()
    for row in rows:
        if row.get("id") in own or any(row[name] in withheld[target] for name, target in keys):
            dropped.add(row.get("id"))
        else:
            kept.append(row)
    if dropped - {None}:
        withheld.setdefault(table.name, set()).update(dropped - {None})
    return kept


def _named(model: Any, ids: set[Any], describe: Any) -> dict[str, dict[str, str]]:
    if not ids:
        return {}
    found = db.session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id))
    return {str(item.id): describe(item) for item in found}


def dumps(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8")


# --- import --------------------------------------------------------------------


def parse(content: bytes, limit: int) -> dict[str, Any]:
    """The uploaded bytes as a document of ours at this database's revision."""
    if len(content) > limit:
        raise ImportFailed(f"The file must be smaller than {limit // (1024 * 1024)} MB")
    if checks.too_deep(content):
        raise ImportFailed(
            f"The file nests lists or groups more than {checks.MAX_DEPTH} deep: "
            "it is not an export of an audit"
        )
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ImportFailed("The file must be a JSON export of an audit (it is not JSON)") from error
    except RecursionError as error:  # the depth scan should stop it first
        raise ImportFailed("The file nests too deep: it is not an export of an audit") from error
    if not isinstance(document, dict) or "format" not in document:
        raise ImportFailed("The file must be a JSON export of an audit from this service")
    if document["format"] != FORMAT:
        raise ImportFailed(
            f"The file is in format {str(document['format'])[:40]!r}; "
            f"this service imports {FORMAT!r}"
        )
    here = _revision(db.session.connection())
    if document.get("alembic_revision") != here:
        raise ImportFailed(
            f"The file was exported at database revision "
            f"{str(document.get('alembic_revision'))[:40]}, this service is at {here}: "
            "export it again from a service at the same version"
        )
    tables = document.get("tables")
    if not isinstance(tables, dict) or not isinstance(tables.get(ROOT), list):
        raise ImportFailed("The file has no audit in it")
    if len(tables[ROOT]) != 1:
        raise ImportFailed("The file must hold exactly one audit")
    known = {table.name for table in audit_tables()}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise ImportFailed(
            f"The file has tables this service does not know: {', '.join(unknown)[:200]}"
        )
    imported = [table for table in audit_tables() if table.name not in NOT_IMPORTED]
    problems = checks.check_document(document, imported)
    if problems:
        count = len(problems)
        raise ImportFailed(
            f"The file has {count} problem{'' if count == 1 else 's'}, listed above: "
            "nothing was imported",
            problems,
        )
    return document


def people_in_area(area: Organisation, by: User) -> Any:
    """The accounts a file's people may be matched to when ``by`` imports into
    ``area``: its own people and the members of its audits (partners,
    commissioners). Nobody, unless ``by`` belongs to ``area`` or administers the
    service: a lead acting for another area cannot name that area's people."""
    if not (by.is_admin or by.organisation_id == area.id):
        return false()
    members = (
        select(AuditMembership.user_id)
        .join(Audit, Audit.id == AuditMembership.audit_id)
        .where(Audit.area_id == area.id)
    )
    return or_(User.organisation_id == area.id, User.id.in_(members))


def people_outside(document: Mapping[str, Any], area: Organisation, by: User) -> list[str]:
    """Email addresses of the file's people who match no account of ``area``."""
    emails = sorted(
        {str(person.get("email", "")).lower() for person in (document.get("people") or {}).values()}
    )
    found = {
        email.lower()
        for email in db.session.scalars(
            select(User.email).where(User.email.in_(emails), people_in_area(area, by))
        )
    }
    return [email for email in emails if email not in found]


def import_document(document: Mapping[str, Any], area: Organisation, title: str, by: User) -> Audit:
    """A new draft audit in ``area`` from a parsed document; all or nothing."""
    try:
        audit_id = _insert_all(document, area, title, by)
        _check_rules(audit_id)
        db.session.add(AuditMembership(audit_id=audit_id, user_id=by.id, role=LEAD))
        db.session.commit()
    except ImportFailed:
        db.session.rollback()
        raise
    except (SQLAlchemyError, ValueError, TypeError, KeyError, AttributeError) as error:
        db.session.rollback()
        raise ImportFailed(
            "The file's rows could not be saved: it may have been edited by hand. Nothing was imported"
        ) from error
    audit = db.session.get(Audit, audit_id)
    assert audit is not None
    return audit


def _check_rules(audit_id: int) -> None:
    """Refuse what the forms would have refused across fields, which rows alone cannot say."""
    audit = db.session.get(Audit, audit_id)
    assert audit is not None
    problem = indicator_checks.first_problem(audit)
    if problem:
        raise ImportFailed(f"{problem}. Nothing was imported")


class _Remap:
    """Old ids in the file to new ids here."""

    def __init__(self, document: Mapping[str, Any], area: Organisation, by: User) -> None:
        self.area, self.by = area, by
        self.ids: dict[str, dict[Any, Any]] = {}
        people = document.get("people") or {}
        emails = {
            str(k): str(v.get("email", "")).lower()
            for k, v in people.items()
            if isinstance(v, dict)
        }
        found = (
            {
                user.email.lower(): user.id
                for user in db.session.scalars(
                    select(User).where(
                        User.email.in_(list(emails.values())), people_in_area(area, by)
                    )
                )
            }
            if emails
            else {}
        )
        self.people = {k: found.get(email) for k, email in emails.items()}
        organisations = document.get("organisations") or {}
        org_names = {
            str(k): str(v.get("name", "")) for k, v in organisations.items() if isinstance(v, dict)
        }
        org_found = (
            {
                org.name: org.id
                for org in db.session.scalars(
                    select(Organisation).where(Organisation.name.in_(list(org_names.values())))
                )
            }
            if org_names
            else {}
        )
        self.organisations = {k: org_found.get(name) for k, name in org_names.items()}

    def value(self, column: Column[Any], value: Any) -> Any:
        if value is None:
            return None
        for fk in column.foreign_keys:
            target = fk.column.table.name
            if target == PEOPLE:
                new = self.people.get(str(value))
                fallback = self.by.id
            elif target == ORGANISATIONS:
                new = self.organisations.get(str(value))
                fallback = self.area.id
            else:
                new = self.ids.get(target, {}).get(value)
                fallback = None
            if new is not None:
                return new
            if column.nullable:
                return None
            if fallback is None:
                raise ImportFailed(
                    f"A row of {column.table.name} refers to a {target} that is not in the file"
                )
            return fallback
        return value


def _insert_all(document: Mapping[str, Any], area: Organisation, title: str, by: User) -> int:
    remap = _Remap(document, area, by)
    connection = db.session.connection()
    now = utcnow()
    overrides = {
        "title": title,
        "area_id": area.id,
        "status": DRAFT,
        "published_at": None,
        "revision": 0,
        "created_by_id": by.id,
        "created_at": now,
        "updated_at": now,
    }
    root_id = 0
    # The trail last: its entries are pointed at the copies of the rows they name.
    for table in sorted(audit_tables(), key=lambda t: t.name == ChangeEvent.__tablename__):
        if table.name in NOT_IMPORTED:
            continue
        rows = document["tables"].get(table.name) or []
        if not isinstance(rows, list):
            raise ImportFailed(f"The file's {table.name} rows are not a list")
        single_id = [c.name for c in table.primary_key.columns] == ["id"]
        mapping = remap.ids.setdefault(table.name, {})
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                raise ImportFailed(f"Row {number} of {table.name} is not readable")
            values = _values(table, row, remap, number)
            if table.name == ChangeEvent.__tablename__:
                target = TRAIL_TARGETS.get(str(row.get("entity")), "")
                values["entity_id"] = remap.ids.get(target, {}).get(row.get("entity_id"))
            if table.name == ROOT:
                values.update(overrides)
            if single_id:
                values.pop("id", None)
                result = connection.execute(table.insert().values(**values))
                mapping[row.get("id")] = result.inserted_primary_key[0]
            else:
                connection.execute(table.insert().values(**values))
        if table.name == ROOT:
            root_id = next(iter(mapping.values()))
    return root_id


def _values(table: Table, row: Mapping[str, Any], remap: _Remap, number: int) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.name not in row:
            continue
        if (table.name, column.name) in RESET:
            values[column.name] = RESET[(table.name, column.name)]
            continue
        try:
            value = _decode(column, row[column.name])
        except (ValueError, TypeError, ArithmeticError) as error:
            raise ImportFailed(
                f"Row {number} of {table.name}: {column.name} is not a valid value"
            ) from error
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ImportFailed(f"Row {number} of {table.name}: {column.name} has no time zone")
        value = remap.value(column, value)
        if (
            column.unique
            and not column.foreign_keys
            and not column.primary_key
            and value is not None
        ):
            # A unique name (a stored file's name) cannot be shared with the original.
            value = None if column.nullable else secrets.token_hex(16)
        values[column.name] = value
    return values
