"""The quick grids of Step 3: every cell's select on one page, saved in one transaction.

The page is one form: each row has its own Save button, which saves that row
alone, and "Save all changes" at its foot saves every row. A cell whose record
moved on since the page was loaded is not overwritten: it is reported as a
conflict with the saved value, and the other cells are saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from audit_app.forms import Form
from audit_app.models import Audit, ChecklistJudgement, Rating, User
from audit_app.ratings.forms import grid_form
from audit_app.services import judgements
from audit_app.services.access import may_edit
from audit_app.services.changes import Change, SaveFailed, StaleEdit, is_stale, save_all
from audit_app.services.frameworks import framework_of
from audit_app.services.scope import assessed_groups
from hub_model.checklist import ChecklistCell, summarise_outcome
from hub_model.framework import CarerGroup, Framework
from hub_model.scales import ChecklistStatus, Maturity, Rag

RACES_RETRIED = 3  # grid saves planned again when another save overtakes them


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    cells: list[tuple[CarerGroup, Any]]  # (group, record or None)


@dataclass
class GridView:
    framework: Framework
    groups: list[CarerGroup]
    rows: list[Row]
    records: dict[tuple[str, str], Any]
    names: dict[tuple[str, str], str]
    form: Form | None
    summaries: dict[str, Any] = field(default_factory=dict)
    second_summaries: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Conflict:
    name: str
    theirs: dict[str, Any]
    yours: dict[str, Any]
    cell: tuple[str, str] = ("", "")  # (row, group)
    saved_by: str = ""
    saved_at: Any = None


@dataclass(frozen=True)
class GridResult:
    saved: int
    conflicts: list[Conflict]
    unsaved: list[Conflict] = field(default_factory=list)  # other rows' typed changes


def chosen_row(view: GridView, formdata: MultiDict[str, str]) -> str | None:
    """The row whose Save button was pressed: its code, or None for "Save all
    changes". Raises ValueError for a row the grid does not have."""
    row = formdata.get("row")
    if row is None:
        return None
    if row not in {r.code for r in view.rows}:
        raise ValueError(row)
    return row


def row_name(view: GridView, code: str) -> str:
    return next(row.name for row in view.rows if row.code == code)


def _form(
    view_rows: list[Row],
    names: dict[tuple[str, str], str],
    scales: list[tuple[str, Any]],
    records: dict[tuple[str, str], Any],
    formdata: MultiDict[str, str] | None,
) -> Form:
    cells = [
        (row.code, group.code, names[(row.code, group.code)])
        for row in view_rows
        for group, _ in row.cells
    ]
    form_class = grid_form(cells, scales)
    if formdata is not None:
        return form_class(formdata=formdata)
    # Every select shows its saved grade, or "not rated": never a browser's first option.
    data: dict[str, Any] = {}
    for row, group, _ in cells:
        record = records.get((row, group))
        for prefix, _scale in scales:
            data[f"{prefix}-{row}-{group}"] = getattr(record, prefix) if record else "not_rated"
        data[f"version-{row}-{group}"] = record.version if record else None
    return form_class(formdata=None, data=data)  # never the request's, even on a POST


def rating_grid_view(audit: Audit, role: str, formdata: MultiDict[str, str] | None) -> GridView:
    grid = judgements.rating_grid(audit)
    framework = grid.framework
    rows = [
        Row(i.code, i.name, [(g, grid.ratings.get((i.code, g.code))) for g in grid.groups])
        for i in framework.interventions
    ]
    names = {
        (row.code, group.code): f"{row.name}, {group.name}"
        for row in rows
        for group, _ in row.cells
    }
    form = None
    if may_edit(audit, role):
        form = _form(rows, names, [("rag", Rag), ("maturity", Maturity)], grid.ratings, formdata)
    return GridView(
        framework,
        grid.groups,
        rows,
        dict(grid.ratings),
        names,
        form,
        grid.rag_summaries(),
        grid.maturity_summaries(),
    )


def checklist_grid_view(audit: Audit, role: str, formdata: MultiDict[str, str] | None) -> GridView:
    framework = framework_of(audit)
    groups = assessed_groups(audit, framework)
    records = judgements.checklist_cells(audit)
    rows = [
        Row(s.code, s.code, [(g, records.get((s.code, g.code))) for g in groups])
        for s in framework.checklist
    ]
    names = {
        (row.code, group.code): f"{row.code}, {group.name}"
        for row in rows
        for group, _ in row.cells
    }
    form = None
    if may_edit(audit, role):
        form = _form(
            rows, names, [("status", ChecklistStatus), ("indicator", Rag)], records, formdata
        )
    cells = {
        key: ChecklistCell(ChecklistStatus(r.status), Rag(r.indicator))
        for key, r in records.items()
    }
    sub_outcomes = {
        o.code: [s.code for s in framework.sub_outcomes_for(o.code)]
        for o in framework.adult_outcomes()
    }
    summaries = {
        outcome: summarise_outcome(outcome, cells, sub_outcomes, [g.code for g in groups])
        for outcome, codes in sub_outcomes.items()
        if codes
    }
    return GridView(framework, groups, rows, records, names, form, summaries)


