"""A session ends when its person signs out or changes their password, wherever
its cookie has been copied to; and when an administrator deactivates the account."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.visit import Visitor
from tests.web.conftest import Cast

NEW_PASSWORD = "a-new-long-password"


def _copy_of_the_cookie(visitor: Visitor, app: Flask) -> Visitor:
    """Another browser holding the same session cookie, as a thief would."""
    cookie = visitor.client.get_cookie("session", domain="audit.test")
    assert cookie is not None
    thief: FlaskClient = app.test_client()
    thief.set_cookie("session", cookie.value, domain="audit.test")
    return Visitor(thief)


def _signed_in(visitor: Visitor) -> bool:
    response = visitor.client.get("/audits/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/sign-in" in response.location
    return False


def test_a_copied_cookie_works_while_the_session_lasts(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    assert _signed_in(_copy_of_the_cookie(as_lead, app))


def test_a_copied_cookie_stops_working_after_signing_out(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    copy = _copy_of_the_cookie(as_lead, app)
    as_lead.sign_out()
    assert not _signed_in(as_lead)
    assert not _signed_in(copy)


def _change_password(visitor: Visitor) -> None:
    visitor.post(
        "/account/password",
        {
            "current_password": "a-good-password",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )


def test_changing_the_password_ends_every_other_session_but_keeps_this_one(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    laptop = Visitor(app.test_client())
    laptop.sign_in("lead@example.org")
    copy = _copy_of_the_cookie(as_lead, app)
    _change_password(as_lead)
    assert _signed_in(as_lead)
    assert not _signed_in(laptop)
    assert not _signed_in(copy)
    laptop.sign_in("lead@example.org", NEW_PASSWORD)
    assert _signed_in(laptop)


def test_a_wrong_current_password_ends_no_session(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    laptop = Visitor(app.test_client())
    laptop.sign_in("lead@example.org")
    as_lead.post(
        "/account/password",
        {
            "current_password": "wrong",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        status=200,
    )
    assert _signed_in(laptop) and _signed_in(as_lead)


def test_deactivating_an_account_ends_its_sessions(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    admin = Visitor(app.test_client())
    admin.sign_in("admin@example.org")
    assert _signed_in(as_partner)
    admin.post(f"/admin/users/{cast.partner.id}/active")
    assert not _signed_in(as_partner)


def test_a_session_from_before_session_versions_is_over(as_lead: Visitor) -> None:
    with as_lead.client.session_transaction() as session:
        session["_user_id"] = session["_user_id"].split(":")[0]  # what cookies held before
    assert not _signed_in(as_lead)


def test_a_session_ends_twelve_hours_after_signing_in_even_in_use(
    app: Flask, as_lead: Visitor
) -> None:
    hours = app.config["SESSION_MAX_HOURS"]
    assert hours == 12
    with as_lead.client.session_transaction() as session:
        session["signed_in_at"] -= int((hours - 0.5) * 3600)
    assert _signed_in(as_lead)
    with as_lead.client.session_transaction() as session:
        session["signed_in_at"] -= 3600
    assert not _signed_in(as_lead)
    as_lead.sign_in("lead@example.org")
    assert _signed_in(as_lead)
