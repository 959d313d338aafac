"""Step 3 evidence returns: who may see and change them, and every change to them.

Who sees a return (DESIGN.md, "Qualities": a partner never sees another
partner's unpublished evidence):
- its own organisation (and its author) sees it in every status; a draft is
  private to them until it is submitted;
- a carers lead sees every return that has been submitted (submitted, accepted,
  returned), but not another organisation's drafts;
- a partner of another organisation sees it only once it is accepted and the
  audit is published; so does a commissioner;
- anyone else gets 404, as if it did not exist.

That rule is written once, as SQL (``_visible``), and everything that shows a
return goes through it: its pages, the judgements' cell pages (``split_linked``),
counts on the overview (``count_visible``), the audit trail, whose entries about
a return follow the return's rule (``trail_rule``), and every export, JSON
included (``visible_returns``, ``hidden_ids``).

Every write goes through ``changes.save`` (version check, trail, one commit).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from flask import abort
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    cast,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.orm import selectinload

from audit_app.extensions import db
from audit_app.models import (
    Audit,
    ChangeEvent,
    EvidenceAttachment,
    EvidenceReturn,
    Organisation,
    User,
)
from audit_app.models.audit import COMMISSIONER, LEAD, PARTNER
from audit_app.models.evidence import EVIDENCE_STATUSES
from audit_app.models.types import utcnow
from audit_app.services import uploads
from audit_app.services.access import key_entries, key_entry, read_with_user_value
from audit_app.services.changes import Change, SaveFailed, bump_revision, commit, save
from audit_app.services.chart_cache import cached

DRAFT, SUBMITTED, ACCEPTED, RETURNED = "draft", "submitted", "accepted", "returned"
EDITABLE_BY_AUTHOR = (DRAFT, RETURNED)
ENTITY = "evidence"

# The fields a partner fills in, in the order the form and summary show them.
FIELDS = (
    "service_name",
    "description",
    "interventions",
    "groups_reached",
    "groups_not_reached",
    "numbers_reached",
    "organisations_engaged",
    "could_engage_better",
    "quality_marks",
    "satisfaction",
    "caseload_profile",
    "outcome_baseline",
    "outcome_follow_up",
    "pathway_element",
    "funding_mode",
    "unit_cost",
    "unit_cost_notes",
    "contact_time",
    "evidence_date",
    "review_by",
)


# --- who may see and do what -------------------------------------------------


def is_own(record: EvidenceReturn, user: User) -> bool:
    """The return belongs to the user's organisation, or they wrote it."""
    if record.author_id is not None and record.author_id == user.id:
        return True
    return user.organisation_id is not None and record.organisation_id == user.organisation_id


def _visible(audit: Audit, user: User | None, role: str | None) -> ColumnElement[bool]:
    """THE rule, as SQL: which of ``audit``'s returns this person sees in ``role``.

    Every page, count, trail entry and export about evidence is filtered by it.
    ``user`` None is someone with no returns of their own (a count made for a role).
    """
    has_org = user is not None and user.organisation_id is not None
    return _rule(
        role,
        user is not None,
        has_org,
        audit.is_published,
        audit.id,
        user.id if user is not None else None,
        user.organisation_id if user is not None else None,
    )


def _rule(
    role: str | None,
    has_user: bool,
    has_org: bool,
    published: bool,
    audit_id: Any,
    user_id: Any,
    organisation_id: Any,
) -> ColumnElement[bool]:
    """:func:`_visible`'s rule, its ids given as values or as bound parameters (for a
    statement built once and run with each reader's ids: :func:`_listing`)."""
    own: ColumnElement[bool] = false()
    if has_user and role in (LEAD, PARTNER):
        own = EvidenceReturn.author_id == user_id
        if has_org:
            own = or_(own, EvidenceReturn.organisation_id == organisation_id)
    shared = EvidenceReturn.status == ACCEPTED if published else false()
    if role == LEAD:
        rule = or_(own, EvidenceReturn.status != DRAFT)
    elif role == PARTNER:
        rule = or_(own, shared)
    elif role == COMMISSIONER:
        rule = shared
    else:
        rule = false()
    return and_(EvidenceReturn.audit_id == audit_id, rule)


def reader_key(user: User, role: str | None) -> str:
    """All that :func:`_rule` reads of the person, as text: two people with the same
    key see the same returns of an audit at one revision (a lead or partner by who
    they are and their organisation; anyone else by their role alone). For what is
    kept per revision for each reader; every write to a return gives its audit a
    new revision."""
    if role in (LEAD, PARTNER):
        return f"{role}-{user.id}-{user.organisation_id}"
    return str(role)


