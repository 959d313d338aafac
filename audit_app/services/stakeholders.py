"""Step 1 of an audit (§6): the stakeholder register, carer population figures, linked sources.

Every lookup is scoped by the audit, so an id from another audit is a 404, never
a record. Every write goes through `changes.save` or `changes.remove`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from flask import abort
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, LinkedSource, PopulationStatistic, Stakeholder, User
from audit_app.models.stakeholders import ENGAGEMENT_STATUSES
from audit_app.services import changes
from hub_model.framework_schema import Framework

R = TypeVar("R", Stakeholder, PopulationStatistic, LinkedSource)

UNITS = {
    "people": "Number of people",
    "percentage": "Percentage (%)",
    "rate_per_1000": "Rate per 1,000 people",
    "other": "Other",
}
GEOGRAPHY_LEVELS = {
    "area": "The whole area",
    "locality": "A locality",
    "ward": "A ward",
}
GEOGRAPHY_HEADINGS = {"area": "Whole area", "locality": "Localities", "ward": "Wards"}
SOURCE_KINDS = {
    "jsna": "Joint Strategic Needs Assessment (JSNA)",
    "regional_profile": "Regional carers' profile",
    "other": "Other",
}


@dataclass(frozen=True)
class Entity:
    """How a kind of record is named in the audit trail and which fields it keeps."""

    model: type[Any]
    name: str
    fields: tuple[str, ...]


STAKEHOLDER = Entity(
    Stakeholder,
    "stakeholder",
    ("name", "organisation", "type_code", "subtype_code", "groups", "engagement", "notes"),
)
STATISTIC = Entity(
    PopulationStatistic,
    "population statistic",
    (
        "measure",
        "value",
        "unit",
        "geography_level",
        "geography_name",
        "group_code",
        "community",
        "source",
        "year",
        "notes",
    ),
)
SOURCE = Entity(LinkedSource, "linked source", ("kind", "title", "url", "year", "notes"))


def label_of(entity: Entity, values: Mapping[str, Any]) -> str:
    """How the audit trail and confirmation pages name a record, from its values."""
    if entity is STATISTIC:
        place = values.get("geography_name") or "whole area"
        label = f"{values.get('measure')} ({place}, {values.get('year')})"
    else:
        label = str(values.get("name") or values.get("title") or "")
    return label[:300]


def label_of_record(entity: Entity, record: Any) -> str:
    return label_of(entity, {name: getattr(record, name) for name in entity.fields})


# Lists and lookups, always within one audit.


def stakeholders(audit: Audit, engagement: str | None = None) -> list[Stakeholder]:
    query = select(Stakeholder).where(Stakeholder.audit_id == audit.id)
    if engagement:
        query = query.where(Stakeholder.engagement == engagement)
    return list(db.session.scalars(query.order_by(Stakeholder.name, Stakeholder.id)))


def statistics(audit: Audit) -> list[PopulationStatistic]:
    query = select(PopulationStatistic).where(PopulationStatistic.audit_id == audit.id)
    order = (
        PopulationStatistic.geography_name,
        PopulationStatistic.measure,
        PopulationStatistic.year.desc(),
        PopulationStatistic.id,
    )
    return list(db.session.scalars(query.order_by(*order)))


def sources(audit: Audit) -> list[LinkedSource]:
    query = select(LinkedSource).where(LinkedSource.audit_id == audit.id)
    return list(db.session.scalars(query.order_by(LinkedSource.kind, LinkedSource.title)))


def record_or_404(entity: Entity, audit: Audit, record_id: int) -> Any:
    """The record of this audit with this id; 404 if it is missing or another audit's."""
    record = db.session.get(entity.model, record_id)
    if record is None or record.audit_id != audit.id:
        abort(404)
    return record


# Counts and grouping for the list pages.


def engagement_counts(people: list[Stakeholder]) -> list[tuple[str, str, int]]:
    """(status, label, how many) for every engagement status, in the order of engagement."""
    counted = Counter(person.engagement for person in people)
    return [(code, label, counted.get(code, 0)) for code, label in ENGAGEMENT_STATUSES.items()]


