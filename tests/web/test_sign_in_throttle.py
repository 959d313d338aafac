"""Sign-in throttling: by account and by address, counting failures only, with a
clear message; separate counts behind a trusted proxy; and Redis being down
never takes sign-in or the public survey down."""

from __future__ import annotations

import logging
import socket
import time
import types
from collections.abc import Iterator
from typing import Any

import limits.storage.memory
import pytest
from flask import Flask

from audit_app import create_app
from audit_app.extensions import limiter
from tests.visit import Page, Visitor
from tests.web.conftest import Cast
from tests.web.test_questionnaires import _answer, _answer_all, _definition, _open

GOOD = "a-good-password"
ACCOUNT_MESSAGE = "Too many attempts to sign in to this account. Try again in 15 minutes."


def _limit(app: Flask, setting: str) -> int:
    return int(app.config[setting].split()[0])


def _attempt(visitor: Visitor, email: str, password: str, status: int | None, **kw: Any) -> Page:
    return visitor.post("/sign-in", {"email": email, "password": password}, status=status, **kw)


def _sign_in_and_out(app: Flask, email: str = "lead@example.org") -> None:
    visitor = Visitor(app.test_client())
    _attempt(visitor, email, GOOD, 302)
    visitor.sign_out()


def test_successful_sign_ins_are_never_counted(app: Flask, cast: Cast) -> None:
    for _ in range(_limit(app, "SIGN_IN_LIMIT_PER_ACCOUNT") + 2):
        _sign_in_and_out(app)


