"""The compare pages keep what they can (issue #21): the comparison of two cycles
and the areas' tables per audits at their revisions, the choice forms' markup per
everything they show (audit_app.kept_widgets), the audits' frameworks read only
when a comparison is made afresh. Each test changes one thing the page shows and
checks that a page viewed before the change does not come back."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from markupsafe import Markup
from sqlalchemy import delete, select

from audit_app import kept_widgets
from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, Organisation, Rating, User
from audit_app.models.audit import PUBLISHED
from audit_app.services.changes import Change, bump_revision, save_all
from tests import factories as make
from tests.visit import Page, Visitor
from tests.web.conftest import Cast
from tests.web.test_compare_areas import _compare, _row, region  # noqa: F401 (fixture)
from tests.web.test_cycles import _pair, _rate


def _kinds(page: Page) -> list[str]:
    """The first row (red, amber, green) of the changes by kind of judgement."""
    table = next(
        t
        for t in page.soup.select("table")
        if t.caption and "by kind of judgement" in t.caption.get_text()
    )
    return [c.get_text(strip=True) for c in table.select("tbody tr")[0].select("td, th")]


def _choices(page: Page, name: str) -> dict[str, tuple[str, bool]]:
    """Each choice's value: its label and whether it is ticked."""
    found = {}
    for box in page.soup.select(f'input[name="{name}"]'):
        label = page.soup.select_one(f'label[for="{box["id"]}"]')
        assert label is not None
        found[str(box["value"])] = (label.get_text(" ", strip=True), box.has_attr("checked"))
    return found


def _older(app: Flask, cast: Cast, earlier: int, published: bool) -> int:
    """A third audit of the same area and carers, a cycle before ``earlier``."""
    with app.app_context():
        lead = db.session.get(User, cast.lead.id)
        commissioner = db.session.get(User, cast.commissioner.id)
        assert lead and commissioner and lead.organisation
        audit = make.audit(lead, lead.organisation, "Dementia 2024/25", scope=["dementia", "bme"])
        audit.cycle, audit.period_start = "2024/25", date(2024, 4, 1)
        audit.period_end = date(2025, 3, 31)
        audit.status = PUBLISHED if published else "draft"
        db.session.commit()
        make.member(audit, commissioner, "commissioner")
        return audit.id


