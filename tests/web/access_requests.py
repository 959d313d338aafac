"""Requests for the access table: every route's URL filled with real records of the
seeded audits, each request made as one person and then rolled back.

A request runs inside a transaction that is rolled back afterwards (the app's
commits become savepoints), so a POST that deletes or publishes leaves the seeded
database as it was for the next request, and the whole table shares one seed.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl
from flask import Flask, has_request_context
from flask import request as flask_request
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from audit_app.database import READING_METHODS
from audit_app.extensions import db, limiter
from tests.visit import Visitor
from tests.web.access_seed import PEOPLE, Seed

# Values of URL arguments that name no record: one real value each.
FIXED = {
    "statement": "partnerships",
    "slug": "rag_map",
    "kind": "rag",
    "scale": "rag",
    "fmt": "svg",
    "subject": "plan",
}
# A route's <token> is the link of the invitation, survey or summary it opens.
TOKENS = {
    "auth": "invitation_token",
    "questionnaires": "survey_token",
    "publishing": "feedback_token",
}
# Query strings some routes need to show anything (the areas to compare).
QUERIES = {
    "cycles.compare_areas": "compare",
    "cycles.compare_areas_xlsx": "compare",
    "cycles.compare_areas_csv": "compare",
}


class UnknownArgument(LookupError):
    """A URL argument the access table's requests do not know how to fill."""


def about_an_audit(rule: Rule) -> bool:
    """Whether the route shows or changes one audit, through its id or a link's token."""
    return "audit_id" in rule.arguments or "token" in rule.arguments


def url_for_rule(rule: Rule, seed: Seed, state: str) -> str:
    """The rule's URL naming real records of the draft or published audit.

    Raises UnknownArgument for an argument this module does not know how to fill:
    a new kind of record needs a line here and one in tests/web/access_seed.py.
    """
    objects = seed.draft if state == "draft" else seed.published
    values: dict[str, object] = {}
    for argument in sorted(rule.arguments):
        if argument == "audit_id":
            values[argument] = objects.audit_id
        elif argument == "record_id":
            # /<kind>/<record_id>/delete: the record of that kind (delete_finding...).
            kind = rule.endpoint.rsplit(".delete_", 1)[-1]
            values[argument] = _known(objects.ids, f"{kind}_id", rule)
        elif argument == "token":
            blueprint = rule.endpoint.split(".")[0]
            values[argument] = _known(objects.ids, TOKENS.get(blueprint, "?_token"), rule)
        elif argument in objects.ids and about_an_audit(rule):
            values[argument] = objects.ids[argument]
        elif argument in FIXED:
            values[argument] = FIXED[argument]
        elif argument in seed.loose:
            values[argument] = seed.loose[argument]
        else:
            raise UnknownArgument(f"{rule.endpoint} ({rule.rule}): no value for <{argument}>")
    url = rule.build(values, append_unknown=False)
    assert url is not None, rule.rule
    query = QUERIES.get(rule.endpoint)
    return url[1] + (str(seed.loose[query]) if query else "")


def _known(ids: dict[str, int | str], name: str, rule: Rule) -> int | str:
    if name not in ids:
        raise UnknownArgument(f"{rule.endpoint} ({rule.rule}): the seed has no {name}")
    return ids[name]


@dataclass
class Person:
    """A signed-in (or signed-out) browser: its cookies and a CSRF token."""

    cookies: list[tuple[str, str, str, bool]]  # (domain, name, value, origin only)
    csrf: str


def sign_in_everyone(app: Flask) -> dict[str, Person]:
    """One browser per letter of the table; S is signed out."""
    people = {}
    for letter in [*PEOPLE, "S"]:
        visitor = Visitor(app.test_client())
        if letter != "S":
            visitor.sign_in(PEOPLE[letter], "demo-password")
        csrf = visitor.csrf_token()
        jar = [
            (c.domain, c.decoded_key, c.decoded_value, c.origin_only)
            for c in visitor.client._cookies.values()
        ]
        people[letter] = Person(jar, csrf)
    return people


