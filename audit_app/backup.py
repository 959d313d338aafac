"""Backup to one archive and restore from it, on any engine.

The archive is a zip holding ``rows.json`` (every row of every table, with the
Alembic revision it was taken at) and ``uploads/`` (every file under the upload
folder, byte for byte). Restore refuses an archive from another revision, or a
database that already holds rows, rather than mixing two states. A backup made
before uploads were included (a bare JSON file) still restores, without files.

Rows go in table by table in dependency order. A foreign key that points at its
own table (an audit's previous audit) or at a table restored later is inserted
empty and filled in once every row is in, so rows may refer to rows that come
after them in the file.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from flask import current_app
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    LargeBinary,
    Numeric,
    Table,
    and_,
    bindparam,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection

from audit_app.extensions import db

FORMAT = "carers-hub-backup/2"
# Bare JSON backups, from before uploads were included, hold the same rows document.
READABLE_FORMATS = {"carers-hub-backup/1", FORMAT}
ROWS = "rows.json"
UPLOADS = "uploads"


class RestoreError(Exception):
    """The backup cannot be restored here; the message says why."""


@dataclass(frozen=True)
class Summary:
    """What a backup or restore held: rows per table, and uploaded files."""

    rows: dict[str, int]
    files: int

    def describe(self) -> str:
        files = f"{self.files} uploaded file{'' if self.files == 1 else 's'}"
        return f"{sum(self.rows.values())} rows of {len(self.rows)} tables and {files}"


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


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def deferred_columns(table: Table) -> list[Column[Any]]:
    """The table's foreign key columns that point at its own table or at one restored
    after it: these are inserted empty and filled in a second pass."""
    position = {name: index for index, name in enumerate(t.name for t in db.metadata.sorted_tables)}
    return [
        column
        for column in table.columns
        if any(position[fk.column.table.name] >= position[table.name] for fk in column.foreign_keys)
    ]


# -- backup ---------------------------------------------------------------------------


def _rows(connection: Connection) -> dict[str, list[dict[str, Any]]]:
    tables = {}
    for table in db.metadata.sorted_tables:
        ordered = select(table).order_by(*table.primary_key.columns)
        rows = connection.execute(ordered).mappings()
        tables[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
    return tables


def _uploaded_files() -> list[Path]:
    folder = upload_folder()
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file())


def backup(path: Path) -> Summary:
    """Write every row and every uploaded file to the zip archive ``path``."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        # One snapshot for every table, however busy the service is meanwhile.
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with engine.connect() as connection, connection.begin():
        tables = _rows(connection)
        revision = _revision(connection)
    document = {"format": FORMAT, "alembic_revision": revision, "tables": tables}
    files = _uploaded_files()
    folder = upload_folder()
    # Written beside the target and renamed into place: never half an archive at ``path``.
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(descriptor)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(ROWS, json.dumps(document, indent=1, ensure_ascii=False))
            for file in files:
                archive.write(file, f"{UPLOADS}/{file.relative_to(folder).as_posix()}")
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return Summary({name: len(rows) for name, rows in tables.items()}, len(files))


# -- restore --------------------------------------------------------------------------


def _read(path: Path) -> tuple[dict[str, Any], dict[str, zipfile.ZipInfo], zipfile.ZipFile | None]:
    """The rows document, the uploaded files by relative path, and the open archive."""
    try:
        if not zipfile.is_zipfile(path):
            return _document(path.read_bytes(), path), {}, None
        archive = zipfile.ZipFile(path)
        document = _document(archive.read(ROWS), path)
    except KeyError as error:
        raise RestoreError(f"{path}: the archive holds no {ROWS}") from error
    except (OSError, zipfile.BadZipFile) as error:
        raise RestoreError(f"{path}: not a readable backup file ({error})") from error
    files = {}
    for member in archive.infolist():
        if member.is_dir() or member.filename == ROWS:
            continue
        name = PurePosixPath(member.filename)
        if name.parts[0] != UPLOADS or len(name.parts) < 2 or ".." in name.parts:
            raise RestoreError(f"{path}: unexpected entry {member.filename!r} in the archive")
        files[str(PurePosixPath(*name.parts[1:]))] = member
    return document, files, archive


