"""Every page of an audit makes a fixed number of SQL queries (issue #21).

The demo's dementia audit (published, with every kind of record) and a new
version of it (a draft) are viewed page by page, by the lead (the draft) and the
commissioner (the published one), counting the statements each request sends.
Then both audits grow: more carer groups in scope, more interventions (local
ones added to their frameworks), a rating and a checklist judgement in every new
cell, and more actions, indicators with their values and evidence returns. A
page whose count grows with them loads its records one by one (an N+1): the
test names it with both counts.

The pages are every GET route of the app that takes only an audit's id (from
the URL map, so a new page joins by itself), plus the two lists that take none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import event, select

from audit_app.demo_indicators import INDICATORS
from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, ChecklistJudgement, Rating
from audit_app.models.evidence import EvidenceReturn
from audit_app.models.indicators import Indicator, IndicatorValue
from audit_app.models.plan import Action
from audit_app.services import accounts, cycles
from audit_app.services.changes import bump_revision
from audit_app.services.frameworks import framework_of
from hub_model import tailoring
from hub_model.framework import framework_to_dict
from tests.visit import Visitor

DEMO = "Carers of people with dementia in Northshire 2026/27"
# Pages a request answers with something else than a page: files, and pages that
# only send the browser on (their query count is the page they send it to).
NOT_PAGES = (".csv", ".xlsx", ".json", ".png", ".pdf", ".svg")
EXTRA_GROUPS = 4
NEW_INTERVENTIONS = 4


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The report's summary is kept within its minute (report_cache.this_minute): one
    minute for every request here, so that a warm request is not made afresh because
    the one before it fell in the minute before."""
    from audit_app.services import report_cache

    monkeypatch.setattr(report_cache, "this_minute", lambda: "2026-12-06T23:59")


def page_urls(app: Flask, audit_id: int) -> list[str]:
    """Every GET page of one audit that takes only its id, and the audit lists."""
    urls = ["/", "/audits/"]
    for rule in app.url_map.iter_rules():
        if (
            "GET" in (rule.methods or ())
            and set(rule.arguments) == {"audit_id"}
            and not rule.rule.endswith(NOT_PAGES)
        ):
            urls.append(rule.rule.replace("<int:audit_id>", str(audit_id)))
    return sorted(urls)


def query_counts(app: Flask, visitor: Visitor, urls: list[str]) -> dict[str, tuple[int, int]]:
    """(status, statements) of one request of each URL, after one that warms caches."""
    counts = {}
    for url in urls:
        visitor.client.get(url)
        with counting(app) as statements:
            status = visitor.client.get(url).status_code
        counts[url] = (status, len(statements))
    return counts


@pytest.fixture
def demo(app: Flask) -> tuple[int, int]:
    """(draft, published): the demo's dementia audit and a new version of it."""
    from audit_app.demo import load_demo

    with app.app_context():
        load_demo()
        published = db.session.scalar(select(Audit).where(Audit.title == DEMO))
        assert published is not None
        lead = accounts.find_user("lead@demo.test")
        assert lead is not None
        draft = cycles.clone_audit(
            published,
            lead,
            title=published.title,
            cycle=published.cycle,
            period_start=published.period_start,
            period_end=published.period_end,
            carry_forward=False,
        )
        db.session.commit()
        return draft.id, published.id


def grow(app: Flask, audit_id: int) -> None:
    """More carer groups and interventions, every new cell judged, and more
    actions, indicators (with four quarters each) and accepted evidence."""
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        assert audit is not None
        framework = framework_of(audit)
        outcome = framework.outcomes[0].code
        for n in range(NEW_INTERVENTIONS):
            framework = tailoring.add_intervention(
                framework, f"local_{n}", f"Local service {n}", [outcome], "Counted in a test."
            )
        audit.framework = framework_to_dict(framework)
        unused = [g.code for g, _ in framework.groups_flat() if g.code not in audit.scope]
        audit.scope = [*audit.scope, *unused[:EXTRA_GROUPS]]
        rated = set(
            db.session.execute(
                select(Rating.intervention, Rating.group_code).where(Rating.audit_id == audit.id)
            ).all()
        )
        judged = set(
            db.session.execute(
                select(ChecklistJudgement.sub_outcome, ChecklistJudgement.group_code).where(
                    ChecklistJudgement.audit_id == audit.id
                )
            ).all()
        )
        for group in audit.scope:
            for intervention in framework.interventions:
                if (intervention.code, group) not in rated:
                    db.session.add(
                        Rating(
                            audit_id=audit.id,
                            intervention=intervention.code,
                            group_code=group,
                            rag="amber",
                            maturity="intermediate",
                            rationale="Counted in a test.",
                        )
                    )
            for sub in framework.checklist:
                if (sub.code, group) not in judged:
                    db.session.add(
                        ChecklistJudgement(
                            audit_id=audit.id,
                            sub_outcome=sub.code,
                            group_code=group,
                            status="partly",
                            indicator="amber",
                        )
                    )
        codes = [i.code for i in framework.interventions]
        for n in range(4):
            db.session.add(
                Action(
                    audit_id=audit.id,
                    description=f"Counted action {n}",
                    interventions=codes[n : n + 2],
                    sub_outcomes=[framework.checklist[n].code],
                    groups=list(audit.scope[:2]),
                    leads=[],
                )
            )
            db.session.add(
                EvidenceReturn(
                    audit_id=audit.id,
                    organisation_id=audit.area_id,
                    service_name=f"Counted service {n}",
                    interventions=codes[n : n + 2],
                    groups_reached=list(audit.scope[:2]),
                    status="accepted",
                )
            )
            definition = INDICATORS[n % len(INDICATORS)]["definition"]
            indicator = Indicator(
                **{**definition, "audit_id": audit.id, "ref": f"{definition['ref']}-{n}"}
            )
            db.session.add(indicator)
            db.session.flush()
            for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
                db.session.add(
                    IndicatorValue(
                        audit_id=audit.id,
                        indicator_id=indicator.id,
                        period_label=f"Quarter to {day} {month:02d} 2026",
                        period_end=date(2026, month, day),
                        numerator=Decimal(500),
                        denominator=Decimal(1000) if indicator.unit == "percentage" else None,
                        target=Decimal(40) if indicator.unit == "percentage" else Decimal(400),
                        expected_to_report=True,
                    )
                )
        bump_revision(audit)
        db.session.commit()


