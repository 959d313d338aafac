"""Columns every editable record shares: who changed it last, when, and its version.

The version is SQLAlchemy's version counter: an UPDATE whose version no longer
matches (someone saved in between) fails instead of overwriting. Forms also
carry the version they were loaded with, so a stale page is caught before any
write and the person is shown both versions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from audit_app.models.types import UTCDateTime, utcnow
from audit_app.models.user import User


class Tracked:
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("user_account.id"))

    @declared_attr
    def updated_by(cls) -> Mapped[User | None]:  # noqa: N805
        return relationship(foreign_keys=[cls.updated_by_id])  # type: ignore[list-item]

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.version}  # type: ignore[attr-defined]
