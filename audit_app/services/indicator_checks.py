"""What the indicator forms check across fields, checked again on stored indicators.

The JSON import takes rows as the file gives them; a hand-edited file can hold an
indicator the forms would refuse (a numerator and a direct result, a RAG set by
hand without a reason, bounds the wrong way round, a unit no rule knows), which
hub_model's rules then cannot assess, so no page could show it. The import asks
:func:`first_problem` before it commits.
"""

from __future__ import annotations

from audit_app.models import Audit
from audit_app.models.indicators import Indicator
from audit_app.services import indicators as step3

CHOICES = (
    ("unit", step3.UNITS, "the unit is not one of the list"),
    ("polarity", step3.POLARITIES, "the polarity is not one of the list"),
    ("indicator_type", step3.TYPES, "the type is not strategic or critical"),
)
LEAST_DECIMALS, MOST_DECIMALS = 0, 6  # as the indicator form allows


def _definition_problem(indicator: Indicator) -> str | None:
    for name, choices, message in CHOICES:
        if getattr(indicator, name) not in choices:
            return message
    decimals = indicator.decimals
    if decimals is not None and not LEAST_DECIMALS <= decimals <= MOST_DECIMALS:
        return f"decimal places must be from {LEAST_DECIMALS} to {MOST_DECIMALS}"
    try:
        step3.definition(indicator)
    except ValueError as error:
        return str(error)
    return None


def first_problem(audit: Audit) -> str | None:
    """The first indicator or period of ``audit`` that hub_model's rules cannot assess,
    in words that name it; None when every one can be assessed and shown."""
    for indicator in step3.indicators(audit):
        problem = _definition_problem(indicator)
        if problem:
            return f"Indicator {indicator.ref}: {problem}"
        for value in indicator.values:
            if value.manual_rag and value.manual_rag not in step3.RAG_TAGS:
                problem = "the RAG set by hand is not one of the four"
            else:
                try:
                    step3.period_value(value, None)
                except ValueError as error:
                    problem = str(error)
            if problem:
                return f"Indicator {indicator.ref}, period {value.period_label}: {problem}"
    return None
