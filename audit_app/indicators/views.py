"""Step 3 indicators: the list by period, definitions, values, the dashboard (seed 002)
and report cards (seed 004).

The audit's lead (and an administrator) adds and changes indicators and their
values. Partners may read the list, the dashboard and the report cards of any
audit they are in; commissioners those of published audits (`audit_or_404`
hides drafts from them). Every other page is the lead's alone: 404 for anyone else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from audit_app.indicators.forms import indicator_form, prefill, value_form
from audit_app.models import Audit
from audit_app.models.audit import COMMISSIONER, LEAD, PARTNER
from audit_app.models.indicators import Indicator, IndicatorValue
from audit_app.record_pages import Kind, confirm_delete, delete_url, edit_page
from audit_app.services import indicator_dashboard as dashboard_service
from audit_app.services import indicator_peers as peers
from audit_app.services import indicators as step3
from audit_app.services import plan as step4
from audit_app.services import quality_of_life, questionnaires
from audit_app.services.access import (
    audit_or_404,
    editable_audit_or_404,
    may_edit,
    read_with_user,
)
from audit_app.services.chart_cache import cached
from audit_app.services.frameworks import framework_of
from audit_app.services.indicator_chart import report_card_chart

bp = Blueprint("indicators", __name__, url_prefix="/audits/<int:audit_id>/indicators")

# The dashboard's key names the other areas' audits the reader may open and the
# survey's answers: read with the reader (one statement a view once kept).
read_with_user("indicators.dashboard", "others", peers.others_column)
read_with_user("indicators.dashboard", "answers", questionnaires.answers_column)

READERS = (LEAD, PARTNER, COMMISSIONER)
EDITORS = (LEAD,)
SURVEY_READERS = (LEAD, COMMISSIONER)

INDICATOR = Kind(
    step3.INDICATOR,
    "indicator",
    "indicators.index",
    "indicators.edit_indicator",
    "indicators.delete_indicator",
    "indicator_id",
    "indicators/indicator_form.html",
)
VALUE = Kind(
    step3.VALUE,
    "period value",
    "indicators.index",
    "indicators.edit_value",
    "indicators.delete_value",
    "value_id",
    "indicators/value_form.html",
)


# Pages everyone in the audit may read.


def _chart(audit: Audit, indicator: Any, fmt: str) -> bytes:
    """The report card's chart, drawn once per audit revision (any change redraws it)."""
    return cached(
        audit, f"report-card-{indicator.id}.{fmt}", lambda: report_card_chart(indicator, fmt)
    )


@bp.route("")
@login_required
def index(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id, roles=READERS)
    return render_template(
        "indicators/index.html",
        audit=audit,
        can_edit=may_edit(audit, role),
        # Read only when the page's body is rendered: once per revision (and per
        # whether the reader may edit), not on every request.
        indicator_rows=lambda: [
            (indicator, step3.rows_of(indicator)) for indicator in step3.indicators(audit)
        ],
        step3=step3,
    )


