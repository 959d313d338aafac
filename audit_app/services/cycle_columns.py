"""What starting an audit from an earlier one copies, column by column
(services.cycles.clone_audit).

`COPIED` names the columns of each model the clone copies (for records people
enter, the fields their service saves, plus who last changed them); `NOT_COPIED` the
columns of those models it sets afresh, and why; `NOT_CLONED` the models it
leaves behind, and why; `NOT_CARRIED_TO_NEXT_CYCLE` what only a new version
carries; `LINK_TABLES` the association tables it re-makes. A test checks that
together they cover every column of every model (`all_models`), so a new column
forces a decision.
"""

from __future__ import annotations

from collections.abc import Iterable

from audit_app.extensions import db
from audit_app.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Agreement,
    Audit,
    AuditMembership,
    ChangeEvent,
    ChecklistJudgement,
    CommissionerComment,
    CqcJudgement,
    EvidenceAttachment,
    EvidenceReturn,
    FeedbackItem,
    FeedbackSummary,
    Finding,
    FundingContribution,
    GatheringMethod,
    Indicator,
    IndicatorValue,
    Invitation,
    LinkedSource,
    Objective,
    Organisation,
    OutcomePriority,
    PlanningAnswer,
    PopulationStatistic,
    Priority,
    Publication,
    PublishedCarerFigure,
    Questionnaire,
    QuestionnaireImport,
    QuestionnaireResponse,
    Rating,
    RatingProposal,
    ReportPdf,
    Stakeholder,
    User,
)
from audit_app.services import (
    evidence,
    needs,
    plan,
    quality_of_life,
    questionnaire_carry,
    stakeholders,
)

# Every audit-scoped record keeps who last changed it and when (provenance of a
# carried judgement); its version starts again at 1 in the new audit.
_TRACKED = ("updated_by_id", "updated_at")

COPIED: dict[type, tuple[str, ...]] = {
    Audit: ("area_id", "scope", "framework_id", "framework_version", "framework", "description"),
    AuditMembership: ("user_id", "role"),
    Stakeholder: (*stakeholders.STAKEHOLDER.fields, *_TRACKED),
    PopulationStatistic: (*stakeholders.STATISTIC.fields, *_TRACKED),
    LinkedSource: (*stakeholders.SOURCE.fields, *_TRACKED),
    EvidenceReturn: (
        "organisation_id",
        "author_id",
        *evidence.FIELDS,
        "status",
        "lead_comments",
        "submitted_at",
        "decided_at",
        *_TRACKED,
    ),
    EvidenceAttachment: (
        "filename",
        "content_type",
        "size",
        "uploaded_by_id",
        "uploaded_at",
    ),
    CqcJudgement: ("statement", "score", "narrative", *_TRACKED),
    ChecklistJudgement: (
        "sub_outcome",
        "group_code",
        "status",
        "indicator",
        "rationale",
        *_TRACKED,
    ),
    Rating: (
        "intervention",
        "group_code",
        "rag",
        "maturity",
        "rationale",
        "reached",
        "not_reached",
        "provision",
        "duplication",
        "barriers",
        *_TRACKED,
    ),
    PlanningAnswer: (*needs.ANSWER_FIELDS, *_TRACKED),
    GatheringMethod: (*needs.METHOD.fields, *_TRACKED),
    Finding: (*needs.FINDING.fields, *_TRACKED),
    OutcomePriority: (*needs.PRIORITY_FIELDS, *_TRACKED),
    Priority: (*plan.PRIORITY.fields, *_TRACKED),
    ActionPlan: (*plan.HEADER.fields, *_TRACKED),
    Objective: (*plan.OBJECTIVE.fields, *_TRACKED),
    # objective_id points at the carried objective (NOT_COPIED).
    Action: (*(f for f in plan.ACTION.fields if f != "objective_id"), *_TRACKED),
    FundingContribution: (*plan.FUNDING.fields, *_TRACKED),
    Indicator: tuple(
        c.name for c in Indicator.__table__.columns if c.name not in {"id", "audit_id", "version"}
    ),
    # Values are the indicator's history: the next cycle's report cards draw the
    # curve through them.
    IndicatorValue: tuple(
        c.name
        for c in IndicatorValue.__table__.columns
        if c.name not in {"id", "audit_id", "indicator_id", "version"}
    ),
    # Published figures stay the area's latest until the next survey's are entered.
    PublishedCarerFigure: (*quality_of_life.FIELDS, *_TRACKED),
    # A new version only (see NOT_CARRIED_TO_NEXT_CYCLE).
    **questionnaire_carry.COPIED,
}

