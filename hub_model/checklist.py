"""The Appendix A checklist and the outcome view of the gap map (seed 003, Appendix A).

A checklist cell is one sub-outcome (1a...4b) for one carer group. It holds two
judgements: whether the services/processes to look for are in place
(:class:`~hub_model.scales.ChecklistStatus`) and the outcome indicator's RAG.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hub_model.ratings import Summary, summarise, tally
from hub_model.scales import ChecklistStatus, Rag

CHECKLIST_RULE = (
    "A checklist summary is its weakest judged cell: not in place, then partly in place, "
    'then in place. "Not known" is counted but is neither worst nor best; cells not '
    "assessed are counted separately. If no cell is judged in place, partly or not in "
    'place, the summary is "not known" when any cell says so, otherwise not assessed.'
)
OUTCOME_RULE = (
    "An outcome shows both its own checklist judgement (across its sub-outcomes and "
    "carer groups) and the spread of its linked interventions' summaries; the red and "
    "unrated interventions are named."
)

Cell = tuple[str, str]
"""A checklist cell's key: (sub-outcome code, carer group code)."""


@dataclass(frozen=True)
class ChecklistCell:
    """One sub-outcome for one carer group: services in place, and the indicator RAG."""

    status: ChecklistStatus = ChecklistStatus.NOT_RATED
    indicator: Rag = Rag.NOT_RATED


EMPTY = ChecklistCell()


@dataclass(frozen=True)
class ChecklistSummary:
    """Summaries of both judgements over a set of checklist cells."""

    status: Summary[ChecklistStatus]
    indicator: Summary[Rag]


@dataclass(frozen=True)
class OutcomeChecklist:
    """An outcome's checklist judgement.

    ``overall`` covers every (sub-outcome, group) cell, each named
    "<sub-outcome>: <group>" (see :func:`cell_name`); ``by_sub_outcome`` has
    one summary per sub-outcome across groups, each naming groups.
    """

    outcome: str
    overall: ChecklistSummary
    by_sub_outcome: Mapping[str, ChecklistSummary]


@dataclass(frozen=True)
class OutcomeView:
    """The gap map's view of one outcome: its checklist and its linked interventions.

    ``interventions`` summarises the linked interventions' summary grades
    (names are intervention codes); ``red`` and ``not_rated`` name them.
    """

    outcome: str
    checklist: OutcomeChecklist
    interventions: Summary[Rag]

    @property
    def red(self) -> tuple[str, ...]:
        """Linked interventions whose summary is red."""
        return self.interventions.groups_by_grade[Rag.RED]

    @property
    def not_rated(self) -> tuple[str, ...]:
        """Linked interventions with no rated group."""
        return self.interventions.groups_by_grade[Rag.NOT_RATED]


def cell_name(sub_outcome: str, group: str) -> str:
    """How a checklist cell is named in an outcome's overall summary."""
    return f"{sub_outcome}: {group}"


def summarise_cells(named: Sequence[tuple[str, ChecklistCell]]) -> ChecklistSummary:
    """Summaries of status and indicator over named cells, by :data:`CHECKLIST_RULE`."""
    return ChecklistSummary(
        status=tally(((name, cell.status) for name, cell in named), ChecklistStatus),
        indicator=tally(((name, cell.indicator) for name, cell in named), Rag),
    )


def summarise_outcome(
    outcome: str,
    checklist: Mapping[Cell, ChecklistCell],
    sub_outcomes: Mapping[str, Sequence[str]],
    groups: Sequence[str],
) -> OutcomeChecklist:
    """One outcome's checklist judgement across its sub-outcomes and carer groups.

    ``sub_outcomes`` maps outcome code to its sub-outcome codes; a cell missing
    from ``checklist`` is not assessed.
    """
    scoped = list(dict.fromkeys(groups))
    by_sub: dict[str, ChecklistSummary] = {}
    everything: list[tuple[str, ChecklistCell]] = []
    for sub in sub_outcomes.get(outcome, ()):
        named = [(group, checklist.get((sub, group), EMPTY)) for group in scoped]
        by_sub[sub] = summarise_cells(named)
        everything.extend((cell_name(sub, group), cell) for group, cell in named)
    return OutcomeChecklist(outcome, summarise_cells(everything), by_sub)


def summarise_outcomes(
    checklist: Mapping[Cell, ChecklistCell],
    sub_outcomes: Mapping[str, Sequence[str]],
    groups: Sequence[str],
) -> dict[str, OutcomeChecklist]:
    """:func:`summarise_outcome` for every outcome in ``sub_outcomes``."""
    return {
        outcome: summarise_outcome(outcome, checklist, sub_outcomes, groups)
        for outcome in sub_outcomes
    }


def summarise_group(
    group: str, checklist: Mapping[Cell, ChecklistCell], sub_outcomes: Sequence[str]
) -> ChecklistSummary:
    """One carer group's checklist judgement across sub-outcomes (named by code)."""
    return summarise_cells(
        [(sub, checklist.get((sub, group), EMPTY)) for sub in dict.fromkeys(sub_outcomes)]
    )


def summarise_groups(
    checklist: Mapping[Cell, ChecklistCell],
    sub_outcomes: Sequence[str],
    groups: Sequence[str],
) -> dict[str, ChecklistSummary]:
    """:func:`summarise_group` for every carer group."""
    return {group: summarise_group(group, checklist, sub_outcomes) for group in groups}


def all_sub_outcomes(sub_outcomes: Mapping[str, Sequence[str]]) -> list[str]:
    """Every sub-outcome code of an outcome → sub-outcomes mapping, in order."""
    return list(dict.fromkeys(sub for subs in sub_outcomes.values() for sub in subs))


def outcome_view(
    outcome: str,
    checklist: Mapping[Cell, ChecklistCell],
    sub_outcomes: Mapping[str, Sequence[str]],
    groups: Sequence[str],
    links: Mapping[str, Sequence[str]],
    interventions: Mapping[str, Rag | Summary[Rag]],
) -> OutcomeView:
    """An outcome's checklist judgement beside its linked interventions' spread.

    ``links`` maps outcome code to linked intervention codes; ``interventions``
    maps intervention code to its summary (or summary grade). A linked
    intervention without one is not rated. See :data:`OUTCOME_RULE`.
    """
    grades = {code: _grade(found) for code, found in interventions.items()}
    linked = list(links.get(outcome, ()))
    return OutcomeView(
        outcome=outcome,
        checklist=summarise_outcome(outcome, checklist, sub_outcomes, groups),
        interventions=summarise(grades, linked, Rag),
    )


def outcome_views(
    checklist: Mapping[Cell, ChecklistCell],
    sub_outcomes: Mapping[str, Sequence[str]],
    groups: Sequence[str],
    links: Mapping[str, Sequence[str]],
    interventions: Mapping[str, Rag | Summary[Rag]],
) -> dict[str, OutcomeView]:
    """:func:`outcome_view` for every outcome in ``sub_outcomes``."""
    return {
        outcome: outcome_view(outcome, checklist, sub_outcomes, groups, links, interventions)
        for outcome in sub_outcomes
    }


def _grade(found: Rag | Summary[Rag]) -> Rag:
    return found.grade if isinstance(found, Summary) else found
