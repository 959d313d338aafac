"""Step 2 questionnaires: open one on an audit, take answers, summarise, export.

Answers taken online and answers imported from CSV are stored the same way
(one JSON mapping of question code to value per response), so both summarise
alike. CSV imports live in :mod:`audit_app.services.questionnaire_import`.

Carers' privacy: survey figures reach people only through :func:`results`, which
puts every figure through the one suppression rule (:mod:`hub_model.suppression`,
applied by :mod:`hub_model.survey_results`): the results page and its by-group
tables, the results CSV and XLSX, and anything else built on them (the source
Step 2 names for a ranking). The rule is the same for everyone, the lead
included: the lead is a council officer, and their pages and downloads are the
ones most often passed on. The raw answers leave the database in one place only,
the lead's JSON export of the whole audit (exports.views.json_export, refused to
every other role in the audit; an administrator counts as the lead, as in
DESIGN.md), which moves an audit between systems. Free text the results withhold
may not be quoted word for word on the public "you said, we did" page either
(:func:`withheld_texts`).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import pandas as pd
from flask import abort
from sqlalchemy import String, cast, func, literal, select

from audit_app.extensions import db
from audit_app.models import Audit, Questionnaire, QuestionnaireResponse, User
from audit_app.models.audit import COMMISSIONER, LEAD, PARTNER
from audit_app.models.questionnaires import CLOSED, OPEN
from audit_app.services import changes, spreadsheets
from audit_app.services import needs as step2
from audit_app.services.access import read_with_user_value
from audit_app.services.frameworks import framework_of
from audit_app.services.scope import assessed_groups
from hub_model.framework import Framework, load_builtin
from hub_model.questionnaire import (
    Answer,
    Audience,
    QuestionType,
    load_questionnaire,
    parse_questionnaire,
    read_yaml,
)
from hub_model.questionnaire import Questionnaire as Definition
from hub_model.suppression import RULE as SUPPRESSION_RULE
from hub_model.suppression import SUPPRESSED
from hub_model.survey_results import SMALLEST_GROUP as SMALLEST_GROUP
from hub_model.survey_results import Summary, results_table, summarise
from questionnaires import definition_paths

QUESTIONNAIRE_FIELDS = ("title", "opens_on", "closes_on", "status")

# Who answers each kind of questionnaire signed in. Carers answer by public link only.
ANSWERED_BY: dict[Audience, tuple[str, ...]] = {
    Audience.CARERS: (),
    Audience.PARTNERS: (PARTNER,),
    Audience.STAKEHOLDERS: (PARTNER, COMMISSIONER),
    Audience.COMMISSIONERS: (COMMISSIONER,),
}
# Who reads questionnaire results (the results pages, the report's sections).
RESULT_READERS = (LEAD, COMMISSIONER)
AUDIENCE_LABELS = {
    Audience.CARERS: "Carers (public link, anonymous)",
    Audience.PARTNERS: "Partners and providers (signed in)",
    Audience.STAKEHOLDERS: "Stakeholders (signed in)",
    Audience.COMMISSIONERS: "Commissioners (signed in)",
}


@cache
def shipped() -> dict[str, tuple[dict[str, Any], Definition]]:
    """Every shipped definition by id: its raw data (to snapshot) and its parsed form."""
    framework = load_builtin("carers_hub_2010")
    out: dict[str, tuple[dict[str, Any], Definition]] = {}
    for path in definition_paths():
        definition = load_questionnaire(path, framework)
        data = read_yaml(path.read_text(encoding="utf-8"), path.name)
        assert isinstance(data, dict)
        out[definition.id] = (data, definition)
    return out


def definition_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{definition.title} – {AUDIENCE_LABELS[definition.audience]}")
        for code, (_, definition) in shipped().items()
    ]


_DEFINITIONS: dict[tuple[int, str], Definition] = {}


def definition_of(record: Questionnaire, framework: Framework | None = None) -> Definition:
    """The definition snapshot a questionnaire was opened with, parsed once."""
    key = (record.id, record.definition_id)
    cached = _DEFINITIONS.get(key)
    if cached is None:
        if framework is None:
            framework = load_builtin("carers_hub_2010")
        cached = parse_questionnaire(record.definition, framework, f"questionnaire {record.id}")
        if len(_DEFINITIONS) > 256:
            _DEFINITIONS.clear()
        _DEFINITIONS[key] = cached
    return cached


def list_for(audit: Audit) -> list[Questionnaire]:
    return list(
        db.session.scalars(
            select(Questionnaire)
            .where(Questionnaire.audit_id == audit.id)
            .order_by(Questionnaire.opens_on.desc(), Questionnaire.id.desc())
        )
    )


def response_counts(audit: Audit) -> dict[int, int]:
    rows = db.session.execute(
        select(QuestionnaireResponse.questionnaire_id, func.count())
        .join(Questionnaire, Questionnaire.id == QuestionnaireResponse.questionnaire_id)
        .where(Questionnaire.audit_id == audit.id)
        .group_by(QuestionnaireResponse.questionnaire_id)
    ).all()
    return {questionnaire_id: count for questionnaire_id, count in rows}


def questionnaire_or_404(audit: Audit, questionnaire_id: int) -> Questionnaire:
    """The audit's questionnaire ``questionnaire_id``; 404 for another audit's."""
    record = db.session.get(Questionnaire, questionnaire_id)
    if record is None or record.audit_id != audit.id:
        abort(404)
    return record


def carried_copy(record: Questionnaire) -> Questionnaire | None:
    """The copy a newer version of the audit carried ``record`` on into, if any
    (services.questionnaire_carry)."""
    return db.session.scalar(
        select(Questionnaire)
        .where(Questionnaire.carried_from_id == record.id)
        .order_by(Questionnaire.id)
        .limit(1)
    )


def by_token(token: str) -> Questionnaire | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Questionnaire).where(Questionnaire.public_token == token))


def is_accepting(record: Questionnaire, today: date | None = None) -> bool:
    """Open, and today falls in its period."""
    today = today or date.today()
    return record.status == OPEN and record.opens_on <= today <= record.closes_on


def may_answer(record: Questionnaire, role: str) -> bool:
    return role in ANSWERED_BY[Audience(record.audience)]


def open_questionnaire(
    audit: Audit, definition_id: str, opens_on: date, closes_on: date, user: User
) -> Questionnaire:
    """Open a shipped questionnaire on ``audit`` for a period (an audited write)."""
    data, definition = shipped()[definition_id]
    record = Questionnaire(
        audit_id=audit.id,
        definition_id=definition_id,
        definition=data,
        audience=definition.audience.value,
        public_token=secrets.token_urlsafe(24) if definition.anonymous else None,
    )
    values = {
        "title": definition.title,
        "opens_on": opens_on,
        "closes_on": closes_on,
        "status": OPEN,
    }
    return changes.save(
        changes.Change(audit, record, values, "questionnaire", definition.title), user
    )


def set_status(
    audit: Audit, record: Questionnaire, status: str, loaded_version: int | None, user: User
) -> Questionnaire:
    """Close or reopen; closing a public questionnaire makes its link refuse answers."""
    assert status in {OPEN, CLOSED}
    values = {"status": status}
    if status == OPEN and record.closes_on < date.today():
        values["closes_on"] = date.today()  # type: ignore[assignment]
    return changes.save(
        changes.Change(audit, record, values, "questionnaire", record.title, loaded_version), user
    )


def submit(record: Questionnaire, answers: Mapping[str, Answer | None], user: User | None) -> None:
    """Store one response. An anonymous questionnaire's never records who or when exactly.

    A signed-in person answering a named questionnaire again replaces their answers.
    """
    definition = definition_of(record)
    clean = {question.code: answers.get(question.code) for question in definition.questions}
    respondent_id = None
    if not definition.anonymous and user is not None:
        respondent_id = user.id
        previous = db.session.scalar(
            select(QuestionnaireResponse).where(
                QuestionnaireResponse.questionnaire_id == record.id,
                QuestionnaireResponse.respondent_id == user.id,
            )
        )
        if previous is not None:
            db.session.delete(previous)
    db.session.add(
        QuestionnaireResponse(
            questionnaire_id=record.id,
            answers=clean,
            answered_on=date.today(),
            source="online",
            respondent_id=respondent_id,
        )
    )
    db.session.commit()


def answered_by(record: Questionnaire, user: User) -> date | None:
    return db.session.scalar(
        select(QuestionnaireResponse.answered_on).where(
            QuestionnaireResponse.questionnaire_id == record.id,
            QuestionnaireResponse.respondent_id == user.id,
        )
    )


def answer_sets(record: Questionnaire) -> list[dict[str, Any]]:
    return list(
        db.session.scalars(
            select(QuestionnaireResponse.answers)
            .where(QuestionnaireResponse.questionnaire_id == record.id)
            .order_by(QuestionnaireResponse.id)
        )
    )


def group_order(framework: Framework) -> list[str]:
    return [group.code for group, _ in framework.groups_flat()] + [
        kind.code for kind in framework.stakeholder_types
    ]


def group_names(framework: Framework) -> dict[str, str]:
    names = {group.code: group.name for group, _ in framework.groups_flat()}
    names.update({kind.code: kind.name for kind in framework.stakeholder_types})
    return names


def results(audit: Audit, record: Questionnaire) -> Summary:
    """The questionnaire's results as anyone may see them, the lead included: every
    figure through the suppression rule, every carer group in scope a column."""
    framework = framework_of(audit)
    in_scope = [group.code for group in assessed_groups(audit, framework)]
    return summarise(definition_of(record), answer_sets(record), group_order(framework), in_scope)


def answers_key(audit: Audit) -> tuple[int, int | None]:
    """How many answers the audit's questionnaires hold and the newest's id, for keeping
    what is made of them: carers answer the public survey with no new revision of the
    audit, and a named questionnaire answered again replaces its answers with a new row
    (tests/web/revision_guard.py, NOT_KEPT). One query, or none where the page read
    :func:`answers_column` with the user."""
    read, value = read_with_user_value(audit.id, "answers")
    if read:
        count, _, newest = str(value).partition(":")
        return int(count), int(newest) if newest else None
    count, newest = db.session.execute(
        select(func.count(QuestionnaireResponse.id), func.max(QuestionnaireResponse.id))
        .join(Questionnaire, Questionnaire.id == QuestionnaireResponse.questionnaire_id)
        .where(Questionnaire.audit_id == audit.id)
    ).one()
    return int(count), newest


def answers_column() -> Any:
    """:func:`answers_key` as one text column ("count:newest id") of the page's audit
    (the outer ``Audit``), for the statement that reads the user with it."""
    count = func.count(QuestionnaireResponse.id)
    newest = func.coalesce(cast(func.max(QuestionnaireResponse.id), String), literal(""))
    return (
        select(cast(count, String) + literal(":") + newest)
        .join(Questionnaire, Questionnaire.id == QuestionnaireResponse.questionnaire_id)
        .where(Questionnaire.audit_id == Audit.id)
        .correlate(Audit)
        .scalar_subquery()
    )


def for_report(audit: Audit, role: str) -> list[tuple[Questionnaire, Summary]] | None:
    """Each questionnaire with its results, for the report; None for a role that
    does not read results in the app (partners see their own answers only)."""
    if role not in RESULT_READERS:
        return None
    return [(record, results(audit, record)) for record in reversed(list_for(audit))]


def export_csv(audit: Audit, record: Questionnaire) -> str:
    table = results_table(results(audit, record), group_names(framework_of(audit)))
    return spreadsheets.frame_csv(table)


def export_xlsx(audit: Audit, record: Questionnaire) -> bytes:
    table = results_table(results(audit, record), group_names(framework_of(audit)))
    notes = pd.DataFrame({"note": [SUPPRESSED, SUPPRESSION_RULE]})
    # The share is in points to one place under "share (%)"; the XLSX shows it as a percent.
    share = {"share (%)": lambda points: spreadsheets.percent(Decimal(str(points)), 1, sign=False)}
    return spreadsheets.frames_xlsx({"Results": table, "Notes": notes}, share)


def withheld_texts(audit: Audit) -> list[str]:
    """Every free-text answer to this audit's questionnaires that the results withhold
    (its question answered by fewer than SMALLEST_GROUP people), so that it is not
    published elsewhere word for word either."""
    found: list[str] = []
    for record in list_for(audit):
        definition = definition_of(record)
        texts = [q.code for q in definition.questions if q.type is QuestionType.FREE_TEXT]
        if not texts:
            continue
        sets = answer_sets(record)
        for code in texts:
            given = [str(answers[code]) for answers in sets if answers.get(code)]
            if len(given) < SMALLEST_GROUP:
                found += given
    return found


def said_by(definition: Definition, answered: int | None) -> str:
    """How the outcome ranking names its source: "carers' survey (40 answers)"."""
    title = definition.title[0].lower() + definition.title[1:]
    if answered is None:  # hidden by the suppression rule
        return f"{title} (fewer than {SMALLEST_GROUP} answers)"
    return f"{title} ({answered} answer{'' if answered == 1 else 's'})"


def take_ranking(audit: Audit, record: Questionnaire, user: User) -> list[str]:
    """Replace Step 2's outcome ranking with the one this questionnaire's answers give.

    Outcomes nobody ranked are left unranked. Returns the outcome codes in order.
    """
    summary = results(audit, record)
    ranking = summary.outcome_ranking()
    question = definition_of(record).ranking_question()
    if not ranking or question is None:
        return []
    framework = framework_of(audit)
    source = said_by(definition_of(record), summary.question(question.code).answered)
    current = {row.outcome: row.version for row in step2.priorities(audit)}
    typed: dict[str, tuple[int | None, str | None, int | None]] = {}
    for outcome in framework.adult_outcomes():
        rank = ranking.index(outcome.code) + 1 if outcome.code in ranking else None
        typed[outcome.code] = (rank, source if rank else None, current.get(outcome.code))
    step2.save_priorities(audit, framework, typed, user)
    return ranking
