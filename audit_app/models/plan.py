"""Step 4: priorities and the action plan, in seed 001's shape (§9)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_app.extensions import db
from audit_app.models.tracking import Tracked
from audit_app.models.types import UTCDateTime, utcnow
from audit_app.models.user import User


class Priority(Tracked, db.Model):  # type: ignore[name-defined]
    """A priority change agreed with carers (the method asks for three)."""

    __tablename__ = "priority"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    carers_said: Mapped[str | None] = mapped_column(Text)
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)


class ActionPlan(Tracked, db.Model):  # type: ignore[name-defined]
    """The plan's header: strategic outcomes sought and key risks, and the summary
    for the board that opens the report."""

    __tablename__ = "action_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), unique=True)
    strategic_outcomes: Mapped[str | None] = mapped_column(Text)
    key_risks: Mapped[str | None] = mapped_column(Text)
    # The report's one-page summary for the board, in the lead's words.
    overall_position: Mapped[str | None] = mapped_column(Text)
    achievements: Mapped[str | None] = mapped_column(Text)
    challenges: Mapped[str | None] = mapped_column(Text)
    board_decisions: Mapped[str | None] = mapped_column(Text)


class Objective(Tracked, db.Model):  # type: ignore[name-defined]
    """An objective ("actions required / milestones") grouping actions."""

    __tablename__ = "objective"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))

    actions: Mapped[list[Action]] = relationship(back_populates="objective")


class Action(Tracked, db.Model):  # type: ignore[name-defined]
    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("objective.id", ondelete="SET NULL")
    )
    description: Mapped[str] = mapped_column(Text)
    target_measure: Mapped[str | None] = mapped_column(Text)
    due_by: Mapped[date | None] = mapped_column(Date)
    timescale: Mapped[str | None] = mapped_column(String(200))
    # [{"post": "Carers lead", "organisation": "Northshire County Council"}, ...]
    leads: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    capacity: Mapped[str | None] = mapped_column(Text)
    service: Mapped[str | None] = mapped_column(Text)
    interventions: Mapped[list[str]] = mapped_column(JSON, default=list)
    sub_outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind_of_change: Mapped[str | None] = mapped_column(String(60))
    commissioning_route: Mapped[str | None] = mapped_column(String(60))

    objective: Mapped[Objective | None] = relationship(back_populates="actions")
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionUpdate.on"
    )


class ActionUpdate(db.Model):  # type: ignore[name-defined]
    """A dated progress update ("Update – December 2009") with its four-level RAG."""

    __tablename__ = "action_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date)
    rag: Mapped[str] = mapped_column(String(20))  # Rag4
    commentary: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()


class FundingContribution(Tracked, db.Model):  # type: ignore[name-defined]
    """One partner's contribution to the plan's funding, and the share spent on breaks."""

    __tablename__ = "funding_contribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    partner: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    breaks_share: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    notes: Mapped[str | None] = mapped_column(Text)
