"""Who is reached: carer groups served at amber or better (seed 003 §8.3, §8.7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hub_model.scales import Rag

RULE = (
    "A carer group is reached if at least one intervention serves it at amber or green. "
    'Groups that no intervention serves at amber or better are "not reached"; '
    "red and not rated cells never count as reaching a group."
)

REACHING = frozenset({Rag.AMBER, Rag.GREEN})


@dataclass(frozen=True)
class Reach:
    """For each carer group, the interventions reaching it; and the groups nothing reaches."""

    reached_by: Mapping[str, tuple[str, ...]]
    not_reached: tuple[str, ...]

    @property
    def reached(self) -> tuple[str, ...]:
        """Groups at least one intervention reaches, in the given order."""
        return tuple(group for group, by in self.reached_by.items() if by)


def reach(
    grid: Mapping[tuple[str, str], Rag],
    groups: Sequence[str],
    interventions: Sequence[str] | None = None,
) -> Reach:
    """Who each group is reached by, and who is not reached, by :data:`RULE`.

    ``grid`` is keyed by (intervention, group). With ``interventions`` only
    those count (e.g. the interventions linked to one outcome); without, every
    intervention in the grid counts. Groups are reported in the given order,
    interventions in grid order.
    """
    counted = None if interventions is None else set(interventions)
    reached_by: dict[str, list[str]] = {group: [] for group in groups}
    for (intervention, group), grade in grid.items():
        if counted is not None and intervention not in counted:
            continue
        if group in reached_by and grade in REACHING:
            reached_by[group].append(intervention)
    return Reach(
        reached_by={group: tuple(by) for group, by in reached_by.items()},
        not_reached=tuple(group for group, by in reached_by.items() if not by),
    )


def unreached_groups(
    grid: Mapping[tuple[str, str], Rag],
    groups: Sequence[str],
    interventions: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """The carer groups no intervention serves at amber or better."""
    return reach(grid, groups, interventions).not_reached
