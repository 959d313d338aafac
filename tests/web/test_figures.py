"""Every figure is right (issue #17 §4): survey counts on the page and in the CSV,
indicator figures as large as the form or the JSON import accepts, and the report
card's "What will success look like?"."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import Numeric, func, select
from wtforms.validators import ValidationError

from audit_app.extensions import db
from audit_app.indicators.forms import check_figure
from audit_app.models import Audit
from audit_app.models.indicators import Indicator, IndicatorValue
from audit_app.services import audit_json, audit_json_check
from hub_model.figures import INDICATOR_FIGURES, FigureRange
from tests.visit import Page, Visitor
from tests.web.conftest import Cast
from tests.web.test_indicators import _indicator, _make_indicator, _make_value
from tests.web.test_questionnaires import _answer, _fill, _open


def test_an_optional_scale_question_shows_its_counts_on_the_page_and_in_the_csv(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    # Seen: "26 answered, Average: 4.15" beside 0 answers and 0% at every point.
    questionnaire_id, _ = _open(app, cast.draft.id)
    points = [5] * 12 + [4] * 9 + [3] * 5
    _fill(
        app,
        questionnaire_id,
        [_answer(breaks_rating=point) for point in points] + [_answer(breaks_rating=None)] * 4,
    )
    base = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}"
    page = as_lead.get(f"{base}/results")
    table = page.soup.select_one("#counts-breaks_rating")
    assert table is not None
    rows = {
        cells[0]: cells[1:]
        for cells in (
            [cell.get_text(strip=True) for cell in row.select("th, td")]
            for row in table.select("tbody tr")
        )
    }
    assert rows["5 (Very helpful)"] == ["12", "46%"]
    assert rows["4"] == ["9", "35%"]
    assert rows["3"] == ["5", "19%"]
    body = as_lead.get(f"{base}/results.csv").response.get_data(as_text=True)
    question = '"If you have had a break from caring, how helpful was it?"'
    assert f"breaks_rating,{question},All answers,4,9,34.6,26" in body
    assert f"breaks_rating,{question},All answers,5 (Very helpful),12,46.2,26" in body


def test_a_percentage_forecast_on_the_report_card_stops_at_100(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    # Seen: 90, 95, 99 → 103.7%, 108.2%.
    indicator_id = _make_indicator(app, cast.draft.id, decimals=1)
    for label, end, numerator in [
        ("Q1", date(2026, 3, 31), 90),
        ("Q2", date(2026, 6, 30), 95),
        ("Q3", date(2026, 9, 30), 99),
    ]:
        _make_value(
            app, indicator_id, period_label=label, period_end=end, numerator=Decimal(numerator)
        )
    page = as_lead.get(f"/audits/{cast.draft.id}/indicators/{indicator_id}/report-card")
    forecasts = [
        [cell.get_text(strip=True) for cell in row.select("th, td")][:2]
        for row in page.soup.select("#curve-table tbody tr.app-forecast-row")
    ]
    assert forecasts == [
        ["Forecast 1 (to 31 Dec 2026)", "100.0%"],
        ["Forecast 2 (to 31 Mar 2027)", "100.0%"],
    ]
    assert "a percentage stays between 0% and 100%" in page.text


# Figures through the JSON import: one range, as the indicator form's.

LARGEST = "999999999999"


def _exported_with_an_indicator(app: Flask, as_lead: Visitor, cast: Cast) -> dict[str, Any]:
    indicator_id = _make_indicator(app, cast.draft.id, unit="rate_per_100000", decimals=2)
    _make_value(app, indicator_id, period_end=date(2026, 3, 31), period_label="Q4")
    _make_value(app, indicator_id)
    response = as_lead.client.get(f"/audits/{cast.draft.id}/exports/audit.json")
    assert response.status_code == 200
    return dict(json.loads(response.data))


def _import(as_lead: Visitor, document: dict[str, Any], area_id: int, status: int) -> Page:
    return as_lead.post(
        "/audits/import",
        {
            "file": (io.BytesIO(json.dumps(document).encode()), "audit.json"),
            "area_id": str(area_id),
            "title": "Copy",
        },
        status=status,
    )


@pytest.mark.parametrize(
    ("column", "figure", "message"),
    [
        ("numerator", "1E+26", "numerator must be 999,999,999,999 or less"),
        ("target", 1e26, "target must be 999,999,999,999 or less"),
        ("denominator", "-5", "denominator must be 0 or more"),
        ("benchmark", "0.1234567", "benchmark must have no more than 6 decimal places"),
        ("previous", "NaN", "previous must be a number"),
        ("direct_result", "lots", "direct_result must be a number"),
    ],
)
def test_the_import_refuses_a_figure_the_form_would_refuse_and_says_which(
    app: Flask, as_lead: Visitor, cast: Cast, column: str, figure: object, message: str
) -> None:
    # Seen: 10^26 through the import raised decimal.InvalidOperation on the pages.
    document = _exported_with_an_indicator(app, as_lead, cast)
    document["tables"]["indicator_value"][1][column] = figure
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Audit))
    page = _import(as_lead, document, cast.draft.area_id, 200)
    # Checked before anything is written (services.audit_json_check), every problem listed.
    assert page.error_summary() == [
        f"Indicator value 2: {message}",
        "The file has 1 problem, listed above: nothing was imported",
    ]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Audit)) == before


def test_the_import_refuses_a_threshold_the_form_would_refuse(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    document = _exported_with_an_indicator(app, as_lead, cast)
    document["tables"]["indicator"][0]["red_amber_within"] = "20000"
    page = _import(as_lead, document, cast.draft.area_id, 200)
    assert "Indicator 1: red_amber_within must be 10,000 or less" in page.error_summary()


@pytest.mark.parametrize(
    "figures",
    [
        {"numerator": LARGEST, "denominator": "0.000001", "target": "0.000001"},
        {"numerator": "0.000001", "denominator": LARGEST, "target": LARGEST},
        {"numerator": LARGEST, "denominator": LARGEST, "previous": LARGEST, "benchmark": LARGEST},
        {"numerator": None, "denominator": None, "direct_result": LARGEST, "target": "0"},
    ],
)
def test_any_figure_the_import_accepts_renders_everywhere(
    app: Flask, as_lead: Visitor, cast: Cast, figures: dict[str, str | None]
) -> None:
    document = _exported_with_an_indicator(app, as_lead, cast)
    for row in document["tables"]["indicator_value"]:
        row.update(figures)
    for figure in figures.values():
        assert figure is None or INDICATOR_FIGURES.problem(Decimal(figure)) is None
    page = _import(as_lead, document, cast.draft.area_id, 302)
    audit_id = int(page.response.headers["Location"].split("/audits/")[1].split("/")[0])
    with app.app_context():
        indicator = db.session.scalars(
            select(Indicator).where(Indicator.audit_id == audit_id)
        ).one()
        indicator_id = indicator.id
    base = f"/audits/{audit_id}"
    for url in (
        f"{base}/indicators",
        f"{base}/indicators/dashboard",
        f"{base}/indicators/{indicator_id}/report-card",
        f"{base}/exports/report",
    ):
        as_lead.get(url)
    for url in (
        f"{base}/indicators/{indicator_id}/report-card.png",
        f"{base}/exports/tables.xlsx",
        f"{base}/exports/csv/indicators.csv",
    ):
        assert as_lead.client.get(url).status_code == 200, url


# "What will success look like?" (seed 004) on the report card.

SUCCESS = (
    "Low, stable and below target levels of delayed discharges, meaning people get the "
    "care they need once medically fit."
)


def test_what_success_looks_like_is_entered_shown_reported_exported_and_imported(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/indicators"
    form = as_lead.get(f"{base}/new")
    assert form.soup.find("label", string=lambda s: s and "What will success look like?" in s)
    as_lead.post(f"{base}/new", _indicator(success=SUCCESS))
    with app.app_context():
        indicator = db.session.scalars(select(Indicator)).one()
        assert indicator.success == SUCCESS
        indicator_id = indicator.id
    _make_value(app, indicator_id)
    assert as_lead.get(f"{base}/{indicator_id}").value("success") == SUCCESS
    card = as_lead.get(f"{base}/{indicator_id}/report-card")
    heading = card.soup.find("h2", id="success")
    assert heading is not None and heading.get_text() == "What will success look like?"
    assert heading.find_next("p").get_text() == SUCCESS
    # After the story behind the baseline, as seed 004's cards have it.
    headings = [h2.get_text() for h2 in card.soup.select("main h2")]
    assert headings.index("What will success look like?") > headings.index(
        "The story behind the baseline"
    )
    exports = f"/audits/{cast.draft.id}/exports"
    report = as_lead.get(f"{exports}/report")
    assert SUCCESS in report.text
    csv_text = as_lead.client.get(f"{exports}/csv/report_cards.csv").get_data(as_text=True)
    assert "What will success look like?" in csv_text.splitlines()[0] and SUCCESS in csv_text
    book = load_workbook(io.BytesIO(as_lead.client.get(f"{exports}/tables.xlsx").get_data()))
    rows = list(book["Report cards"].iter_rows(values_only=True))
    column = rows[0].index("What will success look like?")
    assert [row[column] for row in rows[1:] if row[0] == "LOC1"] == [SUCCESS]
    document = json.loads(as_lead.client.get(f"{exports}/audit.json").data)
    assert document["tables"]["indicator"][0]["success"] == SUCCESS
    page = _import(as_lead, document, cast.draft.area_id, 302)
    with app.app_context():
        copies = db.session.scalars(select(Indicator).where(Indicator.id != indicator_id)).all()
        assert [copy.success for copy in copies] == [SUCCESS]
    assert page.response.status_code == 302


def test_a_long_success_text_is_refused_and_kept(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    typed = "x" * 5001
    page = as_lead.post(
        f"/audits/{cast.draft.id}/indicators/new", _indicator(success=typed), status=200
    )
    message = "What success will look like must be 5,000 characters or fewer"
    assert page.field_error("success") == message and message in page.error_summary()
    assert page.soup.select_one("#success").get_text() == typed


def test_the_demo_report_cards_say_what_success_will_look_like(
    app: Flask, runner: Any, visitor: Visitor
) -> None:
    assert "Demo data loaded." in runner.invoke(args=["demo-data"]).output
    with app.app_context():
        described = db.session.scalars(
            select(Indicator).where(Indicator.success.is_not(None))
        ).all()
        assert {indicator.ref for indicator in described} >= {"NI135", "A4a.1", "LOCAL1"}
        audit_id, indicator_id = described[0].audit_id, described[0].id
        success = described[0].success
    visitor.sign_in("lead@demo.test", "demo-password")
    card = visitor.get(f"/audits/{audit_id}/indicators/{indicator_id}/report-card")
    assert card.soup.find("h2", id="success").find_next("p").get_text() == success


def test_every_numeric_column_the_import_fills_has_a_range_it_checks(app: Flask) -> None:
    # Generated from the tables an audit owns: a figure past a column's range is refused
    # by name (on PostgreSQL it would otherwise fail as "numeric field overflow").
    with app.app_context():
        columns = [
            column
            for table in audit_json.audit_tables()
            for column in table.columns
            if isinstance(column.type, Numeric)
        ]
        assert {f"{c.table.name}.{c.name}" for c in columns} >= {
            "indicator_value.numerator",
            "indicator.red_amber_within",
            "funding_contribution.amount",
        }
        for column in columns:
            figures = column.info.get("figures") or FigureRange.of_column(
                column.type.precision, column.type.scale
            )
            largest = figures.largest
            assert audit_json_check.figure_problem(column, largest) is None, column
            too_big = audit_json_check.figure_problem(column, largest + 1)
            assert too_big is not None and too_big.endswith("or less"), column
            too_fine = audit_json_check.figure_problem(
                column, Decimal(1).scaleb(-figures.places - 1)
            )
            assert too_fine is not None and "decimal places" in too_fine, column


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False),
        st.decimals(min_value=-1, max_value=10**13, places=7),
        st.sampled_from(["999999999999", "999999999999.5", "1E+26", "0.000001", "-0"]).map(Decimal),
    )
)
def test_the_form_and_the_import_accept_the_same_figures(number: Decimal) -> None:
    column = IndicatorValue.__table__.c.numerator
    try:
        form_accepts = check_figure(f"{number:f}", "Numerator") is not None
    except ValidationError:
        form_accepts = False
    assert form_accepts is (audit_json_check.figure_problem(column, number) is None)


@pytest.mark.parametrize(
    ("table", "changes", "message"),
    [
        (
            "indicator_value",
            {"direct_result": "5"},
            "Indicator LOC1, period Apr–Jun 2026: give a numerator or a direct result, not both",
        ),
        (
            "indicator_value",
            {"manual_rag": "red", "manual_reason": None},
            "Indicator LOC1, period Apr–Jun 2026: a RAG set by hand needs a reason",
        ),
        (
            "indicator_value",
            {"manual_rag": "purple", "manual_reason": "x"},
            "Indicator value 2: manual_rag is 'purple', which is not one of red, red_amber,"
            " green_amber, green, not_rated",
        ),
        (
            "indicator",
            {"green_amber_within": "10", "red_amber_within": "5"},
            "Indicator LOC1: the green amber bound cannot exceed the red amber bound",
        ),
        (
            "indicator",
            {"unit": "furlongs"},
            "Indicator 1: unit is 'furlongs', which is not one of percentage, rate_per_100000,"
            " count, average, other",
        ),
        ("indicator", {"decimals": 40}, "Indicator LOC1: decimal places must be from 0 to 6"),
    ],
)
def test_the_import_refuses_an_indicator_its_rules_cannot_assess(
    app: Flask, as_lead: Visitor, cast: Cast, table: str, changes: dict[str, Any], message: str
) -> None:
    # Each is what the form refuses; hand-edited into the file, it made every indicator
    # page fail.
    document = _exported_with_an_indicator(app, as_lead, cast)
    document["tables"][table][-1].update(changes)
    page = _import(as_lead, document, cast.draft.area_id, 200)
    # A value of the wrong kind is listed by the check before anything is written; an
    # indicator its rules cannot assess is refused as the rows go in.
    assert message in page.error_summary() or (
        page.field_error("file") == f"{message}. Nothing was imported"
    )
