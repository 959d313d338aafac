"""One indicator across several areas: the regional picture beside each area's result.

Each area brings its latest period with a result, already assessed by
:mod:`hub_model.indicators` (result, target, RAG, direction of travel). This
module only counts and compares them; it never re-derives an area's figures.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hub_model.indicators import Assessment, IndicatorDefinition, format_value
from hub_model.scales import Rag4, Unit, label

# The order the regional counts are read in: best first, not rated last and apart.
RAG_ORDER = (Rag4.GREEN, Rag4.GREEN_AMBER, Rag4.RED_AMBER, Rag4.RED, Rag4.NOT_RATED)

REGION_RULE = (
    "The regional column counts the areas with a result and how many are at each RAG "
    "level (not rated is counted apart, never as red). It gives the lowest, median and "
    "highest result when two or more areas report it, all in the same unit; "
    "the median of an even number of results is the mean of the middle two. Results "
    "in different units, or in the unit 'other' (each area's own terms), are not "
    "compared. Counts are compared as they stand, not adjusted for the size of each area."
)
NO_RESULT = "No area reports a result."
ONE_RESULT = "Only one area reports a result: nothing to compare it with."
DIFFERENT_UNITS = "Not compared: the areas measure it in different units ({units})."
OWN_TERMS = "Not compared: results are in each area's own terms (unit 'other')."
COUNTS = "Counts, not adjusted for the size of each area."
PERIODS_DIFFER = "Periods differ: they end between {first} and {last}."


@dataclass(frozen=True)
class Reported:
    """One area's latest period with a result, as assessed."""

    period_end: date
    assessment: Assessment

    def __post_init__(self) -> None:
        if self.assessment.result is None:
            raise ValueError("a reported period needs a result")


@dataclass(frozen=True)
class ResultRange:
    """The lowest, median and highest of the areas' results, unrounded."""

    lowest: Decimal
    median: Decimal
    highest: Decimal


@dataclass(frozen=True)
class RegionalPicture:
    """The regional column of one indicator."""

    areas: int  # areas compared, whether or not they have the indicator
    reporting: int  # areas with a result
    rag: Mapping[Rag4, int]
    range: ResultRange | None
    display: IndicatorDefinition | None  # how the range is shown (most decimals)
    notes: tuple[str, ...]  # why there is no range, and any caution

    @property
    def reporting_text(self) -> str:
        """ "Reported by 2 of 3 areas"."""
        noun = "area" if self.areas == 1 else "areas"
        return f"Reported by {self.reporting} of {self.areas} {noun}"

    @property
    def rag_text(self) -> str:
        """The non-zero RAG counts, best first: "2 green, 1 red"; "" if none."""
        return ", ".join(
            f"{self.rag[level]} {label(level).lower()}" for level in RAG_ORDER if self.rag[level]
        )

    def range_values(self) -> tuple[str, str, str]:
        """Lowest, median and highest for display; blank without a range."""
        if self.range is None or self.display is None:
            return ("", "", "")
        return (
            format_value(self.range.lowest, self.display),
            format_value(self.range.median, self.display),
            format_value(self.range.highest, self.display),
        )


def _range_or_notes(
    definitions: Sequence[IndicatorDefinition], results: Sequence[Decimal]
) -> tuple[ResultRange | None, tuple[str, ...]]:
    units = list(dict.fromkeys(d.unit for d in definitions))
    if len(results) < 2:
        return None, (ONE_RESULT if results else NO_RESULT,)
    if len(units) > 1:
        names = ", ".join(label_of_unit(u) for u in units)
        return None, (DIFFERENT_UNITS.format(units=names),)
    if units[0] is Unit.OTHER:
        return None, (OWN_TERMS,)
    found = ResultRange(min(results), statistics.median(results), max(results))
    return found, ((COUNTS,) if units[0] is Unit.COUNT else ())


def label_of_unit(unit: Unit) -> str:
    """A unit in plain words, for notes."""
    return {
        Unit.PERCENTAGE: "percentage",
        Unit.RATE_PER_100000: "rate per 100,000",
        Unit.COUNT: "count",
        Unit.AVERAGE: "average",
        Unit.OTHER: "other",
    }[unit]


def regional_picture(areas: int, reported: Sequence[Reported]) -> RegionalPicture:
    """The regional column from the reporting areas' latest periods, by
    :data:`REGION_RULE`; ``areas`` is how many areas are compared in all."""
    if len(reported) > areas:
        raise ValueError("more areas report than are compared")
    rag = dict.fromkeys(RAG_ORDER, 0)
    for item in reported:
        rag[item.assessment.rag] += 1
    definitions = [item.assessment.definition for item in reported]
    results = [item.assessment.result for item in reported if item.assessment.result is not None]
    found, notes = _range_or_notes(definitions, results)
    ends = sorted({item.period_end for item in reported})
    if len(ends) > 1:
        first, last = (f"{day.day} {day:%B %Y}" for day in (ends[0], ends[-1]))
        notes = (*notes, PERIODS_DIFFER.format(first=first, last=last))
    display = max(definitions, key=lambda d: d.display_decimals) if found else None
    return RegionalPicture(areas, len(reported), rag, found, display, notes)
