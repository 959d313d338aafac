"""Indicators in compare areas: each area's latest result and the region's picture,
on the page, in the XLSX and in the CSV.

Figures worked out by hand (see the fixture):
NI135, percentage, one decimal, green amber within 1, red amber within 2.5:
  Northshire  Jul–Sep 2026  560/2022 = 27.695...% against 28  → variance 1.1 → red amber,
              improving on Apr–Jun's 462/2000 = 23.1%
  Southshire  Jul–Sep 2026  300/1000 = 30.0% against 25       → green, improving on 28
  Westshire   Oct–Dec 2026  200/1000 = 20.0% against 24       → variance 16.7 → red,
              worsening on 21 (its Jan–Mar 2027 period has no result yet)
  region: 3 of 3 report; 1 green, 1 red amber, 1 red; lowest 20.0%, median 27.7%,
          highest 30.0%; periods end 30 September 2026 to 31 December 2026.
A4a.1, count: Northshire 4480 against 4400 → green; Southshire 2100 against 2500 → red;
  Westshire does not have it; region: 2 of 3; median (2100 + 4480) / 2 = 3290.
"""

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
from audit_app.models import Audit, Organisation, User
from audit_app.models.indicators import Indicator, IndicatorValue
from audit_app.services.benchmarking_indicators import by_match_key
from tests import factories as make
from tests.visit import Page, Visitor
from tests.web.conftest import Cast

JUL_SEP = ("Jul–Sep 2026", date(2026, 9, 30))
HOSTILE = '=HYPERLINK("https://example.com","Carers\' breaks taken")'
NI135 = {
    "catalogue_ref": "NI135",
    "kind": "ni135",
    "title": "Carers receiving a service (our words)",
    "unit": "percentage",
    "decimals": 1,
    "green_amber_within": Decimal(1),
    "red_amber_within": Decimal("2.5"),
}
GP_REGISTER = {
    "ref": "A4a.1",
    "catalogue_ref": "A4a.1",
    "kind": "gp_register",
    "title": "Carers on GP registers",
    "unit": "count",
}
EMERGENCY_PLAN = {"ref": "LOCAL1", "title": "Carers with an emergency plan", "decimals": 1}


def _indicator(audit: Audit, definition: dict[str, Any], *values: dict[str, Any]) -> None:
    indicator = Indicator(
        audit_id=audit.id,
        **{
            "kind": "local",
            "indicator_type": "strategic",
            "unit": "percentage",
            "polarity": "higher",
            "outcomes": [],
            "interventions": [],
            **definition,
        },
    )
    db.session.add(indicator)
    db.session.flush()
    for value in values:
        label, end = value.pop("period", JUL_SEP)
        db.session.add(
            IndicatorValue(
                audit_id=audit.id,
                indicator_id=indicator.id,
                period_label=label,
                period_end=end,
                **{k: None if v is None else Decimal(v) for k, v in value.items()},
            )
        )
    db.session.commit()


@pytest.fixture
def region(app: Flask, cast: Cast) -> dict[str, int]:
    """Three published areas the commissioner was given, and Eastshire's, which it was not."""
    with app.app_context():
        north = db.session.get(Audit, cast.published.id)
        other_lead = db.session.get(User, cast.other_lead.id)
        commissioner = db.session.get(User, cast.commissioner.id)
        south_area = db.session.scalar(
            select(Organisation).where(Organisation.name == "Southshire Council")
        )
        assert north and other_lead and commissioner and south_area
        south = make.audit(other_lead, south_area, "Southshire dementia carers", None, True)
        west = make.audit(
            other_lead, make.organisation("Westshire Council"), "Westshire carers", [], True
        )
        east = make.audit(
            other_lead, make.organisation("Eastshire Council"), "Eastshire carers", [], True
        )
        for audit in (south, west):
            make.member(audit, commissioner, "commissioner")
        _indicator(
            north,
            {"ref": "NI135", **NI135},
            {"period": ("Apr–Jun 2026", date(2026, 6, 30)), "numerator": "462",
             "denominator": "2000", "target": "26"},
            {"numerator": "560", "denominator": "2022", "target": "28"},
        )  # fmt: skip
        _indicator(north, GP_REGISTER, {"numerator": "4480", "target": "4400"})
        _indicator(
            north, EMERGENCY_PLAN, {"numerator": "245", "denominator": "1000", "target": "25"}
        )
        _indicator(
            south,
            {"ref": "AC/S1", **NI135},
            {"numerator": "300", "denominator": "1000", "target": "25", "previous": "28"},
        )
        _indicator(south, GP_REGISTER, {"numerator": "2100", "target": "2500"})
        _indicator(
            south,
            {**EMERGENCY_PLAN, "title": "carers with an  EMERGENCY plan"},
            {"numerator": "30", "denominator": "100", "target": "25"},
        )
        _indicator(
            west,
            {"ref": "NI135", **NI135},
            {"period": ("Oct–Dec 2026", date(2026, 12, 31)), "numerator": "200",
             "denominator": "1000", "target": "24", "previous": "21"},
            {"period": ("Jan–Mar 2027", date(2027, 3, 31)), "target": "25"},
        )  # fmt: skip
        _indicator(
            west,
            {"ref": "LOCAL1", "title": HOSTILE, "unit": "count"},
            {"numerator": "120", "target": "100"},
        )
        _indicator(
            west,
            {"ref": "A1b.2", "catalogue_ref": "A1b.2", "title": "Support plans", "unit": "count"},
            {"target": "400"},
        )
        _indicator(east, {"ref": "EAST1", "title": "Eastshire's own"}, {"numerator": "5"})
        _indicator(east, {"ref": "NI135", **NI135}, {"numerator": "1", "denominator": "2"})
        return {"north": north.id, "south": south.id, "west": west.id, "east": east.id}


