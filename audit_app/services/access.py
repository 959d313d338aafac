"""Who may see and do what. Every view that touches an audit goes through here.

The rules (DESIGN.md, "Who uses it and for what"):
- an administrator sees every audit;
- a carers lead, partner or commissioner sees only audits they are a member of;
- a commissioner sees an audit only once it is published;
- a person who may not see an audit gets 404, so its existence is not revealed;
- a published audit is a fixed version: any write to it is refused (409) unless
  the view says the write belongs to a published version (commissioners'
  comments and agreement, inviting people, "you said, we did", new versions,
  the next cycle, and gathering views: answering, importing and closing
  questionnaires goes on after publication and feeds the next version, which
  carries them on: services.questionnaire_carry);
- the lead's ratings and Appendix A judgements of a draft are the lead's alone
  until published (`sees_judgements`): pages made of them are 404 for partners,
  and pages that show them among other things leave them out;
- a page whose purpose is to change the audit (a form, a delete confirmation)
  is refused (409) on a published version when it is opened, not only when it
  is sent: `editable_audit_or_404`. tests/web/test_published_read_only.py walks
  every route that takes POST, so a new form page must use it or be listed there
  as belonging to a published version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, wraps
from typing import Any, TypeVar

from flask import abort, g, has_request_context, request
from flask_login import current_user, login_required
from sqlalchemy import Integer, Select, String, bindparam, cast, func, literal, select
from sqlalchemy.orm import aliased, defer, joinedload

from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, Organisation, User
from audit_app.models.audit import COMMISSIONER, LEAD, PARTNER, PUBLISHED, AuditStatus

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


def role_column(user: User) -> Any:
    """The user's role in each audit of a query on audits, as a column of it (the
    subquery of :func:`member_role`), so that audits and roles come in one query."""
    if user.is_admin:
        return literal(LEAD)
    return (
        select(AuditMembership.role)
        .where(AuditMembership.audit_id == Audit.id, AuditMembership.user_id == user.id)
        .correlate(Audit)
        .scalar_subquery()
    )


def can_see(user: User, audit: Audit, role: str | None) -> bool:
    if role is None:
        return False
    return not (role == COMMISSIONER and not audit.is_published)


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bound_role_column(admin: bool) -> Any:
    """:func:`role_column` for a query built once: the user's id is the bound
    parameter ``user_id`` (an administrator reads every audit as a lead)."""
    if admin:
        return literal(LEAD)
    return (
        select(AuditMembership.role)
        .where(
            AuditMembership.audit_id == Audit.id,
            AuditMembership.user_id == bindparam("user_id", type_=Integer),
        )
        .correlate(Audit)
        .scalar_subquery()
    )


# A list of audits names each one's area, joined in the same statement (a second
# query for the areas cost a commissioner given 14 audits 0.9 ms a call, against
# 0.36 ms joined); the framework each audit holds (a large JSON document) is read only
# if a page uses it (`frameworks.framework_of` finds it parsed by the audit's revision).
_LISTED = (joinedload(Audit.area), defer(Audit.framework))


@lru_cache(maxsize=2)
def _audit_and_role(admin: bool) -> Select[Any]:
    """The query of :func:`audit_or_404`, built once (for administrators and for
    members), the audit's and the user's ids bound on each use: every audit page
    asks it, and building its SQL expressions cost more than asking it."""
    return (
        select(Audit, bound_role_column(admin))
        .where(Audit.id == bindparam("audit_id", type_=Integer))
        .options(*_LISTED)
    )


# What a page reads with the user and its audit, in the same statement (one round
# trip fewer), by endpoint and name: a function giving one column, a scalar subquery
# that may name the outer User and Audit (the reader and the page's audit).
# Registered by the page's blueprint (`read_with_user`); the page's service takes it
# with `read_with_user_value`, or asks its own query when it was not read (another
# endpoint, a request outside the user loader).
_WITH_USER: dict[str, dict[str, Callable[[], Any]]] = {}


def read_with_user(endpoint: str, name: str, column: Callable[[], Any]) -> None:
    """Have the user loader read ``column()`` with the user on ``endpoint``'s pages."""
    _WITH_USER.setdefault(endpoint, {})[name] = column
    _user_audit_and_role.cache_clear()


