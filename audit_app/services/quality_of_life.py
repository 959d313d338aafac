"""Carers' quality of life: the local carers' survey scored as the national measure
(hub_model.quality_of_life), and the area's published figures beside it.

Who sees what follows the questionnaire results (the lead and, on a published audit,
commissioners): the figures come through the same suppression rule. Other engineers'
pages (the CQC cross-walk's "people's experience") call :func:`results_for_audit`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, PublishedCarerFigure, Questionnaire, User
from audit_app.services import changes
from audit_app.services import questionnaires as surveys
from audit_app.services.frameworks import framework_of
from audit_app.services.scope import assessed_groups
from hub_model import quality_of_life as qol
from hub_model.intervals import Interval
from hub_model.quality_of_life_scoring import Scoring, load_scoring
from hub_model.survey_results import Summary
from questionnaires import FOLDER

SCORING_FILE = FOLDER / "scoring" / "carer_quality_of_life.yaml"
ENTITY = "published carer figure"
FIELDS = ("measure", "year", "council_code", "value", "base", "ci_low", "ci_high")
COMPARISON_RULE = (
    "The difference is the local figure minus the published one. The published figure "
    "is outside the local range when it lies outside the local figure's 95% confidence "
    "interval: a difference that chance alone would rarely give."
)


@cache
def scoring() -> Scoring:
    """The shipped scoring, checked against the shipped questionnaire it scores."""
    data = load_scoring(SCORING_FILE, surveys.shipped()["carers_survey"][1])
    return data


def scoring_for(record: Questionnaire) -> Scoring | None:
    """The scoring, if the questionnaire as opened asks its questions."""
    found = scoring()
    if record.definition_id != found.questionnaire:
        return None
    return found if qol.applies_to(found, surveys.definition_of(record)) else None


@dataclass(frozen=True)
class Local:
    """One questionnaire's quality-of-life results, and its survey results (the share
    at each answer per domain and carer group, through the same rule)."""

    record: Questionnaire
    result: qol.QualityOfLife
    survey: Summary


def results_for(audit: Audit, record: Questionnaire) -> Local | None:
    found = scoring_for(record)
    if found is None:
        return None
    framework = framework_of(audit)
    in_scope = [group.code for group in assessed_groups(audit, framework)]
    result = qol.summarise(
        found,
        surveys.definition_of(record, framework),
        surveys.answer_sets(record),
        surveys.group_order(framework),
        in_scope,
    )
    return Local(record, result, surveys.results(audit, record))


def results_for_audit(audit: Audit) -> list[Local]:
    """Every questionnaire of the audit that asks the quality-of-life questions, the
    most recently opened first, with its results (every figure already suppressed)."""
    found = [results_for(audit, record) for record in surveys.list_for(audit)]
    return [local for local in found if local is not None]


# Published figures.


def published(audit: Audit) -> list[PublishedCarerFigure]:
    order = {code: index for index, code in enumerate(scoring().measure_codes())}
    rows = db.session.scalars(
        select(PublishedCarerFigure).where(PublishedCarerFigure.audit_id == audit.id)
    )
    return sorted(rows, key=lambda r: (order.get(r.measure, len(order)), r.year), reverse=False)


def _label(values: Mapping[str, Any]) -> str:
    return f"{scoring().title_of(str(values['measure']))}, {values['year']}"


def save_figures(audit: Audit, rows: Sequence[Mapping[str, Any]], user: User) -> int:
    """Add each figure, or replace the figure of the same measure and year; all in one
    transaction. Returns how many rows changed. Raises changes.SaveFailed."""
    existing = {(r.measure, r.year): r for r in published(audit)}
    work = []
    for values in rows:
        record = existing.get((values["measure"], values["year"]))
        if record is None:
            record = PublishedCarerFigure(audit_id=audit.id)
        work.append(changes.Change(audit, record, dict(values), ENTITY, _label(values), None))
    before = [changes.snapshot(c.record, FIELDS) if c.record.id else None for c in work]
    changes.save_all(work, user)
    return sum(
        1
        for change, old in zip(work, before, strict=True)
        if old != changes.snapshot(change.record, FIELDS)
    )


@dataclass(frozen=True)
class Comparison:
    """A published figure beside the local survey's figure of the same measure."""

    figure: PublishedCarerFigure
    title: str
    ascof: str
    percent: bool
    local: Interval | None  # None: no local figure (not asked, or hidden)
    local_base: int | None
    local_title: str | None  # the questionnaire it comes from

    @property
    def difference(self) -> Decimal | None:
        if self.local is None:
            return None
        return _decimal(self.local.value) - self.figure.value

    @property
    def outside(self) -> bool | None:
        """Whether the published value lies outside the local 95% interval."""
        if self.local is None:
            return None
        holds = self.local.holds(float(self.figure.value))
        return None if holds is None else not holds


def _decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


def local_figure(local: Local, code: str) -> tuple[Interval | None, int | None]:
    """The local figure of measure ``code``, on the published scale (a percentage 0-100)."""
    if code == local.result.scoring.code:
        everyone = local.result.everyone
        return everyone.mean, everyone.scored
    for row in local.result.measures:
        if row.measure.code == code and row.share is not None:
            share = row.share
            scaled = Interval(
                share.value * 100,
                None if share.low is None else share.low * 100,
                None if share.high is None else share.high * 100,
            )
            return scaled, row.base
    return None, None


def comparisons(audit: Audit, locals_: Sequence[Local] | None = None) -> list[Comparison]:
    """Each published figure beside the most recent local questionnaire's figure."""
    found = scoring()
    latest = (locals_ if locals_ is not None else results_for_audit(audit))[:1]
    out = []
    for figure in published(audit):
        if figure.measure not in found.measure_codes():
            continue
        local, base = local_figure(latest[0], figure.measure) if latest else (None, None)
        out.append(
            Comparison(
                figure,
                found.title_of(figure.measure),
                found.ascof_of(figure.measure),
                found.is_share(figure.measure),
                local,
                base,
                latest[0].record.title if latest else None,
            )
        )
    return out
