"""The import's column guide says exactly what the import accepts (issue #19):
every code it lists is accepted in its column, every option is listed, and a
required column is never said to be optional."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub_model.answer_columns import columns
from hub_model.framework import load_builtin
from hub_model.questionnaire import (
    LIST_SEPARATOR,
    AnswerError,
    QuestionType,
    load_questionnaire,
    parse_answer,
)
from questionnaires import definition_paths

FRAMEWORK = load_builtin("carers_hub_2010")
SHIPPED = [load_questionnaire(path, FRAMEWORK) for path in definition_paths()]


@pytest.mark.parametrize("questionnaire", SHIPPED, ids=lambda q: q.id)
def test_one_column_per_question_with_every_option_and_its_meaning(questionnaire: Any) -> None:
    guide = columns(questionnaire)
    assert [column.name for column in guide] == [q.code for q in questionnaire.questions]
    for column, question in zip(guide, questionnaire.questions, strict=True):
        assert column.question == question.text
        assert column.codes == tuple((o.code, o.label) for o in question.options)
        assert column.what_to_write
        if question.options:
            assert "codes" in column.what_to_write or "code" in column.what_to_write


@pytest.mark.parametrize("questionnaire", SHIPPED, ids=lambda q: q.id)
def test_an_empty_cell_is_accepted_exactly_where_the_guide_says(questionnaire: Any) -> None:
    for column, question in zip(columns(questionnaire), questionnaire.questions, strict=True):
        try:
            parse_answer(question, "")
        except AnswerError:
            assert not column.may_be_empty, column.name
        else:
            assert column.may_be_empty, column.name


@given(st.data())
def test_every_listed_code_is_accepted_in_its_column(data: st.DataObject) -> None:
    questionnaire = data.draw(st.sampled_from(SHIPPED))
    chosen = [q for q in questionnaire.questions if q.options]
    question = data.draw(st.sampled_from(chosen))
    column = next(c for c in columns(questionnaire) if c.name == question.code)
    codes = [code for code, _ in column.codes]
    if question.type is QuestionType.SINGLE_CHOICE:
        picked = [data.draw(st.sampled_from(codes))]
    else:
        size = question.pick if question.type is QuestionType.RANKING else None
        picked = data.draw(
            st.lists(st.sampled_from(codes), min_size=size or 1, max_size=size, unique=True)
        )
    answer = parse_answer(question, f"{LIST_SEPARATOR} ".join(picked))
    assert set([answer] if isinstance(answer, str) else answer or []) == set(picked)
