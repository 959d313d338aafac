"""Who may see and do what. Every view that touches an audit goes through here.

The rules (DESIGN.md, "Who uses it and for what"):
- an administrator sees every audit;
- a carers lead, partner or commissioner sees only audits they are a member of;
- a commissioner sees an audit only once it is published;
- a person who may not see an audit gets 404, so its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, User
from audit_app.models.audit import COMMISSIONER, LEAD, PARTNER

F = TypeVar("F", bound=Callable[..., Any])

ALL_MEMBER_ROLES = (LEAD, PARTNER, COMMISSIONER)


def member_role(user: User, audit: Audit) -> str | None:
    """The user's role in this audit ("lead", "partner", "commissioner"), or None."""
    if user.is_admin:
        return LEAD
    return db.session.scalar(
        select(AuditMembership.role).where(
            AuditMembership.audit_id == audit.id, AuditMembership.user_id == user.id
        )
    )


def can_see(user: User, audit: Audit, role: str | None) -> bool:
    if role is None:
        return False
    return not (role == COMMISSIONER and not audit.is_published)


def audit_or_404(audit_id: int, roles: tuple[str, ...] = ALL_MEMBER_ROLES) -> tuple[Audit, str]:
    """The audit and the current user's role in it, or 404 if they may not act here."""
    audit = db.session.get(Audit, audit_id)
    if audit is None:
        abort(404)
    role = member_role(current_user, audit)
    if not can_see(current_user, audit, role) or role not in roles:
        abort(404)
    assert role is not None
    return audit, role


def visible_audits(user: User) -> list[tuple[Audit, str]]:
    """Audits the user can open, newest first, each with the user's role in it."""
    if user.is_admin:
        audits = db.session.scalars(select(Audit).order_by(Audit.created_at.desc())).all()
        return [(audit, LEAD) for audit in audits]
    rows = db.session.execute(
        select(Audit, AuditMembership.role)
        .join(AuditMembership, AuditMembership.audit_id == Audit.id)
        .where(AuditMembership.user_id == user.id)
        .order_by(Audit.created_at.desc())
    ).all()
    return [(audit, role) for audit, role in rows if can_see(user, audit, role)]


def account_role_required(*roles: str) -> Callable[[F], F]:
    """Signed in, with one of these account roles; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
