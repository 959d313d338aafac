"""Messages at the top of a page say what kind they are (issue #19): green
"Success" only for an action just completed, the neutral banner for anything else;
and the beta banner asks each reader for feedback they can give.

The first test is generated from the code: every flash() call in audit_app names
a category from audit_app.messages, so a new message cannot fall back to a
default that the page would show as a success.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Flask

from audit_app.messages import CATEGORIES
from tests.visit import Page, Visitor
from tests.web.conftest import Cast
from tests.web.test_questionnaires import _open

APP = Path(__file__).resolve().parents[2] / "audit_app"
NAMES = {"SUCCESS", "INFORMATION"}


def _flash_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "flash":
                calls.append((f"{path.relative_to(APP.parent)}:{node.lineno}", node))
    return calls


def _is_category(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in NAMES
    if isinstance(node, ast.Constant):
        return node.value in CATEGORIES
    if isinstance(node, ast.IfExp):
        return _is_category(node.body) and _is_category(node.orelse)
    return False


def test_the_code_has_flash_calls_to_check() -> None:
    assert len(_flash_calls()) > 40


@pytest.mark.parametrize(("where", "call"), _flash_calls(), ids=lambda value: str(value))
def test_every_flash_names_success_or_information(where: str, call: ast.Call) -> None:
    given = call.args[1:2] or [k.value for k in call.keywords if k.arg == "category"]
    assert given and _is_category(given[0]), f"{where}: flash() needs SUCCESS or INFORMATION"


def _banners(page: Page) -> list[tuple[bool, str]]:
    """(is a success banner, its text) for each notification banner on the page."""
    return [
        (
            "govuk-notification-banner--success" in (banner.get("class") or []),
            banner.get_text(" ", strip=True),
        )
        for banner in page.soup.select(".govuk-notification-banner")
    ]


def test_sign_in_to_continue_is_not_a_success(visitor: Visitor, cast: Cast) -> None:
    page = visitor.get(f"/audits/{cast.draft.id}", follow=True)
    [(success, text)] = _banners(page)
    assert "Sign in to continue." in text
    assert not success and "Success" not in text


def test_a_completed_action_is_a_success(as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.dementia.id}/framework/interventions/breaks/remove"
    page = as_lead.submit(as_lead.get(url))
    [(success, text)] = _banners(as_lead.get(page.response.headers["Location"]))
    assert success and "‘Breaks’ removed." in text


def _beta(page: Page) -> str:
    banner = page.soup.select_one(".govuk-phase-banner")
    assert banner is not None
    return banner.get_text(" ", strip=True)


def test_a_carer_answering_the_survey_is_asked_for_no_feedback(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    _questionnaire_id, token = _open(app, cast.draft.id)
    beta = _beta(visitor.get(f"/survey/{token}"))
    assert "carers lead" not in beta and "Tell" not in beta
    assert "new service" in beta


def test_a_partner_tells_their_carers_lead(as_partner: Visitor, cast: Cast) -> None:
    assert "Tell your carers lead" in _beta(as_partner.get("/audits/"))


def test_a_lead_is_not_asked_to_tell_their_carers_lead(as_lead: Visitor, cast: Cast) -> None:
    beta = _beta(as_lead.get("/audits/"))
    assert "carers lead" not in beta
    assert "team that runs it" in beta


def test_a_lead_gets_the_service_teams_address_when_there_is_one(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    app.config["FEEDBACK_EMAIL"] = "carers-hub-team@example.org"
    try:
        page = as_lead.get("/audits/")
    finally:
        app.config["FEEDBACK_EMAIL"] = None
    link = page.soup.select_one(".govuk-phase-banner #feedback-link")
    assert link is not None and link["href"] == "mailto:carers-hub-team@example.org"
