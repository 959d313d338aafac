"""Comparing two audits cell by cell and outcome by outcome."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

import pytest

from hub_model.checklist import ChecklistCell, outcome_views
from hub_model.comparison import (
    RULE,
    OutcomeChange,
    compare,
    compare_grade,
    compare_outcomes,
    compare_summaries,
    indicator_change,
    tally,
)
from hub_model.ratings import summarise_grid
from hub_model.scales import Change, ChecklistStatus, Direction, Maturity, Polarity, Rag

R, A, G, N = Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_RATED


@pytest.mark.parametrize(
    ("earlier", "later", "change"),
    [
        pytest.param(R, A, Change.IMPROVED, id="red-to-amber-improved"),
        pytest.param(R, G, Change.IMPROVED, id="red-to-green-improved"),
        pytest.param(G, A, Change.WORSENED, id="green-to-amber-worsened"),
        pytest.param(A, A, Change.UNCHANGED, id="same-grade-unchanged"),
        pytest.param(N, N, Change.UNCHANGED, id="not-rated-both-unchanged"),
        pytest.param(N, R, Change.NEW, id="gains-a-rating-new"),
        pytest.param(G, N, Change.REMOVED, id="loses-its-rating-removed"),
        pytest.param(None, G, Change.NEW, id="only-in-later-new"),
        pytest.param(None, N, Change.NEW, id="only-in-later-not-rated-still-new"),
        pytest.param(R, None, Change.REMOVED, id="only-in-earlier-removed"),
        pytest.param(Maturity.EARLY, Maturity.ADVANCED, Change.IMPROVED, id="maturity"),
        pytest.param(
            ChecklistStatus.NOT_KNOWN,
            ChecklistStatus.NOT_RATED,
            Change.UNCHANGED,
            id="not-known-to-not-rated-unchanged",
        ),
        pytest.param(
            ChecklistStatus.NOT_KNOWN, ChecklistStatus.PARTLY, Change.NEW, id="not-known-to-ranked"
        ),
        pytest.param(
            ChecklistStatus.IN_PLACE,
            ChecklistStatus.NOT_KNOWN,
            Change.REMOVED,
            id="ranked-to-not-known",
        ),
    ],
)
def test_compare_grade(earlier: StrEnum | None, later: StrEnum | None, change: Change) -> None:
    assert compare_grade(earlier, later) is change


def test_cell_in_neither_audit_is_an_error() -> None:
    with pytest.raises(ValueError):
        compare_grade(None, None)


def test_grades_from_different_scales_are_refused() -> None:
    with pytest.raises(TypeError, match="different scales"):
        compare_grade(Rag.GREEN, Maturity.ADVANCED)


def test_compare_grids_matches_cells_by_code() -> None:
    earlier = {("breaks", "dementia"): R, ("breaks", "bme"): G, ("old", "bme"): A}
    later = {("breaks", "bme"): A, ("breaks", "dementia"): G, ("new", "bme"): R}

    changes = compare(earlier, later)

    assert changes == {
        ("breaks", "dementia"): Change.IMPROVED,
        ("breaks", "bme"): Change.WORSENED,
        ("old", "bme"): Change.REMOVED,
        ("new", "bme"): Change.NEW,
    }
    assert list(changes) == [
        ("breaks", "dementia"),
        ("breaks", "bme"),
        ("old", "bme"),
        ("new", "bme"),
    ]


def test_audit_compared_with_itself_is_all_unchanged() -> None:
    grid = {("breaks", "dementia"): R, ("breaks", "bme"): N, ("info", "bme"): G}
    assert set(compare(grid, grid).values()) == {Change.UNCHANGED}


def test_compare_summaries_uses_summary_grades() -> None:
    groups = ["x", "y"]
    earlier = summarise_grid({("b", "x"): R, ("b", "y"): G}, ["b", "i"], groups, Rag)
    later = summarise_grid({("b", "x"): A, ("b", "y"): G, ("i", "x"): G}, ["b", "i"], groups, Rag)

    assert compare_summaries(earlier, later) == {"b": Change.IMPROVED, "i": Change.NEW}


def test_compare_outcomes() -> None:
    subs = {"1": ["1a"], "2": ["2a"]}
    links = {"1": ["info"], "2": ["breaks"]}
    earlier = outcome_views(
        {("1a", "x"): ChecklistCell(ChecklistStatus.PARTLY, Rag.RED)},
        subs,
        ["x"],
        links,
        {"info": R, "breaks": G},
    )
    later = outcome_views(
        {("1a", "x"): ChecklistCell(ChecklistStatus.IN_PLACE, Rag.RED)},
        {"1": ["1a"], "3": ["3a"]},
        ["x"],
        {"1": ["info"], "3": []},
        {"info": N},
    )

    changes = compare_outcomes(earlier, later)

    assert changes["1"] == OutcomeChange(Change.IMPROVED, Change.UNCHANGED, Change.REMOVED)
    assert changes["2"] == OutcomeChange(Change.REMOVED, Change.REMOVED, Change.REMOVED)
    assert changes["3"] == OutcomeChange(Change.NEW, Change.NEW, Change.NEW)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({}, {}, id="empty-all-zero"),
        pytest.param(
            {"a": Change.NEW, "b": Change.NEW, "c": Change.WORSENED},
            {Change.NEW: 2, Change.WORSENED: 1},
            id="mapping",
        ),
        pytest.param([Change.UNCHANGED], {Change.UNCHANGED: 1}, id="iterable"),
    ],
)
def test_tally(changes: dict[str, Change] | list[Change], expected: dict[Change, int]) -> None:
    counts = tally(changes)
    assert list(counts) == list(Change)
    assert counts == {change: expected.get(change, 0) for change in Change}


def test_rule_is_plain_words() -> None:
    assert "matched by their codes" in RULE


# An indicator's latest result, last cycle and this (the report's comparison with the last cycle).


@pytest.mark.parametrize(
    ("earlier", "later", "polarity", "decimals", "expected"),
    [
        ("23.6", "27.7", Polarity.HIGHER, 1, Direction.IMPROVING),
        ("23.6", "21", Polarity.HIGHER, 1, Direction.WORSENING),
        ("12.4", "11.2", Polarity.LOWER, 1, Direction.IMPROVING),
        ("11.2", "12.4", Polarity.LOWER, 1, Direction.WORSENING),
        # 11.198 shows as 11.2: the rounding hides the change, so it is the same.
        ("11.2", "11.198", Polarity.LOWER, 1, Direction.SAME),
        ("11.2", "11.198", Polarity.LOWER, 3, Direction.IMPROVING),
        ("640", "640.4", Polarity.HIGHER, 0, Direction.SAME),
        ("640", "641", Polarity.NONE, 0, Direction.NONE),
        (None, "641", Polarity.HIGHER, 0, Direction.NONE),
        ("640", None, Polarity.HIGHER, 0, Direction.NONE),
    ],
)
def test_an_indicators_change_since_the_last_cycle_compares_results_as_shown(
    earlier: str | None, later: str | None, polarity: Polarity, decimals: int, expected: Direction
) -> None:
    def number(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text)

    assert indicator_change(number(earlier), number(later), polarity, decimals) is expected
