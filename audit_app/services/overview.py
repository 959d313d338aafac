"""The audit overview: each step's sections with a status computed from the data.

Statuses follow the GOV.UK task list pattern: not started, in progress, completed.
Each section states the rule that completes it, so the status is never a mystery.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flask import current_app
from markupsafe import Markup
from sqlalchemy import (
    BindParameter,
    Integer,
    ScalarSelect,
    Select,
    String,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from audit_app.extensions import db
from audit_app.models import (
    Action,
    Agreement,
    Audit,
    AuditMembership,
    ChangeEvent,
    CommissionerComment,
    FeedbackSummary,
    Finding,
    GatheringMethod,
    LinkedSource,
    OutcomePriority,
    PlanningAnswer,
    PopulationStatistic,
    Priority,
    Questionnaire,
    QuestionnaireResponse,
    Stakeholder,
    User,
)
from audit_app.models.audit import COMMISSIONER, LEAD, PARTNER
from audit_app.models.user import ADMINISTRATOR
from audit_app.services import evidence
from audit_app.services import indicators as step3
from audit_app.services.access import read_with_user_value, sees_judgements
from audit_app.services.audit_grades import grades_of
from audit_app.services.chart_cache import cached
from audit_app.services.frameworks import framework_of
from audit_app.services.kept import KeptLRU, app_store
from hub_model.completeness import completeness

NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
OPTIONAL = "Optional"


@dataclass(frozen=True)
class Section:
    title: str
    endpoint: str
    status: str
    rule: str
    last_change: ChangeEvent | None = None
    roles: tuple[str, ...] = (LEAD,)


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    sections: list[Section]


def _status(done: int, total: int) -> str:
    if done == 0:
        return NOT_STARTED
    return COMPLETED if done >= total else IN_PROGRESS


def _count(model: type, audit: Audit | BindParameter[int], *where: object) -> ScalarSelect[int]:
    """The count of ``model``'s rows of the audit (or of the audit id bound later)."""
    audit_id = audit if isinstance(audit, BindParameter) else audit.id
    query = select(func.count()).select_from(model).where(model.audit_id == audit_id, *where)  # type: ignore[attr-defined]
    return query.scalar_subquery()


def _counts(
    audit: Audit, user: User | None, role: str, fresh: dict[str, int] | None = None
) -> dict[str, int]:
    """Every count the task list states: those of the audit's own records kept per
    revision (a change to them makes a new revision), the others asked afresh (or
    ``fresh``, already asked with :func:`fresh_facts`)."""
    return _kept_counts(audit, user, role) | (_fresh_counts(audit) if fresh is None else fresh)


def _ask(columns: dict[str, Any]) -> dict[str, int]:
    """The counts of ``columns`` asked of the database in one query (a subquery each),
    not one query per count."""
    return _answer(db.session.execute(select(*(c.label(name) for name, c in columns.items()))))


def _answer(result: Any) -> dict[str, int]:
    return {name: int(value or 0) for name, value in result.one()._mapping.items()}


def _kept_counts(audit: Audit, user: User | None, role: str) -> dict[str, int]:
    """The counts of records that bump the audit's revision when written, once per
    revision and reader: the evidence counts follow what this person may see (their
    id, organisation and role), and the audit's publication."""
    who = (user.id, user.organisation_id) if user is not None else None
    return cached(
        audit,
        f"overview-counts:{who}:{role}:{audit.is_published}",
        lambda: _ask(
            {
                "stakeholders": _count(Stakeholder, audit),
                "stakeholder_types": select(func.count(func.distinct(Stakeholder.type_code)))
                .where(Stakeholder.audit_id == audit.id)
                .scalar_subquery(),
                "only_identified": _count(
                    Stakeholder, audit, Stakeholder.engagement == "identified"
                ),
                "statistics": _count(PopulationStatistic, audit),
                "jsna": _count(LinkedSource, audit, LinkedSource.kind == "jsna"),
                "sources": _count(LinkedSource, audit),
                "answered": _count(PlanningAnswer, audit, PlanningAnswer.answer.is_not(None)),
                "methods": _count(GatheringMethod, audit),
                "findings": _count(Finding, audit),
                "ranked": _count(OutcomePriority, audit),
                "priorities": _count(Priority, audit),
                "actions": _count(Action, audit),
                "questionnaires": _count(Questionnaire, audit),
                "closed": _count(Questionnaire, audit, Questionnaire.status == "closed"),
                "evidence_sent": evidence.count_visible_query(
                    audit, user, role, evidence.SUBMITTED, evidence.ACCEPTED, evidence.RETURNED
                ).scalar_subquery(),
                "evidence_waiting": evidence.count_visible_query(
                    audit, user, role, evidence.SUBMITTED
                ).scalar_subquery(),
            }
        ),
    )


