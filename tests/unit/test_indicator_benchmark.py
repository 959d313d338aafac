"""One indicator across areas: the regional column's counts, range and notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub_model.indicator_benchmark import (
    COUNTS,
    NO_RESULT,
    ONE_RESULT,
    OWN_TERMS,
    Reported,
    regional_picture,
)
from hub_model.indicators import IndicatorDefinition, PeriodValue, RagThresholds, assess
from hub_model.scales import Polarity, Rag4, Unit

D = Decimal
SEPTEMBER, DECEMBER = date(2026, 9, 30), date(2026, 12, 31)


def reported(
    numerator: str,
    denominator: str | None = "100",
    target: str | None = "50",
    unit: Unit = Unit.PERCENTAGE,
    ends: date = SEPTEMBER,
    decimals: int | None = None,
    manual: Rag4 | None = None,
) -> Reported:
    definition = IndicatorDefinition(
        "X/1",
        "An indicator",
        unit,
        Polarity.HIGHER,
        thresholds=RagThresholds(D(5), D(10)),
        decimals=decimals,
    )
    value = PeriodValue(
        numerator=numerator,
        denominator=denominator if unit in (Unit.PERCENTAGE, Unit.RATE_PER_100000) else None,
        target=target,
        manual_rag=manual,
        manual_reason="Data late" if manual else "",
    )
    return Reported(ends, assess(definition, value))


def test_counts_each_rag_level_of_the_reporting_areas() -> None:
    picture = regional_picture(
        4, [reported("60"), reported("48"), reported("20"), reported("55", target=None)]
    )
    assert picture.reporting == 4
    assert picture.rag == {
        Rag4.GREEN: 1,
        Rag4.GREEN_AMBER: 1,
        Rag4.RED_AMBER: 0,
        Rag4.RED: 1,
        Rag4.NOT_RATED: 1,
    }
    assert picture.rag_text == "1 green, 1 green amber, 1 red, 1 not rated"


def test_a_rag_set_by_hand_is_counted_as_set() -> None:
    picture = regional_picture(2, [reported("20", manual=Rag4.GREEN_AMBER), reported("60")])
    assert picture.rag_text == "1 green, 1 green amber"


def test_says_how_many_of_the_areas_report() -> None:
    assert regional_picture(3, [reported("60")]).reporting_text == "Reported by 1 of 3 areas"
    assert regional_picture(1, [reported("60")]).reporting_text == "Reported by 1 of 1 area"


@pytest.mark.parametrize(
    ("numerators", "median"),
    [
        pytest.param(["30", "20", "27.5"], D("27.5"), id="odd: the middle one"),
        pytest.param(["30", "20", "27", "21"], D(24), id="even: mean of the middle two"),
    ],
)
def test_lowest_median_and_highest_of_comparable_results(
    numerators: list[str], median: Decimal
) -> None:
    picture = regional_picture(4, [reported(n) for n in numerators])
    assert picture.range is not None
    values = [D(n) for n in numerators]
    assert (picture.range.lowest, picture.range.median, picture.range.highest) == (
        min(values),
        median,
        max(values),
    )
    assert picture.notes == ()


def test_the_range_is_from_unrounded_results_and_shown_rounded() -> None:
    # 560 / 2022 = 27.695...%; 1 / 3 = 33.333...%
    picture = regional_picture(2, [reported("560", "2022"), reported("1", "3", decimals=1)])
    assert picture.range is not None
    assert picture.range.lowest == D(560) * 100 / D(2022)
    assert picture.range_values() == ("27.70%", "30.51%", "33.33%")


def test_different_units_are_not_compared() -> None:
    picture = regional_picture(2, [reported("30"), reported("300", unit=Unit.COUNT)])
    assert picture.range is None
    assert picture.range_values() == ("", "", "")
    assert picture.notes == (
        "Not compared: the areas measure it in different units (percentage, count).",
    )
    assert picture.rag_text == "1 green, 1 red"


def test_results_in_each_areas_own_terms_are_not_compared() -> None:
    picture = regional_picture(2, [reported("3", unit=Unit.OTHER), reported("4", unit=Unit.OTHER)])
    assert picture.range is None and picture.notes == (OWN_TERMS,)


def test_counts_are_compared_with_a_caution() -> None:
    picture = regional_picture(
        2, [reported("4480", unit=Unit.COUNT), reported("2100", unit=Unit.COUNT)]
    )
    assert picture.range_values() == ("2100", "3290", "4480")
    assert picture.notes == (COUNTS,)


def test_one_result_alone_is_not_a_range() -> None:
    picture = regional_picture(3, [reported("30")])
    assert picture.range is None and picture.notes == (ONE_RESULT,)
    assert picture.rag_text == "1 red"


def test_no_reporting_area_has_no_range() -> None:
    picture = regional_picture(3, [])
    assert picture.reporting == 0 and picture.range is None
    assert picture.rag_text == ""
    assert picture.notes == (NO_RESULT,)


def test_says_when_the_areas_periods_differ() -> None:
    picture = regional_picture(2, [reported("30"), reported("40", ends=DECEMBER)])
    assert picture.notes == (
        "Periods differ: they end between 30 September 2026 and 31 December 2026.",
    )


def test_a_period_without_a_result_is_not_reported() -> None:
    definition = IndicatorDefinition("X/1", "An indicator", Unit.COUNT, Polarity.HIGHER)
    with pytest.raises(ValueError, match="needs a result"):
        Reported(SEPTEMBER, assess(definition, PeriodValue(target="5")))


def test_more_reporting_than_compared_areas_is_refused() -> None:
    with pytest.raises(ValueError, match="more areas"):
        regional_picture(1, [reported("30"), reported("40")])


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=2, max_size=9))
def test_median_lies_between_lowest_and_highest(numerators: list[int]) -> None:
    picture = regional_picture(
        len(numerators), [reported(str(n), unit=Unit.COUNT) for n in numerators]
    )
    assert picture.range is not None
    assert picture.range.lowest <= picture.range.median <= picture.range.highest
    assert sum(picture.rag.values()) == picture.reporting == len(numerators)
