"""The rating scales of the Carers' Hub audit (seed 003 §8.7, seed 002).

Every scale has its own "not rated" member. Not rated is a state, not a
grade: it has no rank, is never shown or counted as red, and never improves
a summary. Use :func:`rank` to compare grades; it returns ``None`` for not rated.
"""

from __future__ import annotations

from enum import StrEnum


class Rag(StrEnum):
    """Red / amber / green rating of an intervention or outcome indicator (§8.7)."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    NOT_RATED = "not_rated"


class Maturity(StrEnum):
    """How developed an intervention is (§8.7)."""

    EARLY = "early"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    NOT_RATED = "not_rated"


class ChecklistStatus(StrEnum):
    """Appendix A: are the services/processes to look for in place?

    ``NOT_KNOWN`` is a judgement someone made ("we do not know");
    ``NOT_RATED`` means nobody has judged the cell yet.
    """

    IN_PLACE = "in_place"
    PARTLY = "partly"
    NOT_IN_PLACE = "not_in_place"
    NOT_KNOWN = "not_known"
    NOT_RATED = "not_rated"


class Rag4(StrEnum):
    """Four-level RAG of seed 002, for indicators and action progress.

    green; green amber (delayed, low impact); red amber (medium impact);
    red (risk of not delivering, or high impact).
    """

    RED = "red"
    RED_AMBER = "red_amber"
    GREEN_AMBER = "green_amber"
    GREEN = "green"
    NOT_RATED = "not_rated"


class Polarity(StrEnum):
    """Whether a higher or lower indicator result is better, or neither."""

    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"


class Unit(StrEnum):
    """How an indicator's result is expressed."""

    PERCENTAGE = "percentage"
    RATE_PER_100000 = "rate_per_100000"
    COUNT = "count"
    AVERAGE = "average"
    OTHER = "other"


class Direction(StrEnum):
    """Direction of travel of an indicator against its previous result."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    SAME = "same"
    NONE = "none"


class Change(StrEnum):
    """What happened to a cell or outcome between two audits."""

    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"
    NEW = "new"
    REMOVED = "removed"


# Worst first. Not rated is deliberately absent: it has no place in the order.
ORDER: dict[type[StrEnum], tuple[StrEnum, ...]] = {
    Rag: (Rag.RED, Rag.AMBER, Rag.GREEN),
    Maturity: (Maturity.EARLY, Maturity.INTERMEDIATE, Maturity.ADVANCED),
    Rag4: (Rag4.RED, Rag4.RED_AMBER, Rag4.GREEN_AMBER, Rag4.GREEN),
    ChecklistStatus: (
        ChecklistStatus.NOT_IN_PLACE,
        ChecklistStatus.PARTLY,
        ChecklistStatus.IN_PLACE,
    ),
}

# Keyed by (scale, value): members of different scales share values ("red",
# "not_rated"), and StrEnum members with equal values are equal dict keys.
_LABELS: dict[tuple[type[StrEnum], str], str] = {
    (Rag, Rag.RED.value): "Red",
    (Rag, Rag.AMBER.value): "Amber",
    (Rag, Rag.GREEN.value): "Green",
    (Rag, Rag.NOT_RATED.value): "Not rated",
    (Maturity, Maturity.EARLY.value): "Early",
    (Maturity, Maturity.INTERMEDIATE.value): "Intermediate",
    (Maturity, Maturity.ADVANCED.value): "Advanced",
    (Maturity, Maturity.NOT_RATED.value): "Not rated",
    (ChecklistStatus, ChecklistStatus.IN_PLACE.value): "In place",
    (ChecklistStatus, ChecklistStatus.PARTLY.value): "Partly in place",
    (ChecklistStatus, ChecklistStatus.NOT_IN_PLACE.value): "Not in place",
    (ChecklistStatus, ChecklistStatus.NOT_KNOWN.value): "Not known",
    (ChecklistStatus, ChecklistStatus.NOT_RATED.value): "Not assessed",
    (Rag4, Rag4.RED.value): "Red",
    (Rag4, Rag4.RED_AMBER.value): "Red amber",
    (Rag4, Rag4.GREEN_AMBER.value): "Green amber",
    (Rag4, Rag4.GREEN.value): "Green",
    (Rag4, Rag4.NOT_RATED.value): "Not rated",
    (Polarity, Polarity.HIGHER.value): "Higher is better",
    (Polarity, Polarity.LOWER.value): "Lower is better",
    (Polarity, Polarity.NONE.value): "No polarity",
    (Direction, Direction.IMPROVING.value): "Improving",
    (Direction, Direction.WORSENING.value): "Worsening",
    (Direction, Direction.SAME.value): "Same",
    (Direction, Direction.NONE.value): "Not applicable",
    (Change, Change.IMPROVED.value): "Improved",
    (Change, Change.WORSENED.value): "Worsened",
    (Change, Change.UNCHANGED.value): "Unchanged",
    (Change, Change.NEW.value): "New",
    (Change, Change.REMOVED.value): "Removed",
}


def rank(grade: StrEnum) -> int | None:
    """Position of ``grade`` on its scale, 0 = worst; ``None`` if it has no rank.

    Not rated (and the checklist's "not known") have no rank, so no rule can
    treat them as a grade.
    """
    order = ORDER.get(type(grade), ())
    return order.index(grade) if grade in order else None


def label(grade: StrEnum) -> str:
    """The plain-words label a person sees for ``grade``."""
    return _LABELS[(type(grade), grade.value)]
