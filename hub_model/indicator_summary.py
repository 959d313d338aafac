"""The indicator dashboard's summary table and its met / not met tables (seed 002 §2.1).

Seed 002's summary: per type of indicator (strategic, critical) the count at
each four-level RAG, the count improving or the same and the count worsening,
and the number expected to report; an "Overall" row gives each as "35% (7)".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hub_model.indicators import Assessment, IndicatorType, format_share
from hub_model.scales import Direction, Rag4

RULE = (
    "Counts are of the indicators that reported a result this period. Each share is of "
    "the reported indicators of that type (or of all types, for Overall), rounded to a "
    "whole percent; the count follows in brackets. Improving or the same, and worsening, "
    "follow each indicator's direction of travel; indicators without one are counted "
    "apart. Not rated indicators are counted apart and never as red."
)


@dataclass(frozen=True)
class DashboardRow:
    """One row of the summary table: a type of indicator, or Overall."""

    label: str
    rag: Mapping[Rag4, int]
    improving_or_same: int
    worsening: int
    no_direction: int
    reported: int
    expected: int | None

    def share(self, grade: Rag4) -> str:
        """The share at ``grade`` as "35% (7)"."""
        return format_share(self.rag[grade], self.reported)

    @property
    def improving_or_same_text(self) -> str:
        """Improving or the same as "90% (18)"."""
        return format_share(self.improving_or_same, self.reported)

    @property
    def worsening_text(self) -> str:
        """Worsening as "45% (9)"."""
        return format_share(self.worsening, self.reported)

    @property
    def not_reported(self) -> int | None:
        """Expected to report but did not; None if the expected number is unknown."""
        return None if self.expected is None else max(self.expected - self.reported, 0)


@dataclass(frozen=True)
class DashboardSummary:
    """The summary table: one row per type of indicator, and Overall."""

    by_type: Mapping[IndicatorType, DashboardRow]
    overall: DashboardRow


def summary_row(
    label: str, assessments: Iterable[Assessment], expected: int | None = None
) -> DashboardRow:
    """Counts for one row, by :data:`RULE`."""
    reported = [a for a in assessments if a.reported]
    rag = dict.fromkeys(Rag4, 0)
    directions = dict.fromkeys(Direction, 0)
    for a in reported:
        rag[a.rag] += 1
        directions[a.direction] += 1
    return DashboardRow(
        label=label,
        rag=rag,
        improving_or_same=directions[Direction.IMPROVING] + directions[Direction.SAME],
        worsening=directions[Direction.WORSENING],
        no_direction=directions[Direction.NONE],
        reported=len(reported),
        expected=expected,
    )


def dashboard_summary(
    assessments: Sequence[Assessment], expected: Mapping[IndicatorType, int] | None = None
) -> DashboardSummary:
    """Seed 002's summary table from one period's assessments.

    ``expected`` gives how many indicators of each type were expected to report;
    the Overall figure is their sum when every type has one.
    """
    wanted = dict(expected or {})
    by_type = {
        kind: summary_row(
            kind.value.title(),
            [a for a in assessments if a.definition.indicator_type is kind],
            wanted.get(kind),
        )
        for kind in IndicatorType
    }
    overall_expected = sum(wanted.values()) if set(wanted) >= set(IndicatorType) else None
    return DashboardSummary(by_type, summary_row("Overall", assessments, overall_expected))


@dataclass(frozen=True)
class MetTables:
    """Seed 002's two tables, and the indicators neither table can hold."""

    not_met: tuple[Assessment, ...]
    met: tuple[Assessment, ...]
    not_assessed: tuple[Assessment, ...]


def split_by_target(assessments: Iterable[Assessment]) -> MetTables:
    """ "Did not meet target", "met or exceeded", and those with no verdict
    (no result, no target or no polarity), each in input order."""
    items = list(assessments)
    return MetTables(
        not_met=tuple(a for a in items if a.met is False),
        met=tuple(a for a in items if a.met is True),
        not_assessed=tuple(a for a in items if a.met is None),
    )
