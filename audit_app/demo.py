"""Demo data a person can explore straight after `make run`.

Created only by `flask demo-data`; never by migrations or tests of production paths.
All demo accounts use the password DEMO_PASSWORD.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from audit_app import demo_cqc
from audit_app.demo_cqc import add_demo_cqc_scores
from audit_app.demo_indicators import (
    EARLIER_INDICATORS,
    EARLIER_QUARTERS,
    SOUTHSHIRE_INDICATORS,
    SOUTHSHIRE_OWNER,
    SOUTHSHIRE_QUARTERS,
    add_demo_indicators,
)
from audit_app.demo_questionnaires import (
    add_demo_published_figure,
    add_demo_questionnaires,
    add_demo_stakeholder_views,
)
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
    ("Southshire Council", "area"),
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
    ("lead.south@demo.test", "Sam Southshire", "carers_lead", "Southshire Council"),
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
        list(DEMENTIA_GROUPS),
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
    _fill_dementia_audit(dementia, users, organisations)
    add_demo_indicators(dementia, users["lead@demo.test"])
    add_demo_indicators(whole, users["lead@demo.test"])  # a draft to enter periods in
    _feed_back(dementia, users)
    add_demo_questionnaires(
        dementia, users["lead@demo.test"], [users["partner@demo.test"], users["partner2@demo.test"]]
    )
    add_demo_published_figure(dementia, users["lead@demo.test"])
    add_demo_stakeholder_views(dementia, users["lead@demo.test"])
    add_demo_cqc_scores(dementia, users["lead@demo.test"], demo_cqc.THIS_YEAR)
    _rate(whole, users["lead@demo.test"], WHOLE_AREA_RATINGS)
    _add_cycles_and_areas(dementia, snapshot, users, organisations)
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


# The dementia audit looks at dementia carers as a whole and at three groups
# within them that the method says are often overlooked or differently served.
DEMENTIA_GROUPS = ("dementia", "working_age_carers", "carers_65_plus", "bme")

# (intervention, group): (rag, maturity, rationale)
DEMENTIA_RATINGS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("breaks", "dementia"): (
        "amber",
        "intermediate",
        "Sitting service and day care in the north; waiting lists of 6 weeks.",
    ),
    ("breaks", "working_age_carers"): (
        "red",
        "early",
        "No breaks at evenings or weekends, when working carers need them.",
    ),
    ("breaks", "carers_65_plus"): (
        "amber",
        "intermediate",
        "Day care reaches older carers who can travel.",
    ),
    ("breaks", "bme"): (
        "red",
        "early",
        "No culturally appropriate day care; two carers' groups say so.",
    ),
    ("information", "dementia"): (
        "green",
        "advanced",
        "Memory clinic information pack and carers' centre advice line.",
    ),
    ("information", "working_age_carers"): ("amber", "intermediate", "Advice line closes at 5pm."),
    ("information", "carers_65_plus"): (
        "green",
        "advanced",
        "Reaches most older carers through GP practices.",
    ),
    ("information", "bme"): ("amber", "early", "Leaflets in two community languages only."),
    ("emotional_support", "dementia"): (
        "amber",
        "intermediate",
        "Counselling waiting list of 12 weeks.",
    ),
    ("emotional_support", "carers_65_plus"): (
        "green",
        "intermediate",
        "Peer support groups well attended.",
    ),
    ("caring_support_training", "dementia"): (
        "green",
        "advanced",
        "Dementia carers' course run four times a year, evaluated.",
    ),
    ("caring_support_training", "bme"): (
        "red",
        "early",
        "Course not offered in community languages.",
    ),
    ("emergency_support", "dementia"): (
        "red",
        "early",
        "No emergency plan scheme for dementia carers.",
    ),
    ("changes_transitions", "dementia"): (
        "amber",
        "early",
        "Support at care home admission is patchy.",
    ),
    ("advocacy", "dementia"): (
        "amber",
        "intermediate",
        "Generic advocacy; little dementia knowledge.",
    ),
    ("work_training", "working_age_carers"): (
        "red",
        "early",
        "No employer engagement on carers' leave.",
    ),
    ("benefits_financial", "dementia"): (
        "green",
        "advanced",
        "Welfare rights checks offered at diagnosis.",
    ),
    ("peer_community", "dementia"): ("green", "intermediate", "Memory cafés in five towns."),
}

# (sub-outcome, group): (status, indicator rag)
DEMENTIA_CHECKLIST: dict[tuple[str, str], tuple[str, str]] = {
    ("1a", "dementia"): ("partly", "amber"),
    ("1a", "carers_65_plus"): ("in_place", "green"),
    ("1a", "bme"): ("not_in_place", "red"),
    ("1b", "dementia"): ("in_place", "green"),
    ("1b", "working_age_carers"): ("partly", "amber"),
    ("1c", "dementia"): ("partly", "amber"),
    ("2a", "dementia"): ("partly", "amber"),
    ("2b", "dementia"): ("partly", "amber"),
    ("2b", "working_age_carers"): ("not_in_place", "red"),
    ("2b", "bme"): ("not_known", "not_rated"),
    ("3a", "working_age_carers"): ("not_in_place", "red"),
    ("4a", "dementia"): ("partly", "amber"),
}

WHOLE_AREA_RATINGS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("breaks", "older_people"): (
        "amber",
        "intermediate",
        "Day care and sitting, with waiting lists.",
    ),
    ("breaks", "mental_health"): ("red", "early", "No breaks designed for mental health carers."),
    ("information", "older_people"): (
        "green",
        "advanced",
        "Carers' centre advice line and website.",
    ),
    ("information", "learning_disability"): (
        "amber",
        "intermediate",
        "Parent carer forum, little for older parent carers.",
    ),
}


def _rate(audit: Audit, lead: User, ratings: dict[tuple[str, str], tuple[str, str, str]]) -> None:
    from audit_app.models import Rating
    from audit_app.services.changes import Change, save_all
    from audit_app.services.frameworks import framework_of

    framework = framework_of(audit)
    changes = [
        Change(
            audit,
            Rating(audit_id=audit.id, intervention=intervention, group_code=group),
            {"rag": rag, "maturity": maturity, "rationale": rationale},
            "rating",
            f"{framework.intervention(intervention).name} – {framework.group(group).name}",
        )
        for (intervention, group), (rag, maturity, rationale) in ratings.items()
    ]
    save_all(changes, lead)


def _fill_dementia_audit(
    audit: Audit, users: dict[str, User], organisations: dict[str, Organisation]
) -> None:
    """Every step of the dementia audit has something in it to explore."""
    from decimal import Decimal

    from audit_app.models import (
        ChecklistJudgement,
        EvidenceReturn,
        LinkedSource,
        PopulationStatistic,
        Stakeholder,
    )
    from audit_app.services.changes import Change, save_all
    from audit_app.services.frameworks import framework_of

    framework = framework_of(audit)
    lead = users["lead@demo.test"]
    centre = organisations["Northshire Carers Centre"]
    memory = organisations["Northshire Memory Support"]
    records: list[tuple[object, dict[str, object], str, str]] = [
        (
            Stakeholder(audit_id=audit.id),
            {
                "name": "Dementia carers' forum",
                "organisation": "Northshire Carers Centre",
                "type_code": "carers",
                "subtype_code": None,
                "groups": ["dementia"],
                "engagement": "responded",
            },
            "stakeholder",
            "Dementia carers' forum",
        ),
        (
            Stakeholder(audit_id=audit.id),
            {
                "name": "Northshire Memory Support",
                "organisation": "Northshire Memory Support",
                "type_code": "providers",
                "subtype_code": None,
                "groups": ["dementia", "carers_65_plus"],
                "engagement": "engaged",
            },
            "stakeholder",
            "Northshire Memory Support",
        ),
        (
            Stakeholder(audit_id=audit.id),
            {
                "name": "Joint commissioning board",
                "organisation": "Northshire ICB",
                "type_code": "decision_makers",
                "subtype_code": None,
                "groups": [],
                "engagement": "invited",
            },
            "stakeholder",
            "Joint commissioning board",
        ),
        (
            PopulationStatistic(audit_id=audit.id),
            {
                "measure": "People on GP dementia registers",
                "value": Decimal("6120"),
                "unit": "people",
                "geography_level": "area",
                "geography_name": None,
                "group_code": "dementia",
                "source": "NHS Digital, Recorded Dementia Diagnoses",
                "year": 2026,
            },
            "population statistic",
            "People on GP dementia registers",
        ),
        (
            PopulationStatistic(audit_id=audit.id),
            {
                "measure": "Carers aged 65+ (census)",
                "value": Decimal("14800"),
                "unit": "people",
                "geography_level": "area",
                "geography_name": None,
                "group_code": "carers_65_plus",
                "source": "Census 2021",
                "year": 2021,
            },
            "population statistic",
            "Carers aged 65+",
        ),
        (
            LinkedSource(audit_id=audit.id),
            {
                "kind": "jsna",
                "title": "Northshire Joint Strategic Needs Assessment: carers chapter",
                "url": "https://www.example.org/jsna/carers",
                "year": 2025,
            },
            "linked source",
            "JSNA carers chapter",
        ),
        (
            EvidenceReturn(
                audit_id=audit.id, organisation=centre, author=users["partner@demo.test"]
            ),
            {
                "service_name": "Dementia carers' advice line",
                "interventions": ["information", "benefits_financial"],
                "groups_reached": ["dementia", "carers_65_plus"],
                "groups_not_reached": ["bme"],
                "numbers_reached": 640,
                "satisfaction": "92% satisfied or very satisfied (n=210)",
                "status": "accepted",
            },
            "evidence",
            "Dementia carers' advice line",
        ),
        (
            EvidenceReturn(
                audit_id=audit.id, organisation=memory, author=users["partner2@demo.test"]
            ),
            {
                "service_name": "Memory cafés",
                "interventions": ["peer_community", "emotional_support"],
                "groups_reached": ["dementia"],
                "groups_not_reached": ["working_age_carers"],
                "numbers_reached": 310,
                "status": "submitted",
            },
            "evidence",
            "Memory cafés",
        ),
        (
            EvidenceReturn(
                audit_id=audit.id, organisation=centre, author=users["partner@demo.test"]
            ),
            {
                "service_name": "Carers' emergency card and contingency plans",
                "interventions": ["emergency_support", "caring_support_training"],
                "groups_reached": ["dementia", "carers_65_plus"],
                "groups_not_reached": ["working_age_carers"],
                "numbers_reached": 180,
                "satisfaction": "Every card holder whose card was used said the person they "
                "care for was looked after (n=23)",
                "status": "accepted",
            },
            "evidence",
            "Carers' emergency card and contingency plans",
        ),
        (
            EvidenceReturn(
                audit_id=audit.id, organisation=memory, author=users["partner2@demo.test"]
            ),
            {
                "service_name": "Sitting service (draft)",
                "interventions": ["breaks"],
                "groups_reached": ["dementia"],
                "status": "draft",
            },
            "evidence",
            "Sitting service",
        ),
    ]
    for (sub_outcome, group), (status, indicator) in DEMENTIA_CHECKLIST.items():
        records.append(
            (
                ChecklistJudgement(audit_id=audit.id, sub_outcome=sub_outcome, group_code=group),
                {"status": status, "indicator": indicator},
                "checklist",
                f"{sub_outcome} – {framework.group(group).name}",
            )
        )
    save_all(
        [Change(audit, record, values, entity, label) for record, values, entity, label in records],
        lead,
    )
    _rate(audit, lead, DEMENTIA_RATINGS)
    _plan_dementia_audit(audit, lead)


def _plan_dementia_audit(audit: Audit, lead: User) -> None:
    """Step 2 findings and ranking, and a Step 4 plan with a progress update."""
    from datetime import date as day
    from decimal import Decimal

    from audit_app.models import (
        Action,
        ActionPlan,
        ActionUpdate,
        Finding,
        FundingContribution,
        GatheringMethod,
        Objective,
        OutcomePriority,
        PlanningAnswer,
        Priority,
    )
    from audit_app.services.changes import Change, save_all

    objective = Objective(audit_id=audit.id)
    records: list[tuple[object, dict[str, object], str, str]] = [
        (
            PlanningAnswer(audit_id=audit.id),
            {
                "question": "risks_gaps",
                "answer": "Breaks for working carers; BME carers' access to day care.",
            },
            "planning answer",
            "Greatest risks or gaps",
        ),
        (
            GatheringMethod(audit_id=audit.id),
            {
                "method": "focus_group",
                "description": "Two evening focus groups for working dementia carers",
                "groups": ["dementia", "working_age_carers"],
                "costs": "Sitting service while carers attend; £20 voucher each",
                "cost_amount": Decimal("640.00"),
            },
            "gathering method",
            "Evening focus groups",
        ),
        (
            Finding(audit_id=audit.id),
            {
                "method": "focus_group",
                "held_on": day(2026, 6, 10),
                "participants": 14,
                "groups": ["dementia", "working_age_carers"],
                "key_messages": "Breaks must fit around work; information arrives too late after diagnosis.",
                "outcomes": ["2", "3"],
            },
            "finding",
            "Focus group, 10 June 2026",
        ),
        (
            OutcomePriority(audit_id=audit.id),
            {"outcome": "2", "rank": 1, "said_by": "Focus groups and the carers' forum"},
            "outcome priority",
            "Outcome 2",
        ),
        (
            OutcomePriority(audit_id=audit.id),
            {"outcome": "3", "rank": 2, "said_by": "Working carers"},
            "outcome priority",
            "Outcome 3",
        ),
        (
            Priority(audit_id=audit.id),
            {
                "rank": 1,
                "title": "Evening and weekend breaks for working carers",
                "carers_said": "Breaks must fit around work.",
                "outcomes": ["2", "3"],
            },
            "priority",
            "Evening and weekend breaks",
        ),
        (
            Priority(audit_id=audit.id),
            {
                "rank": 2,
                "title": "Culturally appropriate day care",
                "carers_said": "No day care where our language is spoken.",
                "outcomes": ["2"],
            },
            "priority",
            "Culturally appropriate day care",
        ),
        (
            Priority(audit_id=audit.id),
            {
                "rank": 3,
                "title": "Emergency plans for every dementia carer",
                "carers_said": "Who would care if I was taken ill?",
                "outcomes": ["1", "4"],
            },
            "priority",
            "Emergency plans",
        ),
        (
            ActionPlan(audit_id=audit.id),
            {
                "strategic_outcomes": "Dementia carers have breaks that fit their lives.",
                "key_risks": "Provider capacity for evening sitting.",
                "overall_position": (
                    "Dementia carers are identified earlier than last year, but too few "
                    "have a support plan or an emergency plan, and evening breaks are scarce."
                ),
                "achievements": (
                    "More carers on GP registers in every quarter.\n"
                    "Memory clinics now refer carers to the carers' centre."
                ),
                "challenges": (
                    "Two carers' workers' posts are vacant.\n"
                    "No evening sitting service in the north of the county."
                ),
                "board_decisions": (
                    "Agree to commission an evening sitting service from April.\n"
                    "Note the action plan and its progress."
                ),
            },
            "action plan",
            "Action plan header",
        ),
        (
            objective,
            {"title": "Commission flexible breaks", "position": 1},
            "objective",
            "Commission flexible breaks",
        ),
        (
            FundingContribution(audit_id=audit.id),
            {
                "partner": "Northshire County Council",
                "amount": Decimal("120000.00"),
                "breaks_share": Decimal("60.00"),
            },
            "funding",
            "Northshire County Council",
        ),
    ]
    save_all(
        [Change(audit, record, values, entity, label) for record, values, entity, label in records],
        lead,
    )
    action = Action(audit_id=audit.id, objective_id=objective.id)
    save_all(
        [
            Change(
                audit,
                action,
                {
                    "description": "Tender an evening and weekend sitting service",
                    "target_measure": "200 working carers a year use it",
                    "due_by": day(2027, 3, 31),
                    "timescale": "By March 2027",
                    "leads": [{"post": "Carers lead", "organisation": "Northshire County Council"}],
                    "interventions": ["breaks"],
                    "groups": ["working_age_carers"],
                    "kind_of_change": "commission",
                    "commissioning_route": "open_tender",
                },
                "action",
                "Tender an evening and weekend sitting service",
            )
        ],
        lead,
    )
    db.session.add(
        ActionUpdate(
            action_id=action.id,
            on=day(2026, 10, 1),
            rag="green_amber",
            commentary="Specification agreed; tender delayed by a month.",
            author=lead,
        )
    )
    db.session.commit()


def _feed_back(audit: Audit, users: dict[str, User]) -> None:
    """The published dementia audit: its publication, the ICB's review, and a public
    "you said, we did" page."""
    import secrets

    from audit_app.models import (
        Agreement,
        CommissionerComment,
        FeedbackItem,
        FeedbackSummary,
        Publication,
    )

    lead, commissioner = users["lead@demo.test"], users["commissioner@demo.test"]
    db.session.add(
        Publication(
            audit_id=audit.id,
            version_number=1,
            published_at=audit.published_at,
            published_by=lead,
            note="For the ICB's carers' commissioning board in February.",
        )
    )
    db.session.add(
        CommissionerComment(
            audit_id=audit.id,
            author=commissioner,
            section="assessment",
            body=(
                "The red rating for breaks for carers from BME communities matches what the "
                "memory clinics tell us. Can the plan say how the sitting service will reach them?"
            ),
        )
    )
    db.session.add_all(
        [
            Agreement(
                audit_id=audit.id,
                commissioner=commissioner,
                subject="priorities",
                decision="agreed",
                updated_by=commissioner,
            ),
            Agreement(
                audit_id=audit.id,
                commissioner=commissioner,
                subject="plan",
                decision="agreed_with_changes",
                comment="Add a review date for the sitting service pilot.",
                updated_by=commissioner,
            ),
        ]
    )
    summary = FeedbackSummary(
        audit_id=audit.id,
        title="You said, we did: support for carers of people with dementia",
        introduction=(
            "Over the autumn we heard from carers of people with dementia at two "
            "consultation days, a focus group and the carers' survey. This is what you told "
            "us and what we are doing about it."
        ),
        public_token=secrets.token_urlsafe(24),
        published_at=utcnow(),
        updated_by=lead,
    )
    for position, (said, did) in enumerate(
        [
            (
                "It is hard to get a break in the evening or at weekends.",
                "We are piloting a sitting service at evenings and weekends from April.",
            ),
            (
                "Nobody told us about the carers' centre until we were at breaking point.",
                "Memory clinics now refer carers to the carers' centre at diagnosis.",
            ),
            (
                "Information is not available in community languages.",
                "Our guide for carers is being translated into Urdu, Punjabi and Polish.",
            ),
        ]
    ):
        summary.items.append(
            FeedbackItem(position=position, you_said=said, we_did=did, updated_by=lead)
        )
    db.session.add(summary)
    db.session.commit()


# Northshire's dementia audit of the year before, and a neighbouring area's, so
# that cycle comparison and area benchmarking show real movement.
EARLIER_DEMENTIA_RATINGS: dict[tuple[str, str], tuple[str, str, str]] = {
    **{key: value for key, value in DEMENTIA_RATINGS.items() if key[0] != "peer_community"},
    ("breaks", "dementia"): ("red", "early", "Day care only; waiting lists of 10 weeks."),
    ("information", "working_age_carers"): ("green", "intermediate", "Evening advice line."),
    ("emotional_support", "dementia"): ("red", "early", "No dementia counselling."),
    ("benefits_financial", "dementia"): ("amber", "intermediate", "Checks on request only."),
    ("housing", "dementia"): ("amber", "early", "Adaptations advice at the carers' centre."),
}
EARLIER_DEMENTIA_CHECKLIST: dict[tuple[str, str], tuple[str, str]] = {
    **DEMENTIA_CHECKLIST,
    ("1a", "dementia"): ("not_in_place", "red"),
    ("2b", "working_age_carers"): ("partly", "amber"),
}
SOUTHSHIRE_RATINGS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("breaks", "dementia"): ("green", "advanced", "Sitting service seven days a week."),
    ("breaks", "working_age_carers"): ("amber", "intermediate", "Evening sitting in two towns."),
    ("breaks", "carers_65_plus"): ("green", "advanced", "Day care in every town."),
    ("breaks", "bme"): ("amber", "early", "One community-run day centre."),
    ("information", "dementia"): ("amber", "intermediate", "Pack given at diagnosis only."),
    ("information", "bme"): ("red", "early", "English only."),
    ("emotional_support", "dementia"): ("green", "advanced", "Counselling within 2 weeks."),
    ("emergency_support", "dementia"): ("amber", "intermediate", "Emergency card scheme."),
    ("caring_support_training", "dementia"): ("amber", "intermediate", "Course twice a year."),
    ("peer_community", "dementia"): ("green", "advanced", "Memory cafés in every town."),
    ("work_training", "working_age_carers"): ("amber", "early", "Carers' passport at the council."),
}
SOUTHSHIRE_CHECKLIST: dict[tuple[str, str], tuple[str, str]] = {
    ("1a", "dementia"): ("in_place", "green"),
    ("1b", "dementia"): ("partly", "amber"),
    ("2a", "dementia"): ("in_place", "green"),
    ("2b", "working_age_carers"): ("partly", "amber"),
    ("3a", "working_age_carers"): ("partly", "amber"),
    ("4a", "bme"): ("not_in_place", "red"),
}


def _add_cycles_and_areas(
    dementia: Audit,
    snapshot: dict[str, object],
    users: dict[str, User],
    organisations: dict[str, Organisation],
) -> None:
    from datetime import timedelta

    lead, south_lead = users["lead@demo.test"], users["lead.south@demo.test"]
    earlier = _audit(
        "Carers of people with dementia in Northshire 2025/26",
        organisations[AREA],
        list(DEMENTIA_GROUPS),
        snapshot,
        lead,
        "The first dementia carers' audit.",
    )
    earlier.cycle, earlier.period_start, earlier.period_end = (
        "2025/26",
        date(2025, 4, 1),
        date(2026, 3, 31),
    )
    earlier.created_at = utcnow() - timedelta(days=365)
    south = _audit(
        "Carers of people with dementia in Southshire 2026/27",
        organisations["Southshire Council"],
        list(DEMENTIA_GROUPS),
        snapshot,
        south_lead,
        "Southshire's dementia carers' audit, shared with the region's commissioners.",
    )
    for audit in (earlier, south):
        audit.status = PUBLISHED
        audit.published_at = utcnow()
    for user, role in (
        (lead, LEAD),
        (users["partner@demo.test"], PARTNER),
        (users["commissioner@demo.test"], COMMISSIONER),
    ):
        _member(earlier, user, role)
    _member(south, south_lead, LEAD)
    _member(south, users["commissioner@demo.test"], COMMISSIONER)
    db.session.flush()
    dementia.previous_audit_id = earlier.id
    db.session.commit()
    for audit, audit_lead, ratings, checklist in (
        (earlier, lead, EARLIER_DEMENTIA_RATINGS, EARLIER_DEMENTIA_CHECKLIST),
        (south, south_lead, SOUTHSHIRE_RATINGS, SOUTHSHIRE_CHECKLIST),
    ):
        _rate(audit, audit_lead, ratings)
        _judge_checklist(audit, audit_lead, checklist)
    add_demo_indicators(
        south, south_lead, SOUTHSHIRE_INDICATORS, SOUTHSHIRE_QUARTERS, SOUTHSHIRE_OWNER
    )
    add_demo_indicators(earlier, lead, EARLIER_INDICATORS, EARLIER_QUARTERS)
    add_demo_cqc_scores(earlier, lead, demo_cqc.LAST_YEAR)
    add_demo_cqc_scores(south, south_lead, demo_cqc.SOUTHSHIRE)


def _judge_checklist(
    audit: Audit, lead: User, checklist: dict[tuple[str, str], tuple[str, str]]
) -> None:
    from audit_app.models import ChecklistJudgement
    from audit_app.services.changes import Change, save_all
    from audit_app.services.frameworks import framework_of

    framework = framework_of(audit)
    save_all(
        [
            Change(
                audit,
                ChecklistJudgement(audit_id=audit.id, sub_outcome=sub_outcome, group_code=group),
                {"status": status, "indicator": indicator},
                "checklist",
                f"{sub_outcome} – {framework.group(group).name}",
            )
            for (sub_outcome, group), (status, indicator) in checklist.items()
        ],
        lead,
    )
