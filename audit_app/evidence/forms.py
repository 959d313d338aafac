"""The evidence return a partner fills in (§8.2–§8.8), and the lead's decision on it."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask import current_app
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
from markupsafe import Markup
from werkzeug.datastructures import FileStorage
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from audit_app.forms import Form, GovDateField, clean_text, optional_int
from audit_app.models.evidence import EVIDENCE_STATUSES
from audit_app.services import uploads
from audit_app.services.frameworks import group_choices

TEXT_LIMIT = 5000
MOST_CARERS = 10_000_000
MOST_POUNDS = Decimal("10000000")
_WHOLE_NUMBER = re.compile(r"^[0-9]+$")
_MONEY = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def _long_text(label: str, what: str, description: str | None = None) -> TextAreaField:
    return TextAreaField(
        label,
        description=description,
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=TEXT_LIMIT, message=f"{what} must be 5,000 characters or fewer"),
        ],
    )


class WholeNumberField(StringField):
    """A count typed as text ("1,200" is fine); keeps what was typed when it is wrong."""

    def __init__(self, label: str, what: str, **kwargs: Any) -> None:
        super().__init__(label, widget=GovTextInput(), **kwargs)
        self.what = what

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = (clean_text(valuelist[0]) if valuelist else "") or ""
        text = text.replace(",", "").replace(" ", "")
        if not text:
            return
        if text.startswith("-") and _WHOLE_NUMBER.match(text[1:]):
            raise ValueError(f"{self.what} must be 0 or more")
        if not _WHOLE_NUMBER.match(text):
            raise ValueError(f"{self.what} must be a whole number, like 120")
        if int(text) > MOST_CARERS:
            raise ValueError(f"{self.what} must be {MOST_CARERS:,} or fewer")
        self.data = int(text)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


class PoundsField(StringField):
    """An amount in pounds and pence, like 45.50 (a £ sign and commas are fine)."""

    def __init__(self, label: str, what: str, **kwargs: Any) -> None:
        super().__init__(label, widget=GovTextInput(), **kwargs)
        self.what = what

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = (clean_text(valuelist[0]) if valuelist else "") or ""
        text = text.replace("£", "").replace(",", "").replace(" ", "")
        if not text:
            return
        if text.startswith("-") and _MONEY.match(text[1:]):
            raise ValueError(f"{self.what} must be £0 or more")
        if not _MONEY.match(text):
            raise ValueError(f"{self.what} must be an amount in pounds, like 45.50")
        if "." in text and len(text.split(".")[1]) > 2:
            raise ValueError(f"{self.what} must have no more than 2 decimal places, like 45.50")
        amount = Decimal(text)
        if amount > MOST_POUNDS:
            raise ValueError(f"{self.what} must be £{MOST_POUNDS:,} or less")
        self.data = amount.quantize(Decimal("0.01"))

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else f"{self.data:.2f}"


class EvidenceForm(Form):
    version = HiddenField()
    service_name = StringField(
        "Name of the service",
        description="For example, Carers' emotional support service",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the name of the service"),
            Length(max=200, message="Name of the service must be 200 characters or fewer"),
        ],
    )
    description = _long_text("What the service does (optional)", "What the service does")
    interventions = SelectMultipleField(
        "Which interventions of the Carers' Hub does it deliver?",
        description="Select all that apply",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    groups_reached = SelectMultipleField(
        "Which groups of carers does it reach? (optional)",
        description="Select all that apply",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    groups_not_reached = SelectMultipleField(
        "Which groups of carers does it not reach, or reach poorly? (optional)",
        description="Groups with distinct needs the service misses, and the most overlooked",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    numbers_reached = WholeNumberField(
        "Number of carers reached in the period (optional)",
        "Number of carers reached",
        description="A whole number, like 120",
    )
    organisations_engaged = _long_text(
        "Organisations engaged in supporting these carers (optional)",
        "Organisations engaged",
        "Including services that are not for carers, and how many carers they identify, "
        "such as GP practices' carers registers",
    )
    could_engage_better = _long_text(
        "Organisations that could be better engaged (optional)",
        "Organisations that could be better engaged",
    )
    quality_marks = SelectMultipleField(
        "Quality marks held (optional)",
        description="Select all that apply",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    satisfaction = _long_text(
        "Carer satisfaction results (optional)",
        "Carer satisfaction results",
        "From your carer satisfaction survey: how many replied, and what they said",
    )
    caseload_profile = _long_text(
        "Caseload profile (optional)",
        "Caseload profile",
        "Who is on your caseload: numbers by group, age and community",
    )
    outcome_baseline = _long_text(
        "Outcome measure: baseline (optional)",
        "Outcome measure baseline",
        "The measure you use, and where carers were when they started",
    )
    outcome_follow_up = _long_text(
        "Outcome measure: follow-up (optional)",
        "Outcome measure follow-up",
        "Where carers were at follow-up, and how long after they started",
    )
    pathway_element = RadioField(
        "Which element of the support pathway is it? (optional)",
        widget=GovRadioInput(),
        validate_choice=False,
    )
    funding_mode = RadioField(
        "How is it funded? (optional)",
        widget=GovRadioInput(),
        validate_choice=False,
    )
    unit_cost = PoundsField(
        "Unit cost (optional)",
        "Unit cost",
        description="For one unit of the service, like 45.50 for an hour of support",
    )
    unit_cost_notes = _long_text(
        "What the unit cost covers, and costs for groups where they differ (optional)",
        "Unit cost notes",
        "For example, reaching isolated carers may cost more per carer",
    )
    contact_time = StringField(
        "Contact time (optional)",
        description="For example, 2 hours a week for 6 weeks",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=200, message="Contact time must be 200 characters or fewer"),
        ],
    )
    evidence_date = GovDateField(
        "Date of the evidence",
        "the date of the evidence",
        description="When the figures were taken, for example 31 3 2027",
    )
    review_by = GovDateField(
        "Review by (optional)",
        "the review-by date",
        required=False,
        description="After this date the evidence is shown as out of date",
    )
    attachment = FileField(
        "Attach a file (optional)",
        description=(
            "A PDF, Word document, Excel spreadsheet, CSV, text file, PNG or JPEG, "
            "smaller than 10 MB. You can add more files later."
        ),
        widget=GovFileInput(),
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    checked_file: uploads.CheckedFile | None = None
    # Per-option hints (the framework's descriptions), as govuk checkbox/radio items.
    item_hints: dict[str, list[dict[str, Any]]] = {}

    def use_framework(self, framework: Any) -> EvidenceForm:
        """Offer the audit's own interventions, groups and lists."""
        self.interventions.choices = [(item.code, item.name) for item in framework.interventions]
        groups = group_choices(framework)
        self.groups_reached.choices = groups
        self.groups_not_reached.choices = groups
        self.quality_marks.choices = _list(framework, "quality_marks")
        self.pathway_element.choices = _list(framework, "support_pathway_elements")
        self.funding_mode.choices = _list(framework, "funding_modes")
        self.item_hints = {
            "quality_marks": _hints(framework, "quality_marks"),
            "pathway_element": _hints(framework, "support_pathway_elements"),
            "funding_mode": _hints(framework, "funding_modes"),
        }
        return self

    def load(self, values: dict[str, Any], version: int) -> None:
        """Fill the form from a saved return (on GET)."""
        for name, value in values.items():
            field = getattr(self, name)
            field.data = list(value or []) if isinstance(field, SelectMultipleField) else value
        self.version.data = str(version)

    def values(self) -> dict[str, Any]:
        """What to save, typed for the model."""
        return {
            "service_name": self.service_name.data or "",
            "description": self.description.data or None,
            "interventions": _unique(self.interventions.data),
            "groups_reached": _unique(self.groups_reached.data),
            "groups_not_reached": _unique(self.groups_not_reached.data),
            "numbers_reached": self.numbers_reached.data,
            "organisations_engaged": self.organisations_engaged.data or None,
            "could_engage_better": self.could_engage_better.data or None,
            "quality_marks": _unique(self.quality_marks.data),
            "satisfaction": self.satisfaction.data or None,
            "caseload_profile": self.caseload_profile.data or None,
            "outcome_baseline": self.outcome_baseline.data or None,
            "outcome_follow_up": self.outcome_follow_up.data or None,
            "pathway_element": self.pathway_element.data or None,
            "funding_mode": self.funding_mode.data or None,
            "unit_cost": self.unit_cost.data,
            "unit_cost_notes": self.unit_cost_notes.data or None,
            "contact_time": self.contact_time.data or None,
            "evidence_date": self.evidence_date.data,
            "review_by": self.review_by.data,
        }

    def loaded_version(self) -> int:
        """The version the form was loaded with; a forged one counts as stale."""
        return optional_int(self.version.data) or 0

    def validate_interventions(self, field: Any) -> None:
        if not field.data:
            raise ValidationError("Select at least one intervention the service delivers")
        _from_list(field, "Select interventions from the list")

    def validate_groups_reached(self, field: Any) -> None:
        _from_list(field, "Select groups of carers from the list")

    def validate_groups_not_reached(self, field: Any) -> None:
        _from_list(field, "Select groups of carers from the list")
        both = set(field.data or ()) & set(self.groups_reached.data or ())
        if both:
            names = dict(field.choices or [])
            shown = ", ".join(names[code].lstrip("– ") for code in sorted(both))
            raise ValidationError(f"A group cannot be both reached and not reached: {shown}")

    def validate_quality_marks(self, field: Any) -> None:
        _from_list(field, "Select quality marks from the list")

    def validate_pathway_element(self, field: Any) -> None:
        _one_of(field, "Select an element of the support pathway from the list")

    def validate_funding_mode(self, field: Any) -> None:
        _one_of(field, "Select how the service is funded from the list")

    def validate_review_by(self, field: Any) -> None:
        start = self.evidence_date.data
        if start and field.data and field.data <= start:
            raise ValidationError("The review-by date must be after the date of the evidence")

    def validate_attachment(self, field: Any) -> None:
        self.checked_file = None
        storage = field.data
        if not isinstance(storage, FileStorage) or not storage.filename:
            return
        try:
            self.checked_file = uploads.check(storage, uploads.max_file_bytes())
        except uploads.UploadRejected as rejected:
            raise ValidationError(str(rejected)) from rejected


