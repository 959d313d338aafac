"""The CQC self-assessment: for each of CQC's nine quality statements, the evidence the
audit already holds sorted into CQC's evidence categories, the gaps, the suggested
score (hub_model.cqc_score) and the lead's own score and narrative.

The cross-walk (hub_model/frameworks/cqc/) is checked once, against the built-in Hub
framework, the quality-of-life scoring and the shipped questionnaires; an audit whose
framework was tailored simply has fewer of the codes it links from.

Who sees what follows the pages the evidence comes from: the page is made of the
lead's judgements (404 for partners on a draft: access.audit_with_judgements_or_404);
survey figures are for those who read questionnaire results (the lead and
commissioners), so partners see that survey evidence is held, without its figures
or the score read from them; evidence returns follow their own rule
(services.evidence). The suggestion is worked out from the evidence the person
sees, so it never rests on a figure they may not read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import abort
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, CqcJudgement, EvidenceReturn, User
from audit_app.services import evidence as evidence_service
from audit_app.services import indicators as step3
from audit_app.services import judgements, quality_of_life, questionnaires
from audit_app.services.changes import Change, save
from audit_app.services.frameworks import framework_of
from hub_model.cqc import (
    Category,
    CqcFramework,
    Crosswalk,
    Known,
    LinkKind,
    Statement,
    load_cqc,
    load_crosswalk,
)
from hub_model.cqc_score import RULE as SCORE_RULE
from hub_model.cqc_score import (
    Evidence,
    Suggestion,
    checklist_reading,
    indicator_reading,
    measure_reading,
    rating_reading,
    suggest,
)
from hub_model.framework import load_builtin
from hub_model.framework_schema import Framework
from hub_model.scales import ChecklistStatus, Maturity, Rag, Rag4, label
from questionnaires import definition_paths

ENTITY = "self-assessment"  # the audit trail's name for a lead's CQC score
RULE = SCORE_RULE  # the suggested score's rule, for the pages that state it


def framework() -> CqcFramework:
    return load_cqc()


@cache
def crosswalk() -> Crosswalk:
    """The cross-walk, checked once against everything it may link from."""
    hub = load_builtin()
    indicator_refs = [entry.ref for entry in step3.catalogue(hub)]
    return load_crosswalk(
        Known(
            {
                LinkKind.SUB_OUTCOME: frozenset(s.code for s in hub.checklist),
                LinkKind.INTERVENTION: frozenset(i.code for i in hub.interventions),
                LinkKind.INDICATOR: frozenset(indicator_refs),
                LinkKind.MEASURE: frozenset(quality_of_life.scoring().measure_codes()),
                LinkKind.QUESTIONNAIRE: frozenset(path.stem for path in definition_paths()),
            }
        )
    )


@dataclass(frozen=True)
class StatementView:
    """One quality statement as the page shows it."""

    statement: Statement
    theme: str
    evidence: dict[Category, list[Evidence]]
    suggestion: Suggestion
    judgement: CqcJudgement | None  # None: the lead has not scored it, or it is not shown

    @property
    def categories_held(self) -> int:
        return sum(1 for items in self.evidence.values() if items)


def judgements_of(audit: Audit) -> dict[str, CqcJudgement]:
    rows = db.session.scalars(select(CqcJudgement).where(CqcJudgement.audit_id == audit.id))
    return {row.statement: row for row in rows}


def statement_or_404(code: str) -> Statement:
    if code not in {s.code for s in framework().statements}:
        abort(404)
    return framework().statement(code)


def judgement_for(audit: Audit, code: str) -> CqcJudgement:
    """The lead's judgement of statement ``code`` (a new, unsaved one if never saved)."""
    found = db.session.scalar(
        select(CqcJudgement).where(
            CqcJudgement.audit_id == audit.id, CqcJudgement.statement == code
        )
    )
    return found or CqcJudgement(audit_id=audit.id, statement=code)


def label_of(statement: Statement) -> str:
    return f"{statement.number}. {statement.name}"


