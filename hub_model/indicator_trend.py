"""The curve of an OBA report card (seed 004, seed 003 §3): history, and the forecast
if nothing changes.

"Turning the curve" means doing better than the baseline forecast. The
forecast here is the least-squares straight line through the history,
projected ahead; it is a statement of the trend, not a prediction model.

Time is counted in months between the dates periods end, a day being its share
of its month: quarters ending on month ends are exactly three months apart
whatever their days, and a longer period, or a period missing from the
history, keeps its true distance rather than counting as one step.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from statistics import median

from hub_model.indicators import rounded
from hub_model.scales import Polarity, Unit

FORECAST_RULE = (
    "The forecast if nothing changes is the least-squares straight line through the "
    "periods with a result, each placed at the date it ends (so a longer period, or a "
    "missing one, keeps its true distance), continued {ahead} periods ahead at the usual "
    "length of a period (the median time between period ends). It never leaves what the "
    "indicator can be: a percentage stays between 0% and 100%, anything else at 0 or more. "
    "It needs at least two results."
)
TURN_RULE = (
    "The curve has turned when the latest result beats what the trend of the periods "
    "before it forecast for the latest period by more than {tolerance}: half a unit of "
    "the last decimal place shown, so that a difference the rounding hides is never "
    "called a turn. Results are compared as they are shown."
)
TOLERANCE_RULE = (
    "The curve has turned when the latest result beats what the trend of the periods "
    "before it forecast for the latest period by more than {tolerance}: the tolerance "
    "set for this indicator, so that a change within the usual ups and downs of its "
    "figures is never called a turn. Results are compared as they are shown."
)
DEFAULT_AHEAD = 2
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Point:
    """One period of the curve: the date it ends, and its result (None: not reported)."""

    end: date
    value: Decimal | None


def possible_range(unit: Unit) -> tuple[Decimal, Decimal | None]:
    """The lowest and highest value (None: no highest) an indicator of ``unit`` can take.

    Every figure is 0 or more (the indicator form and the JSON import refuse
    negative figures, see :mod:`hub_model.figures`), and a percentage is at most 100.
    """
    return (Decimal(0), HUNDRED if unit is Unit.PERCENTAGE else None)


def within(value: Decimal, unit: Unit) -> Decimal:
    """``value`` brought inside :func:`possible_range` of ``unit``."""
    low, high = possible_range(unit)
    value = max(value, low)
    return value if high is None else min(value, high)


def months(end: date) -> Decimal:
    """``end`` as months since year 0: the last day of a month is a whole number."""
    days = calendar.monthrange(end.year, end.month)[1]
    return Decimal(12 * end.year + end.month - 1) + Decimal(end.day) / Decimal(days)


def month_date(position: Decimal) -> date:
    """The date at ``position`` months (the inverse of :func:`months`, to the nearest day)."""
    whole = int(position)
    share = position - whole
    if share == 0:
        whole -= 1  # a whole number is the end of the month before
        share = Decimal(1)
    year, month = divmod(whole, 12)
    days = calendar.monthrange(year, month + 1)[1]
    day = min(days, max(1, int((share * days).to_integral_value())))
    return date(year, month + 1, day)


@dataclass(frozen=True)
class Trend:
    """A straight line ``value = intercept + slope × months``, months from the first period's end."""

    slope: Decimal
    intercept: Decimal
    origin: Decimal  # months() of the first period's end

    def at(self, end: date | Decimal) -> Decimal:
        """The line's value at ``end`` (a date, or a position in months)."""
        position = months(end) if isinstance(end, date) else end
        return self.intercept + self.slope * (position - self.origin)


