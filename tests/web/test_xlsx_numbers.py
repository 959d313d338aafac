"""Every workbook the app offers holds numbers as numbers and dates as dates (issue 18:
"XLSX numbers are stored as text ('640', '4.6%'), so they cannot be summed or charted").

Generated from the URL map: every route whose answer is an XLSX is fetched on the
demo data (a filled audit with indicators, funding, evidence, questionnaires, last
year's cycle and a second area), as the carers lead and as the commissioner. In
every sheet, no cell below the header is text that reads as a number, a
percentage, an amount of money or a date; every number has a number format and
every date a date format. Each sheet that is also offered as a CSV holds the same
figures as that CSV, cell by cell, under the same headers: a cell shown as a
percentage is one in the CSV, its header or its row's unit, and an amount shown
in pounds is one in the CSV or its header.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, EvidenceReturn, Questionnaire
from audit_app.models.indicators import Indicator
from audit_app.models.stakeholders import PopulationStatistic
from audit_app.services import benchmarking, exports, spreadsheets
from tests.visit import Visitor
from tests.web.crawl import get_urls

DEMO_TITLE = "Carers of people with dementia in Northshire 2026/27"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PEOPLE = ("lead@demo.test", "commissioner@demo.test")
FIGURE = re.compile(r"[-+]?£?(\d{1,3}(,\d{3})+|\d*)(\.\d+)?%?")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%Y-%m-%d %H:%M", "%d %B %Y at %H:%M UTC")


def figure_of(text: str) -> Decimal | None:
    """The number ``text`` reads as ("640", "4.6%", "£1,250.00", "-3"), else None."""
    text = text.strip()
    if not FIGURE.fullmatch(text) or not re.search(r"\d", text):
        return None
    try:
        return Decimal(text.replace("£", "").replace(",", "").rstrip("%"))
    except InvalidOperation:
        return None


def date_of(text: str) -> datetime | None:
    """The date (or date and time) ``text`` reads as, else None."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None


# --- the downloads -------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(app: Flask) -> dict[str, Any]:
    """The demo data, loaded once for this module: the URL arguments that reach it."""
    from audit_app.demo import load_demo
    from tests.conftest import clear_tables

    with app.app_context():
        clear_tables()
        load_demo()
        _top_up(db.session.scalar(select(Audit).where(Audit.title == DEMO_TITLE)))
        db.session.commit()
        audits = list(db.session.scalars(select(Audit).order_by(Audit.id)))
        published = [audit for audit in audits if audit.is_published]
        tables = benchmarking.benchmark(published)
        return {
            "audit_id": [audit.id for audit in audits],
            "questionnaire_id": list(db.session.scalars(select(Questionnaire.id))),
            "slug": list(exports.TABLES),
            "key": [table.key for table in tables],
            "areas": "?" + "&".join(f"audits={audit.id}" for audit in published),
            "sheets": {table.sheet: table.key for table in tables},
        }


def _top_up(audit: Audit | None) -> None:
    """Figures the demo leaves out: a unit cost, a percentage among the population
    statistics, a benchmark with and without a comparator group."""
    assert audit is not None
    evidence = db.session.scalars(select(EvidenceReturn).where(EvidenceReturn.audit_id == audit.id))
    next(iter(evidence)).unit_cost = Decimal("1250.50")
    db.session.add(
        PopulationStatistic(
            audit_id=audit.id,
            measure="Carers in bad or very bad health",
            value=Decimal("4.60"),
            unit="percentage",
            geography_level="area",
            source="Census 2021",
            year=2021,
        )
    )
    indicators = db.session.scalars(select(Indicator).where(Indicator.audit_id == audit.id)).all()
    for indicator, group in zip(indicators[:2], ("", "IPF comparator group"), strict=True):
        indicator.comparator_group = group or None
        for value in indicator.values:
            value.benchmark = Decimal("12.34")


@pytest.fixture
def _clean_database(app: Flask) -> Iterator[None]:
    """Overrides the suite's: these tests share the demo data loaded once per module."""
    from audit_app.extensions import limiter

    with app.app_context():
        limiter.reset()
    yield
    with app.app_context():
        db.session.remove()


# Where each workbook's sheet is offered as a CSV too: (XLSX url, sheet) -> CSV url,
# or None for a sheet that has no CSV (notes, the list of audits compared).
Twin = Callable[[str, str, dict[str, Any]], str | None]
SLUGS = {spec.title: spec.slug for spec in exports.TABLES.values()}
TWINS: dict[str, Twin] = {
    "exports.xlsx": lambda url, sheet, _: url.replace("tables.xlsx", f"csv/{SLUGS[sheet]}.csv"),
    "questionnaires.results_xlsx": lambda url, sheet, _: (
        url.replace("results.xlsx", "results.csv") if sheet == "Results" else None
    ),
    "cycles.compare_areas_xlsx": lambda url, sheet, demo: (
        url.replace(".xlsx", f"/{demo['sheets'][sheet]}.csv") if sheet in demo["sheets"] else None
    ),
}


