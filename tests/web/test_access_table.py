"""Every route, as every kind of person, against one written access table.

The table is tests/web/access_table.txt: one row per endpoint and method, saying
who may use it on a draft and on a published audit (DESIGN.md "Who uses it and for
what"). Each (route, method, audit, person) is one test, so a failure names them
all. Allowed means a page (2xx) or a redirect that is not to sign in; anyone else
gets what the table's legend says (signed out: sign in; another area: 404, so an
audit's existence is not revealed; a published version: 409 where marked). POSTs
carry a valid CSRF token and no other data: nothing may 500. On a draft, no page a
partner may open shows the lead's unpublished judgements (their text is marked
SECRET in the seed). No GET writes to the database, as anyone (pages read in
autocommit mode on PostgreSQL: audit_app/database.py). A route with no row, or a row
with no route, fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.routing import Rule

from audit_app import create_app
from audit_app.extensions import limiter
from tests.conftest import clear_tables
from tests.web.access_requests import (
    Person,
    UnknownArgument,
    about_an_audit,
    comparable,
    first_difference,
    readable_text,
    request,
    sign_in_everyone,
    url_for_rule,
    writes_while_reading,
)
from tests.web.access_seed import SECRET, Seed, build

TABLE = Path(__file__).with_name("access_table.txt")
LETTERS = "LOPQCNAS"
PARTNERS = "PQ"
METHODS = ("GET", "POST")


@dataclass(frozen=True)
class Cell:
    """Who may use a route for one audit state, and any status stated outright."""

    allowed: frozenset[str]
    statuses: dict[str, int]

    @classmethod
    def parse(cls, text: str, draft: Cell | None = None) -> Cell:
        allowed: set[str] = set()
        statuses: dict[str, int] = {}
        for item in text.split(","):
            if item == "-":
                continue
            if item == "409":  # a published version: those allowed on the draft get 409
                assert draft is not None, "409 belongs in the published column"
                statuses.update({letter: 409 for letter in draft.allowed})
                continue
            letters, _, status = item.partition("=")
            letters = LETTERS if letters == "*" else letters
            unknown = set(letters) - set(LETTERS)
            assert not unknown, f"unknown letters {unknown} in {text!r}"
            if status:
                statuses.update({letter: int(status) for letter in letters})
            else:
                allowed.update(letters)
        return cls(frozenset(allowed - set(statuses)), statuses)


def read_table(path: Path = TABLE) -> dict[tuple[str, str], tuple[Cell, Cell | None]]:
    """(endpoint, method) -> (draft cell, published cell or None for "=")."""
    rows: dict[tuple[str, str], tuple[Cell, Cell | None]] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        assert len(parts) == 4, f"{path.name}:{number}: four columns, not {parts}"
        endpoint, method, draft_text, published_text = parts
        assert method in METHODS, f"{path.name}:{number}: method {method}"
        assert (endpoint, method) not in rows, f"{path.name}:{number}: second row"
        draft = Cell.parse(draft_text)
        published = None if published_text == "=" else Cell.parse(published_text, draft)
        rows[(endpoint, method)] = (draft, published)
    return rows


def _rules(app: Flask) -> Iterator[tuple[Rule, str]]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        for method in METHODS:
            if method in (rule.methods or ()):
                yield rule, method


def _cases() -> list[pytest.param]:  # type: ignore[valid-type]
    """Every (rule, method, state), from a bare app's URL map."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    cases = []
    for rule, method in _rules(app):
        for state in ("draft", "published") if about_an_audit(rule) else ("any",):
            cases.append(
                pytest.param(
                    rule.rule, rule.endpoint, method, state, id=f"{rule.rule} {method} {state}"
                )
            )
    return cases


@pytest.fixture(scope="module")
def seeded(app: Flask) -> Iterator[tuple[Seed, dict[str, Person]]]:
    """The one seeded database, built once for the module and emptied after it."""
    from audit_app.services import report_pdfs

    real_run = report_pdfs.run
    report_pdfs.run = lambda pdf_id: None  # a made PDF is not about access: leave it queued
    app.extensions.pop("chart_cache", None)
    with app.app_context():
        clear_tables()
        limiter.reset()
        seed = build()
    people = sign_in_everyone(app)
    yield seed, people
    report_pdfs.run = real_run
    app.extensions.pop("chart_cache", None)  # it holds revisions that were rolled back
    with app.app_context():
        clear_tables()


@pytest.fixture(autouse=True)
def _clean_database() -> None:
    """The seeded database is shared by the whole module (see `seeded`)."""


def expected(cell: Cell, letter: str, rule: Rule) -> int | None:
    """The status ``letter`` must get, or None for "allowed"."""
    if letter in cell.statuses:
        return cell.statuses[letter]
    if letter in cell.allowed:
        return None
    if letter == "S":
        return 302  # to sign in
    return 404 if "audit_id" in rule.arguments else 403


