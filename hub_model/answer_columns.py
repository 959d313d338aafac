"""What each column of a questionnaire's CSV import takes, in plain words.

The import reads answers with :func:`hub_model.questionnaire.parse_answer`; this
module says the same rules to the person filling in the file: the column's name,
its question, what to write, whether it may be left empty, and every code with
its meaning. Generated from the questionnaire definition, so it cannot drift from
what the import accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub_model.questionnaire import LIST_SEPARATOR, Question, Questionnaire, QuestionType


@dataclass(frozen=True)
class Column:
    """One column of the import file."""

    name: str  # the header: the question's code
    question: str
    what_to_write: str
    may_be_empty: bool
    codes: tuple[tuple[str, str], ...]  # (code, meaning) for a question with choices


def columns(questionnaire: Questionnaire) -> list[Column]:
    """Every column of the import file, in the template's order."""
    return [
        Column(
            name=question.code,
            question=question.text,
            what_to_write=what_to_write(question),
            may_be_empty=not question.required,
            codes=tuple((option.code, option.label) for option in question.options),
        )
        for question in questionnaire.questions
    ]


def _range(question: Question) -> str:
    low, high = question.minimum, question.maximum
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of {low} or more"
    if high is not None:
        return f" of {high} or less"
    return ""


def what_to_write(question: Question) -> str:
    """What a cell of this question's column must hold for the import to accept it."""
    kind = question.type
    separated = f"separated by semicolons ({LIST_SEPARATOR})"
    if kind is QuestionType.SINGLE_CHOICE:
        return "One code from the list below (or its meaning, in words)"
    if kind is QuestionType.MULTIPLE_CHOICE:
        return f"One or more codes from the list below, {separated}"
    if kind is QuestionType.RANKING:
        count = f"exactly {question.pick}" if question.required else f"up to {question.pick}"
        return f"{count.capitalize()} codes from the list below, first choice first, {separated}"
    if kind is QuestionType.SCALE:
        ends = ""
        if question.low_label and question.high_label:
            ends = f", where {question.minimum} is ‘{question.low_label}’ and {question.maximum} is ‘{question.high_label}’"
        return f"A whole number{_range(question)}{ends}"
    if kind is QuestionType.NUMBER:
        return f"A whole number{_range(question)}"
    return f"Any text, up to {question.max_length:,} characters"
