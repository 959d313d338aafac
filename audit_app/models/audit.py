"""An audit of one area and scope, who takes part in it, and invitations to join."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_app.extensions import db
from audit_app.models.organisation import Organisation
from audit_app.models.types import UTCDateTime, utcnow
from audit_app.models.user import User

DRAFT = "draft"
PUBLISHED = "published"
AUDIT_STATUSES = {DRAFT: "Draft", PUBLISHED: "Published"}

LEAD = "lead"
PARTNER = "partner"
COMMISSIONER = "commissioner"
MEMBER_ROLES = {LEAD: "Carers lead", PARTNER: "Partner", COMMISSIONER: "Commissioner"}


class AuditStatus:
    """What an audit's status says, for an Audit and for what lists read of one
    (services.access.ListedAudit)."""

    status: str

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    @property
    def status_label(self) -> str:
        return AUDIT_STATUSES.get(self.status, self.status)


class Audit(AuditStatus, db.Model):  # type: ignore[name-defined]
    __tablename__ = "audit"
    # One audit per cycle started from another: a new version of it (same cycle)
    # or its next cycle. Two leads pressing "Start a new version" at once, or a
    # double-clicked "Start the next cycle", cannot make two (services.cycles).
    __table_args__ = (UniqueConstraint("previous_audit_id", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # Carer group codes in scope; empty means the whole carer population.
    scope: Mapped[list[str]] = mapped_column(JSON, default=list)
    cycle: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    framework_id: Mapped[str] = mapped_column(String(60))
    framework_version: Mapped[str] = mapped_column(String(30))
    # The framework as it stood when the audit began, plus local tailoring.
    framework: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    # Bumped on every change to the audit's content; caches key on it.
    revision: Mapped[int] = mapped_column(default=0)
    previous_audit_id: Mapped[int | None] = mapped_column(ForeignKey("audit.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    description: Mapped[str | None] = mapped_column(Text)

    area: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()
    memberships: Mapped[list[AuditMembership]] = relationship(
        back_populates="audit", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Audit {self.id} {self.title!r}>"


class AuditMembership(db.Model):  # type: ignore[name-defined]
    __tablename__ = "audit_membership"
    __table_args__ = (UniqueConstraint("audit_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"))
    # Indexed: most pages ask for the audits of one user (their memberships first).
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    audit: Mapped[Audit] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    @property
    def role_label(self) -> str:
        return MEMBER_ROLES.get(self.role, self.role)


class Invitation(db.Model):  # type: ignore[name-defined]
    """A one-time link to join an audit. Only a hash of the token is stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    audit: Mapped[Audit] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def role_label(self) -> str:
        return MEMBER_ROLES.get(self.role, self.role)

    def state(self, now: datetime) -> str:
        """pending, accepted, revoked or expired, as of ``now``."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"
