"""The area's published figures of the national carers' survey (SACE), entered by the
lead or imported from the published table, to set beside the local survey's."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from audit_app.extensions import db
from audit_app.models.tracking import Tracked
from hub_model.figures import INDICATOR_FIGURES

FIGURE = Numeric(INDICATOR_FIGURES.precision, INDICATOR_FIGURES.places)
FIGURE_INFO = {"figures": INDICATOR_FIGURES}


class PublishedCarerFigure(Tracked, db.Model):  # type: ignore[name-defined]
    """One published figure: a measure (a code of the quality-of-life scoring), the
    survey year, its value (a score, or a percentage) and the carers it is about."""

    __tablename__ = "published_carer_figure"
    __table_args__ = (UniqueConstraint("audit_id", "measure", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    measure: Mapped[str] = mapped_column(String(40))
    year: Mapped[str] = mapped_column(String(9))  # "2023-24"
    council_code: Mapped[str | None] = mapped_column(String(12))
    value: Mapped[Decimal] = mapped_column(FIGURE, info=FIGURE_INFO)
    base: Mapped[int | None]  # respondents the figure is about
    ci_low: Mapped[Decimal | None] = mapped_column(FIGURE, info=FIGURE_INFO)
    ci_high: Mapped[Decimal | None] = mapped_column(FIGURE, info=FIGURE_INFO)
