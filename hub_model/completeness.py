"""How complete an audit's judgements are: cells judged, and judgements with evidence."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeVar

from hub_model.checklist import EMPTY, Cell, ChecklistCell
from hub_model.ratings import NOT_RATED_VALUE

K = TypeVar("K", bound=Hashable)

RULE = (
    'A cell is judged once someone has given it a grade ("not known" counts as a '
    "judgement; not rated does not). A judgement is evidenced when it links to at least "
    "one piece of evidence. Shares are of the cells in scope and of the judgements made."
)


@dataclass(frozen=True)
class Completeness:
    """Counts and shares (0 to 1) of cells judged and judgements evidenced."""

    cells: int
    judged: int
    evidenced: int

    @property
    def share_judged(self) -> float:
        """Judged cells as a share of all cells; 0 when there are no cells."""
        return self.judged / self.cells if self.cells else 0.0

    @property
    def share_evidenced(self) -> float:
        """Evidenced judgements as a share of judgements; 0 when there are none."""
        return self.evidenced / self.judged if self.judged else 0.0

    @property
    def text(self) -> str:
        """Plain words, e.g. "12 of 20 cells judged (60%); 6 of 12 judgements evidenced (50%)"."""
        return (
            f"{self.judged} of {self.cells} cells judged ({_percent(self.judged, self.cells)}); "
            f"{self.evidenced} of {self.judged} judgements evidenced "
            f"({_percent(self.evidenced, self.judged)})"
        )


@dataclass(frozen=True)
class ChecklistCompleteness:
    """Completeness of the checklist's two judgements per cell."""

    status: Completeness
    indicator: Completeness


def completeness(
    grades: Mapping[K, StrEnum],
    cells: Iterable[K],
    evidence: Mapping[K, int] | Collection[K],
) -> Completeness:
    """Completeness of the cells in scope, by :data:`RULE`.

    ``grades`` maps cell key to grade (a missing key is not rated);
    ``evidence`` maps cell key to its number of evidence links, or is the
    collection of keys with at least one. Evidence on an unjudged cell does
    not count.
    """
    keys = list(dict.fromkeys(cells))
    judged = [key for key in keys if key in grades and str(grades[key]) != NOT_RATED_VALUE]
    return Completeness(
        cells=len(keys),
        judged=len(judged),
        evidenced=sum(1 for key in judged if _has_evidence(evidence, key)),
    )


def grid_completeness(
    grid: Mapping[tuple[str, str], StrEnum],
    interventions: Sequence[str],
    groups: Sequence[str],
    evidence: Mapping[tuple[str, str], int] | Collection[tuple[str, str]],
) -> Completeness:
    """Completeness of an intervention × group grid (RAG or maturity)."""
    return completeness(grid, ((i, g) for i in interventions for g in groups), evidence)


def checklist_completeness(
    checklist: Mapping[Cell, ChecklistCell],
    sub_outcomes: Sequence[str],
    groups: Sequence[str],
    evidence: Mapping[Cell, int] | Collection[Cell],
) -> ChecklistCompleteness:
    """Completeness of the checklist: services status and indicator RAG, separately."""
    cells = [(s, g) for s in sub_outcomes for g in groups]
    scoped = {key: checklist.get(key, EMPTY) for key in cells}
    return ChecklistCompleteness(
        status=completeness({k: c.status for k, c in scoped.items()}, cells, evidence),
        indicator=completeness({k: c.indicator for k, c in scoped.items()}, cells, evidence),
    )


def _has_evidence(evidence: Mapping[K, int] | Collection[K], key: K) -> bool:
    if isinstance(evidence, Mapping):
        return evidence.get(key, 0) > 0
    return key in evidence


def _percent(part: int, whole: int) -> str:
    share = Decimal(part * 100) / whole if whole else Decimal(0)
    return f"{share.quantize(Decimal(1), ROUND_HALF_UP)}%"
