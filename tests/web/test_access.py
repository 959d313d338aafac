"""Who can reach what: every route, every role (DESIGN.md "Who uses it and for what")."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.visit import Visitor
from tests.web.conftest import Cast

# Pages anyone may open without signing in.
PUBLIC_ENDPOINTS = {
    "static",
    "auth.sign_in",
    "auth.accept_invitation",
    "main.accessibility",
    "main.about",
    "publishing.public_feedback",
    # The carers' survey, by its public link.
    "questionnaires.public_start",
    "questionnaires.public_page",
    "questionnaires.public_check",
    "questionnaires.public_thanks",
}


def _url_for_rule(app: Flask, rule, cast: Cast) -> str:  # type: ignore[no-untyped-def]
    """A concrete URL for a route, with ids from the cast's draft audit."""
    values = {}
    for argument in rule.arguments:
        values[argument] = {"audit_id": cast.draft.id, "user_id": cast.partner.id}.get(argument, 1)
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _routes(app: Flask, method: str) -> list:  # type: ignore[type-arg]
    return [
        rule
        for rule in app.url_map.iter_rules()
        if method in (rule.methods or ()) and rule.endpoint not in PUBLIC_ENDPOINTS
    ]


def test_every_route_sends_anonymous_visitors_to_sign_in(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    routes = _routes(app, "GET")
    assert len(routes) >= 6
    for rule in routes:
        page = visitor.get(_url_for_rule(app, rule, cast), status=302)
        assert "/sign-in" in page.response.location, rule.endpoint


def test_every_post_route_refuses_a_missing_csrf_token(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    routes = [rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())]
    assert len(routes) >= 6
    for rule in routes:
        page = as_lead.post(_url_for_rule(app, rule, cast), {}, status=400, csrf=False)
        assert page.h1 == "Sorry, your form has expired", rule.endpoint


def test_public_pages_open_without_signing_in(visitor: Visitor) -> None:
    assert visitor.get("/sign-in").h1 == "Sign in"
    assert visitor.get("/accessibility").h1 == "Accessibility statement"
    assert visitor.get("/about").h1 == "About the method"


def test_lead_sees_their_audits_including_drafts(as_lead: Visitor, cast: Cast) -> None:
    page = as_lead.get("/audits/")
    links = {a.get_text(strip=True): a["href"] for a in page.soup.select("main a.govuk-link")}
    assert links["All carers in Northshire 2026/27"] == f"/audits/{cast.draft.id}"
    assert links["Carers of people with dementia 2026/27"] == f"/audits/{cast.published.id}"
    assert "Southshire" not in page.text


def test_partner_sees_the_audits_they_contribute_to(as_partner: Visitor, cast: Cast) -> None:
    page = as_partner.get("/audits/")
    assert "All carers in Northshire 2026/27" in page.text
    assert "Southshire" not in page.text


def test_commissioner_sees_only_published_audits(as_commissioner: Visitor, cast: Cast) -> None:
    page = as_commissioner.get("/audits/")
    assert "Carers of people with dementia 2026/27" in page.text
    table = page.soup.select_one("main table")
    assert table is not None and "All carers in Northshire" not in table.get_text()
    assert not page.soup.select(f'main a[href="/audits/{cast.draft.id}"]')  # named, not linked
    as_commissioner.get(f"/audits/{cast.draft.id}", status=404)
    assert (
        as_commissioner.get(f"/audits/{cast.published.id}").h1
        == "Carers of people with dementia 2026/27"
    )


def test_someone_not_in_an_audit_gets_404(visitor: Visitor, cast: Cast) -> None:
    visitor.sign_in("lead@southshire.example.org")
    visitor.get(f"/audits/{cast.draft.id}", status=404)
    visitor.get(f"/audits/{cast.published.id}", status=404)
    visitor.get(f"/audits/{cast.draft.id}/people", status=404)
    visitor.get(f"/audits/{cast.other_area_audit.id}", status=200)


def test_audit_that_does_not_exist_is_404(as_lead: Visitor) -> None:
    as_lead.get("/audits/999999", status=404)


@pytest.mark.parametrize("email", ["partner@example.org", "commissioner@example.org"])
def test_only_the_lead_manages_people(visitor: Visitor, cast: Cast, email: str) -> None:
    visitor.sign_in(email)
    visitor.get(f"/audits/{cast.published.id}/people", status=404)


@pytest.mark.parametrize("email", ["partner@example.org", "commissioner@example.org"])
def test_only_leads_and_admins_create_audits(visitor: Visitor, cast: Cast, email: str) -> None:
    visitor.sign_in(email)
    visitor.get("/audits/new", status=403)


@pytest.mark.parametrize(
    "email", ["lead@example.org", "partner@example.org", "commissioner@example.org"]
)
def test_only_administrators_administer(visitor: Visitor, cast: Cast, email: str) -> None:
    visitor.sign_in(email)
    visitor.get("/admin/", status=403)
    visitor.get("/admin/users/new", status=403)


def test_administrator_sees_every_audit(as_admin: Visitor, cast: Cast) -> None:
    page = as_admin.get("/admin/")
    assert "All carers in Southshire 2026/27" in page.text
    assert as_admin.get(f"/audits/{cast.other_area_audit.id}").status == 200


def test_error_pages_are_accessible_pages(visitor: Visitor) -> None:
    page = visitor.get("/no-such-page", status=404)
    assert page.h1 == "Page not found"
    assert page.soup.select_one("main#main-content") is not None
    assert page.soup.select_one("a.govuk-skip-link") is not None


def test_security_headers_on_every_page(visitor: Visitor) -> None:
    headers = visitor.get("/sign-in").response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_too_large_request_gets_the_413_page(app: Flask, as_lead: Visitor) -> None:
    body = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    page = as_lead.post("/account/password", {"current_password": body}, status=413)
    assert page.h1 == "The file is too large"


def test_unexpected_error_shows_the_500_page(
    app: Flask, visitor: Visitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audit_app.services import accounts

    def broken(*args: object) -> None:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(accounts, "authenticate", broken)
    page = visitor.post("/sign-in", {"email": "a@example.org", "password": "x"}, status=500)
    assert page.h1 == "Sorry, there is a problem with the service"
    assert "database hiccup" not in page.text