def _query(region: dict[str, int], *names: str) -> str:
    return "&".join(f"audits={region[name]}" for name in names or ("north", "south", "west"))


def _rows(page: Page) -> list[list[str]]:
    """The indicators table's rows as text: the indicator, each area, the region."""
    table = page.soup.select_one("#indicators + p + p + div table")
    assert table is not None
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in table.select("tbody tr")
    ]


def _row(rows: list[list[str]], text: str) -> list[str]:
    """The only row whose indicator (code: description) contains ``text``."""
    found = [cells for cells in rows if text in cells[0]]
    assert len(found) == 1, (text, found)
    return found[0]


def test_each_areas_latest_result_beside_the_others(
    as_commissioner: Visitor, region: dict[str, int]
) -> None:
    page = as_commissioner.get(f"/compare-areas?{_query(region)}")
    ni135 = _row(_rows(page), "NI135:")
    assert ni135[0].startswith("NI135: Carers receiving a service or advice and information")
    assert "Unit: percentage" in ni135[0]
    assert ni135[1:4] == [
        "Red amber Period: Jul–Sep 2026 Result: 27.7% Target: 28.0% Direction of travel: improving",
        "Green Period: Jul–Sep 2026 Result: 30.0% Target: 25.0% Direction of travel: improving",
        "Red Period: Oct–Dec 2026 Result: 20.0% Target: 24.0% Direction of travel: worsening",
    ]


def test_the_regional_column_counts_rag_and_gives_the_median(
    as_commissioner: Visitor, region: dict[str, int]
) -> None:
    rows = _rows(as_commissioner.get(f"/compare-areas?{_query(region)}"))
    assert _row(rows, "NI135:")[4] == (
        "Reported by 3 of 3 areas 1 green, 1 red amber, 1 red "
        "Lowest 20.0%, median 27.7%, highest 30.0% "
        "Periods differ: they end between 30 September 2026 and 31 December 2026."
    )
    assert _row(rows, "A4a.1:")[4] == (
        "Reported by 2 of 3 areas 1 green, 1 red Lowest 2100, median 3290, highest 4480 "
        "Counts, not adjusted for the size of each area."
    )


def test_an_indicator_in_one_area_only_is_not_in_the_others(
    as_commissioner: Visitor, region: dict[str, int]
) -> None:
    rows = _rows(as_commissioner.get(f"/compare-areas?{_query(region)}"))
    assert _row(rows, "A4a.1:")[3] == "Not in this audit"
    westshire_local = _row(rows, "breaks taken")
    assert westshire_local[1:3] == ["Not in this audit", "Not in this audit"]
    assert westshire_local[3].startswith("Green Period: Jul–Sep 2026 Result: 120 ")
    assert westshire_local[4] == (
        "Reported by 1 of 3 areas 1 green "
        "Only one area reports a result: nothing to compare it with."
    )


def test_an_indicator_without_a_result_says_so(
    as_commissioner: Visitor, region: dict[str, int]
) -> None:
    plans = _row(_rows(as_commissioner.get(f"/compare-areas?{_query(region)}")), "A1b.2:")
    assert plans[1:] == [
        "Not in this audit",
        "Not in this audit",
        "No result reported",
        "Reported by 0 of 3 areas No area reports a result.",
    ]


