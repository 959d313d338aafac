"""Questionnaire definitions: every shipped one loads; broken ones say exactly what is wrong."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from hub_model.framework import load_builtin
from hub_model.questionnaire import (
    AnswerError,
    Audience,
    QuestionnaireError,
    QuestionType,
    SplitBy,
    answer_text,
    describe_answer,
    load_questionnaire,
    parse_answer,
    parse_questionnaire,
    read_yaml,
    split_values,
)
from questionnaires import FOLDER, definition_paths

FRAMEWORK = load_builtin("carers_hub_2010")


def _survey() -> dict[str, Any]:
    return yaml.safe_load((FOLDER / "carers_survey.yaml").read_text())


@pytest.mark.parametrize("path", definition_paths(), ids=lambda path: path.stem)
def test_every_shipped_questionnaire_loads(path: Any) -> None:
    questionnaire = load_questionnaire(path, FRAMEWORK)
    assert questionnaire.id == path.stem
    assert questionnaire.questions


def test_the_four_required_questionnaires_ship() -> None:
    audiences = {load_questionnaire(p, FRAMEWORK).audience for p in definition_paths()}
    assert audiences == set(Audience)


def test_the_carers_survey_is_anonymous_and_asks_what_the_issue_asks() -> None:
    survey = load_questionnaire(FOLDER / "carers_survey.yaml", FRAMEWORK)
    assert survey.anonymous and survey.audience is Audience.CARERS
    assert survey.ranking_question() is not None  # what matters most
    assert survey.split_question(SplitBy.CARER_GROUP) is not None  # which groups
    kinds = {q.type for q in survey.questions}
    assert kinds == set(QuestionType)
    assert any(q.intervention for q in survey.questions)  # supports and their rating
    words = " ".join(q.text.lower() for q in survey.questions)
    for personal in ("name", "postcode", "email", "address", "phone", "date of birth"):
        assert f"your {personal}" not in words


def _break(change: Any) -> str:
    data = _survey()
    change(data)
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(data, FRAMEWORK, "broken.yaml")
    return str(caught.value)


def _q(data: dict[str, Any], page: int, number: int) -> dict[str, Any]:
    return data["pages"][page]["questions"][number]


def test_missing_title() -> None:
    assert (
        _break(lambda d: d.pop("title")) == "broken.yaml: (top level): missing required key 'title'"
    )


def test_unknown_question_type() -> None:
    message = _break(lambda d: _q(d, 1, 0).update(type="numbr"))
    assert (
        message
        == "broken.yaml: pages[1].questions[0].type: unknown value 'numbr' (did you mean 'number'?)"
    )


def test_duplicate_question_code() -> None:
    message = _break(lambda d: _q(d, 1, 0).update(code="cares_for"))
    assert message == (
        "broken.yaml: pages[1].questions[0].code: duplicate question code 'cares_for' "
        "(first at pages[0].questions[0].code)"
    )


def test_choice_without_options() -> None:
    message = _break(lambda d: _q(d, 0, 1).pop("options"))
    assert (
        message
        == "broken.yaml: pages[0].questions[1].options: a single_choice question needs at least two options"
    )


def test_scale_with_min_not_below_max() -> None:
    message = _break(lambda d: _q(d, 3, 0).update(min=5))
    assert message == "broken.yaml: pages[3].questions[0].max: max (5) must be greater than min (5)"


def test_unknown_outcome_code() -> None:
    message = _break(lambda d: _q(d, 3, 0).update(outcome="9"))
    assert message.startswith(
        "broken.yaml: pages[3].questions[0].outcome: unknown outcome '9' (the framework has: 1, 2, 3, 4, 5)"
    )


def test_unknown_intervention_code_on_an_option() -> None:
    message = _break(lambda d: _q(d, 4, 0)["options"][0].update(intervention="holidays"))
    assert message.startswith(
        "broken.yaml: pages[4].questions[0].options[0].intervention: unknown intervention 'holidays'"
    )


def test_unknown_carer_group_code() -> None:
    message = _break(lambda d: _q(d, 0, 0)["options"][1].update(group="alzheimers"))
    assert message.startswith(
        "broken.yaml: pages[0].questions[0].options[1].group: unknown carer group 'alzheimers'"
    )


def test_group_outside_the_question_dimension() -> None:
    message = _break(lambda d: _q(d, 0, 0)["options"][1].update(group="lgbt"))
    assert (
        message
        == "broken.yaml: pages[0].questions[0].group_dimension: options dementia name groups outside the dimension 'condition'"
    )


def test_ranking_pick_more_than_options() -> None:
    message = _break(lambda d: _q(d, 2, 0).update(pick=7))
    assert (
        message
        == "broken.yaml: pages[2].questions[0].pick: pick must be a whole number from 1 to 4 (the number of options), got 7"
    )


def test_duplicate_option_code() -> None:
    message = _break(lambda d: _q(d, 0, 1)["options"][1].update(code="age_16_24"))
    assert (
        message == "broken.yaml: pages[0].questions[1].options: duplicate option code 'age_16_24'"
    )


def test_outcome_ranking_option_without_an_outcome() -> None:
    message = _break(lambda d: _q(d, 2, 0)["options"][3].pop("outcome"))
    assert (
        message
        == "broken.yaml: pages[2].questions[0].ranks_outcomes: every option must name an outcome; wellbeing do not"
    )


def test_carers_survey_that_is_not_anonymous() -> None:
    message = _break(lambda d: d.update(anonymous=False))
    assert message == "broken.yaml: anonymous: a carers' questionnaire must be anonymous: true"


def test_code_that_cannot_be_a_column() -> None:
    message = _break(lambda d: _q(d, 1, 0).update(code="Hours a week"))
    assert message.startswith(
        "broken.yaml: pages[1].questions[0].code: 'Hours a week' is not a code"
    )


def test_unknown_key_suggests_the_right_one() -> None:
    message = _break(lambda d: _q(d, 1, 0).update(maxx=3))
    assert "pages[1].questions[0].maxx: unknown key 'maxx' (did you mean 'max'?)" in message


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(QuestionnaireError) as caught:
        read_yaml("id: x\ntitle: [unclosed\n", "bad.yaml")
    assert str(caught.value).startswith("bad.yaml: line 3, column 1: YAML syntax error")


def test_a_valid_change_still_loads() -> None:
    data = copy.deepcopy(_survey())
    _q(data, 2, 0)["pick"] = 4
    assert parse_questionnaire(data, FRAMEWORK, "ok.yaml").ranking_question().pick == 4  # type: ignore[union-attr]


# Reading typed answers (CSV cells).

SURVEY = load_questionnaire(FOLDER / "carers_survey.yaml", FRAMEWORK)


@pytest.mark.parametrize(
    ("code", "text", "value"),
    [
        ("cares_for", "dementia; older", ["older", "dementia"]),
        ("cares_for", "Someone with dementia", ["dementia"]),
        ("age_band", "", None),
        ("age_band", "65 OR OVER", "age_65_plus"),
        ("hours", "1,20", 120),
        ("hours", " 0 ", 0),
        ("outcomes_rank", "money;own_life;wellbeing", ["money", "own_life", "wellbeing"]),
        ("life_of_own", "3", 3),
        ("one_change", "  More breaks  ", "More breaks"),
    ],
)
def test_parse_answer_reads_what_people_type(code: str, text: str, value: Any) -> None:
    question = SURVEY.question(code)
    assert question is not None
    assert parse_answer(question, text) == value
    if value is not None:
        assert parse_answer(question, answer_text(question, value)) == value


@pytest.mark.parametrize(
    ("code", "text", "reason"),
    [
        ("cares_for", "", "an answer is required"),
        ("cares_for", "cats", "'cats' is not one of the options"),
        ("cares_for", "older;older", "an option is given more than once"),
        ("age_band", "age_16_24;age_25_64", "choose one option only"),
        ("hours", "lots", "'lots' is not a whole number"),
        ("hours", "169", "must be 168 or less"),
        ("hours", "-1", "must be 0 or more"),
        ("life_of_own", "6", "must be 5 or less"),
        ("outcomes_rank", "money;own_life", "rank 3 options"),
        ("outcomes_rank", "money;own_life;wellbeing;expert_partner", "rank at most 3 options"),
        ("one_change", "x" * 601, "must be 600 characters or fewer"),
    ],
)
def test_parse_answer_refuses_what_does_not_fit(code: str, text: str, reason: str) -> None:
    question = SURVEY.question(code)
    assert question is not None
    with pytest.raises(AnswerError) as caught:
        parse_answer(question, text)
    assert str(caught.value).startswith(reason)


def test_describe_answer_in_words() -> None:
    rank = SURVEY.question("outcomes_rank")
    scale = SURVEY.question("life_of_own")
    assert rank is not None and scale is not None
    assert describe_answer(rank, ["money", "own_life"]).startswith(
        "1. Not being forced into financial hardship; 2."
    )
    assert describe_answer(scale, 1) == "1 (Strongly disagree)"
    assert describe_answer(scale, None) == "Not answered"


def test_split_values_maps_options_to_framework_groups() -> None:
    answers = {"cares_for": ["older", "dementia"]}
    assert split_values(SURVEY, answers, SplitBy.CARER_GROUP) == ["older_people", "dementia"]
    assert split_values(SURVEY, answers, SplitBy.STAKEHOLDER_TYPE) == []
