"""The lead's attention list in a real browser: a new audit seeded with one thing of
each kind waiting, each link followed to its page; axe-core on every page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Action, EvidenceReturn, Rating, RatingProposal, User
from audit_app.models.types import utcnow
from audit_app.services.audits import NewAudit, create_audit
from tests.browser import axe
from tests.browser.conftest import sign_in

TITLE = "Carers in Northshire needing attention 2026/27"


def _seed(live_app: Any) -> int:
    """A draft with a submitted return past its review date, a partner's proposal,
    a carried rating to confirm and an overdue action."""
    past = date.today() - timedelta(days=10)
    with live_app.app_context():
        lead = db.session.scalar(select(User).where(User.email == "lead@demo.test"))
        partner = db.session.scalar(select(User).where(User.email == "partner@demo.test"))
        audit = create_audit(
            NewAudit(
                TITLE,
                lead.organisation_id,
                "carers_hub_2010",
                ["dementia"],
                "2026/27",
                date(2026, 4, 1),
                date(2027, 3, 31),
            ),
            lead,
        )
        db.session.add_all(
            [
                EvidenceReturn(
                    audit_id=audit.id,
                    organisation_id=partner.organisation_id,
                    author_id=partner.id,
                    service_name="Sitting service",
                    status="submitted",
                    review_by=past,
                    submitted_at=utcnow(),
                ),
                RatingProposal(
                    audit_id=audit.id,
                    intervention="breaks",
                    group_code="dementia",
                    rag="green",
                    maturity="advanced",
                    rationale="Full every week.",
                    proposed_by_id=partner.id,
                    proposed_at=utcnow(),
                ),
                Rating(
                    audit_id=audit.id,
                    intervention="brokerage",
                    group_code="dementia",
                    rag="amber",
                    maturity="early",
                    needs_confirmation=True,
                ),
                Action(audit_id=audit.id, description="Open a second carers' café", due_by=past),
            ]
        )
        db.session.commit()
        return int(audit.id)


def test_the_lead_sees_what_needs_attention_and_each_link_leads_there(
    page: Any, live_app: Any
) -> None:
    audit_id = _seed(live_app)
    sign_in(page, "lead@demo.test")
    overview = f"/audits/{audit_id}"
    page.goto(overview)
    card = page.locator("#attention")
    assert card.locator("h2").inner_text() == "Needs your attention"
    expected = {
        "1 evidence return waits for review": ("Evidence returns", "Sitting service"),
        "1 rating proposal from a partner waits": (
            "Intervention ratings",
            "1 proposal from a partner waits for you",
        ),
        "1 judgement carried from the last cycle needs confirming": (
            "Judgements to confirm",
            "Brokerage",
        ),
        "1 action is overdue": ("Action plan", "Open a second carers' café"),
        "1 evidence return is past its review date": ("Evidence returns", "Out of date"),
    }
    links = card.locator("li > a")
    assert links.all_inner_texts() == list(expected)
    # Each is said once: no warning elsewhere on the page repeats the carried judgement.
    assert page.get_by_text("carried from the last cycle").count() == 1
    axe.check(page, "lead overview attention list")
    for text, (h1, shown) in expected.items():
        page.goto(overview)
        page.locator("#attention").get_by_role("link", name=text).click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == h1, text
        assert shown in page.locator("main").inner_text(), text
    # The proposal's link lands on the list above the grid; its cell shows it above the form.
    page.goto(overview)
    page.get_by_role("link", name="1 rating proposal from a partner waits").click()
    assert page.url.endswith("#proposals-waiting")
    axe.check(page, "lead ratings grid with a proposal waiting")
    page.locator("#proposals-waiting").get_by_role("link", name=re.compile("^Breaks")).click()
    page.get_by_role("link", name=re.compile("^Use this proposal")).click()
    assert page.locator("#proposal-used").is_visible()
    assert page.get_by_role("radio", name=re.compile("^Green")).first.is_checked()
    axe.check(page, "lead rating cell using a proposal")
