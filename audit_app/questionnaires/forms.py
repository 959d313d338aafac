"""Questionnaire forms. One engine builds every questionnaire's pages from its
definition (:func:`page_form`); no questionnaire has a hand-written form.

Each question type maps to one GOV.UK pattern:
single choice and scale -> radios; multiple choice -> checkboxes; ranking ->
one select per place ("1st choice", "2nd choice"...); number -> a numeric text
input; free text -> a textarea. Values are read back as the same JSON values a
CSV import stores (see hub_model.questionnaire.parse_answer).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from audit_app.forms import Form, GovDateField
from audit_app.services import uploads
from hub_model.questionnaire import (
    Answer,
    AnswerError,
    Page,
    Question,
    QuestionType,
    parse_answer,
    scale_label,
)

ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th")


def _short(question: Question) -> str:
    return question.text.rstrip("?.").rstrip()


class _Required:
    """Stop with ``message`` when nothing was chosen or typed."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        if field.data in (None, "", []):
            field.errors[:] = []
            raise StopValidation(self.message)


def _known_choices(form: Any, field: Field) -> None:
    known = {value for value, _ in field.choices}  # type: ignore[attr-defined]
    chosen = field.data if isinstance(field.data, list) else [field.data]
    if any(value not in known for value in chosen if value not in (None, "")):
        raise ValidationError("Choose from the options given")


def _number(question: Question) -> Any:
    def check(form: Any, field: Field) -> None:
        if not (field.data or "").strip():
            return
        try:
            parse_answer(question, field.data)
        except AnswerError as error:
            bounds = ""
            if question.minimum is not None and question.maximum is not None:
                bounds = f" from {question.minimum:,} to {question.maximum:,}"
            raise ValidationError(f"Enter a whole number{bounds}") from error

    return check


def _ranking_place(question: Question, place: int) -> Any:
    """A rank's select: required places must be filled; no option chosen twice."""

    def check(form: Any, field: Field) -> None:
        earlier = [form[f"{question.code}__{n}"].data for n in range(place)]
        if field.data and field.data in earlier:
            option = question.option(field.data)
            raise ValidationError(
                f"You have chosen ‘{option.label if option else field.data}’ more than once"
            )
        if not field.data and question.required:
            raise ValidationError(f"Choose your {ORDINALS[place]} choice")

    return check


def _fields(question: Question) -> dict[str, Any]:
    hint = question.hint or ""
    optional = Optional() if not question.required else None
    kind = question.type
    if kind in {QuestionType.SINGLE_CHOICE, QuestionType.SCALE}:
        if kind is QuestionType.SCALE:
            choices = [(str(p), scale_label(question, p)) for p in question.scale_points()]
        else:
            choices = [(option.code, option.label) for option in question.options]
        validators = [optional or _Required(f"Select an answer to ‘{_short(question)}’")]
        return {
            question.code: RadioField(
                question.text,
                choices=choices,
                description=hint,
                widget=GovRadioInput(),
                validate_choice=False,
                validators=[*validators, _known_choices],
            )
        }
    if kind is QuestionType.MULTIPLE_CHOICE:
        validators = [optional or _Required(f"Select at least one answer to ‘{_short(question)}’")]
        return {
            question.code: SelectMultipleField(
                question.text,
                choices=[(option.code, option.label) for option in question.options],
                description=hint,
                widget=GovCheckboxesInput(),
                validate_choice=False,
                validators=[*validators, _known_choices],
            )
        }
    if kind is QuestionType.RANKING:
        choices = [("", "Choose an option")] + [(o.code, o.label) for o in question.options]
        return {
            f"{question.code}__{place}": SelectField(
                f"{ORDINALS[place]} choice" + ("" if question.required else " (optional)"),
                choices=choices,
                widget=GovSelect(),
                validate_choice=False,
                validators=[_known_choices, _ranking_place(question, place)],
            )
            for place in range(question.pick)
        }
    if kind is QuestionType.NUMBER:
        validators = [optional or DataRequired(f"Enter an answer to ‘{_short(question)}’")]
        return {
            question.code: StringField(
                question.text,
                description=hint,
                widget=GovTextInput(),
                validators=[*validators, _number(question)],
            )
        }
    limit = question.max_length
    validators = [optional or DataRequired(f"Enter an answer to ‘{_short(question)}’")]
    return {
        question.code: TextAreaField(
            question.text,
            description=hint,
            widget=GovTextArea(),
            validators=[
                *validators,
                Length(max=limit, message=f"Your answer must be {limit:,} characters or fewer"),
            ],
        )
    }


