"""Every page, opened as someone allowed to open it, names itself once and clearly.

Generated from the URL map and the access table (tests/web/access_table.txt): each
GET route that answers an HTML page is opened on a draft and a published audit by
the first person its row allows. On each page:

- there is exactly one h1, and the browser tab's title starts with the h1's words
  (a caption above it aside): a person with several tabs, or a screen reader
  announcing the title, reads the same words as on the page, then any context;
- every table in the page has at least one row of data: an empty table says
  nothing, so a page with nothing to list says so in a sentence instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from audit_app import create_app
from audit_app.extensions import limiter
from tests.conftest import clear_tables
from tests.web.access_requests import (
    Person,
    about_an_audit,
    request,
    sign_in_everyone,
    url_for_rule,
)
from tests.web.access_seed import Seed, build
from tests.web.test_access_table import LETTERS, read_table_once

SERVICE = " – Carers' Hub commissioning audit"


def _cases() -> list[pytest.param]:  # type: ignore[valid-type]
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    cases = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        for state in ("draft", "published") if about_an_audit(rule) else ("any",):
            cases.append(pytest.param(rule.rule, state, id=f"{rule.rule} {state}"))
    return cases


@pytest.fixture(scope="module")
def seeded(app: Flask) -> Iterator[tuple[Seed, dict[str, Person]]]:
    from audit_app.services import report_pdfs

    real_run = report_pdfs.run
    report_pdfs.run = lambda pdf_id: None  # a PDF is not a page: leave it queued
    app.extensions.pop("chart_cache", None)
    with app.app_context():
        clear_tables()
        limiter.reset()
        seed = build()
    yield seed, sign_in_everyone(app)
    report_pdfs.run = real_run
    app.extensions.pop("chart_cache", None)
    with app.app_context():
        clear_tables()


@pytest.fixture(autouse=True)
def _clean_database() -> None:
    """The seeded database is shared by the whole module (see `seeded`)."""


def _words(text: str) -> str:
    """Text as compared: spaces collapsed; "Part: detail" and "Part – detail" alike."""
    return re.sub(r"\s*(:|–)\s+", " – ", " ".join(text.split()))


def page_problems(html: str) -> list[str]:
    """What is unclear about one page (empty when nothing is)."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for caption in soup.select("h1 [class^='govuk-caption']"):
        caption.decompose()
    headings = [" ".join(h.get_text(" ", strip=True).split()) for h in soup.find_all("h1")]
    if len(headings) != 1:
        problems.append(f"{len(headings)} h1 headings: {headings}")
    title = soup.title.get_text(strip=True) if soup.title else ""
    named = title.removeprefix("Error: ").removesuffix(SERVICE)
    if headings and not _words(named).startswith(_words(headings[0])):
        problems.append(f"the title {named!r} does not start with the h1 {headings[0]!r}")
    main = soup.find("main") or soup
    for table in main.find_all("table"):
        body = table.find("tbody") or table
        if not [row for row in body.find_all("tr") if row.find("td")]:
            caption = table.find("caption")
            problems.append(
                "an empty table: " + (caption.get_text(" ", strip=True) if caption else "")
            )
    return problems


def test_the_checks_find_what_they_look_for() -> None:
    bad = (
        "<title>Gap map – Carers' Hub commissioning audit</title><main>"
        "<h1>Gap map against the outcomes</h1><h1>Again</h1>"
        "<table><caption>Gaps</caption><thead><tr><th>A</th></tr></thead><tbody></tbody>"
        "</table></main>"
    )
    assert page_problems(bad) == [
        "2 h1 headings: ['Gap map against the outcomes', 'Again']",
        "the title 'Gap map' does not start with the h1 'Gap map against the outcomes'",
        "an empty table: Gaps",
    ]
    good = (
        "<title>Breaks – Carers aged 65+ – Carers' Hub commissioning audit</title>"
        "<main><h1>Breaks: Carers aged 65+</h1>"
        "<table><tbody><tr><td>1</td></tr></tbody></table></main>"
    )
    assert page_problems(good) == []


@pytest.mark.parametrize(("rule_text", "state"), _cases())
def test_page_names_itself_once_and_lists_nothing_empty(
    app: Flask, seeded: tuple[Seed, dict[str, Person]], rule_text: str, state: str
) -> None:
    seed, people = seeded
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    draft, published = read_table_once()[(rule.endpoint, "GET")]
    cell = published if state == "published" and published is not None else draft
    allowed = [letter for letter in LETTERS if letter in cell.allowed]
    if not allowed:
        pytest.skip("nobody may open it in this state")
    url = url_for_rule(rule, seed, "published" if state == "published" else "draft")
    seed.restore_files()
    response = request(app, people[allowed[0]], "GET", url)
    if response.status_code != 200 or response.mimetype != "text/html":
        pytest.skip(f"not a page: {response.status_code} {response.mimetype}")
    problems = page_problems(response.get_data(as_text=True))
    assert not problems, f"GET {url} as {allowed[0]}:\n" + "\n".join(problems)
