"""The report card's curve: the least-squares trend and the forecast if nothing changes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hub_model.indicator_trend import (
    Point,
    curve_turned,
    forecast,
    linear_trend,
    possible_range,
    rounding_tolerance,
    tolerance_text,
    turn_rule,
)
from hub_model.scales import Polarity, Unit

QUARTER_ENDS = [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)] + [
    date(2026, 3, 31),
    date(2026, 6, 30),
]


def d(*values: str | None) -> list[Point]:
    """Quarterly points ending on quarter ends from March 2025: evenly three months apart."""
    return [
        Point(end, None if v is None else Decimal(v))
        for end, v in zip(QUARTER_ENDS, values, strict=False)
    ]


def latest(value: str | None, history: list[Point]) -> Point:
    """The quarter after ``history``."""
    return Point(QUARTER_ENDS[len(history)], None if value is None else Decimal(value))


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        pytest.param(d("10", "12", "14"), ("16", "18"), id="a-straight-rise-continues"),
        pytest.param(d("30", "25", "20"), ("15", "10"), id="a-straight-fall-continues"),
        pytest.param(d("5", "5", "5", "5"), ("5", "5"), id="flat-stays-flat"),
        pytest.param(d("1", "3"), ("5", "7"), id="two-points-are-enough"),
        pytest.param(d("10", None, "14"), ("16", "18"), id="a-gap-keeps-its-step"),
        # Least squares through (0,1) (1,3) (2,2): slope 0.5, intercept 1.5.
        pytest.param(d("1", "3", "2"), ("3.0", "3.5"), id="least-squares-not-last-two"),
    ],
)
def test_forecast_continues_the_least_squares_line(
    history: list[Point], expected: tuple[str, ...]
) -> None:
    assert [point.value for point in forecast(history, Unit.COUNT)] == [
        Decimal(e) for e in expected
    ]


@pytest.mark.parametrize("history", [d(), d("7"), d(None, "7", None)])
def test_no_forecast_without_two_results(history: list[Point]) -> None:
    assert linear_trend(history) is None
    assert forecast(history, Unit.COUNT) == ()


def test_forecast_length_follows_ahead() -> None:
    assert len(forecast(d("1", "2"), Unit.COUNT, 5)) == 5
    assert forecast(d("1", "2"), Unit.COUNT, 0) == ()
    with pytest.raises(ValueError, match="negative"):
        forecast(d("1", "2"), Unit.COUNT, -1)


@pytest.mark.parametrize(
    ("history", "value", "polarity", "turned"),
    [
        pytest.param(d("20", "18", "16"), "17", Polarity.HIGHER, True, id="fall-halted"),
        pytest.param(d("20", "18", "16"), "13", Polarity.HIGHER, False, id="fall-goes-on"),
        pytest.param(d("20", "22", "24"), "25", Polarity.LOWER, True, id="rise-slowed"),
        pytest.param(d("20", "22", "24"), "27", Polarity.LOWER, False, id="rise-sped-up"),
        pytest.param(d("20", "22"), "30", Polarity.NONE, None, id="no-polarity"),
        pytest.param(d("20"), "30", Polarity.HIGHER, None, id="no-trend"),
        pytest.param(d("20", "22"), None, Polarity.HIGHER, None, id="no-latest"),
    ],
)
def test_curve_turned_compares_the_latest_with_the_forecast(
    history: list[Point], value: str | None, polarity: Polarity, turned: bool | None
) -> None:
    found = curve_turned(history, latest(value, history), polarity, Unit.COUNT)
    assert found is turned


@given(
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.decimals(min_value=-50, max_value=50, places=2),
    st.integers(min_value=2, max_value=6),
)
def test_a_line_is_forecast_exactly(intercept: Decimal, slope: Decimal, length: int) -> None:
    history = d(*(str(intercept + slope * step) for step in range(length)))
    trend = linear_trend(history)
    assert trend is not None
    assert abs(trend.slope * 3 - slope) < Decimal("1e-20")  # per month; a quarter is 3
    found = forecast(history, Unit.OTHER, 2)
    for offset, point in enumerate(found):
        expected = max(Decimal(0), intercept + slope * (length + offset))
        assert abs(point.value - expected) < Decimal("1e-18")  # type: ignore[operator]


# Seen (issue #17): forecasts left what the indicator can be, and ignored period lengths.


def test_a_percentage_forecast_never_passes_100() -> None:
    # Seen: 90, 95, 99 → 103.7%, 108.2%.
    found = forecast(d("90", "95", "99"), Unit.PERCENTAGE)
    assert [point.value for point in found] == [Decimal(100), Decimal(100)]


def test_a_count_forecast_never_goes_below_zero() -> None:
    found = forecast(d("30", "15", "4"), Unit.COUNT)
    assert [point.value for point in found] == [Decimal(0), Decimal(0)]
    rate = forecast(d("30", "15", "4"), Unit.RATE_PER_100000)
    assert all(point.value == 0 for point in rate)


def test_uneven_periods_are_placed_by_their_dates() -> None:
    # Two monthly figures, then a quarter: 10 at January's end, 11 at February's, 14 at
    # May's. One a month all along: by date the line is exact; by steps it is not.
    history = [
        Point(date(2026, 1, 31), Decimal(10)),
        Point(date(2026, 2, 28), Decimal(11)),
        Point(date(2026, 5, 31), Decimal(14)),
    ]
    trend = linear_trend(history)
    assert trend is not None and trend.slope == 1
    # The usual period is the median gap (one and three months: two), so the forecast
    # ends 31 July (16) and 30 September (18).
    found = forecast(history, Unit.COUNT)
    assert found == (Point(date(2026, 7, 31), Decimal(16)), Point(date(2026, 9, 30), Decimal(18)))


def test_a_missing_year_keeps_its_distance() -> None:
    history = [
        Point(date(2023, 3, 31), Decimal(10)),
        Point(date(2025, 3, 31), Decimal(14)),
        Point(date(2026, 3, 31), Decimal(16)),
    ]
    found = forecast(history, Unit.COUNT, 1)
    assert found == (Point(date(2027, 9, 30), Decimal(19)),)


def test_the_curve_turned_is_judged_at_the_latest_periods_date() -> None:
    history = [Point(date(2026, 1, 31), Decimal(10)), Point(date(2026, 2, 28), Decimal(12))]
    # Three months after February the trend expects 18: 17 has not turned it (higher is
    # better), though it beats the 14 one step would expect.
    late = Point(date(2026, 5, 31), Decimal(17))
    assert curve_turned(history, late, Polarity.HIGHER, Unit.COUNT) is False
    # At 100% a percentage cannot beat a forecast stuck at 100%.
    full = [Point(date(2026, 1, 31), Decimal(96)), Point(date(2026, 2, 28), Decimal(99))]
    top = Point(date(2026, 3, 31), Decimal(100))
    assert curve_turned(full, top, Polarity.HIGHER, Unit.PERCENTAGE) is False


results = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=10**12, places=6, allow_nan=False, allow_infinity=False),
)
ends = st.lists(st.dates(date(1990, 1, 1), date(2100, 1, 1)), min_size=2, max_size=10, unique=True)


@given(
    ends.flatmap(
        lambda e: st.tuples(st.just(e), st.lists(results, min_size=len(e), max_size=len(e)))
    ),
    st.sampled_from(list(Unit)),
    st.integers(0, 4),
)
def test_a_forecast_stays_inside_what_the_indicator_can_be(
    case: tuple[list[date], list[Decimal | None]], unit: Unit, ahead: int
) -> None:
    dates, values = case
    history = [Point(end, value) for end, value in zip(dates, values, strict=True)]
    found = forecast(history, unit, ahead)
    low, high = possible_range(unit)
    last = max(dates)
    for point in found:
        assert point.value is not None and point.value >= low
        assert high is None or point.value <= high
        assert point.end > last
        last = point.end
    if unit is Unit.PERCENTAGE:
        assert high == 100
    reported = sum(1 for value in values if value is not None)
    assert len(found) == (ahead if reported >= 2 and linear_trend(history) else 0)


# Seen (issue #18): "the curve has turned" for 12.4 → 11.8 → 11.2, a straight line, because
# the unrounded latest result (11.198) beat the trend's 11.2 by 0.002.


def test_a_straight_line_as_shown_has_not_turned() -> None:
    history = d("12.4012", "11.8")
    assert (
        curve_turned(history, latest("11.198", history), Polarity.LOWER, Unit.PERCENTAGE, 1)
        is False
    )
    # Two places shown: 11.20, still on the line.
    assert (
        curve_turned(history, latest("11.198", history), Polarity.LOWER, Unit.PERCENTAGE, 2)
        is False
    )


def test_a_real_turn_beyond_the_rounding_has_turned() -> None:
    history = d("12.4", "11.8")
    assert (
        curve_turned(history, latest("11.1", history), Polarity.LOWER, Unit.PERCENTAGE, 1) is True
    )
    # Only half a unit of the last place shown is forgiven: 11.19 at two places turns.
    assert (
        curve_turned(history, latest("11.19", history), Polarity.LOWER, Unit.PERCENTAGE, 2) is True
    )
    rising = d("10", "12")
    assert curve_turned(rising, latest("15", rising), Polarity.HIGHER, Unit.COUNT, 0) is True
    assert curve_turned(rising, latest("14", rising), Polarity.HIGHER, Unit.COUNT, 0) is False


def test_the_turn_rule_names_the_tolerance() -> None:
    assert "0.05%" in turn_rule(1, Unit.PERCENTAGE)
    assert "by more than 0.5:" in turn_rule(0, Unit.COUNT)
    assert rounding_tolerance(2) == Decimal("0.005")


# An indicator's own tolerance (issue #18): the curve turns only beyond it, in its unit.


def test_a_straight_line_with_a_tolerance_has_not_turned() -> None:
    history = d("12.4", "11.8")
    for tolerance in ("0", "0.3", "1"):
        assert (
            curve_turned(
                history,
                latest("11.2", history),
                Polarity.LOWER,
                Unit.PERCENTAGE,
                1,
                Decimal(tolerance),
            )
            is False
        ), tolerance


def test_a_turn_beyond_the_tolerance_has_turned() -> None:
    # The trend of 12.4, 11.8 forecasts 11.2; 10.6 beats it by 0.6.
    history = d("12.4", "11.8")
    found = curve_turned(
        history, latest("10.6", history), Polarity.LOWER, Unit.PERCENTAGE, 1, Decimal("0.5")
    )
    assert found is True
    rising = d("100", "110", "120")  # forecasts 130
    assert (
        curve_turned(rising, latest("141", rising), Polarity.HIGHER, Unit.COUNT, 0, Decimal(10))
        is True
    )


def test_a_change_within_the_tolerance_has_not_turned() -> None:
    history = d("12.4", "11.8")
    # 10.6 beats the forecast 11.2 by 0.6: a turn by the rounding rule, not beyond 0.6 or 1.
    point = latest("10.6", history)
    assert curve_turned(history, point, Polarity.LOWER, Unit.PERCENTAGE, 1) is True
    for tolerance in ("0.6", "1"):
        found = curve_turned(history, point, Polarity.LOWER, Unit.PERCENTAGE, 1, Decimal(tolerance))
        assert found is False, tolerance
    rising = d("100", "110", "120")
    assert (
        curve_turned(rising, latest("140", rising), Polarity.HIGHER, Unit.COUNT, 0, Decimal(10))
        is False
    )


def test_a_tolerance_smaller_than_the_rounding_still_compares_results_as_shown() -> None:
    # 11.198 shows as 11.2, on the line: no tolerance makes a turn of what rounding hides.
    history = d("12.4012", "11.8")
    point = latest("11.198", history)
    assert (
        curve_turned(history, point, Polarity.LOWER, Unit.PERCENTAGE, 1, Decimal("0.001")) is False
    )


def test_a_negative_tolerance_is_refused() -> None:
    history = d("12.4", "11.8")
    with pytest.raises(ValueError, match="negative"):
        curve_turned(
            history, latest("11", history), Polarity.LOWER, Unit.PERCENTAGE, 1, Decimal(-1)
        )


def test_the_turn_rule_names_the_indicators_own_tolerance() -> None:
    rule = turn_rule(1, Unit.PERCENTAGE, Decimal("0.500000"))
    assert "by more than 0.5 percentage points: the tolerance set for this indicator" in rule
    assert "by more than 25:" in turn_rule(0, Unit.COUNT, Decimal(25))
    assert tolerance_text(Decimal("2.000000"), Unit.RATE_PER_100000) == "2"
    # Without one, the rounding rule.
    assert "0.05%" in turn_rule(1, Unit.PERCENTAGE, None)


@given(
    start=st.decimals(min_value=0, max_value=10_000, places=3),
    slope=st.decimals(min_value=-500, max_value=500, places=3),
    length=st.integers(min_value=3, max_value=6),
    decimals=st.integers(min_value=0, max_value=3),
    polarity=st.sampled_from([Polarity.HIGHER, Polarity.LOWER]),
    unit=st.sampled_from([Unit.COUNT, Unit.RATE_PER_100000, Unit.OTHER]),
)
def test_an_exactly_straight_line_never_turns(
    start: Decimal, slope: Decimal, length: int, decimals: int, polarity: Polarity, unit: Unit
) -> None:
    """Whatever its slope or the places shown, a straight line of results never turns."""
    step = Decimal(1).scaleb(-decimals)
    values = [(start + slope * k).quantize(step) for k in range(length)]
    # A straight line of shown results: each shown value on the line exactly.
    assume(all(v >= 0 for v in values))
    assume(all(values[k] - values[k - 1] == values[1] - values[0] for k in range(2, length)))
    points = d(*(str(v) for v in values))
    assert curve_turned(points[:-1], points[-1], polarity, unit, decimals) is False
