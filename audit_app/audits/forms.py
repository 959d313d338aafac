"""Create an audit; invite people to it."""

from __future__ import annotations

import re
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from audit_app.forms import Form, GovDateField, optional_int
from audit_app.models.organisation import ORGANISATION_KINDS

CYCLE_PATTERN = re.compile(r"^\d{4}/\d{2}$")


def _valid_cycle(form: Any, field: Any) -> None:
    if field.data and not CYCLE_PATTERN.match(field.data):
        raise ValidationError("Cycle must be a financial year like 2026/27")
    if field.data and CYCLE_PATTERN.match(field.data):
        start, end = int(field.data[:4]), int(field.data[5:])
        if (start + 1) % 100 != end:
            raise ValidationError("Cycle must be two years in a row, like 2026/27")


NOT_YOUR_AREA = "Choose one of your areas: you can only create an audit for an area you belong to"


def validate_own_area(field: Any, missing: str) -> None:
    """The chosen area is one of the field's choices, which are the areas the person
    acts for (services.audits.area_choices): a posted id of any other area is refused."""
    if not field.data:
        raise ValidationError(missing)
    if field.data not in {value for value, _ in field.choices if value}:
        raise ValidationError(NOT_YOUR_AREA)


class AuditForm(Form):
    title = StringField(
        "Audit title",
        description="For example, Carers of people with dementia in Northshire 2026/27",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter a title for the audit"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    area_id = SelectField(
        "Area",
        description="The council or integrated care board whose carers' support is audited",
        coerce=optional_int,
        widget=GovSelect(),
        validate_choice=False,
    )
    framework_id = RadioField(
        "Framework",
        widget=GovRadioInput(),
        validators=[DataRequired("Choose the framework to audit against")],
    )
    scope_kind = RadioField(
        "Which carers does this audit cover?",
        choices=[
            ("whole", "All carers in the area"),
            ("group", "One or more groups of carers"),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired("Choose which carers this audit covers")],
    )
    scope_group = SelectMultipleField(
        "Groups of carers",
        description=(
            "Select all that apply. The method suggests a separate audit for each group, "
            "such as carers of people with dementia; a few related groups may be audited "
            "together, such as carers of people with dementia who are aged 65 or over"
        ),
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    cycle = StringField(
        "Cycle",
        description="The financial year this audit covers, like 2026/27",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the cycle, like 2026/27"), _valid_cycle],
    )
    period_start = GovDateField(
        "Start of the period", "the start of the period", description="For example, 1 4 2026"
    )
    period_end = GovDateField(
        "End of the period", "the end of the period", description="For example, 31 3 2027"
    )
    description = TextAreaField(
        "Why this audit, and what it should lead to (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=5000, message="Description must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Create audit", widget=GovSubmitInput())

    def validate_area_id(self, field: Any) -> None:
        validate_own_area(field, "Choose the area the audit covers")

    def validate_scope_group(self, field: Any) -> None:
        if self.scope_kind.data != "group":
            return
        field.data = [code for code in field.data or [] if code]
        if not field.data:
            raise ValidationError("Choose the groups of carers this audit covers")
        known = {value for value, _ in field.choices}
        if any(code not in known for code in field.data):
            raise ValidationError("Choose groups of carers from the list")

    def validate_period_end(self, field: Any) -> None:
        start = self.period_start.data
        if start and field.data and field.data <= start:
            raise ValidationError("The end of the period must be after its start")


class InviteForm(Form):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the email address of the person to invite"),
            Length(max=320, message="Email address must be 320 characters or fewer"),
            Email(
                "Enter an email address in the correct format, like name@example.org",
                check_deliverability=False,
            ),
        ],
    )
    role = RadioField(
        "Their role in this audit",
        choices=[
            ("partner", "Partner – submits evidence and views"),
            ("commissioner", "Commissioner – reviews the published maps, gap report and plan"),
            ("lead", "Carers lead – runs the audit with you"),
        ],
        widget=GovRadioInput(),
        validators=[DataRequired("Choose their role in this audit")],
    )
    organisation_id = SelectField(
        "Their organisation",
        coerce=str,
        widget=GovSelect(),
        validate_choice=False,
    )
    new_organisation = StringField(
        "Or add their organisation if it is not listed",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=200, message="Organisation name must be 200 characters or fewer"),
        ],
    )
    new_organisation_kind = SelectField(
        "Kind of organisation",
        description="Only for an organisation you add here.",
        choices=[("", "Choose a kind")] + list(ORGANISATION_KINDS.items()),
        widget=GovSelect(),
        validate_choice=False,
    )
    submit = SubmitField("Create invitation link", widget=GovSubmitInput())

    def validate_organisation_id(self, field: Any) -> None:
        if self.new_organisation.data:
            return
        if not field.data:
            raise ValidationError("Choose their organisation, or add it if it is not listed")
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose an organisation from the list")

    def validate_new_organisation_kind(self, field: Any) -> None:
        if self.new_organisation.data and field.data not in ORGANISATION_KINDS:
            raise ValidationError("Choose the kind of organisation you are adding")


class AuditDetailsForm(Form):
    """The lead changes a draft audit's title, the carers it covers and its period.

    ``version`` carries a fingerprint of the details as loaded
    (services.audit_details.fingerprint): a save over someone else's is refused."""

    title = AuditForm.title
    scope_kind = AuditForm.scope_kind
    scope_group = AuditForm.scope_group
    period_start = AuditForm.period_start
    period_end = AuditForm.period_end
    description = AuditForm.description
    version = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    validate_scope_group = AuditForm.validate_scope_group
    validate_period_end = AuditForm.validate_period_end

    def values(self) -> dict[str, Any]:
        """What was typed, as the audit's columns."""
        whole = self.scope_kind.data != "group"
        return {
            "title": (self.title.data or "").strip(),
            "scope": [] if whole else list(self.scope_group.data or []),
            "period_start": self.period_start.data,
            "period_end": self.period_end.data,
            "description": self.description.data or None,
        }
