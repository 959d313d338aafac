"""The weakest-rated-group rule for intervention summaries, and its pandas twin."""

from __future__ import annotations

import time
from enum import StrEnum

import pytest

from hub_model.ratings import (
    RULE,
    Summary,
    fill_grid,
    frame_from_grids,
    grid_frame,
    levels,
    not_rated,
    ranked_levels,
    scope_frame,
    summarise,
    summarise_grid,
    summarise_many,
    tally,
)
from hub_model.scales import ChecklistStatus, Maturity, Rag, Rag4

R, A, G, N = Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_RATED
GROUPS = ["dementia", "stroke", "young_adult", "bme", "distance"]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param({"dementia": G, "stroke": G}, G, id="all-rated-green-is-green"),
        pytest.param({"dementia": G, "stroke": R, "bme": A}, R, id="one-red-makes-red"),
        pytest.param({"dementia": G, "stroke": A}, A, id="amber-weakest"),
        pytest.param({"dementia": G, "stroke": N}, G, id="not-rated-excluded-from-weakest"),
        pytest.param({"dementia": N, "stroke": N}, N, id="all-not-rated-is-not-rated"),
        pytest.param({}, N, id="no-cells-is-not-rated"),
        pytest.param({"dementia": A, "elsewhere": R}, A, id="out-of-scope-group-ignored"),
    ],
)
def test_summary_is_weakest_rated_group(cells: dict[str, Rag], expected: Rag) -> None:
    assert summarise(cells, GROUPS, Rag).grade is expected


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param(
            {"dementia": Maturity.ADVANCED, "stroke": Maturity.EARLY},
            Maturity.EARLY,
            id="early-weakest",
        ),
        pytest.param(
            {"dementia": Maturity.ADVANCED, "stroke": Maturity.INTERMEDIATE},
            Maturity.INTERMEDIATE,
            id="intermediate-weakest",
        ),
        pytest.param({"dementia": Maturity.NOT_RATED}, Maturity.NOT_RATED, id="not-rated"),
    ],
)
def test_same_rule_serves_maturity(cells: dict[str, Maturity], expected: Maturity) -> None:
    assert summarise(cells, GROUPS, Maturity).grade is expected


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param(
            {"dementia": ChecklistStatus.NOT_KNOWN, "stroke": ChecklistStatus.IN_PLACE},
            ChecklistStatus.IN_PLACE,
            id="not-known-is-not-worst",
        ),
        pytest.param(
            {"dementia": ChecklistStatus.NOT_KNOWN, "stroke": ChecklistStatus.NOT_IN_PLACE},
            ChecklistStatus.NOT_IN_PLACE,
            id="not-known-is-not-best",
        ),
        pytest.param(
            {"dementia": ChecklistStatus.NOT_KNOWN},
            ChecklistStatus.NOT_KNOWN,
            id="only-not-known-is-not-known",
        ),
    ],
)
def test_checklist_not_known_has_no_rank(
    cells: dict[str, ChecklistStatus], expected: ChecklistStatus
) -> None:
    assert summarise(cells, GROUPS, ChecklistStatus).grade is expected


def test_spread_counts_every_level_including_not_rated() -> None:
    summary = summarise({"dementia": R, "stroke": A, "young_adult": A, "bme": G}, GROUPS, Rag)

    assert summary.spread == {R: 1, A: 2, G: 1, N: 1}
    assert list(summary.spread) == [R, A, G, N]
    assert (summary.rated, summary.total, summary.not_rated, summary.judged) == (4, 5, 1, 4)


def test_groups_at_each_grade_are_named_in_given_order() -> None:
    summary = summarise({"bme": R, "dementia": R, "stroke": G}, GROUPS, Rag)

    assert summary.groups_by_grade == {
        R: ("dementia", "bme"),
        A: (),
        G: ("stroke",),
        N: ("young_adult", "distance"),
    }


@pytest.mark.parametrize(
    ("cells", "scale", "text"),
    [
        pytest.param(
            {"a": R, "b": A, "c": A, "d": G, "e": G, "f": G, "g": N},
            Rag,
            "Red (1 red, 2 amber, 3 green, 1 not rated)",
            id="rag",
        ),
        pytest.param({}, Rag, "Not rated (0 red, 0 amber, 0 green, 0 not rated)", id="empty"),
        pytest.param(
            {"a": Maturity.INTERMEDIATE, "b": Maturity.ADVANCED},
            Maturity,
            "Intermediate (0 early, 1 intermediate, 1 advanced, 0 not rated)",
            id="maturity",
        ),
        pytest.param(
            {"a": ChecklistStatus.NOT_KNOWN, "b": ChecklistStatus.NOT_RATED},
            ChecklistStatus,
            "Not known (0 not in place, 0 partly in place, 0 in place, 1 not known, "
            "1 not assessed)",
            id="checklist",
        ),
    ],
)
def test_summary_text(cells: dict[str, StrEnum], scale: type[StrEnum], text: str) -> None:
    assert summarise(cells, list(cells), scale).text == text


def test_duplicate_groups_count_once() -> None:
    assert summarise({"a": R}, ["a", "a", "b"], Rag).total == 2


def test_grade_from_another_scale_is_refused() -> None:
    with pytest.raises(TypeError, match="not a Rag grade"):
        summarise({"dementia": Rag4.RED}, GROUPS, Rag)


