"""The lead's score and narrative for one CQC quality statement."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from audit_app.forms import Form
from audit_app.ratings.forms import LONG_TEXT, _version_or_none

NOT_SCORED = "not_scored"
NEEDS_NARRATIVE = "Say why you gave this score: the narrative is what CQC will read"


class CqcScoreForm(Form):
    score = RadioField(
        "Your score",
        widget=GovRadioInput(),
        validators=[DataRequired("Choose a score from 1 to 4, or not scored yet")],
        validate_choice=False,
    )
    narrative = TextAreaField(
        "Your narrative",
        description="What the evidence shows for this statement, what is missing and what you are doing about it",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(
                max=LONG_TEXT, message=f"The narrative must be {LONG_TEXT:,} characters or fewer"
            ),
        ],
    )
    version = HiddenField(filters=[_version_or_none])
    submit = SubmitField("Save score and narrative", widget=GovSubmitInput())

    def setup(self, words: list[tuple[int, str]]) -> CqcScoreForm:
        self.score.choices = [(str(score), f"{score}: {text}") for score, text in words] + [
            (NOT_SCORED, "Not scored yet")
        ]
        return self

    def validate_score(self, field: Any) -> None:
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose a score from 1 to 4, or not scored yet")

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' own checks, then: a score needs its narrative (checked here, as
        the narrative's Optional stops its own checks when it is empty)."""
        valid = bool(super().validate(extra_validators))
        if self.score.data not in (None, "", NOT_SCORED) and not self.narrative.data:
            self.narrative.errors = [*self.narrative.errors, NEEDS_NARRATIVE]
            return False
        return valid

    @property
    def chosen_score(self) -> int | None:
        return None if self.score.data == NOT_SCORED else int(self.score.data)
