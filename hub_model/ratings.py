"""Summaries of a rating grid: interventions × carer groups (seed 003 §8.7).

The default summary of an intervention across carer groups is its weakest
rated group (our rule, not the paper's: a gap for any group is a gap), shown
with the spread of grades. The same functions serve every scale in
:mod:`hub_model.scales` (RAG, maturity, the checklist, four-level RAG).

:func:`summarise_many` does the same for many audits at once with pandas.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

import numpy as np
import pandas as pd

from hub_model.scales import label, rank

G = TypeVar("G", bound=StrEnum)

NOT_RATED_VALUE = "not_rated"

RULE = (
    "An intervention's summary is the grade of its weakest rated carer group: "
    "a gap for any group is a gap. Groups not rated are counted separately: "
    "they never count as red and never improve the summary. "
    "If no group is rated, the summary is not rated."
)
SPREAD_RULE = "The spread counts how many carer groups are at each grade, including not rated."


def not_rated(scale: type[G]) -> G:
    """The "not rated" member of ``scale`` (every scale has one)."""
    return scale(NOT_RATED_VALUE)


def ranked_levels(scale: type[G]) -> tuple[G, ...]:
    """The grades of ``scale`` that have a rank, worst first."""
    ranked = [(r, member) for member in scale if (r := rank(member)) is not None]
    return tuple(member for _, member in sorted(ranked, key=lambda pair: pair[0]))


def levels(scale: type[G]) -> tuple[G, ...]:
    """Every state of ``scale`` in display order.

    Ranked grades worst first, then judgements without rank (the checklist's
    "not known"), then not rated.
    """
    ranked = ranked_levels(scale)
    missing = not_rated(scale)
    unranked = tuple(m for m in scale if m not in ranked and m is not missing)
    return (*ranked, *unranked, missing)


@dataclass(frozen=True)
class Summary(Generic[G]):
    """A summary grade with its spread.

    ``spread`` has every level of the scale (zeros included, not rated last);
    ``groups_by_grade`` names the members (carer groups, or whatever was
    summarised) at each level, in input order; ``rated`` counts members with a
    ranked grade; ``total`` counts all members.
    """

    grade: G
    spread: Mapping[G, int]
    groups_by_grade: Mapping[G, tuple[str, ...]]
    rated: int
    total: int

    @property
    def not_rated(self) -> int:
        """How many members nobody has judged."""
        return self.spread[not_rated(type(self.grade))]

    @property
    def judged(self) -> int:
        """How many members carry a judgement (ranked or "not known")."""
        return self.total - self.not_rated

    @property
    def text(self) -> str:
        """Plain words, e.g. "Red (1 red, 2 amber, 3 green, 1 not rated)"."""
        parts = ", ".join(f"{n} {label(level).lower()}" for level, n in self.spread.items())
        return f"{label(self.grade)} ({parts})"


def tally(items: Iterable[tuple[str, G]], scale: type[G]) -> Summary[G]:
    """Summarise named judgements on one scale by the weakest-rated rule.

    The grade is the worst ranked grade present. Not rated is excluded from
    "weakest"; if nothing has a ranked grade, the grade is the first judgement
    without rank present ("not known"), else not rated. Raises ``TypeError``
    for a grade from another scale.
    """
    order = levels(scale)
    named: dict[G, list[str]] = {level: [] for level in order}
    for name, grade in items:
        if not isinstance(grade, scale):
            raise TypeError(f"{grade!r} for {name!r} is not a {scale.__name__} grade")
        named[grade].append(name)
    present = [level for level in order if named[level]]
    grade = present[0] if present else not_rated(scale)
    return Summary(
        grade=grade,
        spread={level: len(names) for level, names in named.items()},
        groups_by_grade={level: tuple(names) for level, names in named.items()},
        rated=sum(len(named[level]) for level in ranked_levels(scale)),
        total=sum(len(names) for names in named.values()),
    )


def summarise(cells: Mapping[str, G], groups: Sequence[str], scale: type[G]) -> Summary[G]:
    """One intervention's summary across carer groups: its weakest rated group.

    ``cells`` maps group code to grade; a group in ``groups`` without a cell is
    not rated; cells for groups outside ``groups`` are ignored. See :data:`RULE`.
    """
    missing = not_rated(scale)
    return tally(((group, cells.get(group, missing)) for group in dict.fromkeys(groups)), scale)


def summarise_grid(
    grid: Mapping[tuple[str, str], G],
    interventions: Sequence[str],
    groups: Sequence[str],
    scale: type[G],
) -> dict[str, Summary[G]]:
    """Per-intervention summaries of a grid keyed by (intervention, group).

    Missing cells are not rated; cells outside the given interventions and
    groups are ignored.
    """
    rows: dict[str, dict[str, G]] = {code: {} for code in interventions}
    for (intervention, group), grade in grid.items():
        if intervention in rows:
            rows[intervention][group] = grade
    return {code: summarise(rows[code], groups, scale) for code in rows}


def fill_grid(
    grid: Mapping[tuple[str, str], G],
    rows: Sequence[str],
    columns: Sequence[str],
    scale: type[G],
) -> dict[tuple[str, str], G]:
    """Every (row, column) cell in scope, not rated where ``grid`` has none."""
    missing = not_rated(scale)
    return {(r, c): grid.get((r, c), missing) for r in rows for c in columns}


# --- pandas: many audits at once -------------------------------------------

GRID_COLUMNS = ["audit", "intervention", "group", "grade"]
KEY_COLUMNS = ["audit", "intervention"]


def grid_frame(records: Iterable[tuple[str, str, str, StrEnum | str]]) -> pd.DataFrame:
    """A frame of grid cells from (audit, intervention, group, grade) records.

    Grades are stored as their values ("red", "not_rated"...).
    """
    rows = [(a, i, g, str(grade)) for a, i, g, grade in records]
    return pd.DataFrame(rows, columns=GRID_COLUMNS)


def frame_from_grids(grids: Mapping[str, Mapping[tuple[str, str], StrEnum]]) -> pd.DataFrame:
    """A cell frame from per-audit grids keyed by (intervention, group)."""
    return grid_frame(
        (audit, i, g, grade) for audit, grid in grids.items() for (i, g), grade in grid.items()
    )


def scope_frame(scopes: Mapping[str, tuple[Sequence[str], Sequence[str]]]) -> pd.DataFrame:
    """Every (audit, intervention, group) cell in scope, from each audit's
    (interventions, groups)."""
    rows = [
        (audit, i, g)
        for audit, (interventions, groups) in scopes.items()
        for i in dict.fromkeys(interventions)
        for g in dict.fromkeys(groups)
    ]
    return pd.DataFrame(rows, columns=GRID_COLUMNS[:3])


def summarise_many(
    cells: pd.DataFrame, scale: type[StrEnum], scope: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per (audit, intervention) summaries for many audits, by :data:`RULE`.

    ``cells`` has columns audit, intervention, group, grade (values). With
    ``scope`` (columns audit, intervention, group) every scoped cell counts,
    missing ones as not rated, and cells outside scope are dropped; without
    it, each row of ``cells`` is one cell. Returns a frame indexed by
    (audit, intervention) with columns grade (value), one count column per
    level value, rated and total: the same answers as :func:`summarise`.
    """
    order = levels(scale)
    frame = _cells_in_scope(cells, scope, str(not_rated(scale)))
    keys, index = _key_codes(frame)
    codes = _level_codes(frame["grade"], order, scale.__name__)
    n_keys, n_levels = len(index), len(order)
    counts = np.bincount(keys * n_levels + codes, minlength=n_keys * n_levels)
    counts = counts.reshape(n_keys, n_levels)
    values = np.array([str(level) for level in order], dtype=object)
    result = pd.DataFrame(counts, index=index, columns=pd.Index(values))
    # Levels run worst first, then unranked judgements, then not rated: the first
    # level present is the weakest rated grade, or else the fallback of tally().
    result.insert(0, "grade", values[(counts > 0).argmax(axis=1)])
    result["rated"] = counts[:, : len(ranked_levels(scale))].sum(axis=1)
    result["total"] = counts.sum(axis=1)
    return result


