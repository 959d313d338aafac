"""Questionnaire results: counts and shares per question, split by carer group and
by stakeholder type, with small groups suppressed.

The rules, stated where results are shown:
- a share is the count divided by the people who answered that question; for a
  multiple-choice question people may choose several options, so shares can add
  up to more than 100%;
- a ranking gives each option points: first place gets as many points as there
  are places to fill, the last place one point; options are listed by points, then
  by how often they were ranked first;
- in a split, a carer group or stakeholder type with fewer than
  :data:`SMALLEST_GROUP` answers to a question is suppressed (no count, no share),
  so that no carer can be identified, and so is the next smallest group where
  needed so that a hidden count cannot be worked out from the total
  (:mod:`hub_model.suppression`); a person in several groups counts in each;
- free-text answers are listed (sorted, so the order says nothing about who
  answered when), never split.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from hub_model.questionnaire import (
    Answer,
    Question,
    Questionnaire,
    QuestionType,
    SplitBy,
    scale_label,
)
from hub_model.suppression import SMALLEST_GROUP as SMALLEST_GROUP
from hub_model.suppression import SUPPRESSED, hidden_groups

SPLITTABLE = frozenset(
    {
        QuestionType.SINGLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.SCALE,
        QuestionType.RANKING,
    }
)


@dataclass(frozen=True)
class Count:
    """One line of a results table: an option or scale point."""

    key: str
    label: str
    count: int
    share: float  # 0..1 of those who answered the question


@dataclass(frozen=True)
class Ranked:
    key: str
    label: str
    points: int
    first: int  # how often ranked first
    ranked: int  # how often ranked at all
    outcome: str | None


@dataclass(frozen=True)
class NumberStats:
    mean: float
    median: float
    minimum: float
    maximum: float


@dataclass(frozen=True)
class QuestionSummary:
    question: Question
    answered: int
    counts: tuple[Count, ...] = ()
    ranking: tuple[Ranked, ...] = ()
    numbers: NumberStats | None = None
    mean: float | None = None  # scale questions
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SplitCell:
    """One group's answers to one question; ``counts`` is None when suppressed.

    A suppressed cell never says why (too few answers, or hidden to protect a
    smaller group), since that would say which hidden group is the small one.
    """

    group: str
    answered: int | None  # None when suppressed: even the number could identify
    counts: tuple[Count, ...] | None

    @property
    def suppressed(self) -> bool:
        return self.counts is None


@dataclass(frozen=True)
class Split:
    by: SplitBy
    # (framework code, people in it or None if suppressed), in order
    groups: tuple[tuple[str, int | None], ...]
    cells: Mapping[str, tuple[SplitCell, ...]]  # question code -> one cell per group


@dataclass(frozen=True)
class Summary:
    responses: int
    questions: tuple[QuestionSummary, ...]
    splits: tuple[Split, ...]

    def question(self, code: str) -> QuestionSummary:
        return next(item for item in self.questions if item.question.code == code)

    def outcome_ranking(self) -> list[str]:
        """Outcome codes in the order the outcome-ranking question put them."""
        ranked = [item for item in self.questions if item.question.ranks_outcomes]
        if not ranked:
            return []
        return [row.outcome for row in ranked[0].ranking if row.outcome and row.points > 0]


def summarise(
    questionnaire: Questionnaire,
    answer_sets: Sequence[Mapping[str, Answer | None]],
    group_order: Sequence[str] = (),
) -> Summary:
    """Results of ``answer_sets`` (one mapping per response) to ``questionnaire``.

    ``group_order`` lists framework group and stakeholder-type codes in the order
    splits show them; codes not in it follow in first-seen order.
    """
    frame = pd.DataFrame.from_records(
        [dict(answers) for answers in answer_sets],
        columns=[question.code for question in questionnaire.questions],
    )
    summaries = tuple(
        _question(question, frame[question.code]) for question in questionnaire.questions
    )
    splits = []
    for by in SplitBy:
        split_question = questionnaire.split_question(by)
        if split_question is not None:
            splits.append(_split(questionnaire, frame, split_question, by, group_order))
    return Summary(len(frame), summaries, tuple(splits))


def _given(value: object) -> bool:
    if value is None or value == [] or value == "":
        return False
    return not (isinstance(value, float) and value != value)  # NaN: pandas' "missing"


def _answered(column: pd.Series) -> pd.Series:
    """The non-blank answers in ``column`` (None, an empty list or text is no answer)."""
    keep = [_given(value) for value in column.tolist()]
    return column[keep]


def _question(question: Question, column: pd.Series) -> QuestionSummary:
    answers = _answered(column)
    answered = len(answers)
    kind = question.type
    if kind is QuestionType.FREE_TEXT:
        return QuestionSummary(question, answered, texts=tuple(sorted(str(v) for v in answers)))
    if kind is QuestionType.NUMBER:
        if not answered:
            return QuestionSummary(question, 0)
        values = pd.to_numeric(answers)
        stats = NumberStats(
            round(float(values.mean()), 2),
            float(values.median()),
            float(values.min()),
            float(values.max()),
        )
        return QuestionSummary(question, answered, numbers=stats)
    counts = _counts(question, answers)
    if kind is QuestionType.SCALE:
        mean = round(float(pd.to_numeric(answers).mean()), 2) if answered else None
        return QuestionSummary(question, answered, counts=counts, mean=mean)
    if kind is QuestionType.RANKING:
        return QuestionSummary(
            question, answered, counts=counts, ranking=_ranking(question, answers)
        )
    return QuestionSummary(question, answered, counts=counts)


def _keys(question: Question) -> list[tuple[str, str]]:
    if question.type is QuestionType.SCALE:
        return [(str(point), scale_label(question, point)) for point in question.scale_points()]
    return [(option.code, option.label) for option in question.options]


def _counts(question: Question, answers: pd.Series) -> tuple[Count, ...]:
    """Counts and shares per option (or scale point) among ``answers``."""
    answered = len(answers)
    values = (
        answers.explode()
        if question.type in {QuestionType.MULTIPLE_CHOICE, QuestionType.RANKING}
        else answers
    )
    if question.type is QuestionType.SCALE:
        # Blanks in an optional question make pandas hold the points as floats (4.0),
        # which would never match the point "4".
        values = values.astype("int64")
    tally = values.astype(str).value_counts() if answered else pd.Series(dtype="int64")
    return tuple(
        Count(
            key,
            label,
            int(tally.get(key, 0)),
            (int(tally.get(key, 0)) / answered) if answered else 0.0,
        )
        for key, label in _keys(question)
    )


def _ranking(question: Question, answers: pd.Series) -> tuple[Ranked, ...]:
    # Plain loops: a ranking is a short list per person, and this is 30x faster
    # than exploding it into a frame.
    points = dict.fromkeys((option.code for option in question.options), 0)
    first = dict(points)
    ranked = dict(points)
    for codes in answers.tolist():
        for place, code in enumerate(codes):
            if code in points:
                points[code] += question.pick - place
                ranked[code] += 1
                if place == 0:
                    first[code] += 1
    order = {option.code: index for index, option in enumerate(question.options)}
    rows = [
        Ranked(
            option.code,
            option.label,
            points[option.code],
            first[option.code],
            ranked[option.code],
            option.outcome,
        )
        for option in question.options
    ]
    return tuple(sorted(rows, key=lambda row: (-row.points, -row.first, order[row.key])))


def _split(
    questionnaire: Questionnaire,
    frame: pd.DataFrame,
    split_question: Question,
    by: SplitBy,
    group_order: Sequence[str],
) -> Split:
    target = {
        option.code: (option.group if by is SplitBy.CARER_GROUP else option.stakeholder_type)
        for option in split_question.options
    }
    persons: list[int] = []
    in_groups: list[str] = []
    for person, value in zip(frame.index, frame[split_question.code].tolist(), strict=True):
        chosen = value if isinstance(value, list) else ([value] if isinstance(value, str) else [])
        for group in dict.fromkeys(target[code] for code in chosen if target.get(code)):
            persons.append(person)
            in_groups.append(str(group))
    members = pd.Series(in_groups, index=persons, dtype=object)
    seen = list(dict.fromkeys(members))
    ranked = [code for code in group_order if code in seen] + [
        code for code in seen if code not in group_order
    ]
    sizes = members.value_counts()
    groups = _shown(ranked, [int(sizes.get(code, 0)) for code in ranked])
    cells: dict[str, tuple[SplitCell, ...]] = {}
    for question in questionnaire.questions:
        if question.type not in SPLITTABLE or question is split_question:
            continue
        cells[question.code] = _split_row(question, frame[question.code], members, ranked)
    return Split(by, groups, cells)


def _shown(codes: Sequence[str], counts: Sequence[int]) -> tuple[tuple[str, int | None], ...]:
    """Each group's count, or None where the suppression rule hides it."""
    hidden = hidden_groups(counts)
    return tuple(
        (code, None if position in hidden else count)
        for position, (code, count) in enumerate(zip(codes, counts, strict=True))
    )