def _fresh_counts(audit: Audit) -> dict[str, int]:
    """What changes without a new revision (tests/web/revision_guard.py, NOT_KEPT):
    who takes part, carers' answers to the public survey, commissioners' comments and
    decisions, and the state of "you said, we did" (0 none, 1 drafted, 2 public)."""
    return _answer(db.session.execute(_fresh_query(), {"audit_id": audit.id}))


@lru_cache(maxsize=1)
def _fresh_query() -> Select[Any]:
    """The query of :func:`_fresh_counts`, built once with the audit's id bound on each
    use: building its twenty-odd SQL expressions was a fifth of the overview's time."""
    return select(*(c.label(name) for name, c in _fresh_columns().items()))


def _fresh_columns() -> dict[str, ScalarSelect[Any] | Any]:
    """The counts of :func:`_fresh_counts`, each a subquery of the bound ``audit_id``."""
    audit = bindparam("audit_id", type_=Integer)
    return {
        "partners": _count(AuditMembership, audit, AuditMembership.role == PARTNER),
        "commissioners": _count(AuditMembership, audit, AuditMembership.role == COMMISSIONER),
        "answers": select(func.count())
        .select_from(QuestionnaireResponse)
        .join(Questionnaire, Questionnaire.id == QuestionnaireResponse.questionnaire_id)
        .where(Questionnaire.audit_id == audit)
        .scalar_subquery(),
        "decided": _count(Agreement, audit),
        "commented": _count(CommissionerComment, audit),
        "feedback": _count(FeedbackSummary, audit)
        + _count(FeedbackSummary, audit, FeedbackSummary.public_token.is_not(None)),
    }


def _last_changes(audit: Audit, user: User | None, role: str) -> dict[str, ChangeEvent]:
    """The newest trail entry this person may see for each kind of record in this audit."""
    newest = (
        select(ChangeEvent.entity, func.max(ChangeEvent.id).label("id"))
        .where(ChangeEvent.audit_id == audit.id, evidence.trail_rule(audit, user, role))
        .group_by(ChangeEvent.entity)
        .subquery()
    )
    events = db.session.scalars(select(ChangeEvent).join(newest, ChangeEvent.id == newest.c.id))
    return {event.entity: event for event in events}


def _stakeholders(audit: Audit, counts: dict[str, int]) -> tuple[str, str]:
    total = counts["stakeholders"]
    if total == 0:
        return (
            NOT_STARTED,
            "Completed once stakeholders of every type are recorded and none is only identified.",
        )
    types = counts["stakeholder_types"]
    only_identified = counts["only_identified"]
    complete = types >= len(framework_of(audit).stakeholder_types) and only_identified == 0
    return (
        COMPLETED if complete else IN_PROGRESS,
        f"{total} recorded, {types} of {len(framework_of(audit).stakeholder_types)} types, "
        f"{only_identified} not yet invited.",
    )


def _judged(audit: Audit) -> tuple[tuple[str, str], tuple[str, str]]:
    """From the audit's grades (every cell in scope, filled), worked out once per
    revision: the grades are all it reads, and counting 1,200 cells cost 0.15 ms a view."""
    return cached(audit, "overview:judged", lambda: _judged_afresh(audit))


def _judged_afresh(audit: Audit) -> tuple[tuple[str, str], tuple[str, str]]:
    grades = grades_of(audit)
    rated = completeness(grades.rag, grades.rag, {})
    judged = completeness(grades.status, grades.status, {})
    return (
        (_status(rated.judged, rated.cells), f"{rated.judged} of {rated.cells} cells rated."),
        (_status(judged.judged, judged.cells), f"{judged.judged} of {judged.cells} cells judged."),
    )


