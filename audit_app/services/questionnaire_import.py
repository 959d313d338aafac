"""Importing questionnaire responses collected elsewhere (paper, another survey tool).

The steps: upload a CSV (its headers are read); map its columns to the
questions; then every row is checked and, only if every row is good, all are
saved in one transaction. A file with any bad row imports nothing and the
import keeps a report of every bad row (row number, column, reason).

Progress: the check commits ``rows_done`` every :data:`CHUNK` rows (the import
record only, never a response), so a status page can show how far it got. The
import runs as an RQ job when REDIS_URL is set, inline otherwise. An import that
nothing is processing (no worker, or one that died: services.jobs) is offered to
be run there and then, or queued again; only the run claimed last may save it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from itertools import islice
from typing import Any

from flask import abort
from sqlalchemy import insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from audit_app.extensions import db
from audit_app.models import Questionnaire, QuestionnaireImport, QuestionnaireResponse, User
from audit_app.models.types import utcnow
from audit_app.services import jobs, spreadsheets
from audit_app.services.questionnaires import carried_copy, definition_of
from hub_model.questionnaire import AnswerError, answer_text, parse_answer
from hub_model.questionnaire import Questionnaire as Definition

CHUNK = 1000
QUEUE = "imports"
LARGEST_ROWS = 100_000
MAPPING, QUEUED, CHECKING, SAVING, DONE, INVALID, FAILED = (
    "mapping",
    "queued",
    "checking",
    "saving",
    "done",
    "invalid",
    "failed",
)
FINISHED = {DONE, INVALID, FAILED}
STATUS_LABELS = {
    MAPPING: "Waiting for the columns to be matched",
    QUEUED: "Waiting to start",
    CHECKING: "Checking rows",
    SAVING: "Saving responses",
    DONE: "Imported",
    INVALID: "Not imported: some rows have problems",
    FAILED: "Not imported: the database refused the import",
}


class ImportRefused(ValueError):
    """The uploaded file cannot be read as a CSV of responses."""


def template_csv(definition: Definition) -> str:
    """A CSV with one column per question (its code), for filling in elsewhere."""
    return spreadsheets.csv_text([[question.code for question in definition.questions]])


def responses_csv(definition: Definition, answer_sets: Iterable[Mapping[str, Any]]) -> str:
    """``answer_sets`` as a CSV in the template's shape, to import (used by the demo data,
    tests and the benchmark; never downloaded). Not through services.spreadsheets: an
    import file must hold each answer exactly as given."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([question.code for question in definition.questions])
    for answers in answer_sets:
        writer.writerow([answer_text(q, answers.get(q.code)) for q in definition.questions])
    return out.getvalue()


