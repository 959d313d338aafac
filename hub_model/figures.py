"""The range of figures an indicator may hold: one bound, shared by every way in.

The indicator form, the JSON import of an audit and the database columns all
take their limits from here, so that anything one of them accepts the others
accept too, and every rule in :mod:`hub_model.indicators` can work with it and
show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class FigureRange:
    """Figures from ``smallest`` to ``largest`` with at most ``places`` decimal places."""

    largest: Decimal
    places: int
    smallest: Decimal = Decimal(0)

    @property
    def precision(self) -> int:
        """Digits a database column needs to hold every figure in the range."""
        return len(str(int(max(abs(self.largest), abs(self.smallest))))) + self.places

    def problem(self, number: Decimal) -> str | None:
        """What is wrong with ``number``, to follow the figure's name ("must be 0 or more");
        None when it is in the range."""
        if not number.is_finite():
            return "must be a number"
        if number < self.smallest:
            return f"must be {_words(self.smallest)} or more"
        if number > self.largest:
            return f"must be {_words(self.largest)} or less"
        if decimal_places(number) > self.places:
            return f"must have no more than {self.places} decimal places"
        return None

    @classmethod
    def of_column(cls, precision: int, scale: int) -> FigureRange:
        """The range a NUMERIC(``precision``, ``scale``) column holds, either sign."""
        largest = Decimal(10) ** (precision - scale) - Decimal(10) ** -scale
        return cls(largest=largest, places=scale, smallest=-largest)


def decimal_places(number: Decimal) -> int:
    """Decimal places ``number`` needs (trailing zeros need none): 2 for 59.50, 0 for 1E+3."""
    text = f"{number:f}"  # exact, whatever the context's precision
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def _words(number: Decimal) -> str:
    text = f"{number:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# Counts in the hundreds of billions, rates and shares to six decimal places: far
# beyond any council's figures, and small enough that every rule and every display
# of the results they give stays exact (hub_model.indicators).
INDICATOR_FIGURES = FigureRange(largest=Decimal(999_999_999_999), places=6)
# A RAG threshold is a target variance in per cent, to one decimal place.
RAG_BOUNDS = FigureRange(largest=Decimal(10_000), places=1)
