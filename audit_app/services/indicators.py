"""Step 3 indicators (§8.1, §8.2, Appendix A; seeds 000, 002, 004): definitions, values
per period, and each value assessed by hub_model's rules.

Every lookup is scoped by the audit; every write goes through `changes`, so a
stale page is refused and the audit trail records each change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from audit_app.extensions import db
from audit_app.models import Audit, ChangeEvent, User
from audit_app.models.indicators import Indicator, IndicatorValue
from audit_app.services import changes
from hub_model import indicators as rules
from hub_model.framework_schema import Framework
from hub_model.indicator_trend import Point, curve_turned
from hub_model.scales import Direction, Polarity, Rag4, Unit, label

# Where an indicator comes from (§8.1, §8.2, Appendix A, seed 000).
KINDS = {
    "statistical_return": "Appendix A statistical return",
    "ni135": "NI 135",
    "added_value": "Added-value measure (§8.1)",
    "non_carer_services": "Carers identified by non-carer services (§8.2)",
    "gp_register": "Carers on GP registers (§8.2)",
    "local": "Local indicator",
}
# Catalogue entries whose kind is not "statistical_return".
_CATALOGUE_KINDS = {
    "NI135": "ni135",
    "A1c.1": "non_carer_services",
    "A4b.1": "non_carer_services",
    "A4a.1": "gp_register",
}
TYPES = {"strategic": "Strategic", "critical": "Critical"}
UNITS = {
    Unit.PERCENTAGE.value: "Percentage (numerator ÷ denominator × 100)",
    Unit.RATE_PER_100000.value: "Rate per 100,000 (numerator ÷ denominator × 100,000)",
    Unit.COUNT.value: "Count",
    Unit.AVERAGE.value: "Average",
    Unit.OTHER.value: "Other (entered directly)",
}
POLARITIES = {p.value: label(p) for p in Polarity}
ACCOUNTABILITY = {
    "population": "Population accountability (the wellbeing of all carers in the area)",
    "performance": "Performance accountability (how well a service works for its users)",
}
RAG_LEVELS = (Rag4.GREEN, Rag4.GREEN_AMBER, Rag4.RED_AMBER, Rag4.RED)
RAG_TAGS = {
    Rag4.GREEN.value: "govuk-tag--green",
    Rag4.GREEN_AMBER.value: "govuk-tag--yellow",
    Rag4.RED_AMBER.value: "govuk-tag--orange",
    Rag4.RED.value: "govuk-tag--red",
    Rag4.NOT_RATED.value: "govuk-tag--grey",
}
PREVIOUS_RULE = (
    "The previous result is the one entered for the period; when none is entered, the "
    "result of the indicator's prior period stands in."
)


@dataclass(frozen=True)
class Entity:
    """How a kind of record is named in the audit trail and which fields it keeps."""

    model: type[Any]
    name: str
    fields: tuple[str, ...]


INDICATOR = Entity(
    Indicator,
    "indicator",
    (
        "ref",
        "title",
        "kind",
        "catalogue_ref",
        "indicator_type",
        "unit",
        "polarity",
        "decimals",
        "green_amber_within",
        "red_amber_within",
        "turn_tolerance",
        "comparator_group",
        "outcomes",
        "interventions",
        "data_owner",
        "data_gaps",
        "accountability",
        "why_it_matters",
        "story",
        "success",
        "partners",
        "what_works",
        "responsible_officers",
    ),
)
VALUE = Entity(
    IndicatorValue,
    "indicator value",
    (
        "indicator_id",
        "period_label",
        "period_end",
        "numerator",
        "denominator",
        "direct_result",
        "target",
        "previous",
        "benchmark",
        "expected_to_report",
        "comments",
        "proposed_intervention",
        "manual_rag",
        "manual_reason",
    ),
)


# The catalogue a lead adds indicators from.


@dataclass(frozen=True)
class CatalogueEntry:
    """An indicator the framework defines, ready to pre-fill the indicator form."""

    ref: str
    title: str
    kind: str
    unit: str
    polarity: str
    outcomes: tuple[str, ...]
    source: str
    description: str


def catalogue(framework: Framework) -> list[CatalogueEntry]:
    """The framework's indicator definitions, then its §8.1 added-value measures."""
    entries = [
        CatalogueEntry(
            ref=item.ref,
            title=item.title,
            kind=_CATALOGUE_KINDS.get(item.ref, "statistical_return"),
            unit=item.unit.value,
            polarity=item.polarity.value,
            outcomes=item.outcomes,
            source=item.source,
            description=item.statistical_return or item.description or "",
        )
        for item in framework.indicators
    ]
    try:
        measures = framework.list_items("added_value_measures")
    except KeyError:
        measures = ()
    for item in measures:
        entries.append(
            CatalogueEntry(
                ref=f"AV.{item.code}",
                title=item.label,
                kind="added_value",
                # Most are shares; readmissions and falls fall as things get better.
                unit=Unit.PERCENTAGE.value,
                polarity=(
                    Polarity.LOWER.value
                    if item.code in {"hospital_discharge", "falls"}
                    else Polarity.HIGHER.value
                ),
                outcomes=(),
                source="§8.1 added-value measures",
                description=item.description or "",
            )
        )
    return entries


