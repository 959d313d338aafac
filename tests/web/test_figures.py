"""Every figure is right (issue #17 §4): survey counts on the page and in the CSV,
indicator figures as large as the form or the JSON import accepts, and the report
card's "What will success look like?"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Flask

from tests.visit import Visitor
from tests.web.conftest import Cast
from tests.web.test_indicators import _make_indicator, _make_value
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