# The lead's judgements of one audit, made blank: every cell not rated, no words.
BLANK_JUDGEMENTS = (
    "UPDATE rating SET rag = 'not_rated', maturity = 'not_rated', rationale = NULL,"
    " reached = NULL, not_reached = NULL, provision = NULL, duplication = NULL,"
    " barriers = NULL WHERE audit_id = :audit",
    "UPDATE checklist_judgement SET status = 'not_rated', indicator = 'not_rated',"
    " rationale = NULL WHERE audit_id = :audit",
    "DELETE FROM rating_evidence WHERE rating_id IN"
    " (SELECT id FROM rating WHERE audit_id = :audit)",
    "DELETE FROM checklist_evidence WHERE judgement_id IN"
    " (SELECT id FROM checklist_judgement WHERE audit_id = :audit)",
    "DELETE FROM cqc_judgement WHERE audit_id = :audit",
)


@contextlib.contextmanager
def rolled_back(app: Flask, blank_audit: int | None = None) -> Iterator[None]:
    """Everything the app writes inside is undone afterwards. With ``blank_audit``,
    that audit's judgements are blank inside (and its cached maps forgotten)."""
    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    outer = connection.begin()
    if connection.dialect.name == "sqlite":
        # pysqlite opens its transaction lazily, at the first write: open it now, so
        # the session's savepoints nest inside it rather than committing on release.
        connection.exec_driver_sql("DELETE FROM alembic_version WHERE 0 = 1")
    if blank_audit is not None:
        for statement in BLANK_JUDGEMENTS:
            connection.execute(text(statement), {"audit": blank_audit})
        app.extensions.pop("chart_cache", None)
    app_session = db.session
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id,
    )
    try:
        yield
    finally:
        db.session = app_session
        outer.rollback()
        connection.close()
        limiter.reset()
        if blank_audit is not None:  # what was cached inside showed blank judgements
            app.extensions.pop("chart_cache", None)


@contextlib.contextmanager
def writes_while_reading() -> Iterator[list[str]]:
    """The statements that write (INSERT, UPDATE, DELETE) executed while a GET or HEAD
    request is served, on any engine: none may be, since pages read in autocommit
    mode on PostgreSQL (audit_app/database.py)."""
    written: list[str] = []

    def record(conn, cursor, statement: str, params, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if (
            has_request_context()
            and flask_request.method in READING_METHODS
            and statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE")
        ):
            written.append(" ".join(statement.split())[:100])

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield written
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def request(
    app: Flask, person: Person, method: str, url: str, blank_audit: int | None = None
) -> TestResponse:
    client = app.test_client()
    for domain, name, value, origin_only in person.cookies:
        client.set_cookie(name, value, domain=domain, origin_only=origin_only)
    with rolled_back(app, blank_audit):
        if method == "GET":
            return client.get(url)
        return client.post(url, data={"csrf_token": person.csrf})


def readable_text(response: TestResponse) -> str:
    """What a person could read in the response: a page, a CSV, a spreadsheet's cells."""
    body = response.get_data()
    if body[:2] == b"PK":  # XLSX: every cell's value, as its type reads (a date as a date)
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            "\t".join("" if value is None else str(value) for value in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return body.decode("utf-8", "surrogateescape")


_CSRF_INPUT = re.compile(r"<input[^>]*name=\"csrf_token\"[^>]*>")
_CLOCK = re.compile(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?( UTC|Z)?")


def comparable(text_: str) -> str:
    """The text without what changes from one request to the next (CSRF tokens, the
    time of day)."""
    return _CLOCK.sub("<time>", _CSRF_INPUT.sub("<csrf>", text_))


def first_difference(one: str, other: str) -> str:
    """The first lines that differ, for a failure message."""
    for a, b in zip(one.splitlines(), other.splitlines(), strict=False):
        if a != b:
            return f"with the judgements: {a.strip()[:300]}\nwith none: {b.strip()[:300]}"
    return f"lengths differ: {len(one)} and {len(other)}"
