"""Indicator figures: the one range the form and the JSON import accept, and that every
figure in it can be assessed and shown."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub_model.figures import INDICATOR_FIGURES, RAG_BOUNDS, FigureRange, decimal_places
from hub_model.indicators import (
    IndicatorDefinition,
    PeriodValue,
    RagThresholds,
    assess,
    format_numerator_denominator,
    format_value,
)
from hub_model.scales import Polarity, Unit

D = Decimal


def _figures(bounds: FigureRange) -> st.SearchStrategy[Decimal]:
    """Every figure ``bounds`` accepts, its ends and smallest steps included."""
    step = D(1).scaleb(-bounds.places)
    return st.one_of(
        st.decimals(min_value=bounds.smallest, max_value=bounds.largest, places=bounds.places),
        st.sampled_from([bounds.smallest, step, bounds.largest - step, bounds.largest]),
        st.integers(0, int(bounds.largest)).map(D),
    )


figures = _figures(INDICATOR_FIGURES)
maybe = st.one_of(st.none(), figures)


def test_the_seen_10_to_the_26_assesses_and_displays() -> None:
    # Seen: decimal.InvalidOperation in assess() and in the result display.
    spec = IndicatorDefinition("X", "x", Unit.COUNT, Polarity.HIGHER, decimals=2)
    found = assess(spec, PeriodValue(numerator=D(10) ** 26, target=D(5)))
    assert found.result_text == "100000000000000000000000000.00"
    assert found.variance_text == "1999999999999999999999999900.0%"


def test_the_largest_rate_against_the_smallest_target_assesses_and_displays() -> None:
    # Within what the form always accepted: 10^23 per 100,000 against 0.000001 is a
    # variance of 10^31 %, which the default 28-digit context could not round.
    spec = IndicatorDefinition("X", "x", Unit.RATE_PER_100000, Polarity.LOWER)
    value = PeriodValue(numerator=D(999_999_999_999), denominator=D("0.000001"), target=D("1E-6"))
    found = assess(spec, value)
    assert found.result_text == "99999999999900000000000.00"
    assert found.variance_text == "9999999999990000000000000000000.0%"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1E+26", "must be 999,999,999,999 or less"),
        ("999999999999.000001", "must be 999,999,999,999 or less"),
        ("-0.000001", "must be 0 or more"),
        ("1.1234567", "must have no more than 6 decimal places"),
        ("NaN", "must be a number"),
        ("Infinity", "must be a number"),
        ("999999999999", None),
        ("0.000001", None),
        ("59.5000000", None),  # trailing zeros are no extra places
    ],
)
def test_the_range_says_what_is_wrong(text: str, problem: str | None) -> None:
    assert INDICATOR_FIGURES.problem(D(text)) == problem


def test_the_database_columns_hold_the_whole_range() -> None:
    # NUMERIC(18, 6): twelve digits before the point, six after.
    assert (INDICATOR_FIGURES.precision, INDICATOR_FIGURES.places) == (18, 6)
    column = FigureRange.of_column(18, 6)
    assert column.problem(INDICATOR_FIGURES.largest) is None
    assert column.problem(D("1E+12")) == "must be 999,999,999,999.999999 or less"
    assert RAG_BOUNDS.problem(D("10000.1")) == "must be 10,000 or less"


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_a_figure_outside_the_range_is_always_refused(number: Decimal) -> None:
    inside = 0 <= number <= INDICATOR_FIGURES.largest and decimal_places(number) <= 6
    assert (INDICATOR_FIGURES.problem(number) is None) is inside


@settings(max_examples=300, deadline=None)
@given(
    unit=st.sampled_from(list(Unit)),
    polarity=st.sampled_from(list(Polarity)),
    decimals=st.one_of(st.none(), st.integers(0, 6)),
    bounds=st.tuples(st.one_of(st.none(), _figures(RAG_BOUNDS)), st.none()),
    numerator=maybe,
    denominator=maybe,
    direct=maybe,
    previous=maybe,
    target=maybe,
    benchmark=maybe,
)
def test_any_figure_the_import_accepts_is_assessed_and_shown(
    unit: Unit,
    polarity: Polarity,
    decimals: int | None,
    bounds: tuple[Decimal | None, None],
    numerator: Decimal | None,
    denominator: Decimal | None,
    direct: Decimal | None,
    previous: Decimal | None,
    target: Decimal | None,
    benchmark: Decimal | None,
) -> None:
    for figure in (numerator, denominator, direct, previous, target, benchmark):
        assert figure is None or INDICATOR_FIGURES.problem(figure) is None
    if numerator is None:
        denominator = None  # a denominator needs a numerator
    else:
        direct = None  # a numerator or a direct result, not both
    thresholds = RagThresholds(*bounds) if bounds[0] is not None else None
    spec = IndicatorDefinition("X", "x", unit, polarity, thresholds=thresholds, decimals=decimals)
    value = PeriodValue(
        numerator=numerator,
        denominator=denominator,
        direct_result=direct,
        previous=previous,
        target=target,
        benchmark=benchmark,
    )
    found = assess(spec, value)
    shown = [
        found.result_text,
        found.previous_text,
        found.target_text,
        found.variance_text,
        found.numerator_denominator,
        format_value(benchmark, spec),
        format_numerator_denominator(value),
    ]
    assert all(isinstance(text, str) for text in shown)
    if found.result is not None:
        # The text is the result rounded: within half a unit of its last place.
        text = found.result_text.rstrip("%")
        assert abs(D(text) - found.result) <= D(1).scaleb(-spec.display_decimals) / 2


CORNERS = [None, D(0), D("0.000001"), D(1), INDICATOR_FIGURES.largest]


@pytest.mark.parametrize("unit", list(Unit))
def test_every_corner_of_the_range_is_assessed_and_shown(unit: Unit) -> None:
    # Random figures rarely land on the largest numerator over the smallest denominator
    # against the smallest target at once; these are every such meeting of extremes.
    assert all(c is None or INDICATOR_FIGURES.problem(c) is None for c in CORNERS)
    thresholds = RagThresholds(D("0.1"), RAG_BOUNDS.largest)
    for decimals, polarity in product((None, 6), (Polarity.HIGHER, Polarity.LOWER)):
        spec = IndicatorDefinition(
            "X", "x", unit, polarity, thresholds=thresholds, decimals=decimals
        )
        for numerator, denominator, target, previous in product(CORNERS, repeat=4):
            value = PeriodValue(
                numerator=numerator,
                denominator=denominator if numerator is not None else None,
                direct_result=None if numerator is not None else denominator,
                previous=previous,
                target=target,
                benchmark=target,
            )
            found = assess(spec, value)
            assert found.result_text is not None and found.variance_text is not None
            assert found.previous_text is not None and found.target_text is not None
