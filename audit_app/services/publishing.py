"""Publishing a version to commissioners, their comments and agreement, and the
public "you said, we did" summary.

Rules:
- only a draft can be published; once published a version is fixed (services.access
  refuses every other write), so comments and agreement refer to what was seen;
- the version number counts the published versions of this audit before it
  (the chain of previous_audit_id within the same cycle) plus one;
- a commissioner records one decision per subject (priorities, plan) per version
  and may change it; every decision and its changes are in the audit trail;
- the "you said, we did" page is public only while it has a token, which is random;
  withdrawing it removes the token so the old link stops working.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import (
    Agreement,
    Audit,
    ChangeEvent,
    CommissionerComment,
    FeedbackItem,
    FeedbackSummary,
    Publication,
    User,
)
from audit_app.models.audit import PUBLISHED
from audit_app.models.types import utcnow
from audit_app.services import overview
from audit_app.services.changes import Change, bump_revision, commit, save

COMMENT_SECTIONS = {
    "overall": "The audit as a whole",
    "stakeholders": "Step 1: stakeholders",
    "needs": "Step 2: needs and outcomes",
    "assessment": "Step 3: checklist, ratings and evidence",
    "plan": "Step 4: priorities and action plan",
}


@dataclass(frozen=True)
class Readiness:
    """What is still open when the lead asks to publish: shown, never blocking."""

    unfinished: list[tuple[str, str]]  # (step title, section title)

    @property
    def complete(self) -> bool:
        return not self.unfinished


def readiness(audit: Audit) -> Readiness:
    unfinished = [
        (step.title, section.title)
        for step in overview.steps(audit, "lead")
        if 1 <= step.number <= 4
        for section in step.sections
        if section.status != overview.COMPLETED
    ]
    return Readiness(unfinished)


def earlier_versions(audit: Audit) -> list[Audit]:
    """Earlier audits in this audit's chain with the same cycle: its earlier versions."""
    found: list[Audit] = []
    current = audit
    while current.previous_audit_id is not None:
        previous = db.session.get(Audit, current.previous_audit_id)
        if previous is None or previous.cycle != audit.cycle or previous in found:
            break
        found.append(previous)
        current = previous
    return found


@dataclass(frozen=True)
class Versions:
    """Where this audit sits among the versions of its cycle."""

    number: int  # this version's number (published, or once published)
    earlier: Audit | None  # the version it was started from, if any
    newer: Audit | None  # a version started from it, if any


def versions(audit: Audit) -> Versions:
    earlier = earlier_versions(audit)
    published = publication(audit) if audit.is_published else None
    return Versions(
        published.version_number if published else next_version_number(audit),
        earlier[0] if earlier else None,
        newer_version(audit),
    )


def newer_version(audit: Audit) -> Audit | None:
    """A later version of this audit (same cycle, started from it), if one exists."""
    return db.session.scalar(
        select(Audit).where(Audit.previous_audit_id == audit.id, Audit.cycle == audit.cycle)
    )


def publication(audit: Audit) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.audit_id == audit.id))


def next_version_number(audit: Audit) -> int:
    return 1 + sum(1 for earlier in earlier_versions(audit) if earlier.is_published)


def publish(audit: Audit, by: User, note: str | None) -> Publication:
    """Publish a draft: commissioners can see it, and it can no longer change."""
    if audit.is_published:
        raise ValueError("already published")
    now = utcnow()
    record = Publication(
        audit_id=audit.id,
        version_number=next_version_number(audit),
        published_at=now,
        published_by=by,
        note=note or None,
    )
    audit.status = PUBLISHED
    audit.published_at = now
    bump_revision(audit)
    db.session.add(record)
    db.session.add(
        ChangeEvent(
            audit_id=audit.id,
            user=by,
            entity="audit",
            entity_id=audit.id,
            label=f"version {record.version_number}",
            action="published",
            old={"status": "draft"},
            new={"status": PUBLISHED, "note": note or None},
        )
    )
    commit()
    return record


