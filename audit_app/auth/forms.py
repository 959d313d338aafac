"""Sign in, change password and accept an invitation."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from audit_app.forms import Form
from audit_app.services.passwords import MIN_PASSWORD_LENGTH

MAX_PASSWORD_LENGTH = 200


class SignInForm(Form):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter your email address"),
            Length(max=320, message="Email address must be 320 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired("Enter your password"),
            Length(max=MAX_PASSWORD_LENGTH, message="Password must be 200 characters or fewer"),
        ],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _new_password_validators(label: str) -> list[object]:
    return [
        DataRequired(f"Enter {label}"),
        Length(
            min=MIN_PASSWORD_LENGTH,
            max=MAX_PASSWORD_LENGTH,
            message=f"Password must be between {MIN_PASSWORD_LENGTH} and "
            f"{MAX_PASSWORD_LENGTH} characters",
        ),
    ]


def _not_common(form: Form, field: PasswordField) -> None:
    if field.data and field.data.lower() in {"password123", "1234567890", "qwertyuiop"}:
        raise ValidationError("Choose a password that is harder to guess")


class ChangePasswordForm(Form):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter your current password"), Length(max=MAX_PASSWORD_LENGTH)],
    )
    new_password = PasswordField(
        "New password",
        description=f"At least {MIN_PASSWORD_LENGTH} characters",
        widget=GovPasswordInput(),
        validators=[*_new_password_validators("a new password"), _not_common],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired("Confirm your new password"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class AcceptInvitationForm(Form):
    name = StringField(
        "Your full name",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter your full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Create a password",
        description=f"At least {MIN_PASSWORD_LENGTH} characters",
        widget=GovPasswordInput(),
        validators=[*_new_password_validators("a password"), _not_common],
    )
    confirm_password = PasswordField(
        "Confirm password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired("Confirm your password"),
            EqualTo("password", "The passwords do not match"),
        ],
    )
    submit = SubmitField("Accept invitation", widget=GovSubmitInput())


class JoinAuditForm(Form):
    """An invitee who already has an account only confirms."""

    submit = SubmitField("Join this audit", widget=GovSubmitInput())
