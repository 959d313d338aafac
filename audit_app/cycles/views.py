"""Cycles: start the next cycle, confirm carried judgements, compare with an
earlier audit, and compare areas.

Starting a cycle and confirming judgements are the lead's (404 for anyone
else). Any member may compare the audit with earlier ones they can open; a
commissioner sees published audits only (`audit_or_404`, `visible_audits`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from audit_app.cycles.forms import CompareAreasForm, ConfirmForm, EarlierAuditForm, NextCycleForm
from audit_app.extensions import db
from audit_app.messages import INFORMATION, SUCCESS
from audit_app.models import Audit
from audit_app.models.audit import LEAD
from audit_app.models.user import ADMINISTRATOR, CARERS_LEAD, COMMISSIONER
from audit_app.services import (
    benchmarking,
    cqc,
    cqc_comparison,
    cycle_comparison,
    cycles,
    judgements,
)
from audit_app.services.access import (
    account_role_required,
    audit_or_404,
    audit_with_judgements_or_404,
    read_with_user,
)
from audit_app.services.changes import SaveFailed, StaleEdit
from audit_app.services.chart_cache import revision_key, spliced
from audit_app.services.cycle_comparison import C

bp = Blueprint("cycles", __name__)

# The earlier audits the compare page offers are kept under what names them, read
# with the reader (one statement a view once kept).
read_with_user("cycles.compare", "earlier", cycle_comparison.earlier_column)

SAVE_FAILED = "The new audit could not be started because the database did not respond. Nothing was saved: try again."


def _next_year(source: Any) -> dict[str, Any]:
    """Suggested answers: the cycle, period and title a year on."""
    cycle = source.cycle
    suggested = cycle
    if len(cycle) == 7 and cycle[:4].isdigit() and cycle[5:].isdigit():
        start = int(cycle[:4]) + 1
        suggested = f"{start}/{(start + 1) % 100:02d}"

    def year_on(day: date) -> date:
        try:
            return day.replace(year=day.year + 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year + 1, day=28)

    return {
        "title": source.title.replace(cycle, suggested) if cycle in source.title else "",
        "cycle": suggested if suggested != cycle else "",
        "period_start": year_on(source.period_start),
        "period_end": year_on(source.period_end),
    }


@bp.route("/audits/<int:audit_id>/next-cycle", methods=["GET", "POST"])
@login_required
def next_cycle(audit_id: int) -> BaseResponse | str:
    source, _ = audit_or_404(audit_id, roles=(LEAD,), allow_published=True)
    started = cycles.next_cycles_of(source)
    if not source.is_published:  # nothing is started: the page says to publish first
        return render_template("cycles/next_cycle.html", audit=source, form=None, started=started)
    form = NextCycleForm(
        source,
        {audit.cycle: audit.title for audit in started},
        data=_next_year(source) if request.method == "GET" else None,
    )
    if form.validate_on_submit():
        try:
            audit = cycles.start_next_cycle(
                source,
                current_user,
                cycles.NextCycle(
                    title=form.title.data or "",
                    cycle=form.cycle.data or "",
                    period_start=form.period_start.data,
                    period_end=form.period_end.data,
                ),
            )
        except cycles.AlreadyStarted as started:
            flash(
                f"The {started.audit.cycle} cycle was started from this audit a moment ago.",
                INFORMATION,
            )
            return redirect(url_for("audits.overview", audit_id=started.audit.id))
        except SaveFailed:
            form.form_errors.append(SAVE_FAILED)
        else:
            flash(
                f"Audit ‘{audit.title}’ started from ‘{source.title}’. "
                "Judgements carried forward need confirming.",
                SUCCESS,
            )
            return redirect(url_for("audits.overview", audit_id=audit.id))
    return render_template("cycles/next_cycle.html", audit=source, form=form, started=started)


@bp.route("/audits/<int:audit_id>/to-confirm")
@login_required
def to_confirm(audit_id: int) -> str:
    audit, _ = audit_or_404(audit_id, roles=(LEAD,))
    ratings, cells = cycles.needing_confirmation(audit)
    scores = cqc.needing_confirmation(audit)
    grades = judgements.rating_grid(audit)
    return render_template(
        "cycles/to_confirm.html",
        audit=audit,
        ratings=ratings,
        cells=cells,
        scores=scores,
        cqc_framework=cqc.framework(),
        framework=grades.framework,
        groups={g.code: g for g, _ in grades.framework.groups_flat()},
    )


def _confirm(audit: Any, record: Any, label: str, back: str) -> BaseResponse:
    form = ConfirmForm()
    # No version (a forged or broken form) could confirm a judgement the lead never saw.
    if not form.validate_on_submit() or record.id is None or form.version.data is None:
        abort(400)
    if not record.needs_confirmation:
        flash(f"Already confirmed: {label}.", INFORMATION)
        return redirect(back)
    try:
        cycles.confirm_unchanged(audit, record, form.version.data, current_user, label)
    except StaleEdit:
        flash(
            f"Someone changed {label} after you opened it. Check it below, then confirm or change it.",
            INFORMATION,
        )
        return redirect(back)
    except SaveFailed:
        flash(
            "Your confirmation could not be saved because the database did not respond. Try again.",
            INFORMATION,
        )
        return redirect(back)
    flash(f"Confirmed unchanged: {label}.", SUCCESS)
    return redirect(url_for("cycles.to_confirm", audit_id=audit.id))


@bp.route("/audits/<int:audit_id>/ratings/<intervention>/<group>/confirm", methods=["POST"])
@login_required
def confirm_rating(audit_id: int, intervention: str, group: str) -> BaseResponse:
    audit, _ = audit_or_404(audit_id, roles=(LEAD,))
    rating, framework, carer_group = judgements.rating_cell(audit, intervention, group)
    label = judgements.rating_label(framework, intervention, carer_group)
    back = url_for("ratings.cell", audit_id=audit.id, intervention=intervention, group=group)
    return _confirm(audit, rating, label, back)


@bp.route("/audits/<int:audit_id>/checklist/<sub_outcome>/<group>/confirm", methods=["POST"])
@login_required
def confirm_checklist(audit_id: int, sub_outcome: str, group: str) -> BaseResponse:
    audit, _ = audit_or_404(audit_id, roles=(LEAD,))
    judgement, _, carer_group = judgements.checklist_cell(audit, sub_outcome, group)
    label = f"{sub_outcome} – {carer_group.name}"
    back = url_for(
        "ratings.checklist_cell", audit_id=audit.id, sub_outcome=sub_outcome, group=group
    )
    return _confirm(audit, judgement, label, back)


def _chosen_earlier(audit: Any, choices: Sequence[C]) -> tuple[EarlierAuditForm, C | None]:
    """The compare form offering ``choices`` and the earlier audit it names (None with
    an error, or when there is none)."""
    form = EarlierAuditForm(request.args)
    form.earlier.choices = [
        (choice.id, f"{choice.title} ({choice.cycle}, {choice.status_label.lower()})")
        for choice in choices
    ]
    if "earlier" not in request.args:
        chosen = cycle_comparison.default_earlier(audit, choices)
        form.earlier.data = chosen.id if chosen else None
        return form, chosen
    if not form.validate():
        return form, None
    return form, next(choice for choice in choices if choice.id == form.earlier.data)


@bp.route("/audits/<int:audit_id>/compare")
@login_required
def compare(audit_id: int) -> Response:
    # The earlier audits offered are kept per revision and per what names them, read
    # with the user (cycle_comparison.earlier_key); the one compared (its framework,
    # tens of KB of JSON) is read only when the comparison below is not kept.
    audit, role = audit_with_judgements_or_404(audit_id)
    choices = cycle_comparison.kept_earlier_choices(audit, current_user)
    form, earlier = _chosen_earlier(audit, choices)

    def compared() -> tuple[cycle_comparison.Comparison, str, list[cqc_comparison.ScoreRow]]:
        assert earlier is not None
        compared_with = db.session.get(Audit, earlier.id)
        assert compared_with is not None
        comparison = cycle_comparison.compare_audits(compared_with, audit)
        return (
            comparison,
            cycle_comparison.cached_changes_chart(comparison),
            cqc_comparison.score_rows([compared_with, audit]),
        )

    # The comparison depends on the two audits alone: its part of the page is
    # rendered once per pair of revisions (the later audit's cache, named after the
    # earlier audit at its revision) and kept as the bytes sent.
    page = render_template(
        "cycles/compare.html",
        audit=audit,
        role=role,
        form=form,
        earlier_key=None if earlier is None else revision_key(earlier),
        compared=compared,
        changes=cycle_comparison.CHANGES,
        cqc_rule=cqc_comparison.CYCLE_RULE,
    )
    return Response(spliced(page), mimetype="text/html")


@bp.route("/audits/<int:audit_id>/compare.csv")
@login_required
def compare_csv(audit_id: int) -> Response:
    audit, _ = audit_with_judgements_or_404(audit_id)
    _, earlier = _chosen_earlier(audit, cycle_comparison.earlier_audits(audit))
    if earlier is None:
        abort(404)
    comparison = cycle_comparison.compare_audits(earlier, audit)
    filename = re.sub(r"[^A-Za-z0-9-]", "-", f"changes-{earlier.cycle}-to-{audit.cycle}") + ".csv"
    return Response(
        cycle_comparison.changes_csv(comparison),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# Comparing areas


def _chosen_areas(named: bool = False) -> tuple[CompareAreasForm, list[Any] | None]:
    """The form, and the audits it names when they are a valid choice. ``named``: only
    what names the audits is read (benchmarking.comparable_audits)."""
    choices = benchmarking.comparable_audits(current_user, named)
    form = CompareAreasForm(request.args)
    # The cycle after the title, unless the title says it already.
    form.audits.choices = [
        (
            audit.id,
            f"{audit.area.name}: {audit.title}"
            + ("" if audit.cycle in audit.title else f" ({audit.cycle})"),
        )
        for audit in choices
    ]
    if not ({"audits", "submit"} & set(request.args)) or not form.validate():
        return form, None
    by_id = {audit.id: audit for audit in choices}
    return form, [by_id[i] for i in dict.fromkeys(form.audits.data or [])]


@bp.route("/compare-areas")
@account_role_required(COMMISSIONER, CARERS_LEAD, ADMINISTRATOR)
def compare_areas() -> str:
    # Of the audits offered, only what names them is read: the rest of those chosen
    # only when their tables are made.
    form, chosen = _chosen_areas(named=True)
    # The tables are rendered once per set of audits at their revisions (the page's
    # tables_body, kept under benchmarking.kept_name): built only when not kept.
    return render_template(
        "cycles/compare_areas.html",
        form=form,
        chosen=chosen or [],
        tables=lambda: benchmarking.benchmark(benchmarking.loaded(chosen)) if chosen else [],
        kept_name=benchmarking.kept_name(chosen) if chosen else "",
        query=[("audits", audit.id) for audit in chosen or []],
    )


@bp.route("/compare-areas.xlsx")
@account_role_required(COMMISSIONER, CARERS_LEAD, ADMINISTRATOR)
def compare_areas_xlsx() -> Response:
    _, chosen = _chosen_areas()
    if not chosen:
        abort(404)
    return Response(
        benchmarking.workbook(chosen, benchmarking.benchmark(chosen)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="area-comparison.xlsx"'},
    )


@bp.route("/compare-areas/<key>.csv")
@account_role_required(COMMISSIONER, CARERS_LEAD, ADMINISTRATOR)
def compare_areas_csv(key: str) -> Response:
    _, chosen = _chosen_areas()
    if not chosen:
        abort(404)
    table = next((t for t in benchmarking.benchmark(chosen) if t.key == key), None)
    if table is None:
        abort(404)
    return Response(
        benchmarking.table_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="area-comparison-{table.key}.csv"'},
    )