def save_judgement(
    audit: Audit,
    record: CqcJudgement,
    score: int | None,
    narrative: str | None,
    loaded_version: int | None,
    user: User,
) -> Any:
    """Save the lead's score and narrative (confirming one carried from the last
    cycle); in the trail. Raises StaleEdit or SaveFailed (services.changes)."""
    statement = framework().statement(record.statement)
    change = Change(
        audit,
        record,
        {"score": score, "narrative": narrative, "needs_confirmation": False},
        ENTITY,
        label_of(statement),
        loaded_version,
    )
    return save(change, user)


# The evidence, by statement and category.


class _Collector:
    def __init__(self, audit: Audit, user: User, role: str) -> None:
        self.audit = audit
        self.hub: Framework = framework_of(audit)
        self.walk = crosswalk()
        self.reads_results = role in questionnaires.RESULT_READERS
        self.user = user
        self.role = role
        self.found: dict[str, dict[Category, list[Evidence]]] = defaultdict(
            lambda: {category: [] for category in Category}
        )

    def add(self, kind: LinkKind, code: str, category: Category, item: Evidence) -> None:
        for statement in self.walk.statements_of(kind, code):
            self.found[statement][category].append(item)

    def ratings(self) -> None:
        grid = judgements.rating_grid(self.audit)
        names = {g.code: g.name for g in grid.groups}
        by_intervention: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
        for (code, group), rating in sorted(grid.ratings.items()):
            reading = rating_reading(Rag(rating.rag), Maturity(rating.maturity))
            if reading is not None and group in names:
                words = label(Rag(rating.rag)).lower()
                if rating.maturity != Maturity.NOT_RATED.value:
                    words += f", {label(Maturity(rating.maturity)).lower()}"
                by_intervention[code].append((names[group], reading, words))
        for intervention in self.hub.interventions:
            # The weakest groups first: they are what a suggestion rests on.
            cells = sorted(by_intervention.get(intervention.code, []), key=lambda c: c[1])
            if cells:
                self.add(
                    LinkKind.INTERVENTION,
                    intervention.code,
                    Category.PROCESSES,
                    Evidence(
                        Category.PROCESSES,
                        f"Rating of {intervention.name}: "
                        + "; ".join(f"{group}: {words}" for group, _, words in cells),
                        min(reading for _, reading, _ in cells),
                    ),
                )

    def checklist(self) -> None:
        cells = judgements.checklist_cells(self.audit)
        names = {g.code: g.name for g, _ in self.hub.groups_flat()}
        for sub in self.hub.checklist:
            rows = [
                (names.get(group, group), checklist_reading(ChecklistStatus(cell.status)), cell)
                for (code, group), cell in sorted(cells.items())
                if code == sub.code
            ]
            rows = sorted((row for row in rows if row[1] is not None), key=lambda r: r[1] or 0)
            if rows:
                self.add(
                    LinkKind.SUB_OUTCOME,
                    sub.code,
                    Category.PROCESSES,
                    Evidence(
                        Category.PROCESSES,
                        f"Appendix A {sub.code} ({sub.indicator.rstrip('.')}): "
                        + "; ".join(
                            f"{group}: {label(ChecklistStatus(cell.status)).lower()}"
                            for group, _, cell in rows
                        ),
                        min(reading for _, reading, _ in rows if reading is not None),
                    ),
                )

    def indicators(self) -> None:
        for row in step3.latest_rows(self.audit, None):
            ref = row.indicator.catalogue_ref
            if not ref:
                continue
            rag = row.assessment.rag
            result = row.assessment.result_text or "no result"
            words = f"{label(rag).lower()}" if rag is not Rag4.NOT_RATED else "not rated"
            self.add(
                LinkKind.INDICATOR,
                ref,
                Category.OUTCOMES,
                Evidence(
                    Category.OUTCOMES,
                    f"Indicator {row.indicator.ref} {row.indicator.title}: {result} in "
                    f"{row.value.period_label}, {words}",
                    indicator_reading(rag),
                ),
            )

    def measures(self) -> None:
        found = quality_of_life.results_for_audit(self.audit)
        scoring = quality_of_life.scoring()
        comparisons = {c.figure.measure: c for c in quality_of_life.comparisons(self.audit, found)}
        for code in scoring.measure_codes():
            comparison = comparisons.get(code)
            local, base = quality_of_life.local_figure(found[0], code) if found else (None, None)
            if local is None and comparison is None:
                continue
            title = scoring.title_of(code)
            published = float(comparison.figure.value) if comparison else None
            reading = measure_reading(local.high if local else None, published)
            if not self.reads_results:
                text = f"{title}: from the carers' survey (its figures are shown to the carers lead and commissioners)"
                reading = None
            else:
                text = (
                    title + ": " + _measure_words(local, base, comparison, scoring.is_share(code))
                )
            self.add(
                LinkKind.MEASURE,
                code,
                Category.PEOPLE_EXPERIENCE,
                Evidence(Category.PEOPLE_EXPERIENCE, text, reading),
            )

    def questionnaires(self) -> None:
        counts = questionnaires.response_counts(self.audit)
        for record in questionnaires.list_for(self.audit):
            answers = counts.get(record.id, 0)
            category = self.walk.categories.get(record.definition_id)
            if not answers or category is None:
                continue
            held = (
                f"{answers} answer{'s' if answers != 1 else ''}"
                if self.reads_results
                else "answers held"
            )
            self.add(
                LinkKind.QUESTIONNAIRE,
                record.definition_id,
                category,
                Evidence(category, f"Questionnaire “{record.title}”: {held}"),
            )

    def returns(self) -> None:
        names = {i.code: i.name for i in self.hub.interventions}
        for record in _accepted_returns(self.audit, self.user, self.role):
            who = record.organisation.name if record.organisation else "no organisation"
            about = [code for code in record.interventions if code in names]
            item = Evidence(
                Category.PARTNERS,
                f"Evidence return “{record.service_name}” ({who}) about "
                + ", ".join(names[code] for code in about),
            )
            statements: set[str] = set()
            for code in about:
                statements.update(self.walk.statements_of(LinkKind.INTERVENTION, code))
            for statement in statements:
                self.found[statement][Category.PARTNERS].append(item)


