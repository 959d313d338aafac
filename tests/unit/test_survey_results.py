"""Questionnaire results: counts, shares, rankings, splits, and the suppression rule
applied to every figure they print."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub_model.framework import load_builtin
from hub_model.questionnaire import SplitBy, load_questionnaire
from hub_model.survey_disclosure import quotes
from hub_model.survey_results import (
    HIDDEN,
    MEAN_WITHHELD,
    SMALLEST_GROUP,
    TEXTS_WITHHELD,
    Summary,
    results_table,
    summarise,
)
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
        "qol_occupation": "occupation_some",
        "qol_control": "control_as_want",
        "qol_self_care": "self_care_sometimes",
        "qol_safety": "safety_no_worries",
        "qol_social": "social_some",
        "qol_support": "support_some",
        "information_ease": "info_fairly_easy",
        "involved_in_discussions": "involved_usually",
        "support_satisfaction": "satisfied_quite",
    }
    answers.update(changes)
    return answers


def test_counts_and_shares_per_option() -> None:
    answers = [_answer(age_band="age_25_64")] * 15 + [_answer()] * 5 + [_answer(age_band=None)] * 5
    result = summarise(SURVEY, answers).question("age_band")
    assert result.answered == 20
    shares = {count.key: (count.count, count.share) for count in result.counts}
    assert shares == {"age_16_24": (0, 0.0), "age_25_64": (15, 0.75), "age_65_plus": (5, 0.25)}


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
    assert shown[3] == (5, 19.2)  # a scale point without words is a number
    assert shown[4] == (9, 34.6)
    assert shown["5 (Very helpful)"] == (12, 46.2)


def test_multiple_choice_shares_are_of_people_answering() -> None:
    answers = [_answer(supports_used=["breaks", "information"])] * 5 + [
        _answer(supports_used=["breaks"])
    ] * 5
    counts = {c.key: c.share for c in summarise(SURVEY, answers).question("supports_used").counts}
    assert counts["breaks"] == 1.0 and counts["information"] == 0.5


def test_scale_mean_and_number_statistics() -> None:
    answers = (
        [_answer(life_of_own=1, hours=10)] * 5
        + [_answer(life_of_own=4, hours=30)] * 5
        + [_answer(hours=None)] * 5
    )
    summary = summarise(SURVEY, answers)
    assert summary.question("life_of_own").mean == 2.33
    numbers = summary.question("hours").numbers
    assert numbers is not None and (numbers.mean, numbers.median, numbers.maximum) == (
        20.0,
        20.0,
        30.0,
    )
    assert summary.question("hours").answered == 10


def test_ranking_points_and_outcome_order() -> None:
    answers = (
        [_answer(outcomes_rank=["money", "own_life", "wellbeing"])] * 5
        + [_answer(outcomes_rank=["money", "wellbeing", "own_life"])] * 5
        + [_answer(outcomes_rank=["wellbeing", "own_life", "money"])] * 5
    )
    summary = summarise(SURVEY, answers)
    ranking = summary.question("outcomes_rank").ranking
    assert [(r.key, r.points, r.first) for r in ranking] == [
        ("money", 35, 10),
        ("wellbeing", 30, 5),
        ("own_life", 25, 0),
        ("expert_partner", 0, 0),
    ]
    assert summary.outcome_ranking() == ["3", "4", "2"]


def test_an_outcome_with_hidden_points_keeps_its_place_in_the_ranking() -> None:
    answers = [_answer(outcomes_rank=["money", "own_life", "wellbeing"])] * 10 + [
        _answer(outcomes_rank=["wellbeing", "money", "own_life"])
    ] * 2
    summary = summarise(SURVEY, answers)
    ranking = {r.key: r.points for r in summary.question("outcomes_rank").ranking}
    assert ranking["money"] is None  # 2 people put it second
    assert summary.outcome_ranking() == ["3", "2", "4"]


def test_free_text_is_listed_sorted_where_five_answered() -> None:
    texts = ["More breaks", "A named worker", "Evening sitters", "Forms help", "Day care"]
    answers = [_answer(one_change=text) for text in texts] + [_answer()]
    result = summarise(SURVEY, answers).question("one_change")
    assert result.texts == tuple(sorted(texts)) and result.withheld == ()


def test_free_text_from_fewer_than_five_is_withheld_and_says_why() -> None:
    answers = [_answer(one_change="My husband Bob at 12 Mill Lane"), _answer()] * 2
    result = summarise(SURVEY, answers).question("one_change")
    assert result.texts == () and result.answered is None
    assert result.withheld == (TEXTS_WITHHELD,)
    assert TEXTS_WITHHELD.startswith("Fewer than 5 people answered this question")


def test_all_answers_hide_a_count_of_one_and_its_complement() -> None:
    # Seen: "65 or over 1" and "Someone who misuses drugs or alcohol 1".
    answers = [_answer(age_band="age_25_64")] * 12 + [
        _answer(age_band="age_65_plus", cares_for=["dementia", "substance"])
    ]
    summary = summarise(SURVEY, answers)
    ages = {c.key: (c.count, c.share) for c in summary.question("age_band").counts}
    # 12 of 13 shown would give away the 1: both go.
    assert ages == {"age_16_24": (0, 0.0), "age_25_64": (None, None), "age_65_plus": (None, None)}
    caring = {c.key: c.count for c in summary.question("cares_for").counts}
    # "Did not choose it" is 12, "chose it" 1: the 1 is hidden; dementia (13 of 13) shows.
    assert caring["substance"] is None and caring["dementia"] == 13


def test_a_group_of_eight_is_shown_cell_by_cell() -> None:
    # Seen: whole groups hidden at a time, so even a group of 8 showed nothing.
    answers = (
        [_answer(age_band="age_16_24", life_of_own=2)] * 8
        + [_answer(age_band="age_25_64", life_of_own=2)] * 6
        + [_answer(age_band="age_25_64", life_of_own=3)] * 6
        + [_answer(age_band="age_65_plus", life_of_own=3)] * 5
        + [_answer(age_band="age_65_plus", life_of_own=4)] * 5
        + [_answer(age_band="age_65_plus", cares_for=["stroke"], life_of_own=4)] * 2
    )
    split = summarise(SURVEY, answers, FRAMEWORK_ORDER, ["young_adult_carers"]).splits[0]
    cells = {c.group: c for c in split.cells["life_of_own"]}
    assert cells["young_adult_carers"].answered == 8
    assert [c.count for c in cells["young_adult_carers"].counts] == [0, 8, 0, 0, 0]
    assert [c.count for c in cells["working_age_carers"].counts] == [0, 6, 6, 0, 0]
    # Stroke's 2 are hidden, and so is dementia (everyone but them) beside the total.
    assert cells["stroke"].suppressed and cells["dementia"].suppressed
    assert cells["stroke"].counts[3].count is None


def test_every_group_in_scope_gets_a_column_young_adults_from_their_age() -> None:
    # Seen: "Young adult carers aged 16-24" never appeared as a column.
    answers = [_answer(age_band="age_16_24")] * 6 + [_answer()] * 6
    columns = ["dementia", "young_adult_carers", "carers_65_plus", "learning_disability"]
    split = summarise(SURVEY, answers, FRAMEWORK_ORDER, columns).splits[0]
    assert set(columns) <= set(split.groups)
    cells = {c.group: c for c in split.cells["life_of_own"]}
    assert cells["young_adult_carers"].answered == 6
    assert cells["learning_disability"].answered == 0  # nobody: a column all the same
    # The age question is not split by the age bands it defines.
    assert "young_adult_carers" not in {c.group for c in split.cells["age_band"]}


def test_a_person_in_several_groups_counts_in_each() -> None:
    answers = [_answer(cares_for=["dementia", "physical"])] * SMALLEST_GROUP
    split = summarise(SURVEY, answers).splits[0]
    cells = {c.group: c.answered for c in split.cells["life_of_own"]}
    assert cells["dementia"] == cells["physical_disability"] == SMALLEST_GROUP


def test_split_by_stakeholder_type() -> None:
    answers = [{"provider_kind": "specialist", "joint_working": 4}] * 6
    split = summarise(PARTNERS, answers).splits[0]
    assert split.by is SplitBy.STAKEHOLDER_TYPE
    assert split.groups == ("providers",)


def test_an_average_beside_a_hidden_count_is_withheld() -> None:
    # Two hidden counts and the average would solve them: 1 and 2 carers, or 2 and 1.
    answers = [_answer(life_of_own=3)] * 10 + [_answer(life_of_own=1), _answer(life_of_own=5)]
    result = summarise(SURVEY, answers).question("life_of_own")
    assert result.mean is None and MEAN_WITHHELD in result.withheld


def test_numbers_from_fewer_than_five_are_withheld() -> None:
    answers = [_answer(hours=None)] * 6 + [_answer(hours=168)]
    result = summarise(SURVEY, answers).question("hours")
    assert result.numbers is None and result.answered is None and result.withheld


def test_exported_table_marks_hidden_figures() -> None:
    answers = [_answer(cares_for=["stroke"])] * 2 + [_answer(cares_for=["dementia"])] * 6
    table = results_table(summarise(SURVEY, answers), {"stroke": "Stroke", "dementia": "Dementia"})
    stroke = table[table["breakdown"] == "Stroke"]
    assert len(stroke) > 0 and (stroke["answered"] == HIDDEN).all()
    _assert_no_small_figure(table)


def test_no_answers_at_all() -> None:
    summary = summarise(SURVEY, [])
    assert summary.responses == 0
    assert summary.question("age_band").answered == 0
    assert summary.outcome_ranking() == []


FRAMEWORK_ORDER = [group.code for group, _ in FRAMEWORK.groups_flat()]


def _assert_no_small_figure(table: Any) -> None:
    for column in ("count", "answered"):
        for value in table[column]:
            assert not (isinstance(value, int) and 0 < value < SMALLEST_GROUP), table


def _published(summary: Summary) -> list[int | None]:
    found: list[int | None] = []
    for item in summary.questions:
        found.append(item.answered)
        found += [c.count for c in item.counts]
        found += [r.first for r in item.ranking] + [r.ranked for r in item.ranking]
        if item.texts:
            assert item.answered is not None and item.answered >= SMALLEST_GROUP
    for split in summary.splits:
        for cells in split.cells.values():
            for cell in cells:
                found.append(cell.answered)
                found += [c.count for c in cell.counts]
    return found


CARERS = st.fixed_dictionaries(
    {
        "cares_for": st.lists(
            st.sampled_from(["dementia", "stroke", "older", "physical", "substance"]),
            min_size=1,
            max_size=2,
            unique=True,
        ),
        "age_band": st.sampled_from(["age_16_24", "age_25_64", "age_65_plus", None]),
        "life_of_own": st.integers(1, 5),
        "supports_used": st.one_of(
            st.none(), st.lists(st.sampled_from(["breaks", "information"]), min_size=1, unique=True)
        ),
        "one_change": st.sampled_from([None, "A", "B"]),
        "outcomes_rank": st.permutations(["own_life", "wellbeing", "money", "expert_partner"]).map(
            lambda codes: codes[:3]
        ),
    }
)


@settings(max_examples=40, deadline=None)
@given(st.lists(CARERS, max_size=40))
def test_no_published_figure_is_about_fewer_than_five(carers: list[dict[str, Any]]) -> None:
    answers = [_answer(**carer) for carer in carers]
    summary = summarise(SURVEY, answers, FRAMEWORK_ORDER, ["dementia", "young_adult_carers"])
    for value in _published(summary):
        assert value is None or value == 0 or value >= SMALLEST_GROUP
    _assert_no_small_figure(results_table(summary))


@settings(max_examples=40, deadline=None)
@given(st.lists(CARERS, max_size=40))
def test_no_hidden_count_can_be_worked_out_by_subtraction(carers: list[dict[str, Any]]) -> None:
    # In every column of counts that adds up to its number answering, a hidden
    # count has company, and where the number answering is shown the hidden
    # counts hold at least 5 people between them.
    answers = [_answer(**carer) for carer in carers]
    summary = summarise(SURVEY, answers, FRAMEWORK_ORDER, ["dementia", "young_adult_carers"])
    for code in ("age_band", "life_of_own"):
        item = summary.question(code)
        columns = [(item.answered, item.counts)] + [
            (cell.answered, cell.counts) for split in summary.splits for cell in split.cells[code]
        ]
        for answered, counts in columns:
            hidden = [c for c in counts if c.count is None]
            if not hidden or answered == 0:
                continue
            assert len(hidden) >= 2 or answered is None, (code, counts)
            if answered is not None:
                shown = sum(c.count or 0 for c in counts)
                assert answered - shown >= SMALLEST_GROUP, (code, answered, counts)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("My husband Bob, at 12 Mill Lane, needs a sitter!", True),
        ("A carer told us: HUSBAND BOB AT 12 MILL LANE needs help", True),  # a run of 6
        ("Carers asked for sitters in the evenings", False),
        ("Bob needs a sitter", False),  # 4 words of it: not a quotation
        ("Day care at weekends", True),  # a short answer, whole
        ("Day care", False),
    ],
)
def test_quoting_a_withheld_answer(text: str, quoted: bool) -> None:
    withheld = ["My husband Bob at 12 Mill Lane needs a sitter", "Day care at weekends", "Yes"]
    assert (quotes(text, withheld) is not None) is quoted
