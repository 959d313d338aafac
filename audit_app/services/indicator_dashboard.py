"""The indicator dashboard in seed 002's layout, and the OBA report card of seed 004.

The figures come from hub_model.indicator_summary (summary table, met / not met
tables) and hub_model.action_plan (commissioning intentions); this module only
gathers the audit's rows for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from audit_app.models import Audit
from audit_app.models.indicators import Indicator
from audit_app.models.plan import Action
from audit_app.services import indicators as step3
from audit_app.services import plan as step4
from audit_app.services.indicator_chart import Curve, curve_of
from audit_app.services.indicator_peers import AREAS_RULE, PeerValue, peer_values
from hub_model.framework_schema import Framework
from hub_model.indicator_summary import RULE as SUMMARY_RULE
from hub_model.indicator_summary import DashboardSummary, dashboard_summary, split_by_target
from hub_model.indicator_trend import FORECAST_RULE, turn_rule
from hub_model.indicators import (
    DIRECTION_RULE,
    RAG_RULE,
    VARIANCE_RULE,
    IndicatorType,
    describe_thresholds,
    format_value,
)
from hub_model.scales import Rag4

PERIOD_RULE = (
    "The dashboard shows each indicator's latest period ending on or before the chosen date."
)
RULES = (
    PERIOD_RULE,
    SUMMARY_RULE,
    VARIANCE_RULE,
    DIRECTION_RULE,
    RAG_RULE,
    step3.PREVIOUS_RULE,
    AREAS_RULE,
)


@dataclass(frozen=True)
class Dashboard:
    rows: list[step3.Row]
    summary: DashboardSummary
    not_met: list[step3.Row]
    met: list[step3.Row]
    not_assessed: list[step3.Row]
    intentions: list[tuple[str, str, str]]  # (action, progress RAG, latest commentary)
    progress: step4.Progress
    # Other areas' latest results by indicator id (services.indicator_peers).
    peers: dict[int, list[PeerValue]] = field(default_factory=dict)
    rules: tuple[str, ...] = RULES

    @property
    def rag_levels(self) -> tuple[Rag4, ...]:
        return step3.RAG_LEVELS

    @property
    def type_rows(self) -> list[tuple[IndicatorType, object]]:
        return [(kind, self.summary.by_type[kind]) for kind in IndicatorType]


def dashboard(
    audit: Audit, as_of: date | None, today: date, others: Sequence[Audit] = ()
) -> Dashboard:
    """Seed 002's dashboard for the period ending ``as_of``, benchmarked against the
    published audits of other areas in ``others`` (services.indicator_peers)."""
    rows = step3.latest_rows(audit, as_of)
    by_assessment = {id(row.assessment): row for row in rows}
    expected: dict[IndicatorType, int] = dict.fromkeys(IndicatorType, 0)
    for row in rows:
        if row.value.expected_to_report:
            expected[row.assessment.definition.indicator_type] += 1
    summary = dashboard_summary([row.assessment for row in rows], expected)
    tables = split_by_target(row.assessment for row in rows)
    actions = step4.actions(audit)
    intentions = []
    for action in actions:
        latest = step4.latest(action)
        intentions.append(
            (action.description, step4.rag_of(action), latest.commentary if latest else "")
        )
    return Dashboard(
        rows=rows,
        summary=summary,
        not_met=[by_assessment[id(a)] for a in tables.not_met],
        met=[by_assessment[id(a)] for a in tables.met],
        not_assessed=[by_assessment[id(a)] for a in tables.not_assessed],
        intentions=intentions,
        progress=step4.progress(actions, today),
        peers=peer_values(audit, others),
    )


@dataclass(frozen=True)
class ReportCard:
    rows: list[step3.Row]
    curve: Curve
    turned: bool | None
    outcomes: str
    interventions: str
    actions: list[str]
    proposed: list[tuple[str, list[str]]]
    forecast_table: list[tuple[str, str]]
    forecast_rule: str
    thresholds: str  # the RAG thresholds in words
    turn_rule: str = ""


def _actions_for(audit: Audit, indicator: Indicator, actions: Sequence[Action] | None) -> list[str]:
    """The plan's actions that share an intervention with the indicator."""
    linked = set(indicator.interventions or [])
    found = [
        action.description
        for action in (step4.actions(audit, updates=False) if actions is None else actions)
        if linked and linked & set(action.interventions or [])
    ]
    return found


def report_card(
    audit: Audit,
    indicator: Indicator,
    framework: Framework,
    actions: Sequence[Action] | None = None,
) -> ReportCard:
    """One indicator's report card; ``actions``, the audit's plan when the caller
    has it already (the report makes every card: one query for all of them)."""
    rows = step3.rows_of(indicator)
    spec = step3.definition(indicator)
    curve = curve_of(rows)
    return ReportCard(
        rows=rows,
        curve=curve,
        turned=step3.turned(rows),
        outcomes=step4.outcome_names(framework, indicator.outcomes),
        interventions=step4.intervention_names(framework, indicator.interventions),
        actions=_actions_for(audit, indicator, actions),
        proposed=proposed(rows),
        forecast_table=[
            (label, format_value(value, spec))
            for label, value in zip(curve.forecast_periods, curve.forecast, strict=True)
        ],
        forecast_rule=FORECAST_RULE.format(ahead=len(curve.forecast) or 2),
        thresholds=describe_thresholds(step3.definition(indicator).thresholds),
        turn_rule=turn_rule(spec.display_decimals, spec.unit, spec.turn_tolerance),
    )


def proposed(rows: Sequence[step3.Row]) -> list[tuple[str, list[str]]]:
    """Each proposed intervention of a missed period, once, with the periods proposing it."""
    found: dict[str, list[str]] = {}
    for row in rows:
        text = row.value.proposed_intervention
        if row.assessment.met is False and text:
            found.setdefault(text, []).append(row.value.period_label)
    return list(found.items())
