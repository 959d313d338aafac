"""Administrator forms: organisations and user accounts."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from audit_app.forms import Form
from audit_app.models.organisation import ORGANISATION_KINDS
from audit_app.models.user import ADMINISTRATOR, CARERS_LEAD, COMMISSIONER, PARTNER, ROLES
from audit_app.services.passwords import MIN_PASSWORD_LENGTH

# The two kinds a first-time administrator mixes up (an integrated care board can be
# either), told apart by what their people do in the service.
KIND_HINTS = {
    "area": "Whose carers an audit covers: its carers leads run the area's audits.",
    "commissioning_body": (
        "Commissions carers' services: its commissioners read the published audits they are given."
    ),
}


class OrganisationForm(Form):
    name = StringField(
        "Organisation name",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the organisation's name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    kind = RadioField(
        "Kind of organisation",
        choices=list(ORGANISATION_KINDS.items()),
        widget=GovRadioInput(),
        validators=[DataRequired("Choose the kind of organisation")],
    )
    submit = SubmitField("Add organisation", widget=GovSubmitInput())


# What each role may do, shown under its radio (the order of ROLES).
ROLE_HINTS = {
    ADMINISTRATOR: "Manages organisations and accounts, and can open every audit.",
    CARERS_LEAD: (
        "Runs their area's audits: creates them, invites partners and commissioners, "
        "sets the ratings and publishes."
    ),
    PARTNER: (
        "Sends evidence and views to the audits they are invited to, and may propose ratings."
    ),
    COMMISSIONER: (
        "Reads the published audits they are given, comments and agrees the priorities "
        "and the plan."
    ),
}


class UserForm(Form):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter their full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter their email address"),
            Length(max=320, message="Email address must be 320 characters or fewer"),
            Email(
                "Enter an email address in the correct format, like name@example.org",
                check_deliverability=False,
            ),
        ],
    )
    role = RadioField(
        "Role",
        choices=list(ROLES.items()),
        widget=GovRadioInput(),
        validators=[DataRequired("Choose their role")],
    )
    organisation_id = SelectField(
        "Organisation",
        description="The area, partner or commissioning body they act for.",
        coerce=str,
        widget=GovSelect(),
        validate_choice=False,
    )
    password = PasswordField(
        "Temporary password",
        description=(
            f"At least {MIN_PASSWORD_LENGTH} characters. Give it to them and ask them to change it."
        ),
        widget=GovPasswordInput(),
        validators=[
            DataRequired("Enter a temporary password"),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=f"Password must be between {MIN_PASSWORD_LENGTH} and 200 characters",
            ),
        ],
    )
    submit = SubmitField("Add account", widget=GovSubmitInput())

    def validate_organisation_id(self, field: Any) -> None:
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose an organisation from the list")
        if not field.data and self.role.data in ROLES and self.role.data != ADMINISTRATOR:
            raise ValidationError(
                f"Choose the organisation this {ROLES[self.role.data].lower()} acts for"
            )
