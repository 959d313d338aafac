"""Words meant for the team never reach users, and every table's columns say apart.

Two checks: the sources users read from (templates' text and string literals, the
demo data, the forms' labels and hints), and every page of the demo walked through
the URL map as the lead, a partner, the commissioner and the administrator.

"§" references stay: they point users to the sections of the method's paper, which
they have. Words that point at the team's own papers ("seed 002", "hub_model",
"DESIGN.md", "issue #18") do not.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from audit_app.extensions import limiter
from tests.conftest import clear_tables
from tests.web.access_requests import (
    Person,
    UnknownArgument,
    about_an_audit,
    readable_text,
    request,
    sign_in_everyone,
    url_for_rule,
)
from tests.web.access_seed import Seed, build

ROOT = Path(__file__).resolve().parents[2] / "audit_app"
TEAM_WORDS = re.compile(r"\bseeds?\b|hub_model|DESIGN\.md|STYLE\.md|\bissue #\d", re.IGNORECASE)
# Jinja comments say why to the team; tags and expressions are code, but their quoted
# strings are shown.
JINJA_COMMENT = re.compile(r"{#.*?#}", re.DOTALL)
JINJA_CODE = re.compile(r"{[{%].*?[}%]}", re.DOTALL)
QUOTED = re.compile(r"'([^'\\]*)'|\"([^\"\\]*)\"")


def template_strings(source: str) -> list[str]:
    """The text a template can show: its markup outside Jinja, and quoted strings inside."""
    source = JINJA_COMMENT.sub("", source)
    shown = [JINJA_CODE.sub(" ", source)]
    for code in JINJA_CODE.findall(source):
        shown.extend(a or b for a, b in QUOTED.findall(code))
    return shown


def python_strings(source: str) -> list[str]:
    """Every string literal of a module but its docstrings (which only the team reads)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


def _sources() -> list[tuple[str, list[str]]]:
    found = [
        (str(path.relative_to(ROOT)), template_strings(path.read_text()))
        for path in sorted((ROOT / "templates").rglob("*.html"))
    ]
    modules = [*ROOT.glob("demo*.py"), *ROOT.glob("**/forms.py")]
    found += [(str(p.relative_to(ROOT)), python_strings(p.read_text())) for p in sorted(modules)]
    return found


def test_the_sources_are_found() -> None:
    names = [name for name, _ in _sources()]
    assert "demo.py" in names and "demo_indicators.py" in names
    assert "indicators/forms.py" in names and "templates/exports/report.html" in names


@pytest.mark.parametrize(("name", "strings"), _sources(), ids=[n for n, _ in _sources()])
def test_no_template_demo_data_or_form_says_team_words(name: str, strings: list[str]) -> None:
    found = [m.group(0) for text in strings for m in [TEAM_WORDS.search(text)] if m]
    assert not found, f"{name}: {found}"


def test_the_checks_see_what_they_should() -> None:
    assert TEAM_WORDS.search(" ".join(template_strings("<p>As seed 000 says</p>")))
    assert TEAM_WORDS.search(" ".join(template_strings("{{ x('Seed 002 layout') }}")))
    assert not TEAM_WORDS.search(" ".join(template_strings("{# seed 002 #}{{ seed_table() }}")))
    assert TEAM_WORDS.search(" ".join(python_strings('x = "Seed 002\'s dashboard"')))
    assert not TEAM_WORDS.search(" ".join(python_strings('"""After seed 002."""\n')))


# --- every page of the demo --------------------------------------------------------

WHO = {"L": ("draft", "published"), "P": ("published",), "C": ("published",), "A": ("any",)}


@pytest.fixture(scope="module")
def demo(app: Flask) -> Iterator[tuple[Seed, dict[str, Person]]]:
    """The demo data (as the access table seeds it), built once for the module."""
    from audit_app.services import report_pdfs

    real_run = report_pdfs.run
    report_pdfs.run = lambda pdf_id: None  # the PDF's words are the report's
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
    """The demo database is shared by the whole module (see `demo`)."""


def _pages(app: Flask, seed: Seed, people: dict[str, Person]) -> Iterator[tuple[str, str, str]]:
    """(url and who, mimetype, readable text) of every GET page each person may open."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        for letter, states in WHO.items():
            for state in states if about_an_audit(rule) else ("any",):
                try:
                    url = url_for_rule(rule, seed, "published" if state == "any" else state)
                except UnknownArgument:
                    continue
                response = request(app, people[letter], "GET", url)
                if response.status_code == 200 and response.mimetype in (
                    "text/html",
                    "text/csv",
                    "application/json",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ):
                    yield f"{url} as {letter}", response.mimetype, readable_text(response)


def test_no_demo_page_says_team_words_and_no_table_repeats_a_column(
    app: Flask, demo: tuple[Seed, dict[str, Person]]
) -> None:
    seed, people = demo
    team, repeated, seen = [], [], 0
    for where, mimetype, body in _pages(app, seed, people):
        seen += 1
        text = body
        if mimetype == "text/html":
            soup = BeautifulSoup(body, "html.parser")
            for tag in soup(["script", "style"]):
                tag.decompose()
            labels = [
                el.get(a, "")
                for a in ("alt", "aria-label", "title")
                for el in soup(attrs={a: True})
            ]
            text = " ".join([soup.get_text(" "), *labels])
            for table in soup.select("table"):
                heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
                twice = [h for h, n in Counter(h for h in heads if h).items() if n > 1]
                if twice:
                    repeated.append(f"{where} #{table.get('id', '')}: {twice}")
        if found := TEAM_WORDS.search(text):
            team.append(f"{where}: …{text[max(0, found.start() - 60) : found.end() + 60]}…")
    assert seen > 150  # the walk reached the demo's pages
    assert not team, "\n".join(team)
    assert not repeated, "\n".join(repeated)


def test_no_demo_indicator_repeats_one_comment_on_several_periods(
    app: Flask, demo: tuple[Seed, dict[str, Person]]
) -> None:
    """Seen: one comment on all three quarters, saying nothing about each."""
    from sqlalchemy import select

    from audit_app.extensions import db
    from audit_app.models import IndicatorValue

    with app.app_context():
        rows = db.session.execute(
            select(IndicatorValue.indicator_id, IndicatorValue.comments)
        ).all()
    said = Counter((indicator, text) for indicator, text in rows if text)
    assert len(said) >= 10  # the demo comments on its missed periods
    assert [key for key, times in said.items() if times > 1] == []
