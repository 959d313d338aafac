"""A suggested CQC score for one quality statement from the audit's evidence: the
weakest link, stated in :data:`RULE`.

Each piece of evidence is in one evidence category and may give a reading on CQC's
1 to 4 scale (:func:`rating_reading` and the others); a partner's return or a
questionnaire's answers count as evidence in their category without a reading of
their own. The suggestion is the lowest reading, made only when the evidence is
broad enough: a lead's score rests on their judgement, the suggestion only points
to the evidence that holds it down.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hub_model.cqc import Category
from hub_model.scales import ChecklistStatus, Maturity, Rag, Rag4

MOST_GAPS = 1  # categories without evidence a suggestion allows

RULE = (
    "No evidence in two or more of the five categories: no suggestion. Otherwise the "
    "suggestion is the lowest score read from the evidence (the weakest link): a rating "
    "red 1, amber 2, green 3, green with advanced maturity 4; a checklist row not in "
    "place 1, partly in place 2, in place 3; an indicator red 1, red amber or green "
    "amber 2, green 3; a carers' survey figure whose 95% interval lies wholly below the "
    "area's published figure 2, otherwise 3. Partners' returns and questionnaire answers "
    "count as evidence in their category but give no score of their own, and nothing "
    "not yet rated counts. With evidence but no score read from it, no suggestion."
)


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence about a statement, in plain words, and its reading."""

    category: Category
    label: str
    reading: int | None = None  # 1 to 4; None: evidence that gives no score

    def __post_init__(self) -> None:
        if self.reading is not None and self.reading not in (1, 2, 3, 4):
            raise ValueError(f"a reading is 1 to 4, not {self.reading!r}")


@dataclass(frozen=True)
class Suggestion:
    score: int | None  # None: no suggestion
    gaps: tuple[Category, ...]  # categories without evidence, in CQC's order
    weakest: tuple[Evidence, ...]  # the evidence giving the lowest reading
    why: str  # the rule's outcome for this statement, in plain words


def rating_reading(rag: Rag, maturity: Maturity) -> int | None:
    """A rating's score: red 1, amber 2, green 3, green and advanced 4; None unrated."""
    if rag is Rag.GREEN:
        return 4 if maturity is Maturity.ADVANCED else 3
    return {Rag.RED: 1, Rag.AMBER: 2}.get(rag)


def checklist_reading(status: ChecklistStatus) -> int | None:
    """A checklist row's score: not in place 1, partly 2, in place 3; None if not
    known or not assessed (no evidence either way)."""
    return {
        ChecklistStatus.NOT_IN_PLACE: 1,
        ChecklistStatus.PARTLY: 2,
        ChecklistStatus.IN_PLACE: 3,
    }.get(status)


def indicator_reading(rag: Rag4) -> int | None:
    """An indicator's score: red 1, red amber or green amber 2, green 3; None unrated."""
    return {Rag4.RED: 1, Rag4.RED_AMBER: 2, Rag4.GREEN_AMBER: 2, Rag4.GREEN: 3}.get(rag)


def measure_reading(high: float | None, published: float | None) -> int | None:
    """A local survey figure beside the area's published one (higher is better): 2 if
    its 95% interval lies wholly below the published figure, else 3; None without
    both (an interval too small to say, or nothing published)."""
    if high is None or published is None:
        return None
    return 2 if high < published else 3


def suggest(evidence: Iterable[Evidence]) -> Suggestion:
    """The weakest-link suggestion of :data:`RULE` for one statement's evidence."""
    found = list(evidence)
    held = {item.category for item in found}
    gaps = tuple(c for c in Category if c not in held)
    if len(gaps) > MOST_GAPS:
        where = "any" if len(gaps) == len(Category) else f"{len(gaps)}"
        return Suggestion(
            None, gaps, (), f"No suggestion: no evidence in {where} of the 5 categories."
        )
    readings = [item.reading for item in found if item.reading is not None]
    if not readings:
        return Suggestion(None, gaps, (), "No suggestion: none of the evidence gives a score.")
    lowest = min(readings)
    weakest = tuple(item for item in found if item.reading == lowest)
    pieces = f"{len(readings)} piece{'s' if len(readings) != 1 else ''}"
    return Suggestion(
        lowest,
        gaps,
        weakest,
        f"The lowest score read from {pieces} of evidence; held down by:",
    )
