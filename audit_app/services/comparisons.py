"""The report's comparisons: with the last cycle of the same audit, and with the other
areas whose audits the reader was given.

The last cycle's changes in ratings, maturity and the checklist are the cycle
comparison page's (services.cycle_comparison, hub_model.comparison); its
indicators are matched and compared by hub_model.comparison.INDICATOR_RULE. The
other areas are those the dashboard's Benchmarking column draws on
(services.indicator_peers), one audit per area, beside this one by the compare
areas tables (services.benchmarking) and the gap map's counts. Both are also
tables of the exports (the XLSX sheets and their CSVs), registered here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from audit_app.models import Audit, User
from audit_app.models.indicators import Indicator
from audit_app.services import benchmarking, cqc_comparison, cycle_comparison, indicator_peers, maps
from audit_app.services import indicators as step3
from audit_app.services.access import sees_judgements
from audit_app.services.benchmark_tables import NOT_IN_AUDIT, GradeTable
from audit_app.services.benchmarking_indicators import latest_reported
from audit_app.services.export_tables import indicator_figure
from audit_app.services.exports import TABLES, Cell, ExportContext, ExportTable, shown, table
from hub_model.comparison import INDICATOR_RULE, indicator_change
from hub_model.gap_map import COUNT_RULE
from hub_model.indicators import IndicatorDefinition
from hub_model.scales import Direction, Rag, label

LAST_CYCLE_RULE = (
    "The last cycle is the audit this one was started from or, if it was not started "
    "from one, the newest earlier audit of the same area for the same carers; only one "
    "you may open, whose ratings you may see, counts."
)
NO_LAST_CYCLE = (
    "There is no earlier cycle of this audit that you can see, so there is nothing to "
    "compare with yet."
)
AREAS_RULE = (
    "Other areas are those whose published audit you have been given: you are a member "
    "of it, as a carers lead, partner or commissioner. For each area, its newest cycle "
    "for the same carers as this audit or, if it has none, its newest cycle. Drafts, "
    "areas you have not been given and this area's other cycles are not shown. "
    f"{COUNT_RULE}"
)
NO_OTHER_AREAS = (
    "You have not been given a published audit of another area, so there is no other "
    "area to compare with."
)


# --- the last cycle -----------------------------------------------------------------


def last_cycle(audit: Audit, user: User) -> Audit | None:
    """The cycle before ``audit`` by :data:`LAST_CYCLE_RULE`, or None (what the report
    keeps of it is named by cycle_comparison.earlier_key)."""
    choices = [
        earlier
        for earlier, role in cycle_comparison.earlier_audits_and_roles(audit, user)
        if sees_judgements(earlier, role)
    ]
    return cycle_comparison.default_earlier(audit, choices)


@dataclass(frozen=True)
class IndicatorChange:
    """One indicator's latest result in the last cycle and in this one."""

    ref: str
    title: str
    definition: IndicatorDefinition  # this cycle's (the last's, if only there)
    earlier: step3.Row | None  # the latest period with a result
    later: step3.Row | None
    in_earlier: bool
    in_later: bool

    @property
    def change(self) -> Direction:
        return indicator_change(
            self.earlier.assessment.result if self.earlier else None,
            self.later.assessment.result if self.later else None,
            self.definition.polarity,
            self.definition.display_decimals,
        )

    @property
    def change_text(self) -> str:
        if not self.in_earlier:
            return "Not in the last cycle"
        if not self.in_later:
            return "Not in this cycle"
        return label(self.change)


def _by_key(indicators: Sequence[Indicator]) -> dict[str, Indicator]:
    """An audit's indicators by their catalogue reference, else (or where another
    already has it) by their own reference, as :data:`INDICATOR_RULE` matches them."""
    found: dict[str, Indicator] = {}
    for indicator in indicators:
        key = " ".join((indicator.catalogue_ref or "").split()).casefold()
        if not key or key in found:
            key = "ref:" + " ".join(indicator.ref.split()).casefold()
        found.setdefault(key, indicator)
    return found


