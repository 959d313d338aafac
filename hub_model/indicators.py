"""Indicator results, target variance, direction of travel and four-level RAG.

The rules reproduce the council dashboard of seed 002 (and NI 135 of seed
000). All arithmetic is in :class:`~decimal.Decimal` and results are kept
unrounded; only the ``format_*`` helpers round, for display.

Threshold model for the four-level RAG (seed 002 shows no single threshold
works, so each indicator carries its own :class:`RagThresholds`):

* target met (by polarity) → green;
* target missed → the target variance, as displayed (one decimal), is
  compared with the indicator's bounds: within ``green_amber_within`` →
  green amber; else within ``red_amber_within`` → red amber; else red.
  A missing bound skips that level; no thresholds at all → a miss is red;
* no result, no target, or no polarity → not rated;
* a RAG set by hand, with its required reason, overrides all of this.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

from hub_model.scales import Direction, Polarity, Rag4, Unit

RESULT_RULE = (
    "The result is numerator ÷ denominator × multiplier (100 for a percentage, 100,000 "
    "for a rate per 100,000); a count or average uses the numerator alone; otherwise the "
    "result is entered directly. Results are kept unrounded and rounded only for display."
)
VARIANCE_RULE = (
    "Target variance is the distance between result and target as a percentage of the "
    "target: |result − target| ÷ target × 100, to one decimal place, from the unrounded result."
)
MET_RULE = (
    "The target is met when the result is at least the target (higher is better) or at "
    "most the target (lower is better). Indicators without polarity have no target to meet."
)
DIRECTION_RULE = (
    "Direction of travel compares the unrounded result with the previous result: "
    "improving if it moved the better way for the indicator's polarity, worsening if "
    "the worse way, same if equal; not applicable without polarity or a previous result."
)
RAG_RULE = (
    "Green: target met. Target missed: green amber if the target variance is within the "
    "indicator's green amber bound, red amber if within its red amber bound, otherwise red. "
    "Not rated without a result, a target or a polarity. A RAG set by hand, with its "
    "reason, replaces the calculated one."
)
ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)


class IndicatorType(StrEnum):
    """Seed 002's type of indicator."""

    STRATEGIC = "strategic"
    CRITICAL = "critical"


class ResultForm(StrEnum):
    """How a period's result was formed."""

    RATIO = "ratio"  # numerator / denominator × multiplier: "422/709"
    NUMERATOR = "numerator"  # a count or an average: "119/"
    DIRECT = "direct"  # entered directly: "N/A"
    NONE = "none"  # nothing reported


MULTIPLIERS: dict[Unit, Decimal] = {
    Unit.PERCENTAGE: Decimal(100),
    Unit.RATE_PER_100000: Decimal(100_000),
}


def multiplier(unit: Unit) -> Decimal:
    """100 for a percentage, 100,000 for a rate per 100,000, 1 otherwise."""
    return MULTIPLIERS.get(unit, Decimal(1))


Number = Decimal | int | float | str


def to_decimal(value: Number | None) -> Decimal | None:
    """``value`` as a Decimal (floats through their shortest repr), or None."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


@dataclass(frozen=True)
class RagThresholds:
    """Per-indicator bounds on the target variance (%) of a missed target."""

    green_amber_within: Decimal | None = None
    red_amber_within: Decimal | None = None

    def __post_init__(self) -> None:
        _coerce_numbers(self, ("green_amber_within", "red_amber_within"))
        ga, ra = self.green_amber_within, self.red_amber_within
        if any(bound is not None and bound < 0 for bound in (ga, ra)):
            raise ValueError("threshold bounds cannot be negative")
        if ga is not None and ra is not None and ga > ra:
            raise ValueError("the green amber bound cannot exceed the red amber bound")

    def describe(self) -> str:
        """The bounds in words, as shown beside an indicator's grade."""
        return describe_thresholds(self)

    def grade(self, variance: Decimal) -> Rag4:
        """The RAG of a missed target with this (one-decimal) variance."""
        if self.green_amber_within is not None and variance <= self.green_amber_within:
            return Rag4.GREEN_AMBER
        if self.red_amber_within is not None and variance <= self.red_amber_within:
            return Rag4.RED_AMBER
        return Rag4.RED


def _percent(bound: Decimal) -> str:
    return f"{bound.normalize():f}%"


def describe_thresholds(thresholds: RagThresholds | None) -> str:
    """An indicator's RAG thresholds in words: which target variance of a missed
    target gives which grade (``None``: no thresholds, so any miss is red)."""
    ga = thresholds.green_amber_within if thresholds else None
    ra = thresholds.red_amber_within if thresholds else None
    parts = ["Green: target met"]
    if ga is not None:
        parts.append(f"green amber: missed by up to {_percent(ga)}")
    if ra is not None:
        above = f"over {_percent(ga)} and " if ga is not None else ""
        parts.append(f"red amber: missed by {above}up to {_percent(ra)}")
    widest = ra if ra is not None else ga
    parts.append(
        f"red: missed by more than {_percent(widest)}" if widest is not None else "red: any miss"
    )
    return "; ".join(parts) + "."


