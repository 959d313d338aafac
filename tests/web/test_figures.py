"""Every figure is right (issue #17 §4): survey counts on the page and in the CSV,
indicator figures as large as the form or the JSON import accepts, and the report
card's "What will success look like?"."""

from __future__ import annotations

from flask import Flask

from tests.visit import Visitor
from tests.web.conftest import Cast
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
