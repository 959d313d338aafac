"""Step 3 indicator forms: an indicator's definition and report card, and a period's value.

Choices drawn from the audit's framework are set by the `*_form` builders, so
a code the framework lacks is a field error. Each form's `values()` gives the
model's columns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from audit_app.forms import Form, GovDateField, optional_int
from audit_app.services import indicators as step3
from audit_app.stakeholders.forms import parse_number
from hub_model.figures import INDICATOR_FIGURES, RAG_BOUNDS, FigureRange
from hub_model.framework_schema import Framework
from hub_model.indicators import Assessment

RATIOS = {"percentage", "rate_per_100000"}
SIX_PLACES = Decimal("0.000001")
ONE_PLACE = Decimal("0.1")


def stored(text: str | None, places: Decimal = SIX_PLACES) -> Decimal | None:
    """A checked figure at the column's scale, so the trail compares like with like."""
    number = parse_number((text or "").rstrip("%"))
    return None if number is None else number.quantize(places)


def _text(label: str, what: str, required: str | None = None, limit: int = 5000, **kw: Any) -> Any:
    validators: list[Any] = [
        DataRequired(required) if required else Optional(),
        Length(max=limit, message=f"{what} must be {limit:,} characters or fewer"),
    ]
    return TextAreaField(label, widget=GovTextArea(), validators=validators, **kw)


def _line(label: str, what: str, required: str | None = None, limit: int = 200, **kw: Any) -> Any:
    validators: list[Any] = [
        DataRequired(required) if required else Optional(),
        Length(max=limit, message=f"{what} must be {limit:,} characters or fewer"),
    ]
    return StringField(label, widget=GovTextInput(), validators=validators, **kw)


def _radios(label: str, choices: dict[str, str], required: str | None, **kw: Any) -> Any:
    return RadioField(
        label,
        choices=list(choices.items()),
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[DataRequired(required)] if required else [Optional()],
        **kw,
    )


def _checkboxes(label: str) -> Any:
    return SelectMultipleField(
        label,
        description="Select all that apply",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )


def _chosen(field: Any, choices: dict[str, str], message: str) -> None:
    if field.data and field.data not in choices:
        raise ValidationError(message)


def _known(field: Any, message: str) -> None:
    known = {value for value, _ in field.choices}
    if any(code not in known for code in field.data or []):
        raise ValidationError(message)


def _in_order(field: Any) -> list[str]:
    chosen = set(field.data or [])
    return [code for code, _ in field.choices if code in chosen]


def _or_none(text: str | None) -> str | None:
    return text or None


def check_figure(
    text: str | None, what: str, figures: FigureRange = INDICATOR_FIGURES
) -> Decimal | None:
    """A typed figure, or a ValidationError naming ``what``; None if nothing was typed.

    The range is hub_model's, the one the JSON import checks too."""
    if not text:
        return None
    number = parse_number(text.rstrip("%"))
    if number is None:
        raise ValidationError(f"{what} must be a number, like 422 or 59.5")
    problem = figures.problem(number)
    if problem:
        raise ValidationError(f"{what} {problem}")
    return number


def _figure(label: str, hint: str | None = None) -> Any:
    return StringField(label, description=hint, widget=GovTextInput(), validators=[Optional()])


