"""Carers' quality of life: the local carers' survey scored as the national measure,
beside the area's published figures, and the lead's pages to enter or import those.

The results page is for those who read questionnaire results (the lead, and
commissioners once the audit is published); entering figures is the lead's, on a
draft. Every survey figure comes through the suppression rule.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from audit_app.messages import SUCCESS
from audit_app.models.audit import COMMISSIONER, LEAD
from audit_app.quality_of_life.forms import FigureForm, ImportForm
from audit_app.record_pages import SAVE_FAILED
from audit_app.services import quality_of_life as service
from audit_app.services.access import audit_or_404, editable_audit_or_404, may_edit
from audit_app.services.changes import SaveFailed
from audit_app.services.frameworks import framework_of
from audit_app.services.questionnaires import SMALLEST_GROUP, SUPPRESSION_RULE, group_names
from hub_model import published_figures
from hub_model.quality_of_life import RULES

bp = Blueprint("quality_of_life", __name__, url_prefix="/audits/<int:audit_id>/quality-of-life")

READERS = (LEAD, COMMISSIONER)
EDITORS = (LEAD,)


@bp.route("")
@login_required
def page(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id, roles=READERS)
    found = service.results_for_audit(audit)
    return render_template(
        "quality_of_life/page.html",
        audit=audit,
        local=found[0] if found else None,
        comparisons=service.comparisons(audit, found),
        scoring=service.scoring(),
        names=group_names(framework_of(audit)),
        can_edit=may_edit(audit, role),
        rules=RULES,
        comparison_rule=service.COMPARISON_RULE,
        suppression_rule=SUPPRESSION_RULE,
        smallest=SMALLEST_GROUP,
    )


@bp.route("/published/new", methods=["GET", "POST"])
@login_required
def add_figure(audit_id: int) -> BaseResponse | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    form = FigureForm().setup(service.scoring())
    if form.validate_on_submit():
        try:
            service.save_figures(audit, [form.values()], current_user)
        except SaveFailed:
            form.form_errors.append(SAVE_FAILED)
        else:
            flash(f"{service.scoring().title_of(form.values()['measure'])} saved.", SUCCESS)
            return redirect(url_for(".page", audit_id=audit.id) + "#published")
    return render_template("quality_of_life/figure_form.html", audit=audit, form=form)


@bp.route("/published/import", methods=["GET", "POST"])
@login_required
def import_figures(audit_id: int) -> BaseResponse | str:
    audit, _ = editable_audit_or_404(audit_id, roles=EDITORS)
    form = ImportForm()
    problems: tuple[str, ...] = ()
    if form.validate_on_submit():
        read, problems = _read(form)
        if read is not None and not problems:
            rows = [
                {
                    "measure": f.measure,
                    "year": f.year,
                    "council_code": f.council_code,
                    "value": f.value,
                    "base": f.base,
                    "ci_low": f.ci_low,
                    "ci_high": f.ci_high,
                }
                for f in read.figures
            ]
            try:
                service.save_figures(audit, rows, current_user)
            except SaveFailed:
                form.form_errors.append(SAVE_FAILED)
            else:
                plural = "" if len(rows) == 1 else "s"
                flash(f"{len(rows)} published figure{plural} imported.", SUCCESS)
                return redirect(url_for(".page", audit_id=audit.id) + "#published")
        if problems:
            count = len(problems)
            form.csv_file.errors = [
                f"The file has {count} problem{'' if count == 1 else 's'}: nothing was imported"
            ]
    return render_template(
        "quality_of_life/import_form.html",
        audit=audit,
        form=form,
        problems=problems,
        columns=published_figures.COLUMNS + published_figures.OPTIONAL_COLUMNS,
        scoring=service.scoring(),
    )


def _read(form: ImportForm) -> tuple[published_figures.TableRead | None, tuple[str, ...]]:
    raw = form.csv_file.data.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, ("The file is not UTF-8 text: save it as CSV (UTF-8)",)
    reader = csv.DictReader(io.StringIO(text))
    missing = published_figures.missing_columns(reader.fieldnames or [])
    if missing:
        return None, (f"The first row must name the columns; missing: {', '.join(missing)}",)
    try:
        rows = list(reader)
    except csv.Error as error:
        return None, (f"The file is not a readable CSV: {error}",)
    read = published_figures.read_table(service.scoring(), rows, form.council_code.data or "")
    return read, read.problems
