"""Who hears of what by email, with the link to the page it is about.

Five moments: an invitation (to the address invited), a partner's evidence return
submitted (to the audit's carers leads), a return sent back with comments (to the
person who wrote it), a partner's proposal for a rating (to the carers leads), and
an audit published (to its partners and commissioners). Recipients are only ever
the audit's own members (or the one address invited to it), never the person who
acted, never an account that is switched off. Each message goes through
:mod:`audit_app.services.mail`, which sends after the page and never fails it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import current_app, render_template, url_for
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, EvidenceReturn, Publication, User
from audit_app.models.audit import COMMISSIONER, LEAD, PARTNER
from audit_app.services import mail
from audit_app.services.accounts import IssuedInvitation

log = logging.getLogger(__name__)


def link(endpoint: str, **values: Any) -> str:
    """An absolute link: APP_BASE_URL and the page's path, else the request's own address."""
    base = current_app.config.get("APP_BASE_URL")
    if base:
        return str(base) + url_for(endpoint, _external=False, **values)
    return url_for(endpoint, _external=True, **values)


def members(audit: Audit, roles: Iterable[str], leaving_out: User | None = None) -> list[User]:
    """The audit's active members in ``roles``, but not ``leaving_out``."""
    users = db.session.scalars(
        select(User)
        .join(AuditMembership, AuditMembership.user_id == User.id)
        .where(
            AuditMembership.audit_id == audit.id,
            AuditMembership.role.in_(list(roles)),
            User.active.is_(True),
        )
        .order_by(User.email)
    )
    return [user for user in users if leaving_out is None or user.id != leaving_out.id]


def emailed(sent: list[str]) -> str:
    """The sentence a flash adds when an email went: nothing without a mail server."""
    if not sent or not mail.is_configured():
        return ""
    people = "1 person" if len(sent) == 1 else f"{len(sent)} people"
    return f" An email about it has gone to {people}."


def _send(template: str, to: Iterable[str], subject: str, **context: Any) -> list[str]:
    """Render templates/email/<template>.txt for each address and send it; the addresses."""
    sent = []
    for address in to:
        try:
            text = render_template(f"email/{template}.txt", **context)
        except Exception:  # noqa: BLE001 (the action succeeded; its email must not fail it)
            log.exception("email %s to %s could not be written", template, address)
            continue
        mail.send(mail.Message(to=address, subject=subject, text=text))
        sent.append(address)
    return sent


def invitation(issued: IssuedInvitation, url: str) -> list[str]:
    invited = issued.invitation
    audit = invited.audit
    return _send(
        "invitation",
        [invited.email],
        f"You are invited to the audit ‘{audit.title}’",
        invitation=invited,
        audit=audit,
        url=url,
        waits_for_publishing=invited.role == COMMISSIONER and not audit.is_published,
    )


def return_submitted(audit: Audit, record: EvidenceReturn, by: User) -> list[str]:
    leads = members(audit, (LEAD,), leaving_out=by)
    return _send(
        "return_submitted",
        [lead.email for lead in leads],
        f"Evidence return ‘{record.service_name}’ is ready for you to review",
        audit=audit,
        record=record,
        by=by,
        url=link("evidence.show", audit_id=audit.id, evidence_id=record.id),
    )


def _writers(audit: Audit, record: EvidenceReturn) -> list[User]:
    """Who wrote the return, if still in the audit; else its organisation's partners."""
    in_audit = members(audit, (LEAD, PARTNER))
    author = [user for user in in_audit if user.id == record.author_id]
    if author or record.organisation_id is None:
        return author
    return [user for user in in_audit if user.organisation_id == record.organisation_id]


def return_sent_back(audit: Audit, record: EvidenceReturn, by: User) -> list[str]:
    writers = [user for user in _writers(audit, record) if user.id != by.id]
    return _send(
        "return_sent_back",
        [user.email for user in writers],
        f"Evidence return ‘{record.service_name}’ has come back to you with comments",
        audit=audit,
        record=record,
        by=by,
        url=link("evidence.show", audit_id=audit.id, evidence_id=record.id),
    )


def proposal_made(audit: Audit, intervention: str, group: str, name: str, by: User) -> list[str]:
    leads = members(audit, (LEAD,), leaving_out=by)
    return _send(
        "proposal_made",
        [lead.email for lead in leads],
        f"A partner proposed a rating for {name}",
        audit=audit,
        name=name,
        by=by,
        url=link("ratings.cell", audit_id=audit.id, intervention=intervention, group=group)
        + "#proposals",
    )


def published(audit: Audit, publication: Publication, by: User) -> list[str]:
    readers = members(audit, (PARTNER, COMMISSIONER), leaving_out=by)
    return _send(
        "published",
        [user.email for user in readers],
        f"Version {publication.version_number} of the audit ‘{audit.title}’ is published",
        audit=audit,
        publication=publication,
        by=by,
        url=link("audits.overview", audit_id=audit.id),
    )
