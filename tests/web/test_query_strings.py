"""Junk in a query string (NUL, overlong text, huge numbers) never gives a 500:
every GET route is visited with every query parameter the app reads, generated
from the app's own source, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, url_for
from werkzeug.routing import Rule
from wtforms.fields.core import UnboundField

import audit_app
from tests.visit import Visitor
from tests.web.conftest import Cast

SOURCE = Path(audit_app.__file__).parent
JUNK = {
    "NUL": "\x00",
    "NUL inside": "rating\x00' OR 1=1",
    "overlong": "x" * 5000,
    "huge number": "9" * 40,
    "negative": "-1",
    "control characters": "\x01\x1f\x7f",
}
# Pages whose query parameters must be read for the test to mean anything: they
# must answer (not 404) for the lead of the draft audit.
MUST_BE_REACHED = {
    "audits.changes",
    "stakeholders.register",
    "indicators.dashboard",
    "evidence.index",
    "cycles.compare",
    "cycles.compare_areas",
    "auth.sign_in",
}


def _query_parameters() -> set[str]:
    """Every name the app reads from request.args, directly or through a form built
    from it."""
    names: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r"request\.args\.get\(\s*[\"'](\w+)", text))
        names |= set(re.findall(r"[\"'](\w+)[\"']\s+(?:not\s+)?in\s+request\.args", text))
        for form_name in re.findall(r"(\w+Form|\w+Filter)\((?:formdata=)?request\.args", text):
            names |= _form_fields(form_name)
    return names


def _form_fields(class_name: str) -> set[str]:
    for path in SOURCE.rglob("forms.py"):
        module_name = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts)
        module = __import__(module_name, fromlist=[class_name])
        form = getattr(module, class_name, None)
        if form is not None:
            return {
                name for name in dir(form) if isinstance(getattr(form, name, None), UnboundField)
            }
    raise AssertionError(f"no form class {class_name}")


def _url(app: Flask, rule: Rule, audit_id: int, query: dict[str, str], text: str = "x") -> str:
    values: dict[str, object] = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]  # type: ignore[attr-defined]
        integer = type(converter).__name__ == "IntegerConverter"
        values[argument] = audit_id if argument == "audit_id" else (1 if integer else text)
    with app.test_request_context():
        return url_for(rule.endpoint, **values, **query)


def _get_routes(app: Flask) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and rule.endpoint != "static"
    ]


def test_the_parameters_are_found() -> None:
    found = _query_parameters()
    assert {"next", "entity", "page", "as_of", "earlier", "audits", "status"} <= found, found


@pytest.mark.parametrize("junk", list(JUNK.values()), ids=list(JUNK))
def test_junk_in_any_query_parameter_never_gives_a_500(
    app: Flask, as_lead: Visitor, cast: Cast, junk: str
) -> None:
    query = dict.fromkeys(_query_parameters(), junk)
    reached: set[str] = set()
    for rule in _get_routes(app):
        for audit_id in (cast.draft.id, cast.published.id):
            response = as_lead.client.get(_url(app, rule, audit_id, query))
            assert response.status_code < 500, (rule.endpoint, audit_id, response.status_code)
            if response.status_code != 404:
                reached.add(rule.endpoint)
    assert reached >= MUST_BE_REACHED, MUST_BE_REACHED - reached


@pytest.mark.parametrize("junk", list(JUNK.values()), ids=list(JUNK))
def test_the_changes_page_ignores_or_refuses_a_junk_entity(
    as_lead: Visitor, cast: Cast, junk: str
) -> None:
    response = as_lead.client.get(
        f"/audits/{cast.draft.id}/changes", query_string={"entity": junk, "page": junk}
    )
    assert response.status_code in {200, 400}, response.status_code


@pytest.mark.parametrize("junk", list(JUNK.values()), ids=list(JUNK))
def test_junk_in_any_text_part_of_a_path_never_gives_a_500(
    app: Flask, as_lead: Visitor, cast: Cast, junk: str
) -> None:
    routes = [
        rule
        for rule in _get_routes(app)
        if any(
            type(rule._converters[name]).__name__ != "IntegerConverter"  # type: ignore[attr-defined]
            for name in rule.arguments
        )
    ]
    assert routes
    for rule in routes:
        for client in (as_lead.client, app.test_client()):
            response = client.get(_url(app, rule, cast.draft.id, {}, text=junk))
            assert response.status_code < 500, (rule.endpoint, response.status_code)
