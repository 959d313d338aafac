"""The tables of the compare-areas page, and what every kind of table promises.

A table is one object the page, the XLSX sheet and the CSV all render: the page
through its template partial, the downloads through flat_head and flat_rows.
GradeTable holds grades and their spread (interventions, outcomes); the
indicators table (benchmarking_indicators) holds values.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar, Protocol

from audit_app.services.spreadsheets import Figure
from hub_model.ratings import Summary, levels
from hub_model.scales import label

REGION = "All chosen areas"
NOT_IN_AUDIT = "Not in this audit"

# A spreadsheet value: words, a count or a figure (a number with its format and text).
FlatValue = str | int | Decimal | Figure


class BenchmarkTable(Protocol):
    """What the page, the workbook and the CSV need of a table."""

    @property
    def key(self) -> str: ...  # the page anchor and the CSV's name

    @property
    def sheet(self) -> str: ...  # the XLSX sheet's name: 31 characters at most, no colon

    @property
    def title(self) -> str: ...

    @property
    def rule(self) -> str: ...

    @property
    def partial(self) -> str: ...  # the template that renders the table on the page

    def flat_head(self) -> list[str]: ...

    def flat_rows(self) -> list[list[FlatValue]]: ...


def numbered(code: str) -> str | int:
    """A code that is a plain number (the strategy's outcome "1") as that number, so that
    a spreadsheet sorts it as one; any other code ("1a", "NI135") as it is."""
    return int(code) if code.isdecimal() and code.isascii() and str(int(code)) == code else code


@dataclass(frozen=True)
class Spread:
    """A summary grade and how many members are at each level."""

    grade: StrEnum
    counts: tuple[tuple[StrEnum, int], ...]

    @property
    def grade_text(self) -> str:
        return label(self.grade)

    @property
    def counts_text(self) -> str:
        return ", ".join(f"{n} {label(level).lower()}" for level, n in self.counts)

    @classmethod
    def of(cls, summary: Summary[StrEnum]) -> Spread:
        return cls(summary.grade, tuple(summary.spread.items()))


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    cells: list[Spread | None]  # one per column; None: not in that audit


@dataclass(frozen=True)
class GradeTable:
    """Grades per row and column: a summary grade with the count at each level."""

    key: str
    sheet: str
    title: str
    rule: str
    row_heading: str
    scale: type[StrEnum]
    columns: list[str]
    rows: list[Row]
    partial: ClassVar[str] = "cycles/_grade_table.html"

    @property
    def levels(self) -> tuple[StrEnum, ...]:
        return levels(self.scale)

    def flat_head(self) -> list[str]:
        head = [f"{self.row_heading} code", self.row_heading]
        for column in self.columns:
            head.append(f"{column}: summary")
            head.extend(f"{column}: {label(level).lower()}" for level in self.levels)
        return head

    def flat_rows(self) -> list[list[FlatValue]]:
        """Each row as spreadsheet values: summary words, then counts."""
        out: list[list[FlatValue]] = []
        for row in self.rows:
            values: list[FlatValue] = [numbered(row.code), row.name]
            for cell in row.cells:
                if cell is None:
                    values.append(NOT_IN_AUDIT)
                    values.extend([""] * len(self.levels))
                else:
                    values.append(label(cell.grade))
                    values.extend(n for _, n in cell.counts)
            out.append(values)
        return out
