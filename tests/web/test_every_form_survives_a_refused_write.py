"""Every edit form, when the database refuses its write, says so on the form and
keeps what was typed (the guide: "Nothing is lost when ... the database hiccups").

Generated from the same list of the app's edit forms as
test_every_form_saves_unchanged (which the URL map keeps complete): each is opened
on the demo audit, one value is changed as a person would, and every INSERT,
UPDATE and DELETE fails while it is sent, as a lost or locked database does. The
answer must be the form again (200, never a 500 or a "Saved"), with an error
summary, the changed value still in its box, and nothing stored.
"""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import Tag
from flask import Flask

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
    for select in form.select("select:not([multiple])"):
        options = [str(o.get("value", o.get_text())) for o in select.select("option")]
        chosen = select.select_one("option[selected]")
        now = str(chosen.get("value")) if chosen else (options[0] if options else None)
        others = [value for value in options if value and value != now]
        if select.get("name") and others:
            return str(select["name"]), others[0]
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
