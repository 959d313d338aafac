"""Benchmarking on an audit's indicator dashboard: other areas' latest results for
the same indicator, from the published audits the viewer may open, beside the
published national (or comparator group's) figure the lead entered.

Indicators are matched across areas by compare areas' rule
(services.benchmarking_indicators.MATCH_RULE), and each area shows the latest
period with a result, worked out as on that area's own dashboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from audit_app.models import Audit, User
from audit_app.models.indicators import Indicator
from audit_app.services import indicators as step3
from audit_app.services.benchmarking import comparable_audits
from audit_app.services.benchmarking_indicators import MATCH_RULE, by_match_key, latest_reported

AREAS_RULE = (
    "Benchmarking shows, for each indicator, the latest result of every other area "
    "whose published audit you have been given (for each area, its newest cycle that "
    "has the indicator), and the published national or comparator group's figure where "
    "the carers lead has entered one. Areas you have not been given, drafts, and this "
    f"area's other cycles are not shown. {MATCH_RULE}"
)


@dataclass(frozen=True)
class PeerValue:
    """One other area's latest result for an indicator."""

    area: str
    period: str
    result: str

    @property
    def text(self) -> str:
        return f"{self.area}: {self.result} ({self.period})"


def other_area_audits(audit: Audit, user: User) -> list[Audit]:
    """Published audits of other areas that ``user`` may open, newest cycle first."""
    others = [a for a in comparable_audits(user) if a.area_id != audit.area_id]
    return sorted(others, key=lambda a: (a.area.name, a.cycle), reverse=True)


def signature(audits: Sequence[Audit]) -> str:
    """Changes when any of ``audits`` changes: for caching what is built from them."""
    return ",".join(f"{a.id}.{a.revision or 0}" for a in audits) or "none"


def peer_values(audit: Audit, audits: Sequence[Audit]) -> dict[int, list[PeerValue]]:
    """For each of ``audit``'s indicators (by id), the other areas' latest results."""
    mine = by_match_key(step3.indicators(audit))
    found: dict[int, list[PeerValue]] = {indicator.id: [] for indicator in mine.values()}
    seen: dict[int, set[int]] = {indicator.id: set() for indicator in mine.values()}
    everyone = step3.indicators_of(audits)  # one query for every other area
    for other in audits:
        theirs = by_match_key(everyone[other.id])
        for key, indicator in mine.items():
            match: Indicator | None = theirs.get(key)
            if match is None or other.area_id in seen[indicator.id]:
                continue
            seen[indicator.id].add(other.area_id)
            row = latest_reported(match)
            if row is not None:
                result = row.assessment.result_text
                found[indicator.id].append(
                    PeerValue(other.area.name, row.value.period_label, result)
                )
    for values in found.values():
        values.sort(key=lambda v: v.area)
    return found
