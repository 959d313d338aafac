"""Which of one question's figures to hide: :mod:`hub_model.suppression` applied to
the tables a questionnaire's results print.

For a question whose answers add up (single choice, scale) one table per split
and block of groups (the groups one question divides people into, such as age bands):
a row per answer, a column per group, the "All answers" counts as the row
totals and each group's number answering as the column totals. For a question
where people choose several answers (multiple choice, and whether an option was
ranked at all) each answer is a yes/no question of its own: a table per answer
and split with the rows "chose it" and "did not", the second never printed but
protected all the same ("all but 2 chose breaks" names a group of 2). A
ranking's "ranked first" counts add up to the number answering. Without a split,
each of these is one column with its total. Every table is linked to the others
through the figures they share, so a figure is hidden everywhere it is printed.

Figure keys: ``("all", key)`` an "All answers" count, ``("all", "*")`` the number
answering; ``(split, group, key)`` a group's count, ``(split, group, "*")`` the
group's number answering; ``("first", key)`` how often an answer was ranked first.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from hub_model.suppression import Grid, Linked, protect_linked

ANSWERED = "*"


@dataclass(frozen=True)
class SplitCounts:
    """One split of a question: each group's count per answer and number answering."""

    name: str
    groups: tuple[str, ...]
    answered: Mapping[str, int]
    counts: Mapping[tuple[str, str], int]  # (group, answer key) -> people
    # The groups in blocks that each divide people one way (condition, age band):
    # each block is its own table beside the "All answers" column.
    blocks: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class QuestionCounts:
    keys: tuple[str, ...]
    counts: Mapping[str, int]
    answered: int
    adds_up: bool  # each person gives one answer: the counts add up to ``answered``
    splits: tuple[SplitCounts, ...] = ()
    first: Mapping[str, int] = field(default_factory=dict)  # rankings: ranked first


def hidden_figures(question: QuestionCounts) -> frozenset[Hashable]:
    """The keys of every figure of ``question`` that is not to be printed."""
    return protect_linked(_tables(question))


def _tables(question: QuestionCounts) -> list[Linked]:
    # A group nobody in which answered is all known zeros: it protects nothing and
    # needs no protecting, so it stays out of the tables (and is printed as such).
    splits = [
        (split, [g for g in block if split.answered.get(g, 0)])
        for split in question.splits
        for block in (split.blocks or (split.groups,))
    ]
    splits = [(split, groups) for split, groups in splits if groups]
    if question.adds_up:
        tables = [_adding(question, split, groups) for split, groups in splits]
        if not tables:
            tables = [_column([(("all", k), question.counts[k]) for k in question.keys], question)]
    else:
        tables = [
            _yes_no(question, key, split, groups)
            for key in question.keys
            for split, groups in splits
        ]
        if not splits:
            tables = [
                _column(
                    [
                        (("all", key), question.counts[key]),
                        (("all", key, "not"), question.answered - question.counts[key]),
                    ],
                    question,
                )
                for key in question.keys
            ]
    if question.first:
        tables.append(
            _column([(("first", k), question.first.get(k, 0)) for k in question.keys], question)
        )
    return tables


def _column(cells: Sequence[tuple[Hashable, int]], question: QuestionCounts) -> Linked:
    """One column of counts above the number answering; its rows are no constraint."""
    keys = tuple((key,) for key, _ in cells) + ((("all", ANSWERED),),)
    values = [[value] for _, value in cells] + [[question.answered]]
    return Linked(Grid.of(values, rows_add_up=False), keys)


def _adding(question: QuestionCounts, split: SplitCounts, groups: list[str]) -> Linked:
    keys: list[tuple[Hashable, ...]] = []
    values: list[list[int]] = []
    for key in question.keys:
        keys.append(tuple((split.name, g, key) for g in groups) + (("all", key),))
        values.append([split.counts.get((g, key), 0) for g in groups] + [question.counts[key]])
    keys.append(tuple((split.name, g, ANSWERED) for g in groups) + (("all", ANSWERED),))
    values.append([split.answered.get(g, 0) for g in groups] + [question.answered])
    return Linked(Grid.of(values, rows_add_up=True), tuple(keys))


def _yes_no(question: QuestionCounts, key: str, split: SplitCounts, groups: list[str]) -> Linked:
    chose = [split.counts.get((g, key), 0) for g in groups]
    answered = [split.answered.get(g, 0) for g in groups]
    total = question.counts[key]
    values = [
        chose + [total],
        [n - c for n, c in zip(answered, chose, strict=True)] + [question.answered - total],
        answered + [question.answered],
    ]
    keys = (
        tuple((split.name, g, key) for g in groups) + (("all", key),),
        tuple((split.name, g, key, "not") for g in groups) + (("all", key, "not"),),
        tuple((split.name, g, ANSWERED) for g in groups) + (("all", ANSWERED),),
    )
    return Linked(Grid.of(values, rows_add_up=True), keys)


# Quoting withheld free text elsewhere (the public "you said, we did" page).

QUOTE_WORDS = 6  # a run this long, word for word, is a quotation


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def quotes(text: str, withheld: Sequence[str]) -> str | None:
    """The first withheld answer that ``text`` repeats word for word, if any: the
    whole answer (of 3 words or more), or any run of :data:`QUOTE_WORDS` words of it.
    Case, punctuation and spacing are ignored."""
    said = f" {' '.join(_words(text))} "
    for answer in withheld:
        words = _words(answer)
        if len(words) < 3:
            continue
        size = min(QUOTE_WORDS, len(words))
        runs = (" ".join(words[start : start + size]) for start in range(len(words) - size + 1))
        if any(f" {run} " in said for run in runs):
            return answer
    return None
