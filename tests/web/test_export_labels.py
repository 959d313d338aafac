"""Every grade in the map exports (CSV and XLSX) reads as the same cell on screen."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask

from audit_app.services import exports
from tests.visit import Visitor
from tests.web.conftest import Cast
from tests.web.test_maps import _fill

# Each grid export, the screen page showing the same cells, and its first grade column.
GRIDS = {
    "rag_map": ("/rag", 1),
    "maturity_map": ("/maturity", 1),
    "appendix_a_map": ("/appendix-a", 3),
}


def _screen(visitor: Visitor, audit_id: int, path: str) -> list[list[str]]:
    """Per row of the screen's map, each carer group's grade, as the export writes it."""
    soup = visitor.get(f"/audits/{audit_id}/maps{path}").soup
    rows = []
    for tr in soup.select("#map-table tbody tr"):
        cells = []
        for td in tr.select("td[data-cell]"):
            grade = td.select_one(".app-rag").get_text(strip=True)
            indicator = td.find(string=lambda s: s and s.startswith("Indicator: "))
            if indicator:  # the checklist: status, then the indicator's grade
                grade += "; indicator " + indicator.removeprefix("Indicator: ").strip().lower()
            cells.append(grade)
        rows.append(cells)
    return rows


@pytest.mark.parametrize("slug", list(GRIDS))
def test_every_grade_label_in_the_exports_is_the_screens(
    app: Flask, cast: Cast, as_commissioner: Visitor, slug: str
) -> None:
    _fill(app, cast, cast.published)  # most cells never judged, a few judged
    path, first = GRIDS[slug]
    screen = _screen(as_commissioner, cast.published.id, path)
    assert screen and all(screen)
    groups = len(screen[0])
    url = f"/audits/{cast.published.id}/exports/csv/{slug}.csv"
    body = as_commissioner.client.get(url).data.decode("utf-8-sig")
    exported = [row[first : first + groups] for row in list(csv.reader(io.StringIO(body)))[1:]]
    assert exported == screen
    assert slug in exports.TABLES