def visible_ids(audit: Audit, user: User | None, role: str | None) -> Select[Any]:
    """The ids of the returns the person sees, as a subquery for other queries."""
    return select(EvidenceReturn.id).where(_visible(audit, user, role))


def can_see(record: EvidenceReturn, audit: Audit, user: User, role: str | None) -> bool:
    """Whether the person may see this return of ``audit`` (the same rule, asked of the
    database)."""
    if record.id is None or record.audit_id != audit.id:
        return False
    query = select(EvidenceReturn.id).where(
        EvidenceReturn.id == record.id, _visible(audit, user, role)
    )
    return db.session.scalar(query) is not None


def visible_returns(
    audit: Audit, user: User, role: str | None, status: str | None = None
) -> list[EvidenceReturn]:
    """The audit's returns this user may see, by service name; optionally of one status."""
    query = (
        select(EvidenceReturn)
        .where(_visible(audit, user, role))
        .options(selectinload(EvidenceReturn.organisation))
        .order_by(EvidenceReturn.service_name, EvidenceReturn.id)
    )
    if status in EVIDENCE_STATUSES:
        query = query.where(EvidenceReturn.status == status)
    return list(db.session.scalars(query))


@dataclass(frozen=True, slots=True)
class Listed:
    """A return as the evidence list shows it: only its shown columns, not its long
    texts (a national audit's list holds hundreds)."""

    id: int
    service_name: str
    organisation_id: int | None
    organisation_name: str | None
    interventions: list[str] | None
    status: str
    evidence_date: date | None
    review_by: date | None

    @property
    def status_label(self) -> str:
        return EVIDENCE_STATUSES.get(self.status, self.status)

    def out_of_date(self, today: date) -> bool:
        """As :meth:`EvidenceReturn.out_of_date`."""
        return self.review_by is not None and self.review_by < today


_LISTED = (
    EvidenceReturn.id,
    EvidenceReturn.service_name,
    EvidenceReturn.organisation_id,
    Organisation.name,
    EvidenceReturn.interventions,
    EvidenceReturn.status,
    EvidenceReturn.evidence_date,
    EvidenceReturn.review_by,
)
_NAMED = (EvidenceReturn.id, EvidenceReturn.service_name)


@lru_cache(maxsize=128)
def _listing(
    named_only: bool,
    role: str | None,
    has_user: bool,
    has_org: bool,
    published: bool,
    status: str | None,
) -> Select[Any]:
    """The statement of :func:`listed_returns` (or, ``named_only``, of
    :func:`visible_names`) for one shape of the rule, built once: the reader's ids are
    bound when it is run (:func:`_run_listing`)."""
    rule = _rule(
        role,
        has_user,
        has_org,
        published,
        bindparam("audit_id"),
        bindparam("user_id"),
        bindparam("organisation_id"),
    )
    query = select(*(_NAMED if named_only else _LISTED)).where(rule)
    if not named_only:
        query = query.outerjoin(Organisation, Organisation.id == EvidenceReturn.organisation_id)
    if status is not None:
        query = query.where(EvidenceReturn.status == status)
    return query.order_by(EvidenceReturn.service_name, EvidenceReturn.id)


def _run_listing(
    named_only: bool, audit: Audit, user: User, role: str | None, status: str | None = None
) -> Any:
    has_org = user.organisation_id is not None
    query = _listing(
        named_only,
        role,
        True,
        has_org,
        bool(audit.is_published),
        status if status in EVIDENCE_STATUSES else None,
    )
    params = {"audit_id": audit.id, "user_id": user.id, "organisation_id": user.organisation_id}
    return db.session.execute(query, params)


def listed_returns(
    audit: Audit, user: User, role: str | None, status: str | None = None
) -> list[Listed]:
    """:func:`visible_returns` as the evidence list shows them (one query, its shown
    columns only)."""
    return [Listed(*row) for row in _run_listing(False, audit, user, role, status)]