def read_with_user_value(audit_id: int, name: str, user_id: int | None = None) -> tuple[bool, Any]:
    """(True, the value) of the column ``name`` read in this request with the user
    (``user_id``'s, when given) and this audit; (False, None) when it was not."""
    read = g.get("read_with_user_values") if has_request_context() else None
    if (
        read is None
        or read[1] != audit_id
        or name not in read[2]
        or (user_id is not None and read[0] != user_id)
    ):
        return False, None
    return True, read[2][name]


def read_with_user_or_alone(
    audit_id: int, user: User, name: str, column: Callable[[bool], Any]
) -> Any:
    """The value of ``column`` (a function of whether the reader is an administrator,
    giving a scalar subquery of the outer ``User`` and ``Audit``, as registered with
    :func:`read_with_user` under ``name``): as read with the user on this page, or
    asked alone, for this user and audit. An administrator's is always asked alone:
    the column read with the user is a member's."""
    read, value = read_with_user_value(audit_id, name, user.id)
    if user.is_admin or not read:
        values = {"user_id": user.id, "audit_id": audit_id}
        value = db.session.scalar(_column_alone(column, user.is_admin), values)
    return value


@lru_cache(maxsize=8)
def _column_alone(column: Callable[[bool], Any], admin: bool) -> Select[Any]:
    """``column(admin)`` for the user and audit whose ids are bound, built once per
    column for members and once for administrators."""
    return (
        select(column(admin))
        .select_from(User)
        .join(Audit, Audit.id == bindparam("audit_id", type_=Integer))
        .where(User.id == bindparam("user_id", type_=Integer))
    )


def key_entry(*parts: Any) -> Any:
    """One entry of a key read as a list (an aggregate of these, ``|`` between them):
    its text ``parts`` joined by ``:``, with the entry's length before it, so that
    :func:`key_entries` reads the list back whatever text the parts hold."""
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + literal(":") + part
    return cast(func.length(joined), String) + literal(":") + joined


def key_entries(text: str | None) -> tuple[str, ...]:
    """The entries of a list of :func:`key_entry`, sorted: the same key whatever order
    the database joined them in (SQL leaves it open), so that what is kept under it is
    found again and a key compared later (a PDF's) is the same for the same inputs."""
    found = []
    rest = text or ""
    while rest:
        size, _, rest = rest.partition(":")
        found.append(rest[: int(size)])
        rest = rest[int(size) :].removeprefix("|")
    return tuple(sorted(found))


@lru_cache(maxsize=32)
def _user_audit_and_role(endpoint: str | None = None) -> Select[Any]:
    """The user by id, with :func:`_audit_and_role`'s audit and member's role (None
    where there is no such audit), and the columns the endpoint reads with them, in
    one statement, built once per endpoint."""
    extra = _WITH_USER.get(endpoint or "", {})
    columns = [User, Audit, bound_role_column(False)]
    columns.extend(column().label(f"with_user_{name}") for name, column in extra.items())
    return (
        select(*columns)
        .outerjoin(Audit, Audit.id == bindparam("audit_id", type_=Integer))
        .where(User.id == bindparam("user_id", type_=Integer))
        .options(*_LISTED)
    )


def user_and_audit(user_id: int, audit_id: int) -> User | None:
    """The request's user by id, reading the audit its page names in the same
    statement (one round trip to the database the fewer): kept in ``g`` for the
    page's :func:`audit_or_404`, which uses it once (the user loader calls this);
    and the columns its endpoint reads with them (`read_with_user`), if any."""
    endpoint = request.endpoint if request.endpoint in _WITH_USER else None
    found = db.session.execute(
        _user_audit_and_role(endpoint), {"user_id": user_id, "audit_id": audit_id}
    ).first()
    if found is None:
        return None
    user, audit, role = found[:3]
    g.read_with_user = (user_id, audit_id, audit, role)
    if endpoint is not None:
        values = dict(zip(_WITH_USER[endpoint], found[3:], strict=True))
        g.read_with_user_values = (user_id, audit_id, values)
    return user  # type: ignore[no-any-return]


def _read_with_user(audit_id: int) -> tuple[Audit, str | None] | None:
    """:func:`user_and_audit`'s audit and role, if it read this audit for the current
    user in this request (an administrator reads every audit as a lead); once."""
    read = g.pop("read_with_user", None)
    if read is None or read[0] != current_user.id or read[1] != audit_id:
        return None
    audit, role = read[2], read[3]
    if audit is None:
        return None
    return audit, LEAD if current_user.is_admin else role


