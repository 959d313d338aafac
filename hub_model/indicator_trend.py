"""The curve of an OBA report card (seed 004, seed 003 §3): history, and the forecast
if nothing changes.

"Turning the curve" means doing better than the baseline forecast. The
forecast here is the least-squares straight line through the history,
projected ahead; it is a statement of the trend, not a prediction model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from hub_model.scales import Polarity

FORECAST_RULE = (
    "The forecast if nothing changes is the least-squares straight line through the "
    "periods with a result, one step per period, continued {ahead} periods ahead. "
    "It needs at least two results."
)
DEFAULT_AHEAD = 2


@dataclass(frozen=True)
class Trend:
    """A straight line ``value = intercept + slope × step``, step 0 the first period."""

    slope: Decimal
    intercept: Decimal

    def at(self, step: int) -> Decimal:
        """The line's value at ``step``."""
        return self.intercept + self.slope * step


def linear_trend(history: Sequence[Decimal | None]) -> Trend | None:
    """The least-squares line through the known points of ``history`` (a gap is a period
    with no result, and keeps its step); None with fewer than two known points."""
    points = [(step, value) for step, value in enumerate(history) if value is not None]
    if len(points) < 2:
        return None
    count = Decimal(len(points))
    mean_x = sum((Decimal(x) for x, _ in points), Decimal(0)) / count
    mean_y = sum((y for _, y in points), Decimal(0)) / count
    spread = sum(((Decimal(x) - mean_x) ** 2 for x, _ in points), Decimal(0))
    covariance = sum(((Decimal(x) - mean_x) * (y - mean_y) for x, y in points), Decimal(0))
    slope = covariance / spread
    return Trend(slope=slope, intercept=mean_y - slope * mean_x)


def forecast(history: Sequence[Decimal | None], ahead: int = DEFAULT_AHEAD) -> tuple[Decimal, ...]:
    """The trend continued ``ahead`` periods past the last one; () without a trend."""
    if ahead < 0:
        raise ValueError("ahead cannot be negative")
    trend = linear_trend(history)
    if trend is None:
        return ()
    return tuple(trend.at(len(history) + offset) for offset in range(ahead))


def curve_turned(
    history: Sequence[Decimal | None], latest: Decimal | None, polarity: Polarity
) -> bool | None:
    """Whether ``latest`` beats the forecast made from ``history`` alone (the periods
    before it): the curve turned. None without polarity, a latest result or a trend."""
    if latest is None or polarity is Polarity.NONE:
        return None
    expected = forecast(history, 1)
    if not expected:
        return None
    return latest > expected[0] if polarity is Polarity.HIGHER else latest < expected[0]
