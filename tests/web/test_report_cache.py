"""The report page keeps its sections (services.report_cache, issue #21): each input
that report_key names is changed here, as the app changes it, between two reports,
and the second shows the change. A key that missed an input would serve the first
report's sections again and fail the test that changes it.

The set-up is test_board_pack_comparisons' (Northshire's dementia audit 2026/27 and
its last cycle, and Southshire's published audit given to the commissioner).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, Organisation, Rating, User
from audit_app.services import export_tables, report, report_cache
from audit_app.services.changes import Change, save_all
from audit_app.services.chart_cache import chart_cache
from tests import factories as make
from tests.visit import Page, Visitor
from tests.web.conftest import Cast, publish
from tests.web.test_board_pack_comparisons import BOARD, _rows, _text, cycles
from tests.web.test_cycles import _rate
from tests.web.test_evidence import MULTIPART
from tests.web.test_evidence import _form as _evidence_form
from tests.web.test_query_counts import counting, demo, grow
from tests.web.test_questionnaires import (
    _answer,
    _answer_all,
    _definition,
    _fill,
    _open,
)

__all__ = ["cycles", "demo"]  # the fixtures, used by name


@pytest.fixture(autouse=True)
def _fresh_cache(app: Flask) -> Iterator[None]:
    app.extensions.pop("chart_cache", None)
    yield
    app.extensions.pop("chart_cache", None)


def _report(visitor: Visitor, audit_id: int) -> Page:
    return visitor.get(f"/audits/{audit_id}/exports/report")


def _sections(page: Page) -> list[str]:
    """The sections' HTML, the minute the summary was made left out."""
    return [
        re.sub(r"\d+ \w+ \d{4} at \d\d:\d\d UTC", "(time)", str(section))
        for section in page.soup.select("section.app-report-section")
    ]


def _made_afresh(app: Flask, visitor: Visitor, audit_id: int) -> Page:
    """The report from an empty cache (the kept sections put back afterwards)."""
    kept = app.extensions.pop("chart_cache", None)
    try:
        return _report(visitor, audit_id)
    finally:
        app.extensions["chart_cache"] = kept


def _figure(page: Page, name: str) -> str:
    rows = page.soup.select("#report-summary .govuk-summary-list__row")
    found = {_text(row.dt): _text(row.dd) for row in rows}
    return found[name]


def _rerate(app: Flask, audit_id: int, cells: dict[tuple[str, str], tuple[str, str]]) -> None:
    """Change ratings already made (rag, maturity), as the ratings pages save them
    (services.changes: with a new revision); a published audit's too."""
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        lead = db.session.scalar(select(User).where(User.email == "lead@example.org"))
        assert audit and lead
        changes = []
        for (intervention, group), (rag, maturity) in cells.items():
            rating = db.session.scalar(
                select(Rating).where(
                    Rating.audit_id == audit_id,
                    Rating.intervention == intervention,
                    Rating.group_code == group,
                )
            )
            assert rating is not None
            values = {"rag": rag, "maturity": maturity}
            changes.append(Change(audit, rating, values, "rating", f"{intervention} {group}"))
        save_all(changes, lead)


def _computed(app: Flask) -> int:
    with app.app_context():
        return chart_cache().stats.computed


