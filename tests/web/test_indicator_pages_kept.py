"""The indicator dashboard and report cards keep their content (issue #21): the
dashboard for its audit's revision, the period, the day, the other areas' audits the
reader was given (their revisions and areas' names) and, for those who read survey
results, the carers' answers; a report card for its audit's revision and whether the
reader may edit it. Each input is changed here as the app changes it, between two
views, and the second shows the change: a key that missed an input would serve the
first view again and fail the test that changes it.

The set-up is test_board_pack_comparisons' (Northshire's dementia audit 2026/27 and its
last cycle, both given to the commissioner, and Southshire's published audit given to
the commissioner only).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, Organisation, Questionnaire, User
from audit_app.models.indicators import Indicator, IndicatorValue
from audit_app.services import questionnaires as surveys
from audit_app.services.changes import Change, save_all
from audit_app.services.chart_cache import chart_cache
from tests import factories as make
from tests.visit import Page, Visitor
from tests.web.conftest import Cast, publish
from tests.web.test_board_pack_comparisons import _text, cycles
from tests.web.test_quality_of_life import _add, _survey

__all__ = ["cycles"]  # the fixture, used by name

Q4, Q1, Q2 = date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)


@pytest.fixture(autouse=True)
def _fresh_cache(app: Flask) -> Iterator[None]:
    app.extensions.pop("chart_cache", None)
    yield
    app.extensions.pop("chart_cache", None)


def _computed(app: Flask) -> int:
    with app.app_context():
        return chart_cache().stats.computed


def _main(page: Page) -> str:
    main = page.soup.select_one("main")
    assert main is not None
    return str(main)


def _made_afresh(app: Flask, visitor: Visitor, url: str) -> Page:
    """The page from an empty cache (the kept entries put back afterwards)."""
    kept = app.extensions.pop("chart_cache", None)
    try:
        return visitor.get(url)
    finally:
        app.extensions["chart_cache"] = kept


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def _save(app: Flask, audit_id: int, record: Any, values: dict[str, Any], entity: str) -> int:
    """Write a record as the pages do (services.changes: the audit gets a new
    revision), a published audit's too; returns the record's id."""
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        assert audit is not None
        if isinstance(record, tuple):
            model, record_id = record
            record = db.session.get(model, record_id)
        (saved,) = save_all(
            [Change(audit, record, values, entity, entity)], _user("lead@example.org")
        )
        return int(saved.id)


def _indicator(app: Flask, audit_id: int, ref: str, catalogue_ref: str | None = None) -> int:
    values = {
        "ref": ref,
        "title": f"{ref} measure",
        "kind": "local",
        "indicator_type": "strategic",
        "unit": "percentage",
        "polarity": "higher",
        "decimals": 1,
        "outcomes": [],
        "interventions": [],
        "catalogue_ref": catalogue_ref,
    }
    return _save(app, audit_id, Indicator(audit_id=audit_id), values, "indicator")


def _value(app: Flask, audit_id: int, indicator_id: int, label: str, end: date, n: str) -> int:
    values = {
        "indicator_id": indicator_id,
        "period_label": label,
        "period_end": end,
        "numerator": Decimal(n),
        "denominator": Decimal(1000),
        "target": Decimal(25),
    }
    return _save(app, audit_id, IndicatorValue(audit_id=audit_id), values, "indicator value")


def _dashboard(visitor: Visitor, audit_id: int, query: str = "") -> Page:
    return visitor.get(f"/audits/{audit_id}/indicators/dashboard{query}")


def _card(visitor: Visitor, audit_id: int, indicator_id: int, status: int = 200) -> Page:
    return visitor.get(f"/audits/{audit_id}/indicators/{indicator_id}/report-card", status)


def _benchmarking(page: Page) -> list[str]:
    """Each other area's result in the dashboard's Benchmarking column."""
    return [_text(item) for item in page.soup.select(".app-benchmark-areas li")]


def _ni135(app: Flask, cycles: dict[str, int]) -> int:
    """Southshire's NI135, matched to Northshire's NC1 by its catalogue reference."""
    south = _indicator(app, cycles["south"], "SC1", catalogue_ref="NI135")
    _value(app, cycles["south"], south, "Jan–Mar 2026", Q4, "190")
    return south


# --- kept, and the same as made afresh -----------------------------------------------


def test_a_kept_dashboard_and_report_card_are_the_pages_made_afresh(
    app: Flask, cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    _ni135(app, cycles)
    with app.app_context():
        card_id = db.session.scalar(
            select(Indicator.id).where(
                Indicator.audit_id == cycles["later"], Indicator.ref == "NC1"
            )
        )
    assert card_id is not None
    for url in (
        f"/audits/{cycles['later']}/indicators/dashboard",
        f"/audits/{cycles['later']}/indicators/{card_id}/report-card",
    ):
        first = as_commissioner.get(url)
        made = _computed(app)
        kept = as_commissioner.get(url)
        assert _computed(app) == made, f"{url} was made again, not kept"
        assert kept.text == first.text
        assert _made_afresh(app, as_commissioner, url).text == kept.text
    board = _dashboard(as_commissioner, cycles["later"])
    assert "Southshire Council: 19.0% (Jan–Mar 2026)" in _benchmarking(board)


# --- the audit itself ------------------------------------------------------------------


def test_a_value_added_to_the_audit_shows_on_its_dashboard_and_report_card(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    indicator = _indicator(app, cast.dementia.id, "LOC9")
    _value(app, cast.dementia.id, indicator, "Jan–Mar 2026", Q4, "200")
    before = _dashboard(as_lead, cast.dementia.id)
    card = _card(as_lead, cast.dementia.id, indicator)
    assert "Apr–Jun 2026" not in before.text and "Apr–Jun 2026" not in card.text
    _value(app, cast.dementia.id, indicator, "Apr–Jun 2026", Q1, "250")
    assert "Apr–Jun 2026" in _dashboard(as_lead, cast.dementia.id).text
    curve = _card(as_lead, cast.dementia.id, indicator).soup.select_one("#curve-table")
    assert curve is not None and "Apr–Jun 2026" in _text(curve)


def test_a_renamed_indicator_is_named_anew_on_its_report_card(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    indicator = _indicator(app, cast.dementia.id, "LOC9")
    assert _card(as_lead, cast.dementia.id, indicator).h1 == "LOC9: LOC9 measure"
    _save(app, cast.dementia.id, (Indicator, indicator), {"title": "Carers assessed"}, "indicator")
    page = _card(as_lead, cast.dementia.id, indicator)
    assert page.h1 == "LOC9: Carers assessed"
    assert page.soup.title is not None and "Carers assessed" in page.soup.title.get_text()


def test_a_deleted_indicators_report_card_is_gone(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    indicator = _indicator(app, cast.dementia.id, "LOC9")
    _card(as_lead, cast.dementia.id, indicator)
    delete = f"/audits/{cast.dementia.id}/indicators/{indicator}/delete"
    as_lead.submit(as_lead.get(delete), status=302)
    _card(as_lead, cast.dementia.id, indicator, status=404)


def test_another_audits_indicator_has_no_report_card_here(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    theirs = _indicator(app, cast.draft.id, "LOC9")
    _card(as_lead, cast.draft.id, theirs)
    _card(as_lead, cast.dementia.id, theirs, status=404)


def test_publishing_takes_the_draft_notice_and_the_leads_links_away(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    indicator = _indicator(app, cast.dementia.id, "LOC9")
    change = f"/audits/{cast.dementia.id}/indicators/{indicator}"
    board, card = _dashboard(as_lead, cast.dementia.id), _card(as_lead, cast.dementia.id, indicator)
    assert "Not yet published to commissioners" in board.text
    assert "Not yet published to commissioners" in card.text
    assert card.soup.select_one(f'a[href="{change}"]') is not None  # "Change the report card"
    publish(app, cast.dementia.id)
    board, card = _dashboard(as_lead, cast.dementia.id), _card(as_lead, cast.dementia.id, indicator)
    assert "Not yet published to commissioners" not in board.text
    assert "Not yet published to commissioners" not in card.text
    assert card.soup.select_one(f'a[href="{change}"]') is None


# --- who reads it -----------------------------------------------------------------------


def test_the_leads_report_card_is_not_a_partners(app: Flask, visitor: Visitor, cast: Cast) -> None:
    """The same audit at the same revision: the lead may change the card, a partner not."""
    indicator = _indicator(app, cast.dementia.id, "LOC9")
    change = f"/audits/{cast.dementia.id}/indicators/{indicator}"
    visitor.sign_in("lead@example.org")
    assert _card(visitor, cast.dementia.id, indicator).soup.select_one(f'a[href="{change}"]')
    visitor.switch("partner@example.org")
    partner = _card(visitor, cast.dementia.id, indicator)
    assert partner.soup.select_one(f'a[href="{change}"]') is None
    url = f"/audits/{cast.dementia.id}/indicators/{indicator}/report-card"
    assert _main(partner) == _main(_made_afresh(app, visitor, url))


def test_carers_figures_kept_for_a_commissioner_are_not_a_partners(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    _survey(app, cast.dementia.id, 30, seed=4)
    visitor.sign_in("lead@example.org")
    figure = {"measure": "carer_quality_of_life", "year": "2023-24", "value": "11.5", "base": "412"}
    _add(visitor, cast.dementia.id, figure)
    publish(app, cast.dementia.id)
    visitor.switch("commissioner@example.org")
    assert _dashboard(visitor, cast.dementia.id).soup.select_one("#qol-published") is not None
    visitor.switch("partner@example.org")
    assert _dashboard(visitor, cast.dementia.id).soup.select_one("#qol-published") is None


def test_a_carers_answer_shows_in_the_dashboards_figures_at_once(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    """Carers answer the public survey with no new revision of the audit."""
    _survey(app, cast.dementia.id, 30, seed=4)
    figure = {"measure": "carer_quality_of_life", "year": "2023-24", "value": "11.5", "base": "412"}
    _add(as_lead, cast.dementia.id, figure)

    def local() -> str:
        row = _dashboard(as_lead, cast.dementia.id).soup.select_one(
            '#qol-published tr[data-measure="carer_quality_of_life"]'
        )
        assert row is not None
        return _text(row)

    before = local()
    with app.app_context():
        record = db.session.scalars(select(Questionnaire)).one()
        answers = {"cares_for": ["dementia"], "age_band": "age_65_plus"}
        answers |= {code: options[0] for code, options in _six().items()}
        for _ in range(10):
            surveys.submit(record, answers, None)
    assert local() != before


def _six() -> dict[str, list[str]]:
    from tests.web.test_quality_of_life import SIX

    return SIX


# --- the other areas --------------------------------------------------------------------


def test_a_value_added_to_another_areas_audit_shows_in_benchmarking(
    app: Flask, cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    south = _ni135(app, cycles)
    before = _benchmarking(_dashboard(as_commissioner, cycles["later"]))
    assert "Southshire Council: 19.0% (Jan–Mar 2026)" in before
    _value(app, cycles["south"], south, "Apr–Jun 2026", Q1, "210")  # Southshire's revision only
    after = _benchmarking(_dashboard(as_commissioner, cycles["later"]))
    assert "Southshire Council: 21.0% (Apr–Jun 2026)" in after


def test_an_area_given_to_the_reader_later_joins_benchmarking(
    app: Flask, cycles: dict[str, int], as_lead: Visitor
) -> None:
    _ni135(app, cycles)
    assert _benchmarking(_dashboard(as_lead, cycles["later"])) == []
    with app.app_context():
        south = db.session.get(Audit, cycles["south"])
        assert south is not None
        make.member(south, _user("lead@example.org"), "commissioner")  # no Northshire change
    assert "Southshire Council: 19.0% (Jan–Mar 2026)" in _benchmarking(
        _dashboard(as_lead, cycles["later"])
    )


def test_a_renamed_area_is_named_anew_in_benchmarking(
    app: Flask, cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    _ni135(app, cycles)
    _dashboard(as_commissioner, cycles["later"])
    with app.app_context():  # nothing in the app renames an area: the database does
        area = db.session.scalar(
            select(Organisation).where(Organisation.name == "Southshire Council")
        )
        assert area is not None
        area.name = "Southshire District Council"
        db.session.commit()
    assert "Southshire District Council: 19.0% (Jan–Mar 2026)" in _benchmarking(
        _dashboard(as_commissioner, cycles["later"])
    )


def test_another_areas_new_published_version_replaces_the_old_in_benchmarking(
    app: Flask, cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    _ni135(app, cycles)
    _dashboard(as_commissioner, cycles["later"])
    with app.app_context():
        other_lead = _user("lead@southshire.example.org")
        south = db.session.get(Audit, cycles["south"])
        assert south is not None and other_lead.organisation is not None
        newer = make.audit(other_lead, other_lead.organisation, "Southshire 2027/28", scope=[])
        newer.cycle = "2027/28"
        db.session.commit()
        newer_id = newer.id
        make.member(newer, _user("commissioner@example.org"), "commissioner")
    indicator = _indicator(app, newer_id, "SC1", catalogue_ref="NI135")
    _value(app, newer_id, indicator, "Jul–Sep 2026", Q2, "240")
    publish(app, newer_id)
    found = _benchmarking(_dashboard(as_commissioner, cycles["later"]))
    assert "Southshire Council: 24.0% (Jul–Sep 2026)" in found


# --- the period and the day -------------------------------------------------------------


def test_the_chosen_period_and_the_day_are_kept_apart(
    app: Flask, monkeypatch: pytest.MonkeyPatch, as_lead: Visitor, cast: Cast
) -> None:
    indicator = _indicator(app, cast.dementia.id, "LOC9")
    _value(app, cast.dementia.id, indicator, "Jan–Mar 2026", Q4, "200")
    _value(app, cast.dementia.id, indicator, "Apr–Jun 2026", Q1, "250")

    def period(page: Page) -> str:
        chosen = page.soup.select_one("#as_of option[selected]")
        assert chosen is not None
        return str(chosen["value"])

    assert period(_dashboard(as_lead, cast.dementia.id)) == Q1.isoformat()
    older = _dashboard(as_lead, cast.dementia.id, f"?as_of={Q4.isoformat()}")
    assert period(older) == Q4.isoformat()
    assert "Apr–Jun 2026" not in re.sub(r"<select.*?</select>", "", _main(older), flags=re.S)

    from audit_app.indicators import views

    made = _computed(app)
    _dashboard(as_lead, cast.dementia.id)
    assert _computed(app) == made

    class Tomorrow(date):
        @classmethod
        def today(cls) -> date:
            return date.today() + timedelta(days=1)

    monkeypatch.setattr(views, "date", Tomorrow)
    _dashboard(as_lead, cast.dementia.id)
    assert _computed(app) > made, "the dashboard of another day was not made again"


# --- the report's cover and contents, kept with its sections -----------------------------


def _report(visitor: Visitor, audit_id: int) -> Page:
    return visitor.get(f"/audits/{audit_id}/exports/report")


def _cover(page: Page) -> str:
    cover = page.soup.select_one("header.app-report-cover")
    assert cover is not None
    return _text(cover)


def test_the_reports_cover_says_the_day_it_was_made(
    app: Flask, monkeypatch: pytest.MonkeyPatch, as_lead: Visitor, cast: Cast
) -> None:
    from datetime import datetime

    from audit_app.services import export_tables, report, report_cache

    def clock(at: datetime) -> None:
        for module in (export_tables, report_cache, report):
            monkeypatch.setattr(module, "utcnow", lambda: at)

    clock(datetime(2026, 12, 5, 23, 59, 30))
    assert "Made on 5 December 2026." in _cover(_report(as_lead, cast.dementia.id))
    clock(datetime(2026, 12, 6, 0, 0, 5))  # report.today() (the sections' day) unchanged
    assert "Made on 6 December 2026." in _cover(_report(as_lead, cast.dementia.id))


def test_publishing_changes_the_reports_cover(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    before = _report(as_lead, cast.dementia.id)
    assert before.soup.select_one("#draft-notice") is not None
    assert "published on" not in _cover(before)
    publish(app, cast.dementia.id)
    after = _report(as_lead, cast.dementia.id)
    assert after.soup.select_one("#draft-notice") is None
    assert "published on" in _cover(after)
    assert after.soup.select_one("form") is not None  # the PDF's form, on every request


def test_a_partner_moved_to_another_organisation_counts_its_evidence(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    """The evidence a partner sees is kept per revision for them and their organisation:
    their organisation's draft returns are theirs."""
    from tests.web.test_evidence import MULTIPART
    from tests.web.test_evidence import _form as _evidence_form

    def seen() -> str:
        rows = _report(visitor, cast.dementia.id).soup.select(
            "#report-summary .govuk-summary-list__row"
        )
        found = {_text(row.dt): _text(row.dd) for row in rows}
        return found["Evidence returns you can see"]

    visitor.sign_in("partner@example.org")
    visitor.post(f"/audits/{cast.dementia.id}/evidence/new", _evidence_form(), **MULTIPART)
    visitor.switch("partner2@example.org")
    assert seen() == "0"
    with app.app_context():  # partner2 joins the first partner's organisation
        partner, partner2 = _user("partner@example.org"), _user("partner2@example.org")
        partner2.organisation_id = partner.organisation_id
        db.session.commit()
    assert seen() == "1"


