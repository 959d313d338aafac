"""Action plan progress: latest update's four-level RAG, counts, shares, overdue."""

from __future__ import annotations

from datetime import date

import pytest

from hub_model.action_plan import (
    RULE,
    Action,
    ProgressUpdate,
    is_overdue,
    latest_update,
    progress,
    summarise_progress,
)
from hub_model.scales import Rag4

TODAY = date(2010, 1, 15)
DEC, NOV, OCT = date(2009, 12, 1), date(2009, 11, 1), date(2009, 10, 1)


def update(on: date, rag: Rag4) -> ProgressUpdate:
    return ProgressUpdate(on, rag, f"{rag} on {on}")


@pytest.mark.parametrize(
    ("updates", "expected"),
    [
        pytest.param((), Rag4.NOT_RATED, id="no-update-not-rated"),
        pytest.param((update(DEC, Rag4.GREEN),), Rag4.GREEN, id="one-update"),
        pytest.param(
            (update(DEC, Rag4.RED_AMBER), update(OCT, Rag4.GREEN)),
            Rag4.RED_AMBER,
            id="latest-by-date-not-by-order",
        ),
        pytest.param(
            (update(DEC, Rag4.RED), update(DEC, Rag4.GREEN_AMBER)),
            Rag4.GREEN_AMBER,
            id="same-day-last-given-wins",
        ),
    ],
)
def test_progress_is_latest_update(updates: tuple[ProgressUpdate, ...], expected: Rag4) -> None:
    assert progress(Action("a", updates=updates)) is expected


def test_latest_update_none_without_updates() -> None:
    assert latest_update(Action("a")) is None


@pytest.mark.parametrize(
    ("action", "overdue"),
    [
        pytest.param(Action("a"), False, id="no-timescale-never-overdue"),
        pytest.param(Action("a", date(2010, 3, 31)), False, id="timescale-ahead"),
        pytest.param(Action("a", TODAY), False, id="due-today-not-yet-overdue"),
        pytest.param(Action("a", NOV), True, id="passed-no-update"),
        pytest.param(Action("a", NOV, (update(DEC, Rag4.RED),)), True, id="passed-red"),
        pytest.param(
            Action("a", NOV, (update(DEC, Rag4.GREEN_AMBER),)), True, id="passed-green-amber"
        ),
        pytest.param(Action("a", NOV, (update(DEC, Rag4.GREEN),)), False, id="passed-but-met"),
    ],
)
def test_overdue(action: Action, overdue: bool) -> None:
    assert is_overdue(action, TODAY) is overdue


def test_summary_counts_shares_and_overdue() -> None:
    actions = [
        Action("guidance", NOV, (update(DEC, Rag4.GREEN),)),
        Action("oscars", NOV, (update(OCT, Rag4.GREEN), update(DEC, Rag4.RED_AMBER))),
        Action("carers-week", date(2010, 6, 1), (update(DEC, Rag4.GREEN),)),
        Action("emergency-plans", None, (update(DEC, Rag4.RED),)),
        Action("informatics", OCT),
    ]

    summary = summarise_progress(actions, TODAY)

    assert summary.actions == 5
    assert summary.not_rated == 1
    assert [summary.count(g) for g in (Rag4.RED, Rag4.RED_AMBER, Rag4.GREEN_AMBER, Rag4.GREEN)] == [
        1,
        1,
        0,
        2,
    ]
    assert summary.share(Rag4.GREEN) == "40% (2)"
    assert summary.shares == {
        Rag4.RED: "20% (1)",
        Rag4.RED_AMBER: "20% (1)",
        Rag4.GREEN_AMBER: "0% (0)",
        Rag4.GREEN: "40% (2)",
        Rag4.NOT_RATED: "20% (1)",
    }
    assert summary.overdue == ("oscars", "informatics")
    assert summary.overdue_count == 2
    assert summary.progress.groups_by_grade[Rag4.GREEN] == ("guidance", "carers-week")


def test_seed_002_commissioning_intentions_all_green() -> None:
    actions = [Action(f"ci{i}", updates=(update(DEC, Rag4.GREEN),)) for i in range(5)]
    summary = summarise_progress(actions)
    assert [summary.share(g) for g in (Rag4.GREEN, Rag4.GREEN_AMBER, Rag4.RED_AMBER, Rag4.RED)] == [
        "100% (5)",
        "0% (0)",
        "0% (0)",
        "0% (0)",
    ]


def test_without_today_overdue_is_unknown() -> None:
    summary = summarise_progress([Action("a", OCT)])
    assert summary.overdue is None
    assert summary.overdue_count is None


def test_empty_plan() -> None:
    summary = summarise_progress([], TODAY)
    assert (summary.actions, summary.not_rated, summary.overdue_count) == (0, 0, 0)
    assert summary.share(Rag4.GREEN) == "0% (0)"


def test_rule_is_plain_words() -> None:
    assert "latest update" in RULE and "never as red" in RULE
