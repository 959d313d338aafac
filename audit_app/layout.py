"""The parts of every page's layout that depend only on who reads it: the header,
the service navigation and the beta banner, each rendered once per kind of reader
and kept, then written into every page.

Rendering them through GOV.UK Frontend's macros on every request was about a
quarter of a light page's time (bench/page_cpu.py, issue #21). What changes from
request to request is only the sign-out form's CSRF token, put in place of a
placeholder; the rest is keyed on what the fragment shows (the reader's name and
role, which menu item is current, the settings it uses), so a change of any of
them renders it again.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

# Never in a rendered fragment otherwise: forms refuse control characters (audit_app/forms.py).
SLOT = "\x00sign-out-form\x00"
LIMIT = 4096  # fragments kept per app; past it the store starts again


def _fragment(template: str, key: tuple[Any, ...], **context: Any) -> str:
    store: dict[tuple[Any, ...], str] = current_app.extensions.setdefault("layout", {})
    key = (template, request.script_root, *key)
    found = store.get(key)
    if found is None:
        found = current_app.jinja_env.get_template(template).render(**context)
        if len(store) >= LIMIT:
            store.clear()
        store[key] = found
    return found


def header() -> Markup:
    name = current_app.config["SERVICE_NAME"]
    return Markup(_fragment("layout/header.html", (name,), service_name=name))  # noqa: S704 (rendered by Jinja with autoescape)


def service_navigation() -> Markup:
    if not current_user.is_authenticated:
        return Markup(_fragment("layout/service_navigation.html", (False,), signed_in=False))  # noqa: S704
    endpoint = request.endpoint
    active = (
        "start"
        if endpoint in ("main.start", "audits.index", "admin.index")
        else "password"
        if endpoint == "auth.change_password"
        else ""
    )
    reader = (current_user.is_admin, current_user.name, current_user.role_label, active)
    html = _fragment(
        "layout/service_navigation.html",
        (True, *reader),
        signed_in=True,
        admin=reader[0],
        name=reader[1],
        role_label=reader[2],
        active=active,
        token=SLOT,
    )
    return Markup(html.replace(SLOT, str(escape(generate_csrf()))))  # noqa: S704


def phase_banner() -> Markup:
    signed_in = bool(current_user.is_authenticated)
    role = current_user.role if signed_in else None
    email = current_app.config.get("FEEDBACK_EMAIL")
    return Markup(  # noqa: S704 (rendered by Jinja with autoescape)
        _fragment(
            "layout/phase_banner.html",
            (signed_in, role, email),
            signed_in=signed_in,
            role=role,
            feedback_email=email,
        )
    )