def test_a_partners_own_return_is_theirs_alone_after_they_move(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    """A partner who moved to another organisation still sees the return they wrote;
    a colleague in their new organisation, in the same role at the same revision, not."""
    from tests.web.test_evidence import MULTIPART
    from tests.web.test_evidence import _form as _evidence_form

    def seen() -> str:
        rows = _report(visitor, cast.dementia.id).soup.select(
            "#report-summary .govuk-summary-list__row"
        )
        found = {_text(row.dt): _text(row.dd) for row in rows}
        return found["Evidence returns you can see"]

    visitor.sign_in("partner@example.org")
    visitor.post(f"/audits/{cast.dementia.id}/evidence/new", _evidence_form(), **MULTIPART)
    with app.app_context():
        partner, partner2 = _user("partner@example.org"), _user("partner2@example.org")
        partner.organisation_id = partner2.organisation_id
        db.session.commit()
    assert seen() == "1"  # their own, by authorship
    visitor.switch("partner2@example.org")
    assert seen() == "0"


READERS = [
    "lead@example.org",
    "partner@example.org",
    "commissioner@example.org",
    "admin@example.org",
]


@pytest.mark.parametrize("email", READERS)
def test_the_reports_key_names_the_audits_its_sections_read(
    app: Flask, cycles: dict[str, int], cast: Cast, email: str
) -> None:
    """The report's key names, for every reader and audit, the earlier audits of the
    area the reader is a member of (any, for an administrator), each at its revision
    with the reader's role: the last cycle the report compares with is one of them.
    Read with the user on the report page (one statement) or asked alone (a PDF's job,
    the PDF's status page), the key is the same."""
    from flask_login import login_user

    from audit_app.models import AuditMembership
    from audit_app.services import access, comparisons, cycle_comparison, exports, report_cache
    from audit_app.services.chart_cache import revision_key

    _survey(app, cycles["later"], 6)
    with app.app_context():
        user = _user(email)
        audits = db.session.scalars(select(Audit).order_by(Audit.id)).all()
        roles = {
            m.audit_id: m.role
            for m in db.session.scalars(
                select(AuditMembership).where(AuditMembership.user_id == user.id)
            )
        }
        named_last = 0
        for audit in audits:
            expected = sorted(
                f"{revision_key(other)}:{'lead' if user.is_admin else roles[other.id]}"
                for other in audits
                if other.area_id == audit.area_id
                and other.id != audit.id
                and other.period_start < audit.period_start
                and (user.is_admin or other.id in roles)
            )
            named = cycle_comparison.earlier_key(audit, user)
            assert [_entry_as_revision_key(entry) for entry in named] == expected, audit.title
            last = comparisons.last_cycle(audit, user)
            if last is not None:
                assert any(entry.startswith(f"{last.id}:") for entry in named)
                named_last += 1
            ctx = exports.ExportContext(audit, user, access.member_role(user, audit))
            alone = report_cache.report_key(ctx)
            with app.test_request_context(f"/audits/{audit.id}/exports/report"):
                login_user(user)
                assert access.user_and_audit(user.id, audit.id) is not None
                for name in ("others", "earlier", "answers"):
                    assert access.read_with_user_value(audit.id, name, user.id)[0], name
                assert report_cache.report_key(ctx) == alone, (email, audit.title)
        # the test met a last cycle (none for the partner: last_cycle leaves out
        # a cycle whose lead's judgements they may not see yet)
        assert (named_last > 0) == (email != "partner@example.org"), named_last


def _entry_as_revision_key(entry: str) -> str:
    """An entry of earlier_key (id, revision, creation time as the database writes it,
    role) as chart_cache.revision_key names the audit, with the role."""
    from datetime import datetime

    audit_id, revision, rest = entry.split(":", 2)
    created, _, role = rest.rpartition(":")
    born = datetime.fromisoformat(created).timestamp()
    return f"{audit_id}:{revision}:{born:.6f}:{role}"


def _key_ids(key: str) -> set[int]:
    listed = ast.literal_eval(key.removeprefix("other areas: "))
    return {int(entry.split(":")[0]) for entry in listed}


@pytest.mark.parametrize("email", READERS)
def test_the_dashboards_key_names_the_audits_benchmarking_shows(
    app: Flask, cycles: dict[str, int], cast: Cast, email: str
) -> None:
    """The dashboard's key, read with the user (one statement) or asked alone: the
    other areas' audits it names are those other_area_audits gives the page, and the
    survey's answers are counted alike, for every reader and every audit."""
    from flask_login import login_user

    from audit_app.services import access, indicator_peers

    _survey(app, cycles["later"], 6)
    counted = []
    with app.app_context():
        user = _user(email)
        for audit in db.session.scalars(select(Audit).order_by(Audit.id)):
            shown = {a.id for a in indicator_peers.other_area_audits(audit, user)}
            alone = indicator_peers.others_key(audit, user), surveys.answers_key(audit)
            with app.test_request_context(f"/audits/{audit.id}/indicators/dashboard"):
                login_user(user)
                assert access.user_and_audit(user.id, audit.id) is not None
                assert access.read_with_user_value(audit.id, "others", user.id)[0]
                assert access.read_with_user_value(audit.id, "answers")[0]
                read = indicator_peers.others_key(audit, user), surveys.answers_key(audit)
            assert _key_ids(alone[0]) == _key_ids(read[0]) == shown, (email, audit.title)
            assert alone[1] == read[1], (email, audit.title)
            counted.append(read[1][0])
        assert max(counted) == 6  # the survey's answers were counted where they are
