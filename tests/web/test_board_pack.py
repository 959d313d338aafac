"""The board pack: the demo dementia audit's dashboard benchmarked against the other
areas the viewer was given, each indicator's RAG thresholds beside its grade, and a
printable report holding every report card field and the dashboard's counts.

The report-card test is generated from the demo audit's own indicators: for each,
every non-empty field must appear in the report's text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit
from audit_app.services import indicators as step3
from audit_app.services.benchmarking_indicators import latest_reported
from tests.visit import Page, Visitor
from tests.web.conftest import Cast

DEMO_DEMENTIA = "Carers of people with dementia in Northshire 2026/27"
CARD_FIELDS = (
    "title",
    "why_it_matters",
    "story",
    "success",
    "partners",
    "what_works",
    "responsible_officers",
    "data_owner",
    "data_gaps",
)


def _text(node: Any) -> str:
    return " ".join(str(node.get_text(" ")).split())


@pytest.fixture
def demo(app: Flask) -> int:
    from audit_app.demo import load_demo

    with app.app_context():
        load_demo()
        found = db.session.scalar(select(Audit.id).where(Audit.title == DEMO_DEMENTIA))
        assert found is not None
        return found


def _southshire_results(app: Flask) -> dict[str, str]:
    """Southshire's latest result per catalogue reference, as its dashboard shows it."""
    with app.app_context():
        south = db.session.scalar(
            select(Audit).where(Audit.title.like("Carers of people with dementia in Southshire%"))
        )
        assert south is not None
        found = {}
        for indicator in step3.indicators(south):
            row = latest_reported(indicator)
            if row and indicator.catalogue_ref:
                found[indicator.catalogue_ref] = (
                    f"Southshire Council: {row.assessment.result_text} ({row.value.period_label})"
                )
        return found


def _benchmarking_cells(page: Page) -> dict[str, str]:
    cells = {}
    for table in page.soup.select("table.app-indicator-table"):
        heads = [_text(th) for th in table.select("thead th")]
        column = heads.index("Benchmarking")
        for row in table.select("tbody tr"):
            cells[str(row["data-ref"])] = _text(row.select("td")[column])
    return cells


def test_demo_dashboard_benchmarks_against_areas_the_commissioner_was_given(
    app: Flask, demo: int, visitor: Visitor
) -> None:
    south = _southshire_results(app)
    assert len(south) >= 4  # the demo shares four catalogue indicators
    visitor.sign_in("commissioner@demo.test", "demo-password")
    page = visitor.get(f"/audits/{demo}/indicators/dashboard")
    cells = _benchmarking_cells(page)
    with app.app_context():
        north = db.session.get(Audit, demo)
        assert north is not None
        shared = {
            i.ref: south[i.catalogue_ref]
            for i in step3.indicators(north)
            if i.catalogue_ref in south
        }
    assert len(shared) >= 4
    for ref, expected in shared.items():
        assert expected in cells[ref], (ref, cells[ref])
    assert all(cell for cell in cells.values())
    assert "whose published audit you have been given" in page.text


def test_lead_not_given_southshire_sees_no_southshire_figures(
    app: Flask, demo: int, visitor: Visitor
) -> None:
    visitor.sign_in("lead@demo.test", "demo-password")
    cells = _benchmarking_cells(visitor.get(f"/audits/{demo}/indicators/dashboard"))
    assert cells and not any("Southshire" in cell for cell in cells.values())


def test_thresholds_shown_beside_each_grade_on_dashboard_and_report_card(
    app: Flask, demo: int, visitor: Visitor
) -> None:
    visitor.sign_in("commissioner@demo.test", "demo-password")
    page = visitor.get(f"/audits/{demo}/indicators/dashboard")
    with app.app_context():
        north = db.session.get(Audit, demo)
        assert north is not None
        expected = {
            i.ref: (i.id, step3.rows_of(i)[-1].thresholds_text) for i in step3.indicators(north)
        }
    rows = {str(r["data-ref"]): _text(r) for r in page.soup.select("tr[data-ref]")}
    assert any("missed by up to" in text for _, text in expected.values())
    for ref, (indicator_id, text) in expected.items():
        assert text in rows[ref]
        card = visitor.get(f"/audits/{demo}/indicators/{indicator_id}/report-card")
        assert f"thresholds: {text}" in " ".join(card.text.split())


