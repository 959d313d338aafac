"""An audit's tables for export: one registry, written out as XLSX and CSV.

Each table is built by a function registered with :func:`table`, taking the
:class:`ExportContext` (the audit, who is looking and their role) and
returning headers and rows; the XLSX has one sheet per table in registry
order, and each table also downloads as its own CSV. A later area (indicators,
questionnaires) adds its tables with one decorated function each.

What a person sees here is what they may see in the app: evidence returns are
those :func:`services.evidence.visible_returns` allows (a commissioner sees
accepted returns of a published version only), and a draft says DRAFT.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from audit_app.models import Audit, User
from audit_app.models.types import utcnow
from audit_app.services import evidence as evidence_service
from audit_app.services import maps
from audit_app.services import plan as plan_service
from audit_app.services import stakeholders as stakeholder_service
from audit_app.services.frameworks import framework_of
from audit_app.services.scope import scope_description
from hub_model.framework import Framework
from hub_model.scales import label

Cell = str | int | float | Decimal | date | datetime | None

DRAFT_MARK = "DRAFT"


@dataclass
class ExportContext:
    """The audit being exported and who is exporting it (tables depend on both)."""

    audit: Audit
    user: User
    role: str
    for_pdf: bool = False  # sections may pick lighter images for the PDF

    @cached_property
    def framework(self) -> Framework:
        return framework_of(self.audit)

    @cached_property
    def data(self) -> maps.MapData:
        return maps.audit_maps(self.audit)

    @property
    def is_draft(self) -> bool:
        return not self.audit.is_published

    @property
    def title(self) -> str:
        """The audit's title, with DRAFT in front of a draft's."""
        return f"{DRAFT_MARK}: {self.audit.title}" if self.is_draft else self.audit.title


@dataclass(frozen=True)
class ExportTable:
    slug: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


Builder = Callable[[ExportContext], tuple[tuple[str, ...], list[tuple[Cell, ...]]]]


@dataclass(frozen=True)
class TableSpec:
    slug: str
    title: str
    build: Builder


TABLES: dict[str, TableSpec] = {}


def table(slug: str, title: str) -> Callable[[Builder], Builder]:
    """Register a table builder under ``slug`` (its CSV name) and ``title`` (its sheet)."""
    if len(title) > 31 or re.search(r"[\[\]:*?/\\]", title):
        raise ValueError(f"{title!r} cannot be a sheet name")

    def register(build: Builder) -> Builder:
        TABLES[slug] = TableSpec(slug, title, build)
        return build

    return register


def build(ctx: ExportContext, slug: str) -> ExportTable:
    spec = TABLES[slug]
    headers, rows = spec.build(ctx)
    return ExportTable(spec.slug, spec.title, headers, rows)


def columns(export: ExportTable, headers: tuple[str, ...]) -> ExportTable:
    """The table with only these columns, in this order (the report's narrower plan)."""
    index = [export.headers.index(h) for h in headers]
    rows = [tuple(row[i] for i in index) for row in export.rows]
    return ExportTable(export.slug, export.title, headers, rows)


def shown(export: ExportTable) -> ExportTable:
    """The table as a page shows it: amounts with thousands separators, dates in words."""

    def text(value: Cell) -> Cell:
        if isinstance(value, Decimal):
            return f"{value:,f}"
        if isinstance(value, datetime):
            return value.strftime("%-d %B %Y at %H:%M UTC")
        if isinstance(value, date):
            return value.strftime("%-d %B %Y")
        return value

    rows = [tuple(text(v) for v in row) for row in export.rows]
    return ExportTable(export.slug, export.title, export.headers, rows)


def build_all(ctx: ExportContext) -> Iterator[ExportTable]:
    for slug in TABLES:
        yield build(ctx, slug)


# --- writing -------------------------------------------------------------------

# A cell starting with one of these is run as a formula by spreadsheet programs
# (OWASP, "CSV injection"); tab and carriage return start one too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(export: ExportTable) -> bytes:
    """The table as CSV, UTF-8 with a byte-order mark so Excel reads the accents."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_text(h) for h in export.headers])
    for row in export.rows:
        writer.writerow(["" if v is None else _plain(safe_text(v)) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _plain(value: Cell) -> Cell:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value


MIN_WIDTH, MAX_WIDTH = 8, 60


def xlsx_bytes(ctx: ExportContext) -> bytes:
    """Every table as one sheet: bold header row, frozen, columns sized to their text."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for export in build_all(ctx):
        sheet = book.create_sheet(export.title)
        sheet.append(list(export.headers))
        for row in export.rows:
            sheet.append([_xlsx_value(v) for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        _as_text(sheet)
        _size_columns(sheet, export)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: Cell) -> Cell:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; ours are UTC
    return value


def _as_text(sheet: Any) -> None:
    """openpyxl stores "=..." as a formula: keep every typed text a plain string."""
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _size_columns(sheet: Any, export: ExportTable) -> None:
    for index, header in enumerate(export.headers, start=1):
        longest = max([len(header)] + [len(str(row[index - 1] or "")) for row in export.rows[:500]])
        width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        if longest > MAX_WIDTH:
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def filename(ctx: ExportContext, suffix: str) -> str:
    """A download name: the audit's title in safe characters, DRAFT marked."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ctx.audit.title).strip("-").lower()[:80] or "audit"
    draft = "-draft" if ctx.is_draft else ""
    return f"{stem}{draft}-{suffix}"


# --- the tables ---------------------------------------------------------------


@table("summary", "Summary")
def summary(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    audit, data = ctx.audit, ctx.data
    gaps = data.gaps.outcomes
    rated = sum(1 for grade in data.rag.values() if grade.value != "not_rated")
    judged = sum(
        1
        for cell in data.checklist.values()
        if cell.status.value != "not_rated" or cell.indicator.value != "not_rated"
    )
    actions = plan_service.actions(audit)
    funding = plan_service.funding(audit)
    status = (
        f"{DRAFT_MARK}: not published, may change"
        if ctx.is_draft
        else f"Published on {audit.published_at:%-d %B %Y}"
        if audit.published_at
        else "Published"
    )
    rows: list[tuple[Cell, ...]] = [
        ("Title", ctx.title),
        ("Status", status),
        ("Area", audit.area.name),
        ("Cycle", audit.cycle),
        ("Period", f"{audit.period_start:%-d %B %Y} to {audit.period_end:%-d %B %Y}"),
        ("Carers covered", scope_description(audit, ctx.framework)),
        ("Framework", f"{ctx.framework.title} (version {audit.framework_version})"),
        ("Exported on", utcnow().strftime("%-d %B %Y at %H:%M UTC")),
        ("Carer groups assessed", len(data.groups)),
        ("Stakeholders", len(stakeholder_service.stakeholders(audit))),
        ("Evidence returns you can see", len(_evidence(ctx))),
        ("Intervention ratings set", rated),
        ("Checklist cells judged", judged),
        ("Red gaps", sum(len(o.red) for o in gaps)),
        ("Red gaps with no action in the plan", sum(len(o.unaddressed) for o in gaps)),
        ("Cells not rated", sum(len(o.not_rated) for o in gaps)),
        ("Carer groups nothing reaches at amber or better", len(data.gaps.unreached)),
        ("Priority changes", len(plan_service.priorities(audit))),
        ("Actions in the plan", len(actions)),
        ("Funding in total (£)", plan_service.funding_total(funding)),
    ]
    return ("Item", "Value"), rows


def _grid(ctx: ExportContext, kind: str) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    data = ctx.data
    grid: Any = data.rag if kind == "rag" else data.maturity
    summaries: Any = data.rag_summaries if kind == "rag" else data.maturity_summaries
    headers = ("Intervention", *(g.name for g in data.groups), "Summary (weakest rated group)")
    rows: list[tuple[Cell, ...]] = []
    for item in data.interventions:
        cells = [_grade(grid.get((item.code, g.code))) for g in data.groups]
        rows.append((item.name, *cells, summaries[item.code].text))
    return headers, rows


def _grade(grade: Any) -> str:
    return label(grade) if grade is not None else "Not rated"


@table("rag_map", "RAG map")
def rag_map(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    return _grid(ctx, "rag")


@table("maturity_map", "Maturity map")
def maturity_map(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    return _grid(ctx, "maturity")


@table("appendix_a_map", "Appendix A map")
def appendix_a_map(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    data = ctx.data
    headers = ("Outcome", "Sub-outcome", "Outcome indicator", *(g.name for g in data.groups))
    headers += ("Services in place (summary)", "Indicator (summary)")
    rows: list[tuple[Cell, ...]] = []
    for outcome in data.outcomes:
        for sub in outcome.sub_outcomes:
            cells = []
            for group in data.groups:
                cell = data.checklist.get((sub.code, group.code))
                if cell is None:
                    cells.append("Not rated")
                else:
                    cells.append(f"{label(cell.status)}; indicator {label(cell.indicator).lower()}")
            summary_ = data.checklist_summaries[sub.code]
            rows.append(
                (
                    f"{outcome.code}. {outcome.short_title}",
                    sub.code,
                    sub.name,
                    *cells,
                    summary_.status.text,
                    summary_.indicator.text,
                )
            )
    return headers, rows


@table("gap_map", "Gap map")
def gap_map(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    data = ctx.data
    visible = {str(e.id): e for e in _evidence(ctx)}
    action_names = maps.action_names(ctx.audit)
    headers = (
        "Outcome",
        "Kind",
        "Intervention or sub-outcome",
        "Carer group",
        "State",
        "Why",
        "Evidence",
        "Actions in the plan",
    )
    rows: list[tuple[Cell, ...]] = []
    for og in data.gaps.outcomes:
        outcome = data.outcome(og.outcome)
        for gap in og.gaps:
            is_intervention = gap.kind.value == "intervention"
            rows.append(
                (
                    f"{outcome.code}. {outcome.short_title}",
                    "Intervention" if is_intervention else "Checklist",
                    data.intervention_name(gap.row) if is_intervention else gap.row,
                    data.group_name(gap.group),
                    "Red" if gap.state.value == "red" else "Not rated",
                    gap.why,
                    _evidence_text(gap.evidence, visible),
                    "; ".join(action_names.get(a, f"Action {a}") for a in gap.actions)
                    or ("No action addresses this" if gap.state.value == "red" else ""),
                )
            )
    return headers, rows


def _evidence_text(ids: tuple[str, ...], visible: dict[str, Any]) -> str:
    shown = [visible[i].service_name for i in ids if i in visible]
    hidden = len(ids) - len(shown)
    text = "; ".join(shown)
    if hidden:
        text += f"{'; ' if text else ''}{hidden} not shared with you"
    return text


@table("stakeholders", "Stakeholders")
def stakeholders(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    fw = ctx.framework
    headers = ("Name", "Organisation", "Type", "Subtype", "Carer groups", "Engagement", "Notes")
    rows: list[tuple[Cell, ...]] = [
        (
            s.name,
            s.organisation,
            stakeholder_service.type_name(fw, s.type_code),
            stakeholder_service.subtype_label(fw, s.subtype_code),
            stakeholder_service.group_names(fw, s.groups),
            stakeholder_service.engagement_label(s.engagement),
            s.notes,
        )
        for s in stakeholder_service.stakeholders(ctx.audit)
    ]
    return headers, rows


@table("population", "Population statistics")
def population(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    fw = ctx.framework
    headers = (
        "What is measured",
        "Value",
        "Unit",
        "Geography",
        "Locality or ward",
        "Carer group",
        "Community",
        "Source",
        "Year",
        "Notes",
    )
    rows: list[tuple[Cell, ...]] = [
        (
            s.measure,
            s.value,
            s.unit.replace("_", " "),
            s.geography_level,
            s.geography_name,
            stakeholder_service.group_name(fw, s.group_code),
            s.community,
            s.source,
            s.year,
            s.notes,
        )
        for s in stakeholder_service.statistics(ctx.audit)
    ]
    return headers, rows


@table("priorities", "Priorities")
def priorities(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    headers = ("Rank", "Priority change", "Description", "What carers said", "Outcomes")
    rows: list[tuple[Cell, ...]] = [
        (
            p.rank,
            p.title,
            p.description,
            p.carers_said,
            plan_service.outcome_names(ctx.framework, p.outcomes),
        )
        for p in plan_service.priorities(ctx.audit)
    ]
    return headers, rows


@table("action_plan", "Action plan")
def action_plan(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    fw = ctx.framework
    headers = (
        "Objective",
        "Action",
        "Target or measure",
        "Due by",
        "Timescale",
        "Leads",
        "Delivery capacity",
        "Activity or service",
        "Interventions",
        "Sub-outcomes",
        "Carer groups",
        "Kind of change",
        "Commissioning route",
        "Latest progress",
        "Latest update on",
        "Latest commentary",
    )
    rows: list[tuple[Cell, ...]] = []
    for action in plan_service.actions(ctx.audit):
        latest = plan_service.latest(action)
        rows.append(
            (
                action.objective.title if action.objective else "",
                action.description,
                action.target_measure,
                action.due_by,
                action.timescale,
                plan_service.leads_text(action.leads),
                action.capacity,
                action.service,
                plan_service.intervention_names(fw, action.interventions),
                ", ".join(action.sub_outcomes or []),
                plan_service.group_names(fw, action.groups),
                plan_service.list_label(fw, "kinds_of_change", action.kind_of_change),
                plan_service.list_label(fw, "commissioning_routes", action.commissioning_route),
                plan_service.rag_label(plan_service.rag_of(action)),
                latest.on if latest else None,
                latest.commentary if latest else None,
            )
        )
    return headers, rows


@table("funding", "Funding")
def funding(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    headers = ("Partner", "Contribution (£)", "Share spent on breaks (%)", "Notes")
    rows: list[tuple[Cell, ...]] = [
        (row.partner, row.amount, row.breaks_share, row.notes)
        for row in plan_service.funding(ctx.audit)
    ]
    return headers, rows


def _evidence(ctx: ExportContext) -> list[Any]:
    return evidence_service.visible_returns(ctx.audit, ctx.user, ctx.role)


@table("evidence", "Evidence returns")
def evidence(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    fw = ctx.framework
    headers = (
        "Service",
        "Organisation",
        "Status",
        "Interventions",
        "Groups reached",
        "Groups not reached",
        "Numbers reached",
        "Quality marks",
        "Satisfaction",
        "Unit cost (£)",
        "Date of evidence",
        "Review by",
    )
    rows: list[tuple[Cell, ...]] = [
        (
            e.service_name,
            e.organisation.name if e.organisation else "",
            e.status_label,
            plan_service.intervention_names(fw, e.interventions),
            plan_service.group_names(fw, e.groups_reached),
            plan_service.group_names(fw, e.groups_not_reached),
            e.numbers_reached,
            ", ".join(
                plan_service.list_label(fw, "quality_marks", m) for m in e.quality_marks or []
            ),
            e.satisfaction,
            e.unit_cost,
            e.evidence_date,
            e.review_by,
        )
        for e in _evidence(ctx)
    ]
    return headers, rows
