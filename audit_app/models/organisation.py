"""Organisations: an area (council, ICB) or a partner organisation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from audit_app.extensions import db
from audit_app.models.types import UTCDateTime, utcnow

ORGANISATION_KINDS = {
    "area": "Area (council or integrated care board)",
    "voluntary_sector": "Voluntary or community sector organisation",
    "provider": "Independent or private provider",
    "nhs": "NHS trust or health provider",
    "gp_practice": "GP practice",
    "commissioning_body": "Commissioning body",
}


class Organisation(db.Model):  # type: ignore[name-defined]
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def kind_label(self) -> str:
        return ORGANISATION_KINDS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"
