"""A new version of a published audit carries its consultation on.

A new version is the same consultation as the version it starts from: answering
goes on after publication (services.access), so the new version takes every
questionnaire along with all its answers and its finished imports, and results
of the two versions are the same until new answers come. From then on answers
feed the draft: the public link moves to the copy, imports waiting for their
columns or for a worker move with it, and the published version's questionnaire
is closed, keeping its answers, so the published version does not change (the
questionnaires views refuse to reopen it or import into it). People who answer
signed in go on answering at the published version's address: their answers go
to the copy (:func:`answered_in`), so commissioners, who cannot see the draft,
are not shut out. An import being saved at that moment follows the copy too
(services.questionnaire_import.destination). The next cycle
asks again and carries none of this (services.cycles).

Which columns are copied is declared here (`COPIED`, `NOT_COPIED`) and checked,
with the rest of the clone plan, by tests/web/test_cycles_clone.py.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, insert, literal, select

from audit_app.extensions import db
from audit_app.models import (
    Audit,
    ChangeEvent,
    Questionnaire,
    QuestionnaireImport,
    QuestionnaireResponse,
    User,
)
from audit_app.models.questionnaires import CLOSED
from audit_app.services import publishing
from audit_app.services.changes import bump_revision
from audit_app.services.questionnaire_import import FINISHED, MAPPING, QUEUED
from audit_app.services.questionnaires import carried_copy

COPIED: dict[type, tuple[str, ...]] = {
    Questionnaire: (
        "definition_id",
        "definition",
        "title",
        "audience",
        "opens_on",
        "closes_on",
        "updated_by_id",
        "updated_at",
    ),
    QuestionnaireResponse: ("answers", "answered_on", "source", "respondent_id"),
    QuestionnaireImport: (
        "filename",
        "status",
        "headers",
        "mapping",
        "content",
        "rows_total",
        "rows_done",
        "errors",
        "created_by_id",
        "created_at",
        "queued_at",
    ),
}

NOT_COPIED: dict[type, dict[str, str]] = {
    Questionnaire: {
        "id": "a new row",
        "audit_id": "the new version",
        "version": "starts again at 1",
        "status": "the copy keeps the status; the earlier version's questionnaire is closed",
        "public_token": "moved to the copy, so the public link feeds the new version",
        "carried_from_id": "the earlier version's questionnaire",
    },
    QuestionnaireResponse: {
        "id": "a new row",
        "questionnaire_id": "the carried questionnaire",
        "import_id": "the carried import it came from",
    },
    QuestionnaireImport: {"id": "a new row", "questionnaire_id": "the carried questionnaire"},
}

# Imports waiting for the lead (columns to match) or for a worker move to the copy
# rather than being copied: what they will save belongs to the new version. One
# being checked or saved at this very moment stays, and saves into the earlier one.
MOVED = (MAPPING, QUEUED)


def carry(source: Audit, audit: Audit, by: User) -> tuple[int, int]:
    """Carry every questionnaire of ``source`` into ``audit`` (no commit).

    Returns how many questionnaires and answers were carried.
    """
    questionnaires = answers = 0
    for old in db.session.scalars(
        select(Questionnaire).where(Questionnaire.audit_id == source.id).order_by(Questionnaire.id)
    ):
        answers += _carry_one(old, source, audit, by)
        questionnaires += 1
    if questionnaires:
        bump_revision(source)  # its questionnaires closed
    return questionnaires, answers


def _copy(model: type, source: Any, **values: Any) -> Any:
    fields = {name: copy.deepcopy(getattr(source, name)) for name in COPIED[model]}
    return model(**fields, **values)


def _carry_one(old: Questionnaire, source: Audit, audit: Audit, by: User) -> int:
    """One questionnaire, its imports and answers; closes ``old``. How many answers."""
    status, token = old.status, old.public_token
    old.public_token = None
    old.status = CLOSED
    old.updated_by = by
    db.session.flush()  # the link is free before the copy takes it
    new = _copy(
        Questionnaire,
        old,
        audit_id=audit.id,
        status=status,
        public_token=token,
        carried_from_id=old.id,
    )
    db.session.add(new)
    db.session.flush()
    imports = _carry_imports(old, new)
    carried = _carry_answers(old, new, imports)
    db.session.add(
        ChangeEvent(
            audit_id=source.id,
            user=by,
            entity="questionnaire",
            entity_id=old.id,
            label=old.title,
            action="changed",
            old={"status": status, "public_link": token is not None},
            new={"status": CLOSED, "public_link": False, "carried_to_audit": audit.id},
        )
    )
    return carried


def _carry_imports(old: Questionnaire, new: Questionnaire) -> dict[int, int]:
    """Finished imports copied, waiting ones moved; old import id -> new import id."""
    mapping: dict[int, int] = {}
    for started in db.session.scalars(
        select(QuestionnaireImport)
        .where(QuestionnaireImport.questionnaire_id == old.id)
        .order_by(QuestionnaireImport.id)
    ):
        if started.status in MOVED:
            started.questionnaire_id = new.id
        elif started.status in FINISHED:
            carried = _copy(QuestionnaireImport, started, questionnaire_id=new.id)
            db.session.add(carried)
            db.session.flush()
            mapping[started.id] = carried.id
    return mapping


def _carry_answers(old: Questionnaire, new: Questionnaire, imports: dict[int, int]) -> int:
    """Every answer of ``old`` as an answer of ``new``, in order, in one statement."""
    response = QuestionnaireResponse.__table__
    import_id = case(imports, value=response.c.import_id, else_=None) if imports else literal(None)
    columns = [response.c[name] for name in COPIED[QuestionnaireResponse]]
    rows = (
        select(*columns, literal(new.id), import_id)
        .where(response.c.questionnaire_id == old.id)
        .order_by(response.c.id)
    )
    db.session.execute(
        insert(response).from_select(
            [*COPIED[QuestionnaireResponse], "questionnaire_id", "import_id"], rows
        )
    )
    return _answer_count(new)


def _answer_count(record: Questionnaire) -> int:
    return int(
        db.session.scalar(
            select(func.count()).where(QuestionnaireResponse.questionnaire_id == record.id)
        )
        or 0
    )


@dataclass(frozen=True)
class Carried:
    """Where a questionnaire's earlier answers came from: shown on its pages."""

    answers: int
    version: int  # the earlier version's number
    audit_id: int