def test_a_rating_saved_in_either_cycle_shows_in_the_kept_comparison(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    earlier, later = _pair(app, cast)
    url = f"/audits/{later}/compare?earlier={earlier}"
    first = as_lead.get(url)
    # Improved, worsened, unchanged, new, dropped
    assert _kinds(first) == ["Red, amber, green", "1", "1", "26", "3", "3"]
    assert as_lead.get(url).text == first.text  # kept: the same page
    # The earlier cycle rates a cell the later one rated red: no longer new.
    _rate(app, earlier, {("caring_support_training", "bme"): ("red", "early")})
    assert _kinds(as_lead.get(url)) == ["Red, amber, green", "1", "1", "27", "2", "3"]
    # The later cycle rates a cell only the earlier one had: no longer dropped.
    _rate(app, later, {("benefits_financial", "bme"): ("red", "early")})
    assert _kinds(as_lead.get(url)) == ["Red, amber, green", "1", "2", "27", "2", "2"]


def test_the_earlier_audits_offered_follow_their_titles_the_choice_and_the_reader(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    earlier, later = _pair(app, cast)
    draft = _older(app, cast, earlier, published=False)
    visitor.sign_in("lead@example.org")
    url = f"/audits/{later}/compare"
    assert _choices(visitor.get(url), "earlier") == {
        str(earlier): ("Dementia 2025/26 (2025/26, published)", True),
        str(draft): ("Dementia 2024/25 (2024/25, draft)", False),
    }
    # Another choice ticks another audit.
    chosen = _choices(visitor.get(f"{url}?earlier={draft}"), "earlier")
    assert [value for value, (_, ticked) in chosen.items() if ticked] == [str(draft)]
    # A forged choice is an error; the error does not stay on the form.
    assert visitor.get(f"{url}?earlier=abc").error_summary() == [
        "Choose an earlier audit from the list"
    ]
    page = visitor.get(url)
    assert page.error_summary() == [] and "govuk-form-group--error" not in str(page.soup)
    # Renamed: the new title is offered.
    with app.app_context():
        audit = db.session.get(Audit, draft)
        assert audit
        audit.title = "Dementia, the first cycle"
        bump_revision(audit)
        db.session.commit()
    assert _choices(visitor.get(url), "earlier")[str(draft)] == (
        "Dementia, the first cycle (2024/25, draft)",
        False,
    )
    # The commissioner is not offered the draft; the lead still is.
    visitor.sign_out()
    visitor.sign_in("commissioner@example.org")
    assert _choices(visitor.get(url), "earlier") == {
        str(earlier): ("Dementia 2025/26 (2025/26, published)", True)
    }
    # Taken off the earlier audit (who takes part gives no audit a new revision):
    # nothing is offered to compare with any more.
    with app.app_context():
        db.session.execute(
            delete(AuditMembership).where(
                AuditMembership.audit_id == earlier, AuditMembership.user_id == cast.commissioner.id
            )
        )
        db.session.commit()
    assert _choices(visitor.get(url), "earlier") == {}
    visitor.sign_out()
    visitor.sign_in("lead@example.org")
    assert set(_choices(visitor.get(url), "earlier")) == {str(earlier), str(draft)}


def test_the_areas_tables_and_choices_follow_the_audits_and_the_reader(
    app: Flask,
    visitor: Visitor,
    cast: Cast,
    region: dict[str, int],  # noqa: F811
) -> None:
    visitor.sign_in("commissioner@example.org")
    ids = (region["north"], region["south"])
    page = _compare(visitor, *ids)
    assert _row(page, "interventions", "Breaks")[2] == "Amber 0 red, 1 amber, 1 green, 0 not rated"
    assert {label for label, _ in _choices(page, "audits").values()} >= {
        "Southshire Council: Southshire dementia carers (2026/27)"
    }
    ticked = {value for value, (_, on) in _choices(page, "audits").items() if on}
    assert ticked == {str(i) for i in ids}
    assert not any(on for _, on in _choices(visitor.get("/compare-areas"), "audits").values())
    # A rating saved in the other area's audit.
    with app.app_context():
        south = db.session.get(Audit, region["south"])
        lead = db.session.get(User, cast.other_lead.id)
        assert south and lead
        rating = db.session.scalar(
            select(Rating).where(
                Rating.audit_id == south.id,
                Rating.intervention == "breaks",
                Rating.group_code == "bme",
            )
        )
        assert rating
        save_all([Change(south, rating, {"rag": "green"}, "rating", "breaks bme")], lead)
    page = _compare(visitor, *ids)
    assert _row(page, "interventions", "Breaks")[2] == "Green 0 red, 0 amber, 2 green, 0 not rated"
    # The area renamed: its choice says so.
    with app.app_context():
        area = db.session.scalar(
            select(Organisation).where(Organisation.name == "Southshire Council")
        )
        assert area
        area.name = "Southshire and Isles Council"
        db.session.commit()
    labels = {label for label, _ in _choices(_compare(visitor, *ids), "audits").values()}
    assert "Southshire and Isles Council: Southshire dementia carers (2026/27)" in labels
    # Another reader: the administrator is offered every published audit.
    visitor.sign_out()
    visitor.sign_in("admin@example.org")
    offered = set(_choices(visitor.get("/compare-areas"), "audits"))
    assert str(region["hidden"]) in offered


# The kept markup itself


def _counting() -> tuple[list[dict[str, object]], object]:
    calls: list[dict[str, object]] = []

    def render(params: dict[str, object]) -> Markup:
        calls.append(params)
        return Markup("<p>{}</p>").format(len(calls))

    return calls, render


def test_kept_markup_is_written_once_per_parameters_of_every_kind() -> None:
    kept_widgets.clear()
    calls, render = _counting()
    base = {"name": "audits", "items": [{"text": "A", "value": "1", "checked": True}]}
    first = kept_widgets.kept_render("t.html", base, render)
    assert kept_widgets.kept_render("t.html", dict(base), render) == first
    assert len(calls) == 1
    variants = [
        {"name": "audits", "items": [{"text": "B", "value": "1", "checked": True}]},
        {"name": "audits", "items": [{"text": "A", "value": "2", "checked": True}]},
        {"name": "audits", "items": [{"text": "A", "value": "1"}]},
        {"name": "audits", "items": [{"text": "A", "value": "1", "checked": 1}]},
        {"name": "audits", "items": [{"text": Markup("A"), "value": "1", "checked": True}]},
        {"name": "audits", "items": [{"text": "A", "value": "1", "checked": True}] * 2},
        {"name": "audits", "items": [{"text": "A", "value": "1", "checked": True}], "e": None},
        {"name": "other", "items": [{"text": "A", "value": "1", "checked": True}]},
    ]
    for n, params in enumerate(variants, start=2):
        kept_widgets.kept_render("t.html", params, render)
        assert len(calls) == n, params
    kept_widgets.kept_render("other.html", base, render)
    assert len(calls) == len(variants) + 2


def test_parameters_not_plain_data_are_never_kept_and_the_kept_are_bounded() -> None:
    kept_widgets.clear()
    calls, render = _counting()
    odd = {"text": object()}
    kept_widgets.kept_render("t.html", odd, render)
    kept_widgets.kept_render("t.html", odd, render)
    assert len(calls) == 2
    for n in range(kept_widgets.KEPT + 10):
        kept_widgets.kept_render("t.html", {"n": n}, render)
    assert len(kept_widgets._kept) == kept_widgets.KEPT
    kept_widgets.kept_render("t.html", {"n": 0}, render)  # the oldest, dropped: again
    assert len(calls) == 2 + kept_widgets.KEPT + 10 + 1


def test_kept_bytes_are_put_in_at_their_marks_and_a_stray_mark_is_an_error(app: Flask) -> None:
    from types import SimpleNamespace

    from audit_app.services.chart_cache import kept_bytes, spliced

    audit = SimpleNamespace(id=10**9, revision=1, created_at=None)
    with app.test_request_context():
        mark = kept_bytes(audit, "test-part", lambda: Markup("<p>Kept → part</p>"))
        assert spliced(f"<main>‘{mark}’</main>") == "<main>‘<p>Kept → part</p>’</main>".encode()
    with app.test_request_context():
        mark = kept_bytes(audit, "test-part", lambda: Markup("<p>not rendered again</p>"))
        assert spliced(f"<b>{mark}</b>") == "<b><p>Kept → part</p></b>".encode()
    with app.test_request_context():
        mark = kept_bytes(audit, "test-part", lambda: "")
        with pytest.raises(RuntimeError):
            spliced(f"{mark}{mark}")