def _workbooks(app: Flask, demo: dict[str, Any]) -> list[tuple[str, str, Visitor, bytes]]:
    """(endpoint, url, who fetched it, body) of every XLSX download the demo people get."""
    values = {name: demo[name] for name in ("audit_id", "questionnaire_id", "slug", "key")}
    variants = {"cycles.compare_areas_xlsx": [demo["areas"]]}
    urls = [(e, u) for e, u in get_urls(app, values, variants) if e.endswith("xlsx")]
    found = []
    for email in PEOPLE:
        visitor = Visitor(app.test_client())
        visitor.sign_in(email, "demo-password")
        for endpoint, url in urls:
            response = visitor.client.get(url)
            assert response.status_code < 500, url
            if response.status_code == 200 and response.mimetype == XLSX:
                found.append((endpoint, url, visitor, response.get_data()))
    return found


@pytest.fixture(scope="module")
def workbooks(app: Flask, demo: dict[str, Any]) -> list[tuple[str, str, Visitor, bytes]]:
    return _workbooks(app, demo)


def test_every_xlsx_route_gave_a_workbook_with_a_csv_twin_named(
    app: Flask, workbooks: list[tuple[str, str, Visitor, bytes]]
) -> None:
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith(".xlsx")}
    assert len(routes) >= 3
    assert routes <= {endpoint for endpoint, *_ in workbooks}, "an XLSX route gave no file"
    assert routes <= set(TWINS), "say in TWINS which CSV holds each sheet of a new workbook"


# --- the checks ------------------------------------------------------------------------


def _problem(cell: Cell, header: Any) -> str | None:
    """Why this cell below the header is not stored as it should be, or None."""
    value, fmt = cell.value, cell.number_format
    where = f"{cell.parent.title}!{cell.coordinate} ({header!r})"
    if isinstance(value, str):
        if figure_of(value) is not None or date_of(value) is not None:
            return f"{where}: {value!r} is text"
    elif isinstance(value, datetime):
        if "yy" not in fmt or "dd" not in fmt:
            return f"{where}: date {value} has format {fmt!r}"
    elif value is not None:
        if cell.data_type != "n":
            return f"{where}: {value!r} is of type {cell.data_type}"
        if fmt == "General":
            return f"{where}: {value!r} has no number format"
    return None


def test_no_workbook_holds_a_number_or_a_date_as_text(
    workbooks: list[tuple[str, str, Visitor, bytes]],
) -> None:
    problems = []
    numbers = 0
    for _endpoint, url, _visitor, body in workbooks:
        for sheet in load_workbook(io.BytesIO(body)).worksheets:
            headers = [cell.value for cell in sheet[1]]
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    header = headers[cell.column - 1] if cell.column <= len(headers) else None
                    problem = _problem(cell, header)
                    if problem:
                        problems.append(f"{url} {problem}")
                    numbers += cell.data_type == "n" and cell.value is not None
    assert problems == [], "\n".join(problems)
    assert numbers > 500  # the demo's figures are there to check


def _means_percent(text: str, header: str, row: list[Any]) -> bool:
    """Whether the CSV text ("4.6%"), the column's header ("share (%)") or the row's
    unit ("percentage") says that a figure is a percentage."""
    units = {v.strip().lower() for v in row if isinstance(v, str)}
    return "%" in text + header or "percentage" in units


def _means_pounds(text: str, header: str, row: list[Any]) -> bool:
    """Whether the CSV text, the column's header ("Contribution (£)") or the row's item
    ("Funding in total (£)") says that a figure is in pounds."""
    return "£" in text + header or any(isinstance(v, str) and "(£)" in v for v in row)


def _agrees(cell: Cell, text: str, header: str, row: list[Any]) -> str | None:
    """Why the XLSX cell does not hold what the CSV's ``text`` says, or None."""
    value, fmt = cell.value, cell.number_format
    if value is None:
        return None if text == "" else "empty in the XLSX"
    if isinstance(value, str):
        return None if value == text else "other text"
    if isinstance(value, datetime):
        when = date_of(text)
        if when is None:
            return "a date in the XLSX only"
        if value.time() == datetime.min.time() and when == value:
            return None
        # The export's time: the XLSX and the CSV are made a moment apart.
        return None if abs(value - when) < timedelta(minutes=2) else "another date"
    figure = figure_of(text)
    if figure is None:
        return "a number in the XLSX only"
    if "%" in fmt:
        if not _means_percent(text, header, row):
            return "a percentage where nothing says so"
        return None if Decimal(str(value)) * 100 == figure else "another percentage"
    if "£" in fmt and not _means_pounds(text, header, row):
        return "pounds where nothing says so"
    return None if Decimal(str(value)) == figure else "another number"