class SubmitForm(Form):
    version = HiddenField()
    submit = SubmitField("Submit to the carers lead", widget=GovSubmitInput())

    def loaded_version(self) -> int:
        return optional_int(self.version.data) or 0


class DecisionForm(Form):
    version = HiddenField()
    decision = RadioField(
        "Your decision",
        choices=[("accept", "Accept"), ("return", "Return with comments")],
        widget=GovRadioInput(),
        validate_choice=False,
    )
    comments = TextAreaField(
        "Comments for the partner",
        description="Say what to add or change. Required if you return it.",
        widget=GovTextArea(),
        validators=[
            Length(max=TEXT_LIMIT, message="Comments must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Confirm decision", widget=GovSubmitInput())

    def loaded_version(self) -> int:
        return optional_int(self.version.data) or 0

    def validate_decision(self, field: Any) -> None:
        if field.data not in {"accept", "return"}:
            raise ValidationError("Choose whether to accept the evidence or return it")

    def validate_comments(self, field: Any) -> None:
        if self.decision.data == "return" and not field.data:
            raise ValidationError("Enter comments saying what the partner should change")


class StatusFilterForm(Form):
    """The list's filter: a GET form, so no CSRF token."""

    class Meta(Form.Meta):
        csrf = False

    status = SelectField(
        "Status",
        choices=[("", "All statuses"), *EVIDENCE_STATUSES.items()],
        widget=GovSelect(),
        validate_choice=False,
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def chosen(self) -> str | None:
        return self.status.data if self.status.data in EVIDENCE_STATUSES else None

    def controls(self) -> Markup:
        """The filter's select and button. They differ only by the status shown, so
        each app renders them once for each status offered (through govuk-frontend-wtf
        that was a tenth of the list's time); anything else typed into the address is
        rendered afresh, never kept."""
        shown = self.status.data
        if shown is not None and shown != "" and shown not in EVIDENCE_STATUSES:
            return self._render_controls()
        kept: dict[str | None, Markup] = current_app.extensions.setdefault("evidence-filter", {})
        if shown not in kept:
            kept[shown] = self._render_controls()
        return kept[shown]

    def _render_controls(self) -> Markup:
        select = self.status(params={"formGroup": {"classes": "govuk-!-margin-bottom-3"}})
        button = self.submit(params={"classes": "govuk-button--secondary", "name": False})
        return Markup(f"{select}\n  {button}")  # noqa: S704 (the widgets' own markup)


def _list(framework: Any, name: str) -> list[tuple[str, str]]:
    try:
        return [(item.code, item.label) for item in framework.list_items(name)]
    except KeyError:
        return []


def _hints(framework: Any, name: str) -> list[dict[str, Any]]:
    try:
        items = framework.list_items(name)
    except KeyError:
        return []
    return [{"hint": {"text": item.description}} if item.description else {} for item in items]


def _unique(codes: list[str] | None) -> list[str]:
    return list(dict.fromkeys(codes or []))


def _from_list(field: Any, message: str) -> None:
    allowed = {value for value, _ in field.choices or []}
    if any(code not in allowed for code in field.data or []):
        raise ValidationError(message)


def _one_of(field: Any, message: str) -> None:
    if field.data and field.data not in {value for value, _ in field.choices or []}:
        raise ValidationError(message)
