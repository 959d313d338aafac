"""Rating forms: one cell in full, a partner's proposal, and the quick grids."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from audit_app.forms import Form
from hub_model.scales import ChecklistStatus, Maturity, Rag, label

LONG_TEXT = 5000
_too_long = f"must be {LONG_TEXT:,} characters or fewer"

RAG_MEANINGS = {
    Rag.RED: "Little or nothing offered, or not of acceptable quality; many needs unmet",
    Rag.AMBER: "Some activity, but room for significant progress (for example reached by only some groups)",
    Rag.GREEN: "Comprehensive for all carers who wish to use it, high satisfaction, impact measured",
    Rag.NOT_RATED: "Not judged yet",
}
MATURITY_MEANINGS = {
    Maturity.EARLY: "Just starting, or planned",
    Maturity.INTERMEDIATE: "Established, still developing",
    Maturity.ADVANCED: "Well established and embedded",
    Maturity.NOT_RATED: "Not judged yet",
}


def _choices(scale: Sequence[Any]) -> list[tuple[str, str]]:
    return [(grade.value, label(grade)) for grade in scale]


def _text(title: str, what: str, description: str | None = None) -> TextAreaField:
    return TextAreaField(
        title,
        description=description,
        widget=GovTextArea(),
        validators=[Optional(), Length(max=LONG_TEXT, message=f"{what} {_too_long}")],
    )


def _version_or_none(value: Any) -> int | None:
    """The record version a page was loaded at; anything forged or empty is None."""
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


# The lead's second button on a judgement's page: save what was typed, then write
# evidence of their own and come back with it ticked.
ADD_EVIDENCE = "Save and add evidence of your own"


class RatingForm(Form):
    rag = RadioField(
        "Red, amber or green",
        choices=_choices(Rag),
        widget=GovRadioInput(),
        validators=[DataRequired("Choose red, amber, green or not rated")],
    )
    maturity = RadioField(
        "Maturity",
        choices=_choices(Maturity),
        widget=GovRadioInput(),
        validators=[DataRequired("Choose early, intermediate, advanced or not rated")],
    )
    rationale = _text("Why this rating", "Rationale", "What the evidence shows, in plain words")
    reached = _text("Who is reached", "Who is reached")
    not_reached = _text("Who is not reached", "Who is not reached")
    provision = RadioField(
        "Is provision about right?",
        choices=[
            ("under", "Under-provided: there is unmet need"),
            ("about_right", "About right"),
            ("over", "Over-provided or duplicated"),
        ],
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    duplication = _text("Where services duplicate each other", "Duplication")
    barriers = _text("How the barriers can be overcome", "Barriers")
    evidence = SelectMultipleField(
        "Evidence this rating rests on",
        coerce=int,
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    version = HiddenField(filters=[_version_or_none])
    submit = SubmitField("Save rating", widget=GovSubmitInput())
    add_evidence = SubmitField(ADD_EVIDENCE, widget=GovSubmitInput())

    def validate_evidence(self, field: Any) -> None:
        allowed = {value for value, _ in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError("Choose evidence from the list")


class ProposalForm(Form):
    rag = RadioField(
        "Your proposed rating",
        choices=_choices([Rag.RED, Rag.AMBER, Rag.GREEN]),
        widget=GovRadioInput(),
        validators=[DataRequired("Choose the rating you propose")],
    )
    maturity = RadioField(
        "Your proposed maturity",
        choices=_choices([Maturity.EARLY, Maturity.INTERMEDIATE, Maturity.ADVANCED]),
        widget=GovRadioInput(),
        validators=[DataRequired("Choose the maturity you propose")],
    )
    rationale = TextAreaField(
        "Why",
        widget=GovTextArea(),
        validators=[
            DataRequired("Say why you propose this rating"),
            Length(max=LONG_TEXT, message=f"Rationale {_too_long}"),
        ],
    )
    submit = SubmitField("Send proposal to the carers lead", widget=GovSubmitInput())


class ChecklistForm(Form):
    status = RadioField(
        "Are the services and processes in place?",
        choices=_choices(ChecklistStatus),
        widget=GovRadioInput(),
        validators=[DataRequired("Choose whether the services and processes are in place")],
    )
    indicator = RadioField(
        "How does the outcome indicator look?",
        choices=_choices(Rag),
        widget=GovRadioInput(),
        validators=[DataRequired("Choose red, amber, green or not rated for the indicator")],
    )
    rationale = _text("Why", "Rationale", "What the evidence shows, in plain words")
    evidence = SelectMultipleField(
        "Evidence this judgement rests on",
        coerce=int,
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    version = HiddenField(filters=[_version_or_none])
    submit = SubmitField("Save", widget=GovSubmitInput())
    add_evidence = SubmitField(ADD_EVIDENCE, widget=GovSubmitInput())

    validate_evidence = RatingForm.validate_evidence


# The short visible label of each select in a grid cell.
GRID_LABELS = {
    "rag": "Rating",
    "maturity": "Maturity",
    "status": "In place?",
    "indicator": "Indicator",
}


def grid_form(
    cells: Sequence[tuple[str, str, str]],
    scales: Sequence[tuple[str, Any]],
) -> type[Form]:
    """A form with one select per scale per cell: fields '<scale>-<row>-<group>'.

    ``cells`` are (row code, group code, readable cell name); ``scales`` are
    (prefix, scale enum). Each cell also carries the version it was loaded at.
    The class is made once for each set of cells and scales (a grid holds a few
    hundred fields: making the class was a tenth of the page's time); each request
    makes its own form from it.
    """
    return _grid_form(tuple(cells), tuple(scales))


@lru_cache(maxsize=64)
def _grid_form(
    cells: tuple[tuple[str, str, str], ...], scales: tuple[tuple[str, Any], ...]
) -> type[Form]:

    class GridForm(Form):
        submit = SubmitField("Save all changes", widget=GovSubmitInput())

    choices = {prefix: _choices(scale) for prefix, scale in scales}
    for row, group, name in cells:
        for prefix, _ in scales:
            setattr(
                GridForm,
                f"{prefix}-{row}-{group}",
                SelectField(
                    f"{GRID_LABELS[prefix]}: {name}",
                    choices=choices[prefix],
                    widget=GovSelect(),
                ),
            )
        setattr(GridForm, f"version-{row}-{group}", HiddenField(filters=[_version_or_none]))
    return GridForm
