"""Helpers for the backup round trip: a database with a row in every table, a second
empty database upgraded to head to restore into, and what to compare.

LOG collects the round trip's rows per table; tests/conftest.py prints it after the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, select, text

from audit_app import create_app
from audit_app.extensions import db

LOG: list[str] = []
SCHEMA = "restore_target"  # on PostgreSQL, the second database is a schema of the test one


def log_counts(title: str, counts: dict[str, int], files: int) -> None:
    LOG.append(title)
    LOG.extend(f"  {name:<24} {count:>5} rows" for name, count in sorted(counts.items()))
    LOG.append(f"  {'uploaded files':<24} {files:>5}")


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, in primary key order."""
    rows = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            ordered = select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in connection.execute(ordered)]
    return rows


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def fill_what_the_demo_leaves_empty() -> None:
    """One row in each table the demo data leaves empty, and one uploaded file."""
    from audit_app.models import (
        Audit,
        ChecklistJudgement,
        EvidenceAttachment,
        EvidenceReturn,
        Invitation,
        Rating,
        RatingProposal,
        ReportPdf,
        User,
    )
    from audit_app.models.types import utcnow
    from audit_app.services import uploads

    lead = db.session.scalars(select(User).where(User.email == "lead@demo.test")).one()
    audit = db.session.scalars(select(Audit).where(Audit.previous_audit_id.is_not(None))).first()
    assert audit is not None, "the demo data has an audit with a previous cycle"
    evidence = (
        db.session.scalars(
            select(EvidenceReturn).where(EvidenceReturn.audit_id == audit.id)
        ).first()
        or db.session.scalars(select(EvidenceReturn)).first()
    )
    assert evidence is not None
    rating = db.session.scalars(select(Rating)).first()
    judgement = db.session.scalars(select(ChecklistJudgement)).first()
    assert rating is not None and judgement is not None
    rating.evidence.append(evidence)
    judgement.evidence.append(evidence)
    content = b"Minutes of the carers' forum, 3 March.\n\xe2\x80\x94 with a byte \x00 or two\n"
    stored = uploads.store(
        evidence.audit_id, uploads.CheckedFile("minutes.txt", "text/plain", content)
    )
    now = utcnow()
    db.session.add_all(
        [
            EvidenceAttachment(
                evidence_id=evidence.id,
                filename="minutes.txt",
                stored_name=stored,
                content_type="text/plain",
                size=len(content),
                uploaded_by_id=lead.id,
            ),
            RatingProposal(
                audit_id=audit.id,
                intervention="information",
                group_code="dementia",
                rag="amber",
                maturity="intermediate",
                rationale="Proposed by a partner",
                proposed_by_id=lead.id,
                proposed_at=now,
            ),
            Invitation(
                audit_id=audit.id,
                email="new.partner@example.org",
                role="partner",
                token_hash="0" * 64,
                invited_by_id=lead.id,
                expires_at=now + timedelta(days=7),
            ),
            ReportPdf(
                audit_id=audit.id,
                requested_by_id=lead.id,
                role="lead",
                status="done",
                audit_revision=audit.revision,
                filename="report.pdf",
                content=b"%PDF-1.7\n\x00\xff binary\n%%EOF",
                pages=1,
                size=27,
                finished_at=now,
            ),
        ]
    )
    db.session.commit()


def empty_database_url(database_url: str, tmp_path: Path) -> str:
    """A second database, empty: a SQLite file, or a fresh schema on PostgreSQL."""
    from audit_app.config import normalise_database_url

    if not database_url.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'restored.sqlite'}"
    url = normalise_database_url(database_url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{SCHEMA}"


def drop_schema(database_url: str) -> None:
    if database_url.startswith("postgres"):
        from audit_app.config import normalise_database_url

        engine = create_engine(normalise_database_url(database_url))
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        engine.dispose()


def upgraded_app(url: str, uploads: Path) -> Iterator[Flask]:
    """An app on an empty database upgraded to head, for restoring into."""
    from flask_migrate import upgrade

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_FOLDER": str(uploads),
            "SERVER_NAME": "audit.test",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def next_ids() -> dict[str, Any]:
    """On PostgreSQL, each id sequence's next value beside the largest id restored."""
    found = {}
    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            if "id" not in table.c:
                continue
            following = connection.execute(
                text(f"SELECT nextval(pg_get_serial_sequence('\"{table.name}\"', 'id'))")  # noqa: S608
            ).scalar()
            largest = connection.execute(text(f'SELECT MAX(id) FROM "{table.name}"')).scalar()  # noqa: S608
            found[table.name] = (following, largest)
    return found
