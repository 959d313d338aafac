"""The carers leads' CQC scores side by side: across areas (a table of the compare-areas
page, its workbook and CSV, like the other benchmark tables) and between two cycles
of one area (the compare page)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from audit_app.models import Audit
from audit_app.services import cqc
from audit_app.services.audit_grades import AuditGrades
from audit_app.services.benchmark_tables import FlatValue

NOT_SCORED = "Not scored"
RULE = (
    "Each carers lead scores each CQC quality statement from 1 to 4 (CQC's scale) in "
    "their own audit; “Not scored” where they have not. The suggested scores are left "
    "out: each rests on its own audit's evidence, which differs from area to area."
)
CYCLE_RULE = (
    "The carers lead's score of each CQC quality statement in each audit; a higher "
    "score is better. “Not scored” where the lead has not scored it."
)


@dataclass(frozen=True)
class ScoreRow:
    code: str
    name: str
    scores: list[int | None]  # one per audit

    @property
    def change(self) -> str:
        """Between the first and last audit: up, down, the same, or not comparable."""
        first, last = self.scores[0], self.scores[-1]
        if first is None or last is None:
            return "Not comparable"
        if last > first:
            return f"Up by {last - first}"
        if last < first:
            return f"Down by {first - last}"
        return "The same"


def score_rows(audits: Sequence[Audit]) -> list[ScoreRow]:
    """One row per quality statement, each audit's lead's score in order."""
    saved = cqc.scores_of(audits)
    return [
        ScoreRow(
            statement.code,
            f"{statement.number}. {statement.name}",
            [saved[audit.id].get(statement.code) for audit in audits],
        )
        for statement in cqc.framework().statements
    ]


@dataclass(frozen=True)
class CqcTable:
    """The leads' CQC scores per area (see benchmark_tables.BenchmarkTable)."""

    columns: list[str]
    rows: list[ScoreRow]
    key: str = "cqc"
    sheet: str = "CQC self-assessment"
    title: str = "CQC self-assessment: each carers lead's scores"
    rule: str = RULE
    row_heading: str = "Quality statement"
    partial: ClassVar[str] = "cycles/_cqc_table.html"

    def flat_head(self) -> list[str]:
        return [f"{self.row_heading} code", self.row_heading, *self.columns]

    def flat_rows(self) -> list[list[FlatValue]]:
        return [
            [row.code, row.name, *(NOT_SCORED if s is None else s for s in row.scores)]
            for row in self.rows
        ]


def cqc_table(grades: Sequence[AuditGrades], columns: list[str]) -> CqcTable:
    return CqcTable(columns, score_rows([g.audit for g in grades]))