class PageForm(Form):
    """A page of a questionnaire; built by :func:`page_form`."""

    page: Page
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def values(self) -> dict[str, Answer | None]:
        """The answers typed on this page, as stored values."""
        out: dict[str, Answer | None] = {}
        for question in self.page.questions:
            if question.type is QuestionType.RANKING:
                places = [self[f"{question.code}__{n}"].data for n in range(question.pick)]
                out[question.code] = [code for code in places if code] or None
                continue
            data = self[question.code].data
            if question.type is QuestionType.MULTIPLE_CHOICE:
                chosen = set(data or [])
                out[question.code] = [o.code for o in question.options if o.code in chosen] or None
            elif question.type in {QuestionType.SCALE, QuestionType.NUMBER}:
                out[question.code] = parse_answer(question, str(data or "")) if data else None
            else:
                out[question.code] = data or None
        return out

    def fill(self, answers: dict[str, Any]) -> None:
        """Show saved ``answers`` (on a GET, or coming back to change them)."""
        for question in self.page.questions:
            value = answers.get(question.code)
            if value is None:
                continue
            if question.type is QuestionType.RANKING:
                for place, code in enumerate(value[: question.pick]):
                    self[f"{question.code}__{place}"].data = code
            elif question.type in {QuestionType.SCALE, QuestionType.NUMBER}:
                self[question.code].data = str(value)
            else:
                self[question.code].data = value

    def question_fields(self, question: Question) -> list[Any]:
        if question.type is QuestionType.RANKING:
            return [self[f"{question.code}__{n}"] for n in range(question.pick)]
        return [self[question.code]]


def page_form(page: Page, last: bool = False, **kwargs: Any) -> PageForm:
    """The form for one page of a questionnaire."""
    fields: dict[str, Any] = {"page": page}
    for question in page.questions:
        fields.update(_fields(question))
    fields["submit"] = SubmitField("Continue", widget=GovSubmitInput())
    form_class = type("QuestionnairePageForm", (PageForm,), fields)
    return form_class(**kwargs)  # type: ignore[no-any-return]


class SendForm(Form):
    """Check your answers, then send them."""

    submit = SubmitField("Send your answers", widget=GovSubmitInput())


# The lead's forms.


class OpenForm(Form):
    definition = RadioField(
        "Which questionnaire?",
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[_Required("Choose a questionnaire"), _known_choices],
    )
    opens_on = GovDateField("Opens on", "the date it opens")
    closes_on = GovDateField("Closes on", "the date it closes")
    submit = SubmitField("Open the questionnaire", widget=GovSubmitInput())

    def validate_closes_on(self, field: Field) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(
                "The date it closes must be the same as or after the date it opens"
            )
        if field.data and field.data < date.today():
            raise ValidationError("The date it closes must be today or in the future")


class StatusForm(Form):
    version = HiddenField()
    submit = SubmitField("Close the questionnaire", widget=GovSubmitInput())


class RankingForm(Form):
    submit = SubmitField("Use this ranking in Step 2", widget=GovSubmitInput())


class RestartImportForm(Form):
    """For an import nothing is processing: run it in this request, or queue it again."""

    run_now = SubmitField("Run the import now", widget=GovSubmitInput())
    queue_again = SubmitField("Queue it again", widget=GovSubmitInput())


class UploadForm(Form):
    csv_file = FileField(
        "Upload a CSV file",
        description="The first row names the columns. Save it as CSV (UTF-8).",
        widget=GovFileInput(),
    )
    submit = SubmitField("Upload and match columns", widget=GovSubmitInput())

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


NOT_IN_FILE = ""


def mapping_form(questions: list[Question], headers: list[str], **kwargs: Any) -> Any:
    """One select per question: which of the file's columns holds its answers."""
    choices = [(NOT_IN_FILE, "Not in the file")] + [(header, header) for header in headers]
    fields: dict[str, Any] = {}
    for question in questions:
        validators: list[Any] = [_known_choices]
        if question.required:
            validators.insert(
                0, _Required(f"Choose the column with the answers to ‘{_short(question)}’")
            )
        fields[f"column_{question.code}"] = SelectField(
            question.text,
            description=f"Question code: {question.code}"
            + ("" if question.required else " (optional question)"),
            choices=choices,
            widget=GovSelect(),
            validate_choice=False,
            validators=validators,
        )
    fields["submit"] = SubmitField("Check and import", widget=GovSubmitInput())
    return type("MappingForm", (Form,), fields)(**kwargs)