def audit_or_404(
    audit_id: int,
    roles: tuple[str, ...] = ALL_MEMBER_ROLES,
    allow_published: bool = False,
) -> tuple[Audit, str]:
    """The audit and the current user's role in it, or 404 if they may not act here.

    A write (any method but GET/HEAD) to a published audit gets 409 unless
    ``allow_published``: published versions do not change. The audit's framework
    (tens of KB of JSON) is not read: `frameworks.framework_of` finds it parsed.
    """
    # One query: the audit, its area (most pages name it) and the user's role in it;
    # none when the user's own query read them (user_and_audit).
    admin = current_user.is_admin  # loads the user first
    found = _read_with_user(audit_id) if g.get("read_with_user") else None
    if found is None:
        found = db.session.execute(
            _audit_and_role(admin),
            {"audit_id": audit_id} | ({} if admin else {"user_id": current_user.id}),
        ).first()
    if found is None:
        abort(404)
    audit, role = found
    if not can_see(current_user, audit, role) or role not in roles:
        abort(404)
    assert role is not None
    if audit.is_published and not allow_published and request.method not in READ_METHODS:
        abort(409)
    return audit, role


def sees_judgements(audit: Audit, role: str | None) -> bool:
    """Whether the lead's ratings and Appendix A judgements of ``audit`` may be shown:
    to its lead (and administrators) always, to anyone else once it is published.

    DESIGN.md: a partner sees its own submissions and what the lead has published.
    On a draft a partner may still propose a rating for a cell, without the lead's.
    """
    return role == LEAD or audit.is_published


def audit_with_judgements_or_404(audit_id: int) -> tuple[Audit, str]:
    """As `audit_or_404`, for a page made of the lead's judgements (the ratings'
    maps, wheel and gap map, the checklist, the comparison of cycles): 404 for
    someone who may not see them yet (`sees_judgements`)."""
    audit, role = audit_or_404(audit_id)
    if not sees_judgements(audit, role):
        abort(404)
    return audit, role


def editable_audit_or_404(
    audit_id: int, roles: tuple[str, ...] = ALL_MEMBER_ROLES
) -> tuple[Audit, str]:
    """As `audit_or_404`, for a page whose purpose is to change the audit: a
    published version refuses it (409) whatever the method, GET too, so nobody
    fills in a form that could not be saved."""
    audit, role = audit_or_404(audit_id, roles)
    refuse_if_published(audit)
    return audit, role


def refuse_if_published(audit: Audit) -> None:
    """409 on a published version: the error page says why and how to start a new
    version. For a form page that must first check who may change which record."""
    if audit.is_published:
        abort(409)


def may_edit(audit: Audit, role: str | None) -> bool:
    """Whether pages show the lead's editing controls: the lead, on a draft only."""
    return role == LEAD and not audit.is_published


@dataclass(frozen=True)
class AreaName:
    name: str


@dataclass(frozen=True)
class ListedAudit(AuditStatus):
    """What the list of audits and the choice of areas to compare show of an audit,
    and what names it at its revision (chart_cache.revision_key), read as columns:
    building ORM objects of a commissioner's 15 audits and their areas cost 0.42 ms
    a request, the same columns as rows 0.24 ms (issue #21). An audit's other
    columns are not here: a page that needs them reads the audit
    (benchmarking.loaded)."""

    id: int
    title: str
    area_id: int
    cycle: str
    status: str
    revision: int | None
    created_at: datetime
    area: AreaName


_NAMED_COLUMNS = (
    Audit.id,
    Audit.title,
    Audit.area_id,
    Audit.cycle,
    Audit.status,
    Audit.revision,
    Audit.created_at,
    Organisation.name,
)


@lru_cache(maxsize=4)
def _listed_query(admin: bool, named: bool = False) -> Select[Any]:
    """The query of :func:`visible_audits`, built once (for administrators and for
    members), the user's id bound on each use (as :func:`_audit_and_role`): every
    audit's row of the user's memberships, with the user's role in it. ``named``:
    only what names each audit is read, as columns (:class:`ListedAudit`)."""
    if named:
        query = select(*_NAMED_COLUMNS, *(() if admin else (AuditMembership.role,)))
        query = query.join(Organisation, Organisation.id == Audit.area_id)
    else:
        query = select(Audit, *(() if admin else (AuditMembership.role,))).options(*_LISTED)
    if not admin:
        query = query.join(AuditMembership, AuditMembership.audit_id == Audit.id).where(
            AuditMembership.user_id == bindparam("user_id", type_=Integer)
        )
    return query.order_by(Audit.created_at.desc())