class IndicatorForm(Form):
    catalogue_ref = HiddenField()
    ref = _line(
        "Reference",
        "Reference",
        "Enter the indicator's reference",
        limit=30,
        description="A short code, such as NI135 or LOCAL1",
    )
    title = _line("Description", "Description", "Enter what the indicator measures", limit=300)
    kind = _radios(
        "Source",
        step3.KINDS,
        "Choose where the indicator comes from",
        description="Where the definition comes from: the method, a national return, or local",
    )
    indicator_type = _radios(
        "Type of indicator",
        step3.TYPES,
        "Choose the type of indicator",
        description="The dashboard counts strategic and critical indicators apart",
    )
    unit = _radios(
        "Unit and how the result is formed",
        step3.UNITS,
        "Choose the unit",
        description="A count or average uses the numerator alone",
    )
    polarity = _radios(
        "Polarity",
        step3.POLARITIES,
        "Choose whether higher or lower is better",
        description="Without polarity there is no target to meet, RAG or direction of travel",
    )
    decimals = _line(
        "Decimal places shown (optional)",
        "Decimal places",
        limit=20,
        description="From 0 to 6. Leave empty for 0 for a count and 2 otherwise",
    )
    green_amber_within = _line(
        "Green amber if the target is missed by no more than (%) (optional)",
        "The green amber bound",
        limit=20,
        description="Target variance, such as 1. Leave both bounds empty and any miss is red",
    )
    red_amber_within = _line(
        "Red amber if the target is missed by no more than (%) (optional)",
        "The red amber bound",
        limit=20,
        description="Target variance, such as 2.5; beyond it a miss is red",
    )
    turn_tolerance = _line(
        "The curve has turned only when it beats the trend by more than (optional)",
        "The tolerance",
        limit=40,
        description="In the indicator's unit (percentage points for a percentage), "
        "such as 0.5: a change within this is the usual ups and downs of the figures. "
        "Leave empty to allow only for the rounding of the last decimal place shown",
    )
    comparator_group = _line(
        "Benchmark comparator group (optional)",
        "Comparator group",
        description="Such as the IPF comparator group or the family group of councils",
    )
    outcomes = _checkboxes("Outcomes it shows (optional)")
    interventions = _checkboxes("Interventions it reflects (optional)")
    data_owner = _line("Data owner (optional)", "Data owner")
    data_gaps = _text("Data gaps (optional)", "Data gaps")
    accountability = _radios(
        "Accountability (optional)",
        step3.ACCOUNTABILITY,
        None,
        description="Results-based accountability: whose wellbeing the indicator speaks for",
    )
    why_it_matters = _text("Why it matters (optional)", "Why it matters")
    story = _text("The story behind the baseline (optional)", "The story behind the baseline")
    success = _text(
        "What will success look like? (optional)",
        "What success will look like",
        description="What good performance will mean, such as admissions at or below the "
        "family group average",
    )
    partners = _text("Partners with a role to play (optional)", "Partners")
    what_works = _text("What works (optional)", "What works")
    responsible_officers = _text("Responsible officers (optional)", "Responsible officers")
    version = HiddenField()
    submit = SubmitField("Save indicator", widget=GovSubmitInput())

    taken_refs: set[str]
    catalogue: dict[str, step3.CatalogueEntry]

    def entry(self) -> step3.CatalogueEntry | None:
        """The framework's catalogue entry this indicator starts from, if any."""
        return self.catalogue.get(self.catalogue_ref.data or "")

    def validate_ref(self, field: Any) -> None:
        # A forged catalogue entry is reported here: its hidden field has no place to link to.
        if self.catalogue_ref.data and self.catalogue_ref.data not in self.catalogue:
            raise ValidationError("Choose an indicator from the framework's catalogue")
        if field.data and field.data.casefold() in self.taken_refs:
            raise ValidationError(f"Another indicator in this audit has the reference {field.data}")

    def validate_kind(self, field: Any) -> None:
        _chosen(field, step3.KINDS, "Choose a source from the list")

    def validate_indicator_type(self, field: Any) -> None:
        _chosen(field, step3.TYPES, "Choose a type from the list")

    def validate_unit(self, field: Any) -> None:
        _chosen(field, step3.UNITS, "Choose a unit from the list")

    def validate_polarity(self, field: Any) -> None:
        _chosen(field, step3.POLARITIES, "Choose a polarity from the list")

    def validate_accountability(self, field: Any) -> None:
        _chosen(field, step3.ACCOUNTABILITY, "Choose an accountability from the list")

    def validate_decimals(self, field: Any) -> None:
        number = optional_int(field.data)
        if number is None or number > 6:
            raise ValidationError("Decimal places must be a whole number from 0 to 6")

    def validate_green_amber_within(self, field: Any) -> None:
        check_figure(field.data, "The green amber bound", RAG_BOUNDS)

    def validate_red_amber_within(self, field: Any) -> None:
        bound = check_figure(field.data, "The red amber bound", RAG_BOUNDS)
        try:
            lower = check_figure(self.green_amber_within.data, "", RAG_BOUNDS)
        except ValidationError:
            return
        if bound is not None and lower is not None and lower > bound:
            raise ValidationError("The red amber bound must be at least the green amber bound")

    def validate_turn_tolerance(self, field: Any) -> None:
        check_figure(field.data, "The tolerance")

    def validate_outcomes(self, field: Any) -> None:
        _known(field, "Choose outcomes from the list")

    def validate_interventions(self, field: Any) -> None:
        _known(field, "Choose interventions from the list")

    def values(self) -> dict[str, Any]:
        return {
            "ref": self.ref.data,
            "title": self.title.data,
            "kind": self.kind.data,
            "catalogue_ref": _or_none(self.catalogue_ref.data),
            "indicator_type": self.indicator_type.data,
            "unit": self.unit.data,
            "polarity": self.polarity.data,
            "decimals": optional_int(self.decimals.data),
            "green_amber_within": stored(self.green_amber_within.data, ONE_PLACE),
            "red_amber_within": stored(self.red_amber_within.data, ONE_PLACE),
            "turn_tolerance": stored(self.turn_tolerance.data),
            "comparator_group": _or_none(self.comparator_group.data),
            "outcomes": _in_order(self.outcomes),
            "interventions": _in_order(self.interventions),
            "data_owner": _or_none(self.data_owner.data),
            "data_gaps": _or_none(self.data_gaps.data),
            "accountability": _or_none(self.accountability.data),
            "why_it_matters": _or_none(self.why_it_matters.data),
            "story": _or_none(self.story.data),
            "success": _or_none(self.success.data),
            "partners": _or_none(self.partners.data),
            "what_works": _or_none(self.what_works.data),
            "responsible_officers": _or_none(self.responsible_officers.data),
        }


