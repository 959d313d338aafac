"""Step 2 questionnaires: one opened on an audit, its responses, and CSV imports.

Anonymity (DESIGN.md: carers answer "anonymously"): a response to an anonymous
questionnaire stores its answers, the date it was given (no time), and whether it
came online or from an import. Never an account, an address or a browser.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_app.extensions import db
from audit_app.models.tracking import Tracked
from audit_app.models.types import UTCDateTime, utcnow
from audit_app.models.user import User

OPEN = "open"
CLOSED = "closed"


class Questionnaire(Tracked, db.Model):  # type: ignore[name-defined]
    """A questionnaire definition opened on an audit for a period."""

    __tablename__ = "questionnaire"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    definition_id: Mapped[str] = mapped_column(String(40))
    # The definition as it stood when opened, so later edits to the file never
    # change what was asked of people who already answered.
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(20))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    # The public link's secret part (carers' questionnaires only).
    public_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The questionnaire of the earlier version this one carries on (a new version
    # of a published audit takes its answers and its public link along).
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="SET NULL"), index=True
    )


class QuestionnaireResponse(db.Model):  # type: ignore[name-defined]
    """One person's answers. For an anonymous questionnaire nothing here says who."""

    __tablename__ = "questionnaire_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    answered_on: Mapped[date] = mapped_column(Date)  # a date only, never a time
    source: Mapped[str] = mapped_column(String(10))  # "online" or "import"
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_import.id", ondelete="CASCADE"), index=True
    )
    # Signed-in respondents of a named (not anonymous) questionnaire only.
    respondent_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class QuestionnaireImport(db.Model):  # type: ignore[name-defined]
    """A CSV of responses collected elsewhere, from upload to all-or-nothing import."""

    __tablename__ = "questionnaire_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    # mapping, queued, checking, saving, done, invalid, failed
    status: Mapped[str] = mapped_column(String(10))
    headers: Mapped[list[str]] = mapped_column(JSON, default=list)
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    content: Mapped[str | None] = mapped_column(Text)  # the CSV, cleared once done
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When it was last queued: how long it has waited (services.jobs), and which
    # run may save it (a run started before it was queued again may not).
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()