def _listed(row: Any) -> ListedAudit:
    return ListedAudit(*row[:7], area=AreaName(row[7]))  # type: ignore[misc]


@lru_cache(maxsize=1)
def _user_and_memberships_query() -> Select[Any]:
    """The user by id (with their organisation, which the list of audits names) and
    :func:`_listed_query`'s rows of their memberships, in one statement: a row per
    membership, or one with no audit for someone who has none."""
    area = aliased(Organisation)
    return (
        select(User, *_NAMED_COLUMNS[:-1], area.name, AuditMembership.role)
        .select_from(User)
        .outerjoin(AuditMembership, AuditMembership.user_id == User.id)
        .outerjoin(Audit, Audit.id == AuditMembership.audit_id)
        .outerjoin(area, area.id == Audit.area_id)
        .where(User.id == bindparam("user_id", type_=Integer))
        .options(joinedload(User.organisation))
        .order_by(Audit.created_at.desc())
    )


def user_and_memberships(user_id: int) -> User | None:
    """The request's user by id, reading the audits they are a member of in the same
    statement (one round trip to the database the fewer), for the pages that list
    them (the list of audits, the choice of areas to compare: the user loader calls
    this there): kept in ``g`` for :func:`_memberships`, which uses them once. An
    administrator's lists are every audit, asked apart."""
    rows = db.session.execute(_user_and_memberships_query(), {"user_id": user_id}).all()
    if not rows:
        return None
    user = rows[0][0]
    if not user.is_admin:
        listed = [(_listed(row[1:]), row[9]) for row in rows if row[1] is not None]
        g.memberships_read = (user_id, listed)
    return user  # type: ignore[no-any-return]


def _memberships_read(user: User) -> list[tuple[ListedAudit, str]] | None:
    """:func:`user_and_memberships`' rows, if it read them for this user in this
    request; once."""
    read = g.pop("memberships_read", None) if has_request_context() else None
    if read is None or read[0] != user.id:
        return None
    return read[1]  # type: ignore[no-any-return]


def _memberships(user: User, named: bool = False) -> list[tuple[Any, str]]:
    """Every audit the user is a member of (each audit for an administrator, as its
    lead), newest first, with their role: those they cannot open yet too. ``named``:
    each a :class:`ListedAudit`, else an Audit."""
    if named and (read := _memberships_read(user)) is not None:
        return read  # type: ignore[return-value]
    admin = user.is_admin
    rows = db.session.execute(
        _listed_query(admin, named), {} if admin else {"user_id": user.id}
    ).all()
    if named:
        return [(_listed(row), LEAD if admin else row[8]) for row in rows]
    return [(row[0], LEAD if admin else row[1]) for row in rows]


def visible_audits(user: User, named: bool = False) -> list[tuple[Any, str]]:
    """Audits the user can open, newest first, each with the user's role in it (and
    its area loaded: the lists name it, in one query for all the audits). ``named``:
    of each audit only what names it is read (:class:`ListedAudit`)."""
    return [
        (audit, role) for audit, role in _memberships(user, named) if can_see(user, audit, role)
    ]


def visible_and_awaiting(user: User) -> tuple[list[tuple[Any, str]], list[Any]]:
    """:func:`visible_audits` and :func:`awaiting_publication` for the list of audits,
    for a member from the one query of their memberships (the drafts they joined as a
    commissioner are among them, not readable yet). Of each audit, only what the list
    shows is read (:class:`ListedAudit`), for a member."""
    if user.is_admin:
        return visible_audits(user), awaiting_publication(user)
    rows = _memberships(user, named=True)
    waiting = [
        audit for audit, role in reversed(rows) if role == COMMISSIONER and not audit.is_published
    ]
    waiting.sort(key=lambda audit: audit.created_at)  # oldest first, as awaiting_publication
    return [(audit, role) for audit, role in rows if can_see(user, audit, role)], waiting


def awaiting_publication(user: User) -> list[Audit]:
    """Drafts the user has joined as a commissioner, oldest first: not readable yet,
    named on their list so that joining one does not seem to have failed."""
    return list(
        db.session.scalars(
            select(Audit)
            .options(*_LISTED)
            .join(AuditMembership, AuditMembership.audit_id == Audit.id)
            .where(
                AuditMembership.user_id == user.id,
                AuditMembership.role == COMMISSIONER,
                Audit.status != PUBLISHED,
            )
            .order_by(Audit.created_at)
        )
    )


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
