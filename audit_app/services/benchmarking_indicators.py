"""Indicators in compare areas: each area's latest result per indicator beside the
region's picture.

An area's figures are its indicator dashboard's (services.indicators applies
hub_model.indicators); the regional column is hub_model.indicator_benchmark's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from audit_app.models.indicators import Indicator
from audit_app.services import indicators as step3
from audit_app.services import spreadsheets
from audit_app.services.audit_grades import AuditGrades
from audit_app.services.benchmark_tables import NOT_IN_AUDIT, REGION, FlatValue
from hub_model.indicator_benchmark import (
    RAG_ORDER,
    REGION_RULE,
    RegionalPicture,
    Reported,
    label_of_unit,
    regional_picture,
)
from hub_model.indicators import IndicatorDefinition
from hub_model.scales import Unit, label

MATCH_RULE = (
    "Indicators from the framework's catalogue are matched across areas by their "
    "catalogue reference (such as NI135), even where an area gave it a reference of its "
    "own. Local indicators are matched only when both their reference and their "
    "description are the same (ignoring capitals and spacing); otherwise each has its "
    "own row. An area without the indicator shows “Not in this audit”."
)
PERIOD_RULE = (
    "Each area shows its latest period with a result, named in its cell, so areas may "
    "show different periods: the regional column says when they do. We chose this over "
    "the latest period common to all areas because each area names and dates its own "
    "periods, which may never line up, and a common period would hide newer results."
)
FIGURES_RULE = (
    "Result, target, RAG and direction of travel are worked out as on each area's "
    "indicator dashboard."
)
NO_RESULT = "No result reported"
AREA_FIELDS = ("period", "result", "target", "RAG", "direction of travel")

Key = tuple[str, ...]


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _local_key(indicator: Indicator) -> Key:
    return ("local", _plain(indicator.ref), _plain(indicator.title))


def _figure(value: Decimal | None, definition: IndicatorDefinition) -> FlatValue:
    """A figure rounded as it is shown, as a number for the spreadsheet (a percentage
    shown as a percent there; in the CSV as its points, the unit column naming it)."""
    if value is None:
        return ""
    places = definition.display_decimals
    if definition.unit is Unit.PERCENTAGE:
        return spreadsheets.percent(value, places, sign=False)
    return spreadsheets.number(value, places)


@dataclass(frozen=True)
class AreaIndicator:
    """One area's indicator: its latest period with a result, if it has one, in words
    and figures. Plain data, no database record: the table is kept per set of audits
    at their revisions (services.benchmarking) and may be pickled into Redis."""

    unit: Unit
    reported: bool  # has a period with a result
    period_text: str
    result_text: str
    target_text: str
    rag_text: str
    tag_class: str
    rag_set_by_hand: bool
    direction_text: str
    figures: tuple[FlatValue, ...]  # period, result, target, RAG, direction (AREA_FIELDS)

    @classmethod
    def of(cls, indicator: Indicator, latest: step3.Row | None) -> AreaIndicator:
        unit = Unit(indicator.unit)
        if latest is None:
            return cls(
                unit,
                False,
                NO_RESULT,
                "",
                "",
                "",
                "govuk-tag--grey",
                False,
                "",
                (NO_RESULT, "", "", "", ""),
            )
        a = latest.assessment
        rag = label(a.rag)
        direction = label(a.direction)
        return cls(
            unit,
            True,
            latest.value.period_label,
            a.result_text,
            a.target_text,
            rag,
            step3.RAG_TAGS.get(a.rag.value, "govuk-tag--grey"),
            bool(a.rag_set_by_hand),
            direction,
            (
                latest.value.period_label,
                _figure(a.result, a.definition),
                _figure(a.value.target, a.definition),
                rag,
                direction,
            ),
        )

    def flat(self) -> list[FlatValue]:
        """Period, result, target, RAG and direction of travel, as in AREA_FIELDS."""
        return list(self.figures)


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name: str
    cells: list[AreaIndicator | None]  # one per area; None: not in that audit
    region: RegionalPicture

    @property
    def unit_text(self) -> str:
        units = dict.fromkeys(cell.unit for cell in self.cells if cell is not None)
        return ", ".join(label_of_unit(unit) for unit in units).capitalize()

    def flat(self) -> list[FlatValue]:
        values: list[FlatValue] = [self.code, self.name, self.unit_text]
        for cell in self.cells:
            values.extend(cell.flat() if cell else [NOT_IN_AUDIT, "", "", "", ""])
        region = self.region
        values.append(region.reporting)
        values.extend(region.rag[level] for level in RAG_ORDER)
        if region.range is None or region.display is None:
            values.extend(["", "", ""])
        else:
            r = region.range
            values.extend(_figure(v, region.display) for v in (r.lowest, r.median, r.highest))
        values.append(" ".join(region.notes))
        return values


@dataclass(frozen=True)
class IndicatorTable:
    """Indicators per area, with values rather than grades (see benchmark_tables)."""

    columns: list[str]  # the areas, then REGION
    rows: list[IndicatorRow]
    key: str = "indicators"
    sheet: str = "Indicators"
    title: str = "Indicators: each area's latest result"
    rule: str = " ".join((MATCH_RULE, PERIOD_RULE, FIGURES_RULE, REGION_RULE))
    row_heading: str = "Indicator"
    partial: ClassVar[str] = "cycles/_indicator_table.html"

    @property
    def areas(self) -> list[str]:
        return self.columns[:-1]

    def flat_head(self) -> list[str]:
        head = [f"{self.row_heading} code", self.row_heading, "Unit"]
        for area in self.areas:
            head.extend(f"{area}: {field}" for field in AREA_FIELDS)
        head.append(f"{REGION}: areas reporting")
        head.extend(f"{REGION}: {label(level).lower()}" for level in RAG_ORDER)
        head.extend(f"{REGION}: {word} result" for word in ("lowest", "median", "highest"))
        head.append(f"{REGION}: notes")
        return head

    def flat_rows(self) -> list[list[FlatValue]]:
        return [row.flat() for row in self.rows]


def latest_reported(indicator: Indicator) -> step3.Row | None:
    """The indicator's latest period with a result, assessed as on the dashboard."""
    reported = [row for row in step3.rows_of(indicator) if row.assessment.reported]
    return reported[-1] if reported else None


