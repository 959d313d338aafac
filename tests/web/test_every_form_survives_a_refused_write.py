"""Every edit form and every form that adds a record, when the database refuses
its write, says so on the form and keeps what was typed (the guide: "Nothing is
lost when ... the database hiccups").

Generated from the same list of the app's edit forms as
test_every_form_saves_unchanged (which the URL map keeps complete): each is opened
on the demo audit, one value is changed as a person would, and every INSERT,
UPDATE and DELETE fails while it is sent, as a lost or locked database does. The
answer must be the form again (200, never a 500 or a "Saved"), with an error
summary, the changed value still in its box, and nothing stored. The forms that
add a record (NOT_EDITS's "Adds a new record.") are filled in as a person would,
every field, and must keep every value the same way.
"""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import Tag
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit
from audit_app.models.audit import DRAFT
from tests.visit import Page, Visitor
from tests.web.refusals import refused
from tests.web.test_every_form_saves_unchanged import (  # noqa: F401  (fixtures)
    FORMS,
    _clean_database,
    demo_audit_id,
    stored_rows,
)

TYPED = " (typed before the database went away)"


def _a_change(form: Tag) -> tuple[str, str] | None:
    """One value a person would change: text added to the first free-text box (a
    textarea, else a text input), else the first dropdown set to another option;
    None when the form has none of them."""
    for box in form.select("textarea") + form.select("input[type=text], input:not([type])"):
        name = str(box.get("name") or "")
        if name and not box.has_attr("disabled") and not box.has_attr("readonly"):
            text = box.get_text() if box.name == "textarea" else str(box.get("value", ""))
            return name, text.lstrip("\n") + TYPED
    for dropdown in form.select("select:not([multiple])"):
        options = [str(o.get("value", o.get_text())) for o in dropdown.select("option")]
        chosen = dropdown.select_one("option[selected]")
        now = str(chosen.get("value")) if chosen else (options[0] if options else None)
        others = [value for value in options if value and value != now]
        if dropdown.get("name") and others:
            return str(dropdown["name"]), others[0]
    return None


def _shown(page: Page, selector: str, name: str) -> str | None:
    form = page.soup.select_one(selector) or page.soup
    element = form.select_one(f'[name="{name}"]')
    if element is None:
        return None
    if element.name == "textarea":
        return element.get_text().lstrip("\n")
    if element.name == "select":
        chosen = element.select_one("option[selected]")
        return str(chosen.get("value")) if chosen else None
    return str(element.get("value", ""))


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_a_refused_write_shows_the_form_again_with_what_was_typed(
    app: Flask,
    client: Any,
    demo_audit_id: int,  # noqa: F811  (the imported fixture)
    endpoint: str,
) -> None:
    with app.app_context():
        audit = db.session.get(Audit, demo_audit_id)
        assert audit is not None
        audit.status, audit.published_at = DRAFT, None  # open for editing
        target = FORMS[endpoint](audit)
        db.session.commit()
        before = stored_rows()
    visitor = Visitor(client)
    visitor.sign_in(target.user, "demo-password")
    page = visitor.get(target.url)
    change = _a_change(page.form(target.selector))
    assert change is not None, f"{endpoint}: no text box or dropdown to change"
    name, value = change
    with refused() as writes:
        answer = visitor.submit(page, target.selector, {name: value}, status=None)
    assert writes, f"{endpoint}: changing {name} tried no write"
    assert answer.status == 200, (endpoint, answer.status, answer.h1)
    assert any("could not be saved" in message for message in answer.error_summary()), (
        endpoint,
        answer.error_summary(),
    )
    assert _shown(answer, target.selector, name) == value, f"{endpoint}: {name} was lost"
    with app.app_context():
        assert stored_rows() == before, f"{endpoint} stored something"


# --- forms that add a record --------------------------------------------------------

