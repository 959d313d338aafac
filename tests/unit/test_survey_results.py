"""Questionnaire results: counts, shares, rankings, splits and small-group suppression."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hub_model.framework import load_builtin
from hub_model.questionnaire import SplitBy, load_questionnaire
from hub_model.suppression import SUPPRESSED
from hub_model.survey_results import SMALLEST_GROUP, results_table, summarise
from questionnaires import FOLDER

FRAMEWORK = load_builtin("carers_hub_2010")
SURVEY = load_questionnaire(FOLDER / "carers_survey.yaml", FRAMEWORK)
PARTNERS = load_questionnaire(FOLDER / "partner_views.yaml", FRAMEWORK)


def _answer(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "cares_for": ["dementia"],
        "age_band": "age_65_plus",
        "hours": 40,
        "outcomes_rank": ["own_life", "wellbeing", "money"],
        "life_of_own": 2,
        "listened_to": 3,
        "wellbeing_scale": 2,
        "supports_used": ["breaks"],
        "breaks_rating": 4,
        "one_change": None,
    }
    answers.update(changes)
    return answers


def test_counts_and_shares_per_option() -> None:
    answers = [_answer(age_band="age_25_64")] * 3 + [_answer()] + [_answer(age_band=None)]
    result = summarise(SURVEY, answers).question("age_band")
    assert result.answered == 4
    shares = {count.key: (count.count, count.share) for count in result.counts}
    assert shares == {"age_16_24": (0, 0.0), "age_25_64": (3, 0.75), "age_65_plus": (1, 0.25)}


def test_an_optional_scale_question_with_blanks_counts_every_point() -> None:
    # Seen: "26 answered, Average: 4.15" beside 0 answers at every point, on the page and
    # in the CSV: the blanks of an optional question made pandas hold the points as 4.0,
    # which never matched the point "4". (Every count here is 5 or more, so no
    # small-group rule can hide it.)
    points = [5] * 12 + [4] * 9 + [3] * 5
    answers = [_answer(breaks_rating=point) for point in points] + [_answer(breaks_rating=None)] * 4
    summary = summarise(SURVEY, answers)
    result = summary.question("breaks_rating")
    assert (result.answered, result.mean) == (26, 4.27)
    assert [count.count for count in result.counts] == [0, 0, 5, 9, 12]
    table = results_table(summary)
    rows = table[(table["question"] == "breaks_rating") & (table["breakdown"] == "All answers")]
    shown = dict(
        zip(rows["answer"], zip(rows["count"], rows["share (%)"], strict=True), strict=True)
    )
    assert shown["3"] == (5, 19.2)
    assert shown["4"] == (9, 34.6)
    assert shown["5 (Very helpful)"] == (12, 46.2)


def test_multiple_choice_shares_are_of_people_answering() -> None:
    answers = [_answer(supports_used=["breaks", "information"]), _answer(supports_used=["breaks"])]
    counts = {c.key: c.share for c in summarise(SURVEY, answers).question("supports_used").counts}
    assert counts["breaks"] == 1.0 and counts["information"] == 0.5


def test_scale_mean_and_number_statistics() -> None:
    answers = [
        _answer(life_of_own=1, hours=10),
        _answer(life_of_own=4, hours=30),
        _answer(hours=None),
    ]
    summary = summarise(SURVEY, answers)
    assert summary.question("life_of_own").mean == 2.33
    numbers = summary.question("hours").numbers
    assert numbers is not None and (numbers.mean, numbers.median, numbers.maximum) == (
        20.0,
        20.0,
        30.0,
    )
    assert summary.question("hours").answered == 2


def test_ranking_points_and_outcome_order() -> None:
    answers = [
        _answer(outcomes_rank=["money", "own_life", "wellbeing"]),
        _answer(outcomes_rank=["money", "wellbeing", "own_life"]),
        _answer(outcomes_rank=["wellbeing", "own_life", "money"]),
    ]
    summary = summarise(SURVEY, answers)
    ranking = summary.question("outcomes_rank").ranking
    assert [(r.key, r.points, r.first) for r in ranking] == [
        ("money", 7, 2),
        ("wellbeing", 6, 1),
        ("own_life", 5, 0),
        ("expert_partner", 0, 0),
    ]
    assert summary.outcome_ranking() == ["3", "4", "2"]


def test_free_text_is_listed_sorted() -> None:
    answers = [_answer(one_change="More breaks"), _answer(one_change="A named worker"), _answer()]
    assert summarise(SURVEY, answers).question("one_change").texts == (
        "A named worker",
        "More breaks",
    )


def test_small_groups_are_suppressed_in_splits() -> None:
    # Two small groups hide each other: together they hold 6, which no one can split.
    answers = (
        [_answer(cares_for=["dementia"])] * SMALLEST_GROUP
        + [_answer(cares_for=["stroke"])] * 3
        + [_answer(cares_for=["older"])] * 3
    )
    split = summarise(SURVEY, answers, ["older_people", "stroke", "dementia"]).splits[0]
    assert split.by is SplitBy.CARER_GROUP
    assert split.groups == (("older_people", None), ("stroke", None), ("dementia", SMALLEST_GROUP))
    older, stroke, dementia = split.cells["age_band"]
    assert stroke.suppressed and stroke.answered is None and stroke.counts is None
    assert older.suppressed
    assert not dementia.suppressed and dementia.answered == SMALLEST_GROUP


def test_a_lone_small_group_hides_the_next_smallest_too() -> None:
    answers = (
        [_answer(cares_for=["dementia"])] * 7
        + [_answer(cares_for=["older"])] * 6
        + [_answer(cares_for=["stroke"])] * (SMALLEST_GROUP - 1)
    )
    split = summarise(SURVEY, answers, ["dementia", "older_people", "stroke"]).splits[0]
    # Stroke alone hidden would be 17 answers minus 7 minus 6: older people go too.
    assert split.groups == (("dementia", 7), ("older_people", None), ("stroke", None))
    assert [cell.suppressed for cell in split.cells["age_band"]] == [False, True, True]


def test_suppression_is_decided_per_question() -> None:
    answers = [_answer(cares_for=["dementia"])] * 6 + [_answer(cares_for=["older"])] * 6
    # One carer of an older person skipped the breaks question: 5 is still enough to show.
    answers[6] = _answer(cares_for=["older"], breaks_rating=None)
    split = summarise(SURVEY, answers, ["dementia", "older_people"]).splits[0]
    assert [(c.group, c.answered) for c in split.cells["breaks_rating"]] == [
        ("dementia", 6),
        ("older_people", 5),
    ]
    # Two of them skipping it leaves 4, hidden, and so dementia's 6 is hidden too.
    answers[7] = _answer(cares_for=["older"], breaks_rating=None)
    split = summarise(SURVEY, answers, ["dementia", "older_people"]).splits[0]
    assert [c.suppressed for c in split.cells["breaks_rating"]] == [True, True]
    assert [c.suppressed for c in split.cells["age_band"]] == [False, False]


def test_exported_table_never_shows_a_suppressed_count() -> None:
    answers = [_answer(cares_for=["stroke"])] * 2 + [_answer(cares_for=["dementia"])] * 6
    table = results_table(summarise(SURVEY, answers), {"stroke": "Stroke", "dementia": "Dementia"})
    for name in ("Stroke", "Dementia"):  # dementia's 6 would give away stroke's 2
        rows = table[table["breakdown"] == name]
        assert len(rows) > 0
        assert rows["count"].isna().all() and rows["answered"].isna().all()
        assert (rows["answer"] == SUPPRESSED).all()
    assert SUPPRESSED.startswith("suppressed: fewer than 5 answers, or hidden")


def test_a_person_in_several_groups_counts_in_each() -> None:
    answers = [_answer(cares_for=["dementia", "physical"])] * SMALLEST_GROUP
    split = summarise(SURVEY, answers).splits[0]
    assert dict(split.groups) == {"dementia": SMALLEST_GROUP, "physical_disability": SMALLEST_GROUP}


def test_split_by_stakeholder_type() -> None:
    answers = [{"provider_kind": "specialist", "joint_working": 4}] * 6
    split = summarise(PARTNERS, answers).splits[0]
    assert split.by is SplitBy.STAKEHOLDER_TYPE
    assert split.groups == (("providers", 6),)


def test_no_answers_at_all() -> None:
    summary = summarise(SURVEY, [])
    assert summary.responses == 0
    assert summary.question("age_band").answered == 0
    assert summary.outcome_ranking() == []


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(["dementia", "stroke", "older", "physical"]), min_size=0, max_size=30)
)
def test_no_split_cell_ever_shows_fewer_than_five(groups: list[str]) -> None:
    answers = [_answer(cares_for=[group]) for group in groups]
    for split in summarise(SURVEY, answers).splits:
        for size in dict(split.groups).values():
            assert size is None or size >= SMALLEST_GROUP
        for cells in split.cells.values():
            for cell in cells:
                assert cell.suppressed or (cell.answered or 0) >= SMALLEST_GROUP


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["dementia", "stroke", "older", "physical"]), min_size=0, max_size=40)
)
def test_no_hidden_group_can_be_worked_out_from_the_total(groups: list[str]) -> None:
    # One group per person, so the groups add up to the total shown for every question.
    answers = [_answer(cares_for=[group]) for group in groups]
    summary = summarise(SURVEY, answers)
    for split in summary.splits:
        for code, cells in split.cells.items():
            shown = sum(cell.answered or 0 for cell in cells if not cell.suppressed)
            hidden = [cell for cell in cells if cell.suppressed]
            if len(cells) > 1:
                assert len(hidden) != 1, (code, cells)
            if hidden and len(hidden) < len(cells):
                assert summary.question(code).answered - shown >= SMALLEST_GROUP