def _table_cells(page: Page, selector: str) -> list[list[str]]:
    table = page.soup.select_one(selector)
    assert table is not None, selector
    return [[_text(cell) for cell in row.select("th, td")] for row in table.select("tr")]


def test_report_holds_every_report_card_field_of_every_demo_indicator(
    app: Flask, demo: int, visitor: Visitor
) -> None:
    visitor.sign_in("commissioner@demo.test", "demo-password")
    report = visitor.get(f"/audits/{demo}/exports/report")
    cards = report.soup.select("#section-indicators article.app-report-card")
    with app.app_context():
        north = db.session.get(Audit, demo)
        assert north is not None
        indicators = step3.indicators(north)
        expected = [
            [
                " ".join(str(value).split())
                for value in (getattr(i, name) for name in CARD_FIELDS)
                if value
            ]
            for i in indicators
        ]
    assert len(cards) == len(indicators) == 8
    filled = 0
    for card, fields in zip(cards, expected, strict=True):
        text = _text(card)
        for field in fields:
            assert field in text, field
        filled += len(fields)
        assert "What will success look like?" in text and "The curve as a table" in text
    assert filled > 8 * 3  # the demo fills more than titles


def test_report_holds_the_dashboards_counts_as_on_screen(
    app: Flask, demo: int, visitor: Visitor
) -> None:
    visitor.sign_in("commissioner@demo.test", "demo-password")
    screen = visitor.get(f"/audits/{demo}/indicators/dashboard")
    report = visitor.get(f"/audits/{demo}/exports/report")
    for table in ("#summary", "#intentions-summary", "#not-met", "#met"):
        on_screen = _table_cells(screen, table)
        assert _table_cells(report, f"#section-dashboard {table}") == on_screen
    # The counts are numbers a reader can check: the overall row names shares and counts.
    overall = _table_cells(report, "#section-dashboard #summary")[-1]
    assert any(re.fullmatch(r"\d+% \(\d+\)", cell) for cell in overall)


def test_report_reads_in_the_boards_order(app: Flask, demo: int, visitor: Visitor) -> None:
    visitor.sign_in("commissioner@demo.test", "demo-password")
    report = visitor.get(f"/audits/{demo}/exports/report")
    slugs = [
        str(s["id"]).removeprefix("section-")
        for s in report.soup.select("section.app-report-section")
    ]
    assert slugs[:5] == ["summary", "dashboard", "gap_map", "indicators", "plan"]


BOARD = {
    "overall_position": "Carers are found sooner; too few have a plan.",
    "achievements": "More carers on GP registers\nMemory clinics refer carers",
    "challenges": "Vacant carers' workers' posts",
    "board_decisions": "Agree to commission evening sitting\nNote the plan",
}


def test_the_leads_summary_for_the_board_opens_the_report(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.draft.id}/plan/header"
    as_lead.post(url, {"strategic_outcomes": "More breaks", "key_risks": "", **BOARD})
    plan = as_lead.get(f"/audits/{cast.draft.id}/plan")
    assert BOARD["challenges"] in _text(plan.soup.select_one("#board-summary"))
    report = as_lead.get(f"/audits/{cast.draft.id}/exports/report")
    first = report.soup.select_one("section.app-report-section")
    assert first is not None and first["id"] == "section-summary"
    summary = first.select_one("#board-summary")
    assert summary is not None
    headings = [_text(h) for h in summary.select("h3")]
    assert headings == [
        "Overall position",
        "Top achievements",
        "Key challenges",
        "Decisions asked of the board",
    ]
    paragraphs = [p.get_text() for p in summary.select("p")]
    assert paragraphs == list(BOARD.values())  # line breaks kept, as the lead typed them


def test_an_unwritten_summary_for_the_board_says_who_writes_it(
    as_lead: Visitor, cast: Cast
) -> None:
    report = as_lead.get(f"/audits/{cast.draft.id}/exports/report")
    summary = _text(report.soup.select_one("#board-summary"))
    assert summary.count("Not written yet: the carers lead writes it on the action plan.") == 4
