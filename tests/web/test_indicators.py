"""Step 3 indicators: definitions, values per period, the dashboard and report cards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, ChangeEvent, User
from audit_app.models.indicators import Indicator, IndicatorValue
from audit_app.services import changes, chart_cache
from audit_app.services.changes import bump_revision
from tests.visit import Page, Visitor, assert_error
from tests.web.conftest import Cast, trail

HOSTILE = "<script>alert('x')</script> Robert'); DROP TABLE indicator;--"


def _date(name: str, when: date | None) -> dict[str, Any]:
    if when is None:
        return {name: ["", "", ""]}
    return {name: [str(when.day), str(when.month), str(when.year)]}


def _indicator(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "catalogue_ref": "",
        "ref": "LOC1",
        "title": "Carers of people with dementia given a carer's assessment",
        "kind": "local",
        "indicator_type": "strategic",
        "unit": "percentage",
        "polarity": "higher",
        "decimals": "1",
        "green_amber_within": "5",
        "red_amber_within": "10",
        "comparator_group": "IPF comparator group",
        "outcomes": ["1"],
        "interventions": ["breaks"],
        "data_owner": "Performance team, Northshire County Council",
        "data_gaps": "Mental health trust figures arrive a quarter late.",
        "accountability": "population",
        "why_it_matters": "An assessment opens the door to support.",
        "story": "Assessments fell when the team was short-staffed.",
        "partners": "Northshire Carers Centre",
        "what_works": "Self-assessment forms through GP surgeries (seed 000).",
        "responsible_officers": "Carers lead",
    }
    form.update(changes)
    return form


def _value(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "period_label": "Apr–Jun 2026",
        **_date("period_end", date(2026, 6, 30)),
        "numerator": "422",
        "denominator": "709",
        "direct_result": "",
        "target": "60",
        "previous": "58.1",
        "benchmark": "55.2",
        "expected_to_report": "yes",
        "comments": "",
        "proposed_intervention": "",
        "manual_rag": "",
        "manual_reason": "",
    }
    form.update(changes)
    return form


def _make_indicator(app: Flask, audit_id: int, **values: Any) -> int:
    defaults: dict[str, Any] = {
        "ref": "LOC1",
        "title": "Carers assessed",
        "kind": "local",
        "indicator_type": "strategic",
        "unit": "percentage",
        "polarity": "higher",
        "outcomes": [],
        "interventions": [],
    }
    with app.app_context():
        record = Indicator(audit_id=audit_id, **{**defaults, **values})
        db.session.add(record)
        bump_revision(db.session.get(Audit, audit_id))  # as every save of the app does
        db.session.commit()
        return int(record.id)


def _make_value(app: Flask, indicator_id: int, **values: Any) -> int:
    with app.app_context():
        indicator = db.session.get(Indicator, indicator_id)
        defaults: dict[str, Any] = {
            "period_label": "Apr–Jun 2026",
            "period_end": date(2026, 6, 30),
            "numerator": Decimal(50),
            "denominator": Decimal(100),
            "target": Decimal(40),
        }
        record = IndicatorValue(
            audit_id=indicator.audit_id, indicator_id=indicator_id, **{**defaults, **values}
        )
        db.session.add(record)
        bump_revision(db.session.get(Audit, indicator.audit_id))  # as every save of the app does
        db.session.commit()
        return int(record.id)


def _cells(page: Page, selector: str) -> list[str]:
    row = page.soup.select_one(selector)
    assert row is not None, selector
    return [cell.get_text(" ", strip=True) for cell in row.select("th, td")]


# Adding indicators.


def test_lead_adds_an_indicator_from_the_framework_catalogue(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/indicators"
    catalogue = as_lead.get(f"{base}/catalogue")
    assert catalogue.h1 == "Add an indicator from the framework"
    refs = [
        row.select("td")[0].get_text(strip=True)
        for row in catalogue.soup.select("#catalogue tbody tr")
    ]
    assert {"NI135", "A4a.1", "A1c.1", "AV.hospital_discharge"} <= set(refs)

    form = as_lead.get(f"{base}/new?from=NI135")
    assert form.value("ref") == "NI135"
    assert form.value("catalogue_ref") == "NI135"
    assert form.value("kind") == "ni135"
    assert form.value("unit") == "percentage"
    assert form.value("polarity") == "higher"
    assert "Carers receiving a service" in (form.value("title") or "")

    as_lead.post(
        f"{base}/new",
        _indicator(catalogue_ref="NI135", ref="NI135", kind="ni135", title="NI 135"),
    )
    with app.app_context():
        indicator = db.session.scalars(select(Indicator)).one()
        assert (indicator.catalogue_ref, indicator.kind) == ("NI135", "ni135")
        assert indicator.green_amber_within == Decimal(5)
        assert indicator.outcomes == ["1"] and indicator.interventions == ["breaks"]
    again = as_lead.get(f"{base}/catalogue")
    ni135 = next(
        row for row in again.soup.select("#catalogue tbody tr") if "NI135" in row.get_text()
    )
    assert "Added" in ni135.get_text() and ni135.select_one("a") is None
    assert [e[0] for e in trail(app, "indicator")] == ["created"]


def test_gp_register_and_non_carer_services_come_from_the_catalogue(
    as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/indicators"
    assert as_lead.get(f"{base}/new?from=A4a.1").value("kind") == "gp_register"
    assert as_lead.get(f"{base}/new?from=A1c.1").value("kind") == "non_carer_services"
    added_value = as_lead.get(f"{base}/new?from=AV.falls")
    assert added_value.value("kind") == "added_value"
    assert added_value.value("polarity") == "lower"
    local = as_lead.get(f"{base}/new?from=nonsense")
    assert local.value("kind") == "local" and local.value("ref") == ""


def test_lead_enters_periods_and_sees_them_assessed(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/indicators"
    as_lead.post(f"{base}/new", _indicator())
    with app.app_context():
        indicator_id = db.session.scalars(select(Indicator)).one().id
    first = _value(
        period_label="Jan–Mar 2026",
        **_date("period_end", date(2026, 3, 31)),
        numerator="300",
        denominator="600",
        target="55",
        previous="",
        comments="Short of staff.",
        proposed_intervention="Recruit two assessors.",
    )
    as_lead.post(f"{base}/{indicator_id}/values/new", first)
    # No previous typed: the prior period's result (50.0%) stands in.
    as_lead.post(
        f"{base}/{indicator_id}/values/new",
        _value(previous="", comments="Nearly there.", proposed_intervention="More forms."),
    )
    page = as_lead.get(base)
    section = page.soup.select_one(f"#indicator-{indicator_id}")
    assert section is not None
    rows = section.select("tbody tr")
    newest = [cell.get_text(" ", strip=True) for cell in rows[0].select("th, td")]
    assert newest[:9] == [
        "Apr–Jun 2026 to 30 June 2026",
        "422/709",
        "59.5%",
        "60.0%",
        "50.0% (prior period)",
        "0.8%",
        "Not met",
        "Improving",
        "Green amber",
    ]
    older = [cell.get_text(" ", strip=True) for cell in rows[1].select("th, td")]
    assert older[2] == "50.0%" and older[6] == "Not met" and older[8] == "Red amber"


def test_a_missed_target_needs_comments_and_a_proposed_intervention(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    indicator_id = _make_indicator(app, cast.draft.id)
    url = f"/audits/{cast.draft.id}/indicators/{indicator_id}/values/new"
    page = as_lead.post(url, _value(), status=200)
    assert_error(page, "Enter comments: the target was missed")
    assert_error(page, "Enter the proposed intervention: the target was missed")
    assert page.value("numerator") == "422"
    met = as_lead.post(url, _value(target="50"))
    assert met.status == 302
    with app.app_context():
        assert db.session.scalars(select(IndicatorValue)).one().target == Decimal(50)


def test_a_rag_set_by_hand_overrides_the_thresholds(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    indicator_id = _make_indicator(app, cast.draft.id)
    base = f"/audits/{cast.draft.id}/indicators"
    as_lead.post(
        f"{base}/{indicator_id}/values/new",
        _value(
            comments="Close to target.",
            proposed_intervention="Keep going.",
            manual_rag="green",
            manual_reason="The shortfall is one person in a small group.",
        ),
    )
    page = as_lead.get(base)
    rag = page.soup.select_one(f"#indicator-{indicator_id} tbody tr .govuk-tag")
    assert rag.get_text(strip=True) == "Green"
    assert "(set by hand)" in rag.parent.get_text()


# Bad input.


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ref": ""}, "Enter the indicator's reference"),
        ({"ref": "x" * 31}, "Reference must be 30 characters or fewer"),
        ({"title": ""}, "Enter what the indicator measures"),
        ({"title": "x" * 10_000}, "Description must be 300 characters or fewer"),
        ({"kind": ""}, "Choose where the indicator comes from"),
        ({"kind": "forged"}, "Choose a source from the list"),
        ({"indicator_type": "other"}, "Choose a type from the list"),
        ({"unit": "furlongs"}, "Choose a unit from the list"),
        ({"polarity": ""}, "Choose whether higher or lower is better"),
        ({"decimals": "two"}, "Decimal places must be a whole number from 0 to 6"),
        ({"decimals": "9"}, "Decimal places must be a whole number from 0 to 6"),
        (
            {"green_amber_within": "lots"},
            "The green amber bound must be a number, like 422 or 59.5",
        ),
        ({"green_amber_within": "-1"}, "The green amber bound must be 0 or more"),
        (
            {"green_amber_within": "1.25"},
            "The green amber bound must have no more than 1 decimal places",
        ),
        ({"red_amber_within": "99999"}, "The red amber bound must be 10,000 or less"),
        (
            {"green_amber_within": "5", "red_amber_within": "2"},
            "The red amber bound must be at least the green amber bound",
        ),
        ({"outcomes": ["9"]}, "Choose outcomes from the list"),
        ({"interventions": ["teleportation"]}, "Choose interventions from the list"),
        ({"catalogue_ref": "XYZ"}, "Choose an indicator from the framework's catalogue"),
        ({"accountability": "vibes"}, "Choose an accountability from the list"),
        ({"data_gaps": "x" * 10_000}, "Data gaps must be 5,000 characters or fewer"),
        ({"comparator_group": "x" * 201}, "Comparator group must be 200 characters or fewer"),
        ({"turn_tolerance": "a bit"}, "The tolerance must be a number, like 422 or 59.5"),
        ({"turn_tolerance": "-0.5"}, "The tolerance must be 0 or more"),
        ({"turn_tolerance": "0.0000001"}, "The tolerance must have no more than 6 decimal places"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_indicator_form_rejects_bad_input(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    form = _indicator(**changes)
    page = as_lead.post(f"/audits/{cast.draft.id}/indicators/new", form, status=200)
    assert_error(page, message)
    if "title" not in changes:
        assert page.value("title") == form["title"]
    with app.app_context():
        assert db.session.scalars(select(Indicator)).first() is None


def test_a_reference_is_unique_within_the_audit_only(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _make_indicator(app, cast.draft.id, ref="LOC1")
    _make_indicator(app, cast.other_area_audit.id, ref="LOC2")
    base = f"/audits/{cast.draft.id}/indicators/new"
    page = as_lead.post(base, _indicator(ref="loc1"), status=200)
    assert_error(page, "Another indicator in this audit has the reference loc1")
    as_lead.post(base, _indicator(ref="LOC2"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"period_label": ""}, "Enter the period the figures cover"),
        ({"period_label": "x" * 61}, "Period covered must be 60 characters or fewer"),
        (_date("period_end", None), "Enter the end of the period"),
        ({"period_end": ["31", "2", "2026"]}, "The end of the period must be a real date"),
        ({"period_end": ["1", "1", "1800"]}, "The end of the period must be between 1990 and 2100"),
        ({"numerator": "lots"}, "Numerator must be a number, like 422 or 59.5"),
        ({"numerator": "-4"}, "Numerator must be 0 or more"),
        ({"numerator": "1" * 20}, "Numerator must be 999,999,999,999 or less"),
        ({"numerator": "1.1234567"}, "Numerator must have no more than 6 decimal places"),
        ({"direct_result": "59.5"}, "Enter a numerator or a direct result, not both"),
        ({"numerator": ""}, "Enter the numerator as well as the denominator"),
        ({"denominator": "0"}, "Denominator must be more than 0"),
        ({"denominator": ""}, "Enter the denominator: a percentage or rate needs one"),
        ({"target": "sixty"}, "Target must be a number, like 422 or 59.5"),
        ({"previous": "-1"}, "Previous result must be 0 or more"),
        ({"benchmark": "x"}, "Benchmark must be a number, like 422 or 59.5"),
        (
            {"expected_to_report": ""},
            "Choose whether the indicator was expected to report this period",
        ),
        ({"expected_to_report": "maybe"}, "Choose yes or no"),
        ({"manual_rag": "purple", "manual_reason": "x"}, "Choose a RAG from the list"),
        ({"manual_rag": "red"}, "Enter the reason for setting the RAG by hand"),
        ({"comments": "x" * 10_000}, "Comments must be 5,000 characters or fewer"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_value_form_rejects_bad_input(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    indicator_id = _make_indicator(app, cast.draft.id)
    form = _value(**{"target": "50", **changes})
    url = f"/audits/{cast.draft.id}/indicators/{indicator_id}/values/new"
    page = as_lead.post(url, form, status=200)
    assert_error(page, message)
    if "period_label" not in changes:
        assert page.value("period_label") == form["period_label"]
    with app.app_context():
        assert db.session.scalars(select(IndicatorValue)).first() is None
    assert trail(app, "indicator value") == []


def test_a_period_end_is_unique_for_an_indicator(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    indicator_id = _make_indicator(app, cast.draft.id)
    value_id = _make_value(app, indicator_id)
    base = f"/audits/{cast.draft.id}/indicators"
    page = as_lead.post(f"{base}/{indicator_id}/values/new", _value(target="50"), status=200)
    assert_error(page, "This indicator already has a period ending on that date")
    # The period itself keeps its own end date when changed.
    loaded = as_lead.get(f"{base}/values/{value_id}").value("version")
    as_lead.post(f"{base}/values/{value_id}", _value(target="50", version=loaded))


def test_counts_and_direct_results_need_no_denominator(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    count_id = _make_indicator(app, cast.draft.id, ref="CNT", unit="count")
    rate_id = _make_indicator(
        app, cast.draft.id, ref="RATE", unit="rate_per_100000", polarity="lower"
    )
    base = f"/audits/{cast.draft.id}/indicators"
    as_lead.post(
        f"{base}/{count_id}/values/new",
        _value(numerator="119", denominator="", target="100", previous="216"),
    )
    as_lead.post(
        f"{base}/{rate_id}/values/new",
        _value(numerator="", denominator="", direct_result="5.84", target="6", previous="5.89"),
    )
    page = as_lead.get(base)
    count_row = _cells(page, f"#indicator-{count_id} tbody tr")
    assert count_row[1:3] == ["119/", "119"]
    rate_row = _cells(page, f"#indicator-{rate_id} tbody tr")
    assert rate_row[1:3] == ["N/A", "5.84"]
    assert rate_row[6:8] == ["Met", "Improving"]


def test_hostile_text_is_shown_as_text_never_run(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    base = f"/audits/{cast.draft.id}/indicators"
    as_lead.post(
        f"{base}/new",
        _indicator(title=HOSTILE, story=HOSTILE, data_owner=HOSTILE[:200], comparator_group="x"),
    )
    with app.app_context():
        indicator_id = db.session.scalars(select(Indicator)).one().id
    as_lead.post(
        f"{base}/{indicator_id}/values/new",
        _value(period_label=HOSTILE[:60], comments=HOSTILE, proposed_intervention=HOSTILE),
    )
    for url in (base, f"{base}/dashboard", f"{base}/{indicator_id}/report-card"):
        page = as_lead.get(url)
        assert HOSTILE in page.text or HOSTILE[:60] in page.text
        assert "<script>alert" not in page.response.get_data(as_text=True)
    errors = as_lead.post(f"{base}/new", _indicator(title=HOSTILE, ref=""), status=200)
    assert errors.value("title") == HOSTILE
    assert "<script>alert" not in errors.response.get_data(as_text=True)


# Saving over someone else's change, and the audit trail.


def test_a_stale_value_save_shows_both_versions_and_overwrites_nothing(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    indicator_id = _make_indicator(app, cast.draft.id)
    value_id = _make_value(app, indicator_id)
    url = f"/audits/{cast.draft.id}/indicators/values/{value_id}"
    loaded = as_lead.get(url).value("version")
    with app.app_context():  # a colleague saves first
        record = db.session.get(IndicatorValue, value_id)
        colleague = db.session.scalars(select(User).filter_by(email="admin@example.org")).one()
        changes.save(
            changes.Change(
                cast.draft, record, {"numerator": Decimal(45)}, "indicator value", "x", 1
            ),
            colleague,
        )
    mine = _value(numerator="48", denominator="100", target="40", previous="", version=loaded)
    page = as_lead.post(url, mine, status=200)
    message = "Someone else changed this period while you were editing"
    assert_error(page, message)
    theirs = page.soup.select_one(page.error_links()[message])
    assert "45" in theirs.get_text(" ", strip=True)
    assert page.value("numerator") == "48"
    with app.app_context():
        assert db.session.get(IndicatorValue, value_id).numerator == Decimal(45)
    as_lead.post(url, {**mine, "version": page.value("version")})
    with app.app_context():
        assert db.session.get(IndicatorValue, value_id).numerator == Decimal(48)


@pytest.mark.parametrize("version", ["", "abc", "999"])
def test_a_missing_or_forged_version_is_treated_as_stale(
    app: Flask, as_lead: Visitor, cast: Cast, version: str
) -> None:
    indicator_id = _make_indicator(app, cast.draft.id)
    url = f"/audits/{cast.draft.id}/indicators/{indicator_id}"
    page = as_lead.post(url, _indicator(title="Changed", version=version), status=200)
    assert "Someone else changed this indicator while you were editing" in page.error_summary()
    with app.app_context():
        assert db.session.get(Indicator, indicator_id).title == "Carers assessed"


def test_every_change_to_a_value_is_in_the_audittrail(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    indicator_id = _make_indicator(app, cast.draft.id)
    base = f"/audits/{cast.draft.id}/indicators"
    with app.app_context():
        before = db.session.get(Audit, cast.draft.id).revision
    as_lead.post(f"{base}/{indicator_id}/values/new", _value(target="50"))
    with app.app_context():
        value_id = db.session.scalars(select(IndicatorValue)).one().id
        assert db.session.get(Audit, cast.draft.id).revision == before + 1
    loaded = as_lead.get(f"{base}/values/{value_id}").value("version")
    as_lead.post(f"{base}/values/{value_id}", _value(target="55", version=loaded))
    confirm = as_lead.get(f"{base}/values/{value_id}/delete")
    assert "Are you sure you want to delete this period value?" in confirm.h1
    as_lead.post(f"{base}/values/{value_id}/delete")
    events = trail(app, "indicator value")
    assert [event[0] for event in events] == ["created", "changed", "removed"]
    assert events[0][1] == "LOC1 Apr–Jun 2026"
    assert events[1][2] == {"target": "50.000000"} and events[1][3] == {"target": "55.000000"}
    assert Decimal(events[2][2]["numerator"]) == 422 and events[2][3] is None
    changes_page = as_lead.get(f"/audits/{cast.draft.id}/changes")
    assert "LOC1 Apr–Jun 2026" in changes_page.text


def test_deleting_an_indicator_asks_first_and_keeps_its_values_in_thetrail(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    indicator_id = _make_indicator(app, cast.draft.id)
    _make_value(app, indicator_id)
    _make_value(app, indicator_id, period_label="Jul–Sep 2026", period_end=date(2026, 9, 30))
    url = f"/audits/{cast.draft.id}/indicators/{indicator_id}/delete"
    confirm = as_lead.get(url)
    assert confirm.h1 == "Are you sure you want to delete this indicator?"
    assert "Its values for every period are deleted with it." in confirm.text
    as_lead.post(url)
    with app.app_context():
        assert db.session.scalars(select(Indicator)).first() is None
        assert db.session.scalars(select(IndicatorValue)).first() is None
    assert [e[0] for e in trail(app, "indicator value")] == ["removed", "removed"]
    assert [e[0] for e in trail(app, "indicator")] == ["removed"]


# The dashboard in seed 002's layout.


def test_the_dashboard_shows_each_indicators_latest_period_by_the_chosen_date(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    indicator_id = _make_indicator(app, cast.draft.id, green_amber_within=Decimal(5))
    _make_value(
        app, indicator_id, period_end=date(2026, 3, 31), period_label="Q4", numerator=Decimal(30)
    )
    _make_value(
        app, indicator_id, period_end=date(2026, 6, 30), period_label="Q1", numerator=Decimal(50)
    )
    base = f"/audits/{cast.draft.id}/indicators/dashboard"
    latest = as_lead.get(base)
    assert _cells(latest, "#met tbody tr")[3] == "Q1"
    earlier = as_lead.get(f"{base}?as_of=2026-03-31")
    assert _cells(earlier, "#not-met tbody tr")[3] == "Q4"
    forged = as_lead.get(f"{base}?as_of=2099-01-01")
    assert _cells(forged, "#met tbody tr")[3] == "Q1"


def test_the_dashboard_is_rendered_once_per_revision_and_a_saved_value_shows_at_once(
    app: Flask, as_lead: Visitor, as_partner: Visitor, cast: Cast
) -> None:
    app.extensions.pop("chart_cache", None)  # count from an empty cache
    indicator_id = _make_indicator(app, cast.draft.id)
    _make_value(app, indicator_id, numerator=Decimal(30))
    base = f"/audits/{cast.draft.id}/indicators"
    with app.app_context():
        cache = chart_cache.chart_cache()
    as_lead.get(f"{base}/dashboard")
    before = cache.stats.computed
    as_lead.get(f"{base}/dashboard")
    partners_view = as_partner.get(f"{base}/dashboard")
    assert cache.stats.computed == before  # the same content for every reader
    assert _cells(partners_view, "#not-met tbody tr")[7] == "30.00%"
    with app.app_context():
        value_id = db.session.scalars(select(IndicatorValue.id)).one()
    url = f"{base}/values/{value_id}"
    version = as_lead.get(url).value("version")
    as_lead.post(
        url, _value(numerator="55", denominator="100", target="40", previous="", version=version)
    )
    page = as_lead.get(f"{base}/dashboard")
    assert cache.stats.computed > before
    assert _cells(page, "#met tbody tr")[7] == "55.00%"


def test_no_indicators_yet_gives_an_empty_dashboard(as_lead: Visitor, cast: Cast) -> None:
    page = as_lead.get(f"/audits/{cast.draft.id}/indicators/dashboard")
    assert "No indicator has a value yet." in page.text
    assert _cells(page, "#summary-overall")[1:5] == ["0% (0)"] * 4


# Who may see and do what.


def _urls(audit_id: int, indicator_id: int, value_id: int) -> dict[str, list[str]]:
    base = f"/audits/{audit_id}/indicators"
    return {
        "reading": [
            base,
            f"{base}/dashboard",
            f"{base}/{indicator_id}/report-card",
            f"{base}/{indicator_id}/report-card.png",
        ],
        "changing": [
            f"{base}/catalogue",
            f"{base}/new",
            f"{base}/{indicator_id}",
            f"{base}/{indicator_id}/delete",
            f"{base}/{indicator_id}/values/new",
            f"{base}/values/{value_id}",
            f"{base}/values/{value_id}/delete",
        ],
    }


def _records(app: Flask, audit_id: int) -> tuple[int, int]:
    indicator_id = _make_indicator(app, audit_id)
    return indicator_id, _make_value(app, indicator_id)


def test_an_id_from_another_audit_is_not_found(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    theirs = _urls(cast.draft.id, *_records(app, cast.other_area_audit.id))
    for url in theirs["reading"][2:] + theirs["changing"][2:]:
        as_lead.get(url, status=404)
    for url in theirs["changing"][2:]:
        as_lead.post(url, {**_value(target="50"), "version": "1"}, status=404)
    with app.app_context():
        assert len(db.session.scalars(select(IndicatorValue)).all()) == 1
        assert db.session.scalars(select(ChangeEvent)).first() is None


def test_partners_can_view_but_not_change_indicators(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    for audit in (cast.draft, cast.published):
        urls = _urls(audit.id, *_records(app, audit.id))
        for url in urls["reading"][:3]:
            page = as_partner.get(url)
            hrefs = {str(link["href"]) for link in page.soup.select("main a[href]")}
            assert not hrefs & set(urls["changing"]), hrefs
        png = as_partner.client.get(urls["reading"][3])
        assert png.status_code == 200 and png.mimetype == "image/png"
        for url in urls["changing"]:
            as_partner.get(url, status=404)
        for url in urls["changing"][1:]:
            as_partner.post(url, {"ref": "x", "version": "1"}, status=404)
    with app.app_context():
        assert db.session.scalars(select(ChangeEvent)).first() is None


def test_commissioner_sees_published_indicators_only(
    app: Flask, as_commissioner: Visitor, cast: Cast
) -> None:
    urls = _urls(cast.published.id, *_records(app, cast.published.id))
    for url in urls["reading"][:3]:
        as_commissioner.get(url)
    png = as_commissioner.client.get(urls["reading"][3])
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    for url in urls["changing"]:
        as_commissioner.get(url, status=404)
    for url in urls["changing"][1:]:
        as_commissioner.post(url, {}, status=404)
    drafts = _urls(cast.draft.id, *_records(app, cast.draft.id))
    for url in drafts["reading"] + drafts["changing"]:
        as_commissioner.get(url, status=404)


def test_another_areas_lead_cannot_see_indicators(app: Flask, visitor: Visitor, cast: Cast) -> None:
    visitor.sign_in("lead@southshire.example.org")
    urls = _urls(cast.draft.id, *_records(app, cast.draft.id))
    for url in urls["reading"] + urls["changing"]:
        visitor.get(url, status=404)


def test_signed_out_visitors_are_sent_to_sign_in(app: Flask, visitor: Visitor, cast: Cast) -> None:
    urls = _urls(cast.draft.id, *_records(app, cast.draft.id))
    for url in urls["reading"] + urls["changing"]:
        page = visitor.get(url, status=302)
        assert "/sign-in" in page.response.location


def test_every_indicator_page_has_a_back_link_caption_and_one_heading(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    urls = _urls(cast.draft.id, *_records(app, cast.draft.id))
    for url in urls["reading"][:3] + urls["changing"]:
        page = as_lead.get(url)
        assert len(page.soup.find_all("h1")) == 1, url
        back = page.soup.select_one(".govuk-back-link")
        assert back is not None and back["href"].endswith(f"/audits/{cast.draft.id}"), url
        assert page.soup.select_one(".govuk-caption-l").get_text(strip=True) == cast.draft.title
        for fieldset in page.soup.select("fieldset"):
            legend = fieldset.select_one("legend")
            assert legend is not None and legend.get_text(strip=True), url
        assert not [
            hint for hint in page.soup.select(".govuk-hint") if not hint.get_text(strip=True)
        ], url


# The overview's task list.


def test_the_indicators_section_status_follows_the_data(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    def status() -> str:
        page = as_lead.get(f"/audits/{cast.draft.id}")
        item = next(
            li for li in page.soup.select(".govuk-task-list__item") if "Indicators" in li.get_text()
        )
        return item.select_one(".govuk-task-list__status").get_text(" ", strip=True)

    assert status() == "Not started"
    indicator_id = _make_indicator(app, cast.draft.id)
    assert status() == "In progress"
    _make_value(app, indicator_id)
    assert status() == "Completed"
    _make_value(app, indicator_id, period_end=date(2026, 9, 30), numerator=None, denominator=None)
    assert status() == "In progress"


# Seed 002's figures, entered through the forms.

UNIT_CODES = {"percentage": "percentage", "rate_per_100000": "rate_per_100000"}
# Seed 002 prints other periods for these rows (§2.2a); all sit on the Q1 dashboard.
SEED_PERIODS = {
    "AC/S11": ("Oct 2014 - March 2015", date(2015, 3, 31)),
    "AC/C12": ("June 2014 - May 2015", date(2015, 5, 31)),
    "AC/C13": ("June 2014 - May 2015", date(2015, 5, 31)),
}
SEED_COMMENTS = {
    "AC/S3": "A review programme is underway to support people who can step down from "
    "education and residential care settings to move into supported living.",
    "AC/S18": "See Above",
}


def _enter_seed_002(app: Flask, visitor: Visitor, audit_id: int) -> None:
    from tests.unit.test_indicators_seed002 import ROWS

    base = f"/audits/{audit_id}/indicators"
    for row in ROWS:
        no_amber = row.ref == "AC/C2"  # 100% is an aspiration: every miss is red
        visitor.post(
            f"{base}/new",
            _indicator(
                ref=row.ref,
                title=f"Seed 002 indicator {row.ref}",
                kind="local",
                indicator_type=row.kind.value,
                unit=row.unit.value,
                polarity=row.polarity.value,
                decimals=str(row.decimals),
                green_amber_within="" if no_amber else "1",
                red_amber_within="" if no_amber else "2.5",
                comparator_group="",
            ),
        )
        with app.app_context():
            indicator_id = db.session.scalars(select(Indicator).filter_by(ref=row.ref)).one().id
        label, end = SEED_PERIODS.get(row.ref, ("Apr-June 2015", date(2015, 6, 30)))
        if "/" in row.numbers:
            numerator, denominator = row.numbers.split("/")
            figures = {"numerator": numerator, "denominator": denominator, "direct_result": ""}
        else:
            figures = {"numerator": "", "denominator": "", "direct_result": row.numbers}
        comment = SEED_COMMENTS.get(row.ref, f"Comments on {row.ref}")
        visitor.post(
            f"{base}/{indicator_id}/values/new",
            _value(
                period_label=label,
                **_date("period_end", end),
                **figures,
                target=row.target,
                previous=row.previous,
                benchmark="",
                comments="" if row.met else comment,
                proposed_intervention="" if row.met else f"Proposed for {row.ref}",
            ),
        )


def _add_commissioning_intentions(app: Flask, audit_id: int, count: int) -> None:
    from audit_app.models.plan import Action, ActionUpdate

    with app.app_context():
        for n in range(count):
            action = Action(
                audit_id=audit_id,
                description=f"Commissioning intention {n + 1}",
                leads=[{"post": "Commissioning Director"}],
            )
            action.updates.append(
                ActionUpdate(on=date(2015, 6, 30), rag="green", commentary="On track.")
            )
            db.session.add(action)
        db.session.commit()


def test_the_dashboard_reproduces_seed_002(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    from tests.unit.test_indicators_seed002 import MET, NOT_MET, SEED_ERRORS

    _enter_seed_002(app, as_lead, cast.draft.id)
    _add_commissioning_intentions(app, cast.draft.id, 5)
    page = as_lead.get(f"/audits/{cast.draft.id}/indicators/dashboard")
    assert page.h1 == "Indicator dashboard"

    # §2.1: Green, Green Amber, Red Amber, Red, improving or same, worsening, expected.
    # (The seed's own direction totals are impossible; its rows give 7 + 4 and 5 + 4.)
    assert _cells(page, "#summary-strategic") == ["Strategic", "5", "1", "1", "5", "7", "5", "12"]
    assert _cells(page, "#summary-critical") == ["Critical", "2", "1", "0", "5", "4", "4", "8"]
    assert _cells(page, "#summary-overall") == [
        "Overall",
        "35% (7)",
        "10% (2)",
        "5% (1)",
        "50% (10)",
        "55% (11)",
        "45% (9)",
        "20",
    ]

    # §2.2a and Appendix A: one row per indicator, in the right table, as printed.
    for table, rows in (("not-met", NOT_MET), ("met", MET)):
        shown = {
            tr["data-ref"]: [c.get_text(" ", strip=True) for c in tr.select("td")]
            for tr in page.soup.select(f"#{table} tbody tr")
        }
        assert set(shown) == {row.ref for row in rows}, table
        for row in rows:
            cells = shown[row.ref]
            assert cells[2] == row.kind.value.title()
            assert cells[6] == (row.numbers if "/" in row.numbers else "N/A"), row.ref
            assert cells[9] == row.shown_direction.value.title(), row.ref
            if row.ref not in SEED_ERRORS:
                assert (cells[7], cells[8]) == (row.shown_result, row.shown_variance), row.ref
            if table == "not-met":
                assert (cells[4], cells[5]) == (
                    row.previous + "%" if row.unit.value == "percentage" else row.previous,
                    row.target + "%" if row.unit.value == "percentage" else row.target,
                ), row.ref
    s11 = _cells(page, '#not-met tr[data-ref="AC/S11"]')
    assert s11[3] == "Oct 2014 - March 2015"
    # The seed's two misprints, shown as the arithmetic gives them.
    assert _cells(page, '#not-met tr[data-ref="AC/C12"]')[8] == "0.5%"
    assert _cells(page, '#met tr[data-ref="AC/S9"]')[7:9] == ["91.13", "8.9%"]

    # §2.2b: comments and proposed intervention for each missed indicator.
    comments = page.soup.select_one("#missed-comments").get_text(" ", strip=True)
    assert SEED_COMMENTS["AC/S3"] in comments and "Proposed for AC/C13" in comments
    assert len(page.soup.select("#missed-comments tbody tr")) == len(NOT_MET)

    # §3.1: commissioning intentions, "100% (5)" green.
    assert _cells(page, "#intentions-summary tbody tr") == [
        "100% (5)",
        "0% (0)",
        "0% (0)",
        "0% (0)",
        "0",
        "5",
    ]
    assert len(page.soup.select("#intentions tbody tr")) == 5


# The report card (seed 004).


def test_the_report_card_shows_the_curve_with_its_table_and_forecast(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    indicator_id = _make_indicator(
        app,
        cast.draft.id,
        decimals=1,
        accountability="population",
        why_it_matters="Carers known early reach crisis less often.",
        story="Flat for a year.",
        partners="Northshire Carers Centre",
        what_works="Self-assessment forms.",
        responsible_officers="Carers lead",
        data_owner="Performance team",
        data_gaps="No ward-level data.",
        interventions=["breaks"],
        outcomes=["1"],
    )
    for n, (label, end, numerator) in enumerate(
        [
            ("Q1", date(2026, 3, 31), 20),
            ("Q2", date(2026, 6, 30), 18),
            ("Q3", date(2026, 9, 30), 16),
            ("Q4", date(2026, 12, 31), 25),
        ]
    ):
        _make_value(
            app,
            indicator_id,
            period_label=label,
            period_end=end,
            numerator=Decimal(numerator),
            target=Decimal(20 + n),
        )
    from audit_app.models.plan import Action

    with app.app_context():
        db.session.add(
            Action(
                audit_id=cast.draft.id,
                description="Commission more breaks",
                leads=[],
                interventions=["breaks"],
            )
        )
        db.session.commit()
    url = f"/audits/{cast.draft.id}/indicators/{indicator_id}/report-card"
    page = as_lead.get(url)
    assert page.h1 == "LOC1: Carers assessed"
    for heading in (
        "Why it matters",
        "The story behind the baseline",
        "The curve",
        "Partners with a role to play",
        "What works",
        "Actions",
        "Responsible officers",
        "Data owner",
        "Data gaps",
    ):
        assert page.soup.find("h2", string=heading) is not None, heading
    assert "Population accountability" in page.text
    assert "Commission more breaks" in page.soup.select_one("#actions + ul").get_text()
    svg = page.soup.select_one("#curve ~ .govuk-grid-row svg")
    assert svg is not None
    rows = [
        [c.get_text(" ", strip=True) for c in tr.select("th, td")]
        for tr in page.soup.select("#curve-table tbody tr")
    ]
    assert [row[:3] for row in rows[:4]] == [
        ["Q1", "20.0%", "20.0%"],
        ["Q2", "18.0%", "21.0%"],
        ["Q3", "16.0%", "22.0%"],
        ["Q4", "25.0%", "23.0%"],
    ]
    # Least squares through 20, 18, 16, 25: slope 1.3, intercept 17.8 → 23.0, 24.3.
    assert [row[:2] for row in rows[4:]] == [
        ["Forecast 1 (to 31 Mar 2027)", "23.0%"],
        ["Forecast 2 (to 30 Jun 2027)", "24.3%"],
    ]
    # Q1–Q3 fell by 2 a quarter; Q4's 25% beats the 14% that trend forecast.
    assert "the curve has turned" in page.soup.select_one("#turned").get_text()
    png = as_lead.client.get(f"{url}.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")


def test_a_report_card_with_no_periods_says_so(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    indicator_id = _make_indicator(app, cast.draft.id)
    page = as_lead.get(f"/audits/{cast.draft.id}/indicators/{indicator_id}/report-card")
    assert "No periods recorded yet." in page.text
    assert page.soup.select_one("svg") is None or not page.soup.select("#curve-table")
    png = as_lead.client.get(f"/audits/{cast.draft.id}/indicators/{indicator_id}/report-card.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")


# The demo audit.


def test_the_demo_dementia_audit_has_indicators_worth_exploring(
    app: Flask, runner: Any, visitor: Visitor
) -> None:
    assert "Demo data loaded." in runner.invoke(args=["demo-data"]).output
    with app.app_context():
        audit_id = (
            db.session.scalars(
                select(Audit).where(
                    Audit.title == "Carers of people with dementia in Northshire 2026/27"
                )
            )
            .one()
            .id
        )
        indicators = db.session.scalars(
            select(Indicator).where(Indicator.audit_id == audit_id)
        ).all()
        assert len(indicators) == 8
        assert all(len(i.values) == 3 for i in indicators)
        assert {i.kind for i in indicators} >= {
            "ni135",
            "gp_register",
            "non_carer_services",
            "added_value",
            "statistical_return",
            "local",
        }
    visitor.sign_in("commissioner@demo.test", "demo-password")
    page = visitor.get(f"/audits/{audit_id}/indicators/dashboard")
    overall = _cells(page, "#summary-overall")
    # Shares are of the 8 that reported, the not rated one included (hub_model's rule).
    assert overall[1:5] == ["25% (2)", "25% (2)", "25% (2)", "13% (1)"]
    assert "1 not rated" in page.soup.select_one("#summary-notes").get_text(" ", strip=True)
    assert len(page.soup.select("#not-met tbody tr")) == 5
    assert len(page.soup.select("#met tbody tr")) == 2
    assert len(page.soup.select("#not-assessed tbody tr")) == 1
    for tr in page.soup.select("#missed-comments tbody tr"):
        comments, proposed = [td.get_text(strip=True) for td in tr.select("td")]
        assert comments and proposed
    for indicator in indicators:
        card = visitor.get(f"/audits/{audit_id}/indicators/{indicator.id}/report-card")
        assert card.soup.select_one("#curve-table") is not None


def test_an_administrator_may_add_indicators_like_a_lead(
    app: Flask, as_admin: Visitor, cast: Cast
) -> None:
    as_admin.post(f"/audits/{cast.draft.id}/indicators/new", _indicator())
    with app.app_context():
        assert db.session.scalars(select(Indicator)).one().ref == "LOC1"


def test_a_straight_line_as_shown_is_not_called_a_turned_curve(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    """Seen: 12.4 → 11.8 → 11.2 (11.198 unrounded) was "the curve has turned"."""
    indicator_id = _make_indicator(app, cast.draft.id, decimals=1, polarity="lower")
    for label, end, numerator in [
        ("Q1", date(2026, 3, 31), "124"),
        ("Q2", date(2026, 6, 30), "118"),
        ("Q3", date(2026, 9, 30), "111.98"),
    ]:
        _make_value(
            app,
            indicator_id,
            period_label=label,
            period_end=end,
            numerator=Decimal(numerator),
            denominator=Decimal(1000),
            target=Decimal(10),
        )
    page = as_lead.get(f"/audits/{cast.draft.id}/indicators/{indicator_id}/report-card")
    assert "has not turned yet" in page.soup.select_one("#turned").get_text()
    assert "by more than 0.05%" in page.soup.select_one("#turn-rule").get_text()


def _three_quarters(app: Flask, audit_id: int, latest: str, **definition: Any) -> int:
    """A lower-is-better percentage, 12.4% then 11.8%, then ``latest`` per 1,000."""
    indicator_id = _make_indicator(app, audit_id, decimals=1, polarity="lower", **definition)
    for label, end, numerator in [
        ("Q1", date(2026, 3, 31), "124"),
        ("Q2", date(2026, 6, 30), "118"),
        ("Q3", date(2026, 9, 30), latest),
    ]:
        _make_value(
            app,
            indicator_id,
            period_label=label,
            period_end=end,
            numerator=Decimal(numerator),
            denominator=Decimal(1000),
            target=Decimal(10),
        )
    return indicator_id


def test_the_lead_sets_a_tolerance_and_the_report_card_states_it(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/indicators"
    # 10.6% beats the trend's 11.2% by 0.6 points: a turn by the rounding rule.
    indicator_id = _three_quarters(app, cast.draft.id, "106")
    card = as_lead.get(f"{base}/{indicator_id}/report-card")
    assert "the curve has turned" in card.soup.select_one("#turned").get_text()
    form = as_lead.get(f"{base}/{indicator_id}")
    assert form.value("turn_tolerance") == ""
    assert "percentage points for a percentage" in form.text
    values = {k: v for k, v in _indicator(ref="LOC1").items()}
    values.update(
        decimals="1", polarity="lower", turn_tolerance="0.75", version=form.value("version")
    )
    as_lead.post(f"{base}/{indicator_id}", values)
    with app.app_context():
        assert db.session.get(Indicator, indicator_id).turn_tolerance == Decimal("0.75")
    card = as_lead.get(f"{base}/{indicator_id}/report-card")
    assert "has not turned yet" in card.soup.select_one("#turned").get_text()
    rule = " ".join(card.soup.select_one("#turn-rule").get_text().split())
    assert "by more than 0.75 percentage points: the tolerance set for this indicator" in rule
    assert as_lead.get(f"{base}/{indicator_id}").value("turn_tolerance") == "0.75"


def test_a_turn_beyond_the_tolerance_is_called_a_turn(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    indicator_id = _three_quarters(app, cast.draft.id, "100", turn_tolerance=Decimal("0.5"))
    card = as_lead.get(f"/audits/{cast.draft.id}/indicators/{indicator_id}/report-card")
    assert "the curve has turned" in card.soup.select_one("#turned").get_text()
    assert "0.5 percentage points" in card.soup.select_one("#turn-rule").get_text()
