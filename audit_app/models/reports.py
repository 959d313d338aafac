"""A PDF of an audit's report that someone asked for, from request to download.

The PDF is made in the background (an RQ job) when a queue is configured, and
kept in the database so that any app worker on any machine can serve it. What
it shows depends on who asked (their role, and which evidence they may see),
so it belongs to that person alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from audit_app.extensions import db
from audit_app.models.types import UTCDateTime, utcnow


class ReportPdf(db.Model):  # type: ignore[name-defined]
    __tablename__ = "report_pdf"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # The requester's role in the audit when it was asked for: the content depends on it.
    role: Mapped[str] = mapped_column(String(20))
    # queued, making, done, failed
    status: Mapped[str] = mapped_column(String(10))
    # The audit's revision the PDF shows (set again when the job reads the audit).
    audit_revision: Mapped[int] = mapped_column(Integer)
    # Everything else the report shows, as services.report_cache.report_key names it
    # (the other areas and last cycle compared with, the evidence the requester sees,
    # the carers' answers); empty on PDFs made before it was recorded.
    inputs_key: Mapped[str | None] = mapped_column(String(32))
    filename: Mapped[str | None] = mapped_column(String(200))
    # Deferred: status pages poll the record and must not load the file each time.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pages: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int | None] = mapped_column(Integer)
    failure: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the job read the audit: the PDF shows the audit as it was then.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<ReportPdf {self.id} audit {self.audit_id} {self.status}>"
