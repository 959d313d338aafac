"""The report page's sections, each rendered once for all that it shows (issue #21).

The report is the largest page (a dozen sections, some 600 KB); making it took
about 100 ms of CPU. Its sections are kept in the chart cache
(services.chart_cache) under :func:`report_key`, which names every input a
section reads. The cover and contents around them (title, draft warning, the day it
is made) are kept under the same key and the day (report.render_page); the "Make the
PDF" form, with the reader's CSRF token, and the page's layout are rendered on every
request. The key's inputs from other audits (the other areas, the earlier cycles) and
the survey answers are read as columns of the statement that reads the signed-in user
and the audit (access.read_with_user, registered by the report's blueprint), or in one
statement of their own elsewhere (a PDF's job); the evidence the reader sees is kept
per revision. The PDF makes its sections afresh: its images are its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from audit_app.extensions import db
from audit_app.models import EvidenceReturn
from audit_app.models.types import utcnow
from audit_app.services import cycle_comparison, indicator_peers, questionnaires, report
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
      area name (indicator_peers.others_key: the dashboard's benchmarking column; the
      comparison with other areas).
    - The earlier audits of this area the reader is a member of, by id, revision and
      the reader's role (cycle_comparison.earlier_key): the last cycle the reader may
      see (comparisons.last_cycle), which the comparison with the last cycle shows, is
      the one of them this audit's rule chooses.
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
    inputs = (
        ("audit", revision_key(audit), audit.area.name),
        ("reader", ctx.role, ctx.sees_judgements),
        ("evidence", _visible_evidence(ctx)),
        ("other areas", indicator_peers.others_key(audit, user)),
        ("earlier cycles", cycle_comparison.earlier_key(audit, user)),
        ("survey answers", questionnaires.answers_key(audit)),
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
