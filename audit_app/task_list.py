"""GOV.UK Frontend's task list and tag components, in Python.

The same parameters and markup as ``govukTaskList`` and ``govukTag`` from
govuk-frontend-jinja (components/task-list/macro.html, components/tag/macro.html),
but for the whitespace between elements: the macros import the attributes macro
and set several variables per item, which was a sixth of the overview's time
(bench/page_cpu.py, issue #21). Registered as template globals in place of the
macros (base.html no longer imports them), as ``audit_app.tables`` is for tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from audit_app.tables import attributes


def _classes(params: Mapping[str, Any] | None) -> str:
    classes = (params or {}).get("classes")
    return f" {escape(classes)}" if classes else ""


def _content(params: Mapping[str, Any], indent: int) -> Markup:
    """``html`` (markup, trimmed and indented as the macros' ``| trim | indent``) or
    ``text`` (escaped)."""
    html = params.get("html")
    if html:
        return Markup(str(html).strip().replace("\n", "\n" + " " * indent))  # noqa: S704 (the 'html' parameter is markup, as `| safe` in the macros)
    return escape(params.get("text", ""))


def govuk_tag(params: Mapping[str, Any]) -> Markup:
    """govukTag: a ``<strong class="govuk-tag">`` with text or html."""
    return Markup(  # noqa: S704 (every part escaped or markup)
        f'<strong class="govuk-tag{_classes(params)}"{attributes(params.get("attributes"))}>\n'
        f"  {_content(params, 2)}\n</strong>\n"
    )


def _item(item: Mapping[str, Any], prefix: str, index: int) -> str:
    hint_id, status_id = f"{prefix}-{index}-hint", f"{prefix}-{index}-status"
    title, hint, status = item.get("title") or {}, item.get("hint"), item.get("status") or {}
    href = item.get("href")
    out = [
        f'<li class="govuk-task-list__item{" govuk-task-list__item--with-link" if href else ""}'
        f'{_classes(item)}">\n<div class="govuk-task-list__name-and-hint">\n'
    ]
    if href:
        described = f"{hint_id} " if hint else ""
        out.append(
            f'<a class="govuk-link govuk-task-list__link{_classes(title)}" href="{escape(href)}"'
            f' aria-describedby="{escape(described)}{escape(status_id)}">\n'
            f"  {_content(title, 8)}\n</a>\n"
        )
    else:
        css = f' class="{escape(title["classes"])}"' if title.get("classes") else ""
        out.append(f"<div{css}>\n  {_content(title, 8)}\n</div>\n")
    if hint:
        out.append(
            f'<div id="{escape(hint_id)}" class="govuk-task-list__hint">\n'
            f"  {_content(hint, 8)}\n</div>\n"
        )
    tag = status.get("tag")
    shown = govuk_tag(tag).strip() if tag else _content(status, 6)
    out.append(
        f'</div>\n<div class="govuk-task-list__status{_classes(status)}" id="{escape(status_id)}">\n'
        f"  {shown}\n</div>\n</li>\n"
    )
    return "".join(out)


def govuk_task_list(params: Mapping[str, Any]) -> Markup:
    """govukTaskList: a ``<ul class="govuk-task-list">`` of items (title, href, hint,
    status), each item's hint and status named by ``idPrefix``-``n``."""
    prefix = str(params.get("idPrefix") or "task-list")
    items = "".join(
        _item(item, prefix, index)
        for index, item in enumerate(params.get("items") or [], start=1)
        if item
    )
    return Markup(  # noqa: S704 (every part escaped or markup)
        f'<ul class="govuk-task-list{_classes(params)}"{attributes(params.get("attributes"))}>\n'
        f"{items}</ul>\n"
    )
