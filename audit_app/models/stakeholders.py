"""Step 1: who the stakeholders are, the carer population, and linked sources (§6)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from audit_app.extensions import db
from audit_app.models.tracking import Tracked

ENGAGEMENT_STATUSES = {
    "identified": "Identified",
    "invited": "Invited",
    "engaged": "Engaged",
    "responded": "Responded",
}


class Stakeholder(Tracked, db.Model):  # type: ignore[name-defined]
    __tablename__ = "stakeholder"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    type_code: Mapped[str] = mapped_column(String(60))
    subtype_code: Mapped[str | None] = mapped_column(String(60))
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    engagement: Mapped[str] = mapped_column(String(20), default="identified")
    notes: Mapped[str | None] = mapped_column(Text)


class PopulationStatistic(Tracked, db.Model):  # type: ignore[name-defined]
    __tablename__ = "population_statistic"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    measure: Mapped[str] = mapped_column(String(200))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    unit: Mapped[str] = mapped_column(String(20))  # people, percentage, rate_per_1000, other
    geography_level: Mapped[str] = mapped_column(String(20))  # area, locality, ward
    geography_name: Mapped[str | None] = mapped_column(String(200))
    group_code: Mapped[str | None] = mapped_column(String(60))
    community: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    year: Mapped[int]
    notes: Mapped[str | None] = mapped_column(Text)


class LinkedSource(Tracked, db.Model):  # type: ignore[name-defined]
    __tablename__ = "linked_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # jsna, regional_profile, other
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(1000))
    year: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(Text)
