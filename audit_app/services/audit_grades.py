"""An audit's judgements as hub_model grades: the input of comparisons and benchmarks.

Every cell in scope is present (not rated where nobody judged it), so the
rules can tell a cell that is not rated from one the audit does not have.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, ChecklistJudgement, Rating
from audit_app.services.chart_cache import cached
from audit_app.services.frameworks import framework_of
from audit_app.services.scope import assessed_groups
from hub_model.checklist import ChecklistCell, OutcomeView, outcome_views
from hub_model.framework import CarerGroup, Framework
from hub_model.ratings import Summary, fill_grid, summarise_grid
from hub_model.scales import ChecklistStatus, Maturity, Rag

Cell = tuple[str, str]


@dataclass(frozen=True)
class AuditGrades:
    audit: Audit
    framework: Framework
    groups: list[CarerGroup]
    rag: dict[Cell, Rag]
    maturity: dict[Cell, Maturity]
    status: dict[Cell, ChecklistStatus]
    indicator: dict[Cell, Rag]

    @property
    def group_codes(self) -> list[str]:
        return [group.code for group in self.groups]

    @property
    def intervention_codes(self) -> list[str]:
        return [i.code for i in self.framework.interventions]

    def rag_summaries(self) -> dict[str, Summary[Rag]]:
        return summarise_grid(self.rag, self.intervention_codes, self.group_codes, Rag)

    def maturity_summaries(self) -> dict[str, Summary[Maturity]]:
        return summarise_grid(self.maturity, self.intervention_codes, self.group_codes, Maturity)

    def sub_outcomes(self) -> dict[str, list[str]]:
        """Adult outcome code → its Appendix A sub-outcome codes."""
        return {
            o.code: [s.code for s in self.framework.sub_outcomes_for(o.code)]
            for o in self.framework.adult_outcomes()
        }

    def outcomes(self) -> dict[str, OutcomeView]:
        """The gap map's view of each adult outcome."""
        checklist = {
            cell: ChecklistCell(self.status[cell], self.indicator[cell]) for cell in self.status
        }
        links = {
            o.code: [i.code for i in self.framework.interventions_for(o.code)]
            for o in self.framework.adult_outcomes()
        }
        return outcome_views(
            checklist, self.sub_outcomes(), self.group_codes, links, self.rag_summaries()
        )


def grades_of(audit: Audit) -> AuditGrades:
    """The audit's grades, read and filled once per revision of the audit (the chart
    cache): comparing cycles reads two audits' grades, comparing areas one per area.
    The cached grades hold no database object; the audit is this request's."""
    return replace(cached(audit, "grades", lambda: _grades(audit)), audit=audit)


def _grades(audit: Audit) -> AuditGrades:
    framework = framework_of(audit)
    groups = assessed_groups(audit, framework)
    codes = [g.code for g in groups]
    interventions = [i.code for i in framework.interventions]
    sub_outcomes = [s.code for s in framework.checklist]
    ratings = list(db.session.scalars(select(Rating).where(Rating.audit_id == audit.id)))
    judgements = list(
        db.session.scalars(
            select(ChecklistJudgement).where(ChecklistJudgement.audit_id == audit.id)
        )
    )
    return AuditGrades(
        audit=None,  # type: ignore[arg-type]  (set by grades_of)
        framework=framework,
        groups=groups,
        rag=fill_grid(
            {(r.intervention, r.group_code): Rag(r.rag) for r in ratings},
            interventions,
            codes,
            Rag,
        ),
        maturity=fill_grid(
            {(r.intervention, r.group_code): Maturity(r.maturity) for r in ratings},
            interventions,
            codes,
            Maturity,
        ),
        status=fill_grid(
            {(j.sub_outcome, j.group_code): ChecklistStatus(j.status) for j in judgements},
            sub_outcomes,
            codes,
            ChecklistStatus,
        ),
        indicator=fill_grid(
            {(j.sub_outcome, j.group_code): Rag(j.indicator) for j in judgements},
            sub_outcomes,
            codes,
            Rag,
        ),
    )
