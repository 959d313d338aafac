"""Carers' quality of life from the carers' survey, scored as the national measure is.

The rules, stated where results are shown (:data:`RULES`):
- each of the six domains scores 2, 1 or 0 (its best answer 2, its worst 0), and a
  carer's score is their sum, 0 to 12 (:mod:`hub_model.quality_of_life_scoring`
  reads the scoring from data);
- a carer who left out any of the six questions has no score, as in the national
  measure, and is counted as such;
- the average score has a 95% confidence interval from Student's t distribution
  (:mod:`hub_model.intervals`); each other measure is a percentage with Wilson's
  interval;
- every count goes through the one suppression rule (:mod:`hub_model.suppression`):
  everyone's carers with a score, without one, and in all; per block of carer
  groups, each group's carers with a score above everyone's; an average and its
  interval are shown only where the number with a score is shown. A measure's
  percentage is shown only where its counts are.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hub_model.intervals import MEAN_METHOD, SHARE_METHOD, Interval, mean_interval, share_interval
from hub_model.intervals import t_quantile as t_quantile
from hub_model.quality_of_life_scoring import Measure, Scoring
from hub_model.questionnaire import Answer, Questionnaire
from hub_model.suppression import SMALLEST_GROUP, Grid, Linked, protect_linked
from hub_model.survey_results import carer_groups

ALL = "*"
SKIPPED_RULE = (
    "A carer who left out any of the six questions has no score, as in the national "
    "measure; they are counted separately."
)
SCORE_RULE = (
    "Each question scores 2 for its best answer, 1 for the middle one and 0 for the "
    "worst; a carer's score is the sum, from 0 to 12."
)
RULES = (SCORE_RULE, SKIPPED_RULE, MEAN_METHOD, SHARE_METHOD)


@dataclass(frozen=True)
class ScoreResult:
    """The score for everyone (``group`` None) or one carer group; None where hidden.
    For a group only the carers with a score and the average are given (its carers
    and those without a score, small numbers in most groups, are left out)."""

    group: str | None
    carers: int | None
    scored: int | None
    no_score: int | None
    mean: Interval | None  # None: hidden, or nobody has a score


@dataclass(frozen=True)
class MeasureResult:
    measure: Measure
    counted: int | None  # None: hidden
    base: int | None
    share: Interval | None  # 0..1; None: hidden or no base


@dataclass(frozen=True)
class QualityOfLife:
    scoring: Scoring
    everyone: ScoreResult
    groups: tuple[ScoreResult, ...]
    measures: tuple[MeasureResult, ...]


def applies_to(scoring: Scoring, questionnaire: Questionnaire) -> bool:
    """Whether ``questionnaire`` (as opened, perhaps before the questions were added)
    asks every question the scoring needs."""
    needed = [*scoring.questions(), *(m.question for m in scoring.measures)]
    return questionnaire.id == scoring.questionnaire and all(
        questionnaire.question(code) is not None for code in needed
    )


def points(scoring: Scoring, frame: pd.DataFrame) -> pd.DataFrame:
    """Each domain's points per row of ``frame`` (answers by question code); NaN where
    the question was not answered (or answered with a code the scoring does not know)."""
    columns = {}
    for domain in scoring.domains:
        if domain.question not in frame:
            columns[domain.code] = np.full(len(frame), np.nan)
            continue
        answers = list(domain.points)
        # Categorical codes: each answer's place in ``answers``, -1 for anything else,
        # which picks the NaN appended last.
        codes = pd.Categorical(frame[domain.question], categories=answers).codes
        values = np.array([*(float(domain.points[a]) for a in answers), np.nan])
        columns[domain.code] = values[codes]
    return pd.DataFrame(columns, index=frame.index)


def scores(scoring: Scoring, frame: pd.DataFrame) -> pd.Series:
    """Each row's score (0 to the maximum), NaN where any domain was left out."""
    return points(scoring, frame).sum(axis=1, skipna=False)


def score(scoring: Scoring, answers: Mapping[str, Answer | None]) -> int | None:
    """One carer's score; None if they left out any of the domains' questions."""
    total = 0
    for domain in scoring.domains:
        value = answers.get(domain.question)
        if not isinstance(value, str) or value not in domain.points:
            return None
        total += domain.points[value]
    return total


def summarise(
    scoring: Scoring,
    questionnaire: Questionnaire,
    answer_sets: Sequence[Mapping[str, Answer | None]],
    group_order: Sequence[str] = (),
    columns: Sequence[str] = (),
) -> QualityOfLife:
    """The score and measures for ``answer_sets``, every figure through the
    suppression rule; carer groups as the survey's results split them."""
    frame = pd.DataFrame.from_records(
        [dict(answers) for answers in answer_sets],
        columns=[question.code for question in questionnaire.questions],
    )
    scored = scores(scoring, frame)
    members, blocks = carer_groups(questionnaire, frame, group_order, columns)
    raw = {ALL: _raw(scored)}
    joined = pd.DataFrame({"group": members.to_numpy(), "score": scored.loc[members.index]})
    for code, rows in joined.groupby("group", sort=False)["score"]:
        raw[str(code)] = _raw(rows)
    groups = [code for block in blocks for code in block]
    hidden = protect_linked(_score_tables(raw, blocks))
    return QualityOfLife(
        scoring,
        _result(None, raw[ALL], hidden, ALL),
        tuple(_result(code, raw.get(code), hidden, code) for code in groups),
        tuple(_measure(measure, frame) for measure in scoring.measures),
    )


