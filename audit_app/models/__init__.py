"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from audit_app.models.audit import Audit, AuditMembership, Invitation
from audit_app.models.evidence import EvidenceAttachment, EvidenceReturn
from audit_app.models.indicators import Indicator, IndicatorValue
from audit_app.models.judgements import ChecklistJudgement, CqcJudgement, Rating, RatingProposal
from audit_app.models.needs import Finding, GatheringMethod, OutcomePriority, PlanningAnswer
from audit_app.models.organisation import Organisation
from audit_app.models.plan import (
    Action,
    ActionPlan,
    ActionUpdate,
    FundingContribution,
    Objective,
    Priority,
)
from audit_app.models.published_figures import PublishedCarerFigure
from audit_app.models.publishing import (
    Agreement,
    CommissionerComment,
    FeedbackItem,
    FeedbackSummary,
    Publication,
)
from audit_app.models.questionnaires import (
    Questionnaire,
    QuestionnaireImport,
    QuestionnaireResponse,
)
from audit_app.models.reports import ReportPdf
from audit_app.models.stakeholders import LinkedSource, PopulationStatistic, Stakeholder
from audit_app.models.trail import ChangeEvent
from audit_app.models.user import User

__all__ = [
    "Agreement",
    "CommissionerComment",
    "FeedbackItem",
    "FeedbackSummary",
    "Publication",
    "Action",
    "ActionPlan",
    "ActionUpdate",
    "Finding",
    "FundingContribution",
    "GatheringMethod",
    "Objective",
    "OutcomePriority",
    "PlanningAnswer",
    "Priority",
    "PublishedCarerFigure",
    "Questionnaire",
    "QuestionnaireImport",
    "QuestionnaireResponse",
    "Audit",
    "AuditMembership",
    "ChangeEvent",
    "ChecklistJudgement",
    "CqcJudgement",
    "EvidenceAttachment",
    "EvidenceReturn",
    "Indicator",
    "IndicatorValue",
    "Invitation",
    "LinkedSource",
    "Organisation",
    "PopulationStatistic",
    "Rating",
    "RatingProposal",
    "ReportPdf",
    "Stakeholder",
    "User",
]