def _evidence(counts: dict[str, int], published: bool) -> tuple[str, str]:
    """Counted over the returns this person may see (a partner: their own, and what is
    shared with them). A published version is fixed: a return still undecided there
    no longer waits (it can be decided in a new version)."""
    sent, waiting = counts["evidence_sent"], counts["evidence_waiting"]
    if sent == 0:
        return NOT_STARTED, "No evidence submitted yet."
    if published:
        undecided = f", {waiting} not decided before publishing" if waiting else ""
        return COMPLETED, f"{sent} submitted{undecided}."
    return (
        IN_PROGRESS if waiting else COMPLETED,
        f"{sent} submitted, {waiting} waiting for a decision.",
    )


def _indicators(audit: Audit, count: int) -> tuple[str, str]:
    """Completed once every indicator has a result for its latest period (every
    period of every indicator read and assessed once per revision)."""
    if not count:
        return NOT_STARTED, "Completed once every indicator has a result for its latest period."
    reported = cached(
        audit,
        "overview-indicators-reported",
        lambda: sum(
            1
            for i in step3.indicators(audit)
            if (rows := step3.rows_of(i)) and rows[-1].assessment.reported
        ),
    )
    return (
        COMPLETED if reported == count else IN_PROGRESS,
        f"{reported} of {_plural(count, 'indicator')} with a result for the latest period.",
    )


def _newest(*events: ChangeEvent | None) -> ChangeEvent | None:
    return max((e for e in events if e is not None), key=lambda e: e.id, default=None)


def _questionnaires(counts: dict[str, int]) -> tuple[str, str]:
    opened, closed, answers = counts["questionnaires"], counts["closed"], counts["answers"]
    rule = (
        f"{_plural(opened, 'questionnaire')} opened, {closed} closed, {_plural(answers, 'response')}. "
        "Completed once every questionnaire opened is closed with answers."
    )
    if opened == 0:
        return NOT_STARTED, rule
    return (COMPLETED if closed == opened and answers else IN_PROGRESS), rule


def steps(
    audit: Audit,
    role: str,
    user: User | None = None,
    indicators: Sequence[Any] | None = None,
    fresh: dict[str, int] | None = None,
) -> list[Step]:
    """The task list for ``audit`` as ``user`` in ``role`` sees it, statuses computed from
    the data they may see (``user`` None: someone in the role with no returns of their own).
    ``indicators``: the audit's (or their links), if the caller has read them already;
    ``fresh``: the counts of :func:`FreshFacts.counts`, if asked already."""
    found = step3.indicator_links(audit) if indicators is None else indicators
    visible = []
    for step in _all_steps(audit, user, role, len(found), fresh):
        sections = [section for section in step.sections if role in section.roles]
        if not sees_judgements(audit, role):
            sections = [_without_judgements(section) for section in sections]
            sections = [section for section in sections if section is not None]
        if sections:
            visible.append(Step(step.number, step.title, sections))
    return visible


