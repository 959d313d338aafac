"""Questionnaire results: counts and shares per question, split by carer group and
by stakeholder type, with small groups suppressed.

The rules, stated where results are shown:
- a share is the count divided by the people who answered that question; for a
  multiple-choice question people may choose several options, so shares can add
  up to more than 100%;
- a ranking gives each option points: first place gets as many points as there
  are places to fill, the last place one point; options are listed by points, then
  by how often they were ranked first;
- every figure printed (a count, the share and the number answering beside it,
  an average, a ranking's points) goes through one rule,
  :mod:`hub_model.suppression`, cell by cell: a figure about fewer than
  :data:`SMALLEST_GROUP` people is hidden, and so are others where needed so that
  none can be worked out from the totals (:mod:`hub_model.survey_disclosure` says
  which tables a question prints). A share is hidden with its count, and where
  its denominator is hidden (it would give the denominator away). An average is
  shown only where no count of its question is hidden (with two unknowns, the
  total and the average solve them); a number question's figures only where at
  least :data:`SMALLEST_GROUP` answered; a ranking's points only where the
  option's counts are shown and none of its places was given by 1 to 4 people;
- a person belongs to each carer group that any of their answers names (what
  they care for, their age band); a person in several groups counts in each;
  every group the caller lists in ``columns`` gets its column even if empty;
- free-text answers are listed (sorted, so the order says nothing about who
  answered when), never split, and only where at least :data:`SMALLEST_GROUP`
  people answered: otherwise what they wrote is withheld and the page says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from hub_model.questionnaire import (
    Answer,
    Question,
    Questionnaire,
    QuestionType,
    SplitBy,
    scale_label,
)
from hub_model.suppression import HIDDEN as HIDDEN
from hub_model.suppression import SMALLEST_GROUP as SMALLEST_GROUP
from hub_model.suppression import SUPPRESSED as SUPPRESSED
from hub_model.survey_disclosure import ANSWERED, QuestionCounts, SplitCounts, hidden_figures

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
    count: int | None  # None: hidden
    share: float | None  # 0..1 of those who answered the question; None: hidden


@dataclass(frozen=True)
class Ranked:
    key: str
    label: str
    points: int | None  # None: hidden, here and below
    first: int | None  # how often ranked first
    ranked: int | None  # how often ranked at all
    outcome: str | None
    places: tuple[int, ...] = ()  # how often at each place (never printed)


@dataclass(frozen=True)
class NumberStats:
    mean: float
    median: float
    minimum: float
    maximum: float


TEXTS_WITHHELD = (
    f"Fewer than {SMALLEST_GROUP} people answered this question, so what they wrote is "
    "not shown: someone could be recognised by their own words."
)
NUMBERS_WITHHELD = (
    f"Fewer than {SMALLEST_GROUP} people answered this question, so its figures are not shown."
)
MEAN_WITHHELD = (
    "The average is not shown: with some counts hidden, it could be used to work them out."
)


@dataclass(frozen=True)
class QuestionSummary:
    question: Question
    answered: int | None  # None: hidden
    counts: tuple[Count, ...] = ()
    ranking: tuple[Ranked, ...] = ()
    numbers: NumberStats | None = None
    mean: float | None = None  # scale questions
    texts: tuple[str, ...] = ()
    withheld: tuple[str, ...] = ()  # why something is not shown, for the page


@dataclass(frozen=True)
class SplitCell:
    """One group's answers to one question, each figure None where hidden.

    A hidden figure never says why (too few answers, or hidden to protect a
    smaller one), since that would say which hidden figure is the small one.
    """

    group: str
    answered: int | None  # None when hidden: even the number could identify
    counts: tuple[Count, ...]

    @property
    def suppressed(self) -> bool:
        """The group's number answering is hidden (its counts may be too)."""
        return self.answered is None


@dataclass(frozen=True)
class Split:
    by: SplitBy
    groups: tuple[str, ...]  # framework codes, in order: every column
    cells: Mapping[str, tuple[SplitCell, ...]]  # question code -> one cell per group


@dataclass(frozen=True)
class Summary:
    responses: int
    questions: tuple[QuestionSummary, ...]
    splits: tuple[Split, ...]

    def question(self, code: str) -> QuestionSummary:
        return next(item for item in self.questions if item.question.code == code)

    def outcome_ranking(self) -> list[str]:
        """Outcome codes in the order the outcome-ranking question put them (the
        order is shown even where an option's points are hidden)."""
        ranked = [item for item in self.questions if item.question.ranks_outcomes]
        if not ranked:
            return []
        # Rows keep their order by points; hidden points are never 0 (someone ranked it).
        return [
            row.outcome
            for row in ranked[0].ranking
            if row.outcome and (row.points is None or row.points > 0)
        ]