def test_a_kept_report_is_the_report_made_afresh(
    app: Flask, cycles: dict[str, int], as_commissioner: Visitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The summary is kept within its minute (Section.minute): one minute for the whole
    # test, which otherwise fails when its two requests fall either side of one.
    monkeypatch.setattr(report_cache, "this_minute", lambda: "2026-12-06T23:59")
    first = _report(as_commissioner, cycles["later"])
    made = _computed(app)
    kept = _report(as_commissioner, cycles["later"])
    assert _computed(app) == made, "the second report was made again, not kept"
    assert _sections(kept) == _sections(first)
    assert _sections(_made_afresh(app, as_commissioner, cycles["later"])) == _sections(kept)
    assert len(_sections(kept)) == len(report.SECTIONS)


@pytest.mark.parametrize("reader", ["lead", "commissioner"])
def test_the_page_sends_the_report_as_rendered_whole(
    app: Flask, cycles: dict[str, int], cast: Cast, reader: str
) -> None:
    """The page puts each kept section's bytes into the frame rendered around them
    (report.render_page): byte for byte the report rendered whole, in one request (the
    same CSRF token and minute), whether its sections were kept or made just now."""
    import flask_login

    from audit_app.services.access import audit_or_404
    from audit_app.services.exports import ExportContext

    person = cast.lead if reader == "lead" else cast.commissioner
    for _ in ("made", "kept"):
        with app.test_request_context(f"/audits/{cycles['later']}/exports/report"):
            user = db.session.get(User, person.id)
            assert user is not None
            flask_login.login_user(user)
            audit, role = audit_or_404(cycles["later"])
            ctx = ExportContext(audit, user, role)
            page = report.render_page(ctx)
            assert page == report.render(ctx, "base.html").encode("utf-8")
            assert page.count(b'class="app-report-section') == len(report.shown_sections(ctx))
            assert b"report-section-content" not in page


# --- the audit at its revision --------------------------------------------------------


def test_the_leads_summary_for_the_board_shows_as_soon_as_it_is_saved(
    as_lead: Visitor, cast: Cast
) -> None:
    before = _report(as_lead, cast.dementia.id)
    assert BOARD["overall_position"] not in before.text
    url = f"/audits/{cast.dementia.id}/plan/header"
    as_lead.post(url, {"strategic_outcomes": "More breaks", "key_risks": "", **BOARD})
    after = _report(as_lead, cast.dementia.id)
    assert BOARD["overall_position"] in _text(after.soup.select_one("#board-summary"))


def test_a_new_rating_shows_in_the_gap_map_at_once(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    before = _report(as_lead, cast.dementia.id)
    assert "Emotional support" not in _text(before.soup.select_one("#report-red-gaps"))
    _rate(app, cast.dementia.id, {("emotional_support", "dementia"): ("red", "early")})
    after = _report(as_lead, cast.dementia.id)
    assert "Emotional support" in _text(after.soup.select_one("#report-red-gaps"))


# --- who reads it ---------------------------------------------------------------------


def test_a_partner_of_a_draft_never_gets_the_sections_kept_for_its_lead(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    _rate(app, cast.dementia.id, {("breaks", "dementia"): ("red", "early")})
    visitor.sign_in("lead@example.org")
    lead = _report(visitor, cast.dementia.id)
    assert lead.soup.select_one("#section-gap_map") is not None
    visitor.switch("partner@example.org")
    partner = _report(visitor, cast.dementia.id)
    assert partner.soup.select_one("#judgements-withheld") is not None
    for judged in ("gap_map", "wheels", "maps", "last_cycle", "other_areas", "cqc"):
        assert partner.soup.select_one(f"#section-{judged}") is None, judged
    assert "Intervention ratings set" not in _text(partner.soup.select_one("#report-summary"))
    assert _sections(partner) == _sections(_made_afresh(app, visitor, cast.dementia.id))


def test_survey_results_kept_for_a_commissioner_are_not_a_partners(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.dementia.id)
    _fill(app, questionnaire_id, [_answer() for _ in range(5)])
    publish(app, cast.dementia.id)
    visitor.sign_in("commissioner@example.org")
    commissioner = _report(visitor, cast.dementia.id)
    assert "5 responses." in _text(commissioner.soup.select_one("#section-questionnaires"))
    visitor.switch("partner@example.org")
    partner = _report(visitor, cast.dementia.id)
    section = _text(partner.soup.select_one("#section-questionnaires"))
    assert "5 responses." not in section
    assert "Questionnaire results are read by the carers lead" in section


def test_each_partner_counts_the_evidence_they_may_see(visitor: Visitor, cast: Cast) -> None:
    visitor.sign_in("partner@example.org")
    visitor.post(f"/audits/{cast.dementia.id}/evidence/new", _evidence_form(), **MULTIPART)
    own = _report(visitor, cast.dementia.id)
    assert _figure(own, "Evidence returns you can see") == "1"  # their own draft
    visitor.switch("partner2@example.org")  # the same role, at the same revision
    other = _report(visitor, cast.dementia.id)
    assert _figure(other, "Evidence returns you can see") == "0"


def test_the_report_kept_for_one_session_carries_anothers_own_csrf_token(
    app: Flask, cast: Cast
) -> None:
    first, second = Visitor(app.test_client()), Visitor(app.test_client())
    first.sign_in("lead@example.org")
    second.sign_in("lead@example.org")
    tokens = []
    for visitor in (first, second):
        form = _report(visitor, cast.dementia.id).soup.select_one("form")
        assert form is not None
        tokens.append(str(form.select_one('input[name="csrf_token"]')["value"]))  # type: ignore[index]
    # Each session's token works in it, and only in it.
    second.post("/sign-out", {"csrf_token": tokens[0]}, status=400)
    second.post("/sign-out", {"csrf_token": tokens[1]}, status=302)


def test_the_whole_page_is_kept_for_its_reader_only(app: Flask, cast: Cast) -> None:
    """The page kept whole names its own reader in the header, for each of two
    readers of one report, each seeing the page as kept for them."""
    readers = {"lead@example.org": "Lead", "admin@example.org": "Admin"}
    for _ in ("made", "kept"):
        for email, name in readers.items():
            visitor = Visitor(app.test_client())
            visitor.sign_in(email)
            page = _report(visitor, cast.dementia.id)
            navigation = _text(page.soup.select_one(".govuk-service-navigation"))
            assert name in navigation
            assert (readers.keys() - {email}).pop().split("@")[0].title() not in navigation


def test_a_message_waiting_to_be_shown_shows_on_the_report_once(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    """The page kept whole is not used while a message waits (it would not show, and
    would stay waiting); nor is the page with the message kept."""
    _report(as_lead, cast.dementia.id)  # kept whole, without a message
    with as_lead.client.session_transaction() as session:
        session["_flashes"] = [("information", "Your PDF is being made.")]
    assert "Your PDF is being made." in _report(as_lead, cast.dementia.id).text
    assert "Your PDF is being made." not in _report(as_lead, cast.dementia.id).text


# --- the other areas and the last cycle ------------------------------------------------


def test_an_area_given_to_the_reader_later_joins_the_comparison(
    app: Flask, cycles: dict[str, int], as_lead: Visitor
) -> None:
    before = _report(as_lead, cycles["later"])
    assert before.soup.select_one("#no-other-areas") is not None
    with app.app_context():
        south = db.session.get(Audit, cycles["south"])
        lead = db.session.scalar(select(User).where(User.email == "lead@example.org"))
        assert south and lead
        make.member(south, lead, "commissioner")  # no audit of Northshire changes
    after = _report(as_lead, cycles["later"])
    counts = _rows(after, "#other-areas-counts")
    assert counts[0] == ["Measure", "Northshire County Council", "Southshire Council"]


def test_a_change_to_another_areas_audit_shows_in_the_comparison(
    app: Flask, cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    def green(page: Page) -> list[str]:
        found = {row[0]: row[1:] for row in _rows(page, "#other-areas-counts")[1:]}
        return found["Interventions whose summary is green"]

    assert green(_report(as_commissioner, cycles["later"])) == ["0", "1"]
    _rerate(
        app,
        cycles["south"],
        {
            ("breaks", "dementia"): ("green", "advanced"),
            ("breaks", "carers_65_plus"): ("green", "advanced"),
        },
    )
    assert green(_report(as_commissioner, cycles["later"])) == ["0", "2"]


def test_renamed_areas_are_named_anew(
    app: Flask, cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    def rename(old: str, new: str) -> list[str]:
        with app.app_context():  # nothing in the app renames an area: the database does
            area = db.session.scalar(select(Organisation).where(Organisation.name == old))
            assert area is not None
            area.name = new
            db.session.commit()
        return _rows(_report(as_commissioner, cycles["later"]), "#other-areas-counts")[0]

    _report(as_commissioner, cycles["later"])
    assert rename("Southshire Council", "Southshire District Council") == [
        "Measure",
        "Northshire County Council",
        "Southshire District Council",
    ]
    assert rename("Northshire County Council", "Northshire Council")[1] == "Northshire Council"


def test_a_change_to_the_last_cycle_shows_in_the_comparison_with_it(
    app: Flask, cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    def breaks(page: Page) -> list[str]:
        return {row[0]: row[1:] for row in _rows(page, "#last-cycle-summaries")[1:]}["Breaks"]

    assert breaks(_report(as_commissioner, cycles["later"])) == ["Red", "Amber", "Improved"]
    _rerate(app, cycles["earlier"], {("breaks", "dementia"): ("amber", "intermediate")})
    assert breaks(_report(as_commissioner, cycles["later"])) == ["Amber", "Amber", "Unchanged"]


def test_a_last_cycle_the_reader_may_no_longer_see_leaves_the_comparison(
    app: Flask, cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    before = _report(as_commissioner, cycles["later"])
    assert "Dementia carers 2025/26" in _text(before.soup.select_one("#section-last_cycle"))
    with app.app_context():
        from audit_app.models import AuditMembership

        membership = db.session.scalar(
            select(AuditMembership)
            .join(User, User.id == AuditMembership.user_id)
            .where(
                AuditMembership.audit_id == cycles["earlier"],
                User.email == "commissioner@example.org",
            )
        )
        db.session.delete(membership)
        db.session.commit()
    after = _report(as_commissioner, cycles["later"])
    assert after.soup.select_one("#no-last-cycle") is not None


# --- the survey answers, which come with no new revision --------------------------------


def test_a_carers_answer_to_the_public_survey_shows_at_once(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, token = _open(app, cast.dementia.id)
    before = _text(_report(as_lead, cast.dementia.id).soup.select_one("#section-questionnaires"))
    assert "0 responses." in before
    carer = Visitor(app.test_client())
    thanks = _answer_all(carer, f"/survey/{token}", _definition(app, questionnaire_id), _answer())
    assert "Thank you" in thanks.text
    after = _text(_report(as_lead, cast.dementia.id).soup.select_one("#section-questionnaires"))
    assert "1 response." in after


def test_a_partners_answers_given_again_show_though_their_count_is_the_same(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.dementia.id, "partner_views")
    definition = _definition(app, questionnaire_id)
    answers = {
        "provider_kind": "specialist",
        "carers_identified": 350,
        "groups_hard_to_reach": ["bme"],
        "joint_working": 4,
        "biggest_gap": "Carers of people leaving hospital",
    }
    _fill(app, questionnaire_id, [answers] * 4)
    base = f"/audits/{cast.dementia.id}/questionnaires/{questionnaire_id}/answer"
    visitor.sign_in("partner@example.org")
    _answer_all(visitor, base, definition, answers)
    visitor.switch("lead@example.org")
    before = _report(visitor, cast.dementia.id)
    assert "5 responses." in _text(before.soup.select_one("#section-questionnaires"))
    visitor.switch("partner@example.org")
    _answer_all(visitor, base, definition, {**answers, "carers_identified": 1350})
    visitor.switch("lead@example.org")
    after = _report(visitor, cast.dementia.id)
    section = _text(after.soup.select_one("#section-questionnaires"))
    assert "5 responses." in section
    assert section != _text(before.soup.select_one("#section-questionnaires"))
    assert _sections(after) == _sections(_made_afresh(app, visitor, cast.dementia.id))


# --- the time -------------------------------------------------------------------------


def test_the_summary_says_the_minute_it_was_made(
    monkeypatch: pytest.MonkeyPatch, as_lead: Visitor, cast: Cast
) -> None:
    def clock(at: datetime) -> None:
        for module in (export_tables, report_cache):
            monkeypatch.setattr(module, "utcnow", lambda: at)

    clock(datetime(2026, 12, 5, 10, 0, 30))
    assert (
        _figure(_report(as_lead, cast.dementia.id), "Exported on") == "5 December 2026 at 10:00 UTC"
    )
    clock(datetime(2026, 12, 5, 10, 1, 5))
    assert (
        _figure(_report(as_lead, cast.dementia.id), "Exported on") == "5 December 2026 at 10:01 UTC"
    )


def test_the_sections_are_made_again_on_a_new_day(
    app: Flask, monkeypatch: pytest.MonkeyPatch, as_lead: Visitor, cast: Cast
) -> None:
    """The dashboard is given today (its actions overdue by it), so nothing is kept
    past the day it was made."""
    from audit_app.services import indicator_dashboard

    seen: list[date] = []
    real = indicator_dashboard.dashboard

    def spy(audit: Any, as_of: Any, today: date, others: Any = ()) -> Any:
        seen.append(today)
        return real(audit, as_of, today, others)

    monkeypatch.setattr(indicator_dashboard, "dashboard", spy)
    day = date(2026, 12, 5)
    monkeypatch.setattr(report, "today", lambda: day)
    _report(as_lead, cast.dementia.id)
    _report(as_lead, cast.dementia.id)
    assert seen == [day]  # made once that day
    monkeypatch.setattr(report, "today", lambda: day + timedelta(days=1))
    _report(as_lead, cast.dementia.id)
    assert seen == [day, day + timedelta(days=1)]


# --- the report made afresh -------------------------------------------------------------


# A list of bound ids, as SQLite (?) and psycopg (%(name)s::INTEGER) write it.
BOUND = r"(?:\?|%\([^)]*\)s(?:::\w+)?)"
IDS = rf"IN \({BOUND}(?:, {BOUND})*\)"


@pytest.mark.parametrize(
    ("email", "which"),
    [("lead@demo.test", "draft"), ("commissioner@demo.test", "published")],
)
def test_a_report_made_afresh_makes_no_more_queries_for_a_bigger_audit(
    app: Flask, visitor: Visitor, demo: tuple[int, int], email: str, which: str
) -> None:
    """test_query_counts counts a second request, which finds the sections kept: this
    counts the request that makes them, so that no section loads records one by one.
    Each statement is counted apart (its list of ids as one): the total moves either
    way as the audit grows (fewer reads of a bigger audit's grades where they are
    kept), which could hide a statement sent once per record."""
    audit_id = demo[0] if which == "draft" else demo[1]
    visitor.sign_in(email, "demo-password")
    url = f"/audits/{audit_id}/exports/report"

    def count() -> Counter[str]:
        app.extensions.pop("chart_cache", None)
        visitor.get(url)  # the process's own caches (frameworks, templates) warmed
        app.extensions.pop("chart_cache", None)
        with counting(app) as statements:
            visitor.get(url)
        return Counter(re.sub(IDS, "IN (ids)", " ".join(s.split())) for s in statements)

    before = count()
    grow(app, audit_id)
    after = count()
    grew = {s: (before[s], n) for s, n in after.items() if n > before[s]}
    assert not grew, f"statements sent more often (before, after) for a bigger audit: {grew}"
