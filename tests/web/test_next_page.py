"""After signing in, ``next`` is followed only to a page of this site: never an
off-site Location, never a 500, whatever the query string holds."""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.visit import Visitor
from tests.web.conftest import Cast

BASE = "http://audit.test/sign-in"

# Pieces an attacker strings together: what browsers strip or turn into "/".
HOSTILE_PIECES = [
    "/",
    "//",
    "\\",
    "/\\",
    "\\/",
    "\t",
    "\n",
    "\r",
    "\x00",
    " ",
    "%09",
    "%0a",
    "%0d",
    "%00",
    "%2f",
    "%5c",
    "%252f",
    "%2509",
    ":",
    "@",
    "evil.example",
    "http:",
    "https://",
    "javascript:",
    "data:",
    "／",
    "＼",
    "\u2028",
    "\u200b",
    "\u3000",
    "?",
    "#",
    "audits/",
]
hostile = st.lists(st.sampled_from(HOSTILE_PIECES), max_size=6).map("".join) | st.text(max_size=40)


def as_a_browser_reads_it(location: str) -> str:
    """Where a browser would go: it drops tabs and newlines, turns backslashes into
    slashes (WHATWG URL parsing of http URLs), then resolves against the page."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "")
    cleaned = cleaned.replace("\\", "/").strip(" \x00")
    return urljoin(BASE, cleaned)


@given(hostile)
def test_local_path_is_none_or_a_path_on_this_site(target: str) -> None:
    from audit_app.auth.next_page import local_path

    path = local_path(target)
    if path is None:
        return
    assert path.startswith("/") and not path.startswith("//")
    assert path.isascii() and path.isprintable()
    assert urlsplit(as_a_browser_reads_it(path)).netloc == "audit.test"


@pytest.mark.parametrize(
    "target",
    ["/audits/", "/audits/3/overview", "/audits/3/changes?entity=rating&page=2", "/admin/"],
)
def test_local_path_keeps_a_page_of_this_site(target: str) -> None:
    from audit_app.auth.next_page import local_path

    assert local_path(target) == target


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "javascript:alert(1)",
        "",
        None,
    ],
)
def test_local_path_refuses_anything_else(target: str | None) -> None:
    from audit_app.auth.next_page import local_path

    assert local_path(target) is None


def _sign_in_with_next(app: Flask, query: str) -> tuple[int, str]:
    visitor = Visitor(app.test_client())
    token = visitor.csrf_token()
    response = visitor.client.post(
        f"/sign-in?next={query}",
        data={"email": "lead@example.org", "password": "a-good-password", "csrf_token": token},
    )
    return response.status_code, response.headers.get("Location", "")


@pytest.mark.parametrize("query", ["/%09/evil.example", "/%0a/evil.example", "/%0d%0a/x"])
def test_the_seen_open_redirects_land_on_the_start_page(app: Flask, cast: Cast, query: str) -> None:
    status, location = _sign_in_with_next(app, query)
    assert status == 302
    assert urlsplit(as_a_browser_reads_it(location)).netloc == "audit.test"
    assert urlsplit(location).path == "/"


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=hostile)
def test_sign_in_never_sends_anyone_off_site(app: Flask, cast: Cast, target: str) -> None:
    # The query string as a browser or attacker would send it: raw and percent-encoded.
    for query in (quote(target, safe="/:@"), quote(target, safe="")):
        status, location = _sign_in_with_next(app, query)
        # A NUL anywhere in an address is refused before any page (400), signed in or not.
        assert status == (400 if "\x00" in target else 302), (target, status)
        assert urlsplit(as_a_browser_reads_it(location)).netloc == "audit.test", location