def short_thresholds(thresholds: RagThresholds | None) -> str:
    """The bounds of :func:`describe_thresholds` in a few words, for a table's cell."""
    ga = thresholds.green_amber_within if thresholds else None
    ra = thresholds.red_amber_within if thresholds else None
    if ga is None and ra is None:
        return "any miss is red"
    parts = []
    if ga is not None:
        parts.append(f"green amber if missed by up to {_percent(ga)}")
    if ra is not None:
        parts.append(f"red amber up to {_percent(ra)}")
    return ", ".join(parts) + ", else red"


@dataclass(frozen=True)
class IndicatorDefinition:
    """What an indicator measures and how its result is read.

    ``decimals`` is how many places results, previous and target are shown
    with; by default 0 for a count and 2 otherwise. ``turn_tolerance`` (in the
    indicator's unit) is how far the latest result must beat the trend before the
    curve has turned; by default half a unit of the last place shown
    (:mod:`hub_model.indicator_trend`).
    """

    ref: str
    title: str
    unit: Unit
    polarity: Polarity
    indicator_type: IndicatorType = IndicatorType.STRATEGIC
    thresholds: RagThresholds | None = None
    decimals: int | None = None
    turn_tolerance: Decimal | None = None

    @property
    def multiplier(self) -> Decimal:
        """See :func:`multiplier`."""
        return multiplier(self.unit)

    @property
    def display_decimals(self) -> int:
        """Decimal places for display."""
        if self.decimals is not None:
            return self.decimals
        return 0 if self.unit is Unit.COUNT else 2


@dataclass(frozen=True)
class PeriodValue:
    """One period's data for an indicator. Numbers may be given as int, str or float;
    they are stored as Decimal. ``thresholds`` override the definition's."""

    period: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    direct_result: Decimal | None = None
    previous: Decimal | None = None
    target: Decimal | None = None
    thresholds: RagThresholds | None = None
    manual_rag: Rag4 | None = None
    manual_reason: str = ""
    benchmark: Decimal | None = None
    comparator_group: str = ""

    def __post_init__(self) -> None:
        _coerce_numbers(
            self, ("numerator", "denominator", "direct_result", "previous", "target", "benchmark")
        )
        if self.direct_result is not None and self.numerator is not None:
            raise ValueError("give a numerator or a direct result, not both")
        if self.denominator is not None and self.numerator is None:
            raise ValueError("a denominator needs a numerator")
        if self.manual_rag is not None and not self.manual_reason.strip():
            raise ValueError("a RAG set by hand needs a reason")

    @property
    def form(self) -> ResultForm:
        """How the result is formed from the data given."""
        if self.numerator is not None:
            return ResultForm.RATIO if self.denominator is not None else ResultForm.NUMERATOR
        return ResultForm.DIRECT if self.direct_result is not None else ResultForm.NONE


def _coerce_numbers(obj: object, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str | None):
            raise TypeError(f"{name} must be a number, not {value!r}")
        number = to_decimal(value)
        if number is not None and not number.is_finite():
            raise ValueError(f"{name} must be a finite number, not {value!r}")
        object.__setattr__(obj, name, number)


def result(definition: IndicatorDefinition, value: PeriodValue) -> Decimal | None:
    """The unrounded result, by :data:`RESULT_RULE`; None if nothing was reported
    or the denominator is zero."""
    if value.form is ResultForm.RATIO:
        assert value.numerator is not None and value.denominator is not None
        if value.denominator == 0:
            return None
        return value.numerator * definition.multiplier / value.denominator
    if value.form is ResultForm.NUMERATOR:
        return value.numerator
    return value.direct_result


def target_variance(result: Decimal | None, target: Decimal | None) -> Decimal | None:
    """|result − target| ÷ |target| × 100 to one decimal (half up), by
    :data:`VARIANCE_RULE`; None without a result or a non-zero target."""
    if result is None or target is None or target == 0:
        return None
    return rounded(abs(result - target) / abs(target) * HUNDRED, ONE_DECIMAL)


def met(result: Decimal | None, target: Decimal | None, polarity: Polarity) -> bool | None:
    """Whether the target is met, by :data:`MET_RULE`; None if it cannot be said."""
    if result is None or target is None or polarity is Polarity.NONE:
        return None
    return result >= target if polarity is Polarity.HIGHER else result <= target