@pytest.mark.parametrize(
    ("email", "which"),
    [("lead@demo.test", "draft"), ("commissioner@demo.test", "published")],
)
def test_no_page_makes_more_queries_for_a_bigger_audit(
    app: Flask, visitor: Visitor, demo: tuple[int, int], email: str, which: str
) -> None:
    audit_id = demo[0] if which == "draft" else demo[1]
    visitor.sign_in(email, "demo-password")
    urls = page_urls(app, audit_id)
    before = query_counts(app, visitor, urls)
    shown = [url for url, (status, _) in before.items() if status == 200]
    assert len(shown) >= 20, f"too few pages answered: {before}"

    grow(app, audit_id)
    after = query_counts(app, visitor, urls)

    grew = {
        url: (before[url][1], after[url][1])
        for url in shown
        if after[url][0] == 200 and after[url][1] > before[url][1]
    }
    assert not grew, f"queries (before, after) grew with the audit's size: {grew}"


def test_lists_make_no_more_queries_for_more_audits(
    app: Flask, visitor: Visitor, demo: tuple[int, int]
) -> None:
    """The commissioner's list of audits and the choice of areas to compare name
    each audit's area: one query for all of them, however many audits they are given."""
    from tests import factories as make

    visitor.sign_in("commissioner@demo.test", "demo-password")
    with app.app_context():
        commissioner = accounts.find_user("commissioner@demo.test")
        assert commissioner is not None
        shared = db.session.scalars(
            select(AuditMembership.audit_id)
            .join(Audit, Audit.id == AuditMembership.audit_id)
            .where(AuditMembership.user_id == commissioner.id, Audit.status == "published")
            .order_by(AuditMembership.audit_id)
        ).all()
    assert len(shared) >= 2
    compare = "/compare-areas?" + "&".join(f"audits={audit_id}" for audit_id in shared[:2])
    urls = ["/audits/", compare]
    before = query_counts(app, visitor, urls)

    with app.app_context():
        commissioner = accounts.find_user("commissioner@demo.test")
        assert commissioner is not None
        for n in range(4):
            area = make.organisation(f"Counted Council {n}", "area")
            lead = make.user(f"lead{n}@counted.example.org", "carers_lead", area)
            audit = make.audit(lead, area, f"All carers in counted area {n}", published=True)
            make.member(audit, commissioner, "commissioner")
    after = query_counts(app, visitor, urls)

    assert all(status == 200 for status, _ in before.values()), before
    grew = {url: (before[url][1], after[url][1]) for url in urls if after[url][1] > before[url][1]}
    assert not grew, f"queries (before, after) grew with the number of audits: {grew}"


# Pages kept per revision (for each kind of reader where what they may see differs):
# once warm, the statement that reads who is signed in, with the audit, is all they
# send. The gap map used to read the reader's evidence names on every request, the
# dashboard the other areas' audits the reader may open (now read with the reader),
# the evidence list the returns the reader may see (now kept for each reader), the
# report its other areas' and earlier cycles' audits, the comparison of cycles the
# earlier audits it offers (now read with the reader).
KEPT_PAGES = (
    "audits.overview",
    "ratings.grid",
    "ratings.checklist",
    "maps.rag_map",
    "maps.maturity_map",
    "maps.gap_map",
    "maps.checklist_map",
    "maps.wheel",
    "indicators.index",
    "indicators.dashboard",
    "plan.index",
    "evidence.index",
    "exports.report_page",
    "cycles.compare",
)


@pytest.mark.parametrize(
    ("email", "which"),
    [("lead@demo.test", "draft"), ("commissioner@demo.test", "published")],
)
def test_kept_pages_send_one_statement_once_warm(
    app: Flask, visitor: Visitor, demo: tuple[int, int], email: str, which: str
) -> None:
    from flask import url_for

    audit_id = demo[0] if which == "draft" else demo[1]
    visitor.sign_in(email, "demo-password")
    with app.test_request_context():
        urls = [url_for(endpoint, audit_id=audit_id) for endpoint in KEPT_PAGES]
    counts = query_counts(app, visitor, urls)
    assert {url: count for url, count in counts.items() if count != (200, 1)} == {}
