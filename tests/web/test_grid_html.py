"""The quick grids' cells written in Python (audit_app/ratings/grid_html.py) are the
markup the macros grid_select and grid_version wrote, byte for byte: each grid's table
is rendered both ways, as first shown and shown again with errors and with choices
typed but not saved, and compared whole."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from audit_app.extensions import db
from audit_app.models import Audit, ChecklistJudgement, Rating
from audit_app.ratings import grid_html
from audit_app.services import grids
from audit_app.services.changes import bump_revision
from tests.web.conftest import Cast

IMPORTS = '{% from "macros/ratings.html" import grade_tag, grid_names, row_save %}'
OLD_IMPORTS = (
    '{% from "macros/ratings.html" import grade_tag, grid_names, grid_select, grid_version,'
    " row_save %}"
)
# The cells as the tables wrote them before grid_html, through the macros.
CELLS = {
    "ratings/_grid_table.html": (
        "{{ grid_cell(form, 'rating', row.code, group, ' r-' ~ row.code ~ ' g-' ~ group.code) }}",
        """<span class="app-grid__group">{{ group.name }}</span>
          {%- set whom = ' r-' ~ row.code ~ ' g-' ~ group.code %}
          {{- grid_select(form['rag-' ~ row.code ~ '-' ~ group.code], 'Rating', 'l-rating' ~ whom) }}
          {{- grid_select(form['maturity-' ~ row.code ~ '-' ~ group.code], 'Maturity', 'l-maturity' ~ whom) }}
          {{- grid_version(form['version-' ~ row.code ~ '-' ~ group.code]) }}""",
    ),
    "ratings/_checklist_table.html": (
        "{{ grid_cell(form, 'checklist', row.code, group, ' r-' ~ row.code ~ ' g-' ~ outcome.code"
        " ~ '-' ~ group.code) }}",
        """<span class="app-grid__group">{{ group.name }}</span>
            {%- set whom = ' r-' ~ row.code ~ ' g-' ~ outcome.code ~ '-' ~ group.code %}
            {{- grid_select(form['status-' ~ row.code ~ '-' ~ group.code], 'In place?', 'l-status' ~ whom) }}
            {{- grid_select(form['indicator-' ~ row.code ~ '-' ~ group.code], 'Indicator', 'l-indicator' ~ whom) }}
            {{- grid_version(form['version-' ~ row.code ~ '-' ~ group.code]) }}""",
    ),
}


def _both_ways(app: Flask, name: str, **context: Any) -> tuple[str, str]:
    """The table ``name`` rendered as it is and through the macros."""
    assert app.jinja_loader is not None
    source = app.jinja_loader.get_source(app.jinja_env, name)[0]
    new_cell, old_cell = CELLS[name]
    assert source.count(new_cell) == 1 and source.count(IMPORTS) == 1
    old = source.replace(new_cell, old_cell).replace(IMPORTS, OLD_IMPORTS)
    return (
        app.jinja_env.from_string(source).render(**context),
        app.jinja_env.from_string(old).render(**context),
    )


def _typed(form: Any, **changes: str) -> MultiDict[str, str]:
    """The form's data as a browser sends it, with ``changes`` typed over it."""
    data: MultiDict[str, str] = MultiDict()
    for field in form:
        if field.type in ("SelectField", "HiddenField"):
            data.add(field.name, "" if field.data is None else str(field.data))
    for name, value in changes.items():
        data.setlist(name, [value])
    return data


@pytest.fixture
def judged(app: Flask, cast: Cast) -> int:
    """The dementia draft with a rating and a checklist judgement saved (versions 1)."""
    with app.app_context():
        audit = db.session.get(Audit, cast.dementia.id)
        assert audit is not None
        db.session.add_all(
            [
                Rating(
                    audit_id=audit.id,
                    intervention="breaks",
                    group_code="dementia",
                    rag="amber",
                    maturity="early",
                ),
                ChecklistJudgement(
                    audit_id=audit.id,
                    sub_outcome="1a",
                    group_code="dementia",
                    status="partly",
                    indicator="red",
                ),
            ]
        )
        bump_revision(audit)
        db.session.commit()
        return audit.id


def _ratings_tables(app: Flask, audit_id: int, typed: dict[str, str] | None) -> tuple[str, str]:
    with app.test_request_context():
        audit = db.session.get(Audit, audit_id)
        view = grids.rating_grid_view(audit, "lead", None)
        if typed is not None:
            view = grids.rating_grid_view(audit, "lead", _typed(view.form, **typed))
            view.form.validate()
        context = {"audit": audit, "role": "lead", "view": view, "form": view.form}
        return _both_ways(app, "ratings/_grid_table.html", hidden=False, waiting={}, **context)


def _checklist_tables(app: Flask, audit_id: int, typed: dict[str, str] | None) -> tuple[str, str]:
    with app.test_request_context():
        audit = db.session.get(Audit, audit_id)
        view = grids.checklist_grid_view(audit, "lead", None)
        if typed is not None:
            view = grids.checklist_grid_view(audit, "lead", _typed(view.form, **typed))
            view.form.validate()
        context = {"audit": audit, "role": "lead", "view": view, "form": view.form}
        return _both_ways(app, "ratings/_checklist_table.html", **context)


# Typed over the grid: a bad value (an error), choices typed and not saved, and a
# value needing escaping where the form shows back what was sent.
RATINGS_TYPED = {
    "rag-breaks-dementia": "purple",
    "maturity-breaks-dementia": "advanced",
    "rag-brokerage-dementia": "green",
    "version-brokerage-dementia": '"<3>"',
}
CHECKLIST_TYPED = {
    "status-1a-dementia": "loads",
    "indicator-1a-dementia": "green",
    "status-1b-dementia": "in_place",
}


@pytest.mark.parametrize("typed", [None, RATINGS_TYPED], ids=["as-saved", "typed-with-errors"])
def test_the_ratings_grid_is_written_as_the_macros_wrote_it(
    app: Flask, judged: int, typed: dict[str, str] | None
) -> None:
    new, old = _ratings_tables(app, judged, typed)
    assert new.count("<select") == old.count("<select") > 10
    if typed:
        assert 'class="govuk-error-message"' in new and "selected>Green" in new
    assert new == old


@pytest.mark.parametrize("typed", [None, CHECKLIST_TYPED], ids=["as-saved", "typed-with-errors"])
def test_the_checklist_grid_is_written_as_the_macros_wrote_it(
    app: Flask, judged: int, typed: dict[str, str] | None
) -> None:
    new, old = _checklist_tables(app, judged, typed)
    assert new.count("<select") == old.count("<select") > 10
    if typed:
        assert 'class="govuk-error-message"' in new
    assert new == old


def test_a_changed_attribute_is_caught(
    app: Flask, judged: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison can fail: one attribute written otherwise is found."""
    wrong = grid_html.grid_version
    monkeypatch.setattr(
        grid_html, "grid_version", lambda field: wrong(field).replace('type="hidden" ', "")
    )
    new, old = _ratings_tables(app, judged, RATINGS_TYPED)
    assert new != old
