"""The report page's sections, each rendered once for all that it shows (issue #21).

The report is the largest page (a dozen sections, some 600 KB); making it took
about 100 ms of CPU. Its sections are kept in the chart cache
(services.chart_cache) under :func:`report_key`, which names every input a
section reads; the cover around them (title, draft warning, the date it is made
and the "Make the PDF" form with the reader's CSRF token) is rendered on every
request. The PDF makes its sections afresh: its images are its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import func, select

from audit_app.extensions import db
from audit_app.models import EvidenceReturn, Questionnaire, QuestionnaireResponse
from audit_app.models.types import utcnow
from audit_app.services import comparisons, indicator_peers, report
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
    visible = db.session.scalars(
        evidence_service.visible_ids(audit, user, ctx.role).order_by(EvidenceReturn.id)
    )
    answers = db.session.execute(
        select(func.count(QuestionnaireResponse.id), func.max(QuestionnaireResponse.id))
        .join(Questionnaire, Questionnaire.id == QuestionnaireResponse.questionnaire_id)
        .where(Questionnaire.audit_id == audit.id)
    ).one()
    others = indicator_peers.other_area_audits(audit, user)
    earlier = comparisons.last_cycle(audit, user, brief=True)
    inputs = (
        ("audit", revision_key(audit), audit.area.name),
        ("reader", ctx.role, ctx.sees_judgements),
        ("evidence", tuple(visible)),
        ("other areas", tuple((revision_key(a), a.area.name) for a in others)),
        ("last cycle", revision_key(earlier) if earlier else None),
        ("survey answers", tuple(answers)),
        ("today", report.today().isoformat() if by_day else None),
    )
    return hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]


def kept_sections(
    ctx: ExportContext, shown: Sequence[Section]
) -> list[tuple[Section, RenderedSection]]:
    """Each section rendered for the page, at most once per :func:`report_key` (and,
    for a section that shows the time, per minute)."""
    key = report_key(ctx)
    minute = utcnow().strftime("%Y-%m-%dT%H:%M")
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
