"""Demo data a person can explore straight after `make run`.

Created only by `flask demo-data`; never by migrations or tests of production paths.
All demo accounts use the password DEMO_PASSWORD.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, Organisation, User
from audit_app.models.audit import COMMISSIONER, LEAD, PARTNER, PUBLISHED
from audit_app.models.types import utcnow
from audit_app.services import accounts
from audit_app.services.frameworks import snapshot_of

DEMO_PASSWORD = "demo-password"  # noqa: S105 (documented demo credential)
AREA = "Northshire County Council"

ORGANISATIONS = [
    (AREA, "area"),
    ("Northshire Carers Centre", "voluntary_sector"),
    ("Northshire Memory Support", "voluntary_sector"),
    ("Northshire Integrated Care Board", "commissioning_body"),
]

ACCOUNTS = [
    ("admin@demo.test", "Alex Admin", "administrator", AREA),
    ("lead@demo.test", "Leah Lead", "carers_lead", AREA),
    ("partner@demo.test", "Priya Partner", "partner", "Northshire Carers Centre"),
    ("partner2@demo.test", "Pat Partner", "partner", "Northshire Memory Support"),
    (
        "commissioner@demo.test",
        "Chris Commissioner",
        "commissioner",
        "Northshire Integrated Care Board",
    ),
]


def load_demo() -> bool:
    """Create the demo area, accounts and audits; False if they already exist."""
    if accounts.find_user("lead@demo.test") is not None:
        return False
    organisations = {}
    for name, kind in ORGANISATIONS:
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if organisation is None:
            organisation = Organisation(name=name, kind=kind)
            db.session.add(organisation)
        organisations[name] = organisation
    users = {}
    for email, name, role, organisation_name in ACCOUNTS:
        users[email] = (
            accounts.create_user(email, name, role, DEMO_PASSWORD, organisations[organisation_name])
            if accounts.find_user(email) is None
            else accounts.find_user(email)
        )
    db.session.flush()

    snapshot = snapshot_of("carers_hub_2010")
    whole = _audit(
        "All carers in Northshire 2026/27",
        organisations[AREA],
        [],
        snapshot,
        users["lead@demo.test"],
        "A whole-area audit of support for unpaid carers, "
        "ahead of recommissioning the carers' centre.",
    )
    dementia = _audit(
        "Carers of people with dementia in Northshire 2026/27",
        organisations[AREA],
        ["dementia"],
        snapshot,
        users["lead@demo.test"],
        "Section 6.1 of the method suggests separate audits per group: dementia carers first, "
        "because the joint dementia strategy is being refreshed.",
    )
    dementia.status = PUBLISHED
    dementia.published_at = utcnow()
    for audit in (whole, dementia):
        _member(audit, users["lead@demo.test"], LEAD)
        _member(audit, users["partner@demo.test"], PARTNER)
        _member(audit, users["partner2@demo.test"], PARTNER)
        _member(audit, users["commissioner@demo.test"], COMMISSIONER)
    db.session.commit()
    return True


def _audit(
    title: str,
    area: Organisation,
    scope: list[str],
    snapshot: dict[str, object],
    lead: User,
    description: str,
) -> Audit:
    audit = Audit(
        title=title,
        area=area,
        scope=scope,
        cycle="2026/27",
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
        framework_id=str(snapshot["id"]),
        framework_version=str(snapshot["version"]),
        framework=snapshot,
        created_by=lead,
        description=description,
    )
    db.session.add(audit)
    return audit


def _member(audit: Audit, user: User, role: str) -> None:
    db.session.add(AuditMembership(audit=audit, user=user, role=role))
