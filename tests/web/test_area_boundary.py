"""Each area's boundary: a lead acts only for the areas they belong to, and a
commissioner invited to a draft is told plainly when it will appear."""

from __future__ import annotations

import io
import json
import re

from flask import Flask
from sqlalchemy import func, select

from audit_app.extensions import db
from audit_app.models import Audit, Organisation, User
from tests import factories as make
from tests.visit import Visitor, assert_error
from tests.web.conftest import Cast, publish

NOT_YOURS = "Choose one of your areas: you can only create an audit for an area you belong to"


def _area_options(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        option.get_text(strip=True): str(option["value"])
        for option in page.soup.select('select[name="area_id"] option')
        if option["value"] not in ("", "0")
    }


def _audit_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Audit)) or 0


def _new_audit(area_id: int, **changes: str) -> dict[str, object]:
    form: dict[str, object] = {
        "title": "All carers 2027/28",
        "area_id": str(area_id),
        "framework_id": "carers_hub_2010",
        "scope_kind": "whole",
        "cycle": "2027/28",
        "period_start": ["1", "4", "2027"],
        "period_end": ["31", "3", "2028"],
    }
    form.update(changes)
    return form


def test_the_area_list_offers_only_the_leads_own_area(as_lead: Visitor, cast: Cast) -> None:
    page = as_lead.get("/audits/new")
    assert _area_options(page) == {"Northshire County Council": str(cast.draft.area_id)}
    assert page.value("area_id") == str(cast.draft.area_id)
    assert _area_options(as_lead.get("/audits/import")) == {
        "Northshire County Council": str(cast.draft.area_id)
    }


def test_a_lead_cannot_create_an_audit_under_another_council(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    before = _audit_count(app)
    form = _new_audit(cast.other_area_audit.area_id, title="Southshire, made by Northshire")
    page = as_lead.post("/audits/new", form, status=200)
    assert_error(page, NOT_YOURS)
    assert page.field_error("area_id") == NOT_YOURS
    assert page.value("title") == "Southshire, made by Northshire"  # nothing typed is lost
    assert _audit_count(app) == before


def test_a_lead_cannot_import_an_audit_into_another_council(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    document = as_lead.get(f"/audits/{cast.draft.id}/exports/audit.json").response.data
    before = _audit_count(app)
    page = as_lead.post(
        "/audits/import",
        {
            "file": (io.BytesIO(document), "audit.json"),
            "area_id": str(cast.other_area_audit.area_id),
            "title": "Imported into Southshire",
        },
        status=200,
    )
    assert page.field_error("area_id") == NOT_YOURS
    assert _audit_count(app) == before
    assert json.loads(document)  # a real export was offered, so only the area was refused


def test_a_co_lead_of_another_councils_audit_may_act_for_that_area(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    with app.app_context():
        audit = db.session.get(Audit, cast.other_area_audit.id)
        make.member(audit, db.session.get(User, cast.lead.id), "lead")
    visitor.sign_in("lead@example.org")
    assert set(_area_options(visitor.get("/audits/new"))) == {
        "Northshire County Council",
        "Southshire Council",
    }
    visitor.post("/audits/new", _new_audit(cast.other_area_audit.area_id))


def test_an_administrator_may_act_for_every_area(app: Flask, as_admin: Visitor) -> None:
    with app.app_context():
        areas = set(
            db.session.scalars(select(Organisation.name).where(Organisation.kind == "area"))
        )
    assert set(_area_options(as_admin.get("/audits/new"))) == areas


def test_a_lead_without_an_area_is_told_why_there_is_none(app: Flask, visitor: Visitor) -> None:
    with app.app_context():
        make.user("lost@example.org", "carers_lead", None)
    visitor.sign_in("lost@example.org")
    page = visitor.get("/audits/new")
    assert _area_options(page) == {}
    assert "Ask an administrator to link your account to your area" in page.text


WAITING = "commissioners see an audit once its carers lead publishes it"


def _invite_commissioner(visitor: Visitor, audit_id: int, email: str, icb_id: str) -> str:
    page = visitor.post(
        f"/audits/{audit_id}/people",
        {"email": email, "role": "commissioner", "organisation_id": icb_id},
        status=200,
    )
    assert "as a commissioner they will see it once you publish it" in page.text
    code = page.soup.select_one("#invitation-link")
    assert code is not None
    return re.sub(r"^https?://[^/]+", "", code.get_text(strip=True))


def _icb_id(app: Flask) -> str:
    with app.app_context():
        return str(
            db.session.scalar(
                select(Organisation.id).where(Organisation.kind == "commissioning_body")
            )
        )


def test_a_new_commissioner_invited_to_a_draft_is_told_when_it_will_appear(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    visitor.sign_in("lead@example.org")
    link = _invite_commissioner(visitor, cast.draft.id, "new.icb@example.org", _icb_id(app))
    visitor.sign_out()
    invitation = visitor.get(link)
    assert WAITING in invitation.soup.select_one("#waiting-for-publication").get_text()
    password = {
        "name": "Ina Icb",
        "password": "a-long-password",
        "confirm_password": "a-long-password",
    }
    joined = visitor.post(link, password, follow=True, status=200)
    assert joined.status == 200 and joined.h1 == "Audits shared with you"
    assert "You have joined ‘All carers in Northshire 2026/27’" in joined.text
    assert WAITING in joined.text
    waiting = joined.soup.select_one("#waiting-for-publication + p + ul")
    assert waiting is not None
    assert "All carers in Northshire 2026/27 (Northshire County Council)" in waiting.get_text()
    assert "Page not found" not in joined.text


def test_an_existing_commissioner_joining_a_draft_lands_on_their_list(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    with app.app_context():
        make.user(
            "icb2@example.org", "commissioner", db.session.get(Organisation, int(_icb_id(app)))
        )
    visitor.sign_in("lead@example.org")
    link = _invite_commissioner(visitor, cast.draft.id, "icb2@example.org", _icb_id(app))
    visitor.switch("icb2@example.org")
    joined = visitor.post(link, {}, follow=True, status=200)
    assert joined.status == 200 and joined.h1 == "Audits shared with you"
    assert WAITING in joined.text
    # Once published, the audit is theirs to read, and no longer waiting.
    publish(app, cast.draft.id)
    page = visitor.get("/audits/")
    assert page.soup.select_one("#waiting-for-publication") is None
    assert "All carers in Northshire 2026/27" in page.text
    visitor.get(f"/audits/{cast.draft.id}")


def test_a_commissioner_joining_a_published_audit_lands_on_it(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    visitor.sign_in("lead@example.org")
    page = visitor.post(
        f"/audits/{cast.published.id}/people",
        {"email": "icb3@example.org", "role": "commissioner", "organisation_id": _icb_id(app)},
        status=200,
    )
    assert page.soup.select_one("#commissioner-waits") is None
    link = re.sub(
        r"^https?://[^/]+", "", page.soup.select_one("#invitation-link").get_text(strip=True)
    )
    visitor.sign_out()
    assert visitor.get(link).soup.select_one("#waiting-for-publication") is None
    password = {
        "name": "Ira Icb",
        "password": "a-long-password",
        "confirm_password": "a-long-password",
    }
    joined = visitor.post(link, password)
    assert joined.response.location.endswith(f"/audits/{cast.published.id}")
