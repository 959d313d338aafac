"""The maps of an audit: hub wheel, RAG and maturity maps, Appendix A map, gap map.

:func:`audit_maps` reads the audit's judgements once into plain data, applies
the hub_model rules and caches the result per audit revision
(services.chart_cache); the chart functions below render from it and are
cached the same way. The export pages import :func:`wheel_chart` and
:func:`map_chart`, which return image bytes; the PDF, :func:`print_wheel_chart`
and :func:`print_map_chart` (drawn for A4, cached under names of their own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, ChecklistJudgement, EvidenceReturn, Rating, User
from audit_app.models.judgements import checklist_evidence, rating_evidence
from audit_app.models.plan import Action
from audit_app.services import evidence as evidence_service
from audit_app.services.chart_cache import cached
from audit_app.services.frameworks import framework_of
from audit_app.services.scope import assessed_groups
from hub_model import checklist as checklist_rules
from hub_model.checklist import ChecklistCell, ChecklistSummary
from hub_model.gap_map import GapMap, GapMapInput, PlanAction, gap_map
from hub_model.ratings import RULE, SPREAD_RULE, Summary, summarise_grid
from hub_model.scales import ChecklistStatus, Maturity, Rag

MAP_KINDS = ("rag", "maturity", "checklist")
WHEEL_SCALES = ("rag", "maturity")
IMAGE_FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass(frozen=True)
class Named:
    code: str
    name: str


@dataclass(frozen=True)
class OutcomeInfo:
    code: str
    short_title: str
    title: str
    sub_outcomes: tuple[Named, ...]  # name: the outcome indicator
    interventions: tuple[str, ...]  # linked intervention codes


@dataclass(frozen=True)
class MapData:
    """Everything the map pages and charts show, as plain picklable data."""

    audit_id: int
    revision: int
    title: str
    published: bool
    groups: tuple[Named, ...]
    interventions: tuple[Named, ...]
    outcomes: tuple[OutcomeInfo, ...]
    rag: dict[tuple[str, str], Rag]
    maturity: dict[tuple[str, str], Maturity]
    checklist: dict[tuple[str, str], ChecklistCell]
    rag_summaries: dict[str, Summary[Rag]]
    maturity_summaries: dict[str, Summary[Maturity]]
    checklist_summaries: dict[str, ChecklistSummary]
    gaps: GapMap

    def group_name(self, code: str) -> str:
        return next((g.name for g in self.groups if g.code == code), code)

    def intervention_name(self, code: str) -> str:
        return next((i.name for i in self.interventions if i.code == code), code)

    def outcome(self, code: str) -> OutcomeInfo:
        return next(o for o in self.outcomes if o.code == code)

    def wheel_rows(self) -> list[tuple[OutcomeInfo, list[str]]]:
        """Each adult outcome with the interventions drawn around it: every
        intervention once, beside the first adult outcome it serves."""
        placed: set[str] = set()
        rows = []
        for outcome in self.outcomes:
            mine = [code for code in outcome.interventions if code not in placed]
            placed.update(mine)
            rows.append((outcome, mine))
        return rows


RAG_RULE = RULE
MATURITY_RULE = (
    "An intervention's maturity summary is its least developed rated carer group "
    "(early, then intermediate, then advanced): a gap for any group is a gap. Groups not "
    "rated are counted separately and never improve the summary. If no group is rated, "
    "the summary is not rated."
)
CHECKLIST_RULE = checklist_rules.CHECKLIST_RULE
SPREAD = SPREAD_RULE


def gap_map_input(audit: Audit) -> GapMapInput:
    """The audit's judgements as the gap map's plain input (no cache)."""
    return _read(audit)[1]


def compute_map_data(audit: Audit) -> MapData:
    """Read the audit's judgements and apply the hub_model rules (no cache)."""
    framework, data, groups, interventions, outcomes = _read(audit)
    group_codes = [g.code for g in groups]
    codes = [i.code for i in interventions]
    checklist = data.checklist
    all_subs = [s.code for o in outcomes for s in o.sub_outcomes]
    by_sub = {
        sub: checklist_rules.summarise_cells(
            [(g, checklist.get((sub, g), checklist_rules.EMPTY)) for g in group_codes]
        )
        for sub in all_subs
    }
    return MapData(
        audit_id=audit.id,
        revision=audit.revision or 0,
        title=audit.title,
        published=audit.is_published,
        groups=groups,
        interventions=interventions,
        outcomes=outcomes,
        rag=dict(data.rag),
        maturity=dict(data.maturity),
        checklist=dict(checklist),
        rag_summaries=summarise_grid(data.rag, codes, group_codes, Rag),
        maturity_summaries=summarise_grid(data.maturity, codes, group_codes, Maturity),
        checklist_summaries=by_sub,
        gaps=gap_map(data),
    )


