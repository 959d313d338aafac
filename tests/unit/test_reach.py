"""Who is reached: a group is reached if some intervention serves it at amber or better."""

from __future__ import annotations

import pytest

from hub_model.reach import RULE, reach, unreached_groups
from hub_model.scales import Rag

R, A, G, N = Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_RATED
GROUPS = ["dementia", "stroke", "bme"]


@pytest.mark.parametrize(
    ("grid", "not_reached"),
    [
        pytest.param({}, ("dementia", "stroke", "bme"), id="empty-grid-reaches-nobody"),
        pytest.param(
            {("breaks", "dementia"): A, ("breaks", "stroke"): G, ("breaks", "bme"): A},
            (),
            id="amber-and-green-reach",
        ),
        pytest.param(
            {("breaks", "dementia"): R, ("info", "dementia"): R},
            ("dementia", "stroke", "bme"),
            id="red-does-not-reach",
        ),
        pytest.param(
            {("breaks", "dementia"): N, ("info", "stroke"): A},
            ("dementia", "bme"),
            id="not-rated-does-not-reach",
        ),
        pytest.param(
            {("breaks", "dementia"): R, ("info", "dementia"): A},
            ("stroke", "bme"),
            id="one-intervention-is-enough",
        ),
        pytest.param({("info", "elsewhere"): G}, ("dementia", "stroke", "bme"), id="outsider"),
    ],
)
def test_unreached_groups(grid: dict[tuple[str, str], Rag], not_reached: tuple[str, ...]) -> None:
    assert unreached_groups(grid, GROUPS) == not_reached


def test_reach_names_who_reaches_each_group() -> None:
    grid = {("breaks", "dementia"): G, ("info", "dementia"): A, ("info", "stroke"): R}

    found = reach(grid, GROUPS)

    assert found.reached_by == {"dementia": ("breaks", "info"), "stroke": (), "bme": ()}
    assert found.reached == ("dementia",)
    assert found.not_reached == ("stroke", "bme")


def test_reach_can_be_limited_to_some_interventions() -> None:
    grid = {("breaks", "dementia"): G, ("info", "stroke"): G}

    assert unreached_groups(grid, GROUPS, interventions=["info"]) == ("dementia", "bme")
    assert unreached_groups(grid, GROUPS, interventions=[]) == tuple(GROUPS)


def test_rule_is_plain_words() -> None:
    assert "amber or better" in RULE
