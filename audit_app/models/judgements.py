"""Step 3: the Appendix A checklist and the intervention ratings, per carer group (§8)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_app.extensions import db
from audit_app.models.evidence import EvidenceReturn
from audit_app.models.tracking import Tracked
from audit_app.models.types import UTCDateTime
from audit_app.models.user import User

rating_evidence = Table(
    "rating_evidence",
    db.metadata,
    Column("rating_id", ForeignKey("rating.id", ondelete="CASCADE"), primary_key=True),
    Column("evidence_id", ForeignKey("evidence_return.id", ondelete="CASCADE"), primary_key=True),
)

checklist_evidence = Table(
    "checklist_evidence",
    db.metadata,
    Column(
        "judgement_id", ForeignKey("checklist_judgement.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("evidence_id", ForeignKey("evidence_return.id", ondelete="CASCADE"), primary_key=True),
)


class ChecklistJudgement(Tracked, db.Model):  # type: ignore[name-defined]
    """One Appendix A sub-outcome for one carer group."""

    __tablename__ = "checklist_judgement"
    __table_args__ = (UniqueConstraint("audit_id", "sub_outcome", "group_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    sub_outcome: Mapped[str] = mapped_column(String(10))
    group_code: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="not_rated")  # ChecklistStatus
    indicator: Mapped[str] = mapped_column(String(20), default="not_rated")  # Rag
    rationale: Mapped[str | None] = mapped_column(Text)
    needs_confirmation: Mapped[bool] = mapped_column(default=False)

    evidence: Mapped[list[EvidenceReturn]] = relationship(secondary=checklist_evidence)


class Rating(Tracked, db.Model):  # type: ignore[name-defined]
    """The lead's rating of one intervention for one carer group (§8.3, §8.7)."""

    __tablename__ = "rating"
    __table_args__ = (UniqueConstraint("audit_id", "intervention", "group_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    intervention: Mapped[str] = mapped_column(String(60))
    group_code: Mapped[str] = mapped_column(String(60))
    rag: Mapped[str] = mapped_column(String(20), default="not_rated")
    maturity: Mapped[str] = mapped_column(String(20), default="not_rated")
    rationale: Mapped[str | None] = mapped_column(Text)
    # §8.3: who is reached and who is not, duplication, how barriers can be overcome.
    reached: Mapped[str | None] = mapped_column(Text)
    not_reached: Mapped[str | None] = mapped_column(Text)
    provision: Mapped[str | None] = mapped_column(String(20))  # under, about_right, over
    duplication: Mapped[str | None] = mapped_column(Text)
    barriers: Mapped[str | None] = mapped_column(Text)
    needs_confirmation: Mapped[bool] = mapped_column(default=False)

    evidence: Mapped[list[EvidenceReturn]] = relationship(secondary=rating_evidence)


class RatingProposal(db.Model):  # type: ignore[name-defined]
    """A partner's proposed rating; the lead's rating counts, and both are kept."""

    __tablename__ = "rating_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    intervention: Mapped[str] = mapped_column(String(60))
    group_code: Mapped[str] = mapped_column(String(60))
    rag: Mapped[str] = mapped_column(String(20))
    maturity: Mapped[str] = mapped_column(String(20))
    rationale: Mapped[str | None] = mapped_column(Text)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the lead saved the cell after this proposal (or set it aside): it no longer waits.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposed_by: Mapped[User] = relationship()


class CqcJudgement(Tracked, db.Model):  # type: ignore[name-defined]
    """The lead's own score (1 to 4, CQC's scale) and narrative for one CQC quality
    statement (hub_model.cqc), kept like the other judgements and carried to the next
    cycle to be confirmed."""

    __tablename__ = "cqc_judgement"
    __table_args__ = (UniqueConstraint("audit_id", "statement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    statement: Mapped[str] = mapped_column(String(40))
    score: Mapped[int | None]
    narrative: Mapped[str | None] = mapped_column(Text)
    needs_confirmation: Mapped[bool] = mapped_column(default=False)
