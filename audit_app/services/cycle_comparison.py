"""Comparing an audit with an earlier one of the same area and scope.

Cells and outcomes are matched by code (hub_model.comparison), so audits on
different framework versions compare wherever their codes agree.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any, TypeVar

from flask_login import current_user
from sqlalchemy import Date, Integer, Select, String, bindparam, cast, func, literal, select
from sqlalchemy.orm import aliased, defer, load_only

from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership
from audit_app.models.audit import LEAD
from audit_app.services import spreadsheets
from audit_app.services.access import (
    bound_role_column,
    can_see,
    key_entries,
    key_entry,
    read_with_user_or_alone,
)
from audit_app.services.audit_grades import AuditGrades, grades_of
from audit_app.services.chart_cache import cached
from hub_model.comparison import RULE, compare, compare_outcomes, compare_summaries, tally
from hub_model.scales import Change, label

C = TypeVar("C", "Audit", "EarlierChoice")

CHANGES = tuple(Change)
# The words the pages, chart and CSV use: "dropped" reads better than "removed"
# for a cell that the later audit no longer rates or no longer has.
CHANGE_WORDS = {change: label(change) for change in Change} | {Change.REMOVED: "Dropped"}


def earlier_audits(
    audit: Audit, user: Any = None, brief: bool = False, framework: bool = True
) -> list[Audit]:
    """Audits of the same area and scope that began before ``audit``, newest first,
    that ``user`` (by default the current user) may open: one query, with the user's
    role in each. ``brief``: only whether there are any is wanted, so their frameworks
    (a few tens of KB of JSON each) are not read. ``framework=False``: every column but
    the framework is read (the compare page names them all, and reads the framework
    of the one compared only when its comparison is not kept)."""
    return [earlier for earlier, _ in earlier_audits_and_roles(audit, user, brief, framework)]


def earlier_audits_and_roles(
    audit: Audit, user: Any = None, brief: bool = False, framework: bool = True
) -> list[tuple[Audit, str]]:
    """:func:`earlier_audits`, each with the user's role in it (from the same query)."""
    user = current_user if user is None else user
    values: dict[str, Any] = {
        "area_id": audit.area_id,
        "audit_id": audit.id,
        "period_start": audit.period_start,
    }
    if not user.is_admin:
        values["user_id"] = user.id
    candidates = db.session.execute(_earlier_query(user.is_admin, brief, framework), values)
    scope = sorted(audit.scope or [])
    return [
        (earlier, role)
        for earlier, role in candidates
        if sorted(earlier.scope or []) == scope and can_see(user, earlier, role)
    ]


def earlier_key(audit: Audit, user: Any) -> tuple[str, ...]:
    """What :func:`earlier_audits_and_roles` reads of the other audits, for keeping
    what is made of them without reading them: every audit of this area begun before
    it that the user is a member of (any, for an administrator), by id, revision and
    creation time (chart_cache.revision_key: its scope, status and title at that
    revision), with the user's role in it; which of them :func:`earlier_audits` names
    and :func:`default_earlier` chooses is then decided by this audit at its revision.
    :func:`earlier_column`, read with the user (access.read_with_user), else asked
    alone."""
    return key_entries(read_with_user_or_alone(audit.id, user, "earlier", earlier_column))


@dataclass(frozen=True)
class EarlierChoice:
    """An earlier audit as the compare page offers it: what its choice says, and which
    audit at which revision it is (chart_cache.revision_key)."""

    id: int
    title: str
    cycle: str
    status_label: str
    revision: int | None
    created_at: datetime | None


def kept_earlier_choices(audit: Audit, user: Any) -> tuple[EarlierChoice, ...]:
    """:func:`earlier_audits` as choices, kept per revision of ``audit`` and
    :func:`earlier_key` (which names each candidate at its revision, with the user's
    role: all that decides which are offered and what they say). The compare page
    then reads no audit of its own; the one compared is read only when its comparison
    is not kept."""
    key = hashlib.sha256(repr(earlier_key(audit, user)).encode()).hexdigest()[:32]
    return cached(
        audit,
        f"earlier-choices:{key}",
        lambda: tuple(
            EarlierChoice(
                earlier.id,
                earlier.title,
                earlier.cycle,
                earlier.status_label,
                earlier.revision,
                earlier.created_at,
            )
            for earlier in earlier_audits(audit, user, framework=False)
        ),
    )


