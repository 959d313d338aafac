"""The questionnaires blueprint and what its view modules share: who reads and who
manages questionnaires, their URL prefix, a file download, and the redirect to a
newer version's copy once a questionnaire has been carried on.

The routes live in three modules of this one blueprint: views (the lead's pages:
the list, opening, status, results, ranking), imports (CSV import) and answering
(signed in, and through the public link). views imports the other two, so the
app registers every route when it registers ``bp`` from views.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, make_response, redirect, url_for
from werkzeug.wrappers import Response as BaseResponse

from audit_app.messages import INFORMATION
from audit_app.models import Questionnaire
from audit_app.models.audit import COMMISSIONER, LEAD
from audit_app.services import questionnaire_carry as carry

bp = Blueprint("questionnaires", __name__)

READERS = (LEAD, COMMISSIONER)
EDITORS = (LEAD,)
PREFIX = "/audits/<int:audit_id>/questionnaires"


def carried_on(record: Questionnaire) -> BaseResponse | None:
    """Once a newer version carries ``record`` on, its changes and imports go there."""
    newer = carry.carried_to(record)
    if newer is None:
        return None
    flash(
        f"‘{record.title}’ carried on into version {newer.version}: "
        "make changes and import answers here.",
        INFORMATION,
    )
    copy = newer.questionnaire
    return redirect(url_for(".show", audit_id=copy.audit_id, questionnaire_id=copy.id))


def download(body: bytes, filename: str, mimetype: str) -> Response:
    """``body`` as an attachment called ``filename``."""
    response = make_response(body)
    response.mimetype = mimetype.split(";")[0]
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