@bp.route("/dashboard")
@login_required
def dashboard(audit_id: int) -> str:
    """Seed 002's dashboard. Everything below the heading depends only on the audit's
    revision, the chosen period, today's date (action progress), the other areas'
    audits the viewer may open (benchmarking: indicator_peers.others_key, one query of
    their ids, revisions and areas' names) and, for those who read survey results, the
    carers' answers (questionnaires.answers_key, asked only if the lead has entered
    published figures to compare them with): it is rendered once for each."""
    audit, role = audit_or_404(audit_id, roles=READERS)
    ends = cached(audit, "indicator-period-ends", lambda: step3.period_ends(audit))
    as_of = _as_of(request.args.get("as_of", ""), ends)
    today = date.today()
    surveys = role in SURVEY_READERS and cached(
        audit, "carer-figures-published", lambda: bool(quality_of_life.published(audit))
    )
    inputs = "|".join(
        (
            str(as_of),
            today.isoformat(),
            peers.others_key(audit, current_user),
            repr(questionnaires.answers_key(audit)) if surveys else "no survey figures",
        )
    )
    key = "indicators/dashboard.html:" + hashlib.sha256(inputs.encode()).hexdigest()[:32]

    def body() -> str:
        others = peers.other_area_audits(audit, current_user)
        return render_template(
            "indicators/_dashboard_body.html",
            audit=audit,
            board=dashboard_service.dashboard(audit, as_of, today, others),
            step3=step3,
            step4=step4,
        )

    return render_template(
        "indicators/dashboard.html",
        audit=audit,
        ends=ends,
        as_of=as_of,
        kept_key=key,
        body_html=lambda: Markup(body()),  # noqa: S704 (our own template's output)
        # Survey figures for those who read questionnaire results (not partners).
        carer_figures=(lambda: quality_of_life.comparisons(audit)) if surveys else None,
    )


def _as_of(text: str, ends: list[date]) -> date | None:
    """The chosen period end, if it is one of the audit's; else the newest."""
    chosen = next((end for end in ends if end.isoformat() == text), None)
    return chosen or (ends[0] if ends else None)


@bp.route("/<int:indicator_id>/report-card")
@login_required
def report_card(audit_id: int, indicator_id: int) -> str:
    """The card is made of the audit alone (the indicator, its values, the plan's
    actions, the framework) and whether the reader may edit it: its content is rendered
    once per revision for each (the template's ``revision_cached``), and the indicator
    itself is read only then (its reference and title, for the page's title and the
    404, are kept per revision with the audit's other indicators')."""
    audit, role = audit_or_404(audit_id, roles=READERS)
    heading = _headings(audit).get(indicator_id)
    if heading is None:
        abort(404)

    def card_and_chart() -> tuple[Indicator, dashboard_service.ReportCard, str]:
        indicator = step3.record_or_404(step3.INDICATOR, audit, indicator_id)
        card = dashboard_service.report_card(audit, indicator, framework_of(audit))
        return indicator, card, _chart(audit, indicator, "svg").decode() if card.rows else ""

    return render_template(
        "indicators/report_card.html",
        audit=audit,
        can_edit=may_edit(audit, role),
        indicator=heading,
        card_and_chart=card_and_chart,
        step3=step3,
    )


@dataclass(frozen=True)
class _Heading:
    """What the report card's frame names of its indicator."""

    id: int
    ref: str
    title: str


def _headings(audit: Audit) -> dict[int, _Heading]:
    """The audit's indicators by id, as the report card's frame names them, kept per
    revision (adding, changing or deleting an indicator gives the audit a new one)."""
    return cached(
        audit,
        "indicator-headings",
        lambda: {
            row.id: _Heading(row.id, row.ref, row.title) for row in step3.indicator_links(audit)
        },
    )


@bp.route("/<int:indicator_id>/report-card.png")
@login_required
def report_card_png(audit_id: int, indicator_id: int) -> Response:
    audit, _ = audit_or_404(audit_id, roles=READERS)
    indicator = step3.record_or_404(step3.INDICATOR, audit, indicator_id)
    png = _chart(audit, indicator, "png")
    return Response(png, mimetype="image/png")


# The catalogue, and adding or changing an indicator.


