"""Turning a parsed YAML document into a :class:`Framework`, checking its shape.

This module checks that every key is present, known and of the right type;
:mod:`hub_model.framework_check` then checks codes and the links between them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hub_model.framework_inspection import (
    Descriptor,
    GradeDescriptor,
    Inspection,
    InspectionReference,
    OutcomeGrades,
    ReferenceKind,
    ServiceCategory,
)
from hub_model.framework_reader import Node
from hub_model.framework_schema import (
    CarerGroup,
    ChangeKind,
    ChangeRecord,
    CrossReference,
    Framework,
    GroupDimension,
    IndicatorDefinition,
    Intervention,
    ListItem,
    NamedList,
    Outcome,
    OutcomeLink,
    Principle,
    Scale,
    ScaleLevel,
    StakeholderType,
    SubOutcome,
    YoungCarers,
)
from hub_model.scales import Polarity, Unit

T = TypeVar("T")

TOP_REQUIRED = (
    "id",
    "version",
    "title",
    "source",
    "outcomes",
    "principles",
    "interventions",
    "checklist",
    "inspection",
    "carer_groups",
    "stakeholder_types",
    "lists",
    "indicators",
    "scales",
)
TOP_OPTIONAL = ("notes", "base_version", "changes")


def read_framework(root: Node) -> Framework:
    """The framework the document at ``root`` describes, if its shape is right.

    Raises FrameworkError at the first key that is missing, unknown or of the
    wrong type. Does not check that codes are unique or links resolve.
    """
    f = root.fields(TOP_REQUIRED, TOP_OPTIONAL)
    groups = f["carer_groups"].fields(("dimensions", "groups"))
    return Framework(
        id=f.text("id"),
        version=f.text("version"),
        title=f.text("title"),
        source=f.text("source"),
        outcomes=_each(f["outcomes"], _outcome),
        principles=_each(f["principles"], _principle),
        interventions=_each(f["interventions"], _intervention),
        checklist=_each(f["checklist"], _sub_outcome),
        inspection=_inspection(f["inspection"]),
        dimensions=_each(groups["dimensions"], _dimension),
        carer_groups=_each(groups["groups"], _carer_group),
        stakeholder_types=_each(f["stakeholder_types"], _stakeholder_type),
        lists=tuple(_named_list(name, node) for name, node in f["lists"].entries()),
        indicators=_each(f["indicators"], _indicator),
        scales=tuple(_scale(code, node) for code, node in f["scales"].entries()),
        notes=f.texts("notes") if f.has("notes") else (),
        base_version=f.optional_text("base_version"),
        changes=_each(f["changes"], _change) if f.has("changes") else (),
    )


def _each(node: Node, read: Callable[[Node], T]) -> tuple[T, ...]:
    return tuple(read(item) for item in node.items())


def _outcome(node: Node) -> Outcome:
    f = node.fields(("code", "title", "short_title", "young_carers"))
    return Outcome(f.text("code"), f.text("title"), f.text("short_title"), f.flag("young_carers"))


def _principle(node: Node) -> Principle:
    f = node.fields(("code", "title", "description", "source", "derived"), ("local",))
    return Principle(
        code=f.text("code"),
        title=f.text("title"),
        description=f.text("description"),
        source=f.text("source"),
        derived=f.flag("derived"),
        local=f.flag("local", False),
    )


def _intervention(node: Node) -> Intervention:
    required = ("code", "name", "source", "areas_of_work", "young_carers", "outcomes")
    f = node.fields(required, ("local",))
    return Intervention(
        code=f.text("code"),
        name=f.text("name"),
        source=f.text("source"),
        areas_of_work=f.texts("areas_of_work"),
        young_carers=f.choice("young_carers", YoungCarers),
        outcomes=_each(f["outcomes"], _link),
        local=f.flag("local", False),
    )


def _link(node: Node) -> OutcomeLink:
    f = node.fields(("outcome", "derived", "reason"))
    return OutcomeLink(f.text("outcome"), f.flag("derived"), f.text("reason"))


def _sub_outcome(node: Node) -> SubOutcome:
    required = (
        "code",
        "outcome",
        "indicator",
        "services",
        "statistical_returns",
        "cross_references",
    )
    f = node.fields(required, ("note",))
    return SubOutcome(
        code=f.text("code"),
        outcome=f.text("outcome"),
        indicator=f.text("indicator"),
        services=f.texts("services"),
        statistical_returns=f.texts("statistical_returns"),
        cross_references=_each(f["cross_references"], _cross_reference),
        note=f.optional_text("note"),
    )


def _cross_reference(node: Node) -> CrossReference:
    f = node.fields(("sub_outcome", "note"))
    return CrossReference(f.text("sub_outcome"), f.text("note"))


def _inspection(node: Node) -> Inspection:
    keys = ("source", "references", "grade_levels", "categories", "grades", "unlinked")
    f = node.fields(keys)
    return Inspection(
        source=f.text("source"),
        references=_each(f["references"], _reference),
        grade_levels=f.texts("grade_levels"),
        categories=_each(f["categories"], _category),
        grades=_each(f["grades"], _outcome_grades),
        unlinked=_each(f["unlinked"], _grade_descriptor),
    )


def _reference(node: Node) -> InspectionReference:
    f = node.fields(("code", "kind"), ("note",))
    return InspectionReference(
        f.text("code"), f.choice("kind", ReferenceKind), f.optional_text("note")
    )


def _category(node: Node) -> ServiceCategory:
    f = node.fields(("code", "name", "carers_outcomes", "area_outcomes"))
    return ServiceCategory(
        code=f.text("code"),
        name=f.text("name"),
        carers_outcomes=_each(f["carers_outcomes"], _descriptor),
        area_outcomes=_each(f["area_outcomes"], _descriptor),
    )


def _descriptor(node: Node) -> Descriptor:
    f = node.fields(("code", "text"))
    return Descriptor(f.optional_text("code"), f.text("text"))


def _outcome_grades(node: Node) -> OutcomeGrades:
    f = node.fields(("outcome", "heading", "descriptors"), ("note",))
    return OutcomeGrades(
        outcome=f.text("outcome"),
        heading=f.text("heading"),
        descriptors=_each(f["descriptors"], _grade_descriptor),
        note=f.optional_text("note"),
    )


def _grade_descriptor(node: Node) -> GradeDescriptor:
    f = node.fields(("code", "level", "text"))
    return GradeDescriptor(f.optional_text("code"), f.optional_text("level"), f.text("text"))


def _dimension(node: Node) -> GroupDimension:
    f = node.fields(("code", "name", "source"))
    return GroupDimension(f.text("code"), f.text("name"), f.text("source"))


def _carer_group(node: Node) -> CarerGroup:
    f = node.fields(("code", "name", "dimension"), ("parent", "young_carers", "local", "note"))
    return CarerGroup(
        code=f.text("code"),
        name=f.text("name"),
        dimension=f.text("dimension"),
        parent=f.optional_text("parent"),
        young_carers=f.flag("young_carers", False),
        local=f.flag("local", False),
        note=f.optional_text("note"),
    )


def _stakeholder_type(node: Node) -> StakeholderType:
    f = node.fields(("code", "name", "source", "subtypes"))
    return StakeholderType(
        code=f.text("code"),
        name=f.text("name"),
        source=f.text("source"),
        subtypes=_each(f["subtypes"], _list_item),
    )


def _named_list(name: str, node: Node) -> NamedList:
    f = node.fields(("source", "items"))
    return NamedList(name, f.text("source"), _each(f["items"], _list_item))


def _list_item(node: Node) -> ListItem:
    f = node.fields(("code", "label"), ("description",))
    return ListItem(f.text("code"), f.text("label"), f.optional_text("description"))


def _indicator(node: Node) -> IndicatorDefinition:
    required = ("ref", "title", "unit", "polarity", "outcomes", "sub_outcomes", "source")
    f = node.fields(required, ("statistical_return", "description", "local"))
    return IndicatorDefinition(
        ref=f.text("ref"),
        title=f.text("title"),
        unit=f.choice("unit", Unit),
        polarity=f.choice("polarity", Polarity),
        outcomes=f.texts("outcomes"),
        sub_outcomes=f.texts("sub_outcomes"),
        source=f.text("source"),
        statistical_return=f.optional_text("statistical_return"),
        description=f.optional_text("description"),
        local=f.flag("local", False),
    )


def _scale(code: str, node: Node) -> Scale:
    f = node.fields(("title", "source", "levels"))
    return Scale(code, f.text("title"), f.text("source"), _each(f["levels"], _scale_level))


def _scale_level(node: Node) -> ScaleLevel:
    f = node.fields(("code", "label", "meaning"))
    return ScaleLevel(f.text("code"), f.text("label"), f.text("meaning"))


def _change(node: Node) -> ChangeRecord:
    f = node.fields(("kind", "target", "detail"))
    return ChangeRecord(f.choice("kind", ChangeKind), f.text("target"), f.text("detail"))
