"""When the database does not answer (lost, restarting, locked too long, its pool
exhausted), every page and every form says so plainly, with a 503 and a time to
try again: never a 500, a stack trace or a "Saved". Generated from the URL map:
every GET route, and every POST route sent with nothing filled in.

The edit forms go further (the form again, with what was typed):
test_every_form_survives_a_refused_write. SQLite's own settings, which keep
writers waiting their turn rather than failing: at the end.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from flask import Flask, url_for
from sqlalchemy import text

from audit_app.errors import DATABASE_MESSAGE
from audit_app.extensions import db
from tests.visit import Page, Visitor
from tests.web.conftest import Cast
from tests.web.crawl import get_urls
from tests.web.refusals import everything, refused

HEADING, _ = DATABASE_MESSAGE


def _busy(page: Page, where: str) -> None:
    assert page.status != 500, where
    if page.status == 503:
        assert page.h1 == HEADING, where
        assert page.response.headers["Retry-After"] == "60", where
        assert "nothing you sent with it was saved" in page.text, where


def test_every_page_says_the_database_did_not_respond(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    urls = get_urls(app, {"audit_id": [cast.dementia.id]})
    answered = {}
    with refused(everything) as statements:
        for endpoint, url in urls:
            page = as_lead.get(url, status=None)  # type: ignore[arg-type]
            _busy(page, url)
            answered[endpoint] = page.status
    assert statements, "no page asked the database anything"
    # Every page a signed-in person opens asks the database who they are.
    assert set(answered.values()) == {503}, answered


def _after(count: int) -> Callable[[str], bool]:
    """Refuse every statement after the first ``count``."""
    asked = itertools.count(1)
    return lambda statement: next(asked) > count


def test_every_page_says_so_when_the_database_goes_after_reading_who_is_signed_in(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    """The user (and the audit) read, then the page's own statement fails: the 503
    page must not read the user again (the rollback expired it)."""
    urls = get_urls(app, {"audit_id": [cast.dementia.id]})
    answered = {}
    for endpoint, url in urls:
        with refused(_after(1)) as statements:
            page = as_lead.get(url, status=None)  # type: ignore[arg-type]
        _busy(page, url)
        answered[endpoint] = (page.status, len(statements))
    busy = [endpoint for endpoint, (status, _) in answered.items() if status == 503]
    assert len(busy) > 60, answered  # the pages that send a second statement


def test_every_form_sent_while_the_database_is_gone_is_refused_plainly(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    token = as_lead.csrf_token()
    with app.test_request_context():
        urls = [
            url_for(
                rule.endpoint,
                **{name: cast.dementia.id if name == "audit_id" else 1 for name in rule.arguments},
            )
            for rule in app.url_map.iter_rules()
            if "POST" in (rule.methods or ())
        ]
    assert len(urls) > 50
    with refused(everything):
        for url in urls:
            page = as_lead.post(url, {"csrf_token": token}, status=None)  # type: ignore[arg-type]
            _busy(page, url)
            assert page.status == 503, (url, page.status, page.h1)
    # Signing in, before anyone is known.
    with refused(everything):
        page = Visitor(app.test_client()).post(
            "/sign-in", {"email": "lead@example.org", "password": "a-good-password"}, status=503
        )
    _busy(page, "/sign-in")
    # The database back: the same session goes on, nothing was half done.
    assert as_lead.get(f"/audits/{cast.dementia.id}").status == 200


@pytest.fixture
def on_sqlite(app: Flask) -> Flask:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite's own settings")
    return app


def test_sqlite_keeps_a_write_ahead_log_and_writers_wait_their_turn(on_sqlite: Flask) -> None:
    from audit_app.database import SQLITE_BUSY_TIMEOUT_MS

    with on_sqlite.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
    assert SQLITE_BUSY_TIMEOUT_MS >= 15_000  # twenty saves at once, on a busy machine
