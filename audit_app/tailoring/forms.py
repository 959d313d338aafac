"""Tailoring forms: add a local carer group or intervention, rename or remove one.

Each carries the number of tailoring changes the framework had when the page
was loaded (`changes`), so a change made meanwhile by someone else is caught.
"""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from audit_app.forms import Form


def _name(label: str, required: str) -> Any:
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[
            DataRequired(required),
            Length(max=150, message="The name must be 150 characters or fewer"),
        ],
    )


def _known(field: Any, message: str) -> None:
    values = field.data if isinstance(field.data, list) else [field.data]
    known = {value for value, _ in field.choices}
    if any(value and value not in known for value in values):
        raise ValidationError(message)


class GroupForm(Form):
    name = _name("Name of the group", "Enter the name of the group")
    dimension = SelectField(
        "How the group is defined",
        widget=GovSelect(),
        validate_choice=False,
        validators=[DataRequired("Choose how the group is defined")],
    )
    parent = SelectField(
        "Part of a wider group (optional)",
        description=(
            "A wider group defined the same way as this one: a condition group under "
            "another condition group, a community under another community"
        ),
        widget=GovSelect(),
        validate_choice=False,
    )
    in_scope = BooleanField("Include this group in this audit", widget=GovCheckboxInput())
    changes = HiddenField()
    submit = SubmitField("Add group", widget=GovSubmitInput())

    def validate_dimension(self, field: Any) -> None:
        _known(field, "Choose how the group is defined from the list")

    def validate_parent(self, field: Any) -> None:
        _known(field, "Choose a wider group from the list")


class InterventionForm(Form):
    name = _name("Name of the intervention", "Enter the name of the intervention")
    outcomes = SelectMultipleField(
        "Outcomes it contributes to",
        description="Select all that apply",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    reason = TextAreaField(
        "Why it contributes to these outcomes",
        widget=GovTextArea(),
        validators=[
            DataRequired("Say why it contributes to these outcomes"),
            Length(max=2000, message="The reason must be 2,000 characters or fewer"),
        ],
    )
    changes = HiddenField()
    submit = SubmitField("Add intervention", widget=GovSubmitInput())

    def validate_outcomes(self, field: Any) -> None:
        field.data = [code for code in field.data or [] if code]
        if not field.data:
            raise ValidationError("Choose at least one outcome")
        _known(field, "Choose outcomes from the list")


class RenameForm(Form):
    name = _name("New name", "Enter the new name")
    changes = HiddenField()
    submit = SubmitField("Rename", widget=GovSubmitInput())


class RemoveForm(Form):
    changes = HiddenField()
    submit = SubmitField("Yes, remove it", widget=GovSubmitInput())
