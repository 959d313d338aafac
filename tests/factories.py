"""Realistic records for tests, built through the same services the app uses."""

from __future__ import annotations

from datetime import date

from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, Organisation, User
from audit_app.models.audit import PUBLISHED
from audit_app.models.types import utcnow
from audit_app.services import accounts
from audit_app.services.audits import NewAudit, create_audit

PASSWORD = "a-good-password"


def organisation(name: str = "Northshire County Council", kind: str = "area") -> Organisation:
    org = Organisation(name=name, kind=kind)
    db.session.add(org)
    db.session.commit()
    return org


def user(
    email: str,
    role: str,
    org: Organisation | None = None,
    name: str | None = None,
) -> User:
    person = accounts.create_user(email, name or email.split("@")[0].title(), role, PASSWORD, org)
    db.session.commit()
    return person


def audit(
    lead: User,
    area: Organisation,
    title: str = "Carers of people with dementia 2026/27",
    scope: list[str] | None = None,
    published: bool = False,
) -> Audit:
    new = create_audit(
        NewAudit(
            title=title,
            area_id=area.id,
            framework_id="carers_hub_2010",
            scope=["dementia"] if scope is None else scope,
            cycle="2026/27",
            period_start=date(2026, 4, 1),
            period_end=date(2027, 3, 31),
        ),
        lead,
    )
    if published:
        new.status = PUBLISHED
        new.published_at = utcnow()
        db.session.commit()
    return new


def member(audit_: Audit, person: User, role: str) -> AuditMembership:
    membership = AuditMembership(audit=audit_, user=person, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership
