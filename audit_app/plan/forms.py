"""Step 4 forms: a priority, the plan's header, an objective, an action, a progress
update and a funding contribution.

Choices drawn from the audit's framework (and its objectives) are set by the
`*_form` builders, so a code the framework lacks, or another audit's objective,
is a field error. Each form's `values()` gives the model's columns.
"""

from __future__ import annotations

from datetime import date
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
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms import Form as PlainForm
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from audit_app.forms import Form, GovDateField, clean_text, optional_int
from audit_app.models.plan import Objective
from audit_app.services import plan as step4
from audit_app.services.frameworks import group_choices
from audit_app.stakeholders.forms import parse_number
from hub_model.framework_schema import Framework

LARGEST_AMOUNT = Decimal("9999999999.99")  # Numeric(12, 2)


def _text(label: str, what: str, required: str | None = None, limit: int = 5000) -> Any:
    validators: list[Any] = [
        DataRequired(required) if required else Optional(),
        Length(max=limit, message=f"{what} must be {limit:,} characters or fewer"),
    ]
    return TextAreaField(label, widget=GovTextArea(), validators=validators)


def _line(
    label: str, what: str, required: str | None = None, limit: int = 200, checked: bool = False
) -> Any:
    """A one-line text field; ``checked`` ones, though optional, still run their own checks."""
    validators: list[Any] = [
        Length(max=limit, message=f"{what} must be {limit:,} characters or fewer"),
    ]
    if required:
        validators.insert(0, DataRequired(required))
    elif not checked:
        validators.insert(0, Optional())
    return StringField(label, widget=GovTextInput(), validators=validators)


def _checkboxes(label: str) -> Any:
    return SelectMultipleField(
        label,
        description="Select all that apply",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )


def _known(field: Any, message: str) -> None:
    known = {value for value, _ in field.choices}
    if any(code not in known for code in field.data or []):
        raise ValidationError(message)


def _in_order(field: Any) -> list[str]:
    """The chosen codes in the order of the choices, whatever order they were sent in."""
    chosen = set(field.data or [])
    return [code for code, _ in field.choices if code in chosen]


def _or_none(text: str | None) -> str | None:
    return text or None


def _decimal_places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


class PriorityForm(Form):
    rank = StringField(
        "Rank",
        description="1 is the most important. Each priority needs its own rank, from 1 to 9",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the priority's rank")],
    )
    title = _line("Priority change", "Priority change", "Enter the priority change")
    description = _text("What will change (optional)", "What will change")
    carers_said = _text("What carers said (optional)", "What carers said")
    outcomes = _checkboxes("Outcomes it will improve (optional)")
    version = HiddenField()
    submit = SubmitField("Save priority", widget=GovSubmitInput())

    taken: set[int]

    def validate_rank(self, field: Any) -> None:
        number = optional_int(field.data)
        if number is None or number not in step4.RANKS:
            raise ValidationError("Rank must be a whole number from 1 to 9")
        if number in self.taken:
            raise ValidationError(f"Another priority is already ranked {number}")

    def validate_outcomes(self, field: Any) -> None:
        _known(field, "Choose outcomes from the list")

    def values(self) -> dict[str, Any]:
        return {
            "rank": int(self.rank.data),
            "title": self.title.data,
            "description": _or_none(self.description.data),
            "carers_said": _or_none(self.carers_said.data),
            "outcomes": _in_order(self.outcomes),
        }


def priority_form(framework: Framework, taken: set[int], **kwargs: Any) -> PriorityForm:
    form = PriorityForm(**kwargs)
    form.taken = taken
    form.outcomes.choices = [
        (outcome.code, f"{outcome.code}. {outcome.title}") for outcome in framework.adult_outcomes()
    ]
    return form


BOARD_FIELDS = ("overall_position", "achievements", "challenges", "board_decisions")


class HeaderForm(Form):
    strategic_outcomes = _text("Strategic outcomes sought (optional)", "Strategic outcomes sought")
    key_risks = _text("Key risks (optional)", "Key risks")
    overall_position = _text("Overall position (optional)", "Overall position")
    achievements = _text("Top achievements (optional)", "Top achievements")
    challenges = _text("Key challenges (optional)", "Key challenges")
    board_decisions = _text(
        "Decisions asked of the board (optional)", "Decisions asked of the board"
    )
    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        return {
            "strategic_outcomes": _or_none(self.strategic_outcomes.data),
            "key_risks": _or_none(self.key_risks.data),
            **{name: _or_none(getattr(self, name).data) for name in BOARD_FIELDS},
        }


