"""A quick grid's cell of selects, written in Python: the markup of the macros
``grid_select`` and ``grid_version`` (templates/macros/ratings.html), byte for byte.

A national grid holds 200 cells of two selects each; calling the two macros 600
times was most of the time a grid took to render when it was not kept (after each
save, and whenever it is shown again with what was typed). The macros stay as the
reference: tests/web/test_grid_html.py renders whole grids both ways and compares.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from audit_app.select_options import select_options

# Each grid's scales: (field prefix, visible label, id of the label's words).
SCALES: dict[str, Sequence[tuple[str, str, str]]] = {
    "rating": (("rag", "Rating", "l-rating"), ("maturity", "Maturity", "l-maturity")),
    "checklist": (("status", "In place?", "l-status"), ("indicator", "Indicator", "l-indicator")),
}


def grid_select(field: Any, label: str, names: str) -> str:
    """A select with its short visible label, as the macro ``grid_select`` writes it."""
    field_id = escape(field.id)
    errors = field.errors
    html = f'<label class="app-grid__label" for="{field_id}">{escape(label)}</label>'
    if errors:
        html += (
            f'<p id="{field_id}-error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {escape(errors[0])}</p>'
            f'<select class="govuk-select govuk-select--error" id="{field_id}" '
            f'name="{escape(field.name)}" aria-labelledby="{escape(names)}" '
            f'aria-describedby="{field_id}-error">'
        )
    else:
        html += (
            f'<select class="govuk-select" id="{field_id}" name="{escape(field.name)}" '
            f'aria-labelledby="{escape(names)}">'
        )
    return f"{html}{select_options(field.choices, field.data)}</select>"


def grid_version(field: Any) -> str:
    """The hidden version field, as the macro ``grid_version`` writes it."""
    return f'<input type="hidden" name="{escape(field.name)}" value="{escape(field._value())}">'


def grid_cell(form: Any, grid: str, row: str, group: Any, whom: str) -> Markup:
    """A cell of the lead's ``grid`` ("rating" or "checklist"): the group's name (shown
    when the table is stacked), a select per scale and the version the cell was
    loaded at. ``whom``: the ids of the cell's row and column headers, for each
    select's accessible name."""
    parts = [f'<span class="app-grid__group">{escape(group.name)}</span>']
    for prefix, label, label_id in SCALES[grid]:
        parts.append(grid_select(form[f"{prefix}-{row}-{group.code}"], label, label_id + whom))
    parts.append(grid_version(form[f"version-{row}-{group.code}"]))
    return Markup("".join(parts))  # noqa: S704 (every value above is escaped)
