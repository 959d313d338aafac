"""What the board pack held back until now (issue #18): the lead's summary for the board
in the XLSX, the comparison with the last cycle (judgements and indicators) and with
the other areas the reader was given, in the report and in the workbook.

Everything is built by hand: a Northshire dementia audit of 2026/27 started from its
2025/26 cycle, and a published Southshire audit given to the commissioner (not to
Northshire's lead)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, User
from audit_app.models.audit import PUBLISHED
from audit_app.models.indicators import Indicator, IndicatorValue
from audit_app.models.types import utcnow
from audit_app.services.comparisons import AREAS_RULE, LAST_CYCLE_RULE
from hub_model.comparison import INDICATOR_RULE
from tests import factories as make
from tests.visit import Page, Visitor
from tests.web.conftest import Cast
from tests.web.test_cycles import _rate

BOARD = {
    "overall_position": "Carers are found sooner; too few have a plan.",
    "achievements": "More carers on GP registers\nMemory clinics refer carers",
    "challenges": "Vacant carers' workers' posts",
    "board_decisions": "Agree to commission evening sitting\nNote the plan",
}
BOARD_LABELS = (
    "Overall position",
    "Top achievements",
    "Key challenges",
    "Decisions asked of the board",
)
XLSX = "/exports/tables.xlsx"


def _text(node: Any) -> str:
    return " ".join(str(node.get_text(" ")).split())


def _rows(page: Page, selector: str) -> list[list[str]]:
    table = page.soup.select_one(selector)
    assert table is not None, selector
    return [[_text(cell) for cell in row.select("th, td")] for row in table.select("tr")]


def _book(visitor: Visitor, audit_id: int) -> Any:
    response = visitor.client.get(f"/audits/{audit_id}{XLSX}")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


# --- the summary for the board in the XLSX --------------------------------------------


def test_the_summary_sheet_opens_the_workbook_with_the_leads_summary_for_the_board(
    as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.draft.id}/plan/header"
    as_lead.post(url, {"strategic_outcomes": "More breaks", "key_risks": "", **BOARD})
    book = _book(as_lead, cast.draft.id)
    assert book.sheetnames[0] == "Summary"
    rows = list(book["Summary"].iter_rows(values_only=True))
    assert rows[0] == ("Item", "Value")
    assert rows[1:5] == list(zip(BOARD_LABELS, BOARD.values(), strict=True))  # line breaks kept
    assert rows[5][0] == "Title"  # then the audit in figures
    body = as_lead.client.get(f"/audits/{cast.draft.id}/exports/csv/summary.csv")
    csv_rows = list(csv.reader(io.StringIO(body.data.decode("utf-8-sig"))))
    assert csv_rows[1:5] == [list(pair) for pair in zip(BOARD_LABELS, BOARD.values(), strict=True)]
    # The report shows the lead's words once, as headings, not again among the figures.
    report = as_lead.get(f"/audits/{cast.draft.id}/exports/report")
    figures = _text(report.soup.select_one("#report-summary"))
    assert "Overall position" not in figures and "Title" in figures


def test_an_unwritten_summary_for_the_board_says_who_writes_it_in_the_sheet(
    as_lead: Visitor, cast: Cast
) -> None:
    rows = dict(list(_book(as_lead, cast.draft.id)["Summary"].iter_rows(values_only=True))[1:5])
    assert set(rows) == set(BOARD_LABELS)
    assert set(rows.values()) == {"Not written yet: the carers lead writes it on the action plan."}


# --- a hand-built audit with its last cycle, and a second area ------------------------


def _indicator(audit_id: int, ref: str, values: list[tuple[str, date, str]], **kw: Any) -> None:
    defaults: dict[str, Any] = {
        "kind": "local",
        "indicator_type": "strategic",
        "unit": "percentage",
        "polarity": "higher",
        "decimals": 1,
        "outcomes": [],
        "interventions": [],
    }
    indicator = Indicator(audit_id=audit_id, ref=ref, title=f"{ref} measure", **{**defaults, **kw})
    db.session.add(indicator)
    db.session.flush()
    for label, end, numerator in values:
        count = indicator.unit == "count"
        db.session.add(
            IndicatorValue(
                audit_id=audit_id,
                indicator_id=indicator.id,
                period_label=label,
                period_end=end,
                numerator=Decimal(numerator),
                denominator=None if count else Decimal(1000),
                target=Decimal(100) if count else Decimal(25),
            )
        )
    db.session.commit()


@pytest.fixture
def cycles(app: Flask, cast: Cast) -> dict[str, int]:
    """Northshire's dementia audit 2025/26 and, started from it, 2026/27 (both
    published, given to the commissioner); Southshire's audit, published and given to
    the commissioner only."""
    with app.app_context():
        lead = db.session.get(User, cast.lead.id)
        commissioner = db.session.get(User, cast.commissioner.id)
        assert lead and commissioner and lead.organisation
        earlier = make.audit(lead, lead.organisation, "Dementia carers 2025/26", published=True)
        earlier.cycle, earlier.period_start = "2025/26", date(2025, 4, 1)
        earlier.period_end = date(2026, 3, 31)
        later = db.session.get(Audit, cast.published.id)
        south = db.session.get(Audit, cast.other_area_audit.id)
        assert later and south
        later.previous_audit_id = earlier.id
        south.status, south.published_at = PUBLISHED, utcnow()
        south.scope = ["dementia", "carers_65_plus"]
        db.session.commit()
        make.member(earlier, commissioner, "commissioner")
        make.member(south, commissioner, "commissioner")
        ids = {"earlier": earlier.id, "later": later.id, "south": south.id}
        q4, q1 = date(2026, 3, 31), date(2026, 6, 30)
        # NI135 (the catalogue's; this cycle calls it NC1): 23.1% then 27.7%, higher is better.
        _indicator(earlier.id, "NI135", [("Jan–Mar 2026", q4, "231")], catalogue_ref="NI135")
        _indicator(later.id, "NC1", [("Apr–Jun 2026", q1, "277")], catalogue_ref="NI135")
        # A local count, lower is better: 120 then 130 (worse).
        count = {"unit": "count", "polarity": "lower", "decimals": 0}
        _indicator(earlier.id, "LOC1", [("Jan–Mar 2026", q4, "120")], **count)
        _indicator(later.id, "LOC1", [("Apr–Jun 2026", q1, "130")], **count)
        # 11.2% shown both times (11.198 unrounded): the same, as shown.
        _indicator(earlier.id, "LOC2", [("Jan–Mar 2026", q4, "112")])
        _indicator(later.id, "LOC2", [("Apr–Jun 2026", q1, "111.98")])
        _indicator(later.id, "LOC3", [("Apr–Jun 2026", q1, "300")])  # new this cycle
    _rate(
        app,
        ids["earlier"],
        {
            ("breaks", "dementia"): ("red", "early"),
            ("information", "dementia"): ("green", "advanced"),
        },
    )
    _rate(
        app,
        ids["later"],
        {
            ("breaks", "dementia"): ("amber", "intermediate"),
            ("information", "dementia"): ("amber", "advanced"),
            ("emotional_support", "dementia"): ("red", "early"),
        },
    )
    _rate(
        app,
        ids["south"],
        {
            ("breaks", "dementia"): ("red", "early"),
            ("breaks", "carers_65_plus"): ("red", "early"),
            ("information", "dementia"): ("green", "advanced"),
        },
    )
    return ids


def test_the_report_compares_with_the_last_cycle_judgements_and_indicators(
    cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    report = as_commissioner.get(f"/audits/{cycles['later']}/exports/report")
    section = report.soup.select_one("#section-last_cycle")
    assert section is not None
    text = _text(section)
    assert "Comparison with the last cycle" in text
    assert "compared with the last cycle, Dementia carers 2025/26 (2025/26" in text
    assert LAST_CYCLE_RULE in text and INDICATOR_RULE in text
    assert "each indicator's latest result in the last cycle and in this one" in text
    tally = {row[0]: row[1:] for row in _rows(report, "#last-cycle-tally")[1:]}
    # Improved, worsened, unchanged, new, dropped: breaks red → amber improved,
    # information green → amber worsened, emotional support rated only now is new.
    assert tally["Red, amber, green"][:2] == ["1", "1"]
    assert tally["Red, amber, green"][3] == "1"
    summaries = {row[0]: row[1:] for row in _rows(report, "#last-cycle-summaries")[1:]}
    assert summaries["Breaks"] == ["Red", "Amber", "Improved"]
    indicators = {row[0]: row[1:] for row in _rows(report, "#last-cycle-indicators")[1:]}
    assert indicators["NC1"][2:] == ["Jan–Mar 2026", "23.1%", "Apr–Jun 2026", "27.7%", "Improving"]
    assert indicators["LOC1"][2:] == ["Jan–Mar 2026", "120", "Apr–Jun 2026", "130", "Worsening"]
    assert indicators["LOC2"][-1] == "Same" and indicators["LOC2"][5] == "11.2%"
    assert indicators["LOC3"][-1] == "Not in the last cycle"
    assert indicators["LOC3"][2] == "Not in this audit"
    moved = _rows(report, "#last-cycle-moved")
    assert [
        "Red, amber, green",
        "Breaks",
        "Carers of older people with dementia",
        "Red",
        "Amber",
        "Improved",
    ] in moved


def test_the_last_cycle_sheets_hold_numbers_and_the_same_changes(
    cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    book = _book(as_commissioner, cycles["later"])
    sheet = book["Indicators since last cycle"]
    head = [cell.value for cell in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    earlier, later = head.index("Last cycle's result"), head.index("This cycle's result")
    nc1 = rows["NC1"]
    assert nc1[earlier].data_type == "n" and nc1[later].data_type == "n"
    assert nc1[earlier].number_format == "0.0%" and nc1[later].value == pytest.approx(0.277)
    assert rows["LOC1"][later].value == 130 and rows["LOC1"][later].data_type == "n"
    assert rows["LOC1"][head.index("Change")].value == "Worsening"
    assert rows["LOC1"][head.index("Last cycle")].value == "2025/26"
    changes = [tuple(c.value for c in row) for row in book["Judgements since last cycle"]]
    assert (
        "Maturity",
        "Breaks",
        "Carers of older people with dementia",
        "Early",
        "Intermediate",
        "Improved",
    ) in changes


def test_the_report_compares_with_the_other_areas_the_commissioner_was_given(
    cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    report = as_commissioner.get(f"/audits/{cycles['later']}/exports/report")
    section = report.soup.select_one("#section-other_areas")
    assert section is not None
    assert AREAS_RULE in _text(section)
    counts = _rows(report, "#other-areas-counts")
    assert counts[0] == ["Measure", "Northshire County Council", "Southshire Council"]
    found = {row[0]: row[1:] for row in counts[1:]}
    # Northshire 2026/27: emotional support red for dementia; Southshire: breaks red for
    # two groups, each a cell of its own.
    assert found["Red gaps"] == ["1", "2"]
    assert found["Red gaps with no action in the plan"] == ["1", "2"]
    assert found["Interventions whose summary is red"] == ["1", "1"]
    assert found["Interventions whose summary is green"] == ["0", "1"]
    assert found["Carer groups assessed"] == ["1", "2"]
    interventions = _rows(report, "#other-areas-interventions")
    breaks = next(row for row in interventions if row[0] == "Breaks")
    assert breaks[1].startswith("Amber") and breaks[2].startswith("Red")
    book = _book(as_commissioner, cycles["later"])
    sheet = book["Other areas"]
    assert [c.value for c in sheet[1]] == [
        "Measure",
        "Northshire County Council",
        "Southshire Council",
    ]
    red = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Red gaps")
    assert [c.value for c in red[1:]] == [1, 2] and all(c.data_type == "n" for c in red[1:])
    assert any(
        row[0].value == "Interventions: red, amber, green: Breaks"
        for row in sheet.iter_rows(min_row=2)
    )


def test_a_lead_sees_no_area_they_are_not_a_member_of(
    cycles: dict[str, int], as_lead: Visitor
) -> None:
    report = as_lead.get(f"/audits/{cycles['later']}/exports/report")
    section = report.soup.select_one("#section-other_areas")
    assert section is not None
    assert "Southshire" not in _text(section)
    assert section.select_one("#no-other-areas") is not None
    # The last cycle is the lead's own: it is there.
    assert "Dementia carers 2025/26" in _text(report.soup.select_one("#section-last_cycle"))
    book = _book(as_lead, cycles["later"])
    cells = [c.value for row in book["Other areas"].iter_rows() for c in row]
    assert not any("Southshire" in str(value) for value in cells)
    assert not any("Southshire" in str(c.value) for s in book for row in s.iter_rows() for c in row)


def test_without_a_last_cycle_the_section_says_so(as_lead: Visitor, cast: Cast) -> None:
    report = as_lead.get(f"/audits/{cast.draft.id}/exports/report")
    section = report.soup.select_one("#section-last_cycle")
    assert section is not None and section.select_one("#no-last-cycle") is not None
    book = _book(as_lead, cast.draft.id)
    assert book["Indicators since last cycle"].max_row == 1  # the header alone


def test_the_sections_follow_the_plan_in_the_boards_order(
    cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    report = as_commissioner.get(f"/audits/{cycles['later']}/exports/report")
    slugs = [
        str(s["id"]).removeprefix("section-")
        for s in report.soup.select("section.app-report-section")
    ]
    assert slugs[:7] == [
        "summary",
        "dashboard",
        "gap_map",
        "indicators",
        "plan",
        "last_cycle",
        "other_areas",
    ]


def test_a_commissioner_never_sees_an_unpublished_last_cycle(
    app: Flask, cycles: dict[str, int], as_commissioner: Visitor
) -> None:
    with app.app_context():
        earlier = db.session.get(Audit, cycles["earlier"])
        assert earlier is not None
        earlier.status = "draft"
        db.session.commit()
        assert (
            db.session.scalar(select(Audit.status).where(Audit.id == cycles["later"])) == PUBLISHED
        )
    report = as_commissioner.get(f"/audits/{cycles['later']}/exports/report")
    section = report.soup.select_one("#section-last_cycle")
    assert section.select_one("#no-last-cycle") is not None
    assert "Dementia carers 2025/26" not in _text(section)
