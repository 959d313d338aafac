"""Hiding small numbers in a split of results: primary and secondary suppression.

A split shows one count per group (carer group or stakeholder type) beside a
total that is shown anyway. The rule, stated where results are shown
(:data:`RULE`):
- primary: a group with fewer than :data:`SMALLEST_GROUP` answers is hidden;
- secondary (complementary): if only one group is hidden, its count is the total
  minus the shown groups; if several are hidden but together hold fewer than
  :data:`SMALLEST_GROUP`, their combined count is itself a small number. While
  either is so, the smallest group still shown is hidden too (the first in
  display order among equals), until at least two groups are hidden holding
  at least :data:`SMALLEST_GROUP` answers between them, or every group is.

A split of one group has nothing else to hide: that group is hidden when small,
and whatever the total says about it the total says anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

SMALLEST_GROUP = 5

RULE = (
    f"Groups with fewer than {SMALLEST_GROUP} answers are hidden, and so is the next "
    "smallest group where needed so that hidden numbers cannot be worked out from the total."
)
# What an exported table says in place of a hidden group's figures.
SUPPRESSED = (
    f"suppressed: fewer than {SMALLEST_GROUP} answers, or hidden so that hidden numbers "
    "cannot be worked out from the total"
)


def is_safe(counts: Sequence[int], hidden: frozenset[int], smallest: int = SMALLEST_GROUP) -> bool:
    """Whether no hidden count, and no small combined hidden count, follows from the total.

    Safe when nothing is hidden, when every group is, or when at least two are
    hidden holding at least ``smallest`` answers between them.
    """
    if not hidden or len(hidden) == len(counts):
        return True
    return len(hidden) >= 2 and sum(counts[position] for position in hidden) >= smallest


def hidden_groups(counts: Sequence[int], smallest: int = SMALLEST_GROUP) -> frozenset[int]:
    """The positions in ``counts`` to hide, by the primary and then the secondary rule.

    ``counts`` are the groups' answer counts in display order. Raises ValueError
    for a negative count or a ``smallest`` below 1.
    """
    if smallest < 1:
        raise ValueError(f"the smallest group shown must be at least 1, not {smallest}")
    if any(count < 0 for count in counts):
        raise ValueError(f"counts cannot be negative: {list(counts)}")
    hidden = {position for position, count in enumerate(counts) if count < smallest}
    still_shown = sorted(
        (count, position) for position, count in enumerate(counts) if position not in hidden
    )
    for _, position in still_shown:
        if is_safe(counts, frozenset(hidden), smallest):
            break
        hidden.add(position)
    return frozenset(hidden)
