"""Step 3 indicators (§8.1, Appendix A, seeds 000, 002 and 004): what each measures,
its report card, and its value per period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_app.extensions import db
from audit_app.models.tracking import Tracked
from hub_model.figures import INDICATOR_FIGURES, RAG_BOUNDS

# Every figure's range is hub_model's, which the form and the JSON import check
# (the import finds it in the column's info).
FIGURE = Numeric(INDICATOR_FIGURES.precision, INDICATOR_FIGURES.places)
FIGURE_INFO = {"figures": INDICATOR_FIGURES}
BOUND_INFO = {"figures": RAG_BOUNDS}


class Indicator(Tracked, db.Model):  # type: ignore[name-defined]
    """An indicator an audit follows: its definition, thresholds and OBA report card."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("audit_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    ref: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    # statistical_return, ni135, added_value, non_carer_services, gp_register, local
    kind: Mapped[str] = mapped_column(String(30))
    # The framework catalogue entry it was added from, if any.
    catalogue_ref: Mapped[str | None] = mapped_column(String(60))
    indicator_type: Mapped[str] = mapped_column(String(20))  # strategic, critical
    unit: Mapped[str] = mapped_column(String(20))  # hub_model.scales.Unit
    polarity: Mapped[str] = mapped_column(String(10))  # hub_model.scales.Polarity
    decimals: Mapped[int | None]
    green_amber_within: Mapped[Decimal | None] = mapped_column(Numeric(7, 1), info=BOUND_INFO)
    red_amber_within: Mapped[Decimal | None] = mapped_column(Numeric(7, 1), info=BOUND_INFO)
    comparator_group: Mapped[str | None] = mapped_column(String(200))
    # How far (in the indicator's unit) the latest result must beat the trend before
    # the curve has turned; empty: half a unit of the last decimal place shown.
    turn_tolerance: Mapped[Decimal | None] = mapped_column(FIGURE, info=FIGURE_INFO)
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    interventions: Mapped[list[str]] = mapped_column(JSON, default=list)
    data_owner: Mapped[str | None] = mapped_column(String(200))
    data_gaps: Mapped[str | None] = mapped_column(Text)
    # The OBA report card (seed 004).
    accountability: Mapped[str | None] = mapped_column(String(20))  # population, performance
    why_it_matters: Mapped[str | None] = mapped_column(Text)
    story: Mapped[str | None] = mapped_column(Text)
    success: Mapped[str | None] = mapped_column(Text)  # "What will success look like?"
    partners: Mapped[str | None] = mapped_column(Text)
    what_works: Mapped[str | None] = mapped_column(Text)
    responsible_officers: Mapped[str | None] = mapped_column(Text)

    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator",
        cascade="all, delete-orphan",
        order_by="IndicatorValue.period_end",
    )


class IndicatorValue(Tracked, db.Model):  # type: ignore[name-defined]
    """One period's figures for an indicator, with the comments a missed target needs."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    period_label: Mapped[str] = mapped_column(String(60))
    period_end: Mapped[date] = mapped_column(Date)
    numerator: Mapped[Decimal | None] = mapped_column(FIGURE, info=FIGURE_INFO)
    denominator: Mapped[Decimal | None] = mapped_column(FIGURE, info=FIGURE_INFO)
    direct_result: Mapped[Decimal | None] = mapped_column(FIGURE, info=FIGURE_INFO)
    target: Mapped[Decimal | None] = mapped_column(FIGURE, info=FIGURE_INFO)
    # As entered; when empty, the prior period's result stands in.
    previous: Mapped[Decimal | None] = mapped_column(FIGURE, info=FIGURE_INFO)
    benchmark: Mapped[Decimal | None] = mapped_column(FIGURE, info=FIGURE_INFO)
    expected_to_report: Mapped[bool] = mapped_column(default=True)
    comments: Mapped[str | None] = mapped_column(Text)
    proposed_intervention: Mapped[str | None] = mapped_column(Text)
    manual_rag: Mapped[str | None] = mapped_column(String(20))  # Rag4, set by hand
    manual_reason: Mapped[str | None] = mapped_column(Text)

    indicator: Mapped[Indicator] = relationship(back_populates="values")