def indicator_form(
    framework: Framework, taken_refs: set[str], record: Any | None = None, **kwargs: Any
) -> IndicatorForm:
    form = IndicatorForm(obj=record, **kwargs)
    form.taken_refs = {ref.casefold() for ref in taken_refs}
    form.catalogue = {entry.ref: entry for entry in step3.catalogue(framework)}
    form.outcomes.choices = [
        (outcome.code, f"{outcome.code}. {outcome.title}") for outcome in framework.adult_outcomes()
    ]
    form.interventions.choices = [(item.code, item.name) for item in framework.interventions]
    if record is not None:
        form.decimals.data = "" if record.decimals is None else str(record.decimals)
        form.green_amber_within.data = step3.number_text(record.green_amber_within)
        form.red_amber_within.data = step3.number_text(record.red_amber_within)
        form.turn_tolerance.data = step3.number_text(record.turn_tolerance)
    return form


def prefill(form: IndicatorForm, entry: step3.CatalogueEntry) -> None:
    """Fill an empty form with a catalogue entry's definition."""
    form.catalogue_ref.data = entry.ref
    form.ref.data = entry.ref
    form.title.data = entry.title
    form.kind.data = entry.kind
    form.unit.data = entry.unit
    form.polarity.data = entry.polarity
    form.indicator_type.data = "strategic"
    form.outcomes.data = list(entry.outcomes)


MANUAL_RAG = {"": "Use the calculated RAG"} | {
    grade.value: step3.rag_label(grade) for grade in step3.RAG_LEVELS
}
YES_NO = {"yes": "Yes", "no": "No"}