def _key_codes(frame: pd.DataFrame) -> tuple[np.ndarray, pd.MultiIndex]:
    """Each row's (audit, intervention) number, and the keys in first-seen order.

    Factorising columns separately and combining integers is several times
    faster than factorising a MultiIndex; it also finds duplicate cells cheaply.
    """
    audits, audit_names = pd.factorize(frame["audit"])
    interventions, intervention_names = pd.factorize(frame["intervention"])
    groups, group_names = pd.factorize(frame["group"])
    pairs = audits.astype(np.int64) * len(intervention_names) + interventions
    if pd.Series(pairs * len(group_names) + groups).duplicated().any():
        raise ValueError("a cell (audit, intervention, group) appears more than once")
    keys, first_seen = pd.factorize(pairs)
    index = pd.MultiIndex.from_arrays(
        [
            audit_names[first_seen // len(intervention_names)],
            intervention_names[first_seen % len(intervention_names)],
        ],
        names=KEY_COLUMNS,
    )
    return keys.astype(np.int64), index


def _level_codes(grades: pd.Series, order: tuple[StrEnum, ...], scale_name: str) -> np.ndarray:
    """Each grade's position in ``order``; ValueError for a grade not on the scale."""
    codes, seen = pd.factorize(grades)
    position = {str(level): i for i, level in enumerate(order)}
    bad = sorted(str(value) for value in seen if str(value) not in position)
    if bad or (codes < 0).any():
        raise ValueError(f"not {scale_name} grades: {bad or ['<missing>']}")
    lookup = np.array([position[str(value)] for value in seen], dtype=np.int64)
    return lookup[codes]


def _cells_in_scope(cells: pd.DataFrame, scope: pd.DataFrame | None, missing: str) -> pd.DataFrame:
    frame = cells[GRID_COLUMNS]
    if scope is None:
        return frame
    merged = scope[GRID_COLUMNS[:3]].merge(frame, how="left", on=GRID_COLUMNS[:3])
    merged["grade"] = merged["grade"].fillna(missing)
    return merged