_OWN = {"id": "a new row", "audit_id": "the new audit", "version": "starts again at 1"}

# Columns of copied models that are set afresh rather than copied, and why.
NOT_COPIED: dict[type, dict[str, str]] = {
    Audit: {
        "id": "a new audit",
        "title": "given by the lead",
        "cycle": "given by the lead",
        "period_start": "given by the lead",
        "period_end": "given by the lead",
        "status": "the new audit starts as a draft",
        "revision": "the new audit's own revision counter",
        "previous_audit_id": "set to the audit it was started from",
        "created_by_id": "the person who started it",
        "created_at": "when it was started",
        "updated_at": "when it was started",
        "published_at": "not published yet",
    },
    AuditMembership: {"id": "a new row", "audit_id": "the new audit", "added_at": "now"},
    EvidenceAttachment: {
        "id": "a new row",
        "evidence_id": "the carried evidence return",
        "stored_name": "a new name, hard-linked to the same stored file",
    },
    ChecklistJudgement: {**_OWN, "needs_confirmation": "set by carry_forward"},
    CqcJudgement: {**_OWN, "needs_confirmation": "set by carry_forward"},
    Rating: {**_OWN, "needs_confirmation": "set by carry_forward"},
    Action: {**_OWN, "objective_id": "the carried objective"},
    IndicatorValue: {**_OWN, "indicator_id": "the carried indicator"},
    **{
        model: dict(_OWN)
        for model in (
            Stakeholder,
            PopulationStatistic,
            LinkedSource,
            EvidenceReturn,
            PlanningAnswer,
            GatheringMethod,
            Finding,
            OutcomePriority,
            Priority,
            ActionPlan,
            Objective,
            FundingContribution,
            Indicator,
            PublishedCarerFigure,
        )
    },
    **questionnaire_carry.NOT_COPIED,
}

# Models not carried into the new audit at all, and why.
NOT_CLONED: dict[type, str] = {
    User: "accounts are not part of an audit",
    Organisation: "organisations are shared by every audit",
    Invitation: "invitations are one-time links to the earlier audit",
    ChangeEvent: "the trail of the earlier audit stays with it",
    RatingProposal: "partners' proposals were about the earlier audit's ratings",
    ActionUpdate: "progress updates report on the earlier period",
    Publication: "a new cycle or version is a draft until its lead publishes it",
    CommissionerComment: "commissioners commented on the earlier version",
    Agreement: "commissioners agreed (or not) to the earlier version's plan",
    FeedbackSummary: "'you said, we did' reports on what the earlier version changed",
    FeedbackItem: "'you said, we did' reports on what the earlier version changed",
    ReportPdf: "a PDF shows the audit it was made from; the new one makes its own",
}

# Models a new version carries (the same consultation goes on:
# services.questionnaire_carry) but the next cycle leaves behind, and why.
NOT_CARRIED_TO_NEXT_CYCLE: dict[type, str] = {
    Questionnaire: "the next cycle asks carers again: answers belong to the cycle they were "
    "gathered in, and the Step 2 ranking they fed is carried as outcome priorities",
    QuestionnaireResponse: "the next cycle gathers its own answers",
    QuestionnaireImport: "the next cycle's imports are of its own questionnaires' answers",
}

# Association tables: evidence links are re-made to the carried returns.
LINK_TABLES = ("rating_evidence", "checklist_evidence")


def all_models() -> Iterable[type]:
    """Every mapped model, for the test that guards the copy plan."""
    return [mapper.class_ for mapper in db.Model.registry.mappers]
