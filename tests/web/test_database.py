"""How the app uses its database connections (audit_app/database.py).

On PostgreSQL a page reads in autocommit mode (no BEGIN and ROLLBACK round trips)
while a form writes in one transaction, and the pool finds a connection the server
has closed without a pre-ping. The PostgreSQL tests run when TEST_DATABASE_URL
names one (as .ci/run does); the check that no GET writes runs on both databases,
for every route as everyone, in test_access_table.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
from flask import Flask
from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine

from audit_app import create_app
from audit_app.database import closed_by_server
from audit_app.extensions import db
from audit_app.models.plan import Priority
from tests.visit import Visitor
from tests.web.access_requests import writes_while_reading
from tests.web.conftest import Cast

_PRIORITY = {
    "rank": "1",
    "title": "More short breaks",
    "description": "A sitting service at evenings and weekends.",
    "carers_said": "We never get an evening off.",
    "outcomes": ["2"],
}


def _on_postgres(app: Flask) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.fixture
def postgres(app: Flask) -> Flask:
    if not _on_postgres(app):
        pytest.skip("PostgreSQL only: set TEST_DATABASE_URL")
    return app


@pytest.fixture
def autocommit_seen(app: Flask) -> Iterator[list[tuple[str, bool]]]:
    """(statement's first word, whether its connection was in autocommit) for each
    statement the app runs."""
    seen: list[tuple[str, bool]] = []

    def record(conn, cursor, statement: str, params, context, executemany) -> None:  # type: ignore[no-untyped-def]
        seen.append((statement.split(None, 1)[0].upper(), bool(cursor.connection.autocommit)))

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def test_a_get_that_writes_is_caught() -> None:
    """The check in test_access_table can fail: a GET that writes is reported, the
    same write in a POST is not."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.route("/writes", methods=["GET", "POST"])
    def writes() -> str:
        db.session.execute(text("CREATE TABLE IF NOT EXISTS note (words TEXT)"))
        db.session.execute(text("INSERT INTO note (words) VALUES ('hello')"))
        db.session.commit()
        return "written"

    client = app.test_client()
    with writes_while_reading() as written:
        client.post("/writes")
        assert written == []
        client.get("/writes")
    assert written == ["INSERT INTO note (words) VALUES ('hello')"]


def test_pages_read_in_autocommit_and_forms_write_in_one_transaction(
    postgres: Flask, as_lead: Visitor, cast: Cast, autocommit_seen: list[tuple[str, bool]]
) -> None:
    base = f"/audits/{cast.draft.id}/plan/priorities"
    as_lead.csrf_token()  # a GET of its own, before the form's POST
    autocommit_seen.clear()
    as_lead.get(base)
    assert autocommit_seen and all(autocommit for _, autocommit in autocommit_seen)
    autocommit_seen.clear()
    as_lead.post(f"{base}/new", _PRIORITY)
    assert "INSERT" in {word for word, _ in autocommit_seen}
    assert not any(autocommit for _, autocommit in autocommit_seen)
    with postgres.app_context():
        assert db.session.scalars(select(Priority.title)).all() == ["More short breaks"]


def test_a_connection_ended_by_the_server_is_found_without_a_query(postgres: Flask) -> None:
    with postgres.app_context(), db.engine.connect() as one, db.engine.connect() as other:
        dbapi = one.connection.dbapi_connection
        assert not closed_by_server(dbapi)
        pid = one.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        one.rollback()
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.rollback()
        _wait_until(lambda: closed_by_server(dbapi))
        one.invalidate()


def test_pages_and_forms_work_after_the_server_ends_every_connection(
    postgres: Flask, as_lead: Visitor, cast: Cast
) -> None:
    """As after a database restart: the pool's idle connections are all dead, and
    the next page and the next form each get a fresh one, not an error."""
    base = f"/audits/{cast.draft.id}/plan/priorities"
    as_lead.get(base)
    assert _end_every_connection(postgres)
    assert as_lead.get(base).status == 200
    assert _end_every_connection(postgres)
    as_lead.post(f"{base}/new", _PRIORITY)
    assert _end_every_connection(postgres)
    assert "More short breaks" in as_lead.get(base).text


def _end_every_connection(app: Flask) -> list[int]:
    """End every connection to the test database but this one (the pool's among
    them), waiting until each is gone: what a restart does to the pool."""
    with app.app_context():
        url = db.engine.url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as admin:
        pids = [
            row[0]
            for row in admin.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    return pids


def _wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "the ended connection still looks open"
        time.sleep(0.01)