def comments(audit: Audit) -> list[CommissionerComment]:
    return list(
        db.session.scalars(
            select(CommissionerComment)
            .where(CommissionerComment.audit_id == audit.id)
            .order_by(CommissionerComment.created_at, CommissionerComment.id)
        )
    )


def add_comment(audit: Audit, author: User, section: str, body: str) -> CommissionerComment:
    comment = CommissionerComment(audit_id=audit.id, author=author, section=section, body=body)
    db.session.add(comment)
    commit()
    return comment


def agreements(audit: Audit) -> list[Agreement]:
    return list(
        db.session.scalars(
            select(Agreement)
            .where(Agreement.audit_id == audit.id)
            .order_by(Agreement.subject, Agreement.id)
        )
    )


def agreement_of(audit: Audit, commissioner: User, subject: str) -> Agreement | None:
    return db.session.scalar(
        select(Agreement).where(
            Agreement.audit_id == audit.id,
            Agreement.commissioner_id == commissioner.id,
            Agreement.subject == subject,
        )
    )


def record_agreement(
    audit: Audit,
    commissioner: User,
    subject: str,
    decision: str,
    comment: str | None,
    loaded_version: int | None,
) -> Agreement:
    """Record or change this commissioner's decision; StaleEdit if changed meanwhile."""
    record = agreement_of(audit, commissioner, subject) or Agreement(
        audit_id=audit.id, commissioner_id=commissioner.id, subject=subject
    )
    return save(  # type: ignore[no-any-return]
        Change(
            audit,
            record,
            {"decision": decision, "comment": comment or None},
            "agreement",
            f"{commissioner.name} on {subject}",
            loaded_version,
        ),
        commissioner,
    )


def feedback_summary(audit: Audit) -> FeedbackSummary | None:
    return db.session.scalar(select(FeedbackSummary).where(FeedbackSummary.audit_id == audit.id))


def save_summary(
    audit: Audit, by: User, title: str, introduction: str | None, loaded_version: int | None
) -> FeedbackSummary:
    record = feedback_summary(audit) or FeedbackSummary(audit_id=audit.id)
    return save(  # type: ignore[no-any-return]
        Change(
            audit,
            record,
            {"title": title, "introduction": introduction or None},
            "you said, we did",
            title,
            loaded_version,
        ),
        by,
    )


def item_or_none(audit: Audit, item_id: int) -> FeedbackItem | None:
    """The item, only if it belongs to this audit's summary (forged ids give None)."""
    return db.session.scalar(
        select(FeedbackItem)
        .join(FeedbackSummary)
        .where(FeedbackItem.id == item_id, FeedbackSummary.audit_id == audit.id)
    )


def save_item(
    audit: Audit,
    summary: FeedbackSummary,
    item: FeedbackItem | None,
    by: User,
    you_said: str,
    we_did: str,
    loaded_version: int | None,
) -> FeedbackItem:
    record = item or FeedbackItem(summary=summary, position=len(summary.items))
    return save(  # type: ignore[no-any-return]
        Change(
            audit,
            record,
            {"you_said": you_said, "we_did": we_did},
            "you said, we did item",
            you_said[:80],
            loaded_version,
        ),
        by,
    )


def remove_item(audit: Audit, item: FeedbackItem, by: User) -> None:
    from audit_app.services.changes import remove

    remove(audit, item, "you said, we did item", item.you_said[:80], ("you_said", "we_did"), by)


def make_public(summary: FeedbackSummary) -> None:
    summary.public_token = secrets.token_urlsafe(24)
    summary.published_at = utcnow()
    commit()


def withdraw(summary: FeedbackSummary) -> None:
    summary.public_token = None
    summary.published_at = None
    commit()


def public_summary(token: str) -> FeedbackSummary | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(FeedbackSummary).where(FeedbackSummary.public_token == token))