def linear_trend(history: Sequence[Point]) -> Trend | None:
    """The least-squares line through the reported points of ``history``, each at the
    date its period ends; None with fewer than two reported points."""
    ordered = sorted(history, key=lambda point: point.end)
    if not ordered:
        return None
    origin = months(ordered[0].end)
    points = [(months(p.end) - origin, p.value) for p in ordered if p.value is not None]
    if len(points) < 2:
        return None
    count = Decimal(len(points))
    mean_x = sum((x for x, _ in points), Decimal(0)) / count
    mean_y = sum((y for _, y in points), Decimal(0)) / count
    spread = sum(((x - mean_x) ** 2 for x, _ in points), Decimal(0))
    if spread == 0:
        return None  # two results for the same end date say nothing about a trend
    covariance = sum(((x - mean_x) * (y - mean_y) for x, y in points), Decimal(0))
    slope = covariance / spread
    return Trend(slope=slope, intercept=mean_y - slope * mean_x, origin=origin)


def period_length(history: Sequence[Point]) -> Decimal | None:
    """The usual length of a period in months: the median time between period ends."""
    ends = sorted({months(point.end) for point in history})
    gaps = [later - earlier for earlier, later in zip(ends, ends[1:], strict=False)]
    return Decimal(median(gaps)) if gaps else None


def forecast(history: Sequence[Point], unit: Unit, ahead: int = DEFAULT_AHEAD) -> tuple[Point, ...]:
    """The trend continued ``ahead`` periods past the last one, each period the usual
    length, kept inside the indicator's :func:`possible_range`; () without a trend."""
    if ahead < 0:
        raise ValueError("ahead cannot be negative")
    trend = linear_trend(history)
    step = period_length(history)
    if trend is None or step is None:
        return ()
    last = max(months(point.end) for point in history)
    found = []
    for offset in range(1, ahead + 1):
        position = last + step * offset
        found.append(Point(month_date(position), within(trend.at(position), unit)))
    return tuple(found)


def rounding_tolerance(decimals: int) -> Decimal:
    """Half a unit of the last of ``decimals`` places shown: 0.05 for one place."""
    return Decimal(5).scaleb(-decimals - 1)


def tolerance_text(tolerance: Decimal, unit: Unit) -> str:
    """A tolerance in words: "0.05", or "0.5 percentage points" for a percentage."""
    text = f"{tolerance:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} percentage points" if unit is Unit.PERCENTAGE else text


def turn_rule(decimals: int, unit: Unit, tolerance: Decimal | None = None) -> str:
    """The rule in words for an indicator shown with ``decimals`` places: with a stated
    ``tolerance``, :data:`TOLERANCE_RULE`; else :data:`TURN_RULE` (the rounding)."""
    if tolerance is not None:
        return TOLERANCE_RULE.format(tolerance=tolerance_text(tolerance, unit))
    text = f"{rounding_tolerance(decimals):f}"
    return TURN_RULE.format(tolerance=f"{text}%" if unit is Unit.PERCENTAGE else text)


def curve_turned(
    history: Sequence[Point],
    latest: Point,
    polarity: Polarity,
    unit: Unit,
    decimals: int | None = None,
    tolerance: Decimal | None = None,
) -> bool | None:
    """Whether ``latest`` beats what the trend of ``history`` (the periods before it)
    forecast for the date it ends: the curve turned. None without polarity, a latest
    result or a trend.

    With ``decimals`` (the places results are shown with), every result is first
    rounded as shown and the latest must beat the forecast by more than
    :func:`rounding_tolerance` (:data:`TURN_RULE`): an exactly straight line of shown
    results never turns. With ``tolerance`` (the indicator's own, in its unit: 0 or
    more), the latest must beat the forecast by more than that instead
    (:data:`TOLERANCE_RULE`). With neither, any margin counts.
    """
    if tolerance is not None and tolerance < 0:
        raise ValueError("a tolerance cannot be negative")
    value = latest.value
    if value is None or polarity is Polarity.NONE:
        return None
    if decimals is not None:
        step = Decimal(1).scaleb(-decimals)
        history = [
            Point(p.end, None if p.value is None else rounded(p.value, step)) for p in history
        ]
        value = rounded(value, step)
    if tolerance is None:
        tolerance = Decimal(0) if decimals is None else rounding_tolerance(decimals)
    trend = linear_trend(history)
    if trend is None:
        return None
    expected = within(trend.at(latest.end), unit)
    margin = value - expected if polarity is Polarity.HIGHER else expected - value
    return margin > tolerance
