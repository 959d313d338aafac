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
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, select

from audit_app.extensions import db
from audit_app.models import Audit, Organisation, User
from audit_app.models.audit import PUBLISHED
from audit_app.models.indicators import Indicator
from audit_app.services import indicators as step3
from audit_app.services.access import bound_member_audit
from audit_app.services.benchmarking import comparable_audits
from audit_app.services.benchmarking_indicators import MATCH_RULE, by_match_key, latest_reported
from audit_app.services.chart_cache import revision_key

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


def others_key(audit: Audit, user: User) -> str:
    """What :func:`other_area_audits` names, for keeping what is made of them without
    reading them: each audit by id, revision and creation time (chart_cache.revision_key),
    its area and cycle (their order) and the area's name (the Benchmarking column shows
    it; renaming an area gives its audits no new revision). One query of those columns:
    a published audit of another area that the user is a member of (any audit, for an
    administrator) is one :func:`other_area_audits` returns (access.can_see)."""
    values: dict[str, Any] = {"area_id": audit.area_id}
    if not user.is_admin:
        values["user_id"] = user.id
    rows = db.session.execute(_others_query(user.is_admin), values)
    return repr([(revision_key(row), *row[3:]) for row in rows])


@lru_cache(maxsize=2)
def _others_query(admin: bool) -> Select[Any]:
    """The query of :func:`others_key`, built once (for administrators and members)."""
    query = (
        select(
            Audit.id,
            Audit.revision,
            Audit.created_at,
            Audit.area_id,
            Audit.cycle,
            Organisation.name,
        )
        .join(Organisation, Organisation.id == Audit.area_id)
        .where(Audit.status == PUBLISHED, Audit.area_id != bindparam("area_id", type_=Integer))
        .order_by(Audit.id)
    )
    if not admin:
        query = query.where(bound_member_audit())
    return query


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
