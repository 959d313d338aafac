"""Step 2: understanding needs and outcomes (§7, §9.1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from audit_app.extensions import db
from audit_app.models.tracking import Tracked


class PlanningAnswer(Tracked, db.Model):  # type: ignore[name-defined]
    """The lead's answer to one of the planning questions asked before gathering."""

    __tablename__ = "planning_answer"
    __table_args__ = (UniqueConstraint("audit_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str | None] = mapped_column(Text)


class GatheringMethod(Tracked, db.Model):  # type: ignore[name-defined]
    """One line of the information-gathering plan."""

    __tablename__ = "gathering_method"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(Text)
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    costs: Mapped[str | None] = mapped_column(Text)
    cost_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    alternatives: Mapped[str | None] = mapped_column(Text)
    planned_for: Mapped[date | None] = mapped_column(Date)


class Finding(Tracked, db.Model):  # type: ignore[name-defined]
    """What a focus group, consultation day or carers-as-researchers exercise found."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(40))
    held_on: Mapped[date] = mapped_column(Date)
    participants: Mapped[int | None]
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    key_messages: Mapped[str] = mapped_column(Text)
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)


class OutcomePriority(Tracked, db.Model):  # type: ignore[name-defined]
    """An outcome that matters to local carers, with its rank and who said so."""

    __tablename__ = "outcome_priority"
    __table_args__ = (UniqueConstraint("audit_id", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(10))
    rank: Mapped[int]
    said_by: Mapped[str | None] = mapped_column(Text)
