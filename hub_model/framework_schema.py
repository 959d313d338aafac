"""The shape of a framework: frozen dataclasses, one per kind of thing in the YAML.

Every collection is a tuple, so a framework hashes and compares by value. Fields
with a default are optional in the YAML (and left out when dumped at their
default); fields without one are required.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NoReturn, Protocol, TypeVar

from hub_model.framework_inspection import Inspection
from hub_model.scales import ChecklistStatus, Maturity, Polarity, Rag, Rag4, Unit


class YoungCarers(StrEnum):
    """How far an intervention is for young carers (§5.2)."""

    NO = "no"
    PARTLY = "partly"
    WHOLLY = "wholly"


class ChangeKind(StrEnum):
    """The kinds of local tailoring a framework snapshot records."""

    ADD_INTERVENTION = "add_intervention"
    REMOVE_INTERVENTION = "remove_intervention"
    RENAME_INTERVENTION = "rename_intervention"
    REDEFINE_INTERVENTION = "redefine_intervention"
    RELINK_INTERVENTION = "relink_intervention"
    ADD_CARER_GROUP = "add_carer_group"
    ADD_INDICATOR = "add_indicator"
    EDIT_PRINCIPLE = "edit_principle"


# The scales every framework must define, and the grades each must list.
REQUIRED_SCALES: dict[str, type[StrEnum]] = {
    "rag": Rag,
    "maturity": Maturity,
    "checklist_status": ChecklistStatus,
    "progress": Rag4,
}
NOT_RATED = "not_rated"

# The lists the audit forms draw on.
REQUIRED_LISTS: tuple[str, ...] = (
    "added_value_measures",
    "kinds_of_change",
    "commissioning_routes",
    "quality_marks",
    "support_pathway_elements",
    "funding_modes",
)


@dataclass(frozen=True)
class Outcome:
    """A National Carers' Strategy outcome, in the strategy's words (§7.1)."""

    code: str
    title: str
    short_title: str
    young_carers: bool


@dataclass(frozen=True)
class Principle:
    """A principle all interventions rest on; ``derived`` as the Hub diagram is lost."""

    code: str
    title: str
    description: str
    source: str
    derived: bool
    local: bool = False


@dataclass(frozen=True)
class OutcomeLink:
    """That an intervention serves an outcome, and why we think so."""

    outcome: str
    derived: bool
    reason: str


@dataclass(frozen=True)
class Intervention:
    """A heading of the Carers' Hub (§5.2) with its areas of work in our words."""

    code: str
    name: str
    source: str
    areas_of_work: tuple[str, ...]
    young_carers: YoungCarers
    outcomes: tuple[OutcomeLink, ...]
    local: bool = False

    @property
    def outcome_codes(self) -> tuple[str, ...]:
        """The codes of the outcomes this intervention serves, in link order."""
        return tuple(link.outcome for link in self.outcomes)


@dataclass(frozen=True)
class CrossReference:
    """A pointer from one Appendix A sub-outcome to another (e.g. "overlap with 1b")."""

    sub_outcome: str
    note: str


@dataclass(frozen=True)
class SubOutcome:
    """A row of the Appendix A outcome checklist."""

    code: str
    outcome: str
    indicator: str
    services: tuple[str, ...]
    statistical_returns: tuple[str, ...]
    cross_references: tuple[CrossReference, ...]
    note: str | None = None


@dataclass(frozen=True)
class GroupDimension:
    """A way of dividing carers into groups (§6.1): condition, age band, community."""

    code: str
    name: str
    source: str


@dataclass(frozen=True)
class CarerGroup:
    """A group of carers; ``parent`` names the group it is a sub-group of."""

    code: str
    name: str
    dimension: str
    parent: str | None = None
    young_carers: bool = False
    local: bool = False
    note: str | None = None


@dataclass(frozen=True)
class ListItem:
    """An entry of a list the forms offer (kinds of change, quality marks, ...)."""

    code: str
    label: str
    description: str | None = None


@dataclass(frozen=True)
class StakeholderType:
    """A kind of stakeholder (§6.1) with its subtypes."""

    code: str
    name: str
    source: str
    subtypes: tuple[ListItem, ...]


@dataclass(frozen=True)
class NamedList:
    """A named list of items with the section it comes from."""

    name: str
    source: str
    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class IndicatorDefinition:
    """A measure to collect: an Appendix A statistical return, NI 135, or a local one."""

    ref: str
    title: str
    unit: Unit
    polarity: Polarity
    outcomes: tuple[str, ...]
    sub_outcomes: tuple[str, ...]
    source: str
    statistical_return: str | None = None
    description: str | None = None
    local: bool = False


@dataclass(frozen=True)
class ScaleLevel:
    """A grade of a rating scale and what it means."""

    code: str
    label: str
    meaning: str


@dataclass(frozen=True)
class Scale:
    """A rating scale; it always has a ``not_rated`` level."""

    code: str
    title: str
    source: str
    levels: tuple[ScaleLevel, ...]

    def level(self, code: str) -> ScaleLevel:
        """The level ``code``; KeyError if the scale has none."""
        return _find(self.levels, code, f"level of scale {self.code!r}")


