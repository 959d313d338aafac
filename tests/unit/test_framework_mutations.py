"""The fidelity check of test_framework_fidelity catches each kind of corruption of
the framework YAML (a mutation test): dropping an Appendix A item, rewording an
outcome title, an area of work, an outcome indicator, a statistical return, a
catalogue indicator or an Appendix B descriptor, changing a Table 2 level,
flipping a polarity, changing a unit. Each kind is applied to a fresh copy of the
YAML at every place it can go, and the check must report a problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.unit.test_framework_fidelity import _framework, problems

Mutation = Callable[[dict[str, Any]], None]


def _reword(text: str) -> str:
    words = text.split()
    return " ".join(words[: len(words) // 2] + words[len(words) // 2 + 1 :]) or "Something else"


def _mutations() -> Iterator[tuple[str, Mutation]]:
    data = _framework()

    def at(path: list[Any], change: Callable[[Any], Any]) -> Mutation:
        def mutate(target: dict[str, Any]) -> None:
            parent: Any = target
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = change(parent[path[-1]])

        return mutate

    def drop(path: list[Any]) -> Mutation:
        def mutate(target: dict[str, Any]) -> None:
            parent: Any = target
            for key in path[:-1]:
                parent = parent[key]
            del parent[path[-1]]

        return mutate

    for i, row in enumerate(data["checklist"]):
        for j, _ in enumerate(row["services"]):
            yield (
                f"drop Appendix A {row['code']} service {j}",
                drop(["checklist", i, "services", j]),
            )
        for j, _ in enumerate(row["statistical_returns"]):
            yield (
                f"drop Appendix A {row['code']} return {j}",
                drop(["checklist", i, "statistical_returns", j]),
            )
            yield (
                f"reword Appendix A {row['code']} return {j}",
                at(["checklist", i, "statistical_returns", j], _reword),
            )
        yield (
            f"reword Appendix A {row['code']} indicator",
            at(["checklist", i, "indicator"], _reword),
        )
    for i, _ in enumerate(data["outcomes"]):
        yield f"reword outcome {i + 1} title", at(["outcomes", i, "title"], _reword)
    for i, intervention in enumerate(data["interventions"]):
        yield f"reword heading {intervention['code']}", at(["interventions", i, "name"], _reword)
        for j, _ in enumerate(intervention["areas_of_work"]):
            yield (
                f"reword area of work {intervention['code']} {j}",
                at(["interventions", i, "areas_of_work", j], _reword),
            )
    for i, indicator in enumerate(data["indicators"]):
        flip = {"higher": "lower", "lower": "higher", "none": "higher"}
        other_unit = {"count": "percentage", "percentage": "count", "other": "count"}
        yield (
            f"flip polarity {indicator['ref']}",
            at(["indicators", i, "polarity"], flip.__getitem__),
        )
        yield (
            f"change unit {indicator['ref']}",
            at(["indicators", i, "unit"], other_unit.__getitem__),
        )
        yield f"reword indicator {indicator['ref']}", at(["indicators", i, "title"], _reword)
    levels = {"adequate": "performing well", "performing well": "adequate", None: "adequate"}
    for i, group in enumerate(data["inspection"]["grades"]):
        for j, _ in enumerate(group["descriptors"]):
            yield (
                f"change Table 2 level {i}.{j}",
                at(["inspection", "grades", i, "descriptors", j, "level"], levels.__getitem__),
            )
            yield (
                f"reword Table 2 descriptor {i}.{j}",
                at(["inspection", "grades", i, "descriptors", j, "text"], _reword),
            )
    for i, category in enumerate(data["inspection"]["categories"]):
        for side in ("carers_outcomes", "area_outcomes"):
            for j, _ in enumerate(category[side]):
                yield (
                    f"reword Table 1 {category['code']} {side} {j}",
                    at(["inspection", "categories", i, side, j, "text"], _reword),
                )
    for j, _ in enumerate(data["inspection"]["unlinked"]):
        yield (
            f"change unlinked level {j}",
            at(["inspection", "unlinked", j, "level"], levels.__getitem__),
        )


MUTATIONS = dict(_mutations())
KINDS = {
    "drop Appendix A",
    "reword Appendix A",
    "reword outcome",
    "reword area of work",
    "reword indicator",
    "change Table 2 level",
    "flip polarity",
    "change unit",
    "reword Table",
}


def test_the_mutations_cover_the_nine_kinds_of_corruption() -> None:
    assert {kind for kind in KINDS if any(name.startswith(kind) for name in MUTATIONS)} == KINDS
    assert len(KINDS) == 9


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_the_check_catches_the_corruption(name: str) -> None:
    corrupted = _framework()
    MUTATIONS[name](corrupted)
    assert problems(corrupted), f"{name} went unnoticed"