def direction(result: Decimal | None, previous: Decimal | None, polarity: Polarity) -> Direction:
    """Direction of travel against the previous result, by :data:`DIRECTION_RULE`."""
    if result is None or previous is None or polarity is Polarity.NONE:
        return Direction.NONE
    if result == previous:
        return Direction.SAME
    better = result > previous if polarity is Polarity.HIGHER else result < previous
    return Direction.IMPROVING if better else Direction.WORSENING


def calculated_rag(
    met_target: bool | None, variance: Decimal | None, thresholds: RagThresholds | None
) -> Rag4:
    """The four-level RAG from the threshold model (see the module docstring)."""
    if met_target is None:
        return Rag4.NOT_RATED
    if met_target:
        return Rag4.GREEN
    if thresholds is None or variance is None:
        return Rag4.RED
    return thresholds.grade(variance)


@dataclass(frozen=True)
class Assessment:
    """An indicator's period value with every rule applied."""

    definition: IndicatorDefinition
    value: PeriodValue
    result: Decimal | None
    variance: Decimal | None
    met: bool | None
    direction: Direction
    rag: Rag4
    rag_set_by_hand: bool

    @property
    def reported(self) -> bool:
        """Whether the period has a result."""
        return self.result is not None

    @property
    def numerator_denominator(self) -> str:
        """Seed 002's column: "422/709", "119/", or "N/A"."""
        return format_numerator_denominator(self.value)

    @property
    def result_text(self) -> str:
        """The result rounded for display, e.g. "59.52%"."""
        return format_value(self.result, self.definition)

    @property
    def previous_text(self) -> str:
        """The previous result for display."""
        return format_value(self.value.previous, self.definition)

    @property
    def target_text(self) -> str:
        """The target for display."""
        return format_value(self.value.target, self.definition)

    @property
    def variance_text(self) -> str:
        """The target variance for display, e.g. "12.2%"."""
        return format_variance(self.variance)


def assess(definition: IndicatorDefinition, value: PeriodValue) -> Assessment:
    """Apply every indicator rule to one period's value."""
    found = result(definition, value)
    variance = target_variance(found, value.target)
    met_target = met(found, value.target, definition.polarity)
    thresholds = value.thresholds if value.thresholds is not None else definition.thresholds
    calculated = calculated_rag(met_target, variance, thresholds)
    return Assessment(
        definition=definition,
        value=value,
        result=found,
        variance=variance,
        met=met_target,
        direction=direction(found, value.previous, definition.polarity),
        rag=calculated if value.manual_rag is None else value.manual_rag,
        rag_set_by_hand=value.manual_rag is not None,
    )


# --- display ------------------------------------------------------------------


def rounded(value: Decimal, step: Decimal) -> Decimal:
    """``value`` rounded half up to a multiple of ``step`` (a power of ten, such as 0.1).

    Rounding needs room for every digit before the point as well as after it; the
    default context's 28 digits cannot hold a rate of 10^23 to two places, or a
    target variance of 10^31 to one, so the context grows to fit.
    """
    exponent = step.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    with localcontext() as context:
        context.prec = max(context.prec, max(value.adjusted(), 0) + places + 2)
        return value.quantize(step, ROUND_HALF_UP)


def format_number(value: Decimal, decimals: int) -> str:
    """``value`` rounded half up to ``decimals`` places, without exponent."""
    return f"{rounded(value, Decimal(1).scaleb(-decimals)):f}"


def plain_number(value: Decimal) -> str:
    """``value`` as entered, without exponent or trailing zeros ("22.59", "229329")."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: Decimal | None, definition: IndicatorDefinition) -> str:
    """A result, previous or target for display ("59.52%", "0.87", "119"); "" if None."""
    if value is None:
        return ""
    text = format_number(value, definition.display_decimals)
    return f"{text}%" if definition.unit is Unit.PERCENTAGE else text


def format_variance(variance: Decimal | None) -> str:
    """Target variance for display ("0.8%"); "" if None."""
    return "" if variance is None else f"{format_number(variance, 1)}%"


def format_numerator_denominator(value: PeriodValue) -> str:
    """ "422/709" for a ratio, "119/" for a numerator alone, "N/A" otherwise."""
    if value.numerator is None:
        return "N/A" if value.direct_result is not None else ""
    denominator = "" if value.denominator is None else plain_number(value.denominator)
    return f"{plain_number(value.numerator)}/{denominator}"


def format_share(count: int, total: int) -> str:
    """Seed 002's "35% (7)": the share of ``total`` to a whole percent (half up), and
    the count; "0% (0)" when the total is zero."""
    share = Decimal(count * 100) / total if total else Decimal(0)
    return f"{format_number(share, 0)}% ({count})"
