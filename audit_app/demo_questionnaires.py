"""Demo questionnaires for the dementia audit: an open carers' survey with about 40
varied responses (the quality-of-life questions among them: the groups of carers
of older people and aged 65 and over show, the smaller ones are hidden) and a partner
questionnaire with a few answers, so a person exploring the demo sees real results;
and one published figure of the national carers' survey to set beside the local
one (called from audit_app.demo)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from audit_app.extensions import db
from audit_app.models import Audit, PublishedCarerFigure, User
from audit_app.services import questionnaire_import as importing
from audit_app.services import questionnaires as service

CHANGES = (
    "A sitting service in the evenings so I can get some sleep",
    "Someone to call who knows about dementia",
    "Help filling in the attendance allowance forms",
    "Day care that is open at weekends",
    "GPs who ask how I am, not just how my husband is",
    "Information in Punjabi and Urdu",
    "Breaks that I can book at short notice",
)


def _carer(rng: random.Random) -> dict[str, Any]:
    cares_for = ["dementia"]
    if rng.random() < 0.35:
        cares_for.insert(0, "older")
    if rng.random() < 0.1:
        cares_for.append("physical")
    outcomes = ["own_life", "wellbeing", "money", "expert_partner"]
    weights = [5, 4, 2, 3]
    ranking: list[str] = []
    while len(ranking) < 3:
        choice = rng.choices(outcomes, weights)[0]
        if choice not in ranking:
            ranking.append(choice)
    supports = [s for s in ("breaks", "information", "emotional", "peer") if rng.random() < 0.5]
    return {
        "cares_for": cares_for,
        "age_band": rng.choices(["age_25_64", "age_65_plus", "age_16_24", None], [14, 22, 1, 3])[0],
        "hours": rng.choice([None, 10, 20, 35, 50, 70, 100]),
        "outcomes_rank": ranking,
        "life_of_own": rng.choices([1, 2, 3, 4, 5], [8, 12, 9, 5, 2])[0],
        "listened_to": rng.choices([1, 2, 3, 4, 5], [4, 9, 12, 9, 4])[0],
        "wellbeing_scale": rng.choices([1, 2, 3, 4, 5], [6, 11, 11, 7, 3])[0],
        "supports_used": supports or None,
        "breaks_rating": rng.choice([3, 4, 4, 5]) if "breaks" in supports else None,
        "one_change": rng.choice(CHANGES) if rng.random() < 0.4 else None,
    }


# Each quality-of-life question's answers, best first, and how often each is given.
QUALITY_OF_LIFE = {
    "qol_occupation": (["occupation_as_want", "occupation_some", "occupation_none"], [5, 11, 4]),
    "qol_control": (["control_as_want", "control_some", "control_none"], [6, 11, 3]),
    "qol_self_care": (["self_care_well", "self_care_sometimes", "self_care_neglect"], [7, 9, 4]),
    "qol_safety": (
        ["safety_no_worries", "safety_some_worries", "safety_extremely_worried"],
        [13, 6, 1],
    ),
    "qol_social": (["social_as_want", "social_some", "social_isolated"], [5, 10, 5]),
    "qol_support": (["support_have", "support_some", "support_none"], [6, 10, 4]),
    "information_ease": (
        [
            "info_very_easy",
            "info_fairly_easy",
            "info_fairly_difficult",
            "info_very_difficult",
            "info_never_tried",
        ],
        [3, 8, 6, 3, 6],
    ),
    "involved_in_discussions": (
        [
            "involved_always",
            "involved_usually",
            "involved_sometimes",
            "involved_never",
            "involved_no_discussions",
        ],
        [5, 8, 5, 2, 6],
    ),
    "support_satisfaction": (
        ["satisfied_extremely", "satisfied_very", "satisfied_quite", "satisfied_neither"],
        [3, 8, 7, 3],
    ),
}


def _quality_of_life(rng: random.Random) -> dict[str, Any]:
    """One carer's quality-of-life answers; about one in ten leaves one question out."""
    answers = {
        code: rng.choices(options, weights)[0]
        for code, (options, weights) in QUALITY_OF_LIFE.items()
    }
    if rng.random() < 0.1:
        answers[rng.choice(list(QUALITY_OF_LIFE)[:6])] = None
    return answers


def add_demo_published_figure(audit: Audit, lead: User) -> None:
    """A made-up published score for the (made-up) area, to compare with."""
    db.session.add(
        PublishedCarerFigure(
            audit_id=audit.id,
            measure="carer_quality_of_life",
            year="2023-24",
            council_code="E99999999",
            value=Decimal("7.3"),
            base=412,
            ci_low=Decimal("7.1"),
            ci_high=Decimal("7.5"),
            updated_by=lead,
        )
    )
    db.session.commit()


def add_demo_questionnaires(audit: Audit, lead: User, partners: list[User]) -> None:
    today = date.today()
    survey = service.open_questionnaire(
        audit, "carers_survey", today - timedelta(days=21), today + timedelta(days=40), lead
    )
    rng = random.Random(2026)  # noqa: S311 (made-up demo answers)
    answers = [_carer(rng) for _ in range(40)]
    answered = random.Random(2027)  # noqa: S311 (made-up demo answers)
    for carer in answers:
        carer.update(_quality_of_life(answered))
    for carer in answers[:28]:
        service.submit(survey, carer, None)
    # The rest came in on paper at a memory café and were imported from a CSV.
    definition = service.definition_of(survey)
    paper = importing.start(
        survey,
        "memory-cafe-paper-surveys.csv",
        importing.responses_csv(definition, answers[28:]).encode(),
        lead,
    )
    importing.queue(paper, importing.guess_mapping(definition, paper.headers))

    views = service.open_questionnaire(
        audit, "partner_views", today - timedelta(days=14), today + timedelta(days=30), lead
    )
    said = [
        ("specialist", 420, ["bme", "distance"], 4, "Carers of people with young-onset dementia"),
        ("specialist", 180, ["bme", "lgbt"], 3, "Support in the evenings and at weekends"),
    ]
    for partner, (kind, identified, hard, joint, gap) in zip(partners, said, strict=False):
        service.submit(
            views,
            {
                "provider_kind": kind,
                "carers_identified": identified,
                "groups_hard_to_reach": hard,
                "joint_working": joint,
                "biggest_gap": gap,
            },
            partner,
        )


def add_demo_stakeholder_views(audit: Audit, lead: User) -> None:
    """Six answers to the stakeholder views questionnaire from providers and decision
    makers: the audit's feedback from staff and leaders."""
    today = date.today()
    views = service.open_questionnaire(
        audit, "stakeholder_views", today - timedelta(days=30), today + timedelta(days=10), lead
    )
    said = [
        ("provider", ["wellbeing", "own_life", "expert_partner", "money"], ["breaks"]),
        ("provider", ["own_life", "wellbeing", "money", "expert_partner"], ["breaks", "advocacy"]),
        ("decision_maker", ["expert_partner", "wellbeing", "own_life", "money"], ["information"]),
        ("decision_maker", ["wellbeing", "expert_partner", "money", "own_life"], ["health"]),
        ("provider", ["own_life", "money", "wellbeing", "expert_partner"], ["breaks"]),
        ("decision_maker", ["money", "wellbeing", "own_life", "expert_partner"], []),
    ]
    for kind, ranking, supports in said:
        answers: dict[str, object] = {"stakeholder_kind": kind, "outcomes_rank": ranking}
        if supports:  # an optional question left unanswered is absent, not an empty list
            answers["supports_that_work"] = supports
        service.submit(views, answers, None)