@bp.route("/catalogue")
@login_required
def catalogue(audit_id: int) -> str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    taken = {indicator.catalogue_ref for indicator in step3.indicators(audit)}
    return render_template(
        "indicators/catalogue.html",
        audit=audit,
        entries=step3.catalogue(framework_of(audit)),
        taken=taken,
        step3=step3,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def add_indicator(audit_id: int) -> BaseResponse | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit_indicator(audit, None)


@bp.route("/<int:indicator_id>", methods=["GET", "POST"])
@login_required
def edit_indicator(audit_id: int, indicator_id: int) -> BaseResponse | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return _edit_indicator(audit, step3.record_or_404(step3.INDICATOR, audit, indicator_id))


def _edit_indicator(audit: Audit, record: Indicator | None) -> BaseResponse | str:
    framework = framework_of(audit)
    taken = {i.ref for i in step3.indicators(audit) if record is None or i.id != record.id}

    def build(obj: Indicator | None) -> Any:
        form = indicator_form(framework, taken, obj)
        if record is None and request.method == "GET":
            entry = step3.catalogue_entry(framework, request.args.get("from"))
            if entry is not None:
                prefill(form, entry)
            else:
                form.kind.data = "local"
        return form

    def done(form: Any, saved: Indicator) -> tuple[str, str]:
        return (
            f"Indicator ‘{step3.label_of_record(step3.INDICATOR, saved)}’ saved.",
            url_for("indicators.index", audit_id=audit.id) + f"#indicator-{saved.id}",
        )

    return edit_page(
        INDICATOR.template,
        record,
        form=build,
        save=lambda form, loaded: step3.save(
            step3.INDICATOR, audit, record, form.values(), loaded, current_user
        ),
        done=done,
        stale="Someone else changed this indicator while you were editing",
        describe=lambda theirs: step3.describe(None, theirs, framework_of(audit)),
        audit=audit,
        cancel_url=url_for("indicators.index", audit_id=audit.id),
        delete_url=delete_url(INDICATOR, audit, record),
    )


# A period's value.


@bp.route("/<int:indicator_id>/values/new", methods=["GET", "POST"])
@login_required
def add_value(audit_id: int, indicator_id: int) -> BaseResponse | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    indicator = step3.record_or_404(step3.INDICATOR, audit, indicator_id)
    return _edit_value(audit, indicator, None)


@bp.route("/values/<int:value_id>", methods=["GET", "POST"])
@login_required
def edit_value(audit_id: int, value_id: int) -> BaseResponse | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    record = step3.record_or_404(step3.VALUE, audit, value_id)
    return _edit_value(audit, record.indicator, record)


def _edit_value(
    audit: Audit, indicator: Indicator, record: IndicatorValue | None
) -> BaseResponse | str:
    taken = {v.period_end for v in indicator.values if record is None or v.id != record.id}

    def assessor(values: dict[str, Any], period_end: date | None) -> Any:
        return step3.assess_values(indicator, values, period_end)

    def save(form: Any, loaded: int) -> IndicatorValue:
        values = {**form.values(), "indicator_id": indicator.id}
        return step3.save(step3.VALUE, audit, record, values, loaded, current_user, indicator)

    def done(form: Any, saved: IndicatorValue) -> tuple[str, str]:
        return (
            f"{indicator.ref} {form.period_label.data} saved.",
            url_for("indicators.index", audit_id=audit.id) + f"#indicator-{indicator.id}",
        )

    return edit_page(
        VALUE.template,
        record,
        form=lambda obj: value_form(indicator.unit, taken, assessor, obj),
        save=save,
        done=done,
        stale="Someone else changed this period while you were editing",
        describe=lambda theirs: step3.describe(indicator, theirs),
        audit=audit,
        indicator=indicator,
        definition=step3.definition(indicator),
        step3=step3,
        cancel_url=url_for("indicators.index", audit_id=audit.id),
        delete_url=delete_url(VALUE, audit, record),
    )


# Deleting, after a confirmation page.


@bp.route("/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete_indicator(audit_id: int, record_id: int) -> BaseResponse | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return confirm_delete(
        INDICATOR,
        audit,
        record_id,
        step3,
        "plan/confirm_delete.html",
        "Its values for every period are deleted with it.",
    )


@bp.route("/values/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete_value(audit_id: int, record_id: int) -> BaseResponse | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    return confirm_delete(VALUE, audit, record_id, step3, "plan/confirm_delete.html")
