"""Published figures of the national carers' survey: one typed figure's checks, and
reading one council's rows from a published table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hub_model.framework import load_builtin
from hub_model.published_figures import check, measure_code, missing_columns, read_table
from hub_model.quality_of_life_scoring import load_scoring
from hub_model.questionnaire import load_questionnaire
from questionnaires import FOLDER

SURVEY = load_questionnaire(FOLDER / "carers_survey.yaml", load_builtin("carers_hub_2010"))
SCORING = load_scoring(FOLDER / "scoring" / "carer_quality_of_life.yaml", SURVEY)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1D", "carer_quality_of_life"),
        ("carer_quality_of_life", "carer_quality_of_life"),
        ("3b", "carers_satisfaction"),
        ("Carers who have as much social contact as they would like (%)", "carers_social_contact"),
        ("2A", None),
    ],
)
def test_a_measure_is_named_by_code_ascof_number_or_title(text: str, code: str | None) -> None:
    assert measure_code(SCORING, text) == code


def test_a_good_figure_is_read() -> None:
    figure, problems = check(
        SCORING,
        {
            "measure": "1D",
            "year": "2023-24",
            "value": "7.3",
            "base": "1,204",
            "ci_low": "7.1",
            "ci_high": "7.5",
        },
    )
    assert problems == {}
    assert figure is not None
    assert (figure.value, figure.base, figure.ci_low, figure.ci_high) == (
        Decimal("7.3"),
        1204,
        Decimal("7.1"),
        Decimal("7.5"),
    )


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"year": "2023-25"}, "year", "Enter the survey year like 2023-24"),
        ({"value": "12.5"}, "value", "The value must be between 0 and 12"),
        ({"value": ""}, "value", "Enter the published value"),
        ({"value": "seven"}, "value", "The value must be a number, like 7.8 or 64.2"),
        ({"base": "12.5"}, "base", "The number of carers must be a whole number, like 412"),
        ({"ci_low": "7.4", "ci_high": "7.9"}, "ci_low", "around the value"),
        ({"ci_low": "7.1"}, "ci_high", "Enter both ends of the confidence interval, or neither"),
        ({"measure": "happiness"}, "measure", "is not a measure of the carers' survey"),
    ],
)
def test_a_bad_figure_is_refused_field_by_field(
    typed: dict[str, str], field: str, message: str
) -> None:
    base = {"measure": "1D", "year": "2023-24", "value": "7.3"}
    figure, problems = check(SCORING, {**base, **typed})
    assert figure is None
    assert message in problems[field]


def test_a_table_gives_one_councils_rows_and_names_bad_rows() -> None:
    rows = [
        {
            "Council code": "E10000034",
            "Measure": "1D",
            "Year": "2023-24",
            "Value": "7.6",
            "Base": "512",
        },
        {
            "Council code": "E10000099",
            "Measure": "1D",
            "Year": "2023-24",
            "Value": "7.0",
            "Base": "1",
        },
        {
            "Council code": "e10000034",
            "Measure": "3C",
            "Year": "2023-24",
            "Value": "140",
            "Base": "5",
        },
    ]
    read = read_table(SCORING, rows, "E10000034")
    assert [(f.measure, f.value) for f in read.figures] == [
        ("carer_quality_of_life", Decimal("7.6"))
    ]
    assert read.problems == ("Row 4: The value must be between 0 and 100",)
    assert read.other_councils == 1
    assert read_table(SCORING, rows[1:2], "E10000034").problems == (
        "No row is for the council code ‘E10000034’",
    )


def test_missing_columns_are_named() -> None:
    assert missing_columns(["Council code", "Measure", "value"]) == ["year", "base"]