def _split_row(
    question: Question, column: pd.Series, members: pd.Series, ranked: Sequence[str]
) -> tuple[SplitCell, ...]:
    """One question's cells, one per group in ``ranked``, small ones suppressed."""
    answers = _answered(column)
    by_group = members[members.index.isin(answers.index)]
    indexes = {str(code): list(index) for code, index in by_group.groupby(by_group).groups.items()}
    in_groups = [answers.loc[indexes.get(code, [])] for code in ranked]
    hidden = hidden_groups([len(in_group) for in_group in in_groups])
    return tuple(
        SplitCell(code, None, None)
        if position in hidden
        else SplitCell(code, len(in_group), _counts(question, in_group))
        for position, (code, in_group) in enumerate(zip(ranked, in_groups, strict=True))
    )


def results_table(summary: Summary, group_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every count in ``summary`` as one flat table, for CSV and XLSX export.

    Columns: question, question text, breakdown ("All answers" or a group),
    answer, count, share (%), people answering. Suppressed cells say so.
    """
    names = dict(group_names or {})
    rows: list[dict[str, object]] = []
    for item in summary.questions:
        question = item.question
        base = {
            "question": question.code,
            "question text": question.text,
            "breakdown": "All answers",
        }
        for count in item.counts:
            rows.append(
                {
                    **base,
                    "answer": count.label,
                    "count": count.count,
                    "share (%)": round(count.share * 100, 1),
                    "answered": item.answered,
                }
            )
        for ranked in item.ranking:
            rows.append(
                {
                    **base,
                    "answer": f"{ranked.label} (ranking points)",
                    "count": ranked.points,
                    "share (%)": None,
                    "answered": item.answered,
                }
            )
        if item.numbers is not None:
            for name in ("mean", "median", "minimum", "maximum"):
                rows.append(
                    {
                        **base,
                        "answer": name,
                        "count": getattr(item.numbers, name),
                        "share (%)": None,
                        "answered": item.answered,
                    }
                )
        for text in item.texts:
            rows.append(
                {
                    **base,
                    "answer": text,
                    "count": None,
                    "share (%)": None,
                    "answered": item.answered,
                }
            )
    for split in summary.splits:
        for code, cells in split.cells.items():
            question = summary.question(code).question
            for cell in cells:
                base = {
                    "question": code,
                    "question text": question.text,
                    "breakdown": names.get(cell.group, cell.group),
                }
                if cell.counts is None:
                    rows.append(
                        {
                            **base,
                            "answer": SUPPRESSED,
                            "count": None,
                            "share (%)": None,
                            "answered": None,
                        }
                    )
                    continue
                for count in cell.counts:
                    rows.append(
                        {
                            **base,
                            "answer": count.label,
                            "count": count.count,
                            "share (%)": round(count.share * 100, 1),
                            "answered": cell.answered,
                        }
                    )
    columns = ["question", "question text", "breakdown", "answer", "count", "share (%)", "answered"]
    # Object columns keep counts whole where a suppressed row leaves a gap (no 5.0).
    return pd.DataFrame(rows, columns=columns, dtype=object)
