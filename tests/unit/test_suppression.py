"""Primary and secondary (complementary) suppression of a split's groups."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub_model.suppression import RULE, SMALLEST_GROUP, hidden_groups, is_safe


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        # Nothing small: nothing hidden.
        ((), ()),
        ((5,), ()),
        ((5, 5, 120), ()),
        # One group alone: hidden when small, and nothing else can be.
        ((4,), (0,)),
        ((0,), (0,)),
        # One small group: the next smallest goes too.
        ((4, 30), (0, 1)),
        ((30, 4, 6), (1, 2)),
        ((2, 9, 7, 40), (0, 2)),
        ((0, 12, 8), (0, 2)),
        # Two small groups holding 5 or more between them protect each other.
        ((3, 2, 40), (0, 1)),
        ((4, 4, 10, 10), (0, 1)),
        # Small groups holding fewer than 5 between them: the next smallest goes too.
        ((1, 2, 40, 9), (0, 1, 3)),
        ((0, 0, 7, 8), (0, 1, 2)),
        ((1, 1, 1, 6, 6), (0, 1, 2, 3)),
        # Hiding the next smallest may leave every group hidden.
        ((4, 5), (0, 1)),
        ((1, 1, 50), (0, 1, 2)),
        # Equal next smallest: the first in display order.
        ((4, 6, 6), (0, 1)),
        ((6, 4, 6), (0, 1)),
        ((9, 6, 2, 6), (1, 2)),
        # Exactly at the threshold is shown.
        ((5, 5), ()),
        ((5, 4, 5), (0, 1)),
    ],
)
def test_hidden_groups(counts: tuple[int, ...], hidden: tuple[int, ...]) -> None:
    assert hidden_groups(counts) == frozenset(hidden)


@pytest.mark.parametrize(
    ("counts", "smallest", "hidden"),
    [
        ((9, 10, 30), 10, (0, 1)),
        ((9, 9, 30), 10, (0, 1)),
        ((4, 4, 30), 10, (0, 1, 2)),
        ((0, 1), 1, (0, 1)),
        ((0, 3, 1), 1, (0, 2)),
    ],
)
def test_the_threshold_can_be_set(
    counts: tuple[int, ...], smallest: int, hidden: tuple[int, ...]
) -> None:
    assert hidden_groups(counts, smallest) == frozenset(hidden)


@pytest.mark.parametrize(
    ("counts", "smallest"), [((3, -1), SMALLEST_GROUP), ((3, 4), 0), ((1,), -5)]
)
def test_negative_counts_or_threshold_are_refused(counts: tuple[int, ...], smallest: int) -> None:
    with pytest.raises(ValueError):
        hidden_groups(counts, smallest)


@pytest.mark.parametrize(
    ("counts", "hidden", "safe"),
    [
        ((4, 30), (), True),
        ((4, 30), (0,), False),
        ((4, 30), (0, 1), True),
        ((1, 2, 30), (0, 1), False),
        ((3, 2, 30), (0, 1), True),
    ],
)
def test_is_safe(counts: tuple[int, ...], hidden: tuple[int, ...], safe: bool) -> None:
    assert is_safe(counts, frozenset(hidden)) is safe


def test_the_rule_is_stated_in_plain_words() -> None:
    assert RULE == (
        "Groups with fewer than 5 answers are hidden, and so is the next smallest group "
        "where needed so that hidden numbers cannot be worked out from the total."
    )


COUNTS = st.lists(st.integers(min_value=0, max_value=60), min_size=0, max_size=12)
SEVERAL = st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=12)


@settings(max_examples=400)
@given(SEVERAL)
def test_no_hidden_count_equals_the_total_minus_the_shown_counts(counts: list[int]) -> None:
    hidden = hidden_groups(counts)
    total = sum(counts)
    shown = sum(count for position, count in enumerate(counts) if position not in hidden)
    if len(hidden) == 1:
        (position,) = hidden
        assert counts[position] != total - shown
    # Stronger: with two groups or more, a single hidden group never happens.
    assert len(hidden) != 1


@settings(max_examples=400)
@given(COUNTS)
def test_every_small_group_is_hidden(counts: list[int]) -> None:
    hidden = hidden_groups(counts)
    assert {p for p, count in enumerate(counts) if count < SMALLEST_GROUP} <= hidden


@settings(max_examples=400)
@given(COUNTS)
def test_what_is_hidden_holds_enough_answers_between_at_least_two_groups(
    counts: list[int],
) -> None:
    hidden = hidden_groups(counts)
    assert is_safe(counts, hidden)
    if hidden and len(hidden) < len(counts):
        assert len(hidden) >= 2
        assert sum(counts[p] for p in hidden) >= SMALLEST_GROUP


@settings(max_examples=400)
@given(COUNTS)
def test_only_the_smallest_groups_are_hidden_to_protect_others(counts: list[int]) -> None:
    hidden = hidden_groups(counts)
    shown = [count for p, count in enumerate(counts) if p not in hidden]
    for position in hidden:
        assert not shown or counts[position] <= min(shown)


@settings(max_examples=400)
@given(COUNTS)
def test_no_more_is_hidden_than_needed(counts: list[int]) -> None:
    hidden = hidden_groups(counts)
    secondary = sorted(
        (counts[p], p) for p in hidden if counts[p] >= SMALLEST_GROUP
    )  # the order they were hidden in
    if secondary:
        last = secondary[-1][1]
        assert not is_safe(counts, hidden - {last})


@settings(max_examples=200)
@given(COUNTS, st.integers(min_value=1, max_value=20))
def test_no_group_shown_is_below_the_threshold_whatever_it_is(
    counts: list[int], smallest: int
) -> None:
    hidden = hidden_groups(counts, smallest)
    assert all(count >= smallest for p, count in enumerate(counts) if p not in hidden)
    assert is_safe(counts, hidden, smallest)