class ValueForm(Form):
    period_label = _line(
        "Period covered",
        "Period covered",
        "Enter the period the figures cover",
        limit=60,
        description="As the report prints it, such as Apr–Jun 2026 or 2025/26",
    )
    period_end = GovDateField(
        "End of the period", "the end of the period", description="For example, 30 6 2026"
    )
    numerator = _figure(
        "Numerator (optional)",
        "The number that achieved the level, such as 422; or the count or average itself",
    )
    denominator = _figure(
        "Denominator (optional)", "The total, such as 709; needed for a percentage or a rate"
    )
    direct_result = _figure(
        "Result entered directly (optional)",
        "Only when there is no numerator, such as a published rate",
    )
    target = _figure("Target (optional)")
    previous = _figure(
        "Previous result (optional)",
        "Leave empty to use the result of the indicator's prior period",
    )
    benchmark = _figure("Benchmark (optional)", "The comparator group's figure")
    expected_to_report = _radios(
        "Expected to report this period?",
        YES_NO,
        "Choose whether the indicator was expected to report this period",
        description="The dashboard counts how many indicators were expected to report",
    )
    comments = _text(
        "Comments (needed when the target is missed)",
        "Comments",
        limit=5000,
    )
    proposed_intervention = _text(
        "Proposed intervention (needed when the target is missed)", "Proposed intervention"
    )
    manual_rag = _radios(
        "RAG (optional)",
        MANUAL_RAG,
        None,
        description="Set a RAG by hand only with a reason; otherwise the thresholds decide",
    )
    manual_reason = _text("Reason for the RAG set by hand", "Reason for the RAG")
    version = HiddenField()
    submit = SubmitField("Save period", widget=GovSubmitInput())

    taken_ends: set[date]
    unit: str
    assessor: Callable[[dict[str, Any], date | None], Assessment]

    def validate_period_end(self, field: Any) -> None:
        if field.data is None:
            return
        if not 1990 <= field.data.year <= 2100:
            raise ValidationError("The end of the period must be between 1990 and 2100")
        if field.data in self.taken_ends:
            raise ValidationError("This indicator already has a period ending on that date")

    def validate_numerator(self, field: Any) -> None:
        check_figure(field.data, "Numerator")
        if field.data and self.direct_result.data:
            raise ValidationError("Enter a numerator or a direct result, not both")
        if field.data and not self.denominator.data and self.unit in RATIOS:
            raise ValidationError("Enter the denominator: a percentage or rate needs one")

    def validate_denominator(self, field: Any) -> None:
        number = check_figure(field.data, "Denominator")
        if number is not None and not self.numerator.data:
            raise ValidationError("Enter the numerator as well as the denominator")
        if number == 0:
            raise ValidationError("Denominator must be more than 0")

    def validate_direct_result(self, field: Any) -> None:
        check_figure(field.data, "Result")

    def validate_target(self, field: Any) -> None:
        check_figure(field.data, "Target")

    def validate_previous(self, field: Any) -> None:
        check_figure(field.data, "Previous result")

    def validate_benchmark(self, field: Any) -> None:
        check_figure(field.data, "Benchmark")

    def validate_expected_to_report(self, field: Any) -> None:
        _chosen(field, YES_NO, "Choose yes or no")

    def validate_manual_rag(self, field: Any) -> None:
        _chosen(field, MANUAL_RAG, "Choose a RAG from the list")
        if field.data and not self.manual_reason.data:
            raise ValidationError("Enter the reason for setting the RAG by hand")

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then: a missed target needs comments and a proposed intervention."""
        if not super().validate(extra_validators):
            return False
        assessment = self.assessor(self.values(), self.period_end.data)
        if assessment.met is False:
            if not self.comments.data:
                self.comments.errors = ["Enter comments: the target was missed"]
            if not self.proposed_intervention.data:
                self.proposed_intervention.errors = [
                    "Enter the proposed intervention: the target was missed"
                ]
        return not (self.comments.errors or self.proposed_intervention.errors)

    def values(self) -> dict[str, Any]:
        return {
            "period_label": self.period_label.data,
            "period_end": self.period_end.data,
            "numerator": stored(self.numerator.data),
            "denominator": stored(self.denominator.data),
            "direct_result": stored(self.direct_result.data),
            "target": stored(self.target.data),
            "previous": stored(self.previous.data),
            "benchmark": stored(self.benchmark.data),
            "expected_to_report": self.expected_to_report.data == "yes",
            "comments": _or_none(self.comments.data),
            "proposed_intervention": _or_none(self.proposed_intervention.data),
            "manual_rag": _or_none(self.manual_rag.data),
            "manual_reason": _or_none(self.manual_reason.data) if self.manual_rag.data else None,
        }


def value_form(
    unit: str,
    taken_ends: set[date],
    assessor: Callable[[dict[str, Any], date | None], Assessment],
    record: Any | None = None,
    **kwargs: Any,
) -> ValueForm:
    form = ValueForm(obj=record, **kwargs)
    form.unit = unit
    form.taken_ends = taken_ends
    form.assessor = assessor
    if record is not None:
        for name in (
            "numerator",
            "denominator",
            "direct_result",
            "target",
            "previous",
            "benchmark",
        ):
            form[name].data = step3.number_text(getattr(record, name))
        form.expected_to_report.data = "yes" if record.expected_to_report else "no"
        form.manual_rag.data = record.manual_rag or ""
    elif not form.is_submitted():
        form.expected_to_report.data = "yes"
        form.manual_rag.data = ""
    return form