def type_counts(people: list[Stakeholder], framework: Framework) -> list[tuple[str, int]]:
    """(type name, how many) for every stakeholder type, then any the framework lacks."""
    counted = Counter(person.type_code for person in people)
    rows = [(kind.name, counted.pop(kind.code, 0)) for kind in framework.stakeholder_types]
    return rows + [(code, count) for code, count in sorted(counted.items())]


def by_geography(stats: list[PopulationStatistic]) -> list[tuple[str, list[PopulationStatistic]]]:
    """(heading, statistics) for each geography level that has any: area, localities, wards."""
    return [
        (heading, [stat for stat in stats if stat.geography_level == level])
        for level, heading in GEOGRAPHY_HEADINGS.items()
        if any(stat.geography_level == level for stat in stats)
    ]


# Names for codes, tolerant of codes a tailored framework no longer has.


def engagement_label(code: str) -> str:
    return ENGAGEMENT_STATUSES.get(code, code)


def type_name(framework: Framework, code: str) -> str:
    return next((kind.name for kind in framework.stakeholder_types if kind.code == code), code)


def subtype_label(framework: Framework, code: str | None) -> str:
    if not code:
        return ""
    for kind in framework.stakeholder_types:
        for subtype in kind.subtypes:
            if subtype.code == code:
                return subtype.label
    return code


def group_name(framework: Framework, code: str | None) -> str:
    if not code:
        return ""
    try:
        return framework.group(code).name
    except KeyError:
        return code


def group_names(framework: Framework, codes: list[str] | None) -> str:
    return ", ".join(group_name(framework, code) for code in codes or [])


def describe(entity: Entity, framework: Framework, record: Any) -> list[tuple[str, str]]:
    """A record as (label, value) rows in the users' words, for showing a saved version."""
    if entity is STAKEHOLDER:
        return [
            ("Name", record.name),
            ("Organisation", record.organisation or ""),
            ("Type", type_name(framework, record.type_code)),
            ("Subtype", subtype_label(framework, record.subtype_code)),
            ("Carer groups", group_names(framework, record.groups)),
            ("Engagement", engagement_label(record.engagement)),
            ("Notes", record.notes or ""),
        ]
    if entity is STATISTIC:
        return [
            ("What is measured", record.measure),
            ("Value", format_value(record.value, record.unit)),
            ("Geography", GEOGRAPHY_LEVELS.get(record.geography_level, record.geography_level)),
            ("Name of the locality or ward", record.geography_name or ""),
            ("Carer group", group_name(framework, record.group_code)),
            ("Community", record.community or ""),
            ("Source", record.source),
            ("Year", str(record.year)),
            ("Notes", record.notes or ""),
        ]
    return [
        ("Kind of source", SOURCE_KINDS.get(record.kind, record.kind)),
        ("Title", record.title),
        ("Web address", record.url or ""),
        ("Year", str(record.year or "")),
        ("Notes", record.notes or ""),
    ]


def format_value(value: Decimal, unit: str) -> str:
    """A figure as people read it: 1,250 people; 12.5%; 8.2 per 1,000."""
    number = f"{value.normalize():,f}"
    suffix = {"people": " people", "percentage": "%", "rate_per_1000": " per 1,000"}
    return number + suffix.get(unit, "")


def plain_number(value: Decimal | None) -> str:
    """A stored figure as a form shows it: 1250, not 1250.00."""
    return "" if value is None else f"{value.normalize():f}"


# Writes.


def save(
    entity: Entity,
    audit: Audit,
    record: Any | None,
    values: Mapping[str, Any],
    loaded_version: int | None,
    user: User,
) -> Any:
    """Create (record None) or change a record; raises StaleEdit or SaveFailed."""
    if record is None:
        record = entity.model(audit_id=audit.id)
        loaded_version = None
    label = label_of(entity, values)
    return changes.save(
        changes.Change(audit, record, values, entity.name, label, loaded_version), user
    )


def remove(entity: Entity, audit: Audit, record: Any, user: User) -> None:
    label = label_of_record(entity, record)
    changes.remove(audit, record, entity.name, label, entity.fields, user)
