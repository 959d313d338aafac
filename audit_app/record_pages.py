"""What the Step 1, 2 and 4 record pages share: a kind of record, and deleting one
after a confirmation page.

Each area's service module (services.stakeholders, services.needs,
services.plan) offers record_or_404, label_of_record and remove with the same
signatures; the views pass theirs in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from werkzeug.wrappers import Response
from wtforms import SubmitField

from audit_app.forms import Form
from audit_app.models import Audit
from audit_app.services.changes import SaveFailed

SAVE_FAILED = "Your changes could not be saved. Try again."


@dataclass(frozen=True)
class Kind:
    """What the shared add, change and delete views need to know about a kind of record."""

    entity: Any  # the area service's Entity
    noun: str  # "stakeholder", as in "Someone else changed this stakeholder"
    list_endpoint: str
    edit_endpoint: str
    delete_endpoint: str
    id_arg: str  # the edit view's name for the record's id
    template: str


class DeleteForm(Form):
    submit = SubmitField("Yes, delete it", widget=GovSubmitInput())


def confirm_delete(
    kind: Kind,
    audit: Audit,
    record_id: int,
    service: Any,
    template: str = "stakeholders/confirm_delete.html",
    warning: str = "",
) -> Response | str:
    """GET: ask "are you sure?"; POST: delete through ``service`` and go back to the list."""
    record = service.record_or_404(kind.entity, audit, record_id)
    label = service.label_of_record(kind.entity, record)
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            service.remove(kind.entity, audit, record, current_user)
        except SaveFailed:
            form.submit.errors = [SAVE_FAILED]
        else:
            flash(f"{kind.noun.capitalize()} ‘{label}’ deleted.")
            return redirect(url_for(kind.list_endpoint, audit_id=audit.id))
    return render_template(
        template,
        audit=audit,
        form=form,
        noun=kind.noun,
        label=label,
        warning=warning,
        cancel_url=url_for(kind.edit_endpoint, audit_id=audit.id, **{kind.id_arg: record.id}),
    )