def indicator_changes(earlier: Audit, later: Audit) -> list[IndicatorChange]:
    """This cycle's indicators in order, then those only the last cycle had."""
    before, after = _by_key(step3.indicators(earlier)), _by_key(step3.indicators(later))
    keys = [*after, *(key for key in before if key not in after)]
    found = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        shown = new or old
        assert shown is not None
        found.append(
            IndicatorChange(
                ref=shown.ref,
                title=shown.title,
                definition=step3.definition(shown),
                earlier=latest_reported(old) if old else None,
                later=latest_reported(new) if new else None,
                in_earlier=old is not None,
                in_later=new is not None,
            )
        )
    return found


def last_cycle_context(ctx: ExportContext) -> dict[str, Any]:
    """What the report's "Comparison with the last cycle" section shows: the counts of
    changes, each intervention's summary, and the two tables of the exports."""
    earlier = last_cycle(ctx.audit, ctx.user)
    found: dict[str, Any] = {
        "earlier": earlier,
        "rule": LAST_CYCLE_RULE,
        "none": NO_LAST_CYCLE,
        "indicator_rule": INDICATOR_RULE,
    }
    if earlier is not None:
        comparison = cycle_comparison.compare_audits(earlier, ctx.audit)
        indicators = _indicator_rows(earlier, indicator_changes(earlier, ctx.audit))
        spec = TABLES["last_cycle_indicators"]
        found["indicators"] = shown(
            ExportTable(spec.slug, spec.title, INDICATOR_HEADERS, indicators)
        )
        spec = TABLES["last_cycle_changes"]
        moved = ExportTable(spec.slug, spec.title, CHANGE_HEADERS, _change_rows(comparison))
        found["moved"] = moved
        found["comparison"] = comparison
        found["changes"] = cycle_comparison.CHANGES
        found["words"] = cycle_comparison.CHANGE_WORDS
        found["cqc_rows"] = cqc_comparison.score_rows([earlier, ctx.audit])
        found["cqc_rule"] = cqc_comparison.CYCLE_RULE
    return found


INDICATOR_HEADERS = (
    "Ref",
    "Description",
    "Last cycle",
    "Last cycle's latest period",
    "Last cycle's result",
    "This cycle's latest period",
    "This cycle's result",
    "Change",
)
CHANGE_HEADERS = ("Judgement", "Row", "Carer group", "Last cycle", "This cycle", "Change")


