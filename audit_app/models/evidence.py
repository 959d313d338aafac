"""Step 3: partners' evidence returns about the services they deliver (§8.2–§8.8)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_app.extensions import db
from audit_app.models.organisation import Organisation
from audit_app.models.tracking import Tracked
from audit_app.models.types import UTCDateTime, utcnow
from audit_app.models.user import User

EVIDENCE_STATUSES = {
    "draft": "Draft",
    "submitted": "Submitted",
    "accepted": "Accepted",
    "returned": "Returned with comments",
}


class EvidenceReturn(Tracked, db.Model):  # type: ignore[name-defined]
    __tablename__ = "evidence_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    service_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    interventions: Mapped[list[str]] = mapped_column(JSON, default=list)
    groups_reached: Mapped[list[str]] = mapped_column(JSON, default=list)
    groups_not_reached: Mapped[list[str]] = mapped_column(JSON, default=list)
    numbers_reached: Mapped[int | None]
    organisations_engaged: Mapped[str | None] = mapped_column(Text)
    could_engage_better: Mapped[str | None] = mapped_column(Text)
    quality_marks: Mapped[list[str]] = mapped_column(JSON, default=list)
    satisfaction: Mapped[str | None] = mapped_column(Text)
    caseload_profile: Mapped[str | None] = mapped_column(Text)
    outcome_baseline: Mapped[str | None] = mapped_column(Text)
    outcome_follow_up: Mapped[str | None] = mapped_column(Text)
    pathway_element: Mapped[str | None] = mapped_column(String(60))
    funding_mode: Mapped[str | None] = mapped_column(String(60))
    unit_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    unit_cost_notes: Mapped[str | None] = mapped_column(Text)
    contact_time: Mapped[str | None] = mapped_column(String(200))
    evidence_date: Mapped[date | None] = mapped_column(Date)
    review_by: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    lead_comments: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    attachments: Mapped[list[EvidenceAttachment]] = relationship(
        back_populates="evidence", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return EVIDENCE_STATUSES.get(self.status, self.status)

    def out_of_date(self, today: date) -> bool:
        """Past its review-by date: shown as out of date wherever it is linked."""
        return self.review_by is not None and self.review_by < today


class EvidenceAttachment(db.Model):  # type: ignore[name-defined]
    """A file stored under the instance folder, served only to those allowed."""

    __tablename__ = "evidence_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence_return.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    evidence: Mapped[EvidenceReturn] = relationship(back_populates="attachments")
