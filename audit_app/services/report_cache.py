"""The report page's sections, each rendered once for all that it shows (issue #21).

The report is the largest page (a dozen sections, some 600 KB); making it took
about 100 ms of CPU. Its sections are kept in the chart cache
(services.chart_cache) under :func:`report_key`, which names every input a
section reads. The cover and contents around them (title, draft warning, the day it
is made) are kept under the same key and the day (report.render_page); the "Make the
PDF" form, with the reader's CSRF token, and the page's layout are rendered on every
request. The key's inputs from other audits (the other areas, the last cycle) and the
survey answers are read in one statement of columns; the evidence the reader sees is
kept per revision. The PDF makes its sections afresh: its images are its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Date,
    Integer,
    String,
    and_,
    bindparam,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

from audit_app.extensions import db
from audit_app.models import (
    Audit,
    AuditMembership,
    EvidenceReturn,
    Organisation,
    Questionnaire,
    QuestionnaireResponse,
    User,
)
from audit_app.models.audit import LEAD, PUBLISHED
from audit_app.models.types import utcnow
from audit_app.services import comparisons, cycle_comparison, report
from audit_app.services import evidence as evidence_service
from audit_app.services.chart_cache import cached, revision_key
from audit_app.services.exports import ExportContext
from audit_app.services.report import RenderedSection, Section


def report_key(ctx: ExportContext, by_day: bool = True) -> str:
    """What the report's sections show, for this reader, as a short key: every input
    of every section that the audit's revision alone does not name.

    - The audit at its revision (chart_cache.revision_key): everything the audit owns
      that a page changes (ratings, checklist, plan and progress, indicators,
      evidence, questionnaires, CQC judgements, tailoring), and whether it is
      published. Its area's name.
    - The reader's role in it, and so whether they see the lead's judgements (not a
      partner of a draft: no wheels, maps, gap map, comparisons or CQC section) and
      survey results (leads and commissioners only).
    - The evidence returns the reader may see, by id (services.evidence's rule: a
      lead or partner sees their own drafts, a commissioner the accepted returns of
      a published version): the summary's count, the gap map, the CQC evidence.
    - The other areas' published audits the reader was given, by id, revision and
      area name (the dashboard's benchmarking column; the comparison with other areas).
    - The last cycle the reader may see (comparisons.last_cycle), by id and revision:
      the comparison with the last cycle.
    - The survey answers to the audit's questionnaires: how many and the newest's id.
      Carers answer the public survey with no new revision (tests/web/revision_guard.py,
      NOT_KEPT); a named questionnaire answered again replaces the answers with a new
      row. The questionnaires, quality of life and CQC sections show them.
    - Today (report.today): the dashboard counts actions overdue by it. A PDF's key
      leaves it out (``by_day=False``): the PDF says the day it was made.

    The summary also shows the minute it was made ("Exported on"): it is kept within
    that minute only (Section.minute, :func:`kept_sections`). Not inputs, because the
    report shows none of them: commissioners' comments and agreements, "you said, we
    did", PDFs and their jobs, who else takes part.
    """
    audit, user = ctx.audit, ctx.user
    others, earlier, answers = _others_earlier_and_answers(audit, user)
    inputs = (
        ("audit", revision_key(audit), audit.area.name),
        ("reader", ctx.role, ctx.sees_judgements),
        ("evidence", _visible_evidence(ctx)),
        ("other areas", others),
        ("last cycle", earlier),
        ("survey answers", answers),
        ("today", report.today().isoformat() if by_day else None),
    )
    return hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]


def _visible_evidence(ctx: ExportContext) -> tuple[int, ...]:
    """The ids of the evidence returns the reader may see, kept per revision of the
    audit (every write to its returns gives it a new one) for the reader, their
    organisation (their own returns: services.evidence's rule) and role."""
    audit, user = ctx.audit, ctx.user
    return cached(
        audit,
        f"report-evidence:{user.id}:{user.organisation_id}:{ctx.role}",
        lambda: tuple(
            db.session.scalars(
                evidence_service.visible_ids(audit, user, ctx.role).order_by(EvidenceReturn.id)
            )
        ),
    )


def _others_earlier_and_answers(
    audit: Audit, user: User
) -> tuple[list[tuple[str, int, str, str]], str | None, tuple[int, int | None]]:
    """indicator_peers.others_key's audits, comparisons.last_cycle_key and
    questionnaires.answers_key, by the same rules, from one statement: the audits the
    user is a member of (any, for an administrator) that are either a published audit
    of another area or an earlier one of this area, as columns, and the answers'
    count and newest id as one more row."""
    values: dict[str, Any] = {
        "area_id": audit.area_id,
        "audit_id": audit.id,
        "period_start": audit.period_start,
    }
    if not user.is_admin:
        values["user_id"] = user.id
    others: list[tuple[int, tuple[str, int, str, str]]] = []  # by audit id
    earlier: list[tuple[Any, str]] = []
    answers: tuple[int, int | None] = (0, None)
    for row in db.session.execute(_reader_query(user.is_admin), values):
        if row.kind == "answers":
            answers = (int(row.id), row.revision)
        elif row.status == PUBLISHED and row.area_id != audit.area_id:
            others.append((row.id, (revision_key(row), row.area_id, row.cycle, row.name)))
        if (
            row.kind == "audit"
            and row.area_id == audit.area_id
            and row.id != audit.id
            and row.period_start < audit.period_start
        ):
            earlier.append((row, row.role))
    earlier.sort(key=lambda pair: (pair[0].period_start, pair[0].id), reverse=True)
    briefs = cycle_comparison.briefs_of(audit, user, earlier)
    named = [entry for _, entry in sorted(others)]
    return named, comparisons.last_cycle_key(audit, user, briefs), answers


@lru_cache(maxsize=2)
def _reader_query(admin: bool) -> CompoundSelect:
    """The statement of :func:`_others_earlier_and_answers`, built once. A member's
    audits are read from their memberships (indexed by user), each with its role."""
    columns = (
        literal_column("'audit'", String).label("kind"),
        Audit.id,
        Audit.revision,
        Audit.created_at,
        Audit.area_id,
        Audit.cycle,
        Organisation.name,
        Audit.scope,
        Audit.status,
        Audit.period_start,
    )
    if admin:
        audits = select(*columns, literal_column(f"'{LEAD}'", String).label("role"))
    else:
        audits = (
            select(*columns, AuditMembership.role.label("role"))
            .select_from(AuditMembership)
            .join(Audit, Audit.id == AuditMembership.audit_id)
            .where(AuditMembership.user_id == bindparam("user_id", type_=Integer))
        )
    audits = audits.join(Organisation, Organisation.id == Audit.area_id).where(
        or_(
            and_(
                Audit.status == PUBLISHED,
                Audit.area_id != bindparam("area_id", type_=Integer),
            ),
            and_(
                Audit.area_id == bindparam("area_id", type_=Integer),
                Audit.id != bindparam("audit_id", type_=Integer),
                Audit.period_start < bindparam("period_start", type_=Date),
            ),
        )
    )
    answers = (
        select(
            literal_column("'answers'", String),
            func.count(QuestionnaireResponse.id),
            func.max(QuestionnaireResponse.id),
            *(null() for _ in range(8)),
        )
        .join(Questionnaire, Questionnaire.id == QuestionnaireResponse.questionnaire_id)
        .where(Questionnaire.audit_id == bindparam("audit_id", type_=Integer))
    )
    return union_all(audits, answers)


def this_minute() -> str:
    """The minute a section that shows the time is kept for (Section.minute)."""
    return utcnow().strftime("%Y-%m-%dT%H:%M")


def kept_sections(
    ctx: ExportContext, shown: Sequence[Section], key: str | None = None
) -> list[tuple[Section, RenderedSection]]:
    """Each section rendered for the page, at most once per :func:`report_key` (``key``,
    if the caller has it) and, for a section that shows the time, per minute."""
    key = key or report_key(ctx)
    minute = this_minute()
    return [
        (
            section,
            cached(
                ctx.audit,
                f"report-page:{key}:{section.slug}" + (f"@{minute}" if section.minute else ""),
                lambda section=section: report.render_section(ctx, section),  # type: ignore[misc]
            ),
        )
        for section in shown
    ]