@table("last_cycle_indicators", "Indicators since last cycle", judgements=True)
def last_cycle_indicators(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """Each indicator's latest result in the last cycle and this one (INDICATOR_RULE)."""
    earlier = last_cycle(ctx.audit, ctx.user)
    if earlier is None:
        return INDICATOR_HEADERS, []
    return INDICATOR_HEADERS, _indicator_rows(earlier, indicator_changes(earlier, ctx.audit))


def _indicator_rows(earlier: Audit, changes: Sequence[IndicatorChange]) -> list[tuple[Cell, ...]]:
    return [
        (
            found.ref,
            found.title,
            earlier.cycle,
            _period(found.earlier, found.in_earlier),
            _result(found.earlier, found.definition),
            _period(found.later, found.in_later),
            _result(found.later, found.definition),
            found.change_text,
        )
        for found in changes
    ]


def _period(row: step3.Row | None, present: bool) -> str:
    if not present:
        return "Not in this audit"
    return row.value.period_label if row else "No result reported"


def _result(row: step3.Row | None, definition: IndicatorDefinition) -> Cell:
    return indicator_figure(row.assessment.result, definition) if row else None


@table("last_cycle_changes", "Judgements since last cycle", judgements=True)
def last_cycle_changes(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """Every rating, maturity and checklist cell that moved since the last cycle."""
    earlier = last_cycle(ctx.audit, ctx.user)
    if earlier is None:
        return CHANGE_HEADERS, []
    return CHANGE_HEADERS, _change_rows(cycle_comparison.compare_audits(earlier, ctx.audit))


def _change_rows(comparison: cycle_comparison.Comparison) -> list[tuple[Cell, ...]]:
    return [
        (
            grid.title,
            cell.row_name,
            cell.group_name,
            cell.earlier,
            cell.later,
            cycle_comparison.CHANGE_WORDS[cell.change],
        )
        for grid in comparison.grids
        for cell in grid.moved
    ]


# --- other areas ---------------------------------------------------------------------


def other_areas(audit: Audit, user: User) -> list[Audit]:
    """One published audit per other area that ``user`` was given (:data:`AREAS_RULE`)."""
    scope = sorted(audit.scope or [])
    chosen: dict[int, Audit] = {}
    for other in indicator_peers.other_area_audits(audit, user):  # newest cycle first
        best = chosen.get(other.area_id)
        if best is None or (
            sorted(other.scope or []) == scope and sorted(best.scope or []) != scope
        ):
            chosen[other.area_id] = other
    return sorted(chosen.values(), key=lambda a: a.area.name)


# (row heading, what it counts) of the gap counts beside each area's.
COUNTS = (
    ("Carer groups assessed", "groups"),
    ("Red gaps", "red"),
    ("Red gaps with no action in the plan", "unaddressed"),
    ("Cells not rated", "not_rated"),
    ("Carer groups nothing reaches at amber or better", "unreached"),
    ("Interventions whose summary is red", f"summary_{Rag.RED.value}"),
    ("Interventions whose summary is amber", f"summary_{Rag.AMBER.value}"),
    ("Interventions whose summary is green", f"summary_{Rag.GREEN.value}"),
    ("Interventions not rated", f"summary_{Rag.NOT_RATED.value}"),
)


def area_counts(audit: Audit) -> dict[str, int]:
    """The gap map's headline counts of ``audit`` (each cell once), and how many of its
    interventions have each summary grade (the weakest rated carer group)."""
    data = maps.audit_maps(audit)
    gaps = data.gaps.counts()
    counts = {
        "groups": len(data.groups),
        "red": gaps.red,
        "unaddressed": gaps.unaddressed,
        "not_rated": gaps.not_rated,
        "unreached": len(data.gaps.unreached),
    }
    counts.update({f"summary_{grade.value}": 0 for grade in Rag})
    for summary in data.rag_summaries.values():
        counts[f"summary_{summary.grade.value}"] += 1
    return counts


@dataclass(frozen=True)
class AreaComparison:
    audits: list[Audit]  # this audit first
    columns: list[str]
    counts: list[tuple[str, list[int]]]  # (row heading, one count per audit)
    grades: list[GradeTable]


def compare_areas(audit: Audit, others: Sequence[Audit]) -> AreaComparison:
    audits = [audit, *others]
    per_audit = [area_counts(a) for a in audits]
    tables = benchmarking.benchmark(audits)
    return AreaComparison(
        audits=audits,
        columns=benchmarking.column_labels(audits),
        counts=[(heading, [c[key] for c in per_audit]) for heading, key in COUNTS],
        grades=[t for t in tables if isinstance(t, GradeTable)],
    )


def other_areas_context(ctx: ExportContext) -> dict[str, Any]:
    """What the report's "Comparison with other areas" section shows: the audits
    compared, the counts (the Other areas sheet's first rows) and the grade tables."""
    others = other_areas(ctx.audit, ctx.user)
    found: dict[str, Any] = {"comparison": None, "rule": AREAS_RULE, "none": NO_OTHER_AREAS}
    if others:
        comparison = compare_areas(ctx.audit, others)
        spec = TABLES["other_areas"]
        rows: list[tuple[Cell, ...]] = [(h, *counts) for h, counts in comparison.counts]
        found["comparison"] = comparison
        found["compared"] = list(zip(comparison.columns, comparison.audits, strict=True))
        found["counts"] = ExportTable(spec.slug, spec.title, ("Measure", *comparison.columns), rows)
    return found


@table("other_areas", "Other areas", judgements=True)
def other_areas_table(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """This area's counts and summary grades beside the other areas' (AREAS_RULE)."""
    others = other_areas(ctx.audit, ctx.user)
    if not others:
        return ("Measure", benchmarking.column_labels([ctx.audit])[0]), []
    found = compare_areas(ctx.audit, others)
    rows: list[tuple[Cell, ...]] = [(heading, *counts) for heading, counts in found.counts]
    for grades in found.grades:
        for row in grades.rows:
            cells = row.cells[: len(found.audits)]  # the areas, not the regional column
            rows.append(
                (
                    f"{grades.title}: {row.name}",
                    *(cell.grade_text if cell else NOT_IN_AUDIT for cell in cells),
                )
            )
    return ("Measure", *found.columns), rows
