"""Indicator rules: result, target variance, met, direction of travel, RAG, display."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hub_model.indicator_summary import dashboard_summary, split_by_target, summary_row
from hub_model.indicators import (
    IndicatorDefinition,
    IndicatorType,
    PeriodValue,
    RagThresholds,
    ResultForm,
    assess,
    calculated_rag,
    direction,
    format_numerator_denominator,
    format_share,
    format_value,
    format_variance,
    met,
    multiplier,
    result,
    target_variance,
)
from hub_model.scales import Direction, Polarity, Rag4, Unit

D = Decimal
HIGHER, LOWER, NONE = Polarity.HIGHER, Polarity.LOWER, Polarity.NONE


def definition(
    unit: Unit = Unit.PERCENTAGE,
    polarity: Polarity = HIGHER,
    kind: IndicatorType = IndicatorType.STRATEGIC,
    thresholds: RagThresholds | None = None,
) -> IndicatorDefinition:
    return IndicatorDefinition("X/1", "An indicator", unit, polarity, kind, thresholds)


@pytest.mark.parametrize(
    ("unit", "factor"),
    [
        pytest.param(Unit.PERCENTAGE, D(100), id="percentage"),
        pytest.param(Unit.RATE_PER_100000, D(100000), id="rate"),
        pytest.param(Unit.COUNT, D(1), id="count"),
        pytest.param(Unit.AVERAGE, D(1), id="average"),
        pytest.param(Unit.OTHER, D(1), id="other"),
    ],
)
def test_multiplier_follows_unit(unit: Unit, factor: Decimal) -> None:
    assert multiplier(unit) == factor
    assert definition(unit).multiplier == factor


@pytest.mark.parametrize(
    ("unit", "value", "expected", "form"),
    [
        pytest.param(
            Unit.PERCENTAGE,
            PeriodValue(numerator=1, denominator=8),
            D("12.5"),
            ResultForm.RATIO,
            id="percentage",
        ),
        pytest.param(
            Unit.RATE_PER_100000,
            PeriodValue(numerator=3, denominator=200000),
            D("1.5"),
            ResultForm.RATIO,
            id="rate",
        ),
        pytest.param(
            Unit.COUNT, PeriodValue(numerator=119), D(119), ResultForm.NUMERATOR, id="count"
        ),
        pytest.param(
            Unit.AVERAGE,
            PeriodValue(numerator="22.59"),
            D("22.59"),
            ResultForm.NUMERATOR,
            id="average",
        ),
        pytest.param(
            Unit.PERCENTAGE,
            PeriodValue(direct_result="66.3"),
            D("66.3"),
            ResultForm.DIRECT,
            id="direct",
        ),
        pytest.param(Unit.PERCENTAGE, PeriodValue(), None, ResultForm.NONE, id="nothing"),
        pytest.param(
            Unit.PERCENTAGE,
            PeriodValue(numerator=1, denominator=0),
            None,
            ResultForm.RATIO,
            id="zero-denominator",
        ),
    ],
)
def test_result(unit: Unit, value: PeriodValue, expected: Decimal | None, form: ResultForm) -> None:
    assert result(definition(unit), value) == expected
    assert value.form is form


def test_result_is_kept_unrounded() -> None:
    found = result(definition(), PeriodValue(numerator=1, denominator=3))
    assert found is not None and found > D("33.3333333")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"numerator": 1, "direct_result": 2}, "not both", id="numerator-and-direct"),
        pytest.param({"denominator": 5}, "needs a numerator", id="denominator-alone"),
        pytest.param({"manual_rag": Rag4.RED}, "needs a reason", id="manual-without-reason"),
        pytest.param(
            {"manual_rag": Rag4.RED, "manual_reason": "  "}, "needs a reason", id="blank-reason"
        ),
        pytest.param({"target": float("nan")}, "finite", id="nan"),
    ],
)
def test_period_value_refuses_contradictions(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PeriodValue(**kwargs)  # type: ignore[arg-type]


def test_period_value_refuses_non_numbers() -> None:
    with pytest.raises(TypeError):
        PeriodValue(target=True)  # type: ignore[arg-type]


def test_numbers_become_decimals_exactly() -> None:
    value = PeriodValue(numerator=1, previous=0.1, target="10.6")  # type: ignore[arg-type]
    assert (value.numerator, value.previous, value.target) == (D(1), D("0.1"), D("10.6"))


@pytest.mark.parametrize(
    ("found", "target", "expected"),
    [
        pytest.param(D("9.5"), D(10), D("5.0"), id="below"),
        pytest.param(D("10.5"), D(10), D("5.0"), id="above-is-absolute"),
        pytest.param(D("10.005"), D(10), D("0.1"), id="half-up-0.05"),
        pytest.param(D("10.0049"), D(10), D("0.0"), id="just-below-half"),
        pytest.param(D(10), D(10), D("0.0"), id="on-target"),
        pytest.param(D(5), D(0), None, id="zero-target"),
        pytest.param(None, D(10), None, id="no-result"),
        pytest.param(D(5), None, None, id="no-target"),
    ],
)
def test_target_variance(
    found: Decimal | None, target: Decimal | None, expected: Decimal | None
) -> None:
    assert target_variance(found, target) == expected


@pytest.mark.parametrize(
    ("found", "target", "polarity", "expected"),
    [
        pytest.param(D(60), D(60), HIGHER, True, id="higher-equal-met"),
        pytest.param(D("59.9"), D(60), HIGHER, False, id="higher-below-missed"),
        pytest.param(D(3), D(3), LOWER, True, id="lower-equal-met"),
        pytest.param(D("3.1"), D(3), LOWER, False, id="lower-above-missed"),
        pytest.param(D(1), D(3), NONE, None, id="no-polarity"),
        pytest.param(None, D(3), HIGHER, None, id="no-result"),
        pytest.param(D(3), None, HIGHER, None, id="no-target"),
    ],
)
def test_met(
    found: Decimal | None, target: Decimal | None, polarity: Polarity, expected: bool | None
) -> None:
    assert met(found, target, polarity) is expected


@pytest.mark.parametrize(
    ("found", "previous", "polarity", "expected"),
    [
        pytest.param(D(5), D(4), HIGHER, Direction.IMPROVING, id="higher-up-improving"),
        pytest.param(D(3), D(4), HIGHER, Direction.WORSENING, id="higher-down-worsening"),
        pytest.param(D(3), D(4), LOWER, Direction.IMPROVING, id="lower-down-improving"),
        pytest.param(D(5), D(4), LOWER, Direction.WORSENING, id="lower-up-worsening"),
        pytest.param(D(4), D("4.0"), HIGHER, Direction.SAME, id="same"),
        pytest.param(D(5), D(4), NONE, Direction.NONE, id="no-polarity"),
        pytest.param(D(5), None, HIGHER, Direction.NONE, id="no-previous"),
        pytest.param(None, D(4), HIGHER, Direction.NONE, id="no-result"),
    ],
)
def test_direction(
    found: Decimal | None, previous: Decimal | None, polarity: Polarity, expected: Direction
) -> None:
    assert direction(found, previous, polarity) is expected


BOUNDS = RagThresholds(green_amber_within=D(1), red_amber_within=D(5))


@pytest.mark.parametrize(
    ("met_target", "variance", "thresholds", "expected"),
    [
        pytest.param(True, D("30.0"), BOUNDS, Rag4.GREEN, id="met-green"),
        pytest.param(False, D("0.5"), BOUNDS, Rag4.GREEN_AMBER, id="within-green-amber"),
        pytest.param(False, D("1.0"), BOUNDS, Rag4.GREEN_AMBER, id="on-green-amber-bound"),
        pytest.param(False, D("1.1"), BOUNDS, Rag4.RED_AMBER, id="within-red-amber"),
        pytest.param(False, D("5.0"), BOUNDS, Rag4.RED_AMBER, id="on-red-amber-bound"),
        pytest.param(False, D("5.1"), BOUNDS, Rag4.RED, id="beyond-red"),
        pytest.param(False, D("0.1"), None, Rag4.RED, id="no-thresholds-miss-is-red"),
        pytest.param(
            False,
            D("3"),
            RagThresholds(red_amber_within=D(5)),
            Rag4.RED_AMBER,
            id="green-amber-level-skipped",
        ),
        pytest.param(
            False,
            D("3"),
            RagThresholds(green_amber_within=D(2)),
            Rag4.RED,
            id="red-amber-level-skipped",
        ),
        pytest.param(None, None, BOUNDS, Rag4.NOT_RATED, id="no-verdict-not-rated"),
    ],
)
def test_calculated_rag(
    met_target: bool | None,
    variance: Decimal | None,
    thresholds: RagThresholds | None,
    expected: Rag4,
) -> None:
    assert calculated_rag(met_target, variance, thresholds) is expected


@pytest.mark.parametrize(
    ("ga", "ra"),
    [pytest.param(5, 1, id="green-amber-above-red-amber"), pytest.param(-1, None, id="negative")],
)
def test_thresholds_must_be_ordered_and_non_negative(ga: int, ra: int | None) -> None:
    with pytest.raises(ValueError):
        RagThresholds(ga, ra)  # type: ignore[arg-type]


def test_period_thresholds_override_definition() -> None:
    defn = definition(thresholds=RagThresholds(red_amber_within=D(50)))
    value = PeriodValue(numerator=1, denominator=2, target=60, thresholds=RagThresholds(D(20)))

    assert assess(defn, value).rag is Rag4.GREEN_AMBER  # 50% against 60%: variance 16.7
    assert assess(defn, PeriodValue(numerator=1, denominator=2, target=60)).rag is Rag4.RED_AMBER


def test_manual_rag_overrides_with_reason() -> None:
    value = PeriodValue(
        numerator=9,
        denominator=10,
        target=50,
        manual_rag=Rag4.RED_AMBER,
        manual_reason="Data known to be incomplete",
    )
    found = assess(definition(), value)
    assert found.met is True
    assert found.rag is Rag4.RED_AMBER
    assert found.rag_set_by_hand


def test_no_polarity_indicator_is_not_rated_and_has_no_direction() -> None:
    found = assess(definition(polarity=NONE), PeriodValue(direct_result=5, previous=4, target=3))
    assert (found.met, found.direction, found.rag) == (None, Direction.NONE, Rag4.NOT_RATED)
    assert found.variance == D("66.7")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(PeriodValue(numerator=422, denominator=709), "422/709", id="ratio"),
        pytest.param(PeriodValue(numerator=119), "119/", id="count"),
        pytest.param(PeriodValue(numerator="22.590"), "22.59/", id="average-trailing-zero"),
        pytest.param(PeriodValue(numerator=100, denominator=200), "100/200", id="no-exponent"),
        pytest.param(PeriodValue(direct_result="5.84"), "N/A", id="direct"),
        pytest.param(PeriodValue(), "", id="nothing"),
    ],
)
def test_numerator_denominator_text(value: PeriodValue, text: str) -> None:
    assert format_numerator_denominator(value) == text


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [
        pytest.param(D("59.52045"), Unit.PERCENTAGE, None, "59.52%", id="percentage-2dp"),
        pytest.param(D("9.3088"), Unit.PERCENTAGE, 1, "9.3%", id="percentage-1dp"),
        pytest.param(D("0.8721"), Unit.RATE_PER_100000, None, "0.87", id="rate"),
        pytest.param(D(119), Unit.COUNT, None, "119", id="count"),
        pytest.param(D("2.345"), Unit.AVERAGE, None, "2.35", id="half-up"),
        pytest.param(D(60), Unit.PERCENTAGE, None, "60.00%", id="trailing-zeros"),
        pytest.param(None, Unit.PERCENTAGE, None, "", id="none"),
    ],
)
def test_format_value(value: Decimal | None, unit: Unit, decimals: int | None, text: str) -> None:
    defn = IndicatorDefinition("X", "x", unit, HIGHER, decimals=decimals)
    assert format_value(value, defn) == text


@pytest.mark.parametrize(
    ("variance", "text"),
    [
        pytest.param(D("0.8"), "0.8%", id="one-decimal"),
        pytest.param(D("74"), "74.0%", id="pads"),
        pytest.param(None, "", id="none"),
    ],
)
def test_format_variance(variance: Decimal | None, text: str) -> None:
    assert format_variance(variance) == text


@pytest.mark.parametrize(
    ("count", "total", "text"),
    [
        pytest.param(7, 20, "35% (7)", id="seed-002"),
        pytest.param(1, 8, "13% (1)", id="half-up"),
        pytest.param(2, 3, "67% (2)", id="rounds"),
        pytest.param(0, 0, "0% (0)", id="nothing-reported"),
        pytest.param(5, 5, "100% (5)", id="all"),
    ],
)
def test_format_share(count: int, total: int, text: str) -> None:
    assert format_share(count, total) == text


def test_assessment_texts() -> None:
    found = assess(
        definition(), PeriodValue(numerator=422, denominator=709, previous="58.10", target="60.00")
    )
    assert (found.result_text, found.previous_text, found.target_text, found.variance_text) == (
        "59.52%",
        "58.10%",
        "60.00%",
        "0.8%",
    )
    assert found.numerator_denominator == "422/709"


def test_summary_counts_by_type_and_overall() -> None:
    strategic = definition(kind=IndicatorType.STRATEGIC)
    critical = definition(kind=IndicatorType.CRITICAL, polarity=LOWER)
    items = [
        assess(strategic, PeriodValue(numerator=7, denominator=10, target=60, previous=50)),
        assess(strategic, PeriodValue(numerator=5, denominator=10, target=60, previous=50)),
        assess(strategic, PeriodValue(direct_result=5)),
        assess(critical, PeriodValue(direct_result=3, target=2, previous=3)),
        assess(critical, PeriodValue()),
    ]

    summary = dashboard_summary(items, {IndicatorType.STRATEGIC: 3, IndicatorType.CRITICAL: 2})

    s, c, overall = (
        summary.by_type[IndicatorType.STRATEGIC],
        summary.by_type[IndicatorType.CRITICAL],
        summary.overall,
    )
    assert (s.label, s.reported, s.expected) == ("Strategic", 3, 3)
    assert s.rag == {
        Rag4.RED: 1,
        Rag4.RED_AMBER: 0,
        Rag4.GREEN_AMBER: 0,
        Rag4.GREEN: 1,
        Rag4.NOT_RATED: 1,
    }
    assert (s.improving_or_same, s.worsening, s.no_direction) == (2, 0, 1)
    assert (c.reported, c.expected, c.not_reported) == (1, 2, 1)
    assert (c.improving_or_same, c.rag[Rag4.RED]) == (1, 1)
    assert (overall.label, overall.reported, overall.expected) == ("Overall", 4, 5)
    assert overall.share(Rag4.RED) == "50% (2)"
    assert overall.share(Rag4.GREEN) == "25% (1)"
    assert overall.improving_or_same_text == "75% (3)"
    assert overall.worsening_text == "0% (0)"


def test_summary_overall_expected_unknown_unless_every_type_given() -> None:
    summary = dashboard_summary([], {IndicatorType.STRATEGIC: 3})
    assert summary.overall.expected is None
    assert summary.overall.not_reported is None
    assert summary_row("Empty", []).share(Rag4.GREEN) == "0% (0)"


def test_split_by_target() -> None:
    defn = definition()
    missed = assess(defn, PeriodValue(direct_result=1, target=2))
    hit = assess(defn, PeriodValue(direct_result=3, target=2))
    blank = assess(defn, PeriodValue(direct_result=3))

    tables = split_by_target([missed, hit, blank])

    assert (tables.not_met, tables.met, tables.not_assessed) == ((missed,), (hit,), (blank,))
