"""Property tests for the aggregation rules (hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from hypothesis import given, settings
from hypothesis import strategies as st

from hub_model.comparison import compare, compare_grade
from hub_model.completeness import grid_completeness
from hub_model.indicators import direction, met, target_variance
from hub_model.ratings import (
    frame_from_grids,
    levels,
    not_rated,
    ranked_levels,
    scope_frame,
    summarise,
    summarise_grid,
    summarise_many,
)
from hub_model.reach import reach
from hub_model.scales import Change, ChecklistStatus, Direction, Maturity, Polarity, Rag, Rag4, rank

SCALES: list[type[StrEnum]] = [Rag, Maturity, Rag4, ChecklistStatus]
INTERVENTIONS = [f"i{n}" for n in range(4)]
GROUPS = [f"g{n}" for n in range(5)]
Grid = dict[tuple[str, str], StrEnum]

cells_keys = st.tuples(st.sampled_from(INTERVENTIONS), st.sampled_from(GROUPS))


def grids(scale: type[StrEnum]) -> st.SearchStrategy[Grid]:
    return st.dictionaries(cells_keys, st.sampled_from(list(scale)), max_size=20)


scaled_grid = st.sampled_from(SCALES).flatmap(lambda s: st.tuples(st.just(s), grids(s)))
rag_grids = grids(Rag)


@given(scaled_grid)
def test_summary_is_never_better_than_its_weakest_rated_group(
    case: tuple[type[StrEnum], Grid],
) -> None:
    scale, grid = case
    for code, summary in summarise_grid(grid, INTERVENTIONS, GROUPS, scale).items():
        rated = [rank(g) for (i, _), g in grid.items() if i == code and rank(g) is not None]
        if rated:
            assert rank(summary.grade) == min(r for r in rated if r is not None)
        else:
            assert rank(summary.grade) is None


@given(scaled_grid)
def test_summary_never_counts_not_rated_as_worst(case: tuple[type[StrEnum], Grid]) -> None:
    scale, grid = case
    worst, missing = ranked_levels(scale)[0], not_rated(scale)
    for code, summary in summarise_grid(grid, INTERVENTIONS, GROUPS, scale).items():
        row = {g: grade for (i, g), grade in grid.items() if i == code}
        assert summary.spread[worst] == sum(1 for grade in row.values() if grade is worst)
        assert summary.spread[missing] == len(GROUPS) - len(row) + sum(
            1 for grade in row.values() if grade is missing
        )
        assert sum(summary.spread.values()) == summary.total == len(GROUPS)
        if all(grade is missing for grade in row.values()):
            assert summary.grade is missing


@given(scaled_grid, st.integers(min_value=1, max_value=5))
def test_groups_not_rated_never_change_the_summary_grade(
    case: tuple[type[StrEnum], Grid], extra: int
) -> None:
    scale, grid = case
    cells = {g: grade for (i, g), grade in grid.items() if i == INTERVENTIONS[0]}
    before = summarise(cells, GROUPS, scale)
    unrated = {f"new{n}": not_rated(scale) for n in range(extra)}

    after = summarise({**cells, **unrated}, [*GROUPS, *unrated], scale)

    assert after.grade is before.grade
    assert after.not_rated == before.not_rated + extra


@given(scaled_grid, st.sampled_from(GROUPS))
def test_a_worse_grade_for_one_group_never_improves_the_summary(
    case: tuple[type[StrEnum], Grid], group: str
) -> None:
    scale, grid = case
    cells = {g: grade for (i, g), grade in grid.items() if i == INTERVENTIONS[0]}
    before = summarise(cells, GROUPS, scale)

    after = summarise({**cells, group: ranked_levels(scale)[0]}, GROUPS, scale)

    assert after.grade is ranked_levels(scale)[0]
    assert rank(after.grade) <= (rank(before.grade) or 0)  # type: ignore[operator]


@given(
    scaled_grid.flatmap(lambda c: st.tuples(st.just(c), cells_keys, st.sampled_from(list(c[0]))))
)
def test_adding_a_judgement_changes_nothing_else(
    case: tuple[tuple[type[StrEnum], Grid], tuple[str, str], StrEnum],
) -> None:
    (scale, earlier), cell, grade = case
    later = {**earlier, cell: grade}

    changes = compare(earlier, later)
    before = summarise_grid(earlier, INTERVENTIONS, GROUPS, scale)
    after = summarise_grid(later, INTERVENTIONS, GROUPS, scale)

    assert all(change is Change.UNCHANGED for key, change in changes.items() if key != cell)
    assert all(after[i] == before[i] for i in INTERVENTIONS if i != cell[0])


@given(scaled_grid)
def test_an_audit_compared_with_itself_is_all_unchanged(case: tuple[type[StrEnum], Grid]) -> None:
    _, grid = case
    assert all(change is Change.UNCHANGED for change in compare(grid, dict(grid)).values())


MIRROR = {
    Change.IMPROVED: Change.WORSENED,
    Change.WORSENED: Change.IMPROVED,
    Change.NEW: Change.REMOVED,
    Change.REMOVED: Change.NEW,
    Change.UNCHANGED: Change.UNCHANGED,
}


@given(
    st.sampled_from(SCALES).flatmap(
        lambda s: st.lists(st.sampled_from(list(s)), min_size=2, max_size=2)
    )
)
def test_comparison_reversed_is_mirrored(pair: list[StrEnum]) -> None:
    a, b = pair
    assert compare_grade(b, a) is MIRROR[compare_grade(a, b)]


@settings(deadline=None, max_examples=60)
@given(
    st.sampled_from(SCALES).flatmap(
        lambda s: st.tuples(
            st.just(s), st.dictionaries(st.sampled_from(["n", "s", "e"]), grids(s), max_size=3)
        )
    ),
    st.booleans(),
)
def test_pandas_summarise_many_equals_the_pure_function(
    case: tuple[type[StrEnum], dict[str, Grid]], scoped: bool
) -> None:
    scale, audits = case
    cells = frame_from_grids(audits)
    scope = scope_frame({a: (INTERVENTIONS, GROUPS) for a in audits}) if scoped else None

    many = summarise_many(cells, scale, scope)

    for audit, grid in audits.items():
        if scoped:
            expected = summarise_grid(grid, INTERVENTIONS, GROUPS, scale)
        else:  # without a scope, each audit's cells are all there is
            present = list(dict.fromkeys(i for i, _ in grid))
            expected = {
                i: summarise(
                    {g: v for (j, g), v in grid.items() if j == i},
                    sorted({g for (j, g) in grid if j == i}),
                    scale,
                )
                for i in present
            }
        for code, pure in expected.items():
            row = many.loc[(audit, code)]
            assert row["grade"] == pure.grade.value
            assert [row[level.value] for level in levels(scale)] == list(pure.spread.values())
            assert (row["rated"], row["total"]) == (pure.rated, pure.total)
    expected_rows = sum(
        len(INTERVENTIONS) if scoped else len({i for i, _ in g}) for g in audits.values()
    )
    assert len(many) == expected_rows


@given(rag_grids)
def test_reached_groups_have_an_amber_or_green_cell(grid: Grid) -> None:
    found = reach(grid, GROUPS)  # type: ignore[arg-type]
    for group in GROUPS:
        served = any(g == group and v in (Rag.AMBER, Rag.GREEN) for (_, g), v in grid.items())
        assert (group not in found.not_reached) is served


@given(scaled_grid, st.sets(cells_keys))
def test_completeness_shares_are_between_0_and_1(
    case: tuple[type[StrEnum], Grid], evidence: set[tuple[str, str]]
) -> None:
    _, grid = case
    found = grid_completeness(grid, INTERVENTIONS, GROUPS, evidence)
    assert 0 <= found.share_judged <= 1 and 0 <= found.share_evidenced <= 1
    assert found.evidenced <= found.judged <= found.cells == len(INTERVENTIONS) * len(GROUPS)


numbers = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False)


@given(numbers, numbers)
def test_flipping_polarity_swaps_improving_and_worsening(found: Decimal, previous: Decimal) -> None:
    up, down = (
        direction(found, previous, Polarity.HIGHER),
        direction(found, previous, Polarity.LOWER),
    )
    swap = {Direction.IMPROVING: Direction.WORSENING, Direction.WORSENING: Direction.IMPROVING}
    assert down is swap.get(up, up)


@given(numbers, numbers)
def test_target_variance_is_never_negative_and_met_follows_polarity(
    found: Decimal, target: Decimal
) -> None:
    variance = target_variance(found, target)
    assert variance is None or variance >= 0
    assert (target == 0) is (variance is None)
    up, down = met(found, target, Polarity.HIGHER), met(found, target, Polarity.LOWER)
    assert up or down  # at least one side of the target is met
    assert (up and down) is (found == target)