def summarise(
    questionnaire: Questionnaire,
    answer_sets: Sequence[Mapping[str, Answer | None]],
    group_order: Sequence[str] = (),
    columns: Sequence[str] = (),
) -> Summary:
    """Results of ``answer_sets`` (one mapping per response) to ``questionnaire``,
    every figure already through the suppression rule.

    ``group_order`` lists framework group and stakeholder-type codes in the order
    splits show them; codes not in it follow in first-seen order. ``columns`` are
    groups that get a column in their split even when nobody is in them (the
    groups in the audit's scope).
    """
    frame = pd.DataFrame.from_records(
        [dict(answers) for answers in answer_sets],
        columns=[question.code for question in questionnaire.questions],
    )
    raw = [_question(question, frame[question.code]) for question in questionnaire.questions]
    splits = []
    for by in SplitBy:
        split_question = questionnaire.split_question(by)
        if split_question is not None:
            splits.append(_split(questionnaire, frame, split_question, by, group_order, columns))
    return _publish(len(frame), raw, splits)


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
    places = {option.code: [0] * question.pick for option in question.options}
    for codes in answers.tolist():
        for place, code in enumerate(codes[: question.pick]):
            if code in places:
                places[code][place] += 1
    order = {option.code: index for index, option in enumerate(question.options)}
    rows = [
        Ranked(
            option.code,
            option.label,
            sum((question.pick - place) * n for place, n in enumerate(places[option.code])),
            places[option.code][0],
            sum(places[option.code]),
            option.outcome,
            tuple(places[option.code]),
        )
        for option in question.options
    ]
    return tuple(
        sorted(rows, key=lambda row: (-(row.points or 0), -(row.first or 0), order[row.key]))
    )


@dataclass(frozen=True)
class _RawSplit:
    by: SplitBy
    groups: tuple[str, ...]
    counts: Mapping[str, SplitCounts]  # question code -> each group's counts


def _sources(questionnaire: Questionnaire, split_question: Question, by: SplitBy) -> list[Question]:
    """The questions whose answers put people in groups: for carer groups, every
    choice question whose options name one (what they care for, their age band)."""
    questions = [split_question]
    if by is SplitBy.CARER_GROUP:
        questions += [
            q
            for q in questionnaire.questions
            if q is not split_question
            and q.type in {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE}
            and any(option.group for option in q.options)
        ]
    return questions


def _members(frame: pd.DataFrame, questions: Sequence[Question], by: SplitBy) -> pd.Series:
    """Group code by person, one entry per person and group they belong to."""
    pairs: dict[tuple[int, str], None] = {}
    for question in questions:
        target = {
            option.code: (option.group if by is SplitBy.CARER_GROUP else option.stakeholder_type)
            for option in question.options
        }
        for person, value in zip(frame.index, frame[question.code].tolist(), strict=True):
            chosen = value if isinstance(value, list) else [value] if isinstance(value, str) else []
            for code in chosen:
                if target.get(code):
                    pairs[(int(person), str(target[code]))] = None
    return pd.Series([g for _, g in pairs], index=[p for p, _ in pairs], dtype=object)


def carer_groups(
    questionnaire: Questionnaire,
    frame: pd.DataFrame,
    group_order: Sequence[str] = (),
    columns: Sequence[str] = (),
) -> tuple[pd.Series, tuple[tuple[str, ...], ...]]:
    """Who is in which carer group, by the same rule as the results' split: a Series
    of group codes indexed by row of ``frame`` (one entry per person and group), and
    the groups in blocks that each divide people one way (what they care for, age
    band), ordered by ``group_order``; every group in ``columns`` is listed."""
    split_question = questionnaire.split_question(SplitBy.CARER_GROUP)
    if split_question is None:
        return pd.Series([], dtype=object), ()
    sources = _sources(questionnaire, split_question, SplitBy.CARER_GROUP)
    members = _members(frame, sources, SplitBy.CARER_GROUP)
    wanted = set(members) | set(columns)
    ranked = [code for code in group_order if code in wanted] + sorted(
        code for code in wanted if code not in group_order
    )
    blocks = _blocks(sources, ranked, SplitBy.CARER_GROUP)
    return members, tuple(codes for _, codes in blocks)