def _without_judgements(section: Section) -> Section | None:
    """The section as someone sees it who may not see the lead's judgements yet (a
    partner on a draft): no checklist, and ratings to propose, without progress."""
    if section.endpoint == "ratings.checklist":
        return None
    if section.endpoint == "ratings.grid":
        return replace(
            section,
            title="Propose ratings",
            status=OPTIONAL,
            rule="The carers lead's ratings are shown once the audit is published; "
            "you may propose ratings for the services you know.",
            last_change=None,
        )
    return section


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _all_steps(
    audit: Audit, user: User | None, role: str, indicators: int, fresh: dict[str, int] | None
) -> list[Step]:
    last = _last_changes(audit, user, role)
    counts = _counts(audit, user, role, fresh)
    partners = counts["partners"]
    tailored = len(framework_of(audit).changes)
    statistics, jsna, sources = counts["statistics"], counts["jsna"], counts["sources"]
    answered, methods, findings = counts["answered"], counts["methods"], counts["findings"]
    ranked, priorities, actions = counts["ranked"], counts["priorities"], counts["actions"]
    stakeholder_status, stakeholder_rule = _stakeholders(audit, counts)
    (rating_status, rating_rule), (check_status, check_rule) = _judged(audit)
    evidence_status, evidence_rule = _evidence(counts, audit.is_published)
    indicator_status, indicator_rule = _indicators(audit, indicators)
    questionnaire_status, questionnaire_rule = _questionnaires(counts)
    everyone = (LEAD, PARTNER, COMMISSIONER)
    return [
        Step(
            0,
            "Set up the audit",
            [
                Section(
                    "Invite partners and commissioners",
                    "audits.people",
                    COMPLETED if partners else NOT_STARTED,
                    f"{_plural(partners, 'partner')} taking part.",
                ),
                Section(
                    "Tailor the framework to local services",
                    "tailoring.index",
                    COMPLETED if tailored else OPTIONAL,
                    f"{_plural(tailored, 'local change')}. Optional: best done before rating.",
                    last.get("framework"),
                ),
            ],
        ),
        Step(
            1,
            "Identify and engage stakeholders",
            [
                Section(
                    "Stakeholder register",
                    "stakeholders.register",
                    stakeholder_status,
                    stakeholder_rule,
                    last.get("stakeholder"),
                ),
                Section(
                    "Carer population statistics",
                    "stakeholders.population",
                    COMPLETED if statistics else NOT_STARTED,
                    f"{_plural(statistics, 'figure')} recorded.",
                    last.get("population statistic"),
                ),
                Section(
                    "JSNA and regional carers' profile",
                    "stakeholders.sources",
                    COMPLETED if jsna else (IN_PROGRESS if sources else NOT_STARTED),
                    "Completed once the Joint Strategic Needs Assessment is linked.",
                    last.get("linked source"),
                ),
            ],
        ),
        Step(
            2,
            "Understand needs and outcomes",
            [
                Section(
                    "Planning questions",
                    "needs.planning",
                    _status(answered, 9),
                    f"{answered} of 9 questions answered.",
                    last.get("planning answer"),
                ),
                Section(
                    "Information-gathering plan",
                    "needs.methods",
                    COMPLETED if methods else NOT_STARTED,
                    f"{_plural(methods, 'method')} planned.",
                    last.get("gathering method"),
                ),
                Section(
                    "Questionnaires",
                    "questionnaires.index",
                    questionnaire_status,
                    questionnaire_rule,
                    last.get("questionnaire"),
                    everyone,
                ),
                Section(
                    "Findings from focus groups and consultation",
                    "needs.findings",
                    COMPLETED if findings else NOT_STARTED,
                    f"{_plural(findings, 'finding')} recorded.",
                    last.get("finding"),
                ),
                Section(
                    "Outcomes that matter to local carers",
                    "needs.outcomes",
                    COMPLETED if ranked else NOT_STARTED,
                    f"{_plural(ranked, 'outcome')} ranked.",
                    last.get("outcome priority"),
                    (LEAD, COMMISSIONER),
                ),
            ],
        ),
        Step(
            3,
            "Assess how you measure up",
            [
                Section(
                    "Evidence returns",
                    "evidence.index",
                    evidence_status,
                    evidence_rule,
                    last.get("evidence"),
                    everyone,
                ),
                Section(
                    "Outcome checklist (Appendix A)",
                    "ratings.checklist",
                    check_status,
                    check_rule,
                    last.get("checklist"),
                    everyone,
                ),
                Section(
                    "Intervention ratings",
                    "ratings.grid",
                    rating_status,
                    rating_rule,
                    last.get("rating"),
                    everyone,
                ),
                Section(
                    "Indicators",
                    "indicators.index",
                    indicator_status,
                    indicator_rule,
                    _newest(last.get("indicator"), last.get("indicator value")),
                    everyone,
                ),
            ],
        ),
        Step(
            4,
            "Make changes, commission and improve",
            [
                Section(
                    "Priority changes agreed with carers",
                    "plan.priorities",
                    _status(priorities, 3),
                    f"{priorities} of the 3 the method asks for.",
                    last.get("priority"),
                    everyone,
                ),
                Section(
                    "Action plan",
                    "plan.index",
                    COMPLETED if actions else NOT_STARTED,
                    f"{_plural(actions, 'action')} in the plan.",
                    last.get("action"),
                    everyone,
                ),
            ],
        ),
        _feedback_step(audit, last, counts),
    ]