def _read(
    audit: Audit,
) -> tuple[Any, GapMapInput, tuple[Named, ...], tuple[Named, ...], tuple[OutcomeInfo, ...]]:
    framework = framework_of(audit)
    groups = tuple(Named(g.code, g.name) for g in assessed_groups(audit, framework))
    group_codes = [g.code for g in groups]
    interventions = tuple(Named(i.code, i.name) for i in framework.interventions)
    codes = [i.code for i in interventions]
    outcomes = tuple(
        OutcomeInfo(
            o.code,
            o.short_title,
            o.title,
            tuple(Named(s.code, s.indicator) for s in framework.sub_outcomes_for(o.code)),
            tuple(i.code for i in framework.interventions_for(o.code)),
        )
        for o in framework.adult_outcomes()
    )
    rag: dict[tuple[str, str], Rag] = {}
    maturity: dict[tuple[str, str], Maturity] = {}
    rating_ids: dict[int, tuple[str, str]] = {}
    rating_why: dict[tuple[str, str], str] = {}
    for rid, intervention, group, rag_value, maturity_value, why in db.session.execute(
        select(
            Rating.id,
            Rating.intervention,
            Rating.group_code,
            Rating.rag,
            Rating.maturity,
            Rating.rationale,
        ).where(Rating.audit_id == audit.id)
    ):
        rag[(intervention, group)] = Rag(rag_value)
        maturity[(intervention, group)] = Maturity(maturity_value)
        rating_ids[rid] = (intervention, group)
        rating_why[(intervention, group)] = (why or "").strip()
    checklist: dict[tuple[str, str], ChecklistCell] = {}
    judgement_ids: dict[int, tuple[str, str]] = {}
    checklist_why: dict[tuple[str, str], str] = {}
    for jid, sub, group, status, indicator, why in db.session.execute(
        select(
            ChecklistJudgement.id,
            ChecklistJudgement.sub_outcome,
            ChecklistJudgement.group_code,
            ChecklistJudgement.status,
            ChecklistJudgement.indicator,
            ChecklistJudgement.rationale,
        ).where(ChecklistJudgement.audit_id == audit.id)
    ):
        checklist[(sub, group)] = ChecklistCell(ChecklistStatus(status), Rag(indicator))
        judgement_ids[jid] = (sub, group)
        checklist_why[(sub, group)] = (why or "").strip()
    data = GapMapInput(
        sub_outcomes={o.code: [s.code for s in o.sub_outcomes] for o in outcomes},
        links={o.code: list(o.interventions) for o in outcomes},
        interventions=codes,
        groups=group_codes,
        rag=rag,
        maturity=maturity,
        checklist=checklist,
        rating_evidence=_evidence(audit, rating_evidence, "rating_id", rating_ids),
        checklist_evidence=_evidence(audit, checklist_evidence, "judgement_id", judgement_ids),
        actions=_actions(audit),
        descriptors={o.code: framework.inspection.grades_for(o.code) for o in outcomes},
        rating_rationale=rating_why,
        checklist_rationale=checklist_why,
    )
    return framework, data, groups, interventions, outcomes


def _evidence(
    audit: Audit, table: Any, column: str, keys: dict[int, tuple[str, str]]
) -> dict[tuple[str, str], list[str]]:
    if not keys:
        return {}
    found: dict[tuple[str, str], list[str]] = {}
    rows = db.session.execute(
        select(table.c[column], table.c.evidence_id)
        .join(EvidenceReturn, EvidenceReturn.id == table.c.evidence_id)
        .where(EvidenceReturn.audit_id == audit.id)
        .order_by(table.c.evidence_id)
    )
    for owner, evidence_id in rows:
        if owner in keys:
            found.setdefault(keys[owner], []).append(str(evidence_id))
    return found


def _actions(audit: Audit) -> list[PlanAction]:
    rows = db.session.execute(
        select(Action.id, Action.interventions, Action.sub_outcomes, Action.groups)
        .where(Action.audit_id == audit.id)
        .order_by(Action.id)
    )
    return [
        PlanAction(str(aid), tuple(i or ()), tuple(s or ()), tuple(g or ()))
        for aid, i, s, g in rows
    ]


def audit_maps(audit: Audit) -> MapData:
    """The audit's map data, computed once per revision."""
    return cached(audit, "map-data", lambda: compute_map_data(audit))


