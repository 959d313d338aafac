"""Checking an uploaded JSON audit before anything of it is written.

A file that fails any check imports nothing, and the person importing gets the
list of what is wrong, each problem named by where it is in plain words
("Rating 2, rag: must be text, not a list"). What is checked:

- size and nesting depth, on the bytes, before ``json.loads`` recurses;
- every value's type against its column: integers in range, text within its
  length, dates and times as ISO text (times with a zone), decimals within their
  digits, true/false, and JSON columns in the shape their model declares
  (``Mapped[list[str]]`` is a list of text);
- the framework: a built-in one, its snapshot readable by ``hub_model``;
- every framework code a row names (carer groups, interventions, outcomes,
  sub-outcomes) is in that framework, and the audit's scope lists its groups.

Plain typed checks derived from the SQLAlchemy metadata, not a JSON Schema
validator: the types come from the models already (a table added later is
checked without a change here), the messages must name a row and field in
words, and the framework checks need ``hub_model`` anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Integer, Numeric, String, Table

from audit_app.extensions import db
from hub_model.cqc import load_cqc
from hub_model.figures import FigureRange
from hub_model.framework import Framework, builtin_frameworks, load_builtin, parse_framework
from hub_model.framework_reader import FrameworkError
from hub_model.indicators import IndicatorType
from hub_model.questionnaire import (
    Audience,
    Question,
    QuestionType,
    answer_text,
    parse_answer,
    parse_questionnaire,
)
from hub_model.scales import ChecklistStatus, Maturity, Polarity, Rag, Rag4, Unit

MAX_DEPTH = 32  # a real export nests about 8 deep (the framework snapshot)
LARGEST_INTEGER = 2**31 - 1  # INTEGER on PostgreSQL
SHOWN = 20  # problems listed on the page; the rest are counted
SCORES = (1, 2, 3, 4)  # CQC's scores of a quality statement

# A JSON string (possessive, so a long one costs no backtracking memory) or a bracket.
_TOKEN = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"|[\[\]{}]', re.DOTALL)

# Column names that hold framework codes, and which codes.
CODE_COLUMNS = {
    "group_code": "groups",
    "groups": "groups",
    "groups_reached": "groups",
    "groups_not_reached": "groups",
    "intervention": "interventions",
    "interventions": "interventions",
    "sub_outcome": "sub_outcomes",
    "sub_outcomes": "sub_outcomes",
    "outcome": "outcomes",
    "outcomes": "outcomes",
    "scope": "groups",
    "statement": "cqc_statements",
}
KIND_WORDS = {"cqc_statements": "CQC's quality statements"}
# Text columns holding a grade or setting the pages read through hub_model's enums
# (a value outside them stops every page that draws a grid, map or chart).
SCALE_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("rating", "rag"): Rag,
    ("rating", "maturity"): Maturity,
    ("rating_proposal", "rag"): Rag,
    ("rating_proposal", "maturity"): Maturity,
    ("checklist_judgement", "status"): ChecklistStatus,
    ("checklist_judgement", "indicator"): Rag,
    ("action_update", "rag"): Rag4,
    ("indicator_value", "manual_rag"): Rag4,
    ("indicator", "unit"): Unit,
    ("indicator", "polarity"): Polarity,
    ("indicator", "indicator_type"): IndicatorType,
    ("questionnaire", "audience"): Audience,
}


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def too_deep(content: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text ``content`` nests arrays and objects deeper than ``limit``.

    Brackets inside strings do not count. Linear in the size, no recursion.
    """
    depth = 0
    for token in _TOKEN.finditer(content):
        mark = token.group()
        if mark in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif mark in (b"]", b"}"):
            depth -= 1
    return False


def _kind(value: Any) -> str:
    """How a JSON value is described to the person importing."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a group of named values"


@cache
def _shape(table: Table, column: Column[Any]) -> str:
    """The declared Python type of a JSON column, from its model's annotation."""
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table:
            for cls in mapper.class_.__mro__:
                annotation = getattr(cls, "__annotations__", {}).get(column.key)
                if annotation is not None:
                    return str(annotation).replace(" ", "")
    return ""


def _json_problem(shape: str, value: Any) -> str | None:
    if "list[str]" in shape:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"must be a list of text, not {_kind(value)}"
    elif "list[dict" in shape:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            return f"must be a list of groups of named values, not {_kind(value)}"
    elif "dict[str,str]" in shape:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return f"must be named text values, not {_kind(value)}"
    elif "dict[" in shape and not isinstance(value, dict):
        return f"must be a group of named values, not {_kind(value)}"
    return None


