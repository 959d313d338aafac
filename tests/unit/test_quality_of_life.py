"""Carers' quality of life: scoring the six questions, the average's interval against
SciPy, the other measures, small-group suppression, and the scoring file's checks."""

from __future__ import annotations

import copy
import math
import random
from typing import Any

import pandas as pd
import pytest
import yaml
from scipy import stats

from hub_model import quality_of_life as qol
from hub_model.framework import load_builtin
from hub_model.intervals import share_interval, t_quantile
from hub_model.quality_of_life_scoring import ScoringError, load_scoring, parse_scoring
from hub_model.questionnaire import load_questionnaire
from questionnaires import FOLDER

FRAMEWORK = load_builtin("carers_hub_2010")
SURVEY = load_questionnaire(FOLDER / "carers_survey.yaml", FRAMEWORK)
SCORING_FILE = FOLDER / "scoring" / "carer_quality_of_life.yaml"
SCORING = load_scoring(SCORING_FILE, SURVEY)


def _raw() -> dict[str, Any]:
    data = yaml.safe_load(SCORING_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _best() -> dict[str, Any]:
    return {d.question: max(d.points, key=d.points.__getitem__) for d in SCORING.domains}


def _worst() -> dict[str, Any]:
    return {d.question: min(d.points, key=d.points.__getitem__) for d in SCORING.domains}


def _carer(groups: list[str], age: str, answers: dict[str, Any]) -> dict[str, Any]:
    return {"cares_for": groups, "age_band": age, **answers}


def test_the_scoring_file_scores_the_six_sace_domains_to_twelve() -> None:
    assert len(SCORING.domains) == 6
    assert SCORING.maximum == 12
    assert [d.title for d in SCORING.domains] == [
        "Doing things you value and enjoy",
        "Control over your daily life",
        "Looking after yourself",
        "Personal safety",
        "Social contact",
        "Encouragement and support",
    ]
    assert all(source.url.startswith("http") for source in SCORING.sources)


def test_all_best_answers_score_twelve() -> None:
    assert qol.score(SCORING, _best()) == 12


def test_all_worst_answers_score_zero() -> None:
    assert qol.score(SCORING, _worst()) == 0


def test_a_middle_answer_scores_one() -> None:
    answers = _best()
    domain = SCORING.domains[2]
    answers[domain.question] = next(code for code, p in domain.points.items() if p == 1)
    assert qol.score(SCORING, answers) == 11


@pytest.mark.parametrize("index", range(6))
def test_one_question_skipped_gives_no_score(index: int) -> None:
    answers = _best()
    del answers[SCORING.domains[index].question]
    assert qol.score(SCORING, answers) is None
    frame = pd.DataFrame([answers, _best()], columns=list(_best()))
    assert qol.scores(SCORING, frame).tolist()[1] == 12
    assert math.isnan(qol.scores(SCORING, frame).tolist()[0])


def test_the_vectorised_scores_match_one_by_one() -> None:
    rng = random.Random(7)
    sets = []
    for _ in range(300):
        answers = {
            d.question: rng.choice([*d.points, None])
            for d in SCORING.domains
            if rng.random() > 0.03
        }
        sets.append(answers)
    frame = pd.DataFrame(sets, columns=list(_best()))
    vectorised = qol.scores(SCORING, frame).tolist()
    for answers, value in zip(sets, vectorised, strict=True):
        one = qol.score(SCORING, answers)
        assert (one is None and math.isnan(value)) or one == value


@pytest.mark.parametrize("freedom", [1, 2, 4, 9, 29, 120, 5000])
def test_t_quantile_matches_scipy(freedom: int) -> None:
    assert t_quantile(0.975, freedom) == pytest.approx(stats.t.ppf(0.975, freedom), rel=1e-9)


def _sample(size: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        _carer(
            ["dementia"],
            "age_65_plus",
            {d.question: rng.choice(list(d.points)) for d in SCORING.domains},
        )
        for _ in range(size)
    ]


def test_the_average_and_its_interval_match_scipy() -> None:
    sets = _sample(37, 3)
    result = qol.summarise(SCORING, SURVEY, sets)
    values = [qol.score(SCORING, answers) for answers in sets]
    low, high = stats.t.interval(
        0.95, len(values) - 1, loc=sum(values) / len(values), scale=stats.sem(values)
    )
    assert result.everyone.scored == 37
    assert result.everyone.no_score == 0
    assert result.everyone.mean is not None
    assert result.everyone.mean.value == pytest.approx(sum(values) / len(values))
    assert result.everyone.mean.low == pytest.approx(low, rel=1e-9)
    assert result.everyone.mean.high == pytest.approx(high, rel=1e-9)


def test_wilson_interval_matches_its_formula() -> None:
    # Wilson's interval for 3 of 10 (computed from the formula with SciPy's z).
    z = stats.norm.ppf(0.975)
    p, n = 0.3, 10
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    found = share_interval(3, 10)
    assert (found.low, found.high) == pytest.approx((centre - half, centre + half))


def test_carers_who_skipped_are_counted_without_a_score() -> None:
    sets = _sample(20, 5)
    for answers in sets[:6]:
        del answers["qol_safety"]
    result = qol.summarise(SCORING, SURVEY, sets)
    assert (result.everyone.carers, result.everyone.scored, result.everyone.no_score) == (
        20,
        14,
        6,
    )


def test_a_small_group_is_hidden_and_a_large_one_shown() -> None:
    sets = _sample(20, 11)  # 20 dementia carers aged 65 and over
    sets += [_carer(["older"], "age_65_plus", a) for a in (_best(), _worst()) * 10]
    sets += [_carer(["stroke"], "age_65_plus", answers) for answers in (_best(), _worst(), _best())]
    result = qol.summarise(SCORING, SURVEY, sets, ["dementia", "older_people", "stroke"])
    by_group = {row.group: row for row in result.groups}
    assert by_group["stroke"].carers is None
    assert by_group["stroke"].scored is None
    assert by_group["stroke"].mean is None
    # Beside the total, one other group's figures are hidden too (secondary
    # suppression), so that the stroke group's cannot be worked out; the third shows.
    large = [by_group["dementia"], by_group["older_people"]]
    assert sum(row.scored is None for row in large) == 1
    shown = next(row for row in large if row.scored is not None)
    assert shown.scored == 20 and shown.mean is not None
    assert result.everyone.scored == 43


def test_no_group_figure_counts_one_to_four_people() -> None:
    rng = random.Random(2)
    groups = ["older", "dementia", "stroke", "physical"]
    sets = []
    for _ in range(41):
        answers = {d.question: rng.choice(list(d.points)) for d in SCORING.domains}
        if rng.random() < 0.2:
            del answers["qol_control"]
        sets.append(_carer([rng.choice(groups)], rng.choice(["age_25_64", "age_65_plus"]), answers))
    result = qol.summarise(SCORING, SURVEY, sets)
    for row in (result.everyone, *result.groups):
        for figure in (row.carers, row.scored, row.no_score):
            assert figure is None or figure == 0 or figure >= 5
        if row.group is not None:
            assert row.carers is None and row.no_score is None  # never printed
        if row.mean is not None:
            assert row.scored is not None and row.scored >= 5


def test_a_measure_is_a_share_of_those_it_applies_to() -> None:
    sets = [
        {"information_ease": code}
        for code in ["info_very_easy"] * 6 + ["info_very_difficult"] * 9 + ["info_never_tried"] * 5
    ]
    result = qol.summarise(SCORING, SURVEY, sets)
    info = next(m for m in result.measures if m.measure.code == "carers_find_information")
    assert (info.counted, info.base) == (6, 15)
    assert info.share is not None and info.share.value == pytest.approx(0.4)


def test_a_measure_about_few_people_is_hidden() -> None:
    sets = [{"information_ease": "info_very_easy"}] * 3 + [
        {"information_ease": "info_fairly_difficult"}
    ] * 10
    result = qol.summarise(SCORING, SURVEY, sets)
    info = next(m for m in result.measures if m.measure.code == "carers_find_information")
    assert info.share is None and info.counted is None


def test_area_results_match_the_one_area_summary() -> None:
    sets = _sample(25, 9)
    frame = pd.DataFrame(sets)
    frame["area"] = "E10000001"
    table = qol.area_results(SCORING, frame)
    one = qol.summarise(SCORING, SURVEY, sets).everyone.mean
    assert one is not None
    row = table.loc["E10000001"]
    assert (row["mean"], row["low"], row["high"]) == pytest.approx((one.value, one.low, one.high))


def _refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        parse_scoring(data, SURVEY, "scoring.yaml")


def test_the_validator_refuses_points_other_than_two_one_nought() -> None:
    data = _raw()
    points = data["score"]["domains"][0]["points"]
    points[next(iter(points))] = 3
    _refused(data, "score 2, 1 and 0")


def test_the_validator_refuses_a_missing_answer() -> None:
    data = _raw()
    points = data["score"]["domains"][1]["points"]
    del points[next(iter(points))]
    _refused(data, "must score each answer")


def test_the_validator_refuses_an_unknown_question() -> None:
    data = _raw()
    data["score"]["domains"][3]["question"] = "qol_nothing"
    _refused(data, "no question 'qol_nothing'")


def test_the_validator_refuses_a_wrong_maximum() -> None:
    data = _raw()
    data["score"]["maximum"] = 14
    _refused(data, r"sum of every domain's best \(12\)")


def test_the_validator_refuses_a_duplicate_domain() -> None:
    data = _raw()
    data["score"]["domains"].append(copy.deepcopy(data["score"]["domains"][0]))
    _refused(data, "duplicate domain code")


def test_the_validator_refuses_a_measure_counting_an_unknown_answer() -> None:
    data = _raw()
    data["measures"][0]["counts"] = ["very_happy"]
    _refused(data, "very_happy: not answers")


def test_the_validator_refuses_an_unknown_source() -> None:
    data = _raw()
    data["measures"][1]["source"] = "hearsay"
    _refused(data, "unknown source 'hearsay'")


def test_the_validator_refuses_an_unknown_ascof_source() -> None:
    data = _raw()
    data["score"]["ascof_source"] = "hearsay"
    _refused(data, "score.ascof_source: unknown source 'hearsay'")


def test_the_validator_needs_each_source_marked_checked_or_not() -> None:
    data = _raw()
    del data["sources"]["esd"]["checked"]
    _refused(data, "sources.esd: missing required key 'checked'")
    data = _raw()
    data["sources"]["esd"]["checked"] = "yes"
    _refused(data, "sources.esd.checked: expected true or false")


def test_every_ascof_number_was_seen_and_only_the_unseen_base_rules_are_unchecked() -> None:
    """The ASCOF numbers (the 2014-15 to 2022-23 numbering) were each seen in a stored
    copy; the definitions of 3B, 3C and 3D(2), whose left-out answers were not seen,
    cite a source marked unchecked."""
    assert SCORING.ascof_source.checked
    assert all(m.ascof_source.checked for m in SCORING.measures)
    assert SCORING.source.checked
    unchecked = {m.ascof for m in SCORING.measures if not m.source.checked}
    assert unchecked == {"3B", "3C", "3D(2)"}
    assert [SCORING.ascof, *(m.ascof for m in SCORING.measures)] == [
        "1D",
        "1I(2)",
        "3C",
        "3D(2)",
        "3B",
    ]


def test_the_validator_refuses_another_questionnaire() -> None:
    data = _raw()
    data["questionnaire"] = "partner_views"
    _refused(data, "not the questionnaire 'carers_survey'")


def test_a_questionnaire_opened_before_the_questions_is_not_scored() -> None:
    older = _raw_survey_without_quality_of_life()
    assert not qol.applies_to(SCORING, older)
    assert qol.applies_to(SCORING, SURVEY)


def _raw_survey_without_quality_of_life() -> Any:
    from hub_model.questionnaire import parse_questionnaire

    data = yaml.safe_load((FOLDER / "carers_survey.yaml").read_text(encoding="utf-8"))
    data["pages"] = [page for page in data["pages"] if page["title"] != "Your quality of life"]
    return parse_questionnaire(data, FRAMEWORK, "old.yaml")