def earlier_column(admin: bool = False) -> Any:
    """:func:`earlier_key`'s audits as one text column, for a statement that reads the
    user (the outer ``User``, whose id is bound as ``user_id``) and the page's audit
    (the outer ``Audit``). A member's are found from their memberships, by index; an
    administrator's (every audit, as a lead) are asked apart (``admin``), as
    indicator_peers.others_column."""
    other = aliased(Audit)
    role = literal(LEAD, String) if admin else AuditMembership.role
    entry = key_entry(
        cast(other.id, String),
        cast(func.coalesce(other.revision, 0), String),
        cast(other.created_at, String),
        role,
    )
    query = select(func.aggregate_strings(entry, "|"))
    if admin:
        query = query.select_from(other)
    else:
        query = (
            query.select_from(AuditMembership)
            .join(other, other.id == AuditMembership.audit_id)
            .where(AuditMembership.user_id == bindparam("user_id", type_=Integer))
        )
    return (
        query.where(
            other.area_id == Audit.area_id,
            other.id != Audit.id,
            other.period_start < Audit.period_start,
        )
        .correlate(Audit)
        .scalar_subquery()
    )


def _earlier_where(query: Select[Any]) -> Select[Any]:
    return query.where(
        Audit.area_id == bindparam("area_id", type_=Integer),
        Audit.id != bindparam("audit_id", type_=Integer),
        Audit.period_start < bindparam("period_start", type_=Date),
    ).order_by(Audit.period_start.desc(), Audit.id.desc())


@lru_cache(maxsize=8)
def _earlier_query(admin: bool, brief: bool, framework: bool = True) -> Select[Any]:
    """The query of :func:`earlier_audits_and_roles`, built once (for administrators and
    members, brief or not), the audit's and user's values bound on each use: the
    overview and the report's key ask it on every view, and building it cost more than
    asking it (as access._audit_and_role)."""
    query = _earlier_where(select(Audit, bound_role_column(admin)))
    if brief:
        # and what names it at its revision (chart_cache.revision_key)
        query = query.options(
            load_only(Audit.id, Audit.scope, Audit.status, Audit.revision, Audit.created_at)
        )
    elif not framework:
        query = query.options(defer(Audit.framework))
    return query


def default_earlier(audit: Audit, choices: Sequence[C]) -> C | None:
    """The audit this one was started from, if it is a choice; else the latest."""
    for choice in choices:
        if choice.id == audit.previous_audit_id:
            return choice
    return choices[0] if choices else None


@dataclass(frozen=True)
class CellChange:
    grid: str
    row: str
    row_name: str
    group: str
    group_name: str
    earlier: str
    later: str
    change: Change


@dataclass(frozen=True)
class GridChanges:
    key: str
    title: str
    cells: list[CellChange]

    @property
    def tally(self) -> dict[Change, int]:
        return tally(cell.change for cell in self.cells)

    @property
    def moved(self) -> list[CellChange]:
        return [cell for cell in self.cells if cell.change is not Change.UNCHANGED]


@dataclass(frozen=True)
class OutcomeRow:
    code: str
    name: str
    earlier: tuple[str, str, str]  # checklist status, indicator, interventions (labels)
    later: tuple[str, str, str]
    changes: tuple[Change, Change, Change]


@dataclass(frozen=True)
class Comparison:
    earlier: Audit
    later: Audit
    grids: list[GridChanges]
    outcomes: list[OutcomeRow]
    per_intervention: list[tuple[str, dict[Change, int]]]
    # Each intervention's weakest-link summary: (name, earlier, later, change).
    summaries: list[tuple[str, str, str, Change]]
    rule: str = RULE

    @property
    def across_versions(self) -> bool:
        return (self.earlier.framework_id, self.earlier.framework_version) != (
            self.later.framework_id,
            self.later.framework_version,
        )


def _names(before: AuditGrades, after: AuditGrades) -> dict[str, dict[str, str]]:
    """Readable names for codes, the later framework's where both have one."""
    names: dict[str, dict[str, str]] = {"intervention": {}, "group": {}, "sub_outcome": {}}
    for grades in (before, after):
        fw = grades.framework
        names["intervention"].update({i.code: i.name for i in fw.interventions})
        names["group"].update({g.code: g.name for g, _ in fw.groups_flat()})
        names["sub_outcome"].update({s.code: f"{s.code}: {s.indicator}" for s in fw.checklist})
    return names


def _grid(
    key: str,
    title: str,
    row_kind: str,
    earlier: Mapping[tuple[str, str], StrEnum],
    later: Mapping[tuple[str, str], StrEnum],
    names: dict[str, dict[str, str]],
) -> GridChanges:
    cells = []
    for (row, group), change in compare(earlier, later).items():
        before, after = earlier.get((row, group)), later.get((row, group))
        cells.append(
            CellChange(
                grid=title,
                row=row,
                row_name=names[row_kind].get(row, row),
                group=group,
                group_name=names["group"].get(group, group),
                earlier=label(before) if before is not None else "Not in this audit",
                later=label(after) if after is not None else "Not in this audit",
                change=change,
            )
        )
    return GridChanges(key, title, cells)


