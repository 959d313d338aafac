"""Signing in and out, changing a password, and the rate limits on sign-in."""

from __future__ import annotations

import pytest
from flask import Flask

from audit_app.auth.views import SIGN_IN_FAILED
from tests.visit import Visitor
from tests.web.conftest import Cast


def test_sign_in_page_has_email_and_password_fields(visitor: Visitor) -> None:
    page = visitor.get("/sign-in")
    assert page.h1 == "Sign in"
    assert page.soup.select_one('input[name="email"]') is not None
    assert page.soup.select_one('input[name="password"][type="password"]') is not None


@pytest.mark.parametrize(
    ("email", "heading", "landing"),
    [
        ("lead@example.org", "Your audits", "/audits/"),
        ("partner@example.org", "Audits you contribute to", "/audits/"),
        ("commissioner@example.org", "Audits shared with you", "/audits/"),
        ("admin@example.org", "Administration", "/admin/"),
    ],
)
def test_each_role_lands_on_its_own_start_page(
    visitor: Visitor, cast: Cast, email: str, heading: str, landing: str
) -> None:
    visitor.sign_in(email)
    start = visitor.get("/", status=302)
    assert start.response.location.endswith(landing)
    assert visitor.get(landing).h1 == heading


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("lead@example.org", "wrong-password"),
        ("nobody@example.org", "a-good-password"),
        ("LEAD@example.org ", "wrong"),
    ],
    ids=["wrong password", "unknown account", "wrong password, odd case"],
)
def test_failed_sign_in_gives_one_generic_message(
    visitor: Visitor, cast: Cast, email: str, password: str
) -> None:
    page = visitor.post("/sign-in", {"email": email, "password": password}, status=200)
    assert page.error_summary() == [SIGN_IN_FAILED]
    assert page.value("email") == email.strip()
    assert page.value("password") == ""


def test_email_is_not_case_sensitive(visitor: Visitor, cast: Cast) -> None:
    page = visitor.post("/sign-in", {"email": " Lead@Example.ORG ", "password": "a-good-password"})
    assert page.status == 302


def test_empty_sign_in_names_both_fields(visitor: Visitor) -> None:
    page = visitor.post("/sign-in", {"email": "", "password": ""}, status=200)
    assert page.error_links() == {
        "Enter your email address": "#email",
        "Enter your password": "#password",
    }
    assert page.field_error("email") == "Enter your email address"
    assert page.soup.title is not None and page.soup.title.get_text().startswith("Error:")


def test_deactivated_account_cannot_sign_in(app: Flask, visitor: Visitor, cast: Cast) -> None:
    from audit_app.extensions import db
    from audit_app.models import User

    with app.app_context():
        user = db.session.get(User, cast.partner.id)
        assert user is not None
        user.active = False
        db.session.commit()
    page = visitor.post(
        "/sign-in", {"email": "partner@example.org", "password": "a-good-password"}, status=200
    )
    assert page.error_summary() == [SIGN_IN_FAILED]


def test_sign_out_ends_the_session(as_lead: Visitor) -> None:
    as_lead.sign_out()
    page = as_lead.get("/audits/", status=302)
    assert "/sign-in" in page.response.location


def test_sign_in_follows_a_same_site_next_link_only(visitor: Visitor, cast: Cast) -> None:
    token = visitor.csrf_token()
    good = visitor.client.post(
        "/sign-in?next=/audits/",
        data={"email": "lead@example.org", "password": "a-good-password", "csrf_token": token},
    )
    assert good.location.endswith("/audits/")
    visitor.sign_out()
    token = visitor.csrf_token()
    evil = visitor.client.post(
        "/sign-in?next=//evil.example/",
        data={"email": "lead@example.org", "password": "a-good-password", "csrf_token": token},
    )
    assert "evil" not in evil.location


def test_sign_in_is_rate_limited_per_account(app: Flask, visitor: Visitor, cast: Cast) -> None:
    limit = int(app.config["SIGN_IN_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(limit):
        visitor.post("/sign-in", {"email": "lead@example.org", "password": "nope"}, status=200)
    page = visitor.post(
        "/sign-in", {"email": "lead@example.org", "password": "a-good-password"}, status=429
    )
    assert page.error_summary() == [
        "Too many attempts to sign in to this account. Try again in 15 minutes."
    ]
    # Another account from the same address is not locked out by this one.
    visitor.post("/sign-in", {"email": "partner@example.org", "password": "a-good-password"})


def test_sign_in_is_rate_limited_per_address(app: Flask, visitor: Visitor, cast: Cast) -> None:
    limit = int(app.config["SIGN_IN_LIMIT_PER_ADDRESS"].split()[0])
    for number in range(limit):
        visitor.post(
            "/sign-in", {"email": f"guess{number}@example.org", "password": "x"}, status=200
        )
    visitor.post(
        "/sign-in", {"email": "lead@example.org", "password": "a-good-password"}, status=429
    )


def test_change_password(as_lead: Visitor) -> None:
    page = as_lead.post(
        "/account/password",
        {
            "current_password": "a-good-password",
            "new_password": "a-new-long-password",
            "confirm_password": "a-new-long-password",
        },
    )
    assert page.status == 302
    as_lead.sign_out()
    as_lead.sign_in("lead@example.org", "a-new-long-password")


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            {
                "current_password": "wrong",
                "new_password": "a-new-long-password",
                "confirm_password": "a-new-long-password",
            },
            "current_password",
            "Your current password is not right",
        ),
        (
            {
                "current_password": "a-good-password",
                "new_password": "short",
                "confirm_password": "short",
            },
            "new_password",
            "Password must be between 10 and 200 characters",
        ),
        (
            {
                "current_password": "a-good-password",
                "new_password": "a-new-long-password",
                "confirm_password": "different-password",
            },
            "confirm_password",
            "The passwords do not match",
        ),
        (
            {"current_password": "", "new_password": "", "confirm_password": ""},
            "current_password",
            "Enter your current password",
        ),
        (
            {
                "current_password": "a-good-password",
                "new_password": "x" * 10_000,
                "confirm_password": "x" * 10_000,
            },
            "new_password",
            "Password must be between 10 and 200 characters",
        ),
    ],
    ids=["wrong current", "too short", "mismatch", "empty", "10,000 characters"],
)
def test_change_password_errors(
    as_lead: Visitor, form: dict[str, str], field: str, message: str
) -> None:
    page = as_lead.post("/account/password", form, status=200)
    assert message in page.error_summary()
    assert page.field_error(field) == message


def test_session_cookie_is_httponly_and_lax(visitor: Visitor, cast: Cast) -> None:
    response = visitor.post(
        "/sign-in", {"email": "lead@example.org", "password": "a-good-password"}
    ).response
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_secure_outside_development(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from audit_app.config import settings

    monkeypatch.delenv("AUDIT_ENV", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    assert settings(str(tmp_path))["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("AUDIT_ENV", "development")
    assert settings(str(tmp_path))["SESSION_COOKIE_SECURE"] is False


def test_passwords_are_stored_as_argon2_hashes(app: Flask, cast: Cast) -> None:
    from audit_app.extensions import db
    from audit_app.models import User

    with app.app_context():
        user = db.session.get(User, cast.lead.id)
        assert user is not None and user.password_hash is not None
        assert user.password_hash.startswith("$argon2id$")
        assert "a-good-password" not in user.password_hash
