"""Accounts: sign in, change password, create users, accept invitations."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.util import identity_key

from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, Invitation, Organisation, User
from audit_app.models.types import utcnow
from audit_app.services.passwords import hash_password, needs_rehash, verify_password


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (the caller says nothing more)."""
    user = find_user(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    assert user is not None
    if not user.active:
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_sign_in_at = utcnow()
    db.session.commit()
    return user


# Every request reads its user: the statement is built once (Session.get builds its
# own on each call: 0.25 ms against 0.18 ms, issue #21).
_USER_BY_ID = select(User).where(User.id == bindparam("user_id", type_=Integer))


def user_for_session(
    session_id: str, read: Callable[[int], User | None] | None = None
) -> User | None:
    """The active user a session's id ("<id>:<session version>") names, or None when
    the version is old (they signed out, or the password changed, since) or the
    account is deactivated: the session is then over. ``read`` reads the user by id,
    if not by the statement here (with the page's audit: access.user_and_audit)."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    if read is not None:
        user = read(int(user_id))
    else:
        user = db.session.scalar(_USER_BY_ID, {"user_id": int(user_id)})
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


_ORGANISATION_NAME = select(Organisation.name).where(
    Organisation.id == bindparam("organisation_id", type_=Integer)
)


def organisation_name(user: User) -> str | None:
    """The name of the user's organisation, or None: as ``user.organisation.name``
    reads it, without loading the organisation when it is not loaded already (the
    list of audits names it; the lazy load cost it about 0.3 ms, the name alone a
    tenth of that)."""
    if user.organisation_id is None:
        return None
    known = db.session.identity_map.get(identity_key(Organisation, user.organisation_id))
    if known is not None:
        return known.name  # type: ignore[no-any-return]
    return db.session.scalar(_ORGANISATION_NAME, {"organisation_id": user.organisation_id})


def end_sessions(user: User) -> None:
    """End every session of ``user``, everywhere (the caller commits)."""
    user.session_version = (user.session_version or 0) + 1


def change_password(user: User, current: str, new: str) -> bool:
    """Set ``new`` if ``current`` is right, ending every session of the user (the
    caller signs the current one in again); False (and nothing changed) otherwise."""
    if not verify_password(user.password_hash, current):
        return False
    user.password_hash = hash_password(new)
    end_sessions(user)
    db.session.commit()
    return True


def sign_out(user: User) -> None:
    """End every session of ``user``: the cookie is signed, not stored, so a copy of
    it would otherwise keep working after signing out."""
    end_sessions(user)
    db.session.commit()


def create_user(
    email: str,
    name: str,
    role: str,
    password: str | None,
    organisation: Organisation | None = None,
) -> User:
    """Add a user (the caller commits). ``password`` None leaves the account without one."""
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        organisation=organisation,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown once to the lead; only its hash is stored


def invite(
    audit: Audit,
    email: str,
    role: str,
    invited_by: User,
    organisation: Organisation | None,
    days: int,
) -> IssuedInvitation:
    """A one-time invitation link to ``audit``; earlier pending ones for the address are revoked."""
    now = utcnow()
    email = normalise_email(email)
    for earlier in db.session.scalars(
        select(Invitation).where(
            Invitation.audit_id == audit.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        earlier.revoked_at = now
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        audit=audit,
        email=email,
        role=role,
        organisation=organisation,
        token_hash=_token_hash(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.commit()
    return IssuedInvitation(invitation, token)


def pending_invitation(token: str, now: datetime | None = None) -> Invitation | None:
    """The invitation for ``token`` if it can still be used, else None."""
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token))
    )
    if invitation is None or invitation.state(now or utcnow()) != "pending":
        return None
    return invitation


class InvitationUsed(Exception):
    """The invitation was accepted (or withdrawn, or ran out) before this acceptance."""


def accept_invitation(invitation: Invitation, name: str | None, password: str | None) -> User:
    """Join the audit; a new person gets an account with ``name`` and ``password``.

    A person who already has an account keeps their password: they are simply added.
    Raises InvitationUsed, changing nothing, if the invitation can no longer be used
    by the time it is claimed: of many acceptances at once, exactly one succeeds.
    """
    now = utcnow()
    # Claimed first, by the database: a second acceptance waits for the first and
    # then finds nothing left to claim.
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise InvitationUsed()
    try:
        user = _join(invitation, name, password)
        db.session.commit()
    except IntegrityError as error:  # the same person joined through another invitation
        db.session.rollback()
        raise InvitationUsed() from error
    return user


def _join(invitation: Invitation, name: str | None, password: str | None) -> User:
    user = find_user(invitation.email)
    if user is None:
        assert name and password
        user = create_user(
            invitation.email,
            name,
            _account_role(invitation.role),
            password,
            invitation.organisation,
        )
        db.session.flush()
    existing = db.session.scalar(
        select(AuditMembership).where(
            AuditMembership.audit_id == invitation.audit_id, AuditMembership.user_id == user.id
        )
    )
    if existing is None:
        db.session.add(
            AuditMembership(audit_id=invitation.audit_id, user=user, role=invitation.role)
        )
    return user


def _account_role(member_role: str) -> str:
    return {"lead": "carers_lead", "partner": "partner", "commissioner": "commissioner"}[
        member_role
    ]


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0
