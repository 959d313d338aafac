"""Progress of an action plan: four-level RAG counts and overdue actions (seeds 000-002).

Each action's progress is the RAG of its latest dated update (seed 000's
"Update – December 2009"); seed 002 reads green as "commitment met".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from hub_model.indicators import format_share
from hub_model.ratings import Summary, levels, tally
from hub_model.scales import Rag4

RULE = (
    "An action's progress is the RAG of its latest update; an action with no update is "
    "not rated and counted apart, never as red. Shares are of all actions in the plan. "
    "An action is overdue when its timescale has passed and its latest update is not "
    "green (commitment met)."
)


@dataclass(frozen=True)
class ProgressUpdate:
    """A dated progress update with its four-level RAG and commentary."""

    on: date
    rag: Rag4
    commentary: str = ""


@dataclass(frozen=True)
class Action:
    """An action of the plan: its code, optional timescale date and updates."""

    code: str
    timescale: date | None = None
    updates: Sequence[ProgressUpdate] = field(default_factory=tuple)


def latest_update(action: Action) -> ProgressUpdate | None:
    """The latest update by date (the last given, for a tie); None if there is none."""
    latest: ProgressUpdate | None = None
    for update in action.updates:
        if latest is None or update.on >= latest.on:
            latest = update
    return latest


def progress(action: Action) -> Rag4:
    """The action's progress RAG: its latest update's, or not rated."""
    latest = latest_update(action)
    return Rag4.NOT_RATED if latest is None else latest.rag


def is_overdue(action: Action, today: date) -> bool:
    """Timescale passed (before ``today``) and not green; never without a timescale."""
    return (
        action.timescale is not None
        and action.timescale < today
        and progress(action) is not Rag4.GREEN
    )


@dataclass(frozen=True)
class ProgressSummary:
    """Counts of actions per progress RAG, with the actions named, and overdue ones."""

    progress: Summary[Rag4]
    overdue: tuple[str, ...] | None

    @property
    def actions(self) -> int:
        """How many actions the plan has."""
        return self.progress.total

    @property
    def not_rated(self) -> int:
        """Actions with no update yet."""
        return self.progress.not_rated

    def count(self, grade: Rag4) -> int:
        """Actions at ``grade``."""
        return self.progress.spread[grade]

    def share(self, grade: Rag4) -> str:
        """Seed 002's "100% (5)": share of all actions at ``grade``, and the count."""
        return format_share(self.count(grade), self.actions)

    @property
    def overdue_count(self) -> int | None:
        """How many are overdue; None when no date was given."""
        return None if self.overdue is None else len(self.overdue)

    @property
    def shares(self) -> dict[Rag4, str]:
        """:meth:`share` for every level, not rated last."""
        return {grade: self.share(grade) for grade in levels(Rag4)}


def summarise_progress(actions: Sequence[Action], today: date | None = None) -> ProgressSummary:
    """Progress across a plan's actions by :data:`RULE`; overdue actions are
    named only when ``today`` is given."""
    return ProgressSummary(
        progress=tally(((a.code, progress(a)) for a in actions), Rag4),
        overdue=None if today is None else tuple(a.code for a in actions if is_overdue(a, today)),
    )
