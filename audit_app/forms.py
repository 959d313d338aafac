"""The base form every form in the app builds on, and shared field helpers."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField, Field, FieldList, FormField, StringField, TextAreaField
from wtforms.validators import StopValidation

# C0 control characters other than tab, newline and carriage return. PostgreSQL
# refuses NUL in text, and none of these belong in anything a person types.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any) -> Any:
    """Strip surrounding space and control characters from typed text."""
    if isinstance(value, str):
        return _CONTROL.sub("", value).strip()
    return value


class Form(FlaskForm):
    """FlaskForm (CSRF on) that cleans every text field before validation."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            if issubclass(unbound_field.field_class, StringField | TextAreaField):
                filters = unbound_field.kwargs.get("filters", ())
                unbound_field.kwargs["filters"] = (clean_text, *filters)
            return unbound_field.bind(form=form, **options)


def error_summary(form: FlaskForm) -> dict[str, Any]:
    """Params for govukErrorSummary: each error links to the first input of its field.

    Date fields render three inputs (day, month, year); their link must go to
    the day input, which govuk-frontend-wtf's own helper does not do.
    """
    # Errors about the whole form (a stale save, a database hiccup) come first, as text.
    items: list[dict[str, str]] = [
        {"text": message} for message in getattr(form, "form_errors", [])
    ]
    for field in form:
        if not field.errors:
            continue
        if isinstance(field, FieldList):  # rows ("add another"): each row's own fields
            items.extend(
                {"text": sub.errors[0], "href": f"#{sub.id}"}
                for entry in field.entries
                for sub in (entry.form if isinstance(entry, FormField) else [entry])
                if sub.errors
            )
            continue
        message = field.errors[0] if isinstance(field.errors, list) else field.errors
        if isinstance(message, dict):  # FormField: first sub-error
            message = next(iter(message.values()))[0]
        anchor = field.id
        widget = type(field.widget).__name__
        if widget == "GovDateInput":
            anchor = f"{field.name}-day"
        elif widget in {"GovRadioInput", "GovCheckboxesInput"}:
            anchor = f"{field.id}"
        items.append({"text": message, "href": f"#{anchor}"})
    return {"titleText": "There is a problem", "errorList": items}


class GovDateField(DateField):
    """A GOV.UK date input (day, month, year) with the Design System's error messages.

    ``what`` names the date in messages, such as "the start of the period".
    """

    widget = GovDateInput()

    def __init__(self, label: str, what: str, required: bool = True, **kwargs: Any) -> None:
        super().__init__(label, format="%d %m %Y", **kwargs)
        self.what = what
        self.required = required

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if not valuelist:
            self.raw_data = None  # the widget then shows three empty boxes
            return
        parts = [clean_text(v) or "" for v in (list(valuelist) + ["", "", ""])[:3]]
        self.raw_data = parts
        if not any(parts):
            if self.required:
                raise ValueError(f"Enter {self.what}")
            return
        names = ("day", "month", "year")
        missing = [name for name, part in zip(names, parts, strict=True) if not part]
        if missing:
            raise ValueError(
                f"{self.what[0].upper()}{self.what[1:]} must include a {' and '.join(missing)}"
            )
        if not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
            raise ValueError(f"{self.what[0].upper()}{self.what[1:]} must be a real date")
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError as error:
            raise ValueError(
                f"{self.what[0].upper()}{self.what[1:]} must be a real date"
            ) from error

    def pre_validate(self, form: Any) -> None:
        if self.data is None and self.required and not self.process_errors:
            raise StopValidation(f"Enter {self.what}")


def optional_int(value: Any) -> int | None:
    """Coerce a select's value to int; anything else (forged, empty) becomes None."""
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
