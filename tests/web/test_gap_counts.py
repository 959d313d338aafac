"""Headline gap counts: distinct cells, the same everywhere they are shown."""

from __future__ import annotations

import csv
import io
import re

from flask import Flask

from hub_model.gap_map import COUNT_RULE
from tests.visit import Visitor
from tests.web.conftest import Cast
from tests.web.test_maps import _fill, _url


def _cells(page: Visitor, cast: Cast) -> tuple[set[str], set[str]]:
    """The distinct red and not-rated cells of the gap map page, by their links."""
    soup = page.get(_url(cast.published, "/gaps")).soup
    red = {a["href"] for a in soup.select("table[id^=red-] th a")}
    unrated = {a["href"] for a in soup.select("ul[id^=not-rated-] a")}
    return red, unrated


def test_summary_counts_each_cell_once_though_breaks_serves_three_outcomes(
    app: Flask, cast: Cast, as_commissioner: Visitor
) -> None:
    """Breaks (red for dementia) is linked to outcomes 2, 3 and 4: one red cell, not three."""
    _fill(app, cast, cast.published)
    red, unrated = _cells(as_commissioner, cast)
    assert len(red) == 2  # breaks for dementia; checklist 2a for dementia
    base = f"/audits/{cast.published.id}/exports"
    page = as_commissioner.get(f"{base}/report")
    summary = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)
        for row in page.soup.select("#report-summary .govuk-summary-list__row")
    }
    assert summary["Red gaps"] == str(len(red))
    assert summary["Red gaps with no action in the plan"] == "1"  # 2a has none
    assert summary["Cells not rated"] == str(len(unrated))
    assert summary["How the gaps are counted"] == COUNT_RULE
    body = as_commissioner.client.get(f"{base}/csv/summary.csv").data.decode("utf-8-sig")
    rows = {row[0]: row[1] for row in csv.reader(io.StringIO(body)) if len(row) > 1}
    assert rows["Red gaps"] == str(len(red)) and rows["Cells not rated"] == str(len(unrated))
    # The gap map page and the report's gap section say the same, with the rule.
    gaps = as_commissioner.get(_url(cast.published, "/gaps")).soup.select_one("#gap-counts")
    text = gaps.get_text(" ", strip=True)
    assert re.search(rf"\b{len(red)} red cells?\b", text), text
    assert f"{len(unrated)} cells not rated" in text and COUNT_RULE in text
    report_counts = page.soup.select_one("#report-gap-total").get_text(" ", strip=True)
    assert re.search(rf"\b{len(red)} red cells?\b", report_counts)


def test_each_red_cell_names_its_rationale_evidence_and_action_on_screen_csv_and_xlsx(
    app: Flask, cast: Cast, as_commissioner: Visitor
) -> None:
    from openpyxl import load_workbook

    _fill(app, cast, cast.published)
    red = as_commissioner.get(_url(cast.published, "/gaps")).soup.select_one("#red-2")
    row = next(tr for tr in red.select("tbody tr") if "Breaks" in tr.get_text())
    text = row.get_text(" ", strip=True)
    assert "No evening sitting service." in text and "Sitting service" in text
    assert "Commission an evening sitting service" in text
    checklist = next(tr for tr in red.select("tbody tr") if "2a (checklist)" in tr.get_text())
    assert "Nothing local." in checklist.get_text(" ", strip=True)

    base = f"/audits/{cast.published.id}/exports"
    body = as_commissioner.client.get(f"{base}/csv/gap_map.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    breaks = [
        r for r in rows if r["Intervention or sub-outcome"] == "Breaks" and r["State"] == "Red"
    ]
    assert breaks and all(r["Why"] == "Red: No evening sitting service." for r in breaks)
    assert all(r["Evidence"].startswith("Sitting service") for r in breaks)
    assert all("Unshared draft note" not in r["Evidence"] for r in rows)
    book = load_workbook(io.BytesIO(as_commissioner.client.get(f"{base}/tables.xlsx").data))
    whys = [r[5] for r in book["Gap map"].iter_rows(min_row=2, values_only=True)]
    assert "Red: No evening sitting service." in whys
    assert "Services not in place; outcome indicator red: Nothing local." in whys