def carried_from(record: Questionnaire) -> Carried | None:
    """How many answers ``record`` carried from which version, if it carried any."""
    if record.carried_from_id is None:
        return None
    earlier = db.session.get(Questionnaire, record.carried_from_id)
    source = db.session.get(Audit, earlier.audit_id) if earlier else None
    if earlier is None or source is None:
        return None
    # The earlier questionnaire is closed and refuses changes, so its count is
    # what came across.
    return Carried(_answer_count(earlier), publishing.versions(source).number, source.id)


@dataclass(frozen=True)
class HandedOn:
    """The questionnaire of a newer version that carries one on, and that version's number."""

    questionnaire: Questionnaire
    version: int


def carried_to(record: Questionnaire) -> HandedOn | None:
    """Where ``record`` goes on, if a newer version carried it on."""
    newer = carried_copy(record)
    audit = db.session.get(Audit, newer.audit_id) if newer else None
    if newer is None or audit is None:
        return None
    return HandedOn(newer, publishing.versions(audit).number)


def answered_in(record: Questionnaire) -> Questionnaire:
    """The questionnaire that takes answers given at ``record``'s address: ``record``
    itself, or, once newer versions carried it on, the newest copy. So people
    answering at a published version's address go on answering after a new version
    starts: commissioners among them, who cannot see the draft the answers feed."""
    current = record
    while (newer := carried_copy(current)) is not None:
        current = newer
    return current


def first_of(record: Questionnaire) -> int:
    """The id of the questionnaire that ``record`` carries on, carried or not: the same
    for every copy along the chain of versions."""
    first = record.id
    earlier = record.carried_from_id
    while earlier is not None:
        first = earlier
        earlier = db.session.scalar(
            select(Questionnaire.carried_from_id).where(Questionnaire.id == earlier)
        )
    return first


def notes(records: list[Questionnaire]) -> dict[int, str]:
    """What the questionnaires pages say about answers carried between versions."""
    said: dict[int, str] = {}
    for record in records:
        if (newer := carried_to(record)) is not None:
            said[record.id] = f"Carried on into version {newer.version}"
        elif (earlier := carried_from(record)) is not None:
            plural = "" if earlier.answers == 1 else "s"
            said[record.id] = (
                f"{earlier.answers} answer{plural} carried from version {earlier.version}"
            )
    return said