def read_upload(raw: bytes) -> tuple[str, list[str], int]:
    """The text, header row and number of data rows of an uploaded CSV."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused("The file must be a CSV saved as UTF-8") from error
    if "\x00" in text:
        raise ImportRefused("The file must be a CSV, not a spreadsheet or other binary file")
    try:
        reader = csv.reader(io.StringIO(text))
        headers = [cell.strip() for cell in next(reader, [])]
        rows = sum(1 for row in reader if any(cell.strip() for cell in row))
    except csv.Error as error:
        raise ImportRefused(f"The file is not a readable CSV: {error}") from error
    if not any(headers):
        raise ImportRefused("The file is empty: the first row must name the columns")
    if len(set(headers)) != len(headers):
        raise ImportRefused("Two columns have the same name in the first row")
    if rows == 0:
        raise ImportRefused("The file has no responses below its first row")
    if rows > LARGEST_ROWS:
        raise ImportRefused(f"The file has more than {LARGEST_ROWS:,} responses")
    return text, headers, rows


def start(record: Questionnaire, filename: str, raw: bytes, user: User) -> QuestionnaireImport:
    """Store an uploaded CSV, ready for its columns to be matched to the questions."""
    text, headers, rows = read_upload(raw)
    started = QuestionnaireImport(
        questionnaire_id=record.id,
        filename=(filename or "responses.csv")[:200],
        status=MAPPING,
        headers=headers,
        mapping=guess_mapping(definition_of(record), headers),
        content=text,
        rows_total=rows,
        rows_done=0,
        errors=[],
        created_by_id=user.id,
    )
    db.session.add(started)
    db.session.commit()
    return started


def guess_mapping(definition: Definition, headers: list[str]) -> dict[str, str]:
    """Question code -> the header that names it by code or by its words."""
    by_name = {header.casefold(): header for header in headers}
    mapping = {}
    for question in definition.questions:
        for name in (question.code, question.text):
            if name.casefold() in by_name:
                mapping[question.code] = by_name[name.casefold()]
                break
    return mapping


def import_or_404(record: Questionnaire, import_id: int) -> QuestionnaireImport:
    found = db.session.get(QuestionnaireImport, import_id)
    if found is None or found.questionnaire_id != record.id:
        abort(404)
    return found


def recent(record: Questionnaire) -> list[QuestionnaireImport]:
    return list(
        db.session.scalars(
            select(QuestionnaireImport)
            .where(QuestionnaireImport.questionnaire_id == record.id)
            .order_by(QuestionnaireImport.id.desc())
            .limit(10)
        )
    )


def queue(
    started: QuestionnaireImport, mapping: Mapping[str, str], here_and_now: bool = False
) -> None:
    """Set the column mapping and run the import: on RQ if configured (and Redis
    answers), else, or if ``here_and_now``, in this request."""
    started.mapping = dict(mapping)
    started.status = QUEUED
    started.rows_done = 0
    started.errors = []
    started.queued_at = utcnow()
    db.session.commit()
    if here_and_now or not jobs.uses_queue():
        run(started.id)
        return
    try:
        jobs.enqueue(QUEUE, import_job, started.id)
    except jobs.QueueUnreachable:
        run(started.id)  # Redis is down: the file need not wait for it


def is_stuck(started: QuestionnaireImport) -> bool:
    """Whether nothing is processing this queued or running import (services.jobs)."""
    return started.status in {QUEUED, CHECKING, SAVING} and jobs.is_stuck(
        started.queued_at, started.status == QUEUED, QUEUE
    )


def restart(started: QuestionnaireImport, here_and_now: bool) -> bool:
    """Queue again, or run in this request, an import nothing is processing; False
    (doing nothing) if something is, or it has finished."""
    if not is_stuck(started):
        return False
    queue(started, started.mapping, here_and_now)
    return True


def import_job(import_id: int) -> None:
    """The RQ job: the worker's app (:func:`jobs.job_app`), then :func:`run`."""
    with jobs.job_app().app_context():
        run(import_id)


