"""Comparing two audits: what moved between cycles (DESIGN "Cycle comparison").

Cells and outcomes are matched by code, so audits on different framework
versions compare wherever their codes agree.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from hub_model.checklist import OutcomeView
from hub_model.indicators import direction, rounded
from hub_model.ratings import Summary
from hub_model.scales import Change, Direction, Polarity, rank

G = TypeVar("G", bound=StrEnum)
K = TypeVar("K", bound=Hashable)

RULE = (
    "Cells and outcomes are matched by their codes. Rated in both audits: improved or "
    "worsened by the grade's place on the scale, unchanged if equal. Only in the later "
    'audit: new; only in the earlier: removed. Not rated (or "not known") in both: '
    "unchanged. Gaining a rating: new; losing one: removed."
)


INDICATOR_RULE = (
    "Indicators are matched with the last cycle's by their catalogue reference (such as "
    "NI135) or, for a local indicator, by their reference. Each cycle's latest result "
    "(from its latest period with a result) is compared as this cycle shows it, rounded "
    "to its decimal places: improving if it moved the better way for the indicator's "
    "polarity, worsening if the worse way, same if equal as shown; not applicable "
    "without polarity or without a result in both cycles."
)


def compare_grade(earlier: G | None, later: G | None) -> Change:
    """What happened to one cell between two audits, by :data:`RULE`.

    ``None`` means the cell is absent from that audit. Judgements without rank
    (not rated, "not known") count as unrated here.
    """
    if earlier is None and later is None:
        raise ValueError("a cell must be present in at least one audit")
    if earlier is None:
        return Change.NEW
    if later is None:
        return Change.REMOVED
    if type(earlier) is not type(later):
        raise TypeError(f"cannot compare {earlier!r} with {later!r}: different scales")
    before, after = rank(earlier), rank(later)
    if before is None and after is None:
        return Change.UNCHANGED
    if before is None:
        return Change.NEW
    if after is None:
        return Change.REMOVED
    if after > before:
        return Change.IMPROVED
    if after < before:
        return Change.WORSENED
    return Change.UNCHANGED


def compare(earlier: Mapping[K, G], later: Mapping[K, G]) -> dict[K, Change]:
    """Per-key changes between two audits' grades (cells, interventions or outcomes).

    A key present in a mapping is present in that audit (pass not rated cells
    explicitly, e.g. with :func:`hub_model.ratings.fill_grid`). Keys come in
    the earlier audit's order, then keys only in the later one.
    """
    keys = dict.fromkeys([*earlier, *later])
    return {key: compare_grade(earlier.get(key), later.get(key)) for key in keys}


def compare_summaries(
    earlier: Mapping[K, Summary[G]], later: Mapping[K, Summary[G]]
) -> dict[K, Change]:
    """Per-key changes between two audits' summaries, by their summary grades."""
    return compare(
        {key: s.grade for key, s in earlier.items()}, {key: s.grade for key, s in later.items()}
    )


@dataclass(frozen=True)
class OutcomeChange:
    """What moved for one outcome: its checklist status, its indicator RAG and its
    linked interventions' weakest summary."""

    status: Change
    indicator: Change
    interventions: Change


def compare_outcomes(
    earlier: Mapping[str, OutcomeView], later: Mapping[str, OutcomeView]
) -> dict[str, OutcomeChange]:
    """Per-outcome changes between two audits' outcome views, by :data:`RULE`."""
    status = compare(
        {k: v.checklist.overall.status.grade for k, v in earlier.items()},
        {k: v.checklist.overall.status.grade for k, v in later.items()},
    )
    indicator = compare(
        {k: v.checklist.overall.indicator.grade for k, v in earlier.items()},
        {k: v.checklist.overall.indicator.grade for k, v in later.items()},
    )
    interventions = compare(
        {k: v.interventions.grade for k, v in earlier.items()},
        {k: v.interventions.grade for k, v in later.items()},
    )
    return {
        outcome: OutcomeChange(status[outcome], indicator[outcome], interventions[outcome])
        for outcome in status
    }


def tally(changes: Mapping[K, Change] | Iterable[Change]) -> dict[Change, int]:
    """How many of each kind of change (every kind present, zeros included)."""
    values = changes.values() if isinstance(changes, Mapping) else changes
    counts = dict.fromkeys(Change, 0)
    for change in values:
        counts[change] += 1
    return counts


def indicator_change(
    earlier: Decimal | None, later: Decimal | None, polarity: Polarity, decimals: int
) -> Direction:
    """How an indicator's latest result moved between two cycles, by :data:`INDICATOR_RULE`:
    compared as shown with ``decimals`` places, so a change the rounding hides is "same"."""
    if earlier is None or later is None:
        return Direction.NONE
    step = Decimal(1).scaleb(-decimals)
    return direction(rounded(later, step), rounded(earlier, step), polarity)
