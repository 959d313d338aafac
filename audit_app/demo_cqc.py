"""The demo's CQC self-assessment: the carers lead's scores and narratives for some
quality statements of the dementia audits (this year's, last year's and Southshire's),
so that the page, the report and the comparisons have something to show."""

from __future__ import annotations

from audit_app.extensions import db
from audit_app.models import Audit, CqcJudgement, User

THIS_YEAR = {
    "assessing_needs": (
        3,
        "Most carers of people with dementia are offered a carer's assessment when the "
        "person they care for is diagnosed, and support plans rose this year. The carers' "
        "survey shows some still find information hard to find.",
    ),
    "healthier_lives": (
        2,
        "Breaks and emotional support reach carers in the towns, but rural carers wait "
        "longer, and the carers' quality of life is below the published figure.",
    ),
    "care_provision": (
        3,
        "The memory support service and the carers' centre work to one plan; hospital "
        "discharge still leaves some carers without a plan.",
    ),
    "partnerships": (
        3,
        "Two partners returned evidence and answered the partner survey; GP practices "
        "now keep carers' registers in most of the county.",
    ),
    "safe_systems": (
        2,
        "Readmissions after discharge have not fallen, and emergency plans are held by "
        "too few carers.",
    ),
}
LAST_YEAR = {
    "assessing_needs": (2, "Assessments were offered late, often after a crisis."),
    "healthier_lives": (2, "Breaks were mostly in the towns."),
    "care_provision": (2, "Services worked apart."),
    "partnerships": (3, "The carers' centre led a strong partnership."),
}
SOUTHSHIRE = {
    "assessing_needs": (3, "Assessments are offered at diagnosis."),
    "healthier_lives": (3, "Breaks reach most carers."),
    "partnerships": (2, "Partners were not yet part of the carers' strategy."),
}


def add_demo_cqc_scores(audit: Audit, lead: User, scores: dict[str, tuple[int, str]]) -> None:
    for statement, (score, narrative) in scores.items():
        db.session.add(
            CqcJudgement(
                audit_id=audit.id,
                statement=statement,
                score=score,
                narrative=narrative,
                updated_by=lead,
            )
        )
    db.session.commit()
