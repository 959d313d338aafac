"""The audit trail: every change to a judgement, indicator value or action."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_app.extensions import db
from audit_app.models.types import UTCDateTime, utcnow
from audit_app.models.user import User


class ChangeEvent(db.Model):  # type: ignore[name-defined]
    __tablename__ = "change_event"
    __table_args__ = (Index("ix_change_event_audit_at", "audit_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What changed, in the users' words: "rating", "checklist", "evidence", ...
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    # A readable name of the thing: "Breaks – Carers of older people with dementia".
    label: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(20))  # created, changed, removed
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()
