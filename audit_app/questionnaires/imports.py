"""Importing a questionnaire's answers from a CSV (the lead): the template to fill
in, the upload, matching the file's columns to the questions, and the import's
status while a worker reads it (services.questionnaire_import).
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from audit_app.messages import INFORMATION
from audit_app.questionnaires.blueprint import EDITORS, PREFIX, bp, carried_on, download
from audit_app.questionnaires.forms import (
    NOT_IN_FILE,
    RestartImportForm,
    UploadForm,
    mapping_form,
)
from audit_app.services import questionnaire_import as importing
from audit_app.services import questionnaires as service
from audit_app.services.access import audit_or_404
from audit_app.services.frameworks import framework_of
from hub_model import answer_columns


@bp.route(f"{PREFIX}/<int:questionnaire_id>/template.csv")
@login_required
def template(audit_id: int, questionnaire_id: int) -> Response:
    audit, _ = audit_or_404(audit_id, roles=EDITORS)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    text = importing.template_csv(service.definition_of(record))
    return download(
        text.encode("utf-8-sig"), f"{record.definition_id}-template.csv", "text/csv; charset=utf-8"
    )


@bp.route(f"{PREFIX}/<int:questionnaire_id>/import", methods=["GET", "POST"])
@login_required
def upload(audit_id: int, questionnaire_id: int) -> BaseResponse | str:
    audit, _ = audit_or_404(audit_id, roles=EDITORS, allow_published=True)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    if (elsewhere := carried_on(record)) is not None:
        return elsewhere
    definition = service.definition_of(record, framework_of(audit))
    form = UploadForm()
    if form.validate_on_submit():
        upload_file = form.csv_file.data
        try:
            started = importing.start(
                record, upload_file.filename, upload_file.read(), current_user
            )
        except importing.ImportRefused as error:
            form.csv_file.errors = [str(error)]
        else:
            return redirect(
                url_for(
                    ".columns", audit_id=audit.id, questionnaire_id=record.id, import_id=started.id
                )
            )
    return render_template(
        "questionnaires/upload.html",
        audit=audit,
        record=record,
        definition=definition,
        form=form,
        guide=answer_columns.columns(definition),
    )


@bp.route(
    f"{PREFIX}/<int:questionnaire_id>/imports/<int:import_id>/columns", methods=["GET", "POST"]
)
@login_required
def columns(audit_id: int, questionnaire_id: int, import_id: int) -> BaseResponse | str:
    audit, _ = audit_or_404(audit_id, roles=EDITORS, allow_published=True)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    if (elsewhere := carried_on(record)) is not None:
        return elsewhere
    started = importing.import_or_404(record, import_id)
    status_url = url_for(
        ".import_status", audit_id=audit.id, questionnaire_id=record.id, import_id=started.id
    )
    if started.status not in {importing.MAPPING, importing.INVALID, importing.FAILED}:
        return redirect(status_url)
    definition = service.definition_of(record, framework_of(audit))
    questions = list(definition.questions)
    form = mapping_form(questions, started.headers)
    if request.method == "GET":
        for question in questions:
            form[f"column_{question.code}"].data = started.mapping.get(question.code, NOT_IN_FILE)
    elif form.validate_on_submit():
        chosen = {q.code: form[f"column_{q.code}"].data for q in questions}
        mapping = {code: header for code, header in chosen.items() if header != NOT_IN_FILE}
        importing.queue(started, mapping)
        return redirect(status_url)
    return render_template(
        "questionnaires/columns.html",
        audit=audit,
        record=record,
        started=started,
        form=form,
        questions=questions,
    )


@bp.route(f"{PREFIX}/<int:questionnaire_id>/imports/<int:import_id>")
@login_required
def import_status(audit_id: int, questionnaire_id: int, import_id: int) -> BaseResponse | str:
    audit, _ = audit_or_404(audit_id, roles=EDITORS)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    started, holder = importing.find_import(record, import_id)
    if holder.id != record.id:
        # A newer version carried the questionnaire on, and the import went with it.
        return redirect(
            url_for(
                ".import_status",
                audit_id=holder.audit_id,
                questionnaire_id=holder.id,
                import_id=started.id,
            )
        )
    stuck = importing.is_stuck(started)
    return render_template(
        "questionnaires/import_status.html",
        audit=audit,
        record=record,
        started=started,
        finished=started.status in importing.FINISHED,
        stuck=stuck,
        restart_form=RestartImportForm() if stuck else None,
        labels=importing.STATUS_LABELS,
        importing=importing,
    )


@bp.route(f"{PREFIX}/<int:questionnaire_id>/imports/<int:import_id>/restart", methods=["POST"])
@login_required
def restart_import(audit_id: int, questionnaire_id: int, import_id: int) -> BaseResponse:
    """Run now, or queue again, an import that nothing is processing."""
    # As the upload: answers may be imported into a published audit's questionnaire.
    audit, _ = audit_or_404(audit_id, roles=EDITORS, allow_published=True)
    record = service.questionnaire_or_404(audit, questionnaire_id)
    started, _holder = importing.find_import(record, import_id)
    form = RestartImportForm()
    if form.validate_on_submit() and not importing.restart(started, bool(form.run_now.data)):
        flash("The import is already being processed, or has finished.", INFORMATION)
    return redirect(
        url_for(
            ".import_status", audit_id=audit.id, questionnaire_id=record.id, import_id=import_id
        )
    )