ADDING = "Adds a new record."
# Each route whose reason in NOT_EDITS is ADDING, by the path of its form in the audit.
ADD_FORMS = {
    endpoint: path
    for endpoint, path in {
        "stakeholders.add_stakeholder": "stakeholders/new",
        "stakeholders.add_statistic": "population/new",
        "stakeholders.add_source": "sources/new",
        "needs.add_method": "needs/methods/new",
        "needs.add_finding": "needs/findings/new",
        "plan.add_priority": "plan/priorities/new",
        "plan.add_objective": "plan/objectives/new",
        "plan.add_action": "plan/actions/new",
        "plan.add_funding": "plan/funding/new",
        "indicators.add_indicator": "indicators/new",
        "indicators.add_value": "indicators/{indicator}/values/new",
        "evidence.new": "evidence/new",
    }.items()
}
DATE_PARTS = {"day": "1", "month": "4", "year": "2026"}


def _filled(form: Tag, endpoint: str) -> dict[str, Any]:
    """What a person fills in on an empty form: text in every box (a date's three
    boxes as a date, a number as a number), the first real option of every
    dropdown, the first of every set of radios and checkboxes; then RULES's values."""
    data: dict[str, Any] = {}
    for box in form.select("textarea, input"):
        name = str(box.get("name") or "")
        kind = str(box.get("type", "text")).lower()
        if not name or kind in {"hidden", "submit", "file"}:
            continue
        part = str(box.get("id", "")).rsplit("-", 1)[-1]
        if part in DATE_PARTS:  # one name for the three boxes
            data.setdefault(name, []).append(DATE_PARTS[part])
        elif name in data:
            continue
        elif kind in {"radio", "checkbox"}:
            data[name] = str(box.get("value", "on"))
        elif box.get("inputmode") in {"numeric", "decimal"} or kind == "number":
            data[name] = "12"
        else:
            data[name] = "Typed before the database went away"
    for select_box in form.select("select"):
        values = [str(o.get("value")) for o in select_box.select("option") if o.get("value")]
        if select_box.get("name") and values:
            data[str(select_box["name"])] = values[0]
    return data | RULES.get(endpoint, {})


# Values a form's own rules need, where the plain filling above breaks them.
RULES: dict[str, dict[str, Any]] = {
    "indicators.add_indicator": {"ref": "NI 135", "decimals": "1"},
    "indicators.add_value": {"direct_result": ""},  # a numerator and denominator given
    "plan.add_priority": {"rank": "9"},  # the demo's plan ranks fewer
    "evidence.new": {"groups_not_reached": [], "review_by": ["1", "4", "2027"]},
    "stakeholders.add_source": {"url": "https://www.northshire.gov.uk/jsna"},
}


def test_every_adding_route_is_listed_here() -> None:
    from tests.web.test_every_form_saves_unchanged import NOT_EDITS

    assert {e for e, reason in NOT_EDITS.items() if reason == ADDING} == set(ADD_FORMS)


@pytest.mark.parametrize("endpoint", sorted(ADD_FORMS))
def test_a_refused_new_record_shows_the_form_again_with_what_was_typed(
    app: Flask,
    client: Any,
    demo_audit_id: int,  # noqa: F811  (the imported fixture)
    endpoint: str,
) -> None:
    from audit_app.models.indicators import Indicator
    from tests.web.test_every_form_saves_unchanged import LEAD

    with app.app_context():
        audit = db.session.get(Audit, demo_audit_id)
        assert audit is not None
        audit.status, audit.published_at = DRAFT, None  # open for editing
        indicator = db.session.scalars(
            select(Indicator.id).where(Indicator.audit_id == audit.id).order_by(Indicator.id)
        ).first()
        db.session.commit()
        before = stored_rows()
    visitor = Visitor(client)
    visitor.sign_in(LEAD, "demo-password")
    url = f"/audits/{demo_audit_id}/" + ADD_FORMS[endpoint].format(indicator=indicator)
    page = visitor.get(url)
    selector = "main form[method=post]"
    typed = _filled(page.form(selector), endpoint)
    with refused() as writes:
        answer = visitor.submit(page, selector, typed, status=None)
    assert answer.status == 200, (endpoint, answer.status, answer.h1)
    assert writes, (endpoint, "nothing written: refused as typed?", answer.error_summary())
    assert any("could not be saved" in message for message in answer.error_summary()), (
        endpoint,
        answer.error_summary(),
    )
    lost = {
        name: (value, _shown(answer, selector, name))
        for name, value in typed.items()
        if isinstance(value, str) and value and _shown(answer, selector, name) != value
    }
    assert lost == {}, endpoint
    with app.app_context():
        assert stored_rows() == before, f"{endpoint} stored something"
