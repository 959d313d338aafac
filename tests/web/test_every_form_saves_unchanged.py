"""Every form in the app, opened on a fully filled record and saved unchanged,
stores every value exactly as it was (issue #17 §3: nothing typed is lost).

Generated from the app's URL map: each route that takes a POST is either an edit
form with a filled-record builder in FORMS below, or written down in NOT_EDITS
with the reason it changes no stored record; a new route that is neither fails
`test_every_post_route_is_an_edit_form_or_says_why_not`.

The records are the demo audit's (realistic, many kinds), topped up so that every
field of the record each form edits is set (four leads, several linked outcomes,
groups, interventions and evidence). The page is submitted as a browser would
(tests.visit.form_data: every input, the selected options, the checked boxes),
and every stored row of the database is compared before and after, so that a
value lost anywhere (a column, a list, a link table) is caught.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, ChecklistJudgement, CqcJudgement, EvidenceReturn, Rating
from audit_app.models.audit import DRAFT, PUBLISHED
from audit_app.models.indicators import Indicator, IndicatorValue
from audit_app.models.plan import Action, ActionPlan, FundingContribution, Objective, Priority
from tests.visit import Visitor

DEMO_TITLE = "Carers of people with dementia in Northshire 2026/27"
LEAD = "lead@demo.test"
COMMISSIONER = "commissioner@demo.test"
# Columns that say who saved and when, not what was typed.
BOOKKEEPING = {"version", "updated_at", "updated_by_id", "revision", "last_sign_in_at"}
TRAIL = {"change_event"}

NOT_EDITS = {
    "auth.sign_in": "Signs in; stores no record a form shows.",
    "auth.sign_out": "Signs out.",
    "auth.change_password": "A new password is never shown back.",
    "auth.accept_invitation": "Creates an account from an invitation.",
    "admin.new_organisation": "Adds a new organisation.",
    "admin.new_user": "Adds a new account.",
    "admin.toggle_active": "A button that flips one flag on purpose.",
    "audits.new": "Adds a new audit.",
    "audits.people": "Invites someone: a new invitation.",
    "audits.revoke_invitation": "A button that revokes on purpose.",
    "stakeholders.add_stakeholder": "Adds a new record.",
    "stakeholders.add_statistic": "Adds a new record.",
    "stakeholders.add_source": "Adds a new record.",
    "stakeholders.delete_stakeholder": "Deletes, after a confirmation page.",
    "stakeholders.delete_statistic": "Deletes, after a confirmation page.",
    "stakeholders.delete_source": "Deletes, after a confirmation page.",
    "needs.add_method": "Adds a new record.",
    "needs.add_finding": "Adds a new record.",
    "needs.delete_method": "Deletes, after a confirmation page.",
    "needs.delete_finding": "Deletes, after a confirmation page.",
    "plan.add_priority": "Adds a new record.",
    "plan.add_objective": "Adds a new record.",
    "plan.add_action": "Adds a new record.",
    "plan.add_funding": "Adds a new record.",
    "plan.add_update": "Adds a dated progress update (append-only).",
    "plan.delete_priority": "Deletes, after a confirmation page.",
    "plan.delete_objective": "Deletes, after a confirmation page.",
    "plan.delete_action": "Deletes, after a confirmation page.",
    "plan.delete_funding": "Deletes, after a confirmation page.",
    "indicators.add_indicator": "Adds a new record.",
    "indicators.add_value": "Adds a new record.",
    "indicators.delete_indicator": "Deletes, after a confirmation page.",
    "indicators.delete_value": "Deletes, after a confirmation page.",
    "evidence.new": "Adds a new record.",
    "evidence.submit": "A button that submits a return to the lead on purpose.",
    "evidence.decide": "The lead's decision: a new state on purpose, not an edit form.",
    "evidence.delete_attachment": "Deletes, after a confirmation.",
    "tailoring.add_group": "Adds a group to the framework snapshot.",
    "tailoring.add_intervention": "Adds an intervention to the framework snapshot.",
    "tailoring.remove": "Removes an intervention, after a confirmation page.",
    "tailoring.rename": "Renames on purpose: the same name again is refused as "
    "'Nothing to change', and nothing is stored.",
    "cycles.confirm_rating": "A button that confirms a carried rating on purpose.",
    "cycles.confirm_checklist": "A button that confirms a carried judgement on purpose.",
    "cycles.next_cycle": "Starts a new audit.",
    "publishing.publish": "Publishes: a new version on purpose.",
    "publishing.new_version": "Starts a new version on purpose.",
    "publishing.add_comment": "Adds a new comment.",
    "publishing.delete_item": "Deletes, after a confirmation page.",
    "publishing.toggle_public": "A button that flips the public link on purpose.",
    "questionnaires.open_new": "Opens a new questionnaire.",
    "questionnaires.change_status": "A button that opens or closes a questionnaire on purpose.",
    "questionnaires.answer": "Answers a questionnaire: a new response.",
    "questionnaires.check": "Sends a new response.",
    "questionnaires.public_page": "A carer's answers: a new response.",
    "questionnaires.public_check": "Sends a new response.",
    "questionnaires.upload": "Imports new responses.",
    "questionnaires.columns": "Maps the columns of a new import.",
    "questionnaires.restart_import": "Runs or queues again an import nothing is processing.",
    "questionnaires.take_ranking": "Copies the survey's ranking on purpose.",
    "quality_of_life.add_figure": "Adds a published figure (replacing one of the same "
    "measure and year on purpose).",
    "quality_of_life.import_figures": "Imports published figures from a new file.",
    "exports.make_pdf": "Makes a new PDF.",
    "exports.import_audit": "Imports a new audit.",
}


@dataclass(frozen=True)
class Target:
    """Where a form is, who opens it, and which form on the page is the one."""

    url: str
    user: str = LEAD
    selector: str = "main form[method=post]"
    record: Any = None  # the edited row, checked to be fully filled
    unset: frozenset[str] = frozenset()  # its columns the form never sets, and why: see uses


Builder = Callable[[Audit], Target]
FORMS: dict[str, Builder] = {}


def form(endpoint: str) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        FORMS[endpoint] = build
        return build

    return register


def _first(model: type, audit: Audit, *where: Any) -> Any:
    query = select(model).where(model.audit_id == audit.id, *where).order_by(model.id)
    found = db.session.scalars(query).first()
    assert found is not None, f"the demo audit has no {model.__name__}"
    return found


def _evidence(audit: Audit) -> list[EvidenceReturn]:
    return list(
        db.session.scalars(select(EvidenceReturn).where(EvidenceReturn.audit_id == audit.id))
    )


def _base(audit: Audit) -> str:
    return f"/audits/{audit.id}"


@form("audits.edit_details")
def _audit_details(audit: Audit) -> Target:
    audit.description = audit.description or "To find the gaps in breaks for carers"
    return Target(f"{_base(audit)}/details")


@form("ratings.cell")
def _rating(audit: Audit) -> Target:
    rating = _first(Rating, audit)
    rating.reached, rating.not_reached = "Carers in the towns", "Rural carers"
    rating.provision, rating.duplication = "under", "Two sitting services overlap in the north"
    rating.barriers, rating.rationale = "Transport", "Carers' survey and the centre's returns"
    rating.evidence = [e for e in _evidence(audit) if e.status != "draft"][:2]
    return Target(
        f"{_base(audit)}/ratings/{rating.intervention}/{rating.group_code}", record=rating
    )


@form("ratings.checklist_cell")
def _checklist(audit: Audit) -> Target:
    judgement = _first(ChecklistJudgement, audit)
    judgement.rationale = "GP registers list carers in 30 of 40 practices"
    judgement.evidence = [e for e in _evidence(audit) if e.status != "draft"][:2]
    url = f"{_base(audit)}/checklist/{judgement.sub_outcome}/{judgement.group_code}"
    return Target(url, record=judgement)


@form("cqc.statement")
def _cqc_score(audit: Audit) -> Target:
    record = _first(CqcJudgement, audit, CqcJudgement.statement == "partnerships")
    return Target(f"{_base(audit)}/cqc/{record.statement}", record=record)


@form("ratings.grid")
def _grid(audit: Audit) -> Target:
    return Target(f"{_base(audit)}/ratings")


@form("ratings.checklist")
def _checklist_grid(audit: Audit) -> Target:
    return Target(f"{_base(audit)}/checklist")


@form("evidence.edit")
def _evidence_return(audit: Audit) -> Target:
    record = next(e for e in _evidence(audit) if e.status == "accepted")
    record.description = "Sitting service and carers' breaks across the county"
    record.organisations_engaged, record.could_engage_better = "GP practices", "Pharmacies"
    record.quality_marks = ["pqasso", "carers_centre_standards"]
    record.satisfaction, record.caseload_profile = "92% satisfied", "60% over 65"
    record.outcome_baseline, record.outcome_follow_up = "Strain 7.1", "Strain 5.9"
    record.pathway_element, record.funding_mode = "support", "core_funding"
    record.unit_cost, record.unit_cost_notes = Decimal("125.50"), "Per carer per year"
    record.contact_time = "Two hours a week"
    record.evidence_date, record.review_by = date(2026, 5, 1), date(2027, 5, 1)
    unset = frozenset({"lead_comments", "submitted_at", "decided_at"})  # set by the workflow
    return Target(f"{_base(audit)}/evidence/{record.id}/edit", record=record, unset=unset)


@form("indicators.edit_indicator")
def _indicator(audit: Audit) -> Target:
    record = _first(Indicator, audit)
    for name in ("comparator_group", "data_owner", "data_gaps", "why_it_matters", "story"):
        setattr(record, name, getattr(record, name) or f"The {name.replace('_', ' ')}")
    for name in ("partners", "what_works", "responsible_officers"):
        setattr(record, name, getattr(record, name) or f"The {name.replace('_', ' ')}")
    record.turn_tolerance = record.turn_tolerance or Decimal("0.25")
    return Target(f"{_base(audit)}/indicators/{record.id}", record=record)


@form("indicators.edit_value")
def _indicator_value(audit: Audit) -> Target:
    indicator = _first(Indicator, audit)
    # The first period, which the demo gives last year's result ("previous"): asked
    # for in order, which PostgreSQL does not keep otherwise.
    record = db.session.scalars(
        select(IndicatorValue)
        .where(IndicatorValue.indicator_id == indicator.id)
        .order_by(IndicatorValue.period_end, IndicatorValue.id)
    ).first()
    assert record is not None
    record.benchmark = record.benchmark or Decimal("12.5")
    record.comments, record.proposed_intervention = "Below target", "Outreach in GP practices"
    record.manual_rag, record.manual_reason = "green_amber", "Data late; trend improving"
    # A result is formed from numerator/denominator or entered directly, never both.
    unset = frozenset({"direct_result"})
    return Target(f"{_base(audit)}/indicators/values/{record.id}", record=record, unset=unset)


def _step_record(audit: Audit, model: type, **values: Any) -> Any:
    record = _first(model, audit)
    for name, value in values.items():
        if getattr(record, name) in (None, "", []):
            setattr(record, name, value)
    return record


@form("stakeholders.edit_stakeholder")
def _stakeholder(audit: Audit) -> Target:
    from audit_app.models import Stakeholder
    from audit_app.services.frameworks import framework_of

    record = _first(Stakeholder, audit)
    kinds = {kind.code: kind for kind in framework_of(audit).stakeholder_types}
    record.subtype_code = record.subtype_code or kinds[record.type_code].subtypes[0].code
    record.notes = record.notes or "Met at the carers' forum"
    record.groups = list(dict.fromkeys([*(record.groups or []), "dementia", "bme"]))
    return Target(f"{_base(audit)}/stakeholders/{record.id}", record=record)


@form("stakeholders.edit_statistic")
def _statistic(audit: Audit) -> Target:
    from audit_app.models import PopulationStatistic

    record = _step_record(audit, PopulationStatistic, community="Polish", notes="Census 2021")
    record.geography_level, record.geography_name = "ward", "Riverside"
    return Target(f"{_base(audit)}/population/{record.id}", record=record)


@form("stakeholders.edit_source")
def _source(audit: Audit) -> Target:
    from audit_app.models import LinkedSource

    record = _step_record(audit, LinkedSource, notes="Refreshed every three years")
    return Target(f"{_base(audit)}/sources/{record.id}", record=record)


@form("needs.edit_method")
def _method(audit: Audit) -> Target:
    from audit_app.models import GatheringMethod

    record = _step_record(
        audit, GatheringMethod, alternatives="Phone interviews", planned_for=date(2026, 9, 1)
    )
    record.groups = list(dict.fromkeys([*(record.groups or []), "dementia", "bme"]))
    return Target(f"{_base(audit)}/needs/methods/{record.id}", record=record)


@form("needs.edit_finding")
def _finding(audit: Audit) -> Target:
    from audit_app.models import Finding

    record = _first(Finding, audit)
    record.groups = list(dict.fromkeys([*(record.groups or []), "dementia", "bme"]))
    record.outcomes = sorted({*(record.outcomes or []), "1", "3"})  # in the form's order
    return Target(f"{_base(audit)}/needs/findings/{record.id}", record=record)


@form("needs.planning")
def _planning(audit: Audit) -> Target:
    from audit_app.models import PlanningAnswer
    from audit_app.services import needs

    saved = needs.answers(audit)
    for code in needs.QUESTION_CODES:  # every planning question answered
        answer = saved.get(code) or PlanningAnswer(audit_id=audit.id, question=code)
        answer.answer = answer.answer or f"Our answer about {code}, agreed at the forum"
        db.session.add(answer)
    return Target(f"{_base(audit)}/needs/planning")


@form("needs.outcomes")
def _outcomes(audit: Audit) -> Target:
    from audit_app.models import OutcomePriority
    from audit_app.services.frameworks import framework_of

    ranked = {
        row.outcome: row
        for row in db.session.scalars(
            select(OutcomePriority).where(OutcomePriority.audit_id == audit.id)
        )
    }
    rank = max((row.rank for row in ranked.values()), default=0)
    for outcome in framework_of(audit).adult_outcomes():  # every outcome ranked, said by whom
        row = ranked.get(outcome.code)
        if row is None:
            rank += 1
            row = OutcomePriority(audit_id=audit.id, outcome=outcome.code, rank=rank)
            db.session.add(row)
        row.said_by = row.said_by or f"Carers' forum, on outcome {outcome.code}"
    return Target(f"{_base(audit)}/needs/outcomes")


@form("plan.edit_priority")
def _priority(audit: Audit) -> Target:
    record = _step_record(audit, Priority, description="More breaks, booked sooner")
    record.outcomes = list(dict.fromkeys([*(record.outcomes or []), "1", "2"]))
    return Target(f"{_base(audit)}/plan/priorities/{record.id}", record=record)


@form("plan.header")
def _header(audit: Audit) -> Target:
    record = _step_record(
        audit,
        ActionPlan,
        key_risks="Funding",
        strategic_outcomes="More breaks",
        overall_position="Improving",
        achievements="More carers identified\nMore breaks",
        challenges="Vacant posts",
        board_decisions="Agree the plan",
    )
    return Target(f"{_base(audit)}/plan/header", record=record)


@form("plan.edit_objective")
def _objective(audit: Audit) -> Target:
    record = _first(Objective, audit)
    return Target(f"{_base(audit)}/plan/objectives/{record.id}", record=record)


FOUR_LEADS = [
    {"post": "Training lead", "organisation": "Carers' Federation"},
    {"post": "Partnership manager", "organisation": "Nottinghamshire County Health Partnerships"},
    {"post": "Commissioning officer", "organisation": "NCC commissioning team"},
    {"post": "Work coach", "organisation": "Job Centre Plus"},
]


@form("plan.edit_action")
def _action(audit: Audit) -> Target:
    record = _step_record(audit, Action, capacity="Two days a month", service="Carers' centre")
    record.leads = FOUR_LEADS
    record.sub_outcomes = ["1a", "2b", "4a"]
    record.groups = list(dict.fromkeys([*(record.groups or []), "dementia", "bme"]))
    record.interventions = list(dict.fromkeys([*(record.interventions or []), "breaks"]))
    return Target(f"{_base(audit)}/plan/actions/{record.id}", record=record)


@form("plan.edit_funding")
def _funding(audit: Audit) -> Target:
    record = _step_record(audit, FundingContribution, notes="Better Care Fund")
    return Target(f"{_base(audit)}/plan/funding/{record.id}", record=record)


@form("publishing.feedback")
def _feedback(audit: Audit) -> Target:
    return Target(
        f"{_base(audit)}/you-said-we-did", selector="main form[method=post]:not([action])"
    )


@form("publishing.edit_item")
def _feedback_item(audit: Audit) -> Target:
    from audit_app.models.publishing import FeedbackItem

    item = db.session.scalars(select(FeedbackItem).order_by(FeedbackItem.id)).first()
    assert item is not None
    return Target(f"{_base(audit)}/you-said-we-did/items/{item.id}", record=item)


@form("publishing.record_agreement")
def _agreement(audit: Audit) -> Target:
    from audit_app.models.publishing import Agreement

    audit.status = PUBLISHED  # commissioners decide on what is published
    record = _first(Agreement, audit)
    record.comment = record.comment or "Agreed at the board on 3 June"
    selector = f'main form[action$="/review/agreement/{record.subject}"]'
    return Target(f"{_base(audit)}/review", user=COMMISSIONER, selector=selector, record=record)


# --- the tests -----------------------------------------------------------------


def post_routes(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}


def test_every_post_route_is_an_edit_form_or_says_why_not(app: Flask) -> None:
    routes = post_routes(app)
    assert not set(FORMS) & set(NOT_EDITS)
    missing = routes - set(FORMS) - set(NOT_EDITS)
    assert not missing, f"each needs a filled-record builder in FORMS, or a reason: {missing}"
    assert not (set(FORMS) | set(NOT_EDITS)) - routes, "names a route the app no longer has"


def stored_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the trail, without the bookkeeping columns."""
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name in TRAIL:
            continue
        columns = [c for c in table.columns if c.name not in BOOKKEEPING]
        found = db.session.execute(select(*columns)).all()
        rows[table.name] = sorted(tuple(_comparable(value) for value in row) for row in found)
    return rows