@pytest.mark.parametrize(
    ("scale", "expected"),
    [
        pytest.param(Rag, (R, A, G, N), id="rag"),
        pytest.param(
            Maturity,
            (Maturity.EARLY, Maturity.INTERMEDIATE, Maturity.ADVANCED, Maturity.NOT_RATED),
            id="maturity",
        ),
        pytest.param(
            Rag4,
            (Rag4.RED, Rag4.RED_AMBER, Rag4.GREEN_AMBER, Rag4.GREEN, Rag4.NOT_RATED),
            id="rag4",
        ),
        pytest.param(
            ChecklistStatus,
            (
                ChecklistStatus.NOT_IN_PLACE,
                ChecklistStatus.PARTLY,
                ChecklistStatus.IN_PLACE,
                ChecklistStatus.NOT_KNOWN,
                ChecklistStatus.NOT_RATED,
            ),
            id="checklist",
        ),
    ],
)
def test_levels_are_worst_first_then_unranked_then_not_rated(
    scale: type[StrEnum], expected: tuple[StrEnum, ...]
) -> None:
    assert levels(scale) == expected
    assert not_rated(scale) == expected[-1]
    assert all(level in ranked_levels(scale) for level in expected[:3])


def test_summarise_grid_missing_cells_are_not_rated_and_outsiders_ignored() -> None:
    grid = {("breaks", "dementia"): G, ("breaks", "stroke"): A, ("other", "dementia"): R}

    summaries = summarise_grid(grid, ["breaks", "advice"], ["dementia", "stroke"], Rag)

    assert list(summaries) == ["breaks", "advice"]
    assert summaries["breaks"].grade is A
    assert summaries["advice"].grade is N
    assert summaries["advice"].spread[N] == 2


def test_fill_grid_covers_scope() -> None:
    filled = fill_grid({("breaks", "a"): G, ("x", "a"): R}, ["breaks"], ["a", "b"], Rag)
    assert filled == {("breaks", "a"): G, ("breaks", "b"): N}


def test_tally_names_any_members() -> None:
    summary = tally([("1a", R), ("1b", G)], Rag)
    assert isinstance(summary, Summary)
    assert summary.groups_by_grade[R] == ("1a",)


def test_rule_is_plain_words() -> None:
    assert "weakest" in RULE and "not rated" in RULE


# --- pandas -----------------------------------------------------------------


def test_summarise_many_matches_the_worked_example() -> None:
    cells = grid_frame(
        [
            ("north", "breaks", "dementia", R),
            ("north", "breaks", "stroke", G),
            ("north", "advice", "dementia", N),
            ("south", "breaks", "dementia", A),
        ]
    )

    summary = summarise_many(cells, Rag)

    assert summary.loc[("north", "breaks"), "grade"] == "red"
    assert summary.loc[("north", "advice"), "grade"] == "not_rated"
    assert summary.loc[("south", "breaks"), "grade"] == "amber"
    assert summary.loc[("north", "breaks"), ["red", "amber", "green", "not_rated"]].tolist() == [
        1,
        0,
        1,
        0,
    ]
    assert summary.loc[("north", "breaks"), "rated"] == 2
    assert list(summary.index.names) == ["audit", "intervention"]


def test_summarise_many_with_scope_counts_missing_cells_as_not_rated() -> None:
    cells = grid_frame([("north", "breaks", "dementia", G), ("north", "breaks", "out", R)])
    scope = scope_frame({"north": (["breaks", "advice"], ["dementia", "stroke"])})

    summary = summarise_many(cells, Rag, scope)

    assert summary.loc[("north", "breaks"), "grade"] == "green"
    assert summary.loc[("north", "breaks"), "not_rated"] == 1
    assert summary.loc[("north", "breaks"), "total"] == 2
    assert summary.loc[("north", "advice"), "grade"] == "not_rated"


def test_summarise_many_refuses_duplicate_cells() -> None:
    cells = grid_frame([("n", "b", "d", G), ("n", "b", "d", R)])
    with pytest.raises(ValueError, match="more than once"):
        summarise_many(cells, Rag)


def test_summarise_many_refuses_grades_from_another_scale() -> None:
    cells = grid_frame([("n", "b", "d", Maturity.EARLY)])
    with pytest.raises(ValueError, match="not Rag grades"):
        summarise_many(cells, Rag)


def test_summarise_many_handles_national_scale_quickly() -> None:
    """150 areas × 3 cycles × 17 interventions × 12 groups ≈ 92k cells."""
    grades = [R, A, G, N]
    grids = {
        f"area{a}-cycle{c}": {
            (f"i{i}", f"g{g}"): grades[(a * 7 + c * 5 + i * 3 + g) % 4]
            for i in range(17)
            for g in range(12)
        }
        for a in range(150)
        for c in range(3)
    }
    cells = frame_from_grids(grids)
    assert len(cells) == 91_800

    started = time.perf_counter()
    summary = summarise_many(cells, Rag)
    elapsed = time.perf_counter() - started

    # The budget is 300 ms; the bound here is loose so a busy machine cannot fail it.
    assert elapsed < 2.0
    for audit in ("area0-cycle0", "area149-cycle2"):
        expected = summarise_grid(
            grids[audit], [f"i{i}" for i in range(17)], [f"g{g}" for g in range(12)], Rag
        )
        for code, pure in expected.items():
            row = summary.loc[(audit, code)]
            assert row["grade"] == pure.grade.value
            assert [row[level.value] for level in levels(Rag)] == list(pure.spread.values())


def test_summarise_many_of_no_cells_is_empty() -> None:
    summary = summarise_many(grid_frame([]), Rag)
    assert summary.empty
    assert list(summary.columns) == [
        "grade",
        "red",
        "amber",
        "green",
        "not_rated",
        "rated",
        "total",
    ]
