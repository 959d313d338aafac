"""The gap map against the national outcomes (seed 003 §8.7, Appendix A, Appendix B).

Per adult outcome: its Appendix A checklist results per sub-outcome and carer
group beside its linked interventions' RAG and maturity summaries; the red and
not-rated cells named, each with the evidence behind it and the actions in the
plan that address it; the Appendix B grade descriptors the gaps touch; and the
carer groups nothing reaches at amber or better. Built only on the existing
rules (:mod:`hub_model.ratings`, :mod:`hub_model.checklist`,
:mod:`hub_model.reach`); "not rated" is never counted or shown as red.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from hub_model.checklist import (
    CHECKLIST_RULE,
    EMPTY,
    OUTCOME_RULE,
    ChecklistCell,
    OutcomeView,
    outcome_view,
)
from hub_model.framework_inspection import GradeDescriptor
from hub_model.ratings import RULE as SUMMARY_RULE
from hub_model.ratings import SPREAD_RULE, Summary, summarise_grid
from hub_model.reach import RULE as REACH_RULE
from hub_model.reach import reach
from hub_model.scales import ChecklistStatus, Maturity, Rag

GAP_RULE = (
    "A gap is an intervention rated red for a carer group, or a checklist cell whose "
    "services are not in place or whose outcome indicator is red. Cells nobody has "
    "judged are listed apart as not rated: they are unknowns, never counted as red."
)
ACTION_RULE = (
    "An action addresses a cell when it names the cell's intervention (or sub-outcome) "
    "and either names the cell's carer group or names no group at all (it is for every group)."
)
DESCRIPTOR_RULE = (
    "An outcome with any gap or unrated cell touches the Appendix B Table 2 grade "
    "descriptors printed for that strategy outcome."
)
COUNT_RULE = (
    "Headline gap counts count cells, each once: an intervention for a carer group, or a "
    "checklist sub-outcome for a carer group. An intervention linked to several outcomes "
    "is listed under each of them, but counted once."
)
RULES = (
    SUMMARY_RULE,
    SPREAD_RULE,
    CHECKLIST_RULE,
    OUTCOME_RULE,
    GAP_RULE,
    ACTION_RULE,
    COUNT_RULE,
    REACH_RULE,
    DESCRIPTOR_RULE,
)


class CellKind(StrEnum):
    """Which grid a gap is in: the intervention ratings or the Appendix A checklist."""

    INTERVENTION = "intervention"
    CHECKLIST = "checklist"


class GapState(StrEnum):
    """A gap is red (judged and failing) or not rated (unknown); never both."""

    RED = "red"
    NOT_RATED = "not_rated"


@dataclass(frozen=True)
class PlanAction:
    """An action of the plan, with what it links to (the plan's action model)."""

    id: str
    interventions: tuple[str, ...] = ()
    sub_outcomes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def addresses(self, kind: CellKind, row: str, group: str) -> bool:
        """True if this action addresses the cell, by :data:`ACTION_RULE`."""
        rows = self.interventions if kind is CellKind.INTERVENTION else self.sub_outcomes
        return row in rows and (not self.groups or group in self.groups)


@dataclass(frozen=True)
class Gap:
    """One red or not-rated cell, its evidence ids and the actions addressing it.

    ``why`` says in words what makes it a gap ("Red", "Not in place; indicator red");
    ``rationale`` is the judgement's own reason as its author wrote it ("" if none).
    """

    kind: CellKind
    row: str
    group: str
    state: GapState
    why: str
    evidence: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    rationale: str = ""

    @property
    def cell(self) -> tuple[CellKind, str, str]:
        """The cell this gap is in: the same under every outcome it is linked to."""
        return (self.kind, self.row, self.group)

    @property
    def explained(self) -> str:
        """Why, with the judgement's rationale after it when there is one."""
        return f"{self.why}: {self.rationale}" if self.rationale else self.why


@dataclass(frozen=True)
class GapCounts:
    """Distinct red cells, those of them no action addresses, and cells not rated."""

    red: int
    unaddressed: int
    not_rated: int


@dataclass(frozen=True)
class GapMapInput:
    """An audit's judgements as plain data.

    ``sub_outcomes`` maps each adult outcome (in display order) to its
    sub-outcome codes; ``links`` maps outcome to linked intervention codes.
    Grids are keyed (intervention, group) and (sub-outcome, group); a missing
    cell is not rated. Evidence maps a cell key to its evidence ids; rationales
    map a cell key to the judgement's written reason.
    """

    sub_outcomes: Mapping[str, Sequence[str]]
    links: Mapping[str, Sequence[str]]
    interventions: Sequence[str]
    groups: Sequence[str]
    rag: Mapping[tuple[str, str], Rag]
    maturity: Mapping[tuple[str, str], Maturity]
    checklist: Mapping[tuple[str, str], ChecklistCell]
    rating_evidence: Mapping[tuple[str, str], Sequence[str]] = field(default_factory=dict)
    checklist_evidence: Mapping[tuple[str, str], Sequence[str]] = field(default_factory=dict)
    actions: Sequence[PlanAction] = ()
    descriptors: Mapping[str, Sequence[GradeDescriptor]] = field(default_factory=dict)
    rating_rationale: Mapping[tuple[str, str], str] = field(default_factory=dict)
    checklist_rationale: Mapping[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class OutcomeGaps:
    """One outcome of the gap map: checklist and intervention views side by side."""

    outcome: str
    view: OutcomeView
    rag: Mapping[str, Summary[Rag]]
    maturity: Mapping[str, Summary[Maturity]]
    gaps: tuple[Gap, ...]
    unreached: tuple[str, ...]
    descriptors: tuple[GradeDescriptor, ...]

    @property
    def red(self) -> tuple[Gap, ...]:
        """Gaps judged red (or not in place)."""
        return tuple(gap for gap in self.gaps if gap.state is GapState.RED)

    @property
    def not_rated(self) -> tuple[Gap, ...]:
        """Cells nobody has judged."""
        return tuple(gap for gap in self.gaps if gap.state is GapState.NOT_RATED)

    @property
    def unaddressed(self) -> tuple[Gap, ...]:
        """Red gaps no action in the plan addresses."""
        return tuple(gap for gap in self.red if not gap.actions)


@dataclass(frozen=True)
class GapMap:
    """The gap map of one audit, with every rule it applies in words."""

    outcomes: tuple[OutcomeGaps, ...]
    reached_by: Mapping[str, tuple[str, ...]]
    unreached: tuple[str, ...]
    rules: tuple[str, ...] = RULES

    def distinct(self) -> tuple[Gap, ...]:
        """Every gap once, by its cell, in the order first met (:data:`COUNT_RULE`)."""
        seen: dict[tuple[CellKind, str, str], Gap] = {}
        for found in self.outcomes:
            for gap in found.gaps:
                seen.setdefault(gap.cell, gap)
        return tuple(seen.values())

    def counts(self) -> GapCounts:
        """The headline counts, each cell counted once (:data:`COUNT_RULE`)."""
        gaps = self.distinct()
        red = [gap for gap in gaps if gap.state is GapState.RED]
        return GapCounts(
            red=len(red),
            unaddressed=sum(1 for gap in red if not gap.actions),
            not_rated=sum(1 for gap in gaps if gap.state is GapState.NOT_RATED),
        )

    def outcome(self, code: str) -> OutcomeGaps:
        """The outcome ``code``; KeyError if the map has none."""
        for found in self.outcomes:
            if found.outcome == code:
                return found
        raise KeyError(code)


def intervention_gap(grade: Rag) -> GapState | None:
    """Red is a gap; not rated is an unknown; amber and green are not gaps."""
    if grade is Rag.RED:
        return GapState.RED
    if grade is Rag.NOT_RATED:
        return GapState.NOT_RATED
    return None


def checklist_gap(cell: ChecklistCell) -> tuple[GapState, str] | None:
    """The gap state of a checklist cell and why, by :data:`GAP_RULE`; None if no gap.

    Red when services are not in place or the indicator is red; not rated when
    neither judgement has been made; otherwise (including "not known" with no
    indicator) not a gap.
    """
    reasons = []
    if cell.status is ChecklistStatus.NOT_IN_PLACE:
        reasons.append("services not in place")
    if cell.indicator is Rag.RED:
        reasons.append("outcome indicator red")
    if reasons:
        return GapState.RED, "; ".join(reasons).capitalize()
    if cell.status is ChecklistStatus.NOT_RATED and cell.indicator is Rag.NOT_RATED:
        return GapState.NOT_RATED, "Not assessed"
    return None


def _addressing(
    actions: Sequence[PlanAction], kind: CellKind, row: str, group: str
) -> tuple[str, ...]:
    return tuple(action.id for action in actions if action.addresses(kind, row, group))


def _outcome_gaps(data: GapMapInput, outcome: str, linked: Sequence[str]) -> tuple[Gap, ...]:
    gaps: list[Gap] = []
    for sub in data.sub_outcomes.get(outcome, ()):
        for group in data.groups:
            found = checklist_gap(data.checklist.get((sub, group), EMPTY))
            if found is not None:
                gaps.append(
                    Gap(
                        CellKind.CHECKLIST,
                        sub,
                        group,
                        found[0],
                        found[1],
                        tuple(data.checklist_evidence.get((sub, group), ())),
                        _addressing(data.actions, CellKind.CHECKLIST, sub, group),
                        data.checklist_rationale.get((sub, group), ""),
                    )
                )
    for intervention in linked:
        for group in data.groups:
            state = intervention_gap(data.rag.get((intervention, group), Rag.NOT_RATED))
            if state is not None:
                gaps.append(
                    Gap(
                        CellKind.INTERVENTION,
                        intervention,
                        group,
                        state,
                        "Red" if state is GapState.RED else "Not rated",
                        tuple(data.rating_evidence.get((intervention, group), ())),
                        _addressing(data.actions, CellKind.INTERVENTION, intervention, group),
                        data.rating_rationale.get((intervention, group), ""),
                    )
                )
    return tuple(gaps)


def gap_map(data: GapMapInput) -> GapMap:
    """The gap map of an audit, by :data:`RULES`.

    Outcomes come in the order of ``data.sub_outcomes``; linked interventions
    not among ``data.interventions`` are ignored.
    """
    known = dict.fromkeys(data.interventions)
    groups = list(dict.fromkeys(data.groups))
    rag = summarise_grid(data.rag, list(known), groups, Rag)
    maturity = summarise_grid(data.maturity, list(known), groups, Maturity)
    everyone = reach(data.rag, groups, list(known))
    outcomes = []
    for outcome in data.sub_outcomes:
        linked = [code for code in data.links.get(outcome, ()) if code in known]
        view = outcome_view(
            outcome, data.checklist, data.sub_outcomes, groups, {outcome: linked}, rag
        )
        gaps = _outcome_gaps(data, outcome, linked)
        outcomes.append(
            OutcomeGaps(
                outcome=outcome,
                view=view,
                rag={code: rag[code] for code in linked},
                maturity={code: maturity[code] for code in linked},
                gaps=gaps,
                unreached=reach(data.rag, groups, linked).not_reached,
                descriptors=tuple(data.descriptors.get(outcome, ())) if gaps else (),
            )
        )
    return GapMap(tuple(outcomes), everyone.reached_by, everyone.not_reached)
