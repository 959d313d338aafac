"""The administrator: adding an account, where each role says what it may do and an account
that acts for an organisation cannot be added without one; their list of audits."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import User
from tests.visit import Visitor
from tests.web.conftest import Cast

URL = "/admin/users/new"


def _typed(cast: Cast, **changes: str) -> dict[str, str]:
    return {
        "name": "Nina New",
        "email": "nina@example.org",
        "role": "partner",
        "organisation_id": str(cast.partner.organisation_id),
        "password": "a-temporary-password",
        **changes,
    }


def test_each_role_says_what_it_may_do(as_admin: Visitor, cast: Cast) -> None:
    page = as_admin.get(URL)
    hints = {
        radio["value"]: page.soup.select_one(f"#{radio['aria-describedby']}").get_text(strip=True)
        for radio in page.soup.select("input[name=role]")
    }
    assert set(hints) == {"administrator", "carers_lead", "partner", "commissioner"}
    assert hints["partner"].startswith("Sends evidence and views to the audits they are invited")
    buttons = [button.get_text(strip=True) for button in page.soup.select("main form button")]
    assert buttons[-1] == "Add account"


def test_a_partner_without_an_organisation_is_refused_keeping_what_was_typed(
    app: Flask, as_admin: Visitor, cast: Cast
) -> None:
    page = as_admin.post(URL, _typed(cast, organisation_id=""), status=200)
    message = "Choose the organisation this partner acts for"
    assert page.error_summary() == [message]
    assert page.field_error("organisation_id") == message
    assert page.value("name") == "Nina New"
    assert page.value("email") == "nina@example.org"
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "nina@example.org")) is None


def test_an_administrator_needs_no_organisation(app: Flask, as_admin: Visitor, cast: Cast) -> None:
    as_admin.post(URL, _typed(cast, role="administrator", organisation_id=""))
    with app.app_context():
        added = db.session.scalar(select(User).where(User.email == "nina@example.org"))
        assert added is not None and added.organisation_id is None


def test_a_partner_is_added_to_their_organisation(
    app: Flask, as_admin: Visitor, cast: Cast
) -> None:
    as_admin.post(URL, _typed(cast))
    with app.app_context():
        added = db.session.scalar(select(User).where(User.email == "nina@example.org"))
        assert (added.role, added.organisation_id) == ("partner", cast.partner.organisation_id)


def test_the_administrators_audit_list_names_their_role_not_a_leads(
    as_admin: Visitor, cast: Cast
) -> None:
    page = as_admin.get("/audits/")
    assert page.h1 == "All audits"
    assert page.soup.select_one(".govuk-caption-l").get_text(strip=True) == "Administrator"
    roles = {row.select("td")[-1].get_text(strip=True) for row in page.soup.select("tbody tr")}
    assert roles == {"Administrator"}
    assert "change it as its carers lead can" in page.soup.select_one("#administrator-audits").text


def test_an_area_and_a_commissioning_body_are_told_apart(as_admin: Visitor, cast: Cast) -> None:
    page = as_admin.get("/admin/organisations/new")
    hints = {
        radio["value"]: page.soup.select_one(f"#{radio['aria-describedby']}").get_text(strip=True)
        for radio in page.soup.select("input[name=kind]")
        if radio.has_attr("aria-describedby")
    }
    assert set(hints) == {"area", "commissioning_body"}
    assert "carers leads run the area's audits" in hints["area"]
    assert "commissioners read the published audits" in hints["commissioning_body"]