def catalogue_entry(framework: Framework, ref: str | None) -> CatalogueEntry | None:
    return next((entry for entry in catalogue(framework) if entry.ref == ref), None)


# Lookups, always within one audit.


def indicators(audit: Audit) -> list[Indicator]:
    query = (
        select(Indicator)
        .where(Indicator.audit_id == audit.id)
        .options(selectinload(Indicator.values))
        .order_by(Indicator.ref, Indicator.id)
    )
    return list(db.session.scalars(query))


def indicator_links(audit: Audit) -> list[Any]:
    """The audit's indicators as links need them (id, ref and title), in the order of
    :func:`indicators`, without their values."""
    query = (
        select(Indicator.id, Indicator.ref, Indicator.title)
        .where(Indicator.audit_id == audit.id)
        .order_by(Indicator.ref, Indicator.id)
    )
    return list(db.session.execute(query))


def indicators_of(audits: Sequence[Audit]) -> dict[int, list[Indicator]]:
    """:func:`indicators` of several audits, by audit id, in two queries for them all."""
    query = (
        select(Indicator)
        .where(Indicator.audit_id.in_([audit.id for audit in audits]))
        .options(selectinload(Indicator.values))
        .order_by(Indicator.ref, Indicator.id)
    )
    found: dict[int, list[Indicator]] = {audit.id: [] for audit in audits}
    for indicator in db.session.scalars(query) if audits else ():
        found[indicator.audit_id].append(indicator)
    return found


def record_or_404(entity: Entity, audit: Audit, record_id: int) -> Any:
    """The record of this audit with this id; 404 if it is missing or another audit's."""
    record = db.session.get(entity.model, record_id)
    if record is None or record.audit_id != audit.id:
        abort(404)
    return record


def label_of(entity: Entity, values: Mapping[str, Any], indicator: Indicator | None = None) -> str:
    if entity is INDICATOR:
        return f"{values.get('ref')} {values.get('title')}"[:300]
    name = f"{indicator.ref} " if indicator is not None else ""
    return f"{name}{values.get('period_label') or ''}"[:300]


def label_of_record(entity: Entity, record: Any) -> str:
    indicator = record.indicator if entity is VALUE else None
    return label_of(entity, {name: getattr(record, name) for name in entity.fields}, indicator)


# Applying hub_model's rules.


def definition(indicator: Indicator) -> rules.IndicatorDefinition:
    thresholds = None
    if indicator.green_amber_within is not None or indicator.red_amber_within is not None:
        thresholds = rules.RagThresholds(indicator.green_amber_within, indicator.red_amber_within)
    return rules.IndicatorDefinition(
        ref=indicator.ref,
        title=indicator.title,
        unit=Unit(indicator.unit),
        polarity=Polarity(indicator.polarity),
        indicator_type=rules.IndicatorType(indicator.indicator_type),
        thresholds=thresholds,
        decimals=indicator.decimals,
        turn_tolerance=indicator.turn_tolerance,
    )


