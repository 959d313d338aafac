"""Publishing an audit to commissioners, and what comes back.

A published audit is a fixed version: nobody changes it afterwards (services.access
refuses writes), so a commissioner's comment or agreement always refers to what
they saw. To change it, the lead starts a new version (a draft copy).

"You said, we did" is the plain-language summary for carers and stakeholders that
the lead may publish at a public link; it holds no personal data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_app.extensions import db
from audit_app.models.tracking import Tracked
from audit_app.models.types import UTCDateTime, utcnow
from audit_app.models.user import User

AGREED = "agreed"
AGREED_WITH_CHANGES = "agreed_with_changes"
NOT_AGREED = "not_agreed"
DECISIONS = {
    AGREED: "Agreed",
    AGREED_WITH_CHANGES: "Agreed, with changes asked for",
    NOT_AGREED: "Not agreed",
}
# What a commissioner records agreement to (DESIGN.md, Step 4 and "Publish and feed back").
SUBJECTS = {"priorities": "the priority changes", "plan": "the action plan"}


class Publication(db.Model):  # type: ignore[name-defined]
    """The moment an audit version was published, by whom, with what note."""

    __tablename__ = "publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), unique=True)
    version_number: Mapped[int] = mapped_column(default=1)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)

    published_by: Mapped[User | None] = relationship()


class CommissionerComment(db.Model):  # type: ignore[name-defined]
    """A comment on a published audit version; comments are never edited, only added."""

    __tablename__ = "commissioner_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    section: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class Agreement(Tracked, db.Model):  # type: ignore[name-defined]
    """One commissioner's decision on the priorities or the plan of a published version."""

    __tablename__ = "agreement"
    __table_args__ = (UniqueConstraint("audit_id", "commissioner_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    subject: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text)

    commissioner: Mapped[User] = relationship(foreign_keys=[commissioner_id])

    @property
    def decision_label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)


class FeedbackSummary(Tracked, db.Model):  # type: ignore[name-defined]
    """The "you said, we did" summary: an introduction and its published state."""

    __tablename__ = "feedback_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str | None] = mapped_column(Text)
    # The public link's token is random and unguessable; the page shows only this text.
    public_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[FeedbackItem]] = relationship(
        back_populates="summary",
        order_by="FeedbackItem.position",
        cascade="all, delete-orphan",
    )


class FeedbackItem(Tracked, db.Model):  # type: ignore[name-defined]
    """One "you said" with its "we did" (or "we will")."""

    __tablename__ = "feedback_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_summary.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)

    summary: Mapped[FeedbackSummary] = relationship(back_populates="items")