def kept_listed_returns(
    audit: Audit, user: User, role: str | None, status: str | None = None
) -> tuple[Listed, ...]:
    """:func:`listed_returns`, read once per revision of the audit for each reader
    (:func:`reader_key`), status chosen and names of the organisations the returns
    are from (:func:`organisations_key`: renaming one gives no audit a new revision);
    every write to a return gives its audit a new revision. The evidence list then
    sends no query of its own."""
    status = status if status in EVIDENCE_STATUSES else None
    names = hashlib.sha256(repr(organisations_key(audit)).encode()).hexdigest()[:24]
    return cached(
        audit,
        f"evidence-list:{reader_key(user, role)}:{status}:{names}",
        lambda: tuple(listed_returns(audit, user, role, status)),
    )


def organisations_key(audit: Audit) -> tuple[str, ...]:
    """Each organisation the audit's returns are from, by id and name: what the list
    names of them. :func:`organisations_column`, read with the user on the evidence
    list (access.read_with_user), else asked alone."""
    read, value = read_with_user_value(audit.id, "organisations")
    if not read:
        value = db.session.scalar(
            select(organisations_column()).select_from(Audit).where(Audit.id == audit.id)
        )
    return key_entries(value)


def organisations_column() -> Any:
    """:func:`organisations_key` as one text column of the page's audit (the outer
    ``Audit``), for the statement that reads the user with it."""
    return (
        select(
            func.aggregate_strings(key_entry(cast(Organisation.id, String), Organisation.name), "|")
        )
        .where(
            Organisation.id.in_(
                select(EvidenceReturn.organisation_id).where(EvidenceReturn.audit_id == Audit.id)
            )
        )
        .correlate(Audit)
        .scalar_subquery()
    )


def visible_names(audit: Audit, user: User, role: str | None) -> dict[int, str]:
    """The service names of the returns this user may see, by id (one query)."""
    return {rid: name for rid, name in _run_listing(True, audit, user, role)}


def count_visible_query(
    audit: Audit, user: User | None, role: str | None, *statuses: str
) -> Select[Any]:
    """The count of :func:`count_visible` as a query, to be asked with others at once."""
    return (
        select(func.count())
        .select_from(EvidenceReturn)
        .where(_visible(audit, user, role), EvidenceReturn.status.in_(statuses))
    )


def count_visible(audit: Audit, user: User | None, role: str | None, *statuses: str) -> int:
    """How many of the returns the person sees are in one of ``statuses``."""
    return db.session.scalar(count_visible_query(audit, user, role, *statuses)) or 0


def hidden_ids(audit: Audit, user: User, role: str | None) -> set[int]:
    """The audit's returns the person may not see: what an export must leave out."""
    query = select(EvidenceReturn.id).where(
        EvidenceReturn.audit_id == audit.id,
        EvidenceReturn.id.not_in(visible_ids(audit, user, role)),
    )
    return set(db.session.scalars(query))


def split_linked(
    linked: Iterable[EvidenceReturn], audit: Audit, user: User, role: str | None
) -> tuple[list[EvidenceReturn], int]:
    """Returns linked to a judgement: those the person sees, and how many others."""
    linked = list(linked)
    allowed = set(db.session.scalars(visible_ids(audit, user, role))) if linked else set()
    shown = [record for record in linked if record.id in allowed]
    return shown, len(linked) - len(shown)


def trail_rule(audit: Audit, user: User | None, role: str | None) -> ColumnElement[bool]:
    """Which audit trail entries the person sees: an entry about a return follows the
    return's own rule (one naming no return they may see is hidden); others are kept."""
    return or_(
        ChangeEvent.entity != ENTITY,
        ChangeEvent.entity_id.in_(visible_ids(audit, user, role)),
    )


def get_visible_or_404(audit: Audit, evidence_id: int, user: User, role: str) -> EvidenceReturn:
    """The return, if it is in this audit and the user may see it; otherwise 404."""
    record = db.session.get(EvidenceReturn, evidence_id)
    if record is None or not can_see(record, audit, user, role):
        abort(404)
    return record


def can_create(role: str) -> bool:
    return role in (LEAD, PARTNER)


def can_edit(record: EvidenceReturn, user: User, role: str) -> bool:
    """The lead may change any return they can see; its own organisation only while it
    is a draft or has been returned to them."""
    if role == LEAD:
        return record.status != DRAFT or is_own(record, user)
    return role == PARTNER and is_own(record, user) and record.status in EDITABLE_BY_AUTHOR


def can_delete_files(record: EvidenceReturn, user: User, role: str | None = None) -> bool:
    """Files are deleted only by the organisation that attached them, and only while
    the return is theirs to change (a draft, or returned to them; the lead's own return
    always): never by the lead from a return a partner has submitted."""
    if not is_own(record, user):
        return False
    return record.status in EDITABLE_BY_AUTHOR or role == LEAD


