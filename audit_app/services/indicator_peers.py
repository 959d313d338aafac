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
from typing import Any

from sqlalchemy import Integer, String, bindparam, cast, func, select
from sqlalchemy.orm import aliased

from audit_app.models import Audit, AuditMembership, Organisation, User
from audit_app.models.audit import PUBLISHED
from audit_app.models.indicators import Indicator
from audit_app.services import indicators as step3
from audit_app.services.access import key_entries, key_entry, read_with_user_or_alone
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


def others_key(audit: Audit, user: User) -> str:
    """What :func:`other_area_audits` names, for keeping what is made of them without
    reading them: each audit by id, revision and creation time (chart_cache.revision_key),
    its area and cycle (their order) and the area's name (the Benchmarking column shows
    it; renaming an area gives its audits no new revision): a published audit of
    another area that the user is a member of (any audit, for an administrator) is one
    :func:`other_area_audits` returns (access.can_see). :func:`others_column`, read
    with the user on the dashboard (access.read_with_user), else asked alone."""
    value = read_with_user_or_alone(audit.id, user, "others", others_column)
    return f"other areas: {key_entries(value)}"


def others_column(admin: bool = False) -> Any:
    """:func:`others_key`'s audits as one text column, for a statement that reads the
    user (the outer ``User``, whose id is bound as ``user_id``) and the page's audit
    (the outer ``Audit``): each audit's id, revision, creation time, area, cycle and
    area name (access.key_entry: :func:`others_key` reads them back sorted, whatever
    order the database joined them in). A member's audits are found from their memberships; an administrator's
    are every audit, asked apart (``admin``): "member or administrator" in one
    condition made SQLite read every audit for everyone (14 ms a dashboard)."""
    other, area = aliased(Audit), aliased(Organisation)
    entry = key_entry(
        cast(other.id, String),
        cast(func.coalesce(other.revision, 0), String),
        cast(other.created_at, String),
        cast(other.area_id, String),
        cast(func.length(other.cycle), String),
        other.cycle,
        cast(func.length(area.name), String),
        area.name,
    )
    where = [other.status == PUBLISHED, other.area_id != Audit.area_id]
    if not admin:  # the reader's memberships, a handful, by their index
        where.append(
            other.id.in_(
                select(AuditMembership.audit_id).where(
                    AuditMembership.user_id == bindparam("user_id", type_=Integer)
                )
            )
        )
    return (
        select(func.aggregate_strings(entry, "|"))
        .select_from(other)
        .join(area, area.id == other.area_id)
        .where(*where)
        .correlate(Audit)
        .scalar_subquery()
    )


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
