"""Every edit form with a version check, generated from the same builders as
test_every_form_saves_unchanged: when someone else saves while you are editing,
your save is refused with both versions shown; saving the conflict page as it
stands ("keep yours") then lands, and "keep theirs" keeps the other's value
(issue #17 §3).

The other person is the same account in a second browser session (another
window), so the test does not depend on who else may edit what.
"""

from __future__ import annotations

import pytest
from bs4 import Tag
from flask import Flask
from flask.testing import FlaskClient

from audit_app.extensions import db
from audit_app.models import Audit
from audit_app.models.audit import DRAFT
from tests.visit import Page, Visitor
from tests.web import test_every_form_saves_unchanged as unchanged
from tests.web.test_every_form_saves_unchanged import FORMS, Target

# The same demo records, loaded once for the module (pytest finds fixtures by name).
demo_audit_id = unchanged.demo_audit_id
_clean_database = unchanged._clean_database

# Forms with a stale check that are not edit forms of a record (unchanged saves are
# refused there), but where both people type: tailoring the framework.
STALE_FORMS = {
    **FORMS,
    "tailoring.rename": lambda audit: Target(
        f"/audits/{audit.id}/framework/interventions/breaks/rename"
    ),
}

# Forms whose field to change is not the first free-text field of the form.
FIELD = {
    "publishing.record_agreement": "comment",
}


def _field(form: Tag, endpoint: str) -> Tag:
    """The field both people change: a free-text one where the form has one, else a select."""
    name = FIELD.get(endpoint)
    if name:
        found = form.find(attrs={"name": lambda n: bool(n) and n.endswith(name)})
    else:
        found = form.find("textarea") or form.find("input", type="text") or form.find("select")
    assert isinstance(found, Tag), f"{endpoint}: no field to change"
    return found


def _values(field: Tag, original: str) -> tuple[str, str]:
    """(theirs, mine): two values different from each other and from ``original``."""
    if field.name == "select":
        options = [str(o.get("value")) for o in field.select("option") if o.get("value")]
        theirs, mine = [value for value in options if value != original][-2:]
        return theirs, mine
    return f"{original} (theirs)".strip(), f"{original} (mine)".strip()


def _outside_fields(page: Page) -> str:
    """The main content's text without any form field: what the page says, not what
    its fields hold."""
    main = page.soup.select_one("main")
    assert main is not None
    copy = Page(page.response, type(page.soup)(str(main), "html.parser"))
    for field in copy.soup.select("input, textarea, select"):
        field.decompose()
    return copy.text


def _shown(value: str, field: Tag) -> str:
    """How the page names a value: a select's option by its label."""
    if field.name == "select":
        option = field.find("option", attrs={"value": value})
        assert isinstance(option, Tag)
        return option.get_text(strip=True)
    return value


def _open(app: Flask, demo_audit_id: int, endpoint: str) -> Target:
    with app.app_context():
        audit = db.session.get(Audit, demo_audit_id)
        assert audit is not None
        audit.status, audit.published_at = DRAFT, None
        target = STALE_FORMS[endpoint](audit)
        db.session.commit()
        return target


def _conflict(
    app: Flask, demo_audit_id: int, endpoint: str, client: FlaskClient
) -> tuple[Target, Visitor, Page, str, str, Tag]:
    """Load the form, let someone else save a change, save mine: the conflict page."""
    target = _open(app, demo_audit_id, endpoint)
    me, other = Visitor(client), Visitor(app.test_client())
    for person in (me, other):
        person.sign_in(target.user, "demo-password")
    mine_loaded = me.get(target.url)
    field = _field(mine_loaded.form(target.selector), endpoint)
    name = str(field.get("name"))
    theirs, mine = _values(field, mine_loaded.value(name) or "")
    other.submit(other.get(target.url), target.selector, changes={name: theirs})
    conflict = me.submit(mine_loaded, target.selector, changes={name: mine}, status=200)
    assert conflict.value(name).strip() == mine, "what I typed is kept"  # type: ignore[union-attr]
    return target, me, conflict, theirs, mine, field


STALE_CHECKED = sorted(STALE_FORMS)


@pytest.mark.parametrize("endpoint", STALE_CHECKED)
def test_a_stale_save_shows_both_and_keeping_mine_from_the_conflict_page_lands(
    app: Flask, client: FlaskClient, demo_audit_id: int, endpoint: str
) -> None:
    target, me, conflict, theirs, mine, field = _conflict(app, demo_audit_id, endpoint, client)
    around = _outside_fields(conflict)
    assert _shown(theirs, field) in around, f"{endpoint}: their version is not shown"
    assert "changed" in around.lower() or "someone else" in around.lower()
    if conflict.soup.select_one(".app-conflict .govuk-summary-list"):
        marked = [
            tag.find_parent("div").get_text(" ", strip=True)  # type: ignore[union-attr]
            for tag in conflict.soup.select(".app-conflict .govuk-tag")
            if "Differs from yours" in tag.get_text()
        ]
        assert len(marked) == 1, f"{endpoint}: one answer differs, these are marked: {marked}"
    me.submit(conflict, target.selector)  # keep mine: the page as it stands
    assert me.get(target.url).value(str(field.get("name"))).strip() == mine  # type: ignore[union-attr]


@pytest.mark.parametrize("endpoint", STALE_CHECKED)
def test_a_stale_save_then_keeping_theirs_keeps_their_value(
    app: Flask, client: FlaskClient, demo_audit_id: int, endpoint: str
) -> None:
    target, me, conflict, theirs, _mine, field = _conflict(app, demo_audit_id, endpoint, client)
    link = conflict.soup.select_one("#take-theirs")
    assert isinstance(link, Tag), f"{endpoint}: the conflict page offers no way to keep theirs"
    me.get(str(link["href"]).split("#")[0])
    assert me.get(target.url).value(str(field.get("name"))).strip() == theirs  # type: ignore[union-attr]
