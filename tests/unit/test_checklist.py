"""The Appendix A checklist summaries and the outcome view of the gap map."""

from __future__ import annotations

import pytest

from hub_model.checklist import (
    CHECKLIST_RULE,
    OUTCOME_RULE,
    ChecklistCell,
    all_sub_outcomes,
    cell_name,
    outcome_view,
    outcome_views,
    summarise_group,
    summarise_groups,
    summarise_outcome,
    summarise_outcomes,
)
from hub_model.ratings import summarise
from hub_model.scales import ChecklistStatus, Rag

IN, PARTLY, OUT, UNKNOWN, UNRATED = (
    ChecklistStatus.IN_PLACE,
    ChecklistStatus.PARTLY,
    ChecklistStatus.NOT_IN_PLACE,
    ChecklistStatus.NOT_KNOWN,
    ChecklistStatus.NOT_RATED,
)
SUB_OUTCOMES = {
    "1": ["1a", "1b", "1c"],
    "2": ["2a", "2b", "2c"],
    "3": ["3a", "3b"],
    "4": ["4a", "4b"],
}
GROUPS = ["dementia", "bme"]
LINKS = {"1": ["info", "training", "voice"], "2": ["breaks"], "3": [], "4": ["breaks", "health"]}


def cell(status: ChecklistStatus, indicator: Rag = Rag.NOT_RATED) -> ChecklistCell:
    return ChecklistCell(status, indicator)


@pytest.mark.parametrize(
    ("cells", "status", "indicator"),
    [
        pytest.param({}, UNRATED, Rag.NOT_RATED, id="nothing-judged"),
        pytest.param(
            {("1a", "dementia"): cell(IN, Rag.GREEN), ("1b", "bme"): cell(PARTLY, Rag.AMBER)},
            PARTLY,
            Rag.AMBER,
            id="weakest-across-sub-outcomes-and-groups",
        ),
        pytest.param(
            {("1a", "dementia"): cell(UNKNOWN), ("1c", "bme"): cell(IN)},
            IN,
            Rag.NOT_RATED,
            id="not-known-neither-worst-nor-best",
        ),
        pytest.param(
            {("1a", "dementia"): cell(UNKNOWN)}, UNKNOWN, Rag.NOT_RATED, id="only-not-known"
        ),
        pytest.param(
            {("1a", "dementia"): cell(OUT, Rag.GREEN), ("2a", "dementia"): cell(IN, Rag.RED)},
            OUT,
            Rag.GREEN,
            id="other-outcomes-cells-ignored",
        ),
    ],
)
def test_outcome_summary(
    cells: dict[tuple[str, str], ChecklistCell], status: ChecklistStatus, indicator: Rag
) -> None:
    summary = summarise_outcome("1", cells, SUB_OUTCOMES, GROUPS)

    assert summary.overall.status.grade is status
    assert summary.overall.indicator.grade is indicator
    assert summary.overall.status.total == 6


def test_outcome_summary_counts_not_known_apart() -> None:
    cells = {
        ("1a", "dementia"): cell(UNKNOWN),
        ("1a", "bme"): cell(UNKNOWN),
        ("1b", "dementia"): cell(OUT),
    }

    spread = summarise_outcome("1", cells, SUB_OUTCOMES, GROUPS).overall.status.spread

    assert spread == {OUT: 1, PARTLY: 0, IN: 0, UNKNOWN: 2, UNRATED: 3}


def test_outcome_summary_names_cells_and_keeps_sub_outcome_detail() -> None:
    cells = {("2b", "bme"): cell(OUT), ("2b", "dementia"): cell(IN)}

    summary = summarise_outcome("2", cells, SUB_OUTCOMES, GROUPS)

    assert summary.overall.status.groups_by_grade[OUT] == (cell_name("2b", "bme"),)
    assert cell_name("2b", "bme") == "2b: bme"
    assert list(summary.by_sub_outcome) == ["2a", "2b", "2c"]
    assert summary.by_sub_outcome["2b"].status.grade is OUT
    assert summary.by_sub_outcome["2b"].status.groups_by_grade[IN] == ("dementia",)
    assert summary.by_sub_outcome["2a"].status.grade is UNRATED


def test_unknown_outcome_has_an_empty_summary() -> None:
    summary = summarise_outcome("5", {}, SUB_OUTCOMES, GROUPS)
    assert summary.overall.status.total == 0
    assert summary.overall.status.grade is UNRATED


def test_summarise_outcomes_covers_every_outcome() -> None:
    assert list(summarise_outcomes({}, SUB_OUTCOMES, GROUPS)) == ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    ("cells", "status"),
    [
        pytest.param({("1a", "bme"): cell(IN), ("4b", "bme"): cell(PARTLY)}, PARTLY, id="weakest"),
        pytest.param({("1a", "dementia"): cell(OUT)}, UNRATED, id="other-group-ignored"),
        pytest.param({("1a", "bme"): cell(UNKNOWN)}, UNKNOWN, id="not-known"),
    ],
)
def test_group_summary(
    cells: dict[tuple[str, str], ChecklistCell], status: ChecklistStatus
) -> None:
    summary = summarise_group("bme", cells, all_sub_outcomes(SUB_OUTCOMES))

    assert summary.status.grade is status
    assert summary.status.total == 10


def test_group_summary_names_sub_outcomes() -> None:
    summaries = summarise_groups({("3a", "bme"): cell(OUT)}, all_sub_outcomes(SUB_OUTCOMES), GROUPS)

    assert list(summaries) == GROUPS
    assert summaries["bme"].status.groups_by_grade[OUT] == ("3a",)


def test_all_sub_outcomes_in_order_without_repeats() -> None:
    assert all_sub_outcomes({"x": ["a", "b"], "y": ["b", "c"]}) == ["a", "b", "c"]


def test_outcome_view_shows_checklist_and_linked_interventions() -> None:
    checklist = {("1a", "dementia"): cell(PARTLY, Rag.AMBER)}
    interventions = {
        "info": summarise({"dementia": Rag.GREEN, "bme": Rag.RED}, GROUPS, Rag),
        "training": Rag.AMBER,
    }

    view = outcome_view("1", checklist, SUB_OUTCOMES, GROUPS, LINKS, interventions)

    assert view.checklist.overall.status.grade is PARTLY
    assert view.checklist.overall.indicator.grade is Rag.AMBER
    assert view.interventions.spread == {Rag.RED: 1, Rag.AMBER: 1, Rag.GREEN: 0, Rag.NOT_RATED: 1}
    assert view.interventions.grade is Rag.RED
    assert view.red == ("info",)
    assert view.not_rated == ("voice",)


def test_outcome_without_links_has_empty_intervention_spread() -> None:
    view = outcome_view("3", {}, SUB_OUTCOMES, GROUPS, LINKS, {"breaks": Rag.GREEN})
    assert view.interventions.total == 0
    assert view.interventions.grade is Rag.NOT_RATED


def test_outcome_views_for_every_outcome() -> None:
    views = outcome_views({}, SUB_OUTCOMES, GROUPS, LINKS, {"breaks": Rag.GREEN})

    assert list(views) == ["1", "2", "3", "4"]
    assert views["2"].interventions.grade is Rag.GREEN
    assert views["4"].not_rated == ("health",)


def test_rules_are_plain_words() -> None:
    assert "not known" in CHECKLIST_RULE.lower()
    assert "both" in OUTCOME_RULE