def _feedback_step(audit: Audit, last: dict[str, ChangeEvent], counts: dict[str, int]) -> Step:
    commissioners = counts["commissioners"]
    decided, commented = counts["decided"], counts["commented"]
    wanted = commissioners * 2  # each commissioner decides on the priorities and the plan
    if decided and decided >= wanted:
        review = COMPLETED
    else:
        review = IN_PROGRESS if decided or commented else NOT_STARTED
    feedback = (NOT_STARTED, IN_PROGRESS, COMPLETED)[min(counts["feedback"], 2)]
    return Step(
        5,
        "Publish and feed back",
        [
            Section(
                "Publish to commissioners",
                "publishing.publish",
                COMPLETED if audit.is_published else NOT_STARTED,
                (
                    f"Published on {audit.published_at:%-d %B %Y}."
                    if audit.is_published and audit.published_at
                    else "Commissioners see the audit once it is published."
                ),
            ),
            Section(
                "Commissioners’ comments and agreement",
                "publishing.review",
                review,
                f"{_plural(commented, 'comment')}; {decided} of {wanted} decisions on the "
                "priorities and the plan recorded.",
                last.get("agreement"),
                (LEAD, COMMISSIONER),
            ),
            Section(
                "You said, we did",
                "publishing.feedback",
                feedback,
                "Completed once the summary for carers is public.",
                last.get("you said, we did"),
            ),
        ],
    )


def recent_changes(audit: Audit, user: User, role: str, limit: int = 10) -> list[ChangeEvent]:
    """The newest trail entries this person may see."""
    return list(
        db.session.scalars(
            select(ChangeEvent)
            .where(ChangeEvent.audit_id == audit.id, evidence.trail_rule(audit, user, role))
            .order_by(ChangeEvent.id.desc())
            .limit(limit)
        )
    )


def trail(
    audit: Audit, entity: str | None, page: int, user: User, role: str, per_page: int = 50
) -> tuple[list[ChangeEvent], bool]:
    """One page of the trail entries this person may see, newest first; and whether
    there are more."""
    query = select(ChangeEvent).where(
        ChangeEvent.audit_id == audit.id, evidence.trail_rule(audit, user, role)
    )
    if entity:
        query = query.where(ChangeEvent.entity == entity)
    rows = list(
        db.session.scalars(
            query.order_by(ChangeEvent.id.desc()).offset((page - 1) * per_page).limit(per_page + 1)
        )
    )
    return rows[:per_page], len(rows) > per_page


def last_changed_text(event: ChangeEvent | None) -> str | None:
    if event is None:
        return None
    who = event.user.name if event.user else "Someone"
    when: datetime = event.at
    return f"Last changed by {who} on {when.strftime('%-d %B %Y')}"


# --- The page kept per revision, with the facts asked afresh on every view --------
#
# What the overview shows of the audit's own records changes only with a new revision
# (tests/web/revision_guard.py). The rest changes without one and is asked on every
# view in ONE query (:func:`fresh_facts`), its answers part of the key:
# - who takes part (partners, commissioners), carers' answers to the public survey,
#   commissioners' comments and decisions, "you said, we did" (_fresh_columns);
# - the newest audit trail entry: entries are also written where the revision stays
#   (memberships, comments, decisions), and the task list and "Recent changes" show them;
# - a newer version of this one (another audit, started from it; its state is named);
# - the earlier audits of the area the reader could compare with (other audits: their
#   revision, which follows their scope and publication, and the reader's role in each).
# The reader (id, organisation, account role), their role in this audit, the area's
# name and today's date (the attention list's overdue actions and reviews) are in the
# key too. People's and organisations' names are not: nothing in the application
# changes them once created (no form, command or service writes user_account.name or
# organisation.name after the account or organisation is made); the area's name is
# read with the audit anyway, so it is in the key.

DEFAULT_KEPT_PAGES = 256


@dataclass(frozen=True)
class FreshFacts:
    """What the overview shows that changes without a new revision of the audit."""

    counts: dict[str, int]  # _fresh_columns: partners, commissioners, answers, ...
    last_event: int | None  # the newest audit trail entry's id
    newer: str | None  # "id:status" of a newer version of this audit, if any
    earlier: str | None  # "id:revision:role" of each earlier audit of the area

    @property
    def has_newer(self) -> bool:
        return self.newer is not None

    def key(self) -> tuple[Hashable, ...]:
        return (
            tuple(sorted(self.counts.items())),
            self.last_event,
            self.newer,
            self.earlier,
        )