def returned_to(user: User, audit_ids: list[int]) -> dict[int, int]:
    """For each of these audits, how many of the user's organisation's returns came back
    "Returned with comments" and wait for them to change and submit again."""
    if user.organisation_id is None or not audit_ids:
        return {}
    rows = db.session.execute(
        select(EvidenceReturn.audit_id, func.count())
        .where(
            EvidenceReturn.audit_id.in_(audit_ids),
            EvidenceReturn.organisation_id == user.organisation_id,
            EvidenceReturn.status == RETURNED,
        )
        .group_by(EvidenceReturn.audit_id)
    )
    return {audit_id: count for audit_id, count in rows}


def can_submit(record: EvidenceReturn, user: User, role: str) -> bool:
    return role in (LEAD, PARTNER) and is_own(record, user) and record.status in EDITABLE_BY_AUTHOR


def can_decide(record: EvidenceReturn, role: str) -> bool:
    return role == LEAD and record.status == SUBMITTED


def returns_for_linking(audit: Audit, user: User, role: str | None) -> list[EvidenceReturn]:
    """Returns a judgement may cite that this person sees: submitted and accepted ones."""
    return [
        record
        for record in visible_returns(audit, user, role)
        if record.status in (ACCEPTED, SUBMITTED)
    ]


# --- changes -----------------------------------------------------------------


def label(record: EvidenceReturn) -> str:
    organisation = record.organisation.name if record.organisation else None
    text = f"Evidence: {record.service_name}"
    return (f"{text} ({organisation})" if organisation else text)[:300]


def create(
    audit: Audit, values: Mapping[str, Any], user: User, role: str | None = None
) -> EvidenceReturn:
    """A new return from the user's organisation; raises SaveFailed.

    A partner's starts as a draft, to submit to the carers lead. The lead's own is
    accepted at once (they are the one who would review it), so a rating or the
    checklist can cite it straight away."""
    status = ACCEPTED if role == LEAD else DRAFT
    record = EvidenceReturn(
        audit_id=audit.id,
        organisation_id=user.organisation_id,
        organisation=user.organisation,
        author_id=user.id,
        status=status,
    )
    values = {**_only_fields(values), "status": status}
    if status == ACCEPTED:
        values |= {"submitted_at": utcnow(), "decided_at": utcnow()}
    record.service_name = values["service_name"]
    saved: EvidenceReturn = save(Change(audit, record, values, ENTITY, label(record)), user)
    return saved


def update(
    audit: Audit, record: EvidenceReturn, values: Mapping[str, Any], version: int, user: User
) -> EvidenceReturn:
    """Save the form's values; raises StaleEdit if it changed since ``version``, or SaveFailed."""
    saved: EvidenceReturn = save(
        Change(audit, record, _only_fields(values), ENTITY, label(record), version), user
    )
    return saved


def submit(audit: Audit, record: EvidenceReturn, version: int, user: User) -> EvidenceReturn:
    """Draft or returned → submitted to the carers lead."""
    values = {"status": SUBMITTED, "submitted_at": utcnow(), "decided_at": None}
    saved: EvidenceReturn = save(
        Change(audit, record, values, ENTITY, label(record), version), user
    )
    return saved


def decide(
    audit: Audit,
    record: EvidenceReturn,
    accept: bool,
    comments: str | None,
    version: int,
    user: User,
) -> EvidenceReturn:
    """The lead accepts a submitted return, or returns it with comments."""
    values = {
        "status": ACCEPTED if accept else RETURNED,
        "lead_comments": comments or None,
        "decided_at": utcnow(),
    }
    saved: EvidenceReturn = save(
        Change(audit, record, values, ENTITY, label(record), version), user
    )
    return saved


def attachment_or_404(record: EvidenceReturn, attachment_id: int) -> EvidenceAttachment:
    attachment = db.session.get(EvidenceAttachment, attachment_id)
    if attachment is None or attachment.evidence_id != record.id:
        abort(404)
    return attachment