@dataclass(frozen=True)
class _Raw:
    carers: int
    scored: int
    mean: float
    deviation: float


def _raw(values: pd.Series) -> _Raw:
    known = values.dropna()
    return _Raw(
        len(values),
        len(known),
        float(known.mean()) if len(known) else 0.0,
        float(known.std(ddof=1)) if len(known) > 1 else 0.0,
    )


def _score_tables(raw: Mapping[str, _Raw], blocks: Sequence[Sequence[str]]) -> list[Linked]:
    """Everyone's column (with a score, without, all carers); and per block of groups a
    column of each group's carers with a score above everyone's (each group's count
    treated as adding up to it, which can only protect more)."""
    everyone = raw[ALL]
    tables = [
        Linked(
            Grid.of(
                [[everyone.scored], [everyone.carers - everyone.scored], [everyone.carers]],
                rows_add_up=False,
            ),
            ((("scored", ALL),), (("none", ALL),), (("carers", ALL),)),
        )
    ]
    empty = _Raw(0, 0, 0.0, 0.0)
    for block in blocks:
        codes = [code for code in block if raw.get(code, empty).scored]
        if codes:
            tables.append(
                Linked(
                    Grid.of(
                        [[raw[code].scored] for code in codes] + [[everyone.scored]],
                        rows_add_up=False,
                    ),
                    tuple((("scored", code),) for code in [*codes, ALL]),
                )
            )
    return tables


def _result(
    group: str | None, raw: _Raw | None, hidden: frozenset[Hashable], key: str
) -> ScoreResult:
    if raw is None:
        return ScoreResult(group, None, 0, None, None)
    scored = None if ("scored", key) in hidden else raw.scored
    mean = mean_interval(raw.scored, raw.mean, raw.deviation) if scored else None
    if group is not None:  # a group's carers and those without a score are not printed
        return ScoreResult(group, None, scored, None, mean)
    return ScoreResult(
        group,
        None if ("carers", key) in hidden else raw.carers,
        scored,
        None if ("none", key) in hidden else raw.carers - raw.scored,
        mean,
    )


def _measure(measure: Measure, frame: pd.DataFrame) -> MeasureResult:
    answers = frame[measure.question].dropna() if measure.question in frame else pd.Series([])
    counted = int(answers.isin(measure.counts).sum())
    left_out = int(answers.isin(measure.left_out).sum())
    base = len(answers) - left_out
    keys = (("counted",), ("not",), ("left_out",), ("answered",))  # one cell a row
    grid = Grid.of([[counted], [base - counted], [left_out], [len(answers)]], rows_add_up=False)
    hidden = protect_linked([Linked(grid, keys)])
    shown = "counted" not in hidden and "not" not in hidden
    share = share_interval(counted, base) if shown and base else None
    return MeasureResult(
        measure, counted if shown else None, base if shown else None, share if shown else None
    )


def area_results(scoring: Scoring, frame: pd.DataFrame, by: str = "area") -> pd.DataFrame:
    """The score for each value of column ``by`` at once (vectorised, for many areas):
    carers, with a score, mean and its 95% interval. Fewer than SMALLEST_GROUP
    carers with a score: no score figures (NaN); fewer carers: no count either."""
    values = scores(scoring, frame).to_numpy()
    area, names = pd.factorize(frame[by], sort=True)
    known = ~np.isnan(values)
    width = len(names)
    carers = np.bincount(area, minlength=width).astype(float)
    scored = np.bincount(area[known], minlength=width).astype(float)
    total = np.bincount(area[known], weights=values[known], minlength=width)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / scored
        squares = np.bincount(
            area[known], weights=(values[known] - mean[area[known]]) ** 2, minlength=width
        )
        deviation = np.sqrt(squares / (scored - 1))
    freedom = np.clip(scored - 1, 1, None).astype(int)
    quantiles = {n: t_quantile(0.975, n) for n in np.unique(freedom).tolist()}
    half = np.array([quantiles[n] for n in freedom.tolist()]) * deviation / np.sqrt(scored)
    out = pd.DataFrame(
        {"carers": carers, "scored": scored, "mean": mean, "low": mean - half, "high": mean + half},
        index=pd.Index(names, name=by),
    )
    small = out["scored"] < SMALLEST_GROUP
    out.loc[small, ["scored", "mean", "low", "high"]] = np.nan
    out.loc[out["carers"] < SMALLEST_GROUP, "carers"] = np.nan
    return out
