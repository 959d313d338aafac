"""The report card's curve: the least-squares trend and the forecast if nothing changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub_model.indicator_trend import curve_turned, forecast, linear_trend
from hub_model.scales import Polarity


def d(*values: str | None) -> list[Decimal | None]:
    return [None if v is None else Decimal(v) for v in values]


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
    history: list[Decimal | None], expected: tuple[str, ...]
) -> None:
    assert forecast(history) == tuple(Decimal(e) for e in expected)


@pytest.mark.parametrize("history", [d(), d("7"), d(None, "7", None)])
def test_no_forecast_without_two_results(history: list[Decimal | None]) -> None:
    assert linear_trend(history) is None
    assert forecast(history) == ()


def test_forecast_length_follows_ahead() -> None:
    assert len(forecast(d("1", "2"), 5)) == 5
    assert forecast(d("1", "2"), 0) == ()
    with pytest.raises(ValueError, match="negative"):
        forecast(d("1", "2"), -1)


@pytest.mark.parametrize(
    ("history", "latest", "polarity", "turned"),
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
    history: list[Decimal | None], latest: str | None, polarity: Polarity, turned: bool | None
) -> None:
    found = curve_turned(history, None if latest is None else Decimal(latest), polarity)
    assert found is turned


@given(
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.decimals(min_value=-50, max_value=50, places=2),
    st.integers(min_value=2, max_value=12),
)
def test_a_line_is_forecast_exactly(intercept: Decimal, slope: Decimal, length: int) -> None:
    history: list[Decimal | None] = [intercept + slope * step for step in range(length)]
    trend = linear_trend(history)
    assert trend is not None
    assert abs(trend.slope - slope) < Decimal("1e-20")
    found = forecast(history, 2)
    for offset, value in enumerate(found):
        assert abs(value - (intercept + slope * (length + offset))) < Decimal("1e-18")
