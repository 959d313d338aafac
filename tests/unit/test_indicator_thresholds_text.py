"""An indicator's RAG thresholds in words agree with the grade its rules give."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hub_model.indicators import RagThresholds, describe_thresholds, short_thresholds
from hub_model.scales import Rag4

BOUNDS = st.none() | st.decimals(min_value=0, max_value=100, places=1)


def test_no_thresholds_means_any_miss_is_red() -> None:
    assert describe_thresholds(None) == "Green: target met; red: any miss."
    assert short_thresholds(None) == "any miss is red"


def test_both_bounds_in_words() -> None:
    both = RagThresholds(Decimal("2.5"), Decimal(10))
    assert describe_thresholds(both) == (
        "Green: target met; green amber: missed by up to 2.5%; "
        "red amber: missed by over 2.5% and up to 10%; red: missed by more than 10%."
    )
    assert (
        short_thresholds(both)
        == "green amber if missed by up to 2.5%, red amber up to 10%, else red"
    )


def _named_grade(text: str, variance: Decimal) -> Rag4:
    """The grade a reader would give a miss of ``variance`` from the short text."""
    for grade, word in ((Rag4.GREEN_AMBER, "green amber"), (Rag4.RED_AMBER, "red amber")):
        found = re.search(rf"{word}[a-z ]* up to ([\d.]+)%", text)
        if found and variance <= Decimal(found.group(1)):
            return grade
    return Rag4.RED


@given(BOUNDS, BOUNDS, st.decimals(min_value=0, max_value=200, places=1))
def test_words_give_the_rules_grade(
    first: Decimal | None, second: Decimal | None, variance: Decimal
) -> None:
    low, high = first, second
    if low is not None and high is not None and low > high:
        low, high = high, low
    thresholds = RagThresholds(low, high)
    assert _named_grade(short_thresholds(thresholds), variance) == thresholds.grade(variance)
