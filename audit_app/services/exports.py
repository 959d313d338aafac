"""An audit's tables for export: one registry, written out as XLSX and CSV.

Each table is built by a function registered with :func:`table` (they live in
:mod:`audit_app.services.export_tables`), taking the
:class:`ExportContext` (the audit, who is looking and their role) and
returning headers and rows; the XLSX has one sheet per table in registry
order, and each table also downloads as its own CSV. A later area (indicators,
questionnaires) adds its tables with one decorated function each.

What a person sees here is what they may see in the app: evidence returns are
those :func:`services.evidence.visible_returns` allows (a commissioner sees
accepted returns of a published version only), and a draft says DRAFT.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from audit_app.models import Audit, User
from audit_app.services import maps, spreadsheets
from audit_app.services.frameworks import framework_of
from audit_app.services.spreadsheets import Figure
from hub_model.framework import Framework

# A table's cell: words, a count, a decimal, a date, or a Figure (a percentage, an
# amount of money, a rounded result: see services.spreadsheets).
Cell = str | int | float | Decimal | date | datetime | Figure | None

DRAFT_MARK = "DRAFT"


@dataclass
class ExportContext:
    """The audit being exported and who is exporting it (tables depend on both)."""

    audit: Audit
    user: User
    role: str
    for_pdf: bool = False  # sections may pick lighter images for the PDF
    images: dict[str, bytes] = field(default_factory=dict)  # the PDF's, by address

    @cached_property
    def framework(self) -> Framework:
        return framework_of(self.audit)

    @cached_property
    def data(self) -> maps.MapData:
        return maps.audit_maps(self.audit)

    @property
    def sees_judgements(self) -> bool:
        """Whether the lead's ratings and checklist judgements may be in the export
        (services.access.sees_judgements: not a partner's of a draft)."""
        from audit_app.services.access import sees_judgements

        return sees_judgements(self.audit, self.role)

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
    judgements: bool = False  # made of the lead's judgements (a map)


TABLES: dict[str, TableSpec] = {}


def table(slug: str, title: str, judgements: bool = False) -> Callable[[Builder], Builder]:
    """Register a table builder under ``slug`` (its CSV name) and ``title`` (its sheet);
    ``judgements``: it is made of the lead's judgements, so only those who may see
    them get it (`tables_for`)."""
    if len(title) > 31 or re.search(r"[\[\]:*?/\\]", title):
        raise ValueError(f"{title!r} cannot be a sheet name")

    def register(build: Builder) -> Builder:
        TABLES[slug] = TableSpec(slug, title, build, judgements)
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
        if isinstance(value, Figure):
            return value.page
        if isinstance(value, Decimal):
            return f"{value:,f}"
        if isinstance(value, datetime):
            return value.strftime("%-d %B %Y at %H:%M UTC")
        if isinstance(value, date):
            return value.strftime("%-d %B %Y")
        return value

    rows = [tuple(text(v) for v in row) for row in export.rows]
    return ExportTable(export.slug, export.title, export.headers, rows)


def tables_for(ctx: ExportContext) -> list[TableSpec]:
    """The tables this person may have: not the maps of a draft, for a partner."""
    return [spec for spec in TABLES.values() if ctx.sees_judgements or not spec.judgements]


def build_all(ctx: ExportContext) -> Iterator[ExportTable]:
    for spec in tables_for(ctx):
        yield build(ctx, spec.slug)


# --- writing -------------------------------------------------------------------
# Every cell goes through services.spreadsheets, so no text runs as a formula.


def csv_bytes(export: ExportTable) -> bytes:
    """The table as CSV, UTF-8 with a byte-order mark so Excel reads the accents."""
    text = spreadsheets.csv_text([export.headers, *export.rows], _plain)
    return ("\ufeff" + text).encode("utf-8")


def _plain(value: Cell) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value


MIN_WIDTH, MAX_WIDTH = 8, 60


def xlsx_bytes(ctx: ExportContext) -> bytes:
    """Every table as one sheet: bold header row, frozen, columns sized to their text;
    numbers and dates stored as such, with number formats (services.spreadsheets)."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for export in build_all(ctx):
        sheet = book.create_sheet(export.title)
        spreadsheets.append(sheet, export.headers)
        for row in export.rows:
            spreadsheets.append(sheet, row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        _size_columns(sheet, export)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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


# The tables register themselves on import; the module imports this one.
from audit_app.services import export_tables  # noqa: E402, F401
