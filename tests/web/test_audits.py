"""Creating an audit, and inviting people to it."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from audit_app.audits.forms import NOT_YOUR_AREA
from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, Invitation
from tests.visit import Visitor
from tests.web.conftest import Cast


def _new_audit_form(cast: Cast, **changes: str) -> dict[str, object]:
    form: dict[str, object] = {
        "title": "Carers of people with dementia in Northshire 2027/28",
        "area_id": str(cast.draft.area_id),
        "framework_id": "carers_hub_2010",
        "scope_kind": "group",
        "scope_group": "dementia",
        "cycle": "2027/28",
        "period_start": ["1", "4", "2027"],
        "period_end": ["31", "3", "2028"],
        "description": "",
    }
    form.update(changes)
    return form


def test_lead_creates_an_audit_for_carers_of_people_with_dementia(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    form_page = as_lead.get("/audits/new")
    assert form_page.h1 == "Create an audit"
    page = as_lead.post("/audits/new", _new_audit_form(cast))
    overview = as_lead.get(page.response.location)
    assert overview.h1 == "Carers of people with dementia in Northshire 2027/28"
    assert "Carers of older people with dementia" in overview.text
    with app.app_context():
        audit = db.session.query(Audit).filter_by(cycle="2027/28").one()
        assert audit.scope == ["dementia"]
        assert audit.framework["id"] == "carers_hub_2010"
        assert len(audit.framework["interventions"]) == 17
        lead_membership = db.session.query(AuditMembership).filter_by(audit_id=audit.id).one()
        assert lead_membership.role == "lead"


def test_an_audit_may_cover_several_groups(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    form = _new_audit_form(cast, cycle="2029/30")
    form["scope_group"] = ["dementia", "carers_65_plus"]
    page = as_lead.post("/audits/new", form)
    overview = as_lead.get(page.response.location)
    assert "Carers of older people with dementia" in overview.text
    assert "Carers aged 65+" in overview.text
    with app.app_context():
        audit = db.session.query(Audit).filter_by(cycle="2029/30").one()
        assert audit.scope == ["dementia", "carers_65_plus"]


def test_a_rejected_form_keeps_the_groups_ticked(as_lead: Visitor, cast: Cast) -> None:
    form = _new_audit_form(cast, title="")
    form["scope_group"] = ["dementia", "bme"]
    page = as_lead.post("/audits/new", form, status=200)
    ticked = {box["value"] for box in page.soup.select('input[name="scope_group"][checked]')}
    assert ticked == {"dementia", "bme"}


def test_whole_area_audit_has_no_group_scope(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    as_lead.post(
        "/audits/new", _new_audit_form(cast, scope_kind="whole", scope_group="", cycle="2028/29")
    )
    with app.app_context():
        assert db.session.query(Audit).filter_by(cycle="2028/29").one().scope == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the audit"),
        ({"title": "x" * 10_000}, "title", "Title must be 200 characters or fewer"),
        ({"area_id": "0"}, "area_id", "Choose the area the audit covers"),
        ({"area_id": "not-a-number"}, "area_id", "Choose the area the audit covers"),
        ({"area_id": "999999"}, "area_id", NOT_YOUR_AREA),
        ({"scope_kind": ""}, "scope_kind", "Choose which carers this audit covers"),
        ({"scope_group": ""}, "scope_group", "Choose the groups of carers this audit covers"),
        (
            {"scope_group": "'; DROP TABLE audit; --"},
            "scope_group",
            "Choose groups of carers from the list",
        ),
        ({"cycle": "next year"}, "cycle", "Cycle must be a financial year like 2026/27"),
        ({"cycle": "2026/29"}, "cycle", "Cycle must be two years in a row, like 2026/27"),
        ({"period_start": ["", "", ""]}, "period_start", "Enter the start of the period"),
        (
            {"period_start": ["31", "2", "2027"]},
            "period_start",
            "The start of the period must be a real date",
        ),
        (
            {"period_start": ["1", "", "2027"]},
            "period_start",
            "The start of the period must include a month",
        ),
        (
            {"period_end": ["1", "1", "2027"]},
            "period_end",
            "The end of the period must be after its start",
        ),
        ({"framework_id": "no_such_framework"}, "framework_id", "Not a valid choice."),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_create_audit_rejects_bad_input_and_keeps_what_was_typed(
    as_lead: Visitor, cast: Cast, changes: dict[str, object], field: str, message: str
) -> None:
    form = _new_audit_form(cast, **changes)  # type: ignore[arg-type]
    page = as_lead.post("/audits/new", form, status=200)
    assert message in page.error_summary()
    anchor = page.error_links()[message]
    assert page.soup.select_one(anchor) is not None, f"error link {anchor} goes nowhere"
    if field != "title":
        assert page.value("title") == form["title"]


def test_hostile_text_is_shown_as_text_never_run(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    hostile = "<script>alert('x')</script> Robert'); DROP TABLE audit;--"
    page = as_lead.post("/audits/new", _new_audit_form(cast, title=hostile))
    overview = as_lead.get(page.response.location)
    assert overview.h1 == hostile
    assert "<script>alert" not in overview.response.get_data(as_text=True)


def test_control_characters_and_bad_bytes_are_cleaned_not_a_500(
    as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.post("/audits/new", _new_audit_form(cast, title="Dementia\x00 carers\x07 audit"))
    assert as_lead.get(page.response.location).h1 == "Dementia carers audit"
    raw = as_lead.client.post(
        "/audits/new",
        data=b"title=%FF%FE&csrf_token=" + as_lead.csrf_token().encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert raw.status_code == 200
    assert "There is a problem" in raw.get_data(as_text=True)


def _invite(visitor: Visitor, cast: Cast, **changes: str) -> object:
    form = {
        "email": "new.partner@example.org",
        "role": "partner",
        "organisation_id": "",
        "new_organisation": "Northshire Young Carers",
        "new_organisation_kind": "voluntary_sector",
    }
    form.update(changes)
    return visitor.post(f"/audits/{cast.draft.id}/people", form, status=200)


def _link(page: object) -> str:
    code = page.soup.select_one("#invitation-link")  # type: ignore[attr-defined]
    assert code is not None
    return re.sub(r"^https?://[^/]+", "", code.get_text(strip=True))


def test_lead_invites_a_partner_who_sets_a_password_and_joins(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    visitor.sign_in("lead@example.org")
    link = _link(_invite(visitor, cast))
    visitor.sign_out()

    page = visitor.get(link)
    assert page.h1 == "Join ‘All carers in Northshire 2026/27’"
    errors = visitor.post(
        link, {"name": "", "password": "short", "confirm_password": "other"}, status=200
    )
    assert "Enter your full name" in errors.error_summary()
    joined = visitor.post(
        link,
        {
            "name": "Nia Partner",
            "password": "a-long-password",
            "confirm_password": "a-long-password",
        },
    )
    assert joined.response.location.endswith(f"/audits/{cast.draft.id}")
    assert visitor.get(f"/audits/{cast.draft.id}").h1 == "All carers in Northshire 2026/27"
    # The link works once only.
    visitor.sign_out()
    assert visitor.get(link, status=404).h1 == "This invitation link cannot be used"
    visitor.sign_in("new.partner@example.org", "a-long-password")
    with app.app_context():
        invitation = db.session.query(Invitation).one()
        assert invitation.accepted_at is not None
        assert invitation.organisation is not None
        assert invitation.organisation.name == "Northshire Young Carers"


def test_invitation_to_an_existing_account_needs_that_account_signed_in(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    visitor.sign_in("lead@example.org")
    page = _invite(
        visitor,
        cast,
        email="lead@southshire.example.org",
        role="commissioner",
        new_organisation="",
        organisation_id=str(cast.draft.area_id),
    )
    link = _link(page)
    visitor.sign_out()
    redirect = visitor.get(link, status=302)
    assert "/sign-in" in redirect.response.location
    visitor.sign_in("lead@southshire.example.org")
    visitor.post(link, {})
    with app.app_context():
        roles = {
            m.role for m in db.session.query(AuditMembership).filter_by(audit_id=cast.draft.id)
        }
        assert "commissioner" in roles


def test_expired_or_withdrawn_invitation_cannot_be_used(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    from datetime import timedelta

    from audit_app.models.types import utcnow

    visitor.sign_in("lead@example.org")
    expired_link = _link(_invite(visitor, cast, email="one@example.org"))
    withdrawn_link = _link(_invite(visitor, cast, email="two@example.org"))
    with app.app_context():
        invitation = db.session.query(Invitation).filter_by(email="one@example.org").one()
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        withdrawn = db.session.query(Invitation).filter_by(email="two@example.org").one()
        withdrawn_id = withdrawn.id
    visitor.post(f"/audits/{cast.draft.id}/invitations/{withdrawn_id}/revoke", {})
    visitor.sign_out()
    visitor.get(expired_link, status=404)
    visitor.get(withdrawn_link, status=404)
    visitor.get("/invitation/" + "x" * 5000, status=404)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": ""}, "Enter the email address of the person to invite"),
        (
            {"email": "not an email"},
            "Enter an email address in the correct format, like name@example.org",
        ),
        ({"email": "a" * 10_000 + "@example.org"}, "Email address must be 320 characters or fewer"),
        ({"role": ""}, "Choose their role in this audit"),
        ({"role": "administrator"}, "Not a valid choice."),
        (
            {"new_organisation": "", "organisation_id": ""},
            "Choose their organisation, or add it if it is not listed",
        ),
        (
            {"new_organisation": "", "organisation_id": "999999"},
            "Choose an organisation from the list",
        ),
        ({"new_organisation_kind": ""}, "Choose the kind of organisation you are adding"),
    ],
)
def test_invite_form_rejects_bad_input(
    as_lead: Visitor, cast: Cast, changes: dict[str, str], message: str
) -> None:
    page = _invite(as_lead, cast, **changes)
    assert message in page.error_summary()  # type: ignore[attr-defined]


def test_revoking_another_audits_invitation_is_404(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    visitor.sign_in("lead@example.org")
    _invite(visitor, cast)
    with app.app_context():
        invitation_id = db.session.query(Invitation).one().id
    visitor.sign_out()
    visitor.sign_in("lead@southshire.example.org")
    visitor.post(
        f"/audits/{cast.other_area_audit.id}/invitations/{invitation_id}/revoke", {}, status=404
    )
