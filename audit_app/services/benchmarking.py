"""Cross-area benchmarking: published audits of several areas side by side.

Each table is built by one function in TABLE_BUILDERS from the chosen audits'
grades; the page, the XLSX and the CSVs all render those same tables. Add a
builder by appending to TABLE_BUILDERS; if its table holds database records, list
it in FRESH_BUILDERS too (the others are kept per set of audits at their revisions,
and may be pickled into Redis). Its table may be a GradeTable or any other
BenchmarkTable (see benchmark_tables).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, User
from audit_app.services import spreadsheets
from audit_app.services.access import visible_audits
from audit_app.services.audit_grades import AuditGrades, grades_of
from audit_app.services.benchmark_tables import REGION, BenchmarkTable, GradeTable, Row, Spread
from audit_app.services.benchmarking_indicators import indicators_table
from audit_app.services.chart_cache import cached, revision_key
from audit_app.services.cqc_comparison import cqc_table
from hub_model.checklist import CHECKLIST_RULE, ChecklistCell, summarise_cells
from hub_model.ratings import RULE, SPREAD_RULE, frame_from_grids, levels, summarise_many
from hub_model.scales import ChecklistStatus, Rag

TableBuilder = Callable[[Sequence[AuditGrades], list[str]], BenchmarkTable]


def comparable_audits(user: User, named: bool = False) -> list[Any]:
    """Published audits the user may open, by area then cycle. ``named``: only what
    names each is read (access.ListedAudit), for the choice of audits to compare;
    :func:`loaded` reads the rest of those chosen."""
    audits = [audit for audit, _ in visible_audits(user, named) if audit.is_published]
    return sorted(audits, key=lambda a: (a.area.name, a.cycle, a.title))


def loaded(audits: Sequence[Any]) -> list[Audit]:
    """The audits that ``audits`` name (:func:`comparable_audits` ``named``: only what
    names them was read), in order, every column read, in one query: before their
    tables are made."""
    found = {
        audit.id: audit
        for audit in db.session.scalars(
            select(Audit).where(Audit.id.in_([audit.id for audit in audits]))
        )
    }
    return [found[audit.id] for audit in audits]


def can_compare_areas(user: User) -> bool:
    return len({audit.area_id for audit in comparable_audits(user)}) >= 2


def column_labels(audits: Sequence[Audit]) -> list[str]:
    """The area's name, with the cycle (and title) where that alone is ambiguous."""
    names = [audit.area.name for audit in audits]
    labels = [
        name if names.count(name) == 1 else f"{name} {audit.cycle}"
        for name, audit in zip(names, audits, strict=True)
    ]
    return [
        text if labels.count(text) == 1 else f"{text} ({audit.title})"
        for text, audit in zip(labels, audits, strict=True)
    ]


def _spread_from_frame(frame: pd.DataFrame, key: tuple[str, str], scale: type[StrEnum]) -> Spread:
    row = frame.loc[key]
    return Spread(
        scale(row["grade"]), tuple((level, int(row[str(level)])) for level in levels(scale))
    )


def interventions_table(grades: Sequence[AuditGrades], columns: list[str]) -> GradeTable:
    """Per intervention, each area's weakest-link summary and spread, and the
    region's (every chosen area's carer groups together)."""
    by_area = {column: g.rag for column, g in zip(columns, grades, strict=True)}
    per_area = summarise_many(frame_from_grids(by_area), Rag)
    region_cells = {
        (intervention, f"{column}|{group}"): grade
        for column, grid in by_area.items()
        for (intervention, group), grade in grid.items()
    }
    region = summarise_many(frame_from_grids({REGION: region_cells}), Rag)
    names: dict[str, str] = {}
    for g in grades:
        for intervention in g.framework.interventions:
            names.setdefault(intervention.code, intervention.name)
    rows = []
    for code, name in names.items():
        cells: list[Spread | None] = [
            _spread_from_frame(per_area, (column, code), Rag)
            if (column, code) in per_area.index
            else None
            for column in columns
        ]
        cells.append(_spread_from_frame(region, (REGION, code), Rag))
        rows.append(Row(code, name, cells))
    return GradeTable(
        "interventions",
        "Interventions",
        "Interventions: red, amber, green",
        f"{RULE} {SPREAD_RULE} The regional column counts every carer group of every "
        "chosen area together. Interventions are matched by code.",
        "Intervention",
        Rag,
        [*columns, REGION],
        rows,
    )


