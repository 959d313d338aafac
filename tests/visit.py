"""Visit pages as a person would: GET a page, read it, submit its form.

Modelled on notifications-admin's client_request: every call states the
status it expects and returns the parsed page, so a test reads like a visit.
CSRF stays on; tokens are read from the pages, as a browser would send them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse


@dataclass
class Page:
    response: TestResponse
    soup: BeautifulSoup

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def h1(self) -> str:
        heading = self.soup.find("h1")
        return heading.get_text(" ", strip=True) if heading else ""

    @property
    def text(self) -> str:
        return self.soup.get_text(" ", strip=True)

    def error_summary(self) -> list[str]:
        summary = self.soup.select(".govuk-error-summary__list li")
        return [item.get_text(strip=True) for item in summary]

    def error_links(self) -> dict[str, str]:
        """Each error summary message with the fragment its link jumps to."""
        return {
            link.get_text(strip=True): str(link.get("href"))
            for link in self.soup.select(".govuk-error-summary__list a")
        }

    def field_error(self, field_id: str) -> str:
        """The inline error message shown for a field, looked up by its id."""
        message = self.soup.select_one(f"#{field_id}-error")
        return message.get_text(" ", strip=True).replace("Error: ", "") if message else ""

    def value(self, name: str) -> str | None:
        element = self.soup.select_one(f'[name="{name}"]')
        if element is None:
            return None
        if element.name == "textarea":
            return element.get_text()
        if element.name == "select":
            chosen = element.select_one("option[selected]")
            return str(chosen.get("value")) if chosen else None
        if element.get("type") in {"radio", "checkbox"}:
            checked = self.soup.select_one(f'[name="{name}"][checked]')
            return str(checked.get("value")) if checked else None
        return str(element.get("value", ""))

    def csrf_token(self) -> str | None:
        token = self.soup.select_one('input[name="csrf_token"]')
        return str(token["value"]) if token else None

    def form(self, selector: str = "main form[method=post]") -> Tag:
        """The first form matching ``selector``, which must be on the page."""
        found = self.soup.select_one(selector)
        assert isinstance(found, Tag), f"no {selector} on the page: {self.text[:500]}"
        return found


def form_data(form: Tag, button: str | None = None) -> MultiDict[str, str]:
    """What a browser sends when ``form`` is submitted unchanged: every named,
    enabled input, textarea and select, with only the checked boxes and radios and
    the selected options (the first option of a single select when none is), and
    the button pressed: ``button`` is its name (the first of that name) or
    "name=value" (no button's value when None)."""
    data: MultiDict[str, str] = MultiDict()
    for element in form.select("input, textarea, select, button"):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        name = str(name)
        kind = str(element.get("type", "text" if element.name == "input" else "")).lower()
        if element.name == "textarea":
            # A browser drops the one newline that follows <textarea>, as html.parser does not.
            text = element.get_text()
            data.add(name, text[1:] if text.startswith("\n") else text)
        elif element.name == "select":
            options = element.select("option")
            chosen = [o for o in options if o.has_attr("selected")]
            if not chosen and options and not element.has_attr("multiple"):
                chosen = options[:1]
            for option in chosen:
                data.add(name, str(option.get("value", option.get_text())))
        elif element.name == "button" or kind in {"submit", "image"}:
            value = str(element.get("value", ""))
            if button in (name, f"{name}={value}") and name not in data:
                data.add(name, value)
        elif kind in {"checkbox", "radio"}:
            if element.has_attr("checked"):
                data.add(name, str(element.get("value", "on")))
        elif kind != "file":
            data.add(name, str(element.get("value", "")))
    return data


class Visitor:
    """A person with a browser session on the test client."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._csrf: str | None = None

    def get(self, url: str, status: int = 200, follow: bool = False) -> Page:
        response = self.client.get(url, follow_redirects=follow)
        return self._page(response, status)

    def post(
        self,
        url: str,
        data: dict[str, Any] | None = None,
        status: int = 302,
        follow: bool = False,
        csrf: bool = True,
        **kwargs: Any,
    ) -> Page:
        data = MultiDict(data) if isinstance(data, MultiDict) else dict(data or {})
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.csrf_token()
        response = self.client.post(url, data=data, follow_redirects=follow, **kwargs)
        return self._page(response, status)

    def csrf_token(self) -> str:
        if self._csrf is None:
            self._csrf = self.get("/sign-in", status=None).csrf_token()  # type: ignore[arg-type]
            if self._csrf is None:  # signed in: the sign-in page redirects
                self._csrf = self.get("/account/password").csrf_token()
        assert self._csrf
        return self._csrf

    def submit(
        self,
        page: Page,
        selector: str = "main form[method=post]",
        changes: dict[str, Any] | None = None,
        button: str | None = None,
        status: int = 302,
    ) -> Page:
        """Submit a form of ``page`` as a browser would, with ``changes`` typed over it,
        to its action (the page's own address when it has none)."""
        form = page.form(selector)
        data = form_data(form, button)
        for name, value in (changes or {}).items():
            data.setlist(name, value if isinstance(value, list) else [value])
        action = str(form.get("action") or "") or page.response.request.full_path.rstrip("?")
        return self.post(action, data, status=status)

    def sign_in(self, email: str, password: str = "a-good-password") -> Page:
        self._csrf = None
        page = self.post("/sign-in", {"email": email, "password": password})
        assert page.status == 302, page.error_summary()
        self._csrf = None
        return page

    def sign_out(self) -> None:
        self.post("/sign-out")
        self._csrf = None

    def switch(self, email: str) -> Visitor:
        """Sign out, then in as someone else (the test cast's password)."""
        self.sign_out()
        self.sign_in(email)
        return self

    @staticmethod
    def _page(response: TestResponse, status: int | None) -> Page:
        if status is not None:
            assert response.status_code == status, (
                f"expected {status}, got {response.status_code}: {response.get_data(as_text=True)[:2000]}"
            )
        return Page(response, BeautifulSoup(response.get_data(as_text=True), "html.parser"))


def assert_error(page: Page, message: str) -> None:
    """``message`` is in the GOV.UK error summary, its link reaches the field, and the
    page title starts "Error: "."""
    assert page.h1, "the page has a heading"
    assert message in page.error_summary(), page.error_summary()
    anchor = page.error_links()[message]
    assert page.soup.select_one(anchor) is not None, f"error link {anchor} goes nowhere"
    assert page.soup.title is not None
    assert page.soup.title.get_text().startswith("Error: ")