def _save_grid(
    audit: Audit,
    view: GridView,
    scales: tuple[str, str],
    new_record: Any,
    entity: str,
    user: User,
    reload: Any,
    only: str | None,
) -> GridResult:
    records = {(row.code, group.code): record for row in view.rows for group, record in row.cells}
    for _attempt in range(RACES_RETRIED):
        try:
            return _save_against(audit, view, scales, new_record, entity, user, records, only)
        except StaleEdit:
            # Someone saved one of these cells at the same moment (or created one this
            # page showed empty); nothing was written. Plan again against what is saved
            # now: their cells become conflicts like any stale cell, the others are saved.
            records = reload()
    raise SaveFailed("other saves kept overtaking this one")


def _save_against(
    audit: Audit,
    view: GridView,
    scales: tuple[str, str],
    new_record: Any,
    entity: str,
    user: User,
    records: dict[tuple[str, str], Any],
    only: str | None,
) -> GridResult:
    """Save the changed cells (of row ``only``, or of every row when None); the
    other rows' changed cells are returned as ``unsaved``, so that the page can
    show them again as typed."""
    assert view.form is not None
    changes: list[Change] = []
    conflicts: list[Conflict] = []
    unsaved: list[Conflict] = []
    for row in view.rows:
        for group, _shown in row.cells:
            key = (row.code, group.code)
            record = records.get(key)
            posted = {
                prefix: view.form[f"{prefix}-{row.code}-{group.code}"].data for prefix in scales
            }
            current = record if record is not None else new_record(row.code, group.code)
            if record is None and all(value == "not_rated" for value in posted.values()):
                continue
            if record is not None and all(getattr(record, p) == v for p, v in posted.items()):
                continue
            change = Change(
                audit,
                current,
                {**posted, "needs_confirmation": False},
                entity,
                view.names[key],
                view.form[f"version-{row.code}-{group.code}"].data or 0,  # 0: loaded empty
            )
            if only is not None and row.code != only:
                # Typed in another row: not saved, shown again as typed. A cell saved
                # by someone else since the page was loaded shows their value instead:
                # what it held when loaded is not known, so neither is what was typed.
                if not is_stale(change):
                    saved = {p: getattr(record, p) if record else "not_rated" for p in scales}
                    unsaved.append(Conflict(view.names[key], saved, posted, key))
                continue
            if is_stale(change):
                theirs = {p: getattr(record, p) for p in scales}
                by = record.updated_by.name if record.updated_by else ""
                conflicts.append(
                    Conflict(view.names[key], theirs, posted, key, by, record.updated_at)
                )
                continue
            changes.append(change)
    if changes:
        save_all(changes, user)
    return GridResult(len(changes), conflicts, unsaved)


def keep_typed(view: GridView, conflicts: list[Conflict]) -> GridView:
    """``view`` (loaded afresh after a save) with each conflicting cell showing what
    was typed for it again, against the version now saved: saving the page keeps
    the typed grades, knowingly; leaving it keeps theirs."""
    assert view.form is not None
    for conflict in conflicts:
        row, group = conflict.cell
        for prefix, value in conflict.yours.items():
            view.form[f"{prefix}-{row}-{group}"].data = value
    return view


def save_rating_grid(
    audit: Audit, view: GridView, user: User, only: str | None = None
) -> GridResult:
    return _save_grid(
        audit,
        view,
        ("rag", "maturity"),
        lambda row, group: Rating(audit_id=audit.id, intervention=row, group_code=group),
        "rating",
        user,
        lambda: judgements.rating_grid(audit).ratings,
        only,
    )


def save_checklist_grid(
    audit: Audit, view: GridView, user: User, only: str | None = None
) -> GridResult:
    return _save_grid(
        audit,
        view,
        ("status", "indicator"),
        lambda row, group: ChecklistJudgement(audit_id=audit.id, sub_outcome=row, group_code=group),
        "checklist",
        user,
        lambda: judgements.checklist_cells(audit),
        only,
    )
