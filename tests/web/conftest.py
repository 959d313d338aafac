"""A small realistic cast for web tests: one area, its lead, two partners, a
commissioner, an administrator, and a lead from another area."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from audit_app.extensions import db
from audit_app.models import Audit, User
from tests import factories as make
from tests.visit import Visitor
from tests.web import revision_guard


@dataclass
class Cast:
    admin: User
    lead: User
    partner: User
    partner2: User
    commissioner: User
    other_lead: User
    draft: Audit
    published: Audit
    dementia: Audit  # a draft with the published audit's scope, for writing to
    other_area_audit: Audit


@pytest.fixture
def cast(app: Flask) -> Cast:
    with app.app_context():
        area = make.organisation("Northshire County Council", "area")
        other_area = make.organisation("Southshire Council", "area")
        centre = make.organisation("Northshire Carers Centre", "voluntary_sector")
        memory = make.organisation("Northshire Memory Support", "voluntary_sector")
        icb = make.organisation("Northshire ICB", "commissioning_body")
        admin = make.user("admin@example.org", "administrator", area)
        lead = make.user("lead@example.org", "carers_lead", area)
        partner = make.user("partner@example.org", "partner", centre)
        partner2 = make.user("partner2@example.org", "partner", memory)
        commissioner = make.user("commissioner@example.org", "commissioner", icb)
        other_lead = make.user("lead@southshire.example.org", "carers_lead", other_area)
        draft = make.audit(lead, area, "All carers in Northshire 2026/27", scope=[])
        published = make.audit(lead, area, "Carers of people with dementia 2026/27", published=True)
        dementia = make.audit(lead, area, "Carers of people with dementia 2027/28")
        other = make.audit(other_lead, other_area, "All carers in Southshire 2026/27", scope=[])
        for audit in (draft, published, dementia):
            make.member(audit, partner, "partner")
            make.member(audit, partner2, "partner")
            make.member(audit, commissioner, "commissioner")
        cast = Cast(
            admin,
            lead,
            partner,
            partner2,
            commissioner,
            other_lead,
            draft,
            published,
            dementia,
            other,
        )
        for record in vars(cast).values():
            db.session.refresh(record)  # load every column before detaching
        db.session.expunge_all()
        return cast


@pytest.fixture
def visitor(client: FlaskClient) -> Visitor:
    return Visitor(client)


@pytest.fixture
def as_lead(visitor: Visitor, cast: Cast) -> Visitor:
    visitor.sign_in("lead@example.org")
    return visitor


@pytest.fixture
def as_partner(visitor: Visitor, cast: Cast) -> Visitor:
    visitor.sign_in("partner@example.org")
    return visitor


@pytest.fixture
def as_commissioner(visitor: Visitor, cast: Cast) -> Visitor:
    visitor.sign_in("commissioner@example.org")
    return visitor


@pytest.fixture
def as_admin(visitor: Visitor, cast: Cast) -> Visitor:
    visitor.sign_in("admin@example.org")
    return visitor


def publish(app: Flask, audit_id: int) -> None:
    """Mark an audit published directly, after a test has written to it as a draft."""
    from audit_app.models.audit import PUBLISHED
    from audit_app.models.types import utcnow

    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        assert audit is not None
        audit.status = PUBLISHED
        audit.published_at = utcnow()
        audit.revision = (audit.revision or 0) + 1  # as publishing.publish does
        db.session.commit()


def trail(app: Flask, entity: str) -> list[tuple[str, str, dict | None, dict | None]]:  # type: ignore[type-arg]
    """The audit trail of one kind of record: (action, label, old, new), oldest first."""
    from sqlalchemy import select

    from audit_app.models import ChangeEvent

    with app.app_context():
        events = db.session.scalars(
            select(ChangeEvent).where(ChangeEvent.entity == entity).order_by(ChangeEvent.id)
        )
        return [(event.action, event.label, event.old, event.new) for event in events]


@pytest.fixture(autouse=True)
def every_write_gives_a_new_revision() -> Iterator[None]:
    """tests/web/revision_guard.py: no request writes an audit's records and leaves
    its revision as it was (what is kept per revision would go out of date)."""
    with revision_guard.watching() as failures:
        yield
    assert not failures, "\n".join(failures)
