"""Fixtures shared by the web, migration and browser tests.

The database is SQLite in a temporary folder, or PostgreSQL when
TEST_DATABASE_URL is set. Either way it starts empty and is upgraded to head
with the real Alembic migrations once per run; every test then starts from
empty tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import create_engine, text

from audit_app import create_app
from audit_app.config import normalise_database_url as normalise_url
from audit_app.extensions import db, limiter
from tests.mail_catcher import Catcher, MailServer

# Property tests judge correctness, not speed (speed lives in bench/): no per-example
# deadline, which a busy machine would otherwise turn into a random failure.
settings.register_profile("carers-hub", deadline=None)
settings.load_profile("carers-hub")


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def empty_postgres(url: str) -> None:
    """Drop everything in the public schema, so the run starts from nothing."""
    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = _database_url(tmp_path_factory)
    if url.startswith("postgres"):
        empty_postgres(url)
    return url


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": normalise_url(database_url),
            "UPLOAD_FOLDER": str(instance / "uploads"),
            "SERVER_NAME": "audit.test",
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def clear_tables() -> None:
    """Delete every row, children first, keeping the schema."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_database(app: Flask) -> Iterator[None]:
    with app.app_context():
        clear_tables()
        limiter.reset()
    yield
    with app.app_context():
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def tmp_file(tmp_path: Path) -> Path:
    return tmp_path / "file"


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """Print how many pages axe-core checked, and what it found, after the run; and
    the backup round trip's rows per table."""
    from tests.browser.axe import LOG
    from tests.web import round_trip

    for line in [*LOG.summary(), *round_trip.LOG]:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Cheap argon2 parameters in tests: same algorithm and format, far less work."""
    from argon2 import PasswordHasher

    from audit_app.services import passwords

    real = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = real


@pytest.fixture(scope="session")
def mail_server() -> Iterator[MailServer]:
    """One local SMTP catcher for the web tests of this run."""
    with MailServer() as server:
        yield server


@pytest.fixture
def catcher(
    app: Flask, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Catcher]:
    """The app sends email to the catcher, emptied for this test; a failed send is
    tried again at once (twice), so that a test never sleeps."""
    from audit_app.services import mail

    mail_server.catcher.clear()
    for key, value in {**mail_server.settings(), "MAIL_RETRY_SECONDS": [0, 0]}.items():
        monkeypatch.setitem(app.config, key, value)
    yield mail_server.catcher
    mail.wait_for_sending()
