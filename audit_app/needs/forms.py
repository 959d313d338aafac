"""Step 2 forms: the planning questions, a gathering method, a finding, the outcome ranking.

Choices drawn from the audit's framework are set by the `*_form` builders, so a
code the framework does not have (forged, or tailored away) is a field error.
Each record form's `values()` gives the model's columns from what was typed.
"""

from __future__ import annotations

from decimal import Decimal
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

from audit_app.forms import Form, GovDateField, optional_int
from audit_app.services.frameworks import group_choices
from audit_app.services.needs import FINDING_METHODS, METHODS, PLANNING_QUESTIONS
from audit_app.stakeholders.forms import parse_number
from hub_model.framework_schema import Framework

# Numeric(12, 2): ten digits before the point.
LARGEST_AMOUNT = Decimal("9999999999.99")
LARGEST_COUNT = 1_000_000


def _text(label: str, what: str, required: str | None = None, **kwargs: Any) -> TextAreaField:
    first = DataRequired(required) if required else Optional()
    return TextAreaField(
        label,
        widget=GovTextArea(),
        validators=[
            first,
            Length(max=5000, message=f"{what} must be 5,000 characters or fewer"),
        ],
        **kwargs,
    )


def _or_none(text: str | None) -> str | None:
    return text or None


def _check_choice(field: Any, message: str) -> None:
    if field.data not in {value for value, _ in field.choices}:
        raise ValidationError(message)


def _check_all(field: Any, message: str) -> None:
    known = {value for value, _ in field.choices}
    if any(code not in known for code in field.data or []):
        raise ValidationError(message)


def _in_order(field: Any) -> list[str]:
    """The chosen codes in the order of the choices, whatever order the browser sent."""
    chosen = set(field.data or [])
    return [code for code, _ in field.choices if code in chosen]


def _groups() -> SelectMultipleField:
    return SelectMultipleField(
        "Carer groups reached (optional)",
        description="Select all that apply",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )


# The planning questions: one box per question, each with the version it was loaded with.


class PlanningForm(Form):
    submit = SubmitField("Save answers", widget=GovSubmitInput())

    def answer(self, code: str) -> Any:
        return self[f"answer_{code}"]

    def version(self, code: str) -> Any:
        return self[f"version_{code}"]


for _code, _short, _question in PLANNING_QUESTIONS:
    setattr(
        PlanningForm,
        f"answer_{_code}",
        _text(f"{_question} (optional)", f"Your answer about {_short}"),
    )
    setattr(PlanningForm, f"version_{_code}", HiddenField())


# The information-gathering plan.