def test_local_indicators_match_by_reference_and_description(
    as_commissioner: Visitor, region: dict[str, int]
) -> None:
    emergency = _row(
        _rows(as_commissioner.get(f"/compare-areas?{_query(region)}")), "emergency plan"
    )
    assert emergency[1].startswith("Red Period: Jul–Sep 2026 Result: 24.5%")
    assert emergency[2].startswith("Green Period: Jul–Sep 2026 Result: 30.0%")
    assert emergency[3] == "Not in this audit"


def _transient(id_: int, ref: str, title: str, catalogue_ref: str | None = None) -> Indicator:
    return Indicator(id=id_, ref=ref, title=title, catalogue_ref=catalogue_ref)


def test_one_catalogue_entry_twice_in_an_area_matches_the_second_as_local() -> None:
    keys = by_match_key(
        [
            _transient(1, "NI135-old", "Old NI 135", "NI135"),
            _transient(2, "NI135", "NI 135", "NI135"),
        ]
    )
    assert {key: indicator.id for key, indicator in keys.items()} == {
        ("catalogue", "NI135"): 2,
        ("local", "ni135-old", "old ni 135"): 1,
    }


def test_refs_differing_only_in_capitals_both_keep_a_row() -> None:
    keys = by_match_key([_transient(1, "LOC1", "Plans"), _transient(2, "loc1", "plans")])
    assert sorted(indicator.id for indicator in keys.values()) == [1, 2]


def test_the_table_states_its_rule(as_commissioner: Visitor, region: dict[str, int]) -> None:
    page = as_commissioner.get(f"/compare-areas?{_query(region)}")
    rule = page.soup.select_one("#indicators + p")
    assert rule is not None
    text = rule.get_text(" ", strip=True)
    assert "Local indicators are matched only when both their reference and" in text
    assert "Not in this audit" in text
    assert "latest period with a result" in text and "latest period common to all" in text


def test_an_area_not_given_is_not_in_the_table(
    as_commissioner: Visitor, region: dict[str, int]
) -> None:
    page = as_commissioner.get(f"/compare-areas?{_query(region)}")
    assert "Eastshire" not in page.text and "EAST1" not in page.text
    refused = as_commissioner.get(f"/compare-areas?{_query(region, 'north', 'east')}")
    assert refused.error_summary() == ["Choose audits from the list"]
    assert "Eastshire" not in refused.text
    as_commissioner.get(f"/compare-areas/indicators.csv?{_query(region, 'north', 'east')}", 404)