def _number_problem(column: Column[Any], impl: Numeric[Any], value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return f"must be a number, not {_kind(value)}"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return "must be a number"
    return figure_problem(column, number)


def figure_problem(column: Column[Any], number: Decimal) -> str | None:
    """Why ``number`` cannot go in ``column``: outside the range hub_model gives it (in
    the column's info: the range its form checks) or, for other numeric columns, more
    than the column holds; None if it fits."""
    figures = column.info.get("figures")
    if not isinstance(figures, FigureRange):
        kind = getattr(column.type, "impl", column.type)
        figures = FigureRange.of_column(kind.precision or 18, kind.scale or 0)
    return figures.problem(number)


def _time_problem(impl: Any, value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a date written as text, not {_kind(value)}"
    try:
        if isinstance(impl, DateTime):
            if datetime.fromisoformat(value).tzinfo is None:
                return "must be a date and time with its time zone"
        else:
            date.fromisoformat(value)
    except ValueError:
        return "must be a date such as 2026-04-01"
    return None


def column_problem(table: Table, column: Column[Any], value: Any) -> str | None:
    """What is wrong with ``value`` for ``column``, or None."""
    if value is None:
        return None if column.nullable or column.default is not None else "must not be empty"
    impl = getattr(column.type, "impl", column.type)
    if isinstance(impl, Boolean):
        return None if isinstance(value, bool) else f"must be true or false, not {_kind(value)}"
    if isinstance(impl, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, not {_kind(value)}"
        return None if abs(value) <= LARGEST_INTEGER else "is too large a number"
    if isinstance(impl, Numeric):
        return _number_problem(column, impl, value)
    if isinstance(impl, Date | DateTime):
        return _time_problem(impl, value)
    if isinstance(impl, JSON):
        return _json_problem(_shape(table, column), value)
    if isinstance(impl, String):
        if not isinstance(value, str):
            return f"must be text, not {_kind(value)}"
        if impl.length and len(value) > impl.length:
            return f"must be {impl.length} characters or fewer"
    return None


def _scale_problem(table: str, column: str, value: Any) -> str | None:
    scale = SCALE_COLUMNS.get((table, column))
    if scale is None or value is None or value in {member.value for member in scale}:
        return None
    allowed = ", ".join(member.value for member in scale)
    return f"is {str(value)[:40]!r}, which is not one of {allowed}"


def _cqc_problem(table: str, column: str, value: Any) -> str | None:
    """A CQC score is 1 to 4, or none (its statement is checked with the codes)."""
    if table != "cqc_judgement" or value is None:
        return None
    if column == "score" and value not in SCORES:
        return f"is {str(value)[:40]}, which is not a score from 1 to 4"
    return None


# Tables whose name does not read as words by itself.
TABLE_WORDS = {"cqc_judgement": "CQC score"}


def _label(table: str, number: int | None = None) -> str:
    words = TABLE_WORDS.get(table) or table.replace("_", " ").capitalize()
    return words if number is None else f"{words} {number}"


def _rows(table: Table, rows: Any) -> Iterator[Problem]:
    if not isinstance(rows, list):
        yield Problem(_label(table.name), f"must be a list of rows, not {_kind(rows)}")
        return
    columns = {column.name: column for column in table.columns}
    seen_ids: set[Any] = set()
    for number, row in enumerate(rows, start=1):
        where = _label(table.name, number)
        if not isinstance(row, dict):
            yield Problem(where, f"must be a group of named values, not {_kind(row)}")
            continue
        for name in sorted(set(row) - set(columns)):
            yield Problem(where, f"has a field this service does not know: {name[:60]}")
        for name, column in columns.items():
            if name not in row:
                # Ids are required too: rows of other tables name their parents by them.
                if not (column.nullable or column.default is not None) or column.primary_key:
                    yield Problem(where, f"{name} is missing")
                continue
            problem = (
                column_problem(table, column, row[name])
                or _scale_problem(table.name, name, row[name])
                or _cqc_problem(table.name, name, row[name])
            )
            if problem:
                yield Problem(where, f"{name} {problem}")
        if "id" in columns and isinstance(row.get("id"), int):
            if row["id"] in seen_ids:
                yield Problem(where, "has the same id as an earlier row")
            seen_ids.add(row["id"])


def _people(document: Mapping[str, Any]) -> Iterator[Problem]:
    for key, fields in (("people", ("email", "name")), ("organisations", ("name", "kind"))):
        listed = document.get(key, {})
        if not isinstance(listed, dict):
            yield Problem(
                key.capitalize(), f"must be a group of named entries, not {_kind(listed)}"
            )
            continue
        for ref, entry in listed.items():
            where = f"{key.capitalize()}, entry {str(ref)[:20]}"
            if not isinstance(entry, dict):
                yield Problem(where, f"must be a group of named values, not {_kind(entry)}")
                continue
            for field in fields:
                if not isinstance(entry.get(field), str):
                    yield Problem(where, f"{field} must be text, not {_kind(entry.get(field))}")


def _framework(audit: Mapping[str, Any]) -> tuple[Framework | None, list[Problem]]:
    where = _label("audit", 1)
    known = {framework_id for framework_id, _ in builtin_frameworks()}
    framework_id = audit.get("framework_id")
    if framework_id not in known:
        shown = str(framework_id)[:60]
        return None, [Problem(where, f"framework_id {shown!r} is not a framework this service has")]
    snapshot = audit.get("framework")
    if not isinstance(snapshot, dict) or snapshot.get("id") != framework_id:
        return None, [Problem(where, f"framework is not a copy of the {framework_id} framework")]
    try:
        framework = parse_framework(snapshot, "the file's framework")
    except FrameworkError as error:
        return None, [Problem(where, f"framework cannot be read: {error.path}: {error.message}")]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None, [Problem(where, "framework cannot be read")]
    return framework, []


def _codes(framework: Framework) -> dict[str, set[str]]:
    return {
        "groups": {group.code for group in framework.carer_groups},
        "interventions": {intervention.code for intervention in framework.interventions},
        "sub_outcomes": {sub.code for sub in framework.checklist},
        "outcomes": {outcome.code for outcome in framework.outcomes},
        "cqc_statements": {statement.code for statement in load_cqc().statements},
    }


def _unknown_codes(
    tables: Mapping[str, Any], names: set[str], known: Mapping[str, set[str]]
) -> Iterator[Problem]:
    for name, rows in tables.items():
        if name not in names:
            continue
        for number, row in enumerate(rows, start=1):
            for column, kind in CODE_COLUMNS.items():
                if column not in row:
                    continue
                value = row[column]
                values = value if isinstance(value, list) else [value]
                for code in values:
                    if code is not None and code not in known[kind]:
                        yield Problem(
                            _label(name, number),
                            f"{column} names {str(code)[:60]!r}, which is not one of "
                            + KIND_WORDS.get(kind, f"the framework's {kind.replace('_', '-')}"),
                        )


def _questionnaires(rows: Mapping[str, Any]) -> Iterator[Problem]:
    """Each questionnaire's definition reads, and each response answers its questions
    with values the questionnaire could have stored."""
    definitions = {}
    for number, row in enumerate(rows.get("questionnaire", []), start=1):
        try:
            # As services.questionnaires.definition_of reads it.
            parsed = parse_questionnaire(row["definition"], load_builtin(), "the file")
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            yield Problem(_label("questionnaire", number), f"definition cannot be read: {error}")
            continue
        definitions[row.get("id")] = {question.code: question for question in parsed.questions}
    for number, row in enumerate(rows.get("questionnaire_response", []), start=1):
        questions = definitions.get(row.get("questionnaire_id"))
        if questions is None:
            continue  # the import names the missing questionnaire
        for code, value in row["answers"].items():
            question = questions.get(code)
            if question is None:
                problem = "answers a question the questionnaire does not have"
            elif not _storable(question, value):
                problem = f"is not an answer this question could have ({_kind(value)})"
            else:
                continue
            yield Problem(_label("questionnaire_response", number), f"answer {code[:40]} {problem}")


def _storable(question: Question, value: Any) -> bool:
    """Whether ``value`` is what answering ``question`` stores (parse of its own text)."""
    if value is None:
        return True
    if isinstance(value, list) and not all(isinstance(item, str) for item in value):
        return False
    if not isinstance(value, str | int | list) or isinstance(value, bool):
        return False
    try:
        again = parse_answer(question, answer_text(question, value))
    except (ValueError, TypeError):
        return False
    if question.type is QuestionType.MULTIPLE_CHOICE and isinstance(value, list):
        return isinstance(again, list) and sorted(again) == sorted(value)
    return again == value


def check_document(document: Mapping[str, Any], tables: list[Table]) -> list[Problem]:
    """Every problem of ``document`` (its structure already checked by the caller):
    people, the rows of ``tables`` (those the import reads) against their columns,
    then the framework and the codes rows name."""
    found = list(_people(document))
    rows = document["tables"]
    for table in tables:
        if table.name in rows:
            found.extend(_rows(table, rows[table.name]))
    if found:
        return found  # codes are read only from rows of the right shape
    framework, problems = _framework(rows["audit"][0])
    if framework is None:
        return problems
    found = list(_unknown_codes(rows, {table.name for table in tables}, _codes(framework)))
    return found + list(_questionnaires(rows))
