"""The lead's forms for the area's published figures: one figure, or a published table."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import Field, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from audit_app.forms import Form
from audit_app.services import uploads
from hub_model.published_figures import check
from hub_model.quality_of_life_scoring import Scoring

TYPED = ("measure", "year", "value", "base", "ci_low", "ci_high")


def _line(label: str, hint: str | None = None, limit: int = 20) -> Any:
    return StringField(
        label,
        description=hint,
        widget=GovTextInput(),
        validators=[Optional(), Length(max=limit, message=f"Enter {limit} characters or fewer")],
    )


class FigureForm(Form):
    measure = RadioField("Measure", widget=GovRadioInput(), validate_choice=False)
    year = _line("Survey year", "For example, 2023-24")
    council_code = _line("Council code (optional)", "For example, E10000034", limit=12)
    value = _line("Published value", "A score out of 12, or a percentage")
    base = _line("Number of carers it is about (optional)", "The base or respondents, like 412")
    ci_low = _line("Low end of its 95% confidence interval (optional)")
    ci_high = _line("High end of its 95% confidence interval (optional)")
    submit = SubmitField("Save the figure", widget=GovSubmitInput())

    def setup(self, scoring: Scoring) -> FigureForm:
        self.scoring = scoring
        self.measure.choices = [
            (code, f"{scoring.title_of(code)} (ASCOF {scoring.ascof_of(code)})")
            for code in scoring.measure_codes()
        ]
        return self

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        typed = {name: getattr(self, name).data or "" for name in TYPED}
        if typed["measure"] and typed["measure"] not in self.scoring.measure_codes():
            self.measure.errors = ["Choose a measure from the list"]
            return False
        figure, problems = check(self.scoring, typed)
        for name, message in problems.items():
            field = getattr(self, name)
            field.errors = [*field.errors, message]
        self.figure = figure
        return ok and figure is not None

    def values(self) -> dict[str, Any]:
        figure = self.figure
        assert figure is not None
        return {
            "measure": figure.measure,
            "year": figure.year,
            "council_code": self.council_code.data or None,
            "value": figure.value,
            "base": figure.base,
            "ci_low": figure.ci_low,
            "ci_high": figure.ci_high,
        }


class ImportForm(Form):
    council_code = StringField(
        "Council code",
        description="The code of your council in the published table, like E10000034",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter your council's code"),
            Length(max=12, message="Enter 12 characters or fewer"),
        ],
    )
    csv_file = FileField(
        "Upload the published table as a CSV file",
        description="Columns: council code, measure, year, value, base (and, if given, ci low and ci high).",
        widget=GovFileInput(),
    )
    submit = SubmitField("Import the figures", widget=GovSubmitInput())

    def validate_csv_file(self, field: Field) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError("Select a CSV file")
        if not upload.filename.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV")
        limit = uploads.largest_file_bytes()
        if uploads.size_of(upload) > limit:
            raise ValidationError(
                f"The selected file must be smaller than {uploads.describe_size(limit)}"
            )
