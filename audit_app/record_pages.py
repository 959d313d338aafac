"""What the record pages share: a kind of record, the page that adds or changes
one (with its stale-edit check), and deleting one after a confirmation page.

Each area's service module (services.stakeholders, services.needs,
services.plan, services.indicators) offers record_or_404, label_of_record and
remove with the same signatures, and all but indicators save and describe too;
the views pass theirs in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from sqlalchemy import inspect
from sqlalchemy.orm import MANYTOONE
from werkzeug.wrappers import Response
from wtforms import SubmitField

from audit_app.extensions import db
from audit_app.forms import Form, optional_int
from audit_app.messages import SUCCESS
from audit_app.models import Audit
from audit_app.services.changes import SaveFailed, StaleEdit
from audit_app.services.frameworks import framework_of

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


def loaded_version(form: Any) -> int:
    """The version the form was loaded with; 0 (always stale) if it is missing or forged."""
    return optional_int(form.version.data) or 0


def edit_page(
    template: str,
    record: Any | None,
    *,
    form: Callable[[Any | None], Any],
    save: Callable[[Any, int], Any],
    done: Callable[[Any, Any], tuple[str, str]],
    stale: str,
    describe: Callable[[Any], list[tuple[str, str]]],
    **context: Any,
) -> Response | str:
    """The page that adds a record (``record`` None) or changes one.

    ``form(obj)`` builds the form: filled from the record on GET, from the request
    (``obj`` None) on POST. A valid POST calls ``save(form, loaded_version)``, which
    saves through a service and returns what it saved, then flashes the message
    and redirects to the address that ``done(form, saved)`` gives. Otherwise the
    template is shown again with ``form``, ``record``, ``theirs`` and ``rows`` and
    the ``context``, keeping what was typed:
    - invalid input: the form's own errors;
    - someone else saved the record since the form was loaded (StaleEdit): the
      ``stale`` message, their version (``theirs``, described by ``rows``), and the
      form now carries their version, so saving again keeps what was typed, knowingly;
    - the database failed (SaveFailed): SAVE_FAILED on the button;
    - a form with rows to add or remove (its ``rearranged()`` says a button for that
      was pressed): shown again with the rows changed and everything typed kept.
    """
    shown = form(record if request.method == "GET" else None)
    theirs = None
    if request.method == "POST" and getattr(shown, "rearranged", lambda: False)():
        pass  # a row added or removed ("add another"): shown again, nothing saved
    elif shown.validate_on_submit():
        try:
            saved = save(shown, loaded_version(shown))
        except StaleEdit:
            theirs = record
            shown.version.errors = [stale]
            shown.version.data = str(record.version) if record is not None else ""
        except SaveFailed:
            shown.submit.errors = [SAVE_FAILED]
        else:
            message, address = done(shown, saved)
            flash(message, SUCCESS)
            return redirect(address)
    return render_template(
        template,
        form=shown,
        record=record,
        theirs=theirs,
        rows=compared(describe, theirs, shown) if theirs else [],
        **context,
    )


def compared(
    describe: Callable[[Any], list[tuple[str, str]]], theirs: Any, typed: Any
) -> list[tuple[str, str, bool]]:
    """Their saved record as (label, value, differs from what was typed) rows.

    What was typed is described the same way, from a stand-in for the record with
    the typed values over its own (never the record itself, which stays theirs).
    """
    rows = describe(theirs)
    columns = {column.key for column in inspect(type(theirs)).column_attrs}
    values = typed.values() if callable(getattr(typed, "values", None)) else None
    if not isinstance(values, dict):  # a form without values(): its fields named as columns
        values = {field.name: field.data for field in typed if field.name in columns}
    try:
        yours = dict(describe(_stand_in(theirs, values)))
    except AttributeError:  # a describe() that needs more of the model than the stand-in has
        return [(label, value, False) for label, value in rows]
    return [(label, value, yours.get(label) != value) for label, value in rows]


def _stand_in(record: Any, values: dict[str, Any]) -> SimpleNamespace:
    """The record's columns and relations with ``values`` over them; a relation whose
    foreign key was typed points at the row typed (read, never written)."""
    mapper = inspect(type(record))
    fields = {column.key: getattr(record, column.key) for column in mapper.column_attrs}
    fields.update(values)
    for relation in mapper.relationships:
        keys = [column.key for column in relation.local_columns]
        if relation.direction is MANYTOONE and len(keys) == 1 and keys[0] in values:
            target = values[keys[0]]
            found = db.session.get(relation.mapper.class_, target) if target else None
            fields[relation.key] = found
        else:
            fields.setdefault(relation.key, getattr(record, relation.key))
    return SimpleNamespace(**fields)


def edit_record(
    kind: Kind,
    audit: Audit,
    record: Any | None,
    service: Any,
    form: Callable[[Any | None], Any],
    **context: Any,
) -> Response | str:
    """``edit_page`` for a kind of record that ``service`` saves, describes and names
    (its save, describe and label_of_record take the kind's entity first); back to
    the kind's list once saved."""
    listed = url_for(kind.list_endpoint, audit_id=audit.id)

    def save(typed: Any, loaded: int) -> Any:
        return service.save(kind.entity, audit, record, typed.values(), loaded, current_user)

    def done(typed: Any, saved: Any) -> tuple[str, str]:
        label = service.label_of_record(kind.entity, saved)
        return f"{kind.noun.capitalize()} ‘{label}’ saved.", listed

    return edit_page(
        kind.template,
        record,
        form=form,
        save=save,
        done=done,
        stale=f"Someone else changed this {kind.noun} while you were editing",
        describe=lambda theirs: service.describe(kind.entity, framework_of(audit), theirs),
        audit=audit,
        cancel_url=listed,
        delete_url=delete_url(kind, audit, record),
        **context,
    )


def delete_url(kind: Kind, audit: Audit, record: Any | None) -> str | None:
    """Where the change page of a record links to delete it; none while adding one."""
    if record is None:
        return None
    return url_for(kind.delete_endpoint, audit_id=audit.id, record_id=record.id)


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
            flash(f"{kind.noun.capitalize()} ‘{label}’ deleted.", SUCCESS)
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
