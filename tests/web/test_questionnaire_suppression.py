"""Questionnaire results hide the next smallest group where one small group alone
could be worked out from the total: on the page and in the CSV and XLSX exports."""

from __future__ import annotations

import csv
import io

from flask import Flask
from openpyxl import load_workbook

from tests.visit import Visitor
from tests.web.conftest import Cast
from tests.web.test_questionnaires import _answer, _fill, _open

RULE = (
    "Groups with fewer than 5 answers are hidden, and so is the next smallest group "
    "where needed so that hidden numbers cannot be worked out from the total."
)
DEMENTIA = "Carers of older people with dementia"
STROKE = "Carers of older people who have had a stroke"
OLDER = "Carers of older people"
SUPPRESSED = (
    "suppressed: fewer than 5 answers, or hidden so that hidden numbers cannot be worked out "
    "from the total"
)


def _survey(app: Flask, cast: Cast) -> str:
    """Seven carers of people with dementia, six of older people, two of people after a stroke."""
    questionnaire_id, _ = _open(app, cast.draft.id)
    _fill(
        app,
        questionnaire_id,
        [_answer()] * 7
        + [_answer(cares_for=["older"], age_band="age_25_64")] * 6
        + [_answer(cares_for=["stroke"], age_band="age_25_64")] * 2,
    )
    return f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}"


def test_results_page_hides_the_next_smallest_group_and_says_why(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.get(f"{_survey(app, cast)}/results")
    split = page.soup.select_one("#split-carer_group-age_band")
    assert split is not None
    headers = [th.get_text(" ", strip=True) for th in split.select("thead th")]
    # Showing older people's 6 would leave stroke's 2 as 15 - 7 - 6.
    assert headers == [
        "Answer",
        f"{OLDER} (not shown)",
        f"{STROKE} (not shown)",
        f"{DEMENTIA} (7)",
    ]
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in split.select("tbody tr")]
    assert rows == [
        ["Not shown", "Not shown", "0% (0)"],
        ["Not shown", "Not shown", "0% (0)"],
        ["Not shown", "Not shown", "100% (7)"],
    ]
    rule = page.soup.select_one("#split-carer_group-age_band-rule")
    assert rule is not None and rule.get_text(strip=True) == RULE
    assert RULE in page.soup.select_one(".govuk-details").get_text(" ", strip=True)  # type: ignore[union-attr]


def test_a_split_with_nothing_hidden_does_not_repeat_the_rule(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    _fill(app, questionnaire_id, [_answer()] * 5 + [_answer(cares_for=["older"])] * 5)
    page = as_lead.get(f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}/results")
    assert page.soup.select_one("#split-carer_group-age_band") is not None
    assert page.soup.select_one("#split-carer_group-age_band-rule") is None


def test_csv_export_hides_the_next_smallest_group_and_keeps_counts_whole(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    body = as_lead.get(f"{_survey(app, cast)}/results.csv").response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    age = [row for row in rows if row["question"] == "age_band"]
    by_group = {
        name: [(r["answer"], r["count"], r["answered"]) for r in age if r["breakdown"] == name]
        for name in (OLDER, DEMENTIA, STROKE, "All answers")
    }
    assert by_group[OLDER] == [(SUPPRESSED, "", "")]
    assert by_group[STROKE] == [(SUPPRESSED, "", "")]
    assert by_group[DEMENTIA] == [
        ("16 to 24", "0", "7"),
        ("25 to 64", "0", "7"),
        ("65 or over", "7", "7"),
    ]
    assert by_group["All answers"][1] == ("25 to 64", "8", "15")


def test_xlsx_export_hides_the_next_smallest_group(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    response = as_lead.client.get(f"{_survey(app, cast)}/results.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet is not None
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0] == "age_band"]
    assert ("age_band", "How old are you?", OLDER, SUPPRESSED, None, None, None) in rows
    assert ("age_band", "How old are you?", STROKE, SUPPRESSED, None, None, None) in rows
    assert not [row for row in rows if row[2] in (OLDER, STROKE) and row[4] is not None]
    assert ("age_band", "How old are you?", DEMENTIA, "65 or over", 7, 100.0, 7) in rows