def add_attachment(
    audit: Audit, record: EvidenceReturn, checked: uploads.CheckedFile, user: User
) -> EvidenceAttachment:
    """Keep a checked file with the return, and note it in the trail; raises SaveFailed."""
    before = [attachment.filename for attachment in record.attachments]
    try:
        stored_name = uploads.store(audit.id, checked)
    except OSError as error:
        raise SaveFailed(str(error)) from error
    attachment = EvidenceAttachment(
        filename=checked.filename,
        stored_name=stored_name,
        content_type=checked.content_type,
        size=len(checked.content),
        uploaded_by_id=user.id,
    )
    record.attachments.append(attachment)
    try:
        _note_attachments(audit, record, before, user)
    except SaveFailed:
        uploads.discard(audit.id, stored_name)
        raise
    return attachment


def remove_attachment(
    audit: Audit, record: EvidenceReturn, attachment: EvidenceAttachment, user: User
) -> None:
    """Delete the file and its record, keeping its name in the trail; raises SaveFailed."""
    before = [item.filename for item in record.attachments]
    stored_name = attachment.stored_name
    record.attachments.remove(attachment)
    _note_attachments(audit, record, before, user)
    uploads.discard(audit.id, stored_name)  # only once the database has let it go


def _note_attachments(audit: Audit, record: EvidenceReturn, before: list[str], user: User) -> None:
    bump_revision(audit)
    db.session.add(
        ChangeEvent(
            audit_id=audit.id,
            user=user,
            entity=ENTITY,
            entity_id=record.id,
            label=label(record),
            action="changed",
            old={"attachments": before},
            new={"attachments": [item.filename for item in record.attachments]},
        )
    )
    commit()


def _only_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in FIELDS if name in values}


# --- reading -----------------------------------------------------------------


def values_of(record: EvidenceReturn) -> dict[str, Any]:
    return {name: getattr(record, name) for name in FIELDS}


def summary_rows(values: Mapping[str, Any], framework: Any) -> list[tuple[str, str]]:
    """Each field as (question, answer) in plain words: codes become names.

    ``values`` may be a record's values or a trail snapshot (dates as ISO text).
    """
    interventions = {item.code: item.name for item in framework.interventions}
    groups = {group.code: group.name for group, _ in framework.groups_flat()}
    marks = _list_labels(framework, "quality_marks")
    pathway = _list_labels(framework, "support_pathway_elements")
    funding = _list_labels(framework, "funding_modes")

    def text(name: str) -> str:
        value = values.get(name)
        return str(value) if value not in (None, "") else "Not given"

    def names(name: str, lookup: dict[str, str]) -> str:
        codes = values.get(name) or []
        return ", ".join(lookup.get(code, code) for code in codes) or "None"

    return [
        ("Service", text("service_name")),
        ("What the service does", text("description")),
        ("Interventions", names("interventions", interventions)),
        ("Carer groups reached", names("groups_reached", groups)),
        ("Carer groups not reached", names("groups_not_reached", groups)),
        ("Carers reached in the period", _number(values.get("numbers_reached"))),
        ("Organisations engaged", text("organisations_engaged")),
        ("Organisations that could be better engaged", text("could_engage_better")),
        ("Quality marks held", names("quality_marks", marks)),
        ("Carer satisfaction", text("satisfaction")),
        ("Caseload profile", text("caseload_profile")),
        ("Outcome measure: baseline", text("outcome_baseline")),
        ("Outcome measure: follow-up", text("outcome_follow_up")),
        ("Element of the support pathway", _one(values.get("pathway_element"), pathway)),
        ("Funding", _one(values.get("funding_mode"), funding)),
        ("Unit cost", _money(values.get("unit_cost"))),
        ("Unit cost notes, and costs by group", text("unit_cost_notes")),
        ("Contact time", text("contact_time")),
        ("Date of the evidence", _day(values.get("evidence_date"))),
        ("Review by", _day(values.get("review_by"))),
    ]


def _list_labels(framework: Any, name: str) -> dict[str, str]:
    try:
        return {item.code: item.label for item in framework.list_items(name)}
    except KeyError:
        return {}


def _one(code: str | None, lookup: dict[str, str]) -> str:
    return lookup.get(code, code) if code else "Not given"


def _number(value: Any) -> str:
    return f"{int(value):,}" if value is not None else "Not given"


def _money(value: Any) -> str:
    if value in (None, ""):
        return "Not given"
    return f"£{Decimal(str(value)):,.2f}"


def _day(value: Any) -> str:
    if not value:
        return "Not given"
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return day.strftime("%-d %B %Y")


def status_choices() -> list[tuple[str, str]]:
    return list(EVIDENCE_STATUSES.items())