@pytest.mark.parametrize(("rule_text", "endpoint", "method", "state"), _cases())
def test_route_answers_as_the_access_table_says(
    app: Flask,
    seeded: tuple[Seed, dict[str, Person]],
    rule_text: str,
    endpoint: str,
    method: str,
    state: str,
) -> None:
    seed, people = seeded
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    row = read_table_once().get((endpoint, method))
    assert row is not None, f"{endpoint} {method} has no row in {TABLE.name}"
    draft, published = row
    cell = published if state == "published" and published is not None else draft
    url = url_for_rule(rule, seed, "published" if state == "published" else "draft")
    wrong = [
        f"as {letter}: {problem}"
        for letter in LETTERS
        if (
            problem := _answer_problem(
                app, seed, people[letter], letter, cell, rule, method, url, state
            )
        )
    ]
    assert not wrong, f"{method} {url} ({endpoint}, {state} audit):\n" + "\n".join(wrong)


def _answer_problem(
    app: Flask,
    seed: Seed,
    person: Person,
    letter: str,
    cell: Cell,
    rule: Rule,
    method: str,
    url: str,
    state: str,
) -> str | None:
    """What is wrong with the answer ``letter`` gets, or None."""
    seed.restore_files()
    with writes_while_reading() as written:
        response = request(app, person, method, url)
    if written:
        return f"a {method} wrote to the database: {written}"
    status, location = response.status_code, response.headers.get("Location", "")
    want = expected(cell, letter, rule)
    if want is None and not (200 <= status < 400 and "/sign-in" not in location):
        return f"allowed by the table, got {status} {location}"
    if want is not None and status != want:
        return f"want {want}, got {status}"
    if want == 302 and letter == "S" and "/sign-in" not in location:
        return f"want a redirect to sign in, got one to {location}"
    if letter in PARTNERS and state == "draft" and status == 200:
        return _partner_problem(app, seed, person, method, url, readable_text(response))
    return None


def _partner_problem(
    app: Flask, seed: Seed, person: Person, method: str, url: str, seen: str
) -> str | None:
    """A partner's page of a draft must show nothing of the lead's judgements: not
    their words (marked SECRET), nor anything that depends on them (the same page,
    made with no judgements at all, must be the same)."""
    if SECRET in seen:
        return "reads the lead's unpublished judgements"
    blank = request(app, person, method, url, blank_audit=seed.draft.audit_id)
    one, other = comparable(seen), comparable(readable_text(blank))
    if one != other:
        return "sees what depends on the lead's judgements\n" + first_difference(one, other)
    return None


_TABLE_CACHE: dict[str, dict[tuple[str, str], tuple[Cell, Cell | None]]] = {}


def read_table_once() -> dict[tuple[str, str], tuple[Cell, Cell | None]]:
    if "table" not in _TABLE_CACHE:
        _TABLE_CACHE["table"] = read_table()
    return _TABLE_CACHE["table"]


def test_every_route_has_a_row_and_every_row_a_route(app: Flask) -> None:
    routes = {(rule.endpoint, method) for rule, method in _rules(app)}
    rows = set(read_table())
    assert not routes - rows, f"routes with no row in {TABLE.name}: {sorted(routes - rows)}"
    assert not rows - routes, f"rows with no route: {sorted(rows - routes)}"


def test_routes_not_about_an_audit_have_one_column(app: Flask) -> None:
    table = read_table()
    for rule, method in _rules(app):
        _, published = table[(rule.endpoint, method)]
        if not about_an_audit(rule):
            assert published is None, f"{rule.endpoint} {method}: write = in the second column"


def test_the_lead_reads_the_marked_judgements_so_the_partner_check_can_fail(
    app: Flask, seeded: tuple[Seed, dict[str, Person]]
) -> None:
    seed, people = seeded
    cell = "/ratings/breaks/dementia"
    response = request(app, people["L"], "GET", f"/audits/{seed.draft.audit_id}{cell}")
    assert SECRET in readable_text(response)
    response = request(
        app, people["L"], "GET", f"/audits/{seed.draft.audit_id}/checklist/2a/dementia"
    )
    assert SECRET in readable_text(response)


def test_without_the_judgements_the_leads_pages_differ_so_the_comparison_can_fail(
    app: Flask, seeded: tuple[Seed, dict[str, Person]]
) -> None:
    seed, people = seeded
    for path in ("/ratings", "/maps/rag", "/exports/csv/rag_map.csv", "/maps/map-rag.png"):
        url = f"/audits/{seed.draft.audit_id}{path}"
        seen = readable_text(request(app, people["L"], "GET", url))
        blank = readable_text(request(app, people["L"], "GET", url, seed.draft.audit_id))
        assert comparable(seen) != comparable(blank), path


def test_a_url_argument_nobody_knows_how_to_fill_fails_loudly(
    seeded: tuple[Seed, dict[str, Person]],
) -> None:
    from werkzeug.routing import Map

    rule = Rule("/audits/<int:audit_id>/widgets/<int:widget_id>", endpoint="widgets.show")
    Map([rule])
    with pytest.raises(UnknownArgument, match="widget_id"):
        url_for_rule(rule, seeded[0], "draft")


def test_the_table_reads_as_its_legend_says() -> None:
    draft = Cell.parse("LA,P=400")
    assert draft.allowed == {"L", "A"} and draft.statuses == {"P": 400}
    published = Cell.parse("409", draft)
    assert published.allowed == frozenset() and published.statuses == {"L": 409, "A": 409}
    assert Cell.parse("*").allowed == set(LETTERS)
    assert re.fullmatch(r"[A-Z]+", LETTERS)