def compare_audits(earlier: Audit, later: Audit) -> Comparison:
    before, after = grades_of(earlier), grades_of(later)
    names = _names(before, after)
    grids = [
        _grid("rag", "Red, amber, green", "intervention", before.rag, after.rag, names),
        _grid("maturity", "Maturity", "intervention", before.maturity, after.maturity, names),
        _grid(
            "checklist_status",
            "Checklist: services in place",
            "sub_outcome",
            before.status,
            after.status,
            names,
        ),
        _grid(
            "checklist_indicator",
            "Checklist: outcome indicator",
            "sub_outcome",
            before.indicator,
            after.indicator,
            names,
        ),
    ]
    per_intervention: dict[str, list[Change]] = {}
    for cell in grids[0].cells:
        per_intervention.setdefault(cell.row_name, []).append(cell.change)
    return Comparison(
        earlier=earlier,
        later=later,
        grids=grids,
        outcomes=_outcome_rows(before, after),
        per_intervention=[(name, tally(found)) for name, found in per_intervention.items()],
        summaries=_summary_rows(before, after, names["intervention"]),
    )


def _summary_rows(
    before: AuditGrades, after: AuditGrades, names: dict[str, str]
) -> list[tuple[str, str, str, Change]]:
    old, new = before.rag_summaries(), after.rag_summaries()

    def text(summaries: Mapping[str, Any], code: str) -> str:
        return label(summaries[code].grade) if code in summaries else "Not in this audit"

    return [
        (names.get(code, code), text(old, code), text(new, code), change)
        for code, change in compare_summaries(old, new).items()
    ]


def _outcome_rows(before: AuditGrades, after: AuditGrades) -> list[OutcomeRow]:
    old, new = before.outcomes(), after.outcomes()
    titles = {o.code: o.short_title for o in before.framework.outcomes}
    titles.update({o.code: o.short_title for o in after.framework.outcomes})

    def grades(views: Mapping[str, Any], code: str) -> tuple[str, str, str]:
        view = views.get(code)
        if view is None:
            return ("Not in this audit",) * 3
        overall = view.checklist.overall
        return (
            label(overall.status.grade),
            label(overall.indicator.grade),
            label(view.interventions.grade),
        )

    return [
        OutcomeRow(
            code=code,
            name=titles.get(code, code),
            earlier=grades(old, code),
            later=grades(new, code),
            changes=(change.status, change.indicator, change.interventions),
        )
        for code, change in compare_outcomes(old, new).items()
    ]


# --- the chart ---------------------------------------------------------------

# Okabe-Ito colours, told apart by most colour-blind readers; hatching tells
# them apart in greyscale print too.
_STYLE: dict[Change, tuple[str, str]] = {
    Change.IMPROVED: ("#009E73", ""),
    Change.WORSENED: ("#D55E00", "///"),
    Change.UNCHANGED: ("#BBBBBB", ""),
    Change.NEW: ("#0072B2", ".."),
    Change.REMOVED: ("#CC79A7", "xx"),
}


def changes_chart(comparison: Comparison) -> str:
    """An SVG bar chart of RAG cell changes per intervention, as a data: URI for an
    <img> in the page (the table beside it holds the same numbers).

    A data: image keeps the SVG's own styling working under the app's CSP, which
    forbids inline styles in the page itself.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rows = comparison.per_intervention
    figure = Figure(figsize=(9, 0.36 * len(rows) + 1.6))
    axes = figure.add_subplot()
    names = [name for name, _ in rows][::-1]
    left = [0] * len(rows)
    for change in CHANGES:
        counts = [counts[change] for _, counts in rows][::-1]
        colour, hatch = _STYLE[change]
        axes.barh(
            names,
            counts,
            left=left,
            color=colour,
            hatch=hatch,
            edgecolor="#0b0c0c",
            linewidth=0.5,
            label=CHANGE_WORDS[change],
        )
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.set_xlabel("Carer groups (red, amber, green cells)")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(labelsize=10)
    axes.legend(ncols=5, loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=10, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    encoded = base64.b64encode(buffer.getvalue().encode()).decode()
    return f"data:image/svg+xml;base64,{encoded}"


def cached_changes_chart(comparison: Comparison) -> str:
    """:func:`changes_chart`, drawn once per pair of revisions (matplotlib takes
    about two thirds of the page's time): the later audit's cache entry, named
    after the earlier audit and its revision, so a change to either draws anew."""
    from audit_app.services.chart_cache import cached, revision_key

    name = f"changes-chart:{revision_key(comparison.earlier)}"
    return cached(comparison.later, name, lambda: changes_chart(comparison))


# --- CSV ---------------------------------------------------------------------

CSV_HEADER = [
    "Grid",
    "Row code",
    "Row",
    "Carer group code",
    "Carer group",
    "Earlier",
    "Later",
    "Change",
]


def changes_csv(comparison: Comparison) -> str:
    rows = [
        (
            cell.grid,
            cell.row,
            cell.row_name,
            cell.group,
            cell.group_name,
            cell.earlier,
            cell.later,
            CHANGE_WORDS[cell.change],
        )
        for grid in comparison.grids
        for cell in grid.cells
    ]
    return spreadsheets.csv_text([CSV_HEADER, *rows])