def facts_columns() -> dict[str, Any]:
    """The columns of :func:`fresh_facts`, for a statement that reads the user (the
    outer ``User``, whose id is bound as ``user_id``) and the page's audit (the outer
    ``Audit``, whose id is bound as ``audit_id``): alone (:func:`_facts_alone`), or
    with the user on the overview (access.read_with_user). An administrator takes
    part in every audit, as its lead."""
    other = aliased(Audit)  # another audit: a newer version, an earlier one
    admin = User.role == ADMINISTRATOR
    audit_id, user_id = bindparam("audit_id", type_=Integer), bindparam("user_id", type_=Integer)
    newer = (
        select(cast(other.id, String) + literal(":") + other.status)
        .where(other.previous_audit_id == audit_id, other.cycle == Audit.cycle)
        .correlate(Audit)
        .scalar_subquery()
    )
    role = case(
        (admin, literal(LEAD)),
        else_=select(AuditMembership.role)
        .where(AuditMembership.audit_id == other.id, AuditMembership.user_id == user_id)
        .correlate(other)
        .scalar_subquery(),
    )
    # Only the audits the reader takes part in may be compared with: found from
    # their memberships (a handful), not by reading every audit.
    member = other.id.in_(
        select(AuditMembership.audit_id).where(AuditMembership.user_id == user_id)
    )
    earlier = (
        select(
            func.aggregate_strings(
                cast(other.id, String)
                + literal(":")
                + cast(func.coalesce(other.revision, 0), String)
                + literal(":")
                + func.coalesce(role, literal("")),
                ",",
            )
        )
        .where(
            other.area_id == Audit.area_id,
            other.id != audit_id,
            other.period_start < Audit.period_start,
            or_(admin, member),
        )
        .correlate(User, Audit)
        .scalar_subquery()
    )
    last_event = (
        select(func.max(ChangeEvent.id)).where(ChangeEvent.audit_id == audit_id).scalar_subquery()
    )
    return _fresh_columns() | {"_last_event": last_event, "_newer": newer, "_earlier": earlier}


FACTS = tuple(facts_columns())  # their names


def fact_column(name: str) -> Any:
    """One of :func:`facts_columns`, by name (for access.read_with_user)."""
    return facts_columns()[name]


@lru_cache(maxsize=1)
def _facts_alone() -> Select[Any]:
    """:func:`facts_columns` for the user and audit whose ids are bound, built once."""
    return (
        select(*(column.label(name) for name, column in facts_columns().items()))
        .select_from(User)
        .join(Audit, Audit.id == bindparam("audit_id", type_=Integer))
        .where(User.id == bindparam("user_id", type_=Integer))
    )


def fresh_facts(audit: Audit, user: User) -> FreshFacts:
    """The overview's facts that change without a new revision: read with the user
    on the overview, else in one query."""
    read = [read_with_user_value(audit.id, f"fact:{name}", user.id) for name in FACTS]
    if all(found for found, _ in read):
        row = {name: value for name, (_, value) in zip(FACTS, read, strict=True)}
    else:
        values = {"audit_id": audit.id, "user_id": user.id}
        row = dict(db.session.execute(_facts_alone(), values).one()._mapping)
    last_event, newer, earlier = row.pop("_last_event"), row.pop("_newer"), row.pop("_earlier")
    return FreshFacts(
        {name: int(value or 0) for name, value in row.items()}, last_event, newer, earlier
    )


def page_key(
    audit: Audit, role: str, user: User, today: date, facts: FreshFacts
) -> tuple[Hashable, ...]:
    """Everything the kept parts of the overview depend on (see above)."""
    born = audit.created_at.timestamp() if audit.created_at else 0
    return (
        audit.id,
        audit.revision or 0,
        born,
        audit.area.name if audit.area else None,
        role,
        user.id,
        user.organisation_id,
        user.role,
        today.isoformat(),
        facts.key(),
    )


KeptPages = KeptLRU[tuple[Markup, ...]]


def kept_pages() -> KeptPages:
    """The app's kept overview parts, made on first use (OVERVIEW_CACHE_SIZE entries)."""
    store = app_store(
        "overview_pages",
        lambda: KeptPages(int(current_app.config.get("OVERVIEW_CACHE_SIZE", DEFAULT_KEPT_PAGES))),
    )
    assert isinstance(store, KeptLRU)
    return store


def kept_parts(key: Hashable, *parts: Callable[[], Any]) -> tuple[Markup, ...]:
    """The rendered ``parts`` (blocks of the overview's template) under ``key``,
    rendered only the first time: the template's ``keep``."""
    return kept_pages().get_or_make(
        key,
        lambda: tuple(Markup(str(part())) for part in parts),  # noqa: S704 (our own template's output)
    )