class MethodForm(Form):
    method = RadioField(
        "Method",
        choices=list(METHODS.items()),
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[DataRequired("Choose the method")],
    )
    description = _text(
        "Description (optional)",
        "Description",
        description="Who will run it, where and how carers will be invited",
    )
    groups = _groups()
    costs = _text(
        "Costs of engagement (optional)",
        "Costs of engagement",
        description="For example, respite care while carers take part, or paying carers for their time",
    )
    cost_amount = StringField(
        "Cost in pounds (optional)",
        description="For example, 450 or 1250.50",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    alternatives = _text(
        "Alternatives considered (optional)",
        "Alternatives",
        description="Cheaper or quicker ways of finding out the same thing",
    )
    planned_for = GovDateField(
        "Planned date (optional)",
        "the planned date",
        required=False,
        description="For example, 14 5 2026",
    )
    version = HiddenField()
    submit = SubmitField("Save method", widget=GovSubmitInput())

    def validate_method(self, field: Any) -> None:
        _check_choice(field, "Choose a method from the list")

    def validate_groups(self, field: Any) -> None:
        _check_all(field, "Choose carer groups from the list")

    def validate_cost_amount(self, field: Any) -> None:
        number = parse_number(field.data)
        if number is None:
            raise ValidationError("Cost must be an amount in pounds, like 450 or 1250.50")
        if number < 0:
            raise ValidationError("Cost must be 0 or more")
        if number > LARGEST_AMOUNT:
            raise ValidationError("Cost must be less than £10,000,000,000")
        if -number.as_tuple().exponent > 2:  # type: ignore[operator]
            raise ValidationError("Cost must have no more than 2 decimal places")

    def values(self) -> dict[str, Any]:
        return {
            "method": self.method.data,
            "description": _or_none(self.description.data),
            "groups": _in_order(self.groups),
            "costs": _or_none(self.costs.data),
            "cost_amount": parse_number(self.cost_amount.data) if self.cost_amount.data else None,
            "alternatives": _or_none(self.alternatives.data),
            "planned_for": self.planned_for.data,
        }


def method_form(framework: Framework, **kwargs: Any) -> MethodForm:
    form = MethodForm(**kwargs)
    form.groups.choices = group_choices(framework)
    return form


# What a gathering exercise found.


class FindingForm(Form):
    method = RadioField(
        "Method",
        choices=list(FINDING_METHODS.items()),
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[DataRequired("Choose the method")],
    )
    held_on = GovDateField(
        "Date held", "the date it was held", description="For example, 14 5 2026"
    )
    participants = StringField(
        "Number of participants (optional)",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    groups = _groups()
    key_messages = _text(
        "Key messages",
        "Key messages",
        required="Enter the key messages",
        description="What carers said, in their words where you can",
    )
    outcomes = SelectMultipleField(
        "Outcomes touched (optional)",
        description="Select all that apply",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    version = HiddenField()
    submit = SubmitField("Save finding", widget=GovSubmitInput())

    def validate_method(self, field: Any) -> None:
        _check_choice(field, "Choose a method from the list")

    def validate_participants(self, field: Any) -> None:
        text = (field.data or "").replace(",", "")
        if text.startswith("-") and text[1:].isdigit():
            raise ValidationError("Number of participants must be 0 or more")
        if not text.isdigit() or not text.isascii():
            raise ValidationError("Number of participants must be a whole number, like 12")
        if len(text) > 7 or int(text) > LARGEST_COUNT:
            raise ValidationError("Number of participants must be 1,000,000 or fewer")

    def validate_groups(self, field: Any) -> None:
        _check_all(field, "Choose carer groups from the list")

    def validate_outcomes(self, field: Any) -> None:
        _check_all(field, "Choose outcomes from the list")

    def values(self) -> dict[str, Any]:
        count = (self.participants.data or "").replace(",", "")
        return {
            "method": self.method.data,
            "held_on": self.held_on.data,
            "participants": int(count) if count else None,
            "groups": _in_order(self.groups),
            "key_messages": self.key_messages.data,
            "outcomes": _in_order(self.outcomes),
        }


def finding_form(framework: Framework, **kwargs: Any) -> FindingForm:
    form = FindingForm(**kwargs)
    form.groups.choices = group_choices(framework)
    form.outcomes.choices = [
        (outcome.code, f"{outcome.code}. {outcome.title}") for outcome in framework.adult_outcomes()
    ]
    return form


# The outcomes that matter to local carers, ranked.


class OutcomesForm(Form):
    submit = SubmitField("Save ranking", widget=GovSubmitInput())

    outcomes: list[tuple[str, str]]  # (code, short title)

    def rank(self, code: str) -> Any:
        return self[f"rank_{code}"]

    def said_by(self, code: str) -> Any:
        return self[f"said_by_{code}"]

    def version(self, code: str) -> Any:
        return self[f"version_{code}"]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        taken: dict[str, str] = {}
        for code, title in self.outcomes:
            field = self.rank(code)
            if not field.data and self.said_by(code).data and not self.said_by(code).errors:
                # Who said so is kept only with a rank: say so, never drop it silently.
                self.said_by(code).errors.append(
                    f"Choose a rank for ‘{title}’, or clear who said it matters"
                )
                valid = False
            if field.errors or not field.data:
                continue
            if field.data in taken:
                field.errors.append(
                    f"Rank {field.data} is given to both ‘{taken[field.data]}’ and ‘{title}’"
                )
                valid = False
            else:
                taken[field.data] = title
        return valid

    def typed(self) -> dict[str, tuple[int | None, str | None, int | None]]:
        """Each outcome's (rank, who said so, version loaded with) as typed."""
        return {
            code: (
                optional_int(self.rank(code).data),
                _or_none(self.said_by(code).data),
                optional_int(self.version(code).data),
            )
            for code, _ in self.outcomes
        }


def outcomes_form(framework: Framework, **kwargs: Any) -> OutcomesForm:
    outcomes = [(outcome.code, outcome.short_title) for outcome in framework.adult_outcomes()]
    ranks = [("", "Not ranked")] + [(str(n), str(n)) for n in range(1, len(outcomes) + 1)]
    fields: dict[str, Any] = {}
    for code, title in outcomes:
        fields[f"rank_{code}"] = SelectField(
            f"Rank of ‘{title}’",
            choices=ranks,
            widget=GovSelect(),
            validate_choice=False,
            validators=[_rank_in(ranks, title)],
        )
        fields[f"said_by_{code}"] = TextAreaField(
            f"Who said ‘{title}’ matters (optional)",
            description="Which carers or groups, and where, such as the May focus group",
            widget=GovTextArea(),
            validators=[
                Optional(),
                Length(
                    max=5000,
                    message=f"Who said ‘{title}’ matters must be 5,000 characters or fewer",
                ),
            ],
        )
        fields[f"version_{code}"] = HiddenField()
    form_class = type("OutcomesForm", (OutcomesForm,), fields)
    form = form_class(**kwargs)
    form.outcomes = outcomes
    return form


def _rank_in(ranks: list[tuple[str, str]], title: str) -> Any:
    allowed = {value for value, _ in ranks}

    def check(form: Any, field: Any) -> None:
        if (field.data or "") not in allowed:  # a missing rank is "Not ranked"
            raise ValidationError(f"Choose a rank for ‘{title}’ from the list")

    return check