def test_successful_sign_ins_do_not_count_against_the_address(
    app: Flask, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    for email in ["lead@example.org", "partner@example.org"] * 3:
        _sign_in_and_out(app, email)


def test_too_many_failures_get_a_clear_message_and_keep_the_email(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    for _ in range(_limit(app, "SIGN_IN_LIMIT_PER_ACCOUNT")):
        _attempt(visitor, "lead@example.org", "wrong-password", 200)
    page = _attempt(visitor, "lead@example.org", GOOD, 429)
    assert page.h1 == "Sign in"
    assert page.error_summary() == [ACCOUNT_MESSAGE]
    assert page.error_links() == {ACCOUNT_MESSAGE: "#email"}
    assert page.field_error("email") == ACCOUNT_MESSAGE
    assert page.value("email") == "lead@example.org"
    assert page.value("password") == ""
    assert page.soup.title is not None and page.soup.title.get_text().startswith("Error:")
    assert 14 * 60 < int(page.response.headers["Retry-After"]) <= 15 * 60


def test_a_success_clears_the_accounts_failures(app: Flask, visitor: Visitor, cast: Cast) -> None:
    below = _limit(app, "SIGN_IN_LIMIT_PER_ACCOUNT") - 1
    for _ in range(2):
        for _ in range(below):
            _attempt(visitor, "lead@example.org", "wrong-password", 200)
        _sign_in_and_out(app)


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """The in-memory counters' clock moved on by ``seconds`` (no sleeping in tests)."""
    real = time.time
    clock = types.SimpleNamespace(time=lambda: real() + seconds)
    monkeypatch.setattr(limits.storage.memory, "time", clock)


def test_the_real_user_gets_in_once_the_window_has_passed(
    app: Flask, visitor: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(_limit(app, "SIGN_IN_LIMIT_PER_ACCOUNT")):
        _attempt(visitor, "lead@example.org", "wrong-password", 200)
    _attempt(visitor, "lead@example.org", GOOD, 429)
    _later(monkeypatch, 14 * 60)
    _attempt(visitor, "lead@example.org", GOOD, 429)
    _later(monkeypatch, 15 * 60 + 1)
    _attempt(visitor, "lead@example.org", GOOD, 302)


def test_too_many_failures_from_one_address_name_the_network(
    app: Flask, visitor: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    for number in range(3):
        _attempt(visitor, f"guess{number}@example.org", "x", 200)
    page = _attempt(visitor, "lead@example.org", GOOD, 429)
    assert page.error_summary() == [
        "Too many attempts to sign in from your network. Try again in 15 minutes."
    ]


# Behind a proxy: TRUSTED_PROXIES.


@pytest.fixture
def behind_a_proxy(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # restored after the test
    return app


def _fail_from(visitor: Visitor, address: str, times: int) -> None:
    for number in range(times):
        _attempt(
            visitor,
            f"guess{number}@example.org",
            "x",
            200,
            headers={"X-Forwarded-For": address},
        )


def test_with_trusted_proxies_each_client_address_has_its_own_count(
    behind_a_proxy: Flask, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audit_app.config import trust_proxies

    app = behind_a_proxy
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    trust_proxies(app)
    first, second = Visitor(app.test_client()), Visitor(app.test_client())
    _fail_from(first, "198.51.100.1", 3)
    _attempt(first, "lead@example.org", GOOD, 429, headers={"X-Forwarded-For": "198.51.100.1"})
    _attempt(second, "lead@example.org", GOOD, 302, headers={"X-Forwarded-For": "198.51.100.2"})


def test_without_trusted_proxies_x_forwarded_for_is_ignored(
    behind_a_proxy: Flask, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audit_app.config import trust_proxies

    app = behind_a_proxy
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 0)
    trust_proxies(app)
    first, second = Visitor(app.test_client()), Visitor(app.test_client())
    _fail_from(first, "198.51.100.1", 3)
    # A made-up header does not buy a fresh count.
    _attempt(second, "lead@example.org", GOOD, 429, headers={"X-Forwarded-For": "198.51.100.2"})


def test_trusted_proxies_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from audit_app.config import settings

    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert settings(str(tmp_path))["TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert settings(str(tmp_path))["TRUSTED_PROXIES"] == 2


# Redis configured but down.


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_down(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """An app whose REDIS_URL points at a port nothing listens on. The limiter is one
    object for every app, so the test app's limiter is put back afterwards."""
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{_closed_port()}/13")
    config = {
        key: app.config[key]
        for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "UPLOAD_FOLDER", "SERVER_NAME")
    }
    down = create_app(
        {**config, "TESTING": True, "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}
    )
    assert down.config["RATELIMIT_STORAGE_URI"].startswith("redis://")
    yield down
    limiter.init_app(app)
    limiter._storage_dead = False  # the test app's memory storage is alive


def test_sign_in_works_with_redis_down_and_a_warning_is_logged(
    redis_down: Flask, cast: Cast, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.WARNING)
    # Alembic's logging set-up, run by the session's upgrade, disabled loggers that
    # already existed; a served app never runs it.
    monkeypatch.setattr(logging.getLogger("flask-limiter"), "disabled", False)
    visitor = Visitor(redis_down.test_client())
    visitor.get("/sign-in")
    _attempt(visitor, "lead@example.org", "wrong-password", 200)
    _attempt(visitor, "lead@example.org", GOOD, 302)
    assert any(
        record.levelno == logging.WARNING and "in-memory" in record.getMessage()
        for record in caplog.records
    ), [record.getMessage() for record in caplog.records]


def test_sign_in_is_still_throttled_with_redis_down(redis_down: Flask, cast: Cast) -> None:
    visitor = Visitor(redis_down.test_client())
    for _ in range(_limit(redis_down, "SIGN_IN_LIMIT_PER_ACCOUNT")):
        _attempt(visitor, "lead@example.org", "wrong-password", 200)
    page = _attempt(visitor, "lead@example.org", GOOD, 429)
    assert page.error_summary() == [ACCOUNT_MESSAGE]


def test_the_public_survey_works_with_redis_down(app: Flask, redis_down: Flask, cast: Cast) -> None:
    questionnaire_id, token = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    carer = Visitor(redis_down.test_client())
    assert carer.get(f"/survey/{token}").h1 == "Carers' survey"
    thanks = _answer_all(carer, f"/survey/{token}", definition, _answer())
    assert "Thank you: your answers have been sent" in thanks.text
