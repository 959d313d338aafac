"""audit_app/task_list.py writes the markup of govuk-frontend-jinja's task list and
tag macros (which it replaces as template globals), but for whitespace."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from audit_app.task_list import govuk_tag, govuk_task_list

TASK_LISTS: list[dict[str, Any]] = [
    {
        "idPrefix": "step-1",
        "classes": "app-more",
        "attributes": {"data-x": 'a "quoted" value'},
        "items": [
            {
                "title": {"text": "Stakeholders & <partners>"},
                "href": "/audits/1/stakeholders?a=1&b=2",
                "hint": {"text": "3 recorded, <none> invited."},
                "status": {"text": "Completed"},
            },
            {
                "title": {"text": "Ratings"},
                "href": "/audits/1/ratings",
                "hint": {"text": "0 of 17 cells rated."},
                "status": {"tag": {"text": "Not started", "classes": "govuk-tag--grey"}},
            },
            {
                "title": {"html": "<em>No link</em>\nsecond line", "classes": "app-title"},
                "status": {"html": "<b>Cannot start yet</b>", "classes": "app-status"},
            },
            None,
            {
                "title": {"text": "Tagged in html"},
                "classes": "app-item",
                "status": {"tag": {"html": "<span>New</span>", "attributes": {"id": "new"}}},
            },
        ],
    },
    {
        "items": [
            {"title": {"text": "Default prefix"}, "href": "/x", "status": {"text": "Optional"}}
        ]
    },
]

TAGS: list[dict[str, Any]] = [
    {"text": "Draft <1>"},
    {"html": "<b>Published</b>", "classes": "govuk-tag--green", "attributes": {"id": "t"}},
]


def _normal(html: Any) -> str:
    """Whitespace between and inside tags made alike."""
    text = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*>\s*", ">", re.sub(r"\s*<\s*", "<", text)).strip()


@pytest.mark.parametrize("params", TASK_LISTS)
def test_the_task_list_is_the_macros_markup(app: Flask, params: dict[str, Any]) -> None:
    macro = app.jinja_env.from_string(
        '{% from "govuk_frontend_jinja/components/task-list/macro.html" import govukTaskList %}'
        "{{ govukTaskList(params) }}"
    )
    with app.test_request_context():
        assert _normal(govuk_task_list(params)) == _normal(macro.render(params=params))


@pytest.mark.parametrize("params", TAGS)
def test_the_tag_is_the_macros_markup(app: Flask, params: dict[str, Any]) -> None:
    macro = app.jinja_env.from_string(
        '{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
        "{{ govukTag(params) }}"
    )
    with app.test_request_context():
        assert _normal(govuk_tag(params)) == _normal(macro.render(params=params))
