"""Property tests (hypothesis): every summary of every question agrees with its raw answers.

The answer sets are generated from the shipped questionnaire definitions
(``questionnaires/*.yaml``), question by question from each question's type,
options and range, so a new questionnaire or question type is covered without
a change here.
"""

from __future__ import annotations

from collections import Counter
from statistics import mean, median
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub_model.framework import load_builtin
from hub_model.questionnaire import (
    Answer,
    Question,
    Questionnaire,
    QuestionType,
    load_questionnaire,
)
from hub_model.survey_results import QuestionSummary, summarise
from questionnaires import definition_paths

FRAMEWORK = load_builtin("carers_hub_2010")
QUESTIONNAIRES = {path.stem: load_questionnaire(path, FRAMEWORK) for path in definition_paths()}


def _given(question: Question) -> st.SearchStrategy[Answer]:
    """Answers a person could give to ``question``, as the online form or import stores them."""
    codes = [option.code for option in question.options]
    kind = question.type
    if kind is QuestionType.SINGLE_CHOICE:
        return st.sampled_from(codes)
    if kind is QuestionType.MULTIPLE_CHOICE:
        order = {code: index for index, code in enumerate(codes)}
        chosen = st.lists(st.sampled_from(codes), min_size=1, unique=True)
        return chosen.map(lambda picked: sorted(picked, key=order.__getitem__))
    if kind is QuestionType.RANKING:
        return st.permutations(codes).flatmap(
            lambda order: st.integers(1, question.pick).map(lambda n: list(order[:n]))
        )
    if kind in {QuestionType.SCALE, QuestionType.NUMBER}:
        return st.integers(question.minimum, question.maximum)
    assert kind is QuestionType.FREE_TEXT, kind
    return st.text(min_size=1, max_size=20).filter(str.strip)


def _answer_sets(questionnaire: Questionnaire) -> st.SearchStrategy[list[dict[str, Any]]]:
    # Any question may be left blank: online, a required one cannot, but summaries must
    # not depend on that (an import of another version, a question made optional later).
    one = st.fixed_dictionaries(
        {
            question.code: st.one_of(st.none(), _given(question))
            for question in questionnaire.questions
        }
    )
    return st.lists(one, max_size=40)


def _check(item: QuestionSummary, raw: list[Answer]) -> None:
    """Every figure the summary shows equals the raw answers' figure; a figure the
    small-group rule hides (None, hub_model.suppression) is not compared, but it
    may only be hidden, never wrong."""
    question = item.question
    assert item.answered in (None, len(raw))
    kind = question.type
    if kind is QuestionType.FREE_TEXT:
        assert item.texts == () or list(item.texts) == sorted(str(text) for text in raw)
        return
    if kind is QuestionType.NUMBER:
        numbers = [float(value) for value in raw]  # type: ignore[arg-type]
        if item.numbers is None:
            return
        stats = item.numbers
        assert (stats.minimum, stats.maximum) == (min(numbers), max(numbers))
        assert stats.median == median(numbers)
        assert stats.minimum <= stats.mean <= stats.maximum
        assert stats.mean == round(mean(numbers), 2)
        return
    chosen = [code for value in raw for code in (value if isinstance(value, list) else [value])]
    tally = Counter(str(code) for code in chosen)
    keys = (
        [str(point) for point in question.scale_points()]
        if kind is QuestionType.SCALE
        else [option.code for option in question.options]
    )
    assert [count.key for count in item.counts] == keys
    for count in item.counts:
        if count.count is not None:
            assert count.count == tally[count.key]
        if count.share is not None:
            assert count.share == pytest.approx(tally[count.key] / len(raw) if raw else 0.0)
    shown = [count.count for count in item.counts]
    if kind in {QuestionType.SINGLE_CHOICE, QuestionType.SCALE} and None not in shown:
        # One answer per person: the counts add up to the people answering.
        assert sum(shown) == len(raw)  # type: ignore[arg-type]
    if kind is QuestionType.SCALE and item.mean is not None:
        assert question.minimum is not None and question.maximum is not None
        assert question.minimum <= item.mean <= question.maximum
        assert item.mean == round(mean(int(v) for v in raw), 2)  # type: ignore[call-overload]
    if kind is QuestionType.RANKING:
        _check_ranking(item, raw)


def _check_ranking(item: QuestionSummary, raw: list[Answer]) -> None:
    pick = item.question.pick
    rows = {row.key: row for row in item.ranking}
    assert set(rows) == {option.code for option in item.question.options}
    for code, row in rows.items():
        places = [order.index(code) for order in raw if isinstance(order, list) and code in order]
        assert row.ranked in (None, len(places))
        assert row.first in (None, places.count(0))
        assert row.points in (None, sum(pick - place for place in places))


@pytest.mark.parametrize("name", sorted(QUESTIONNAIRES))
def test_every_question_summary_agrees_with_its_raw_answers(name: str) -> None:
    questionnaire = QUESTIONNAIRES[name]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_answer_sets(questionnaire))
    def check(answer_sets: list[dict[str, Any]]) -> None:
        summary = summarise(questionnaire, answer_sets)
        assert summary.responses == len(answer_sets)
        for item in summary.questions:
            code = item.question.code
            raw = [a[code] for a in answer_sets if a[code] is not None and a[code] != []]
            _check(item, raw)

    check()


def test_every_question_type_is_generated() -> None:
    # The shipped questionnaires between them use every type, so the property covers each.
    used = {q.type for questionnaire in QUESTIONNAIRES.values() for q in questionnaire.questions}
    assert used == set(QuestionType)
