"""How the app talks to PostgreSQL: fewer round trips for the same guarantees.

A page read on PostgreSQL used to cost, besides its own statements, three round
trips to the server: the pool's pre-ping (``SELECT 1``), ``BEGIN`` and
``ROLLBACK``. Each is a wait on the server and a few hundred microseconds of driver
work, as much again as a page's two or three statements. Two changes take them out:

- **Pages read without a transaction.** No GET or HEAD request writes to the
  database (``tests/web/test_access_table.py`` checks it for every route, as every
  kind of person). Under PostgreSQL's READ COMMITTED, each statement in a
  transaction sees its own snapshot anyway, so a request that only reads gets the
  same answers in autocommit mode, without ``BEGIN`` and ``ROLLBACK``. Forms (POST)
  still write inside one transaction, committed or rolled back whole.
- **A stale connection is found without asking the server.** When PostgreSQL
  restarts or ends a backend it sends a notice and closes the socket, so an idle
  connection whose socket has something to read (or is closed) is no longer usable.
  Checking that is a ``poll`` with no wait; the pool then throws the connection away
  and opens another before the request uses it (``DisconnectionError`` in the
  ``checkout`` event, SQLAlchemy's documented pessimistic check), as the pre-ping
  did. ``tests/web/test_database.py`` ends every connection on the server and then
  reads and writes.

SQLite has no server to restart and no round trips, but it has one writer at a
time. Python's driver begins a transaction at a form's first write, and a writer
that finds another writing waits for it (the busy timeout). Two settings, made on
every new connection (`use_sqlite_settings`), keep twenty saves made at the same
moment from failing as "database is locked":

- **A write-ahead log** (``journal_mode=WAL``): a commit no longer waits for every
  page being read to finish, and pages read while a form writes. Kept in the
  database file; the log lives beside it (``audit.sqlite-wal``). Commits are still
  synced to disk, so nothing saved is lost to a power cut.
- **A writer waits up to 20 seconds** for the one before it (the driver's default
  is 5), inside gunicorn's default 30-second worker timeout. A save that still
  cannot write is refused on its form ("the database did not respond"), keeping
  what was typed.
"""

from __future__ import annotations

import select
import weakref
from typing import Any

from flask import has_request_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

READING_METHODS = frozenset({"GET", "HEAD"})

_READING: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _reading_engine(engine: Engine) -> Engine:
    """The engine in autocommit mode, sharing the engine's pool; always the same
    object for one engine, so that a request's statements share one connection."""
    reading = _READING.get(engine)
    if reading is None:
        reading = _READING[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return reading


class RequestSession(Session):
    """Flask-SQLAlchemy's session, reading in autocommit mode on PostgreSQL while a
    GET or HEAD request is served (see the module's text)."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        engine = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        if (
            bind is None
            and isinstance(engine, Engine)
            and engine.dialect.name == "postgresql"
            and has_request_context()
            and request.method in READING_METHODS
        ):
            return _reading_engine(engine)
        return engine


def closed_by_server(dbapi_connection: Any) -> bool:
    """Whether an idle psycopg connection can no longer be used: closed or broken on
    our side, or with something to read (the server's goodbye, or end of file) when
    nothing was asked of it."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def check_connections_on_checkout(engine: Engine) -> None:
    """On PostgreSQL, the pool checks each connection it hands out with
    `closed_by_server` (in place of ``pool_pre_ping``, a round trip)."""
    if engine.dialect.name == "postgresql" and not event.contains(engine, "checkout", _on_checkout):
        event.listen(engine, "checkout", _on_checkout)


SQLITE_BUSY_TIMEOUT_MS = 20_000


def use_sqlite_settings(engine: Engine) -> None:
    """On SQLite, each new connection keeps a write-ahead log and waits
    `SQLITE_BUSY_TIMEOUT_MS` for another writer (see the module's text)."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_connected):
        event.listen(engine, "connect", _sqlite_connected)


def _sqlite_connected(dbapi_connection: Any, record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # "memory" for an in-memory database
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    if closed_by_server(dbapi_connection):
        raise exc.DisconnectionError("the server closed this connection")
