"""A tampered JSON audit is refused with a list of its problems, or imports an
audit whose every page answers; its people are matched only within the area.

The generated tests mutate a real export (the filled dementia audit of
test_exports): every field of every imported table replaced by a value of the
wrong type, every field left out, an unknown framework, groups outside the
audit's scope. Each mutant is either refused with a message naming where the
problem is, or imported, and then every GET route of the imported audit in the
app's URL map is fetched and must not answer 500.
"""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import String, select

from audit_app.extensions import db
from audit_app.models import Audit, ChangeEvent, EvidenceReturn, Rating
from audit_app.models.types import UTCDateTime
from audit_app.services import audit_json, exports
from audit_app.services.audit_json_check import (
    CODE_COLUMNS,
    MAX_DEPTH,
    SCALE_COLUMNS,
    TABLE_WORDS,
    too_deep,
)
from tests.visit import Page, Visitor
from tests.web.conftest import Cast
from tests.web.test_exports import _audit_count, _exported, _import

# --- the cases seen ----------------------------------------------------------------


def _refused(app: Flask, visitor: Visitor, document: Any, area_id: int) -> Page:
    before = _audit_count(app)
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    page = _import(visitor, body, area_id, "Tampered copy", status=200)
    assert page.value("title") == "Tampered copy"  # what was typed is kept
    assert _audit_count(app) == before
    return page


def test_a_list_as_a_rating_is_refused_with_where_it_is(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    document = _exported(app, cast, as_lead)
    document["tables"]["rating"][1]["rag"] = ["red", "green"]
    page = _refused(app, as_lead, document, cast.dementia.area_id)
    assert page.error_summary()[:2] == [
        "Rating 2: rag must be text, not a list",
        "The file has 1 problem, listed above: nothing was imported",
    ]
    assert page.field_error("file") == "The file has 1 problem, listed above: nothing was imported"
    assert page.soup.title is not None and page.soup.title.get_text().startswith("Error: ")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"framework_id": "junk"},
            "Audit 1: framework_id 'junk' is not a framework this service has",
        ),
        (
            {"framework": {"id": "carers_hub_2010", "outcomes": "junk"}},
            "Audit 1: framework cannot be read",
        ),
        ({"framework": ["junk"]}, "Audit 1: framework must be a group of named values, not a list"),
        ({"scope": "everyone"}, "Audit 1: scope must be a list of text, not text"),
        (
            {"scope": ["dementia", "martians"]},
            "Audit 1: scope names 'martians', which is not one of the framework's groups",
        ),
    ],
)
def test_a_junk_framework_or_scope_is_refused(
    app: Flask, cast: Cast, as_lead: Visitor, change: dict[str, Any], message: str
) -> None:
    document = _exported(app, cast, as_lead)
    document["tables"]["audit"][0].update(change)
    page = _refused(app, as_lead, document, cast.dementia.area_id)
    assert page.error_summary()[0].startswith(message), page.error_summary()