@dataclass(frozen=True)
class ChangeRecord:
    """One local change to a framework, in plain words."""

    kind: ChangeKind
    target: str
    detail: str


@dataclass(frozen=True)
class Framework:
    """A versioned framework: outcomes, interventions, checklist, groups, lists, scales."""

    id: str
    version: str
    title: str
    source: str
    outcomes: tuple[Outcome, ...]
    principles: tuple[Principle, ...]
    interventions: tuple[Intervention, ...]
    checklist: tuple[SubOutcome, ...]
    inspection: Inspection
    dimensions: tuple[GroupDimension, ...]
    carer_groups: tuple[CarerGroup, ...]
    stakeholder_types: tuple[StakeholderType, ...]
    lists: tuple[NamedList, ...]
    indicators: tuple[IndicatorDefinition, ...]
    scales: tuple[Scale, ...]
    notes: tuple[str, ...] = ()
    base_version: str | None = None
    changes: tuple[ChangeRecord, ...] = ()

    @property
    def id_version(self) -> str:
        """``id@version``, the name a snapshot's ``base_version`` records."""
        return f"{self.id}@{self.version}"

    def outcome(self, code: str) -> Outcome:
        """The outcome ``code``; KeyError if there is none."""
        return _find(self.outcomes, code, "outcome")

    def adult_outcomes(self) -> tuple[Outcome, ...]:
        """The outcomes an adult audit covers (all but the young carers' one)."""
        return tuple(o for o in self.outcomes if not o.young_carers)

    def principle(self, code: str) -> Principle:
        """The principle ``code``; KeyError if there is none."""
        return _find(self.principles, code, "principle")

    def intervention(self, code: str) -> Intervention:
        """The intervention ``code``; KeyError if there is none."""
        return _find(self.interventions, code, "intervention")

    def interventions_for(self, outcome_code: str) -> tuple[Intervention, ...]:
        """The interventions linked to ``outcome_code``, in framework order."""
        return tuple(i for i in self.interventions if outcome_code in i.outcome_codes)

    def sub_outcome(self, code: str) -> SubOutcome:
        """The Appendix A sub-outcome ``code``; KeyError if there is none."""
        return _find(self.checklist, code, "sub-outcome")

    def sub_outcomes_for(self, outcome_code: str) -> tuple[SubOutcome, ...]:
        """The checklist rows under ``outcome_code`` (empty for outcome 5)."""
        return tuple(s for s in self.checklist if s.outcome == outcome_code)

    def group(self, code: str) -> CarerGroup:
        """The carer group ``code``; KeyError if there is none."""
        return _find(self.carer_groups, code, "carer group")

    def children_of(self, code: str | None) -> tuple[CarerGroup, ...]:
        """The direct sub-groups of ``code``, or the top-level groups for None."""
        return tuple(g for g in self.carer_groups if g.parent == code)

    def groups_flat(self) -> tuple[tuple[CarerGroup, int], ...]:
        """Every group with its depth (0 = top level), depth-first, by dimension order."""
        order = {d.code: i for i, d in enumerate(self.dimensions)}
        roots = sorted(self.children_of(None), key=lambda g: order.get(g.dimension, len(order)))
        out: list[tuple[CarerGroup, int]] = []
        for root in roots:
            out.append((root, 0))
            out.extend(self._descend(root.code, 1))
        return tuple(out)

    def group_descendants(self, code: str) -> tuple[CarerGroup, ...]:
        """All sub-groups of ``code`` at any depth, depth-first; KeyError if unknown."""
        self.group(code)
        return tuple(g for g, _ in self._descend(code, 1))

    def _descend(self, code: str, depth: int) -> list[tuple[CarerGroup, int]]:
        out: list[tuple[CarerGroup, int]] = []
        for child in self.children_of(code):
            out.append((child, depth))
            out.extend(self._descend(child.code, depth + 1))
        return out

    def stakeholder_type(self, code: str) -> StakeholderType:
        """The stakeholder type ``code``; KeyError if there is none."""
        return _find(self.stakeholder_types, code, "stakeholder type")

    def list_items(self, name: str) -> tuple[ListItem, ...]:
        """The items of list ``name`` (e.g. "kinds_of_change"); KeyError if none."""
        for named in self.lists:
            if named.name == name:
                return named.items
        raise KeyError(f"no list {name!r} in framework {self.id!r}")

    def indicator(self, ref: str) -> IndicatorDefinition:
        """The indicator definition ``ref``; KeyError if there is none."""
        for definition in self.indicators:
            if definition.ref == ref:
                return definition
        return _missing("indicator", ref)

    def scale(self, code: str) -> Scale:
        """The scale ``code`` ("rag", "maturity", ...); KeyError if there is none."""
        return _find(self.scales, code, "scale")


class _Coded(Protocol):
    @property
    def code(self) -> str: ...


_T = TypeVar("_T", bound=_Coded)


def _find(items: tuple[_T, ...], code: str, what: str) -> _T:
    for item in items:
        if item.code == code:
            return item
    return _missing(what, code)


def _missing(what: str, code: str) -> NoReturn:
    raise KeyError(f"no {what} {code!r}")