def by_match_key(indicators: Sequence[Indicator]) -> dict[Key, Indicator]:
    """One area's indicators by the key that matches them across areas (MATCH_RULE).

    Where two come from one catalogue entry, the one keeping the catalogue's
    reference (else the first) is matched by it, the other as a local indicator;
    an indicator whose keys are all taken (refs differing only in capitals) keeps
    a row of its own rather than being dropped."""
    found: dict[Key, Indicator] = {}
    for indicator in sorted(indicators, key=lambda i: (i.ref != i.catalogue_ref, i.ref)):
        keys: list[Key] = [_local_key(indicator), ("own", str(indicator.id))]
        if indicator.catalogue_ref:
            keys.insert(0, ("catalogue", indicator.catalogue_ref))
        found[next(key for key in keys if key not in found)] = indicator
    return found


def _names(grades: Sequence[AuditGrades], areas: list[dict[Key, Indicator]]) -> dict[Key, str]:
    """Each row's description: the catalogue's words, else the first area's."""
    names: dict[Key, str] = {}
    for g, indicators in zip(grades, areas, strict=True):
        titles = {entry.ref: entry.title for entry in step3.catalogue(g.framework)}
        for key, indicator in indicators.items():
            catalogue_title = titles.get(key[1]) if key[0] == "catalogue" else None
            names.setdefault(key, catalogue_title or indicator.title)
    return names


def indicators_table(grades: Sequence[AuditGrades], columns: list[str]) -> IndicatorTable:
    """Per indicator, each area's latest result and the region's picture."""
    found = step3.indicators_of([g.audit for g in grades])
    areas = [by_match_key(found[g.audit.id]) for g in grades]
    names = _names(grades, areas)
    rows = []
    for key, name in names.items():
        latest = {n: latest_reported(area[key]) for n, area in enumerate(areas) if key in area}
        cells = [
            AreaIndicator.of(area[key], latest[n]) if key in area else None
            for n, area in enumerate(areas)
        ]
        reported = [
            Reported(row.value.period_end, row.assessment)
            for row in latest.values()
            if row is not None
        ]
        first = next(area[key] for area in areas if key in area)
        code = key[1] if key[0] == "catalogue" else first.ref
        rows.append(IndicatorRow(code, name, cells, regional_picture(len(grades), reported)))
    rows.sort(key=lambda row: (row.code.casefold(), row.name.casefold()))
    return IndicatorTable([*columns, REGION], rows)