# --- charts ------------------------------------------------------------------


def wheel_chart(audit: Audit, scale: str, fmt: str) -> bytes:
    """The hub wheel (``scale`` "rag" or "maturity") as SVG or PNG bytes, cached."""
    from audit_app.services import charts

    if scale not in WHEEL_SCALES or fmt not in IMAGE_FORMATS:
        raise ValueError(f"no {scale} wheel as {fmt}")
    return cached(
        audit, f"wheel-{scale}.{fmt}", lambda: charts.wheel(audit_maps(audit), scale, fmt)
    )


def map_chart(audit: Audit, kind: str) -> bytes:
    """The RAG, maturity or Appendix A (``kind`` "checklist") map as PNG bytes, cached."""
    from audit_app.services import charts

    if kind not in MAP_KINDS:
        raise ValueError(f"no {kind} map")
    return cached(audit, f"map-{kind}.png", lambda: charts.grid_map(audit_maps(audit), kind))


def print_wheel_chart(audit: Audit, scale: str) -> bytes:
    """The hub wheel drawn for the PDF (services.print_charts) as PNG bytes, cached
    apart from the screen's."""
    from audit_app.services import print_charts

    if scale not in WHEEL_SCALES:
        raise ValueError(f"no {scale} wheel")
    return cached(
        audit, f"print-wheel-{scale}.png", lambda: print_charts.wheel_png(audit_maps(audit), scale)
    )


def print_map_chart(audit: Audit, kind: str) -> bytes:
    """A grid map drawn for the PDF as PNG bytes, cached apart from the screen's."""
    from audit_app.services import print_charts

    if kind not in MAP_KINDS:
        raise ValueError(f"no {kind} map")
    return cached(
        audit, f"print-map-{kind}.png", lambda: print_charts.grid_png(audit_maps(audit), kind)
    )


# --- a cell, read-only ---------------------------------------------------------


@dataclass(frozen=True)
class CellView:
    """One cell of a map as anyone in the audit may read it."""

    kind: str  # "rating" or "checklist"
    row: Named
    group: Named
    record: Rating | ChecklistJudgement | None
    evidence: list[EvidenceReturn]  # the linked returns this person may see
    hidden_evidence: int  # linked returns this person may not see


def rating_cell(audit: Audit, intervention: str, group: str, user: User, role: str) -> CellView:
    data = audit_maps(audit)
    row = next((i for i in data.interventions if i.code == intervention), None)
    column = next((g for g in data.groups if g.code == group), None)
    if row is None or column is None:
        abort(404)
    record = db.session.scalar(
        select(Rating).where(
            Rating.audit_id == audit.id,
            Rating.intervention == intervention,
            Rating.group_code == group,
        )
    )
    return _cell("rating", row, column, record, audit, user, role)


def checklist_cell(audit: Audit, sub_outcome: str, group: str, user: User, role: str) -> CellView:
    data = audit_maps(audit)
    subs = {s.code: s for o in data.outcomes for s in o.sub_outcomes}
    column = next((g for g in data.groups if g.code == group), None)
    if sub_outcome not in subs or column is None:
        abort(404)
    record = db.session.scalar(
        select(ChecklistJudgement).where(
            ChecklistJudgement.audit_id == audit.id,
            ChecklistJudgement.sub_outcome == sub_outcome,
            ChecklistJudgement.group_code == group,
        )
    )
    return _cell("checklist", subs[sub_outcome], column, record, audit, user, role)


def _cell(
    kind: str,
    row: Named,
    group: Named,
    record: Rating | ChecklistJudgement | None,
    audit: Audit,
    user: User,
    role: str,
) -> CellView:
    linked = list(record.evidence) if record is not None else []
    visible, hidden = evidence_service.split_linked(linked, audit, user, role)
    return CellView(kind, row, group, record, visible, hidden)


def visible_evidence(audit: Audit, user: User, role: str) -> dict[str, str]:
    """The service names of the audit's evidence returns this person may see, by id as
    the gap map names them; read once per revision for each reader (the gap map,
    kept per revision, then makes no query of its own)."""

    def read() -> dict[str, str]:
        names = evidence_service.visible_names(audit, user, role)
        return {str(rid): name for rid, name in names.items()}

    return cached(audit, f"visible-evidence-{evidence_service.reader_key(user, role)}", read)


def action_names(audit: Audit) -> dict[str, str]:
    """Each action's description by id as the gap map names them."""
    rows = db.session.execute(
        select(Action.id, Action.description).where(Action.audit_id == audit.id)
    )
    return {str(aid): description for aid, description in rows}
