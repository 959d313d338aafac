"""Completeness: share of cells judged, share of judgements with evidence."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pytest

from hub_model.checklist import ChecklistCell
from hub_model.completeness import (
    RULE,
    Completeness,
    checklist_completeness,
    completeness,
    grid_completeness,
)
from hub_model.scales import ChecklistStatus, Maturity, Rag

R, A, G, N = Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_RATED
Key = tuple[str, str]


@pytest.mark.parametrize(
    ("grid", "evidence", "expected"),
    [
        pytest.param({}, {}, Completeness(4, 0, 0), id="nothing-judged"),
        pytest.param(
            {("b", "x"): R, ("b", "y"): N, ("i", "x"): G},
            {},
            Completeness(4, 2, 0),
            id="not-rated-is-not-judged",
        ),
        pytest.param(
            {("b", "x"): R, ("i", "x"): G},
            {("b", "x"): 3, ("i", "x"): 0},
            Completeness(4, 2, 1),
            id="zero-links-is-not-evidenced",
        ),
        pytest.param(
            {("b", "x"): R},
            {("b", "y"), ("b", "x")},
            Completeness(4, 1, 1),
            id="evidence-as-a-set-and-on-unjudged-cell-ignored",
        ),
        pytest.param(
            {("b", "x"): A, ("other", "x"): G},
            {("other", "x"): 1},
            Completeness(4, 1, 0),
            id="out-of-scope-cells-ignored",
        ),
    ],
)
def test_grid_completeness(
    grid: dict[Key, Rag], evidence: Mapping[Key, int] | Collection[Key], expected: Completeness
) -> None:
    assert grid_completeness(grid, ["b", "i"], ["x", "y"], evidence) == expected


@pytest.mark.parametrize(
    ("found", "judged", "evidenced"),
    [
        pytest.param(Completeness(0, 0, 0), 0.0, 0.0, id="no-cells-no-division-by-zero"),
        pytest.param(Completeness(4, 0, 0), 0.0, 0.0, id="no-judgements"),
        pytest.param(Completeness(4, 3, 1), 0.75, 1 / 3, id="shares"),
        pytest.param(Completeness(2, 2, 2), 1.0, 1.0, id="complete"),
    ],
)
def test_shares(found: Completeness, judged: float, evidenced: float) -> None:
    assert found.share_judged == pytest.approx(judged)
    assert found.share_evidenced == pytest.approx(evidenced)


@pytest.mark.parametrize(
    ("found", "text"),
    [
        pytest.param(
            Completeness(20, 12, 6),
            "12 of 20 cells judged (60%); 6 of 12 judgements evidenced (50%)",
            id="plain",
        ),
        pytest.param(
            Completeness(8, 1, 0),
            "1 of 8 cells judged (13%); 0 of 1 judgements evidenced (0%)",
            id="half-up",
        ),
        pytest.param(
            Completeness(0, 0, 0),
            "0 of 0 cells judged (0%); 0 of 0 judgements evidenced (0%)",
            id="empty",
        ),
    ],
)
def test_text(found: Completeness, text: str) -> None:
    assert found.text == text


def test_maturity_grid_works_the_same() -> None:
    grid = {("b", "x"): Maturity.EARLY, ("b", "y"): Maturity.NOT_RATED}
    assert grid_completeness(grid, ["b"], ["x", "y"], {("b", "x"): 1}) == Completeness(2, 1, 1)


def test_generic_completeness_with_any_keys() -> None:
    found = completeness({"o1": R, "o2": N}, ["o1", "o2", "o3", "o1"], ["o1"])
    assert found == Completeness(3, 1, 1)


def test_checklist_completeness_counts_status_and_indicator_apart() -> None:
    checklist = {
        ("1a", "x"): ChecklistCell(ChecklistStatus.NOT_KNOWN, Rag.NOT_RATED),
        ("1b", "x"): ChecklistCell(ChecklistStatus.IN_PLACE, Rag.GREEN),
        ("1b", "y"): ChecklistCell(ChecklistStatus.NOT_RATED, Rag.RED),
    }

    found = checklist_completeness(checklist, ["1a", "1b"], ["x", "y"], {("1b", "x"): 2})

    assert found.status == Completeness(cells=4, judged=2, evidenced=1)
    assert found.indicator == Completeness(cells=4, judged=2, evidenced=1)


def test_rule_is_plain_words() -> None:
    assert "not known" in RULE and "evidence" in RULE
