"""One seeded database for the access table (tests/web/test_access_table.py).

The demo data (every kind of record, in a published audit of Northshire's carers
of people with dementia) plus a new version of that audit as the draft, so both
hold one of everything a URL can name; then what the demo lacks: a partner's
submitted evidence return with a file, a pending invitation, a made PDF, a
questionnaire import, public links, a commissioner not given these audits, and
the lead's judgements in the draft written with a marker (SECRET) that a
partner must never read.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from audit_app.extensions import db
from audit_app.models import (
    Audit,
    AuditMembership,
    ChecklistJudgement,
    CqcJudgement,
    EvidenceAttachment,
    EvidenceReturn,
    FeedbackItem,
    FeedbackSummary,
    Questionnaire,
    QuestionnaireImport,
    Rating,
    ReportPdf,
    User,
)
from audit_app.models.types import utcnow
from audit_app.services import accounts, cycles, uploads

DEMO = "Carers of people with dementia in Northshire 2026/27"
SOUTH = "Southshire"
# In the lead's unpublished judgements of the draft only.
SECRET = "LEADSECRET"
RATING_CELL = ("breaks", "dementia")
CHECKLIST_CELL = ("2a", "dementia")

# Letter in the access table -> email (S, signed out, has none).
PEOPLE = {
    "L": "lead@demo.test",
    "O": "lead.south@demo.test",
    "P": "partner@demo.test",
    "Q": "partner2@demo.test",
    "C": "commissioner@demo.test",
    "N": "commissioner.south@demo.test",
    "A": "admin@demo.test",
}


@dataclass
class AuditObjects:
    """Ids of one audit's records, by the URL argument that names them."""

    audit_id: int
    ids: dict[str, int | str] = field(default_factory=dict)
    files: dict[Path, bytes] = field(default_factory=dict)


@dataclass
class Seed:
    draft: AuditObjects
    published: AuditObjects
    loose: dict[str, int | str]  # arguments not about one audit

    def restore_files(self) -> None:
        """Put back an attached file a request deleted (files are not rolled back)."""
        for objects in (self.draft, self.published):
            for path, content in objects.files.items():
                if not path.exists():
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(content)


def build() -> Seed:
    from audit_app.demo import load_demo

    load_demo()
    lead = _user("lead@demo.test")
    published = db.session.scalar(select(Audit).where(Audit.title == DEMO))
    assert published is not None and published.is_published
    draft = cycles.clone_audit(
        published,
        lead,
        title=published.title,
        cycle=published.cycle,
        period_start=published.period_start,
        period_end=published.period_end,
        carry_forward=False,
    )
    _commissioner_of_another_area()
    _write_secret_judgements(draft, lead)
    seed = Seed(_objects(draft, lead), _objects(published, lead), {})
    seed.loose = _loose(published)
    db.session.commit()
    return seed


def _user(email: str) -> User:
    user = accounts.find_user(email)
    assert user is not None, email
    return user


def _commissioner_of_another_area() -> None:
    """N: a commissioner given Southshire's audit, not Northshire's."""
    south = db.session.scalar(select(Audit).where(Audit.title.contains(SOUTH)))
    assert south is not None
    user = accounts.create_user(
        PEOPLE["N"], "Nel South", "commissioner", "demo-password", south.area
    )
    db.session.add(AuditMembership(audit=south, user=user, role="commissioner"))


def _write_secret_judgements(audit: Audit, lead: User) -> None:
    intervention, group = RATING_CELL
    rating = _one(Rating, audit, Rating.intervention == intervention, Rating.group_code == group)
    rating = rating or Rating(audit_id=audit.id, intervention=intervention, group_code=group)
    rating.rag, rating.maturity = "red", "early"
    for name in ("rationale", "reached", "not_reached", "duplication", "barriers"):
        setattr(rating, name, f"{SECRET} {name} of the lead's rating")
    rating.updated_by = lead
    sub_outcome, group = CHECKLIST_CELL
    judgement = _one(
        ChecklistJudgement,
        audit,
        ChecklistJudgement.sub_outcome == sub_outcome,
        ChecklistJudgement.group_code == group,
    )
    judgement = judgement or ChecklistJudgement(
        audit_id=audit.id, sub_outcome=sub_outcome, group_code=group
    )
    judgement.status, judgement.indicator = "not_in_place", "red"
    judgement.rationale = f"{SECRET} rationale of the lead's checklist judgement"
    score = _one(CqcJudgement, audit, CqcJudgement.statement == "partnerships")
    score = score or CqcJudgement(audit_id=audit.id, statement="partnerships")
    score.score, score.narrative = 1, f"{SECRET} narrative of the lead's CQC score"
    score.updated_by = lead
    db.session.add_all([rating, judgement, score])
    db.session.flush()


def _one(model, audit: Audit, *where):  # type: ignore[no-untyped-def]
    column = model.audit_id
    return db.session.scalar(select(model).where(column == audit.id, *where).limit(1))


def _first_id(model, audit: Audit) -> int:  # type: ignore[no-untyped-def]
    record = _one(model, audit)
    assert record is not None, f"the seeded audit has no {model.__name__}"
    return int(record.id)


