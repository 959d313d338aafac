"""A published version is read-only: its form pages refuse to open, not only to save.

Every route of an audit that takes POST is either refused on a published version
(409, whatever the method) or listed below as belonging to a published version,
with the reason. A new form page fails `test_every_form_page_of_a_published_version_
is_refused_or_listed` until someone decides which it is.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from audit_app.extensions import db
from audit_app.models import Audit, User
from audit_app.services import evidence
from tests.visit import Visitor
from tests.web.conftest import Cast

# Writes that belong to a published version (their views pass allow_published=True).
WRITES_ON_PUBLISHED = {
    "audits.people": "inviting people to read or review it",
    "audits.revoke_invitation": "withdrawing an invitation",
    "publishing.publish": "the page shows the publication once it is published",
    "publishing.new_version": "starting a new version from it",
    "cycles.next_cycle": "starting the next cycle from it",
    "publishing.add_comment": "commissioners' review",
    "publishing.record_agreement": "commissioners' review",
    "publishing.feedback": "you said, we did",
    "publishing.edit_item": "you said, we did",
    "publishing.delete_item": "you said, we did",
    "publishing.toggle_public": "you said, we did",
    "questionnaires.change_status": "gathering views goes on after publication",
    "questionnaires.upload": "gathering views goes on after publication",
    "questionnaires.columns": "gathering views goes on after publication",
    "questionnaires.restart_import": "gathering views goes on after publication",
    "questionnaires.answer": "gathering views goes on after publication",
    "questionnaires.check": "gathering views goes on after publication",
    "exports.make_pdf": "a PDF of the report changes nothing in the audit",
}
# Pages that show a published version to everyone who may read it and carry the
# lead's form only on a draft; sending the form to a published version gets 409.
READ_ON_PUBLISHED = {
    "ratings.grid": "/ratings",
    "ratings.cell": "/ratings/breaks/dementia",
    "ratings.checklist": "/checklist",
    "ratings.checklist_cell": "/checklist/1a/dementia",
    "needs.planning": "/needs/planning",
    "needs.outcomes": "/needs/outcomes",
}
ALLOWED = WRITES_ON_PUBLISHED.keys() | READ_ON_PUBLISHED.keys()
# What goes on being added to a published version itself (not a new version or cycle).
STILL_GATHERED = {
    endpoint
    for endpoint, why in WRITES_ON_PUBLISHED.items()
    if why
    in {"commissioners' review", "you said, we did", "gathering views goes on after publication"}
}

DEMO_DEMENTIA = "Carers of people with dementia in Northshire 2026/27"  # published

_ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def _audit_routes(app: Flask) -> list[tuple[str, str, set[str]]]:
    """(rule, endpoint, methods) of every route of one audit that takes POST."""
    return [
        (rule.rule, rule.endpoint, set(rule.methods or ()))
        for rule in app.url_map.iter_rules()
        if "audit_id" in rule.arguments and "POST" in (rule.methods or ())
    ]


def _url(rule: str, values: dict[str, object]) -> str:
    """The rule with its arguments filled in: a given value, else one that names
    nothing, so a 409 shows the refusal comes before any lookup."""

    def value(match: re.Match[str]) -> str:
        converter, name = match.groups()
        return str(values.get(name, 999_999 if converter == "int" else "none"))

    return _ARGUMENT.sub(value, rule)


def _lead_return_on(app: Flask, audit_id: int, lead_id: int) -> int:
    """An evidence return the lead may change: its edit page checks who may change
    which return before it refuses a published version."""
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        lead = db.session.get(User, lead_id)
        assert audit is not None and lead is not None
        return evidence.create(audit, {"service_name": "Carers' breaks"}, lead).id


def test_every_form_page_of_a_published_version_is_refused_or_listed(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    values = {
        "audit_id": cast.published.id,
        "evidence_id": _lead_return_on(app, cast.published.id, cast.lead.id),
    }
    opened = []
    for rule, endpoint, methods in _audit_routes(app):
        if endpoint in ALLOWED:
            continue
        url = _url(rule, values)
        # A route with no page (POST only) is tried the only way in.
        if "GET" in methods:
            status = as_lead.get(url, status=None).status
        else:
            status = as_lead.post(url, {}, status=None).status
        if status != 409:
            opened.append(f"{endpoint} ({url}): {status}")
    assert not opened, (
        "These pages open on a published version. Use editable_audit_or_404 in the view, "
        "or list the endpoint in this module as belonging to a published version:\n"
        + "\n".join(opened)
    )


def test_the_allowed_list_names_only_routes_that_take_post(app: Flask) -> None:
    posting = {endpoint for _, endpoint, _ in _audit_routes(app)}
    assert not ALLOWED - posting, ALLOWED - posting


def test_a_form_page_of_a_published_version_says_why_and_how_to_start_again(
    as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.get(f"/audits/{cast.published.id}/stakeholders/new", status=409)
    assert page.h1 == "This audit has been published"
    assert "start a new version of the audit from its overview page" in page.text
    assert page.soup.select_one("main form") is None


def test_the_same_form_page_opens_on_a_draft(as_lead: Visitor, cast: Cast) -> None:
    page = as_lead.get(f"/audits/{cast.dementia.id}/stakeholders/new")
    assert page.h1 == "Add a stakeholder"


def test_a_partner_cannot_open_the_evidence_form_of_a_published_version(
    as_partner: Visitor, cast: Cast
) -> None:
    as_partner.get(f"/audits/{cast.published.id}/evidence/new", status=409)
    as_partner.get(f"/audits/{cast.dementia.id}/evidence/new")


def test_the_indicator_catalogue_of_a_published_version_is_refused(
    as_lead: Visitor, cast: Cast
) -> None:
    as_lead.get(f"/audits/{cast.published.id}/indicators/catalogue", status=409)


def test_pages_read_on_a_published_version_show_no_form(as_lead: Visitor, cast: Cast) -> None:
    for endpoint, path in READ_ON_PUBLISHED.items():
        page = as_lead.get(f"/audits/{cast.published.id}{path}")
        assert page.soup.select("main form[method=post]") == [], endpoint
        assert page.soup.select_one("#published-note") is not None, endpoint


def test_pages_of_a_published_version_open_for_what_belongs_to_it(
    as_lead: Visitor, cast: Cast
) -> None:
    audit = f"/audits/{cast.published.id}"
    assert as_lead.get(f"{audit}/people").soup.select_one("main form[method=post]")
    assert as_lead.get(f"{audit}/you-said-we-did").soup.select_one("main form[method=post]")
    assert as_lead.get(f"{audit}/next-cycle").soup.select_one("main form[method=post]")


def test_no_link_in_a_published_audit_leads_to_a_refused_page(app: Flask, visitor: Visitor) -> None:
    """Walk the published demo audit as its lead, from the overview, following every
    link within the audit (a few pages of each kind), and find no dead end."""
    from audit_app.demo import load_demo

    with app.app_context():
        load_demo()
        audit_id = db.session.scalar(select(Audit.id).where(Audit.title == DEMO_DEMENTIA))
    visitor.sign_in("lead@demo.test", "demo-password")
    refused = _walk(app, visitor, f"/audits/{audit_id}")
    assert not refused, "\n".join(refused)


def _walk(app: Flask, visitor: Visitor, start: str, per_endpoint: int = 3) -> list[str]:
    """Follow links below ``start`` breadth-first; each link that gets 409, with the
    page it is on. Downloads and exports are not followed."""
    adapter = app.url_map.bind("audit.test")
    seen: set[str] = {start}
    visits: dict[str, int] = {}
    queue: deque[tuple[str, str]] = deque([(start, "")])
    refused = []
    while queue:
        url, source = queue.popleft()
        try:
            endpoint = str(adapter.match(urlsplit(url).path)[0])
        except HTTPException:  # a redirect, such as to a trailing slash
            endpoint = urlsplit(url).path
        visits[endpoint] = visits.get(endpoint, 0) + 1
        if visits[endpoint] > per_endpoint:
            continue
        page = visitor.get(url, status=None, follow=True)
        if page.status == 409:
            refused.append(f"{url}, linked from {source}")
            continue
        assert page.status == 200, f"{url}: {page.status}"
        note = page.soup.select_one("#published-note")
        for form in page.soup.select("main form[method=post]"):
            action = urlsplit(str(form.get("action") or url)).path
            try:
                posts_to = str(adapter.match(action, method="POST")[0])
            except HTTPException:
                continue
            # A form that adds to this version itself (views, comments) must not sit
            # under a note that calls the version read-only.
            if posts_to in STILL_GATHERED:
                assert note is not None, url
                assert "read-only" not in note.get_text(), f"{url}: read-only above {posts_to}"
        for link in page.soup.select("main a[href]"):
            href = str(link["href"]).split("#")[0]
            path = urlsplit(href).path
            if not path.startswith(start) or href in seen:
                continue
            if "." in path.rsplit("/", 1)[-1] or "/exports" in path:
                continue
            seen.add(href)
            queue.append((href, url))
    return refused
