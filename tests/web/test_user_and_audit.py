"""On an audit's page the user loader reads the audit with the user, in one statement
(access.user_and_audit), and audit_or_404 uses it: once, for that audit and that
user only. Who may see what is the access table's (test_access_table), which runs
every route this way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import flask_login
import pytest
from flask import Flask, g
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from audit_app.extensions import db
from audit_app.models import User
from audit_app.models.audit import COMMISSIONER, LEAD
from audit_app.services import access
from tests.web.conftest import Cast


@pytest.fixture
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement: str, params, context, executemany) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def _signed_in(app: Flask, user_id: int, audit_id: int) -> User:
    user = access.user_and_audit(user_id, audit_id)
    assert user is not None
    flask_login.login_user(user)
    return user


def test_the_page_reads_its_audit_with_its_user(
    app: Flask, cast: Cast, statements: list[str]
) -> None:
    with app.test_request_context(f"/audits/{cast.published.id}/ratings"):
        _signed_in(app, cast.commissioner.id, cast.published.id)
        assert len(statements) == 1
        audit, role = access.audit_or_404(cast.published.id)
        assert (audit.id, role, audit.area.name) == (
            cast.published.id,
            COMMISSIONER,
            "Northshire County Council",
        )
        assert len(statements) == 1  # no statement of its own
        assert "read_with_user" not in g
        assert access.audit_or_404(cast.published.id)[0].id == cast.published.id  # asked again
        assert len(statements) == 2


def test_another_audit_is_read_for_itself(app: Flask, cast: Cast) -> None:
    with app.test_request_context(f"/audits/{cast.draft.id}/compare"):
        _signed_in(app, cast.lead.id, cast.draft.id)
        audit, role = access.audit_or_404(cast.published.id)
        assert (audit.id, role) == (cast.published.id, LEAD)
        with pytest.raises(Exception) as refused:
            access.audit_or_404(cast.other_area_audit.id)
        assert getattr(refused.value, "code", None) == 404


def test_another_users_read_is_not_used(app: Flask, cast: Cast) -> None:
    with app.test_request_context(f"/audits/{cast.other_area_audit.id}/ratings"):
        access.user_and_audit(cast.other_lead.id, cast.other_area_audit.id)
        lead = db.session.get(User, cast.lead.id)
        flask_login.login_user(lead)
        with pytest.raises(Exception) as refused:
            access.audit_or_404(cast.other_area_audit.id)
        assert getattr(refused.value, "code", None) == 404


def test_an_administrator_reads_any_audit_as_its_lead(app: Flask, cast: Cast) -> None:
    with app.test_request_context(f"/audits/{cast.other_area_audit.id}/ratings"):
        _signed_in(app, cast.admin.id, cast.other_area_audit.id)
        audit, role = access.audit_or_404(cast.other_area_audit.id)
        assert (audit.id, role) == (cast.other_area_audit.id, LEAD)


def test_no_such_audit_is_not_found(app: Flask, cast: Cast) -> None:
    with app.test_request_context("/audits/999999/ratings"):
        _signed_in(app, cast.lead.id, 999999)
        with pytest.raises(Exception) as refused:
            access.audit_or_404(999999)
        assert getattr(refused.value, "code", None) == 404


# --- the lists of audits: the user's memberships read with the user -----------------


def test_the_lists_read_with_the_user_are_those_asked_alone(
    app: Flask, cast: Cast, statements: list[str]
) -> None:
    """On the list of audits and the choice of areas to compare, the user loader reads
    the audits the user is a member of with them (access.user_and_memberships): for
    every account (one with no audit, an administrator, a commissioner given a draft),
    the pages' lists are those asked alone, and no statement is sent for them."""
    from audit_app.services import benchmarking
    from tests import factories as make

    with app.app_context():
        make.user("newcomer@example.org", "partner")  # a member of nothing yet
        users = db.session.scalars(select(User).order_by(User.id)).all()
        alone = {
            user.id: (
                _shown(*access.visible_and_awaiting(user)),
                _named(benchmarking.comparable_audits(user, True)),
            )
            for user in users
        }
    assert any(waiting for (_, waiting), _ in alone.values())  # the commissioner's draft
    assert any(not listed for (listed, _), _ in alone.values())  # someone with none
    for user_id, (lists, comparable) in alone.items():
        for path in ("/audits/", "/compare-areas"):
            with app.test_request_context(path):
                user = access.user_and_memberships(user_id)
                assert user is not None and user.id == user_id
                flask_login.login_user(user)
                before = len(statements)
                if path == "/audits/":
                    assert _shown(*access.visible_and_awaiting(user)) == lists, user.email
                else:
                    shown = _named(benchmarking.comparable_audits(user, True))
                    assert shown == comparable, user.email
                # an administrator's are every audit, asked apart
                assert user.is_admin or len(statements) == before, user.email
                assert "memberships_read" not in g  # used once


def _named(audits: list[Any]) -> list[tuple[Any, ...]]:
    """What a list shows of each audit (an administrator's are Audits, a member's
    access.ListedAudit)."""
    return [
        (a.id, a.title, a.cycle, a.status, a.revision, a.created_at, a.area.name) for a in audits
    ]


def _shown(listed: list[tuple[Any, str]], waiting: list[Any]) -> tuple[Any, ...]:
    return [(*_named([a])[0], role) for a, role in listed], _named(waiting)


def test_another_users_memberships_are_not_used(app: Flask, cast: Cast) -> None:
    from audit_app.services import benchmarking

    with app.test_request_context("/compare-areas"):
        access.user_and_memberships(cast.lead.id)
        commissioner = db.session.get(User, cast.commissioner.id)
        assert commissioner is not None
        theirs = benchmarking.comparable_audits(commissioner, True)
        assert {audit.id for audit in theirs} == {cast.published.id}