def period_value(
    value: Mapping[str, Any] | IndicatorValue, prior_result: Decimal | None
) -> rules.PeriodValue:
    """hub_model's PeriodValue from a stored value (or a form's values)."""
    get = value.get if isinstance(value, Mapping) else lambda name: getattr(value, name)
    previous = get("previous")
    manual = get("manual_rag")
    return rules.PeriodValue(
        period=get("period_label") or "",
        numerator=get("numerator"),
        denominator=get("denominator"),
        direct_result=get("direct_result"),
        previous=previous if previous is not None else prior_result,
        target=get("target"),
        manual_rag=Rag4(manual) if manual else None,
        manual_reason=get("manual_reason") or "",
        benchmark=get("benchmark"),
    )


@dataclass(frozen=True)
class Row:
    """One indicator value with every rule applied, ready to show."""

    indicator: Indicator
    value: IndicatorValue
    assessment: rules.Assessment
    previous_from_prior: bool  # the previous result came from the prior period

    @property
    def thresholds_text(self) -> str:
        """The indicator's RAG thresholds in a few words (hub_model.indicators)."""
        return rules.short_thresholds(self.assessment.definition.thresholds)

    @property
    def benchmark_text(self) -> str:
        figure = rules.format_value(self.value.benchmark, self.assessment.definition)
        group = self.indicator.comparator_group or ""
        if figure and group:
            return f"{figure} ({group})"
        return figure


def prior_result(indicator: Indicator, value_period_end: date) -> Decimal | None:
    """The result of the indicator's latest period ending before ``value_period_end``."""
    earlier = [v for v in indicator.values if v.period_end < value_period_end]
    if not earlier:
        return None
    latest = max(earlier, key=lambda v: v.period_end)
    return rules.result(definition(indicator), period_value(latest, None))


def rows_of(indicator: Indicator) -> list[Row]:
    """The indicator's values, oldest first, each assessed."""
    found: list[Row] = []
    spec = definition(indicator)
    last_result: Decimal | None = None
    for value in sorted(indicator.values, key=lambda v: v.period_end):
        assessment = rules.assess(spec, period_value(value, last_result))
        found.append(Row(indicator, value, assessment, value.previous is None and bool(found)))
        last_result = assessment.result
    return found


def assess_values(
    indicator: Indicator, values: Mapping[str, Any], period_end: date | None
) -> rules.Assessment:
    """A form's values assessed as they would be saved (for the missed-target check)."""
    prior = prior_result(indicator, period_end) if period_end else None
    return rules.assess(definition(indicator), period_value(values, prior))


def rag_label(value: str | Rag4) -> str:
    return label(Rag4(value))


def direction_label(value: Direction) -> str:
    return label(value)


def met_text(met: bool | None) -> str:
    return {True: "Met", False: "Not met", None: "No target to meet"}[met]


def number_text(number: Decimal | None) -> str:
    return "" if number is None else rules.plain_number(number)


def list_text(items: Mapping[str, str], codes: Sequence[str] | None) -> str:
    return ", ".join(items.get(code, code) for code in codes or [])


