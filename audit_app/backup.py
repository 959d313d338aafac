"""Backup to one JSON file and restore from it, on any engine.

The file holds every row of every table, in dependency order, with the
Alembic revision it was taken at; restore refuses a file from another
revision rather than loading rows into the wrong shape.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, LargeBinary, Numeric, func, inspect, select, text
from sqlalchemy.engine import Connection

from audit_app.extensions import db

FORMAT = "carers-hub-backup/1"


class RestoreError(Exception):
    """The backup cannot be restored here; the message says why."""


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _decode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    column_type = column.type
    impl = getattr(column_type, "impl", column_type)
    if isinstance(impl, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(impl, Date):
        return date.fromisoformat(value)
    if isinstance(impl, Numeric):
        return Decimal(value)
    if isinstance(impl, LargeBinary):
        return base64.b64decode(value)
    return value


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup(path: Path) -> dict[str, int]:
    """Write every row to ``path``; returns the row count per table."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            order = [column for column in table.primary_key.columns]
            rows = connection.execute(select(table).order_by(*order)).mappings()
            tables[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
        revision = _revision(connection)
    document = {"format": FORMAT, "alembic_revision": revision, "tables": tables}
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False))
    return {name: len(rows) for name, rows in tables.items()}


def restore(path: Path) -> dict[str, int]:
    """Load ``path`` into an empty database at the same revision; all or nothing."""
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise RestoreError(f"{path}: not a readable backup file ({error})") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RestoreError(f"{path}: not a Carers' Hub backup (format {FORMAT} expected)")
    counts: dict[str, int] = {}
    with db.engine.begin() as connection:
        here = _revision(connection)
        if document.get("alembic_revision") != here:
            raise RestoreError(
                f"the backup is at database revision {document.get('alembic_revision')}, "
                f"this database is at {here}: run 'flask db upgrade' to match first"
            )
        for table in db.metadata.sorted_tables:
            existing = connection.execute(select(func.count()).select_from(table)).scalar()
            if existing:
                raise RestoreError(
                    f"table {table.name} is not empty: restore needs an empty database"
                )
        for table in db.metadata.sorted_tables:
            rows = document["tables"].get(table.name, [])
            decoded = [
                {
                    name: _decode(table.c[name], value)
                    for name, value in row.items()
                    if name in table.c
                }
                for row in rows
            ]
            if decoded:
                connection.execute(table.insert(), decoded)
            counts[table.name] = len(decoded)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return counts


def _reset_sequences(connection: Connection) -> None:
    """After inserting explicit ids, move each id sequence past the largest id."""
    for table in db.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # noqa: S608
                f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
            )
        )
