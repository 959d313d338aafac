"""Forms for publishing, commissioners' review and "you said, we did"."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from audit_app.forms import Form
from audit_app.models.publishing import AGREED, DECISIONS
from audit_app.services.publishing import COMMENT_SECTIONS
from hub_model.suppression import SMALLEST_GROUP
from hub_model.survey_disclosure import quotes

QUOTES_WITHHELD = (
    "This repeats word for word what a carer wrote in a questionnaire that fewer than "
    f"{SMALLEST_GROUP} people answered, which the results do not show. Put it in your own "
    "words, so that no one can be recognised"
)


def _text(label: str, what: str, required: str | None = None, limit: int = 5000) -> Any:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        validators=[
            DataRequired(required) if required else Optional(),
            Length(max=limit, message=f"{what} must be {limit:,} characters or fewer"),
        ],
    )


class PublishForm(Form):
    note = _text("What this version contains or changes (optional)", "The note", limit=2000)
    submit = SubmitField("Publish to commissioners", widget=GovSubmitInput())


class CommentForm(Form):
    section = SelectField(
        "What is your comment about?",
        choices=list(COMMENT_SECTIONS.items()),
        widget=GovSelect(),
        validators=[DataRequired("Choose what your comment is about")],
    )
    body = _text("Comment", "Your comment", "Enter your comment")
    submit = SubmitField("Add comment", widget=GovSubmitInput())


def _comment_needed(form: Any, field: Any) -> None:
    needs_reason = form.decision.data in DECISIONS and form.decision.data != AGREED
    if needs_reason and not (field.data or "").strip():
        raise ValidationError("Say what needs to change, or why you do not agree")


class AgreementForm(Form):
    decision = RadioField(
        "Your decision",
        choices=list(DECISIONS.items()),
        widget=GovRadioInput(),
        validators=[DataRequired("Choose whether you agree")],
    )
    comment = TextAreaField(
        "What needs to change, or why (needed unless you agree)",
        widget=GovTextArea(),
        validators=[
            _comment_needed,
            Length(max=5000, message="Your reason must be 5,000 characters or fewer"),
        ],
    )
    version = HiddenField()
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class SummaryForm(Form):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    introduction = _text("Introduction (optional)", "The introduction")
    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())


class ItemForm(Form):
    you_said = _text("You said", "What carers said", "Enter what carers said", limit=2000)
    we_did = _text("We did (or will do)", "What was done", "Enter what was done", limit=2000)
    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())
    # Free-text answers the questionnaire results withhold (set by the view).
    withheld: list[str] = []

    def validate_you_said(self, field: Any) -> None:
        if quotes(field.data or "", self.withheld) is not None:
            raise ValidationError(QUOTES_WITHHELD)


class ButtonForm(Form):
    """A form that is only a button (make public, withdraw)."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