def test_deep_nesting_is_refused_before_it_is_parsed(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    page = _refused(app, as_lead, b"[" * 100_000 + b"]" * 100_000, cast.dementia.area_id)
    assert page.field_error("file") == (
        f"The file nests lists or groups more than {MAX_DEPTH} deep: it is not an export of an audit"
    )
    # Inside a real export too, and brackets inside text do not count.
    document = _exported(app, cast, as_lead)
    document["tables"]["audit"][0]["description"] = "[" * 5000
    nested: Any = "x"
    for _ in range(MAX_DEPTH + 1):
        nested = [nested]
    document["tables"]["rating"][0]["rationale"] = nested
    page = _refused(app, as_lead, document, cast.dementia.area_id)
    assert "nests lists or groups more than" in page.field_error("file")


def test_people_outside_the_area_are_not_matched(app: Flask, cast: Cast, as_lead: Visitor) -> None:
    # The file names the lead of another council as the author of everything.
    document = _exported(app, cast, as_lead)
    for person in document["people"].values():
        if person["email"] == "lead@example.org":
            person["email"] = "lead@southshire.example.org"
    page = _import(as_lead, json.dumps(document).encode(), cast.dementia.area_id, "Copy")
    new_id = int(page.response.headers["Location"].rstrip("/").split("/")[-1])
    overview = as_lead.get(f"/audits/{new_id}")
    assert any(
        "1 person named in the file is not in" in message
        and "lead@southshire.example.org" in message
        and "unknown person" in message
        for message in overview.soup.stripped_strings
    )
    with app.app_context():
        trail = db.session.scalars(select(ChangeEvent).where(ChangeEvent.audit_id == new_id))
        ratings = db.session.scalars(select(Rating).where(Rating.audit_id == new_id)).all()
        returns = db.session.scalars(
            select(EvidenceReturn).where(EvidenceReturn.audit_id == new_id)
        ).all()
        assert ratings and returns
        named = (
            {event.user_id for event in trail}
            | {r.updated_by_id for r in ratings}
            | {e.author_id for e in returns}
            | {e.updated_by_id for e in returns}
        )
        assert cast.other_lead.id not in named
        # People of the area are still matched: partners keep their returns.
        assert {cast.partner.id, cast.partner2.id} & named


# --- generated: every field of a real export, tampered -------------------------------

ID_TABLES = {
    "evidence_id": "evidence_return",
    "attachment_id": "evidence_attachment",
    "indicator_id": "indicator",
    "value_id": "indicator_value",
    "finding_id": "finding",
    "method_id": "gathering_method",
    "action_id": "action",
    "funding_id": "funding_contribution",
    "objective_id": "objective",
    "priority_id": "priority",
    "statistic_id": "population_statistic",
    "source_id": "linked_source",
    "stakeholder_id": "stakeholder",
    "questionnaire_id": "questionnaire",
    "import_id": "questionnaire_import",
    "item_id": "feedback_item",
}


def _arguments(app: Flask, visitor: Visitor, audit_id: int) -> dict[str, Any]:
    """A value for each URL argument of the imported audit's routes, from its rows."""
    tables = json.loads(visitor.get(f"/audits/{audit_id}/exports/audit.json").response.data)[
        "tables"
    ]
    values: dict[str, Any] = {"audit_id": audit_id, "slug": next(iter(exports.TABLES))}
    values |= {"kind": "rag", "scale": "rag", "fmt": "svg", "number": 1}
    for argument, table in ID_TABLES.items():
        if tables.get(table):
            values[argument] = tables[table][0]["id"]
    for row in tables.get("rating", [])[:1]:
        values |= {"intervention": row["intervention"], "group": row["group_code"]}
        values["code"] = row["intervention"]
    for row in tables.get("checklist_judgement", [])[:1]:
        values["sub_outcome"] = row["sub_outcome"]
    return values


# A delete page's record_id names a row of the table its path is under.
RECORD_TABLES = {
    "stakeholders": "stakeholder_id",
    "population": "statistic_id",
    "sources": "source_id",
    "indicators": "indicator_id",
    "values": "value_id",
    "findings": "finding_id",
    "methods": "method_id",
    "actions": "action_id",
    "funding": "funding_id",
    "objectives": "objective_id",
    "priorities": "priority_id",
}


def _record_id(rule: str, values: dict[str, Any]) -> Any:
    if "<int:record_id>" not in rule:
        return None
    under = rule.split("/<int:record_id>")[0].rsplit("/", 1)[-1]
    return values.get(RECORD_TABLES.get(under, ""))


def _walk(app: Flask, visitor: Visitor, audit_id: int) -> list[str]:
    """Every GET route of the audit that can be filled in, and what answered 500."""
    values = _arguments(app, visitor, audit_id)
    broken: list[str] = []
    visited: list[str] = []
    skipped: list[str] = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or "audit_id" not in rule.arguments:
            continue
        values["record_id"] = _record_id(rule.rule, values)
        if not rule.arguments <= {name for name, value in values.items() if value is not None}:
            skipped.append(rule.rule)
            continue
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
        response = visitor.client.get(url)
        visited.append(url)
        if response.status_code >= 500:
            broken.append(f"{url} answered {response.status_code}")
    # The filled audit has no rows in a few tables (sources, findings...): their
    # record pages are skipped; the rest, about 70 pages, are walked.
    assert len(visited) > 60, (
        len(visited),
        skipped,
    )  # every kind of page, rows' own pages included
    return broken


def _import_or_refuse(
    app: Flask, visitor: Visitor, document: Any, area_id: int, where: str
) -> list[str]:
    """Import ``document``: refused with a message naming ``where``, or imported with
    every page of it answering. Returns what went wrong."""
    response = visitor.client.post(
        "/audits/import",
        data={
            "csrf_token": visitor.csrf_token(),
            "file": (io.BytesIO(json.dumps(document).encode()), "audit.json"),
            "area_id": str(area_id),
            "title": "Tampered copy",
        },
    )
    if response.status_code == 200:
        page = Page(response, BeautifulSoup(response.data, "html.parser"))
        summary = " | ".join(page.error_summary())
        return (
            [] if summary and where in summary else [f"refused without naming {where}: {summary}"]
        )
    if response.status_code != 302:
        return [f"import answered {response.status_code}"]
    new_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    return [f"imported, then {problem}" for problem in _walk(app, visitor, new_id)]


def _wrong(value: Any) -> Any:
    """A value of another JSON type than ``value``."""
    if isinstance(value, str):
        return ["a", "list"]
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, int | float):
        return "seven"
    if isinstance(value, list):
        return "not a list"
    if isinstance(value, dict):
        return ["not", "named", "values"]
    return {"a": "group"}  # None: an empty optional value


