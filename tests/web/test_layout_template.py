"""The service's page template writes what GOV.UK Frontend's template.html writes.

`templates/layout/template.html` is the library's template cut to what this
service uses (issue #21: it imported five macros and rendered the header and
footer twice on every page). Every page of the demo's audits, as each kind of
reader, signed-out pages, a page not found and a form sent back with errors are
rendered through it and through the library's own template in its place; the
two must be the same, character for character. A setting of the library's
template that the service starts to use and the cut copy lacks shows here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader

from audit_app.demo import DEMO_PASSWORD
from tests.visit import Visitor
from tests.web.test_query_counts import demo, page_urls

__all__ = ["demo"]  # the fixture, used by name below

LIBRARY = "govuk_frontend_jinja/template.html"
SIGNED_OUT = ["/sign-in", "/accessibility", "/about", "/no-such-page"]
# Tokens signed with the time of the request, and the report's time of making.
VARYING = re.compile(
    r'(csrf_token"[^>]*value=")[^"]+|(value=")[^"]+("[^>]*csrf_token)|\d\d:\d\d UTC'
)


@contextmanager
def library_template(app: Flask) -> Iterator[None]:
    """Pages rendered meanwhile go through the library's template.html in place of ours."""
    own_loader = app.jinja_env.loader
    assert own_loader is not None
    library, _, _ = own_loader.get_source(app.jinja_env, LIBRARY)
    app.jinja_env.loader = ChoiceLoader([DictLoader({"layout/template.html": library}), own_loader])
    app.jinja_env.cache.clear()  # type: ignore[union-attr]
    try:
        yield
    finally:
        app.jinja_env.loader = own_loader
        app.jinja_env.cache.clear()  # type: ignore[union-attr]


def _both(app: Flask, visitor: Visitor, urls: list[str]) -> dict[str, tuple[str, str]]:
    """Each URL's page through the service's template, then through the library's."""
    ours = {url: _get(visitor, url) for url in urls}
    with library_template(app):
        theirs = {url: _get(visitor, url) for url in urls}
    return {url: (ours[url], theirs[url]) for url in urls}


def _get(visitor: Visitor, url: str) -> str:
    return VARYING.sub("X", visitor.client.get(url).get_data(as_text=True))


def _assert_same(pages: dict[str, tuple[str, str]]) -> None:
    differ = [url for url, (ours, theirs) in pages.items() if ours != theirs]
    assert not differ, f"pages written differently from GOV.UK Frontend's template: {differ}"
    written = [ours for ours, _ in pages.values() if ours.startswith("<!DOCTYPE html>")]
    assert len(written) > len(pages) / 2  # most are pages, not redirects
    assert all('<main class="govuk-main-wrapper" id="main-content">' in page for page in written)


@pytest.mark.parametrize(
    ("email", "which"),
    [
        ("lead@demo.test", "draft"),
        ("lead@demo.test", "published"),
        ("partner@demo.test", "draft"),
        ("commissioner@demo.test", "published"),
    ],
)
def test_every_audit_page_is_the_library_templates_page(
    app: Flask, visitor: Visitor, demo: tuple[int, int], email: str, which: str
) -> None:
    draft, published = demo
    visitor.sign_in(email, DEMO_PASSWORD)
    urls = page_urls(app, draft if which == "draft" else published)
    _assert_same(_both(app, visitor, urls))


def test_signed_out_pages_and_not_found(app: Flask, visitor: Visitor) -> None:
    _assert_same(_both(app, visitor, SIGNED_OUT))


def test_a_form_sent_back_with_errors(app: Flask, visitor: Visitor) -> None:
    page = visitor.post("/sign-in", {"email": "", "password": ""}, status=200)
    assert page.error_summary()
    sent_back = page.response.get_data(as_text=True)
    with library_template(app):
        again = visitor.post("/sign-in", {"email": "", "password": ""}, status=200)
    assert VARYING.sub("X", sent_back) == VARYING.sub("X", again.response.get_data(as_text=True))
    assert sent_back.count("<title>Error: ") == 1