class ObjectiveForm(Form):
    title = _line(
        "Objective",
        "Objective",
        "Enter the objective",
        limit=300,
    )
    position = StringField(
        "Order (optional)",
        description="Objectives are shown in this order, lowest first",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    version = HiddenField()
    submit = SubmitField("Save objective", widget=GovSubmitInput())

    next_position: int

    def validate_position(self, field: Any) -> None:
        number = optional_int(field.data)
        if number is None or number > 999:
            raise ValidationError("Order must be a whole number from 0 to 999")

    def values(self) -> dict[str, Any]:
        position = optional_int(self.position.data)
        return {
            "position": self.next_position if position is None else position,
            "title": self.title.data,
        }


def objective_form(next_position: int, **kwargs: Any) -> ObjectiveForm:
    form = ObjectiveForm(**kwargs)
    form.next_position = next_position
    return form


class LeadForm(PlainForm):
    """One lead of an action: a post and its organisation (ActionForm checks them,
    naming each lead by its number)."""

    post = StringField("Post", widget=GovTextInput(), filters=[clean_text])
    organisation = StringField(
        "Organisation (optional)", widget=GovTextInput(), filters=[clean_text]
    )


class ActionForm(Form):
    objective_id = SelectField(
        "Objective",
        description="The objective this action helps to meet",
        widget=GovSelect(),
        validate_choice=False,
    )
    description = _text("Action", "Action", "Enter the action")
    target_measure = _text("Target or measure (optional)", "Target or measure")
    due_by = GovDateField(
        "Due by (optional)",
        "the date it is due by",
        required=False,
        description="For example, 31 3 2027",
    )
    timescale = _line("Timescale (optional)", "Timescale")
    # As many leads as the action has (seed 001 has one with four): the "add another"
    # pattern, with buttons that re-show the form keeping everything typed.
    leads = FieldList(FormField(LeadForm), min_entries=1)
    add_lead = SubmitField("Add another lead", widget=GovSubmitInput())
    remove_lead = HiddenField()  # never rendered: the name of each row's Remove button
    capacity = _text("Capacity (optional)", "Capacity")
    service = _text("Service (optional)", "Service")
    interventions = _checkboxes("Interventions it develops (optional)")
    sub_outcomes = _checkboxes("Checklist sub-outcomes it serves (optional)")
    groups = _checkboxes("Carer groups it is for (optional)")
    kind_of_change = RadioField(
        "Kind of change (optional)",
        description="What sort of change the action makes",
        widget=GovRadioInput(),
        validate_choice=False,
    )
    commissioning_route = RadioField(
        "Commissioning route (optional)",
        description="How the service will be bought, if it is commissioned",
        widget=GovRadioInput(),
        validate_choice=False,
    )
    version = HiddenField()
    submit = SubmitField("Save action", widget=GovSubmitInput())

    def validate_objective_id(self, field: Any) -> None:
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose an objective from the list")

    def validate_leads(self, field: Any) -> None:
        """Each lead's own messages on its fields; the first is raised for the list."""
        if not any(entry.post.data for entry in field.entries):
            field.entries[0].post.errors.append("Enter the post of at least one lead")
        for n, entry in enumerate(field.entries, start=1):
            for part, what in ((entry.post, "Post"), (entry.organisation, "Organisation")):
                if len(part.data or "") > 200:
                    part.errors.append(f"{what} of lead {n} must be 200 characters or fewer")
            if entry.organisation.data and not entry.post.data and not entry.post.errors:
                entry.post.errors.append(f"Enter the post of lead {n}, or remove its organisation")
        for entry in field.entries:
            for part in (entry.post, entry.organisation):
                if part.errors:
                    raise ValidationError(part.errors[0])

    def rearranged(self) -> bool:
        """Add or remove a lead row if one of those buttons was pressed (then the form
        is shown again, not saved)."""
        if self.add_lead.data:
            self.leads.append_entry()
            return True
        removed = optional_int(self.remove_lead.raw_data[0] if self.remove_lead.raw_data else None)
        if removed is None:
            return False
        kept = [entry.data for n, entry in enumerate(self.leads.entries) if n != removed]
        while self.leads.entries:
            self.leads.pop_entry()
        for lead in kept or [{}]:
            self.leads.append_entry(lead)
        return True

    def validate_interventions(self, field: Any) -> None:
        _known(field, "Choose interventions from the list")

    def validate_sub_outcomes(self, field: Any) -> None:
        _known(field, "Choose sub-outcomes from the list")

    def validate_groups(self, field: Any) -> None:
        _known(field, "Choose carer groups from the list")

    def validate_kind_of_change(self, field: Any) -> None:
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose a kind of change from the list")

    def validate_commissioning_route(self, field: Any) -> None:
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose a commissioning route from the list")

    def lead_values(self) -> list[dict[str, Any]]:
        return [
            {"post": entry.post.data, "organisation": entry.organisation.data or None}
            for entry in self.leads.entries
            if entry.post.data
        ]

    def values(self) -> dict[str, Any]:
        return {
            "objective_id": optional_int(self.objective_id.data),
            "description": self.description.data,
            "target_measure": _or_none(self.target_measure.data),
            "due_by": self.due_by.data,
            "timescale": _or_none(self.timescale.data),
            "leads": self.lead_values(),
            "capacity": _or_none(self.capacity.data),
            "service": _or_none(self.service.data),
            "interventions": _in_order(self.interventions),
            "sub_outcomes": _in_order(self.sub_outcomes),
            "groups": _in_order(self.groups),
            "kind_of_change": _or_none(self.kind_of_change.data),
            "commissioning_route": _or_none(self.commissioning_route.data),
        }


def _list_choices(framework: Framework, name: str) -> list[tuple[str, str]]:
    try:
        return [(item.code, item.label) for item in framework.list_items(name)]
    except KeyError:
        return []


def action_form(
    framework: Framework, objectives: list[Objective], record: Any | None = None, **kwargs: Any
) -> ActionForm:
    form = ActionForm(obj=record, **kwargs)
    form.objective_id.choices = [("", "Not under an objective")] + [
        (str(objective.id), objective.title) for objective in objectives
    ]
    form.interventions.choices = [(item.code, item.name) for item in framework.interventions]
    form.sub_outcomes.choices = [
        (item.code, f"{item.code}: {item.indicator}") for item in framework.checklist
    ]
    form.groups.choices = group_choices(framework)
    form.kind_of_change.choices = _list_choices(framework, "kinds_of_change")
    form.commissioning_route.choices = _list_choices(framework, "commissioning_routes")
    if record is not None:
        form.objective_id.data = str(record.objective_id or "")
    return form


class UpdateForm(Form):
    on = GovDateField(
        "Date of the update", "the date of the update", description="For example, 15 12 2026"
    )
    rag = RadioField(
        "Progress",
        description="The four levels of the progress report",
        choices=[(value, step4.rag_label(value)) for value in step4.RAG_MEANINGS],
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[DataRequired("Choose the progress of the action")],
    )
    commentary = _text("Commentary", "Commentary", "Enter a commentary on progress")
    submit = SubmitField("Save update", widget=GovSubmitInput())

    def validate_on(self, field: Any) -> None:
        if field.data is not None and field.data > date.today():
            raise ValidationError("The date of the update must be today or in the past")

    def validate_rag(self, field: Any) -> None:
        if field.data not in step4.RAG_MEANINGS:
            raise ValidationError("Choose the progress of the action from the list")


class FundingForm(Form):
    partner = _line("Partner", "Partner", "Enter the partner's name")
    amount = StringField(
        "Amount (£)",
        description="For example, 25000 or 12500.50",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the amount")],
    )
    breaks_share = StringField(
        "Share spent on breaks (%) (optional)",
        description="From 0 to 100",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    notes = _text("Notes (optional)", "Notes")
    version = HiddenField()
    submit = SubmitField("Save funding", widget=GovSubmitInput())

    def validate_amount(self, field: Any) -> None:
        number = parse_number((field.data or "").lstrip("£"))
        if number is None:
            raise ValidationError("Amount must be a number, like 25000 or 12500.50")
        if number < 0:
            raise ValidationError("Amount must be £0 or more")
        if number > LARGEST_AMOUNT:
            raise ValidationError("Amount must be less than £10,000,000,000")
        if _decimal_places(number) > 2:
            raise ValidationError("Amount must have no more than 2 decimal places")

    def validate_breaks_share(self, field: Any) -> None:
        number = parse_number(field.data)
        if number is None:
            raise ValidationError("Share spent on breaks must be a number, like 40 or 12.5")
        if not 0 <= number <= 100:
            raise ValidationError("Share spent on breaks must be between 0 and 100")
        if _decimal_places(number) > 2:
            raise ValidationError("Share spent on breaks must have no more than 2 decimal places")

    def values(self) -> dict[str, Any]:
        share = self.breaks_share.data
        return {
            "partner": self.partner.data,
            "amount": parse_number((self.amount.data or "").lstrip("£")),
            "breaks_share": parse_number(share) if share else None,
            "notes": _or_none(self.notes.data),
        }
