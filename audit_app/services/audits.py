"""Create audits and manage who takes part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, Invitation, Organisation, User
from audit_app.models.audit import LEAD
from audit_app.services.frameworks import snapshot_of


@dataclass(frozen=True)
class NewAudit:
    title: str
    area_id: int
    framework_id: str
    scope: list[str]
    cycle: str
    period_start: date
    period_end: date
    description: str | None = None


def area_choices(user: User) -> list[tuple[int, str]]:
    """The areas ``user`` may create or import an audit for, by name.

    An administrator acts for every area. Anyone else acts only for the areas they
    belong to: their own organisation when it is an area, and the area of any audit
    they are a carers lead of (a lead invited to run another council's audit with
    its lead). Never a list of all areas: an audit made under another council would
    be hidden from that council's own lead.
    """
    query = select(Organisation).where(Organisation.kind == "area")
    if not user.is_admin:
        led = (
            select(Audit.area_id)
            .join(AuditMembership)
            .where(AuditMembership.user_id == user.id, AuditMembership.role == LEAD)
        )
        query = query.where(or_(Organisation.id == user.organisation_id, Organisation.id.in_(led)))
    return [(area.id, area.name) for area in db.session.scalars(query.order_by(Organisation.name))]


def organisation_choices() -> list[tuple[str, str]]:
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    return [(str(org.id), org.name) for org in organisations]


def create_audit(new: NewAudit, lead: User) -> Audit:
    """A draft audit with a snapshot of the chosen framework; its creator is its lead."""
    snapshot = snapshot_of(new.framework_id)
    audit = Audit(
        title=new.title,
        area_id=new.area_id,
        scope=new.scope,
        cycle=new.cycle,
        period_start=new.period_start,
        period_end=new.period_end,
        framework_id=new.framework_id,
        framework_version=str(snapshot.get("version", "")),
        framework=snapshot,
        description=new.description or None,
        created_by=lead,
    )
    db.session.add(audit)
    db.session.add(AuditMembership(audit=audit, user=lead, role=LEAD))
    db.session.commit()
    return audit


def organisation_for_invitation(
    organisation_id: str | None, new_name: str | None, new_kind: str | None
) -> Organisation | None:
    """The chosen organisation, or a new one (reusing an existing one of the same name)."""
    if new_name:
        existing = db.session.scalar(select(Organisation).where(Organisation.name == new_name))
        if existing:
            return existing
        organisation = Organisation(name=new_name, kind=new_kind or "voluntary_sector")
        db.session.add(organisation)
        db.session.flush()
        return organisation
    if organisation_id and organisation_id.isdigit():
        return db.session.get(Organisation, int(organisation_id))
    return None


def members(audit: Audit) -> list[AuditMembership]:
    return list(
        db.session.scalars(
            select(AuditMembership)
            .where(AuditMembership.audit_id == audit.id)
            .order_by(AuditMembership.role, AuditMembership.added_at)
        )
    )


def invitations(audit: Audit) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.audit_id == audit.id)
            .order_by(Invitation.created_at.desc())
        )
    )


def revoke_invitation(audit: Audit, invitation_id: int) -> bool:
    from audit_app.models.types import utcnow

    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.audit_id != audit.id or invitation.accepted_at:
        return False
    invitation.revoked_at = utcnow()
    db.session.commit()
    return True
