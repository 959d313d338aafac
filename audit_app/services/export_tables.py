"""The tables of an audit's exports, each registered with :func:`exports.table`.

Each builder takes the :class:`ExportContext` and returns headers and rows,
built from the existing services and the hub_model rules; their order here
is the order of the XLSX sheets and of the CSV list.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from audit_app.models.types import utcnow
from audit_app.services import evidence as evidence_service
from audit_app.services import maps
from audit_app.services import plan as plan_service
from audit_app.services import stakeholders as stakeholder_service
from audit_app.services.exports import DRAFT_MARK, Cell, ExportContext, table
from audit_app.services.scope import scope_description
from audit_app.services.spreadsheets import Figure, moment, money, number, percent, places_of
from hub_model.checklist import EMPTY
from hub_model.gap_map import COUNT_RULE
from hub_model.indicators import IndicatorDefinition
from hub_model.scales import Maturity, Rag, Unit, label
from hub_model.suppression import HIDDEN

NOT_WRITTEN = "Not written yet: the carers lead writes it on the action plan."


@table("summary", "Summary")
def summary(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """The report's first page: the lead's summary for the board, then the audit's figures."""
    return ("Item", "Value"), [*board_summary(ctx), *figures(ctx)]


def board_summary(ctx: ExportContext) -> list[tuple[Cell, ...]]:
    """The lead's summary for the board (on the action plan), as they wrote it."""
    header = plan_service.header(ctx.audit)
    return [
        (label, (getattr(header, name) if header else None) or NOT_WRITTEN)
        for name, label in plan_service.BOARD_SUMMARY
    ]


def figures(ctx: ExportContext) -> list[tuple[Cell, ...]]:
    """The audit in figures: what it covers, and the counts a board checks."""
    audit, data = ctx.audit, ctx.data
    counts = data.gaps.counts()
    rated = sum(1 for grade in data.rag.values() if grade.value != "not_rated")
    judged = sum(
        1
        for cell in data.checklist.values()
        if cell.status.value != "not_rated" or cell.indicator.value != "not_rated"
    )
    actions = plan_service.actions(audit)
    funding = plan_service.funding(audit)
    now = utcnow()
    status = (
        f"{DRAFT_MARK}: not published, may change"
        if ctx.is_draft
        else f"Published on {audit.published_at:%-d %B %Y}"
        if audit.published_at
        else "Published"
    )
    rows: list[tuple[Cell, ...]] = [
        ("Title", ctx.title),
        ("Status", status),
        ("Area", audit.area.name),
        ("Cycle", audit.cycle),
        ("Period", f"{audit.period_start:%-d %B %Y} to {audit.period_end:%-d %B %Y}"),
        ("Carers covered", scope_description(audit, ctx.framework)),
        ("Framework", f"{ctx.framework.title} (version {audit.framework_version})"),
        ("Exported on", moment(now, now.strftime("%-d %B %Y at %H:%M UTC"))),
        ("Carer groups assessed", len(data.groups)),
        ("Stakeholders", len(stakeholder_service.stakeholders(audit))),
        ("Evidence returns you can see", len(_evidence(ctx))),
        *(
            [
                ("Intervention ratings set", rated),
                ("Checklist cells judged", judged),
                ("Red gaps", counts.red),
                ("Red gaps with no action in the plan", counts.unaddressed),
                ("Cells not rated", counts.not_rated),
                ("How the gaps are counted", COUNT_RULE),
                ("Carer groups nothing reaches at amber or better", len(data.gaps.unreached)),
            ]
            if ctx.sees_judgements
            else [("The carers lead's ratings", "Shown once the audit is published")]
        ),
        ("Priority changes", len(plan_service.priorities(audit))),
        ("Actions in the plan", len(actions)),
        ("Funding in total (£)", money(plan_service.funding_total(funding))),
    ]
    return rows


def _grid(ctx: ExportContext, kind: str) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    data = ctx.data
    grid: Any = data.rag if kind == "rag" else data.maturity
    summaries: Any = data.rag_summaries if kind == "rag" else data.maturity_summaries
    unrated = Rag.NOT_RATED if kind == "rag" else Maturity.NOT_RATED
    headers = ("Intervention", *(g.name for g in data.groups), "Summary (weakest rated group)")
    rows: list[tuple[Cell, ...]] = []
    for item in data.interventions:
        cells = [label(grid.get((item.code, g.code), unrated)) for g in data.groups]
        rows.append((item.name, *cells, summaries[item.code].text))
    return headers, rows


@table("rag_map", "RAG map", judgements=True)
def rag_map(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    return _grid(ctx, "rag")


@table("maturity_map", "Maturity map", judgements=True)
def maturity_map(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    return _grid(ctx, "maturity")


@table("appendix_a_map", "Appendix A map", judgements=True)
def appendix_a_map(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    data = ctx.data
    headers = ("Outcome", "Sub-outcome", "Outcome indicator", *(g.name for g in data.groups))
    headers += ("Services in place (summary)", "Indicator (summary)")
    rows: list[tuple[Cell, ...]] = []
    for outcome in data.outcomes:
        for sub in outcome.sub_outcomes:
            cells = []
            for group in data.groups:
                # A cell nobody judged reads as the screen shows it ("Not assessed").
                cell = data.checklist.get((sub.code, group.code), EMPTY)
                cells.append(f"{label(cell.status)}; indicator {label(cell.indicator).lower()}")
            summary_ = data.checklist_summaries[sub.code]
            rows.append(
                (
                    f"{outcome.code}. {outcome.short_title}",
                    sub.code,
                    sub.name,
                    *cells,
                    summary_.status.text,
                    summary_.indicator.text,
                )
            )
    return headers, rows


@table("gap_map", "Gap map", judgements=True)
def gap_map(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    data = ctx.data
    visible = {str(e.id): e for e in _evidence(ctx)}
    action_names = maps.action_names(ctx.audit)
    headers = (
        "Outcome",
        "Kind",
        "Intervention or sub-outcome",
        "Carer group",
        "State",
        "Why",
        "Evidence",
        "Actions in the plan",
    )
    rows: list[tuple[Cell, ...]] = []
    for og in data.gaps.outcomes:
        outcome = data.outcome(og.outcome)
        for gap in og.gaps:
            is_intervention = gap.kind.value == "intervention"
            rows.append(
                (
                    f"{outcome.code}. {outcome.short_title}",
                    "Intervention" if is_intervention else "Checklist",
                    data.intervention_name(gap.row) if is_intervention else gap.row,
                    data.group_name(gap.group),
                    "Red" if gap.state.value == "red" else "Not rated",
                    gap.explained,
                    _evidence_text(gap.evidence, visible),
                    "; ".join(action_names.get(a, f"Action {a}") for a in gap.actions)
                    or ("No action addresses this" if gap.state.value == "red" else ""),
                )
            )
    return headers, rows


def _evidence_text(ids: tuple[str, ...], visible: dict[str, Any]) -> str:
    shown = [visible[i].service_name for i in ids if i in visible]
    hidden = len(ids) - len(shown)
    text = "; ".join(shown)
    if hidden:
        text += f"{'; ' if text else ''}{hidden} not shared with you"
    return text


@table("stakeholders", "Stakeholders")
def stakeholders(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    fw = ctx.framework
    headers = ("Name", "Organisation", "Type", "Subtype", "Carer groups", "Engagement", "Notes")
    rows: list[tuple[Cell, ...]] = [
        (
            s.name,
            s.organisation,
            stakeholder_service.type_name(fw, s.type_code),
            stakeholder_service.subtype_label(fw, s.subtype_code),
            stakeholder_service.group_names(fw, s.groups),
            stakeholder_service.engagement_label(s.engagement),
            s.notes,
        )
        for s in stakeholder_service.stakeholders(ctx.audit)
    ]
    return headers, rows


@table("population", "Population statistics")
def population(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    fw = ctx.framework
    headers = (
        "What is measured",
        "Value",
        "Unit",
        "Geography",
        "Locality or ward",
        "Carer group",
        "Community",
        "Source",
        "Year",
        "Notes",
    )
    rows: list[tuple[Cell, ...]] = [
        (
            s.measure,
            _points(s.value) if s.unit == "percentage" else s.value,
            s.unit.replace("_", " "),
            s.geography_level,
            s.geography_name,
            stakeholder_service.group_name(fw, s.group_code),
            s.community,
            s.source,
            s.year,
            s.notes,
        )
        for s in stakeholder_service.statistics(ctx.audit)
    ]
    return headers, rows


@table("priorities", "Priorities")
def priorities(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    headers = ("Rank", "Priority change", "Description", "What carers said", "Outcomes")
    rows: list[tuple[Cell, ...]] = [
        (
            p.rank,
            p.title,
            p.description,
            p.carers_said,
            plan_service.outcome_names(ctx.framework, p.outcomes),
        )
        for p in plan_service.priorities(ctx.audit)
    ]
    return headers, rows


@table("action_plan", "Action plan")
def action_plan(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    fw = ctx.framework
    headers = (
        "Objective",
        "Action",
        "Target or measure",
        "Due by",
        "Timescale",
        "Leads",
        "Delivery capacity",
        "Activity or service",
        "Interventions",
        "Sub-outcomes",
        "Carer groups",
        "Kind of change",
        "Commissioning route",
        "Latest progress",
        "Latest update on",
        "Latest commentary",
    )
    rows: list[tuple[Cell, ...]] = []
    for action in plan_service.actions(ctx.audit):
        latest = plan_service.latest(action)
        rows.append(
            (
                action.objective.title if action.objective else "",
                action.description,
                action.target_measure,
                action.due_by,
                action.timescale,
                plan_service.leads_text(action.leads),
                action.capacity,
                action.service,
                plan_service.intervention_names(fw, action.interventions),
                ", ".join(action.sub_outcomes or []),
                plan_service.group_names(fw, action.groups),
                plan_service.list_label(fw, "kinds_of_change", action.kind_of_change),
                plan_service.list_label(fw, "commissioning_routes", action.commissioning_route),
                plan_service.rag_label(plan_service.rag_of(action)),
                latest.on if latest else None,
                latest.commentary if latest else None,
            )
        )
    return headers, rows


@table("action_updates", "Progress updates")
def action_updates(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """Every dated progress update of every action, oldest first within each action."""
    headers = ("Action", "Date of update", "Progress", "Commentary", "Objective")
    rows: list[tuple[Cell, ...]] = [
        (
            action.description,
            update.on,
            plan_service.rag_label(update.rag),
            update.commentary,
            action.objective.title if action.objective else "",
        )
        for action in plan_service.actions(ctx.audit)
        for update in plan_service.history(action, newest_first=False)
    ]
    return headers, rows


@table("funding", "Funding")
def funding(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    headers = ("Partner", "Contribution (£)", "Share spent on breaks (%)", "Notes")
    rows: list[tuple[Cell, ...]] = [
        (row.partner, money(row.amount), _points(row.breaks_share), row.notes)
        for row in plan_service.funding(ctx.audit)
    ]
    return headers, rows


def _points(value: Decimal | None) -> Figure | None:
    """A percentage entered in points under a header saying "%" ("40" for 40%)."""
    return None if value is None else percent(value, places_of(value), sign=False)


def _evidence(ctx: ExportContext) -> list[Any]:
    return evidence_service.visible_returns(ctx.audit, ctx.user, ctx.role)


@table("evidence", "Evidence returns")
def evidence(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    fw = ctx.framework
    headers = (
        "Service",
        "Organisation",
        "Status",
        "Interventions",
        "Groups reached",
        "Groups not reached",
        "Numbers reached",
        "Quality marks",
        "Satisfaction",
        "Unit cost (£)",
        "Date of evidence",
        "Review by",
    )
    rows: list[tuple[Cell, ...]] = [
        (
            e.service_name,
            e.organisation.name if e.organisation else "",
            e.status_label,
            plan_service.intervention_names(fw, e.interventions),
            plan_service.group_names(fw, e.groups_reached),
            plan_service.group_names(fw, e.groups_not_reached),
            e.numbers_reached,
            ", ".join(
                plan_service.list_label(fw, "quality_marks", m) for m in e.quality_marks or []
            ),
            e.satisfaction,
            None if e.unit_cost is None else money(e.unit_cost),
            e.evidence_date,
            e.review_by,
        )
        for e in _evidence(ctx)
    ]
    return headers, rows


@table("indicators", "Indicators")
def indicators(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """Every period of every indicator, assessed by the hub_model rules (seed 002's columns)."""
    from audit_app.services import indicators as step3

    headers = (
        "Ref",
        "Description",
        "Type",
        "Period",
        "Previous",
        "Target",
        "Numerator/denominator",
        "Result",
        "Target variance",
        "Direction of travel",
        "RAG",
        "Benchmarking",
        "Comments",
        "Proposed intervention",
    )
    rows: list[tuple[Cell, ...]] = []
    for indicator in step3.indicators(ctx.audit):
        for row in step3.rows_of(indicator):
            found, definition = row.assessment, row.assessment.definition
            rows.append(
                (
                    indicator.ref,
                    indicator.title,
                    indicator.indicator_type.capitalize(),
                    row.value.period_label,
                    indicator_figure(found.value.previous, definition),
                    indicator_figure(found.value.target, definition),
                    found.numerator_denominator,
                    indicator_figure(found.result, definition),
                    None if found.variance is None else percent(found.variance, 1),
                    label(found.direction),
                    label(found.rag),
                    _benchmark(row, definition),
                    row.value.comments or "",
                    row.value.proposed_intervention or "",
                )
            )
    return headers, rows


def indicator_figure(value: Decimal | None, definition: IndicatorDefinition) -> Figure | None:
    """A result, previous result or target as the dashboard shows it ("59.52%", "640"),
    as a number (a percentage as a percent) for a spreadsheet; None if there is none."""
    if value is None:
        return None
    places = definition.display_decimals
    return percent(value, places) if definition.unit is Unit.PERCENTAGE else number(value, places)


def _benchmark(row: Any, definition: IndicatorDefinition) -> Figure | str | None:
    """The benchmark figure; with its comparator group, words ("12.4% (England)")."""
    if row.indicator.comparator_group and row.value.benchmark is not None:
        return str(row.benchmark_text)
    return indicator_figure(row.value.benchmark, definition)


# (heading, Indicator attribute) of each written part of a report card (seed 004).
REPORT_CARD = (
    ("Why it matters", "why_it_matters"),
    ("The story behind the baseline", "story"),
    ("What will success look like?", "success"),
    ("Partners with a role to play", "partners"),
    ("What works", "what_works"),
    ("Responsible officers", "responsible_officers"),
    ("Data owner", "data_owner"),
    ("Data gaps", "data_gaps"),
)


@table("report_cards", "Report cards")
def report_cards(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """Each indicator's report card in words, one row per indicator."""
    from audit_app.services import indicators as step3

    headers = ("Ref", "Description", "Accountability", *(heading for heading, _ in REPORT_CARD))
    rows: list[tuple[Cell, ...]] = [
        (
            indicator.ref,
            indicator.title,
            step3.ACCOUNTABILITY.get(indicator.accountability or "", ""),
            *(getattr(indicator, name) or "" for _, name in REPORT_CARD),
        )
        for indicator in step3.indicators(ctx.audit)
    ]
    return headers, rows


def _interval(estimate: Any, times: int = 1) -> tuple[Cell, Cell, Cell]:
    """An estimate and its 95% interval as numbers to two places; "[c]" where hidden."""
    if estimate is None:
        return HIDDEN, HIDDEN, HIDDEN
    ends = [estimate.value, estimate.low, estimate.high]
    return tuple(  # type: ignore[return-value]
        None if end is None else number(Decimal(str(round(end * times, 6))), 2) for end in ends
    )


@table("quality_of_life", "Carers' quality of life")
def carers_quality_of_life(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """The carers' survey scored as the national measure, beside the published figures:
    only for those who read survey results (the lead, commissioners), every figure
    through the suppression rule as on the page."""
    from audit_app.services import quality_of_life
    from audit_app.services import questionnaires as surveys

    headers = ("Figure", "Carers", "Value", "95% CI low", "95% CI high", "Carers it is about")
    if ctx.role not in surveys.RESULT_READERS:
        return headers, []
    found = quality_of_life.results_for_audit(ctx.audit)
    names = surveys.group_names(ctx.framework)
    rows: list[tuple[Cell, ...]] = []
    if found:
        result = found[0].result
        title = result.scoring.score_title
        for row in (result.everyone, *result.groups):
            group = "All carers" if row.group is None else names.get(row.group, row.group)
            shown = _interval(row.mean) if row.scored else (None, None, None)
            rows.append((title, group, *shown, HIDDEN if row.scored is None else row.scored))
        everyone = result.everyone
        rows.append(
            (
                "Carers with no score (left out a question)",
                "All carers",
                HIDDEN if everyone.no_score is None else everyone.no_score,
                None,
                None,
                None,
            )
        )
        for measure in result.measures:
            shown = _interval(measure.share, 100) if measure.base != 0 else (None, None, None)
            base = HIDDEN if measure.base is None else measure.base
            rows.append((f"{measure.measure.title} (local)", "All carers", *shown, base))
    for c in quality_of_life.comparisons(ctx.audit, found):
        rows.append(
            (
                f"{c.title}, published {c.figure.year}",
                "All carers",
                number(c.figure.value, places_of(c.figure.value)),
                None if c.figure.ci_low is None else number(c.figure.ci_low, 2),
                None if c.figure.ci_high is None else number(c.figure.ci_high, 2),
                c.figure.base,
            )
        )
    return headers, rows


@table("cqc_self_assessment", "CQC self-assessment", judgements=True)
def cqc_self_assessment(ctx: ExportContext) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """Each CQC quality statement: how many evidence categories hold evidence, the
    gaps, the suggested score and the lead's own score and narrative (scores as
    numbers), as on the page."""
    from audit_app.services import cqc

    headers = (
        "Number",
        "Quality statement",
        "Theme",
        "Categories with evidence",
        "Categories without evidence",
        "Suggested score",
        "Why this suggestion",
        "Lead's score",
        "Lead's score in words",
        "Lead's narrative",
    )
    framework = cqc.framework()
    rows: list[tuple[Cell, ...]] = []
    for view in cqc.statement_views(ctx.audit, ctx.user, ctx.role, lead_view=True):
        score = view.judgement.score if view.judgement else None
        rows.append(
            (
                view.statement.number,
                view.statement.name,
                view.theme,
                view.categories_held,
                "; ".join(framework.category(c).name for c in view.suggestion.gaps),
                view.suggestion.score,
                view.suggestion.why,
                score,
                framework.words(score) if score else "Not scored",
                view.judgement.narrative if view.judgement else None,
            )
        )
    return headers, rows


# The comparisons with the last cycle and with other areas come after these tables.
from audit_app.services import comparisons  # noqa: E402, F401