def _move(import_id: int, queued_at: datetime | None, before: str, after: str) -> bool:
    """Change the status from ``before`` to ``after`` if the import is still the one
    queued at ``queued_at``; commits. False if it was restarted meanwhile."""
    moved = db.session.execute(
        update(QuestionnaireImport)
        .where(
            QuestionnaireImport.id == import_id,
            QuestionnaireImport.status == before,
            QuestionnaireImport.queued_at == queued_at,
        )
        .values(status=after)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return moved.rowcount == 1  # type: ignore[attr-defined]


def run(import_id: int) -> None:
    """Check every row, then save all of them in one transaction, or none.

    Two passes over the stored text, so that no more than :data:`CHUNK` rows'
    answers are held at once: the check keeps only the problems, and the save
    reads the rows again and inserts them :data:`CHUNK` at a time.

    Claimed first, by the database: of a worker and a "run it now" on the same
    queued import, one runs it and the other does nothing.
    """
    started = db.session.get(QuestionnaireImport, import_id)
    if started is None or started.status != QUEUED:
        return
    queued_at = started.queued_at
    if not _move(import_id, queued_at, QUEUED, CHECKING):
        return
    db.session.refresh(started)
    record = db.session.get(Questionnaire, started.questionnaire_id)
    assert record is not None
    definition = definition_of(record)
    errors: list[dict[str, Any]] = []
    rows = checked_rows(definition, started.content or "", started.mapping)
    try:
        for number, (_, _answers, problems) in enumerate(rows, start=1):
            errors.extend(problems)
            if number % CHUNK == 0:
                started.rows_done = number
                db.session.commit()
    except csv.Error as error:
        errors.append(
            {"row": "", "column": "(whole file)", "reason": f"not a readable CSV: {error}"}
        )
    started.rows_done = started.rows_total
    db.session.commit()
    if not _move(import_id, queued_at, CHECKING, INVALID if errors else SAVING):
        return  # restarted while this run was checking: the newer run finishes it
    db.session.refresh(started)
    if errors:
        started.errors = errors
        db.session.commit()
        return
    _save(record, started, definition)


def _save(record: Questionnaire, started: QuestionnaireImport, definition: Definition) -> None:
    """Insert every (checked, good) row of ``started`` in one transaction."""
    today = date.today()
    try:
        target = destination(record)
        started.questionnaire_id = target.id
        answer_sets = (
            answers
            for _, answers, _ in _read_rows(definition, started.content or "", started.mapping)
        )
        while chunk := list(islice(answer_sets, CHUNK)):
            db.session.execute(
                insert(QuestionnaireResponse),
                [
                    {
                        "questionnaire_id": target.id,
                        "answers": answers,
                        "answered_on": today,
                        "source": "import",
                        "import_id": started.id,
                    }
                    for answers in chunk
                ],
            )
        started.status = DONE
        started.content = None  # the responses are stored; the file is no longer needed
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        started.status = FAILED
        db.session.commit()


def destination(record: Questionnaire) -> Questionnaire:
    """Where answers for ``record`` are saved: ``record``, or the questionnaire of a
    newer version that carried it on (services.questionnaire_carry) while this
    import was being checked. Each questionnaire on the way is locked until the
    caller commits, so a new version started at this moment either finds these
    answers saved and carries them, or has already carried the questionnaire and
    they follow it: they never land in a published version's closed copy.
    """
    target = record
    while True:
        # A no-op UPDATE is the lock both databases understand: PostgreSQL locks
        # the row (waiting for a carry that is changing it), SQLite takes its
        # write lock (waiting for a carry that is writing).
        db.session.execute(
            update(Questionnaire)
            .where(Questionnaire.id == target.id)
            .values(updated_at=Questionnaire.updated_at)
        )
        newer = carried_copy(target)
        if newer is None:
            return target
        target = newer


def find_import(record: Questionnaire, import_id: int) -> tuple[QuestionnaireImport, Questionnaire]:
    """An import of ``record`` and the questionnaire holding it now: ``record``, or
    the newer version's copy it moved into with the questionnaire (its status page
    then redirects there). An import of any other questionnaire is 404."""
    found = db.session.get(QuestionnaireImport, import_id)
    holder = db.session.get(Questionnaire, found.questionnaire_id) if found else None
    step: Questionnaire | None = holder
    while step is not None and step.id != record.id:
        step = db.session.get(Questionnaire, step.carried_from_id) if step.carried_from_id else None
    if found is None or holder is None or step is None:
        abort(404)
    return found, holder


def checked_rows(
    definition: Definition, text: str, mapping: Mapping[str, str]
) -> Iterator[tuple[int, dict[str, Any], list[dict[str, Any]]]]:
    """Each data row: its row number (the header is row 1), its answers, its problems."""
    yield from _read_rows(definition, text, mapping)


def _read_rows(
    definition: Definition, text: str, mapping: Mapping[str, str]
) -> Iterator[tuple[int, dict[str, Any], list[dict[str, Any]]]]:
    # The save reads the rows again through here, not through checked_rows: the
    # check is the one pass a test may watch or slow down.
    reader = csv.reader(io.StringIO(text))
    headers = [cell.strip() for cell in next(reader, [])]
    position = {header: index for index, header in enumerate(headers)}
    columns = [(question, mapping.get(question.code)) for question in definition.questions]
    # Answers repeat a lot (the same choice on thousands of rows): read each text once.
    known: list[dict[str, Any]] = [{} for _ in columns]
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        answers: dict[str, Any] = {}
        problems: list[dict[str, Any]] = []
        if len(row) > len(headers):
            problems.append(
                {
                    "row": row_number,
                    "column": "(whole row)",
                    "reason": f"has {len(row)} cells but the first row names {len(headers)} columns",
                }
            )
        for (question, header), seen in zip(columns, known, strict=True):
            where = position.get(header) if header else None
            cell = row[where] if where is not None and where < len(row) else ""
            if cell in seen:
                value = seen[cell]
                if isinstance(value, AnswerError):
                    problems.append(
                        {"row": row_number, "column": header or question.code, "reason": str(value)}
                    )
                else:
                    answers[question.code] = value
                continue
            try:
                answers[question.code] = seen[cell] = parse_answer(question, cell)
            except AnswerError as error:
                seen[cell] = error
                problems.append(
                    {"row": row_number, "column": header or question.code, "reason": str(error)}
                )
        yield row_number, answers, problems
