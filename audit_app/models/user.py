"""People who sign in, and their account-wide role."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_app.extensions import db
from audit_app.models.organisation import Organisation
from audit_app.models.types import UTCDateTime, utcnow

ADMINISTRATOR = "administrator"
CARERS_LEAD = "carers_lead"
PARTNER = "partner"
COMMISSIONER = "commissioner"

ROLES = {
    ADMINISTRATOR: "Administrator",
    CARERS_LEAD: "Carers lead",
    PARTNER: "Partner",
    COMMISSIONER: "Commissioner",
}


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the id kept in the session cookie: raising it (on signing out or a new
    # password) makes every cookie issued before worthless.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive accounts cannot sign in
        return self.active

    def get_id(self) -> str:
        """Flask-Login's "alternative token": the id with the session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMINISTRATOR

    def __repr__(self) -> str:
        return f"<User {self.email!r} {self.role}>"
