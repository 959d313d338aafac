"""Forms for starting the next cycle and choosing audits to compare."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from audit_app.audits.forms import _valid_cycle
from audit_app.forms import Form, GovDateField, optional_int
from audit_app.kept_widgets import KeptCheckboxesInput, KeptRadioInput, KeptSubmitInput


def _long_date(value: date) -> str:
    return value.strftime("%-d %B %Y")


class NextCycleForm(Form):
    """The next cycle of ``source``: its period must begin after the source's ends."""

    title = StringField(
        "Title of the new audit",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter a title for the new audit"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    cycle = StringField(
        "Cycle",
        description="The financial year the new audit covers, like 2027/28",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the cycle, like 2027/28"), _valid_cycle],
    )
    period_start = GovDateField(
        "Start of the period", "the start of the period", description="For example, 1 4 2027"
    )
    period_end = GovDateField(
        "End of the period", "the end of the period", description="For example, 31 3 2028"
    )
    submit = SubmitField("Start the next cycle", widget=GovSubmitInput())

    def __init__(
        self, source: Any, started: dict[str, str] | None = None, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        self.started = started or {}  # cycle -> title of an audit already started from source

    def validate_cycle(self, field: Any) -> None:
        if field.data and field.data == self.source.cycle:
            raise ValidationError(
                f"The next cycle must differ from this audit's cycle ({self.source.cycle})"
            )
        if field.data in self.started:
            raise ValidationError(
                f"The {field.data} cycle was started from this audit already "
                f"(‘{self.started[field.data]}’): enter a different cycle"
            )

    def validate_period_start(self, field: Any) -> None:
        if field.data and field.data <= self.source.period_end:
            raise ValidationError(
                "The start of the period must be after this audit's period ends "
                f"({_long_date(self.source.period_end)})"
            )

    def validate_period_end(self, field: Any) -> None:
        start = self.period_start.data
        if start and field.data and field.data <= start:
            raise ValidationError("The end of the period must be after its start")


class ConfirmForm(Form):
    """Confirm a carried judgement unchanged, at the version the page showed."""

    version = HiddenField(filters=[optional_int])
    submit = SubmitField("Confirm unchanged", widget=GovSubmitInput())


class EarlierAuditForm(Form):
    """Which earlier audit to compare with (a GET form: no CSRF token)."""

    class Meta(Form.Meta):
        csrf = False

    earlier = RadioField(
        "Compare with",
        coerce=optional_int,
        widget=KeptRadioInput(),
        validate_choice=False,
    )
    submit = SubmitField("Compare", widget=KeptSubmitInput())

    def validate_earlier(self, field: Any) -> None:
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose an earlier audit from the list")


class CompareAreasForm(Form):
    """The published audits to compare (a GET form, so results can be bookmarked)."""

    class Meta(Form.Meta):
        csrf = False

    audits = SelectMultipleField(
        "Audits to compare",
        description="Choose at least two published audits.",
        coerce=optional_int,
        widget=KeptCheckboxesInput(),
        validate_choice=False,
    )
    submit = SubmitField("Compare areas", widget=KeptSubmitInput())

    def validate_audits(self, field: Any) -> None:
        allowed = {value for value, _ in field.choices}
        # An empty value is nothing ticked; anything else must be on the list.
        chosen = [optional_int(raw) for raw in field.raw_data or [] if raw.strip()]
        field.data = chosen
        if any(value not in allowed for value in chosen):
            raise ValidationError("Choose audits from the list")
        if len(set(chosen)) < 2:
            raise ValidationError("Choose at least two audits to compare")