def test_each_sheet_holds_the_figures_of_its_csv_under_the_same_headers(
    workbooks: list[tuple[str, str, Visitor, bytes]], demo: dict[str, Any]
) -> None:
    problems = []
    kinds: set[str] = set()
    for endpoint, url, visitor, body in workbooks:
        for sheet in load_workbook(io.BytesIO(body)).worksheets:
            twin = TWINS[endpoint](url, sheet.title, demo)
            if twin is None:
                continue
            response = visitor.client.get(twin)
            assert response.status_code == 200, twin
            rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
            cells = [list(row) for row in sheet.iter_rows(max_row=len(rows))]
            assert [c.value for c in cells[0]] == rows[0], f"{twin}: headers differ"
            for xlsx_row, csv_row in zip(cells[1:], rows[1:], strict=True):
                values = [c.value for c in xlsx_row]
                for cell, text, header in zip(xlsx_row, csv_row, rows[0], strict=True):
                    why = _agrees(cell, text, header, values)
                    if why:
                        problems.append(f"{twin} {cell.coordinate} {header!r}: {text!r}: {why}")
                    if cell.value is not None and not isinstance(cell.value, str):
                        kinds.add(cell.number_format)
    assert problems == [], "\n".join(problems)
    # Each kind of figure was compared: whole numbers, decimals, percentages, pounds,
    # dates, and a date with its time.
    assert {"0", "0.0", "0.0%", "0%", "£#,##0.00", "dd/mm/yyyy", "dd/mm/yyyy hh:mm"} <= kinds


# --- the rule itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("640", Decimal(640)),
        ("4.6%", Decimal("4.6")),
        ("£1,250.50", Decimal("1250.50")),
        ("-3", Decimal(-3)),
        ("12.40", Decimal("12.40")),
        ("NI135", None),
        ("422/709", None),
        ("2026/27", None),
        ("[c]", None),
        ("Q1", None),
        ("", None),
    ],
)
def test_what_reads_as_a_number(text: str, figure: Decimal | None) -> None:
    assert figure_of(text) == figure


def test_what_reads_as_a_date() -> None:
    assert date_of("2026-05-01") == datetime(2026, 5, 1)
    assert date_of("1 May 2026") == datetime(2026, 5, 1)
    assert date_of("4 December 2026 at 16:14 UTC") == datetime(2026, 12, 4, 16, 14)
    assert date_of("1 April 2026 to 31 March 2027") is None


# --- the typed values and the writer ------------------------------------------------------

# Up to 15 significant digits once rounded: what a spreadsheet's number holds exactly.
FIGURES = st.decimals(min_value=-(10**11), max_value=10**11, allow_nan=False, places=4)
AMOUNTS = st.decimals(min_value=-(10**10), max_value=10**10, allow_nan=False, places=2)


def _stored(value: Any) -> Cell:
    """The cell ``value`` becomes once written by spreadsheets.append and read back."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    spreadsheets.append(sheet, [value])
    out = io.BytesIO()
    book.save(out)
    stored = load_workbook(io.BytesIO(out.getvalue())).active
    assert stored is not None
    return stored["A1"]


@given(FIGURES, st.integers(0, 3))
def test_a_number_is_stored_as_the_number_its_text_shows(value: Decimal, places: int) -> None:
    figure = spreadsheets.number(value, places)
    cell = _stored(figure)
    assert cell.data_type == "n" and cell.number_format == figure.number_format
    assert Decimal(str(cell.value)) == Decimal(figure.text)
    assert len(figure.text.partition(".")[2]) == places == figure.number_format.count("0") - 1


@given(FIGURES, st.integers(0, 2), st.booleans())
def test_a_percentage_is_stored_as_the_fraction_its_text_shows(
    points: Decimal, places: int, sign: bool
) -> None:
    figure = spreadsheets.percent(points, places, sign)
    cell = _stored(figure)
    assert cell.data_type == "n" and cell.number_format.endswith("%")
    assert Decimal(str(cell.value)) * 100 == Decimal(figure.text.rstrip("%"))
    assert figure.text.endswith("%") == sign


@given(AMOUNTS)
def test_money_is_stored_in_pounds_and_reads_as_entered_in_a_csv(amount: Decimal) -> None:
    figure = spreadsheets.money(amount)
    cell = _stored(figure)
    assert cell.data_type == "n" and cell.number_format == "£#,##0.00"
    assert Decimal(str(cell.value)) == amount == Decimal(figure.text)


@pytest.mark.parametrize(
    ("value", "stored", "fmt"),
    [
        (640, 640, "0"),
        (Decimal("4.15"), 4.15, "0.00"),
        (Decimal("640.00"), 640, "0"),
        (date(2026, 5, 1), datetime(2026, 5, 1), "dd/mm/yyyy"),
        (datetime(2026, 5, 1, 9, 30, tzinfo=UTC), datetime(2026, 5, 1, 9, 30), "dd/mm/yyyy hh:mm"),
        ("", None, "General"),
        (None, None, "General"),
        ("[c]", "[c]", "General"),
        ("-1+2", "'-1+2", "General"),
    ],
)
def test_plain_values_are_stored_with_a_format_and_text_stays_safe(
    value: Any, stored: Any, fmt: str
) -> None:
    cell = _stored(value)
    assert (cell.value, cell.number_format) == (stored, fmt)