def _imported_tables(document: dict[str, Any]) -> list[str]:
    return [
        name
        for name, rows in document["tables"].items()
        if rows and name not in audit_json.NOT_IMPORTED
    ]


def _label(table: str, number: int = 1) -> str:
    words = TABLE_WORDS.get(table) or table.replace("_", " ").capitalize()
    return f"{words} {number}"


def _demo(app: Flask, visitor: Visitor) -> tuple[dict[str, Any], int]:
    """The published demo dementia audit's export (more kinds of rows than the cast's:
    indicators and their values, sources, findings...) and its area."""
    from audit_app.demo import load_demo
    from tests.web.test_exports import DEMO_DEMENTIA

    with app.app_context():
        load_demo()
        demo = db.session.scalars(select(Audit).where(Audit.title == DEMO_DEMENTIA)).one()
        demo_id, area_id = demo.id, demo.area_id
    visitor.sign_in("lead@demo.test", "demo-password")
    document = json.loads(visitor.get(f"/audits/{demo_id}/exports/audit.json").response.data)
    return document, area_id


def _source(app: Flask, cast: Cast, visitor: Visitor, source: str) -> tuple[dict[str, Any], int]:
    """The export to tamper with, signed in as its lead: the test cast's filled
    dementia audit, or the demo's (more kinds of rows), and the area to import into."""
    if source == "demo":
        return _demo(app, visitor)
    visitor.sign_in("lead@example.org")
    return _exported(app, cast, visitor), cast.dementia.area_id


@pytest.mark.parametrize("source", ["filled", "demo"])
def test_every_field_of_the_wrong_type_is_refused_or_harmless(
    app: Flask, cast: Cast, visitor: Visitor, source: str
) -> None:
    original, area_id = _source(app, cast, visitor, source)
    failures = []
    for table in _imported_tables(original):
        for field, value in original["tables"][table][0].items():
            document = copy.deepcopy(original)
            document["tables"][table][0][field] = _wrong(value)
            where = f"{_label(table)}: {field}"
            failures += [
                f"{where} {_wrong(value)!r}: {f}"
                for f in _import_or_refuse(app, visitor, document, area_id, where)
            ]
    assert failures == []


@pytest.mark.parametrize("source", ["filled", "demo"])
def test_every_field_left_out_is_refused_or_harmless(
    app: Flask, cast: Cast, visitor: Visitor, source: str
) -> None:
    original, area_id = _source(app, cast, visitor, source)
    failures = []
    optional = copy.deepcopy(original)
    for table in _imported_tables(original):
        for field in original["tables"][table][0]:
            document = copy.deepcopy(original)
            del document["tables"][table][0][field]
            where = f"{_label(table)}: {field} is missing"
            response = visitor.client.post(
                "/audits/import",
                data={
                    "csrf_token": visitor.csrf_token(),
                    "file": (io.BytesIO(json.dumps(document).encode()), "audit.json"),
                    "area_id": str(area_id),
                    "title": "Left out",
                },
            )
            if response.status_code == 200:
                text = response.get_data(as_text=True)
                # Refused by the check ("… is missing") or, for an indicator whose figures
                # no longer make sense without it, by the indicator's rules, which name it.
                rule = table.startswith("indicator") and "Nothing was imported" in text
                assert where in text or rule, (where, response.status_code)
            else:
                assert response.status_code == 302, (where, response.status_code)
                # Imported without it: leave it out of the document walked below.
                del optional["tables"][table][0][field]
    # Every field the import accepts leaving out, left out at once: every page answers.
    failures = _import_or_refuse(app, visitor, optional, area_id, "")
    assert failures == []