def _comparable(value: Any) -> str:
    """A stored value as text; a list of codes (groups, outcomes...) is a set, which
    the forms store in the order of their choices, so it is compared sorted."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        value = sorted(value)
    return repr(value)


def empty_fields(record: Any, unset: frozenset[str]) -> list[str]:
    """The record's columns left empty (the builder must fill every field)."""
    skip = BOOKKEEPING | {"id", "audit_id", "needs_confirmation"} | unset
    return [
        column.name
        for column in record.__table__.columns
        if column.name not in skip and getattr(record, column.name) in (None, "", [], {})
    ]


@pytest.fixture(scope="module")
def demo_audit_id(app: Flask) -> int:
    from audit_app.demo import load_demo
    from tests.conftest import clear_tables

    with app.app_context():
        clear_tables()
        load_demo()
        audit = db.session.scalar(select(Audit).where(Audit.title == DEMO_TITLE))
        assert audit is not None
        return audit.id


@pytest.fixture
def _clean_database(app: Flask) -> Iterator[None]:
    """Overrides the suite's: these tests share the demo data loaded once per module."""
    from audit_app.extensions import limiter

    with app.app_context():
        limiter.reset()  # each test signs in afresh
    yield
    with app.app_context():
        db.session.remove()


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_saving_a_filled_form_unchanged_keeps_every_stored_value(
    app: Flask, client: Any, demo_audit_id: int, endpoint: str
) -> None:
    with app.app_context():
        audit = db.session.get(Audit, demo_audit_id)
        assert audit is not None
        audit.status, audit.published_at = DRAFT, None  # open for editing
        target = FORMS[endpoint](audit)
        if target.record is not None:
            assert not empty_fields(target.record, target.unset), "the builder left these empty"
        db.session.commit()
        before = stored_rows()
    visitor = Visitor(client)
    visitor.sign_in(target.user, "demo-password")
    page = visitor.get(target.url)
    answer = visitor.submit(page, target.selector, status=None)
    assert answer.status == 302, (endpoint, answer.error_summary(), answer.text[:1500])
    with app.app_context():
        after = stored_rows()
    changed = {
        name: [
            (old, new) for old, new in zip(before[name], after[name], strict=False) if old != new
        ]
        or (before[name], after[name])
        for name in before
        if before[name] != after[name]
    }
    assert not changed, f"{endpoint} changed stored values: {changed}"