def _split(
    questionnaire: Questionnaire,
    frame: pd.DataFrame,
    split_question: Question,
    by: SplitBy,
    group_order: Sequence[str],
    columns: Sequence[str],
) -> _RawSplit:
    sources = _sources(questionnaire, split_question, by)
    members = _members(frame, sources, by)
    seen = set(members)
    if by is SplitBy.CARER_GROUP:
        wanted = seen | set(columns)
    else:  # every stakeholder type the question offers
        wanted = seen | {str(o.stakeholder_type) for o in split_question.options}
    ranked = [code for code in group_order if code in wanted] + sorted(
        code for code in wanted if code not in group_order
    )
    blocks = _blocks(sources, ranked, by)
    counts: dict[str, SplitCounts] = {}
    for question in questionnaire.questions:
        if question.type not in SPLITTABLE or question is split_question:
            continue
        counts[question.code] = _split_counts(
            question, frame[question.code], members, ranked, by, blocks
        )
    return _RawSplit(by, tuple(ranked), counts)


def _blocks(
    sources: Sequence[Question], ranked: Sequence[str], by: SplitBy
) -> list[tuple[str | None, tuple[str, ...]]]:
    """The columns in blocks, one per question that puts people in groups: the
    groups of one block (age bands) divide the same people one way, so each block
    adds up to the "All answers" column on its own."""
    where: dict[str, int] = {}
    for number, question in enumerate(sources):
        for option in question.options:
            code = option.group if by is SplitBy.CARER_GROUP else option.stakeholder_type
            if code:
                where.setdefault(str(code), number)
    blocks: dict[int, list[str]] = {}
    for code in ranked:
        blocks.setdefault(where.get(code, len(sources)), []).append(code)
    return [
        (sources[number].code if number < len(sources) else None, tuple(codes))
        for number, codes in sorted(blocks.items())
    ]


def _split_counts(
    question: Question,
    column: pd.Series,
    members: pd.Series,
    ranked: Sequence[str],
    by: SplitBy,
    blocks: Sequence[tuple[str | None, tuple[str, ...]]],
) -> SplitCounts:
    """Each group's counts for ``question``. The groups ``question`` itself puts
    people in (age bands, for the age question) are left out: their counts are
    known by definition (every 16 to 24 year old is a young adult carer), so they
    would say nothing and give away the cells beside them."""
    kept = [codes for source, codes in blocks if source != question.code]
    ranked = [code for code in ranked if any(code in codes for codes in kept)]
    answers = _answered(column)
    by_group = members[members.index.isin(answers.index)]
    indexes = {str(code): list(index) for code, index in by_group.groupby(by_group).groups.items()}
    answered: dict[str, int] = {}
    counts: dict[tuple[str, str], int] = {}
    for code in ranked:
        in_group = answers.loc[indexes.get(code, [])]
        answered[code] = len(in_group)
        for count in _counts(question, in_group):
            counts[(code, count.key)] = int(count.count or 0)
    return SplitCounts(by.value, tuple(ranked), answered, counts, tuple(kept))


def _publish(
    responses: int, raw: Sequence[QuestionSummary], splits: Sequence[_RawSplit]
) -> Summary:
    """The summary as it may be printed: every figure through the suppression rule."""
    questions: list[QuestionSummary] = []
    cells: dict[SplitBy, dict[str, tuple[SplitCell, ...]]] = {split.by: {} for split in splits}
    for item in raw:
        kind = item.question.type
        if kind not in SPLITTABLE:
            questions.append(_unsplittable(item))
            continue
        code = item.question.code
        mine = [split for split in splits if code in split.counts]
        counted = QuestionCounts(
            keys=tuple(count.key for count in item.counts),
            counts={count.key: int(count.count or 0) for count in item.counts},
            answered=int(item.answered or 0),
            adds_up=kind in {QuestionType.SINGLE_CHOICE, QuestionType.SCALE},
            splits=tuple(split.counts[code] for split in mine),
            first={row.key: int(row.first or 0) for row in item.ranking},
        )
        hidden = hidden_figures(counted)
        questions.append(_shown(item, hidden))
        for split in mine:
            cells[split.by][code] = _cells(split.counts[code], item.counts, hidden)
    return Summary(
        responses,
        tuple(questions),
        tuple(Split(split.by, split.groups, cells[split.by]) for split in splits),
    )


def _unsplittable(item: QuestionSummary) -> QuestionSummary:
    """Free text and numbers: shown only where at least SMALLEST_GROUP answered."""
    if not item.answered or item.answered >= SMALLEST_GROUP:
        return item
    why = TEXTS_WITHHELD if item.question.type is QuestionType.FREE_TEXT else NUMBERS_WITHHELD
    return QuestionSummary(item.question, None, withheld=(why,))