def test_groups_outside_the_scope_are_refused_or_harmless(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    original = _exported(app, cast, as_lead)
    scope = set(original["tables"]["audit"][0]["scope"])
    with app.app_context():
        framework = db.session.get(Audit, cast.dementia.id).framework  # type: ignore[union-attr]
    outside = next(g["code"] for g in framework["carer_groups"]["groups"] if g["code"] not in scope)
    document = copy.deepcopy(original)
    changed = 0
    for table in _imported_tables(original):
        for row in document["tables"][table]:
            for field in ("group_code", "groups", "groups_reached", "groups_not_reached"):
                if field in row and row[field] is not None:
                    row[field] = [outside] if isinstance(row[field], list) else outside
                    changed += 1
    assert changed > 5
    assert _import_or_refuse(app, as_lead, document, cast.dementia.area_id, "") == []


@pytest.mark.parametrize("source", ["filled", "demo"])
def test_junk_text_in_every_text_field_is_refused_or_harmless(
    app: Flask, cast: Cast, visitor: Visitor, source: str
) -> None:
    original, area_id = _source(app, cast, visitor, source)
    with app.app_context():
        text_columns = {
            (table.name, column.name)
            for table in audit_json.audit_tables()
            for column in table.columns
            if isinstance(column.type, String) and not isinstance(column.type, UTCDateTime)
        }
    failures: list[str] = []
    junk = copy.deepcopy(original)
    for table in _imported_tables(original):
        for field in original["tables"][table][0]:
            if (table, field) not in text_columns:
                continue
            if (table, field) in SCALE_COLUMNS or field in {*CODE_COLUMNS, "framework_id"}:
                # A grade or a framework code: refused, naming it.
                document = copy.deepcopy(original)
                document["tables"][table][0][field] = "junk"
                where = f"{_label(table)}: {field}"
                failures += _import_or_refuse(app, visitor, document, area_id, where)
            else:
                for number, row in enumerate(junk["tables"][table]):
                    if row.get(field) is not None:
                        row[field] = f"junk {number}"  # rows may be unique by it
    # Every other text field of every row junk at once: it imports, every page answers.
    failures += _import_or_refuse(app, visitor, junk, area_id, "no refusal expected")
    assert failures == []


def test_every_answer_of_the_wrong_kind_is_refused(app: Flask, visitor: Visitor) -> None:
    original, area_id = _demo(app, visitor)
    response = original["tables"]["questionnaire_response"][0]
    failures: list[str] = []
    for code, value in response["answers"].items():
        for wrong in ([1, 2], {"a": 1}, "not an option" if value is not None else 3.5):
            document = copy.deepcopy(original)
            document["tables"]["questionnaire_response"][0]["answers"][code] = wrong
            where = f"Questionnaire response 1: answer {code}"
            failures += _import_or_refuse(app, visitor, document, area_id, where)
    assert failures == []


def test_a_lead_importing_for_another_area_cannot_name_its_people(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    # Through the service, whatever areas the form offers: the Northshire lead puts a
    # file into Southshire naming Southshire's lead; nobody is matched.
    document = _exported(app, cast, as_lead)
    for person in document["people"].values():
        if person["email"] == "lead@example.org":
            person["email"] = "lead@southshire.example.org"
    with app.app_context():
        lead = db.session.get(type(cast.lead), cast.lead.id)
        southshire = db.session.get(Audit, cast.other_area_audit.id).area  # type: ignore[union-attr]
        parsed = audit_json.parse(json.dumps(document).encode(), 10 * 1024 * 1024)
        outside = audit_json.people_outside(parsed, southshire, lead)
        assert "lead@southshire.example.org" in outside
        audit = audit_json.import_document(parsed, southshire, "Copy", lead)
        ratings = db.session.scalars(select(Rating).where(Rating.audit_id == audit.id)).all()
        assert ratings and {r.updated_by_id for r in ratings} <= {None, cast.lead.id}


@pytest.mark.parametrize(
    ("content", "limit", "deep"),
    [
        (b"[[[]]]", 3, False),
        (b"[[[]]]", 2, True),
        (b'["[[[[", "\\"[[[", {"k": "]]]]"}]', 2, False),  # brackets in text do not count
        (b'[{"a": [{"b": []}]}]', 4, True),
        (b'"' + b"x" * 1_000_000 + b'"', 1, False),  # a long text, scanned without backtracking
        (b'"unterminated [[[[', 1, True),  # not JSON: refused either way
    ],
)
def test_the_depth_scan(content: bytes, limit: int, deep: bool) -> None:
    assert too_deep(content, limit) is deep