def _objects(audit: Audit, lead: User) -> AuditObjects:
    from audit_app.models import (
        Action,
        Finding,
        FundingContribution,
        GatheringMethod,
        Indicator,
        IndicatorValue,
        LinkedSource,
        Objective,
        PopulationStatistic,
        Priority,
        Stakeholder,
    )

    objects = AuditObjects(audit.id)
    ids = objects.ids
    for argument, model in {
        "stakeholder_id": Stakeholder,
        "statistic_id": PopulationStatistic,
        "source_id": LinkedSource,
        "finding_id": Finding,
        "method_id": GatheringMethod,
        "priority_id": Priority,
        "objective_id": Objective,
        "action_id": Action,
        "funding_id": FundingContribution,
        "indicator_id": Indicator,
    }.items():
        ids[argument] = _first_id(model, audit)
    value = db.session.scalar(
        select(IndicatorValue).where(IndicatorValue.indicator_id == ids["indicator_id"]).limit(1)
    )
    assert value is not None
    ids["value_id"] = value.id
    ids["intervention"], ids["group"] = RATING_CELL
    ids["sub_outcome"] = CHECKLIST_CELL[0]
    ids["code"] = RATING_CELL[0]
    _evidence(objects, audit)
    _questionnaire(objects, audit, lead)
    _feedback(objects, audit)
    issued = accounts.invite(audit, f"invitee{audit.id}@example.org", "partner", lead, None, days=7)
    ids["invitation_id"], ids["invitation_token"] = issued.invitation.id, issued.token
    pdf = ReportPdf(
        audit_id=audit.id,
        requested_by_id=lead.id,
        role="lead",
        status="done",
        audit_revision=audit.revision or 0,
        filename="report.pdf",
        content=b"%PDF-1.4\n%%EOF\n",
        pages=1,
        size=15,
        finished_at=utcnow(),
    )
    db.session.add(pdf)
    db.session.flush()
    ids["pdf_id"], ids["name"] = pdf.id, "report"
    return objects


def _evidence(objects: AuditObjects, audit: Audit) -> None:
    """A return the partner (Northshire Carers Centre) has submitted, with a file."""
    partner = _user(PEOPLE["P"])
    record = EvidenceReturn(
        audit_id=audit.id,
        organisation_id=partner.organisation_id,
        author_id=partner.id,
        service_name="Carers' breaks, as the centre sees them",
        status="submitted",
        interventions=[RATING_CELL[0]],
        submitted_at=utcnow(),
    )
    db.session.add(record)
    db.session.flush()
    content = b"service,carers\nbreaks,40\n"
    checked = uploads.check(FileStorage(io.BytesIO(content), "returns.csv"), 10_000)
    stored = uploads.store(audit.id, checked)
    path = uploads.path_of(audit.id, stored)
    assert path is not None
    objects.files[path] = content
    attachment = EvidenceAttachment(
        evidence_id=record.id,
        filename=checked.filename,
        stored_name=stored,
        content_type=checked.content_type,
        size=len(content),
        uploaded_by_id=partner.id,
    )
    db.session.add(attachment)
    db.session.flush()
    objects.ids["evidence_id"], objects.ids["attachment_id"] = record.id, attachment.id


def _questionnaire(objects: AuditObjects, audit: Audit, lead: User) -> None:
    """Partners' views (answered in the app by members), with an import waiting for
    its columns; the carers' survey, with its public link."""

    def named(definition_id: str) -> Questionnaire:
        found = db.session.scalar(
            select(Questionnaire).where(
                Questionnaire.audit_id == audit.id, Questionnaire.definition_id == definition_id
            )
        )
        assert found is not None, f"the seeded audit has no {definition_id}"
        return found

    views, survey = named("partner_views"), named("carers_survey")
    if not survey.public_token:
        survey.public_token = secrets.token_urlsafe(16)
    imported = QuestionnaireImport(
        questionnaire_id=views.id,
        filename="answers.csv",
        status="mapping",
        headers=["Biggest gap"],
        mapping={},
        content="Biggest gap\nEvenings\n",
        rows_total=1,
        created_by_id=lead.id,
    )
    db.session.add(imported)
    db.session.flush()
    objects.ids["questionnaire_id"] = views.id
    objects.ids["survey_token"] = str(survey.public_token)
    objects.ids["import_id"] = imported.id
    objects.ids["number"] = 1


def _feedback(objects: AuditObjects, audit: Audit) -> None:
    summary = db.session.scalar(select(FeedbackSummary).where(FeedbackSummary.audit_id == audit.id))
    if summary is None:
        summary = FeedbackSummary(audit_id=audit.id, title="You said, we did")
        db.session.add(summary)
    if not summary.public_token:
        summary.public_token = secrets.token_urlsafe(16)
        summary.published_at = utcnow()
    db.session.flush()
    item = db.session.scalar(select(FeedbackItem).where(FeedbackItem.summary_id == summary.id))
    if item is None:
        item = FeedbackItem(summary_id=summary.id, position=1, you_said="More breaks", we_did="")
        db.session.add(item)
        db.session.flush()
    objects.ids["item_id"] = item.id
    objects.ids["feedback_token"] = str(summary.public_token)


def _loose(published: Audit) -> dict[str, int | str]:
    """Arguments of routes that are not about one audit."""
    from audit_app.services import benchmarking

    spare = accounts.create_user("spare@example.org", "Spare Person", "partner", "x" * 12, None)
    south = db.session.scalar(select(Audit).where(Audit.title.contains(SOUTH)))
    assert south is not None
    db.session.flush()
    return {
        "user_id": spare.id,
        "filename": "favicon.svg",
        "key": benchmarking.benchmark([published, south])[0].key,
        "compare": f"?audits={published.id}&audits={south.id}",
    }