def test_the_xlsx_has_the_indicators_sheet(
    as_commissioner: Visitor, region: dict[str, int]
) -> None:
    response = as_commissioner.client.get(f"/compare-areas.xlsx?{_query(region)}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[-2:] == ["Indicators", "CQC self-assessment"]
    sheet = book["Indicators"]
    head = [cell.value for cell in sheet[1]]
    assert head[:8] == [
        "Indicator code",
        "Indicator",
        "Unit",
        "Northshire County Council: period",
        "Northshire County Council: result",
        "Northshire County Council: target",
        "Northshire County Council: RAG",
        "Northshire County Council: direction of travel",
    ]
    assert head[18:] == [
        "All chosen areas: areas reporting",
        "All chosen areas: green",
        "All chosen areas: green amber",
        "All chosen areas: red amber",
        "All chosen areas: red",
        "All chosen areas: not rated",
        "All chosen areas: lowest result",
        "All chosen areas: median result",
        "All chosen areas: highest result",
        "All chosen areas: notes",
    ]
    rows = {row[0]: list(row) for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert rows["NI135"][2:18] == [
        "Percentage",
        "Jul–Sep 2026",
        0.277,
        0.28,
        "Red amber",
        "Improving",
        "Jul–Sep 2026",
        0.3,
        0.25,
        "Green",
        "Improving",
        "Oct–Dec 2026",
        0.2,
        0.24,
        "Red",
        "Worsening",
    ]  # fmt: skip (percentages are stored as fractions shown as percents: issue 18)
    assert rows["NI135"][18:27] == [3, 1, 0, 1, 1, 0, 0.2, 0.277, 0.3]
    assert rows["A4a.1"][13:18] == ["Not in this audit", None, None, None, None]
    assert rows["A4a.1"][18:28] == [
        2, 1, 0, 0, 1, 0, 2100, 3290, 4480, "Counts, not adjusted for the size of each area."
    ]  # fmt: skip


def test_the_indicators_table_downloads_as_csv(
    as_commissioner: Visitor, region: dict[str, int]
) -> None:
    response = as_commissioner.client.get(f"/compare-areas/indicators.csv?{_query(region)}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "area-comparison-indicators.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows[0][:3] == ["Indicator code", "Indicator", "Unit"]
    ni135 = next(row for row in rows if row[0] == "NI135")
    assert ni135[3:8] == ["Jul–Sep 2026", "27.7", "28.0", "Red amber", "Improving"]
    assert ni135[18:27] == ["3", "1", "0", "1", "1", "0", "20.0", "27.7", "30.0"]


def test_spreadsheet_formulas_in_titles_are_defused(
    as_commissioner: Visitor, region: dict[str, int]
) -> None:
    query = _query(region)
    book = load_workbook(
        io.BytesIO(as_commissioner.client.get(f"/compare-areas.xlsx?{query}").data)
    )
    titles = [row[1] for row in book["Indicators"].iter_rows(min_row=2, values_only=True)]
    assert "'" + HOSTILE in titles and HOSTILE not in titles
    rows = csv.reader(
        io.StringIO(as_commissioner.client.get(f"/compare-areas/indicators.csv?{query}").text)
    )
    assert "'" + HOSTILE in [row[1] for row in rows]


def test_audits_without_indicators_say_so(app: Flask, as_commissioner: Visitor, cast: Cast) -> None:
    with app.app_context():
        south_area = db.session.scalar(
            select(Organisation).where(Organisation.name == "Southshire Council")
        )
        other_lead = db.session.get(User, cast.other_lead.id)
        commissioner = db.session.get(User, cast.commissioner.id)
        assert south_area and other_lead and commissioner
        south = make.audit(other_lead, south_area, "Southshire dementia carers", None, True)
        make.member(south, commissioner, "commissioner")
        south_id = south.id
    page = as_commissioner.get(f"/compare-areas?audits={cast.published.id}&audits={south_id}")
    heading = page.soup.select_one("#indicators")
    assert heading is not None
    assert "None of these audits follows any indicators." in page.text


def test_the_demo_areas_share_catalogue_indicators(app: Flask, visitor: Visitor) -> None:
    from audit_app.demo import load_demo

    with app.app_context():
        load_demo()
        ids = db.session.scalars(
            select(Audit.id).where(Audit.title.like("Carers of people with dementia in %2026/27"))
        ).all()
    visitor.sign_in("commissioner@demo.test", "demo-password")
    rows = _rows(visitor.get("/compare-areas?" + "&".join(f"audits={i}" for i in ids)))
    # NI135: Northshire 560/2022 = 27.7% (Jul–Sep), Southshire 655/2310 = 28.4% (Apr–Jun).
    assert _row(rows, "NI135:")[1:] == [
        "Red amber Period: Jul–Sep 2026 Result: 27.7% Target: 28.0% Direction of travel: improving",
        "Green Period: Apr–Jun 2026 Result: 28.4% Target: 26.0% Direction of travel: improving",
        "Reported by 2 of 2 areas 1 green, 1 red amber Lowest 27.7%, median 28.0%, "
        "highest 28.4% Periods differ: they end between 30 June 2026 and 30 September 2026.",
    ]
    # Southshire calls it SC/GP1; the catalogue reference matches it.
    assert _row(rows, "A4a.1:")[2].startswith("Red amber Period: Apr–Jun 2026 Result: 2190 ")
    assert _row(rows, "SC/L1:")[1] == "Not in this audit"
    assert _row(rows, "LOCAL1:")[2] == "Not in this audit"


def test_the_table_is_kept_until_an_areas_audit_has_a_new_revision(
    app: Flask, as_commissioner: Visitor, region: dict[str, int]
) -> None:
    """The indicators table is kept with the other tables, per set of audits at their
    revisions (services.benchmarking): a second look is not built again, and a value
    changed with a new revision (as every page's save gives one) shows at once."""
    from audit_app.services.changes import bump_revision
    from audit_app.services.chart_cache import chart_cache

    url = f"/compare-areas?{_query(region)}"
    south = _row(_rows(as_commissioner.get(url)), "A4a.1:")[2]
    assert south.startswith("Red") and "Result: 2100" in south
    with app.app_context():
        computed = chart_cache().stats.computed
    assert _row(_rows(as_commissioner.get(url)), "A4a.1:")[2] == south
    with app.app_context():
        assert chart_cache().stats.computed == computed
        value = db.session.scalar(
            select(IndicatorValue)
            .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
            .where(Indicator.audit_id == region["south"], Indicator.ref == "A4a.1")
        )
        assert value is not None
        value.numerator = Decimal(2600)
        audit = db.session.get(Audit, region["south"])
        assert audit is not None
        bump_revision(audit)
        db.session.commit()
    south = _row(_rows(as_commissioner.get(url)), "A4a.1:")[2]
    assert south.startswith("Green") and "Result: 2600" in south