def _outcomes_table(
    grades: Sequence[AuditGrades], columns: list[str], which: str, scale: type[StrEnum]
) -> GradeTable:
    titles: dict[str, str] = {}
    per_area: list[dict[str, Spread]] = []
    everything: dict[str, list[tuple[str, ChecklistCell]]] = {}
    for column, g in zip(columns, grades, strict=True):
        for outcome in g.framework.adult_outcomes():
            titles.setdefault(outcome.code, f"{outcome.code}: {outcome.short_title}")
        views = g.outcomes()
        per_area.append(
            {code: Spread.of(getattr(v.checklist.overall, which)) for code, v in views.items()}
        )
        for code, subs in g.sub_outcomes().items():
            everything.setdefault(code, []).extend(
                (
                    f"{column}|{sub}: {group}",
                    ChecklistCell(g.status[(sub, group)], g.indicator[(sub, group)]),
                )
                for sub in subs
                for group in g.group_codes
            )
    rows = []
    for code, title in titles.items():
        cells: list[Spread | None] = [area.get(code) for area in per_area]
        cells.append(Spread.of(getattr(summarise_cells(everything.get(code, [])), which)))
        rows.append(Row(code, title, cells))
    what = "services in place" if which == "status" else "outcome indicator"
    return GradeTable(
        f"outcomes_{which}",
        f"Outcomes - {'in place' if which == 'status' else 'indicator'}",
        f"Outcomes: Appendix A checklist, {what}",
        f"{CHECKLIST_RULE} Each area counts every sub-outcome of the outcome for every "
        "carer group it assesses; the regional column counts all of them together.",
        "Outcome",
        scale,
        [*columns, REGION],
        rows,
    )


def outcome_status_table(grades: Sequence[AuditGrades], columns: list[str]) -> GradeTable:
    return _outcomes_table(grades, columns, "status", ChecklistStatus)


def outcome_indicator_table(grades: Sequence[AuditGrades], columns: list[str]) -> GradeTable:
    return _outcomes_table(grades, columns, "indicator", Rag)


# The extension point: each builder turns the chosen audits into one table, in this
# order. Tables of words, numbers and grades only are kept per set of audits at their
# revisions (the indicators table too: its cells are words and figures, not records);
# a table that holds database records would be built afresh on every request, listed
# in FRESH_BUILDERS too.
TABLE_BUILDERS: list[TableBuilder] = [
    interventions_table,
    outcome_status_table,
    outcome_indicator_table,
    indicators_table,
    cqc_table,
]
FRESH_BUILDERS: list[TableBuilder] = []


def kept_name(audits: Sequence[Audit]) -> str:
    """What the tables of ``audits`` are made of, as a name to keep them under: each
    audit at its revision, in order, with its column's label."""
    columns = column_labels(audits)
    return "benchmark:" + "|".join(
        f"{revision_key(audit)}={column}" for audit, column in zip(audits, columns, strict=True)
    )


def benchmark(audits: Sequence[Audit]) -> list[BenchmarkTable]:
    grades = [grades_of(audit) for audit in audits]
    columns = column_labels(audits)
    name = kept_name(audits)

    def kept_tables() -> dict[int, BenchmarkTable]:
        return {
            n: build(grades, columns)
            for n, build in enumerate(TABLE_BUILDERS)
            if build not in FRESH_BUILDERS
        }

    kept = cached(audits[0], name, kept_tables)
    return [
        kept[n] if n in kept else build(grades, columns) for n, build in enumerate(TABLE_BUILDERS)
    ]


def workbook(audits: Sequence[Audit], tables: Sequence[BenchmarkTable]) -> bytes:
    """One sheet per table, after a sheet naming the audits compared."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "Audits compared"
    spreadsheets.append(about, ["Column", "Area", "Audit", "Cycle", "Published"])
    for column, audit in zip(column_labels(audits), audits, strict=True):
        published = audit.published_at.date() if audit.published_at else ""
        spreadsheets.append(about, (column, audit.area.name, audit.title, audit.cycle, published))
    for table in tables:
        sheet = book.create_sheet(table.sheet)
        spreadsheets.append(sheet, table.flat_head())
        for row in table.flat_rows():
            spreadsheets.append(sheet, row)
        sheet.append([])
        spreadsheets.append(sheet, [f"How this is worked out: {table.rule}"])
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_csv(table: BenchmarkTable) -> str:
    return spreadsheets.csv_text([table.flat_head(), *table.flat_rows()])