def describe(
    indicator: Indicator | None, record: Any, framework: Framework | None = None
) -> list[tuple[str, str]]:
    """A saved record as (label, value) rows, shown beside a stale save: an indicator
    (``indicator`` None) with every field its form has, or a value of ``indicator``."""
    if indicator is None:
        names = {i.code: i.name for i in framework.interventions} if framework else {}
        return [
            ("Reference", record.ref),
            ("Description", record.title),
            ("Source", KINDS.get(record.kind, record.kind)),
            ("Type", TYPES.get(record.indicator_type, record.indicator_type)),
            ("Unit", UNITS.get(record.unit, record.unit)),
            ("Polarity", POLARITIES.get(record.polarity, record.polarity)),
            ("Decimal places", "" if record.decimals is None else str(record.decimals)),
            ("Green amber within", number_text(record.green_amber_within)),
            ("Red amber within", number_text(record.red_amber_within)),
            ("Curve turned only beyond", number_text(record.turn_tolerance)),
            ("Comparator group", record.comparator_group or ""),
            ("Outcomes", ", ".join(record.outcomes or [])),
            ("Interventions", ", ".join(names.get(c, c) for c in record.interventions or [])),
            ("Data owner", record.data_owner or ""),
            ("Data gaps", record.data_gaps or ""),
            ("Accountability", ACCOUNTABILITY.get(record.accountability or "", "")),
            ("Why it matters", record.why_it_matters or ""),
            ("The story behind the baseline", record.story or ""),
            ("Partners with a role to play", record.partners or ""),
            ("What works", record.what_works or ""),
            ("Responsible officers", record.responsible_officers or ""),
        ]
    return [
        ("Period", record.period_label),
        ("Period ends", record.period_end.strftime("%-d %B %Y")),
        ("Numerator", number_text(record.numerator)),
        ("Denominator", number_text(record.denominator)),
        ("Result entered directly", number_text(record.direct_result)),
        ("Target", number_text(record.target)),
        ("Previous result", number_text(record.previous)),
        ("Benchmark", number_text(record.benchmark)),
        ("Comments", record.comments or ""),
        ("Proposed intervention", record.proposed_intervention or ""),
        ("RAG set by hand", rag_label(record.manual_rag) if record.manual_rag else ""),
        ("Reason", record.manual_reason or ""),
    ]


# Writes.


def save(
    entity: Entity,
    audit: Audit,
    record: Any | None,
    values: Mapping[str, Any],
    loaded_version: int | None,
    user: User,
    indicator: Indicator | None = None,
) -> Any:
    """Create (record None) or change a record; raises StaleEdit or SaveFailed."""
    if record is None:
        record = entity.model(audit_id=audit.id)
        loaded_version = None
    owner = indicator if indicator is not None else getattr(record, "indicator", None)
    return changes.save(
        changes.Change(
            audit, record, values, entity.name, label_of(entity, values, owner), loaded_version
        ),
        user,
    )


def remove(entity: Entity, audit: Audit, record: Any, user: User) -> None:
    """Delete a record; an indicator's values go with it, each kept in the audit trail."""
    if entity is INDICATOR:
        for value in record.values:
            db.session.add(
                ChangeEvent(
                    audit_id=audit.id,
                    user=user,
                    entity=VALUE.name,
                    entity_id=value.id,
                    label=label_of_record(VALUE, value),
                    action="removed",
                    old=changes.snapshot(value, VALUE.fields),
                    new=None,
                )
            )
    fields = entity.fields
    changes.remove(audit, record, entity.name, label_of_record(entity, record), fields, user)


# Pages that summarise.


def latest_rows(audit: Audit, as_of: date | None) -> list[Row]:
    """Each indicator's latest value ending on or before ``as_of`` (all, if None)."""
    found: list[Row] = []
    for indicator in indicators(audit):
        rows = [r for r in rows_of(indicator) if as_of is None or r.value.period_end <= as_of]
        if rows:
            found.append(rows[-1])
    return found


def period_ends(audit: Audit) -> list[date]:
    """Every period end any indicator has a value for, newest first."""
    query = (
        select(IndicatorValue.period_end)
        .where(IndicatorValue.audit_id == audit.id)
        .distinct()
        .order_by(IndicatorValue.period_end.desc())
    )
    return list(db.session.scalars(query))


def turned(rows: Sequence[Row]) -> bool | None:
    """Whether the latest result, as shown, beats the trend of the periods before it by
    more than the indicator's tolerance, or without one the rounding of its last shown
    place (hub_model's ``TOLERANCE_RULE`` and ``TURN_RULE``)."""
    if len(rows) < 3:
        return None
    history = [point_of(row) for row in rows[:-1]]
    spec = rows[-1].assessment.definition
    return curve_turned(
        history,
        point_of(rows[-1]),
        spec.polarity,
        spec.unit,
        spec.display_decimals,
        spec.turn_tolerance,
    )


def point_of(row: Row) -> Point:
    """The row as a point of its indicator's curve: when its period ends, and its result."""
    return Point(row.value.period_end, row.assessment.result)