def _document(content: bytes, path: Path) -> dict[str, Any]:
    try:
        document = json.loads(content)
    except ValueError as error:
        raise RestoreError(f"{path}: not a readable backup file ({error})") from error
    if not isinstance(document, dict) or document.get("format") not in READABLE_FORMATS:
        raise RestoreError(f"{path}: not a Carers' Hub backup (format {FORMAT} expected)")
    if not isinstance(document.get("tables"), dict):
        raise RestoreError(f"{path}: the backup holds no tables")
    return document


def _check_target(connection: Connection, document: dict[str, Any]) -> None:
    here = _revision(connection)
    if document.get("alembic_revision") != here:
        raise RestoreError(
            f"the backup is at database revision {document.get('alembic_revision')}, "
            f"this database is at {here}: restore into a database upgraded to the "
            f"backup's revision ('flask db upgrade {document.get('alembic_revision')}')"
        )
    for table in db.metadata.sorted_tables:
        existing = connection.execute(select(func.count()).select_from(table)).scalar()
        if existing:
            raise RestoreError(
                f"table {table.name} is not empty ({existing} rows): "
                "restore needs an empty database, upgraded and with nothing loaded"
            )


def _insert_rows(connection: Connection, tables: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    later: list[tuple[Table, list[dict[str, Any]]]] = []
    for table in db.metadata.sorted_tables:
        rows = [
            {name: _decode(table.c[name], value) for name, value in row.items() if name in table.c}
            for row in tables.get(table.name, [])
        ]
        deferred = {column.name for column in deferred_columns(table)}
        if rows:
            connection.execute(
                table.insert(),
                [{k: (None if k in deferred else v) for k, v in row.items()} for row in rows],
            )
            later.append((table, rows))
        counts[table.name] = len(rows)
    for table, rows in later:
        _fill_deferred(connection, table, rows)
    return counts


def _fill_deferred(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Second pass: set the foreign keys left empty, now that every row is in.

    Columns stamped on update (updated_at) are written back as they were, so the
    second pass leaves no trace.
    """
    keys = list(table.primary_key.columns)
    stamped = [column.name for column in table.columns if column.onupdate is not None]
    for column in deferred_columns(table):
        filled = [row for row in rows if row.get(column.name) is not None]
        if not filled:
            continue
        kept = [name for name in stamped if name != column.name]
        statement = (
            table.update()
            .where(and_(*(key == bindparam(f"key_{key.name}") for key in keys)))
            .values(
                {column.name: bindparam("new_value"), **{n: bindparam(f"kept_{n}") for n in kept}}
            )
        )
        connection.execute(
            statement,
            [
                {
                    "new_value": row[column.name],
                    **{f"key_{k.name}": row[k.name] for k in keys},
                    **{f"kept_{name}": row.get(name) for name in kept},
                }
                for row in filled
            ],
        )


def _place_files(
    files: dict[str, zipfile.ZipInfo], archive: zipfile.ZipFile, written: list[Path]
) -> None:
    """Write the uploaded files, adding each path written to ``written``; refuses
    (writing nothing) if one would replace a different file already there."""
    folder = upload_folder().resolve()
    targets = {}
    for name, member in files.items():
        target = (folder / name).resolve()
        if not target.is_relative_to(folder):
            raise RestoreError(f"unexpected file name {name!r} in the archive")
        if target.exists() and target.read_bytes() != archive.read(member):
            raise RestoreError(
                f"{target} already exists with other contents: restore needs an empty upload folder"
            )
        targets[target] = member
    for target, member in targets.items():
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with archive.open(member) as source, open(target, "xb") as copy:
            written.append(target)
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        os.chmod(target, 0o600)


def restore(path: Path) -> Summary:
    """Load ``path`` into an empty database at the same revision, and its files into
    the upload folder: all or nothing."""
    document, files, archive = _read(path)
    written: list[Path] = []
    try:
        with db.engine.begin() as connection:
            _check_target(connection, document)
            counts = _insert_rows(connection, document["tables"])
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)
            if archive is not None:
                # Last, inside the transaction: a failure here rolls the rows back too.
                _place_files(files, archive, written)
    except BaseException:
        for target in written:  # the rows did not commit, so neither do the files
            target.unlink(missing_ok=True)
        raise
    finally:
        if archive is not None:
            archive.close()
    return Summary(counts, len(files))


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
