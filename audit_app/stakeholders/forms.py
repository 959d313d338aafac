"""Step 1 forms: a stakeholder, a carer population figure, a linked source.

Choices drawn from the audit's framework are set by the `*_form` builders, so a
code the framework does not have (forged, or tailored away) is a field error.
Each form's `values()` gives the model's columns from what was typed.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
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
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from audit_app.forms import Form
from audit_app.models.stakeholders import ENGAGEMENT_STATUSES
from audit_app.services.frameworks import group_choices
from audit_app.services.stakeholders import GEOGRAPHY_LEVELS, SOURCE_KINDS, UNITS
from hub_model.framework_schema import Framework

FIRST_YEAR = 1990
# Numeric(14, 2): twelve digits before the point.
LARGEST_VALUE = Decimal("999999999999.99")
NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)$")
WEB_ADDRESS = re.compile(r"^https?://[^\s/?#]+\S*$", re.IGNORECASE)


def _notes() -> TextAreaField:
    return TextAreaField(
        "Notes (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=5000, message="Notes must be 5,000 characters or fewer"),
        ],
    )


def _in_choices(field: Any, message: str) -> None:
    if field.data not in {value for value, _ in field.choices}:
        raise ValidationError(message)


def _or_none(text: str | None) -> str | None:
    return text or None


def parse_number(text: str | None) -> Decimal | None:
    """A typed figure ("1,250", "12.5") as a Decimal; None if it is not a number."""
    cleaned = (text or "").replace(",", "").replace(" ", "")
    if not NUMBER.match(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def check_year(text: str | None, what: str) -> None:
    """A four-digit year from 1990 to next year; ``what`` names it in messages."""
    latest = date.today().year + 1
    if not text or not text.isdigit() or len(text) != 4:
        raise ValidationError(f"{what} must be 4 digits, like 2021")
    if not FIRST_YEAR <= int(text) <= latest:
        raise ValidationError(f"{what} must be between {FIRST_YEAR} and {latest}")


class StakeholderForm(Form):
    name = StringField(
        "Name",
        description="A person, a group or a service, such as Northshire Carers' Forum",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the stakeholder's name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    organisation = StringField(
        "Organisation (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=200, message="Organisation must be 200 characters or fewer"),
        ],
    )
    type_code = RadioField(
        "Type of stakeholder",
        description="Carers, and the people they care for, are the most important stakeholders",
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[DataRequired("Choose the type of stakeholder")],
    )
    subtype_code = SelectField(
        "Subtype (optional)",
        description="Choose one that belongs to the type you chose",
        widget=GovSelect(),
        validate_choice=False,
    )
    groups = SelectMultipleField(
        "Carer groups they represent or reach (optional)",
        description="Select all that apply",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    engagement = RadioField(
        "Engagement so far",
        description="How far they have taken part in the audit",
        choices=list(ENGAGEMENT_STATUSES.items()),
        default="identified",
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[DataRequired("Choose how far this stakeholder is engaged")],
    )
    notes = _notes()
    version = HiddenField()
    submit = SubmitField("Save stakeholder", widget=GovSubmitInput())

    framework: Framework

    def validate_type_code(self, field: Any) -> None:
        _in_choices(field, "Choose a type of stakeholder from the list")

    def validate_subtype_code(self, field: Any) -> None:
        if not field.data:
            return
        _in_choices(field, "Choose a subtype from the list")
        chosen = next(
            (kind for kind in self.framework.stakeholder_types if kind.code == self.type_code.data),
            None,
        )
        if chosen is not None and field.data not in {sub.code for sub in chosen.subtypes}:
            raise ValidationError(f"Choose a subtype of ‘{chosen.name}’, or leave it blank")

    def validate_groups(self, field: Any) -> None:
        known = {value for value, _ in field.choices}
        if any(code not in known for code in field.data or []):
            raise ValidationError("Choose carer groups from the list")

    def validate_engagement(self, field: Any) -> None:
        _in_choices(field, "Choose how far this stakeholder is engaged from the list")

    def values(self) -> dict[str, Any]:
        chosen = set(self.groups.data or [])
        return {
            "name": self.name.data,
            "organisation": _or_none(self.organisation.data),
            "type_code": self.type_code.data,
            "subtype_code": _or_none(self.subtype_code.data),
            # In framework order, whatever order the browser sent them in.
            "groups": [code for code, _ in self.groups.choices if code in chosen],
            "engagement": self.engagement.data,
            "notes": _or_none(self.notes.data),
        }


def stakeholder_form(framework: Framework, **kwargs: Any) -> StakeholderForm:
    form = StakeholderForm(**kwargs)
    form.framework = framework
    form.type_code.choices = [(kind.code, kind.name) for kind in framework.stakeholder_types]
    form.subtype_code.choices = [("", "None chosen")] + [
        (sub.code, f"{kind.name} – {sub.label}")
        for kind in framework.stakeholder_types
        for sub in kind.subtypes
    ]
    form.groups.choices = group_choices(framework)
    return form


class StatisticForm(Form):
    measure = StringField(
        "What is measured",
        description="For example, carers providing 50 or more hours of care a week",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter what is measured"),
            Length(max=200, message="What is measured must be 200 characters or fewer"),
        ],
    )
    value = StringField(
        "Value",
        description="A number, like 1250 or 12.5",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the value")],
    )
    unit = RadioField(
        "Unit",
        description="What the value counts",
        choices=list(UNITS.items()),
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[DataRequired("Choose the unit of the value")],
    )
    geography_level = RadioField(
        "Geography",
        description="Figures can go down to ward level",
        choices=list(GEOGRAPHY_LEVELS.items()),
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[
            DataRequired("Choose whether the figure is for the area, a locality or a ward")
        ],
    )
    geography_name = StringField(
        "Name of the locality or ward",
        description="Not needed for a figure for the whole area",
        widget=GovTextInput(),
        validators=[
            Length(max=200, message="Name of the locality or ward must be 200 characters or fewer")
        ],
    )
    group_code = SelectField(
        "Carer group (optional)",
        widget=GovSelect(),
        validate_choice=False,
    )
    community = StringField(
        "Community (optional)",
        description=(
            "An ethnic or religious group, a community or a socio-economic group, "
            "such as Bangladeshi carers"
        ),
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=200, message="Community must be 200 characters or fewer"),
        ],
    )
    source = StringField(
        "Source",
        description="Where the figure comes from, such as 2021 Census, table TS039",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter where the figure comes from"),
            Length(max=300, message="Source must be 300 characters or fewer"),
        ],
    )
    year = StringField(
        "Year",
        description="The year the figure is for, like 2021",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the year the figure is for")],
    )
    notes = _notes()
    version = HiddenField()
    submit = SubmitField("Save figure", widget=GovSubmitInput())

    def validate_value(self, field: Any) -> None:
        number = parse_number(field.data)
        if number is None:
            raise ValidationError("Value must be a number, like 1250 or 12.5")
        if number < 0:
            raise ValidationError("Value must be 0 or more")
        if self.unit.data == "percentage" and number > 100:
            raise ValidationError("A percentage must be 100 or less")
        if number > LARGEST_VALUE:
            raise ValidationError("Value must be less than 1,000,000,000,000")
        if -number.as_tuple().exponent > 2:  # type: ignore[operator]
            raise ValidationError("Value must have no more than 2 decimal places")

    def validate_unit(self, field: Any) -> None:
        _in_choices(field, "Choose a unit from the list")

    def validate_geography_level(self, field: Any) -> None:
        _in_choices(field, "Choose whether the figure is for the area, a locality or a ward")

    def validate_geography_name(self, field: Any) -> None:
        if self.geography_level.data in {"locality", "ward"} and not field.data:
            raise ValidationError(f"Enter the name of the {self.geography_level.data}")

    def validate_group_code(self, field: Any) -> None:
        if field.data:
            _in_choices(field, "Choose a carer group from the list")

    def validate_year(self, field: Any) -> None:
        check_year(field.data, "Year")

    def values(self) -> dict[str, Any]:
        return {
            "measure": self.measure.data,
            "value": parse_number(self.value.data),
            "unit": self.unit.data,
            "geography_level": self.geography_level.data,
            "geography_name": _or_none(self.geography_name.data),
            "group_code": _or_none(self.group_code.data),
            "community": _or_none(self.community.data),
            "source": self.source.data,
            "year": int(self.year.data or 0),
            "notes": _or_none(self.notes.data),
        }


def statistic_form(framework: Framework, **kwargs: Any) -> StatisticForm:
    form = StatisticForm(**kwargs)
    form.group_code.choices = [("", "All carers, or not by group")] + group_choices(framework)
    return form


class SourceForm(Form):
    kind = RadioField(
        "Kind of source",
        description="The JSNA and the regional carers' profile give context for local figures",
        choices=list(SOURCE_KINDS.items()),
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[DataRequired("Choose what kind of source this is")],
    )
    title = StringField(
        "Title",
        description="For example, Northshire Joint Strategic Needs Assessment 2025: carers",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the title of the source"),
            Length(max=300, message="Title must be 300 characters or fewer"),
        ],
    )
    url = StringField(
        "Web address (optional)",
        description="Starting with https://",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=1000, message="Web address must be 1,000 characters or fewer"),
        ],
    )
    year = StringField(
        "Year (optional)",
        description="The year it was published, like 2025",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    notes = _notes()
    version = HiddenField()
    submit = SubmitField("Save source", widget=GovSubmitInput())

    def validate_kind(self, field: Any) -> None:
        _in_choices(field, "Choose a kind of source from the list")

    def validate_url(self, field: Any) -> None:
        if not WEB_ADDRESS.match(field.data):
            raise ValidationError(
                "Enter a web address starting with https:// or http://, "
                "like https://www.northshire.gov.uk/jsna"
            )

    def validate_year(self, field: Any) -> None:
        check_year(field.data, "Year")

    def values(self) -> dict[str, Any]:
        return {
            "kind": self.kind.data,
            "title": self.title.data,
            "url": _or_none(self.url.data),
            "year": int(self.year.data) if self.year.data else None,
            "notes": _or_none(self.notes.data),
        }


class EngagementFilter(Form):
    """The register's filter: read from the query string, so no CSRF token."""

    class Meta(Form.Meta):
        csrf = False

    engagement = SelectField(
        "Engagement",
        choices=[("", "All stakeholders")] + list(ENGAGEMENT_STATUSES.items()),
        widget=GovSelect(),
        validate_choice=False,
    )
    submit = SubmitField("Show", widget=GovSubmitInput())

    def chosen(self) -> str | None:
        """The status to show, or None for all (including an unknown one)."""
        value = self.engagement.data
        return value if value in ENGAGEMENT_STATUSES else None