def _accepted_returns(audit: Audit, user: User, role: str) -> list[EvidenceReturn]:
    return evidence_service.visible_returns(audit, user, role, evidence_service.ACCEPTED)


def _number(value: float, share: bool) -> str:
    return f"{value:.1f}%" if share else f"{value:.1f}"


def _measure_words(local: Any, base: int | None, comparison: Any, share: bool) -> str:
    parts = []
    if local is not None:
        text = f"{_number(local.value, share)} in the carers' survey"
        if local.low is not None and local.high is not None:
            text += f" (95% interval {_number(local.low, share)} to {_number(local.high, share)}"
            text += f", {base} carers)" if base else ")"
        parts.append(text)
    if comparison is not None:
        parts.append(
            f"{_number(float(comparison.figure.value), share)} published for {comparison.figure.year}"
        )
    return "; ".join(parts)


def statement_views(audit: Audit, user: User, role: str, lead_view: bool) -> list[StatementView]:
    """Every quality statement with its evidence, gaps, suggestion and (for those who
    may see the lead's judgements, ``lead_view``) the lead's score and narrative."""
    collector = _Collector(audit, user, role)
    collector.ratings()
    collector.checklist()
    collector.indicators()
    collector.measures()
    collector.questionnaires()
    collector.returns()
    saved = judgements_of(audit) if lead_view else {}
    cqc = framework()
    out = []
    for statement in cqc.statements:
        found = collector.found[statement.code]
        items = [item for category in Category for item in found[category]]
        out.append(
            StatementView(
                statement,
                cqc.theme(statement.theme).name,
                found,
                suggest(items),
                saved.get(statement.code),
            )
        )
    return out


def scores_of(audits: Sequence[Audit]) -> dict[int, dict[str, int | None]]:
    """The lead's saved scores of each audit, by statement (for comparisons)."""
    ids = [a.id for a in audits]
    out: dict[int, dict[str, int | None]] = {i: {} for i in ids}
    if not ids:
        return out
    for row in db.session.scalars(select(CqcJudgement).where(CqcJudgement.audit_id.in_(ids))):
        out[row.audit_id][row.statement] = row.score
    return out


def needing_confirmation(audit: Audit) -> list[CqcJudgement]:
    rows = db.session.scalars(
        select(CqcJudgement)
        .where(CqcJudgement.audit_id == audit.id, CqcJudgement.needs_confirmation.is_(True))
        .order_by(CqcJudgement.id)
    )
    return list(rows)