def _shown(item: QuestionSummary, hidden: frozenset[object]) -> QuestionSummary:
    answered = None if ("all", ANSWERED) in hidden else item.answered
    counts = tuple(
        Count(
            c.key,
            c.label,
            None if ("all", c.key) in hidden else c.count,
            # A share gives its denominator away, except a share of nobody (0%).
            None if ("all", c.key) in hidden or (answered is None and c.count) else c.share,
        )
        for c in item.counts
    )
    ranking = tuple(_ranked(row, hidden) for row in item.ranking)
    mean, withheld = item.mean, item.withheld
    if mean is not None and (answered is None or any(c.count is None for c in counts)):
        mean, withheld = None, (*withheld, MEAN_WITHHELD)
    return replace(
        item, answered=answered, counts=counts, ranking=ranking, mean=mean, withheld=withheld
    )


def _ranked(row: Ranked, hidden: frozenset[object]) -> Ranked:
    first = None if ("first", row.key) in hidden else row.first
    ranked = None if ("all", row.key) in hidden else row.ranked
    safe = all(n == 0 or n >= SMALLEST_GROUP for n in row.places)
    points = row.points if first is not None and ranked is not None and safe else None
    return Ranked(row.key, row.label, points, first, ranked, row.outcome)


def _cells(
    counts: SplitCounts, labels: Sequence[Count], hidden: frozenset[object]
) -> tuple[SplitCell, ...]:
    cells = []
    for group in counts.groups:
        size = counts.answered.get(group, 0)
        answered = None if (counts.name, group, ANSWERED) in hidden else size
        shown = []
        for label in labels:
            value = counts.counts.get((group, label.key), 0)
            count = None if (counts.name, group, label.key) in hidden else value
            share = value / size if count is not None and (answered or not value) and size else None
            shown.append(Count(label.key, label.label, count, share))
        cells.append(SplitCell(group, answered, tuple(shown)))
    return tuple(cells)


def _figure(value: object) -> object:
    return HIDDEN if value is None else value


def _percent(share: float | None, count: int | None, answered: int | None) -> object:
    if share is None:
        return HIDDEN if count is None or answered is None else None
    return round(share * 100, 1)


def _answer(question: Question, count: Count) -> object:
    """The answer's label; a scale point without words is its number (4, not "4")."""
    if question.type is QuestionType.SCALE and count.label == count.key:
        return int(count.key)
    return count.label


def results_table(summary: Summary, group_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every published figure in ``summary`` as one flat table, for CSV and XLSX export.

    Columns: question, question text, breakdown ("All answers" or a group),
    answer (a scale point without words as a number), count, share (%), people
    answering. A hidden figure reads
    :data:`HIDDEN`; a withheld free-text answer or figure says why instead.
    """
    names = dict(group_names or {})
    rows: list[dict[str, object]] = []

    def add(
        base: dict[str, object], answer: object, count: object, share: object, n: object
    ) -> None:
        rows.append({**base, "answer": answer, "count": count, "share (%)": share, "answered": n})

    for item in summary.questions:
        question = item.question
        base: dict[str, object] = {
            "question": question.code,
            "question text": question.text,
            "breakdown": "All answers",
        }
        n = _figure(item.answered)
        for c in item.counts:
            share = _percent(c.share, c.count, item.answered)
            add(base, _answer(question, c), _figure(c.count), share, n)
        for ranked in item.ranking:
            add(base, f"{ranked.label} (ranking points)", _figure(ranked.points), None, n)
        if item.numbers is not None:
            for name in ("mean", "median", "minimum", "maximum"):
                add(base, name, getattr(item.numbers, name), None, n)
        for text in item.texts:
            add(base, text, None, None, n)
        for why in item.withheld:
            add(base, why, None, None, n)
    for split in summary.splits:
        for code, cells in split.cells.items():
            question = summary.question(code).question
            for cell in cells:
                base = {
                    "question": code,
                    "question text": question.text,
                    "breakdown": names.get(cell.group, cell.group),
                }
                for c in cell.counts:
                    share = (
                        _percent(c.share, c.count, cell.answered) if cell.answered != 0 else None
                    )
                    add(base, _answer(question, c), _figure(c.count), share, _figure(cell.answered))
    columns = ["question", "question text", "breakdown", "answer", "count", "share (%)", "answered"]
    # Object columns keep counts whole where a hidden figure leaves text (no 5.0).
    return pd.DataFrame(rows, columns=columns, dtype=object)
