"""A partner's view of a draft: their own submissions, never the lead's unpublished
judgements (DESIGN.md), while still proposing ratings. The access table
(test_access_table.py) checks every page; these tests read like the visit."""

from __future__ import annotations

from flask import Flask

from audit_app.extensions import db
from audit_app.models import ChecklistJudgement, Rating
from tests.visit import Visitor
from tests.web.conftest import Cast, publish

RATIONALE = "Only one sitting service, nothing in the evenings"
CELL = "breaks/dementia"


def _lead_rates(app: Flask, audit_id: int) -> None:
    with app.app_context():
        db.session.add(
            Rating(
                audit_id=audit_id,
                intervention="breaks",
                group_code="dementia",
                rag="red",
                maturity="early",
                rationale=RATIONALE,
            )
        )
        db.session.add(
            ChecklistJudgement(
                audit_id=audit_id,
                sub_outcome="2a",
                group_code="dementia",
                status="not_in_place",
                indicator="red",
                rationale="Checklist: " + RATIONALE,
            )
        )
        db.session.commit()


def test_a_partner_does_not_read_the_leads_rating_of_a_draft(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    _lead_rates(app, cast.dementia.id)
    audit = f"/audits/{cast.dementia.id}"
    cell = as_partner.get(f"{audit}/ratings/{CELL}")
    assert RATIONALE not in cell.text
    assert "Current rating" not in cell.text and "Never rated" not in cell.text
    assert "shown to partners once the audit is published" in cell.text
    assert cell.soup.select_one("main form[method=post]") is not None  # still proposes
    grid = as_partner.get(f"{audit}/ratings")
    assert grid.soup.select_one("#ratings-hidden") is not None
    assert not grid.soup.select("table .govuk-tag")  # no grade in any cell
    for path in ("/maps/rag", "/maps/gaps", "/maps/wheel", f"/maps/ratings/{CELL}", "/checklist"):
        as_partner.get(f"{audit}{path}", status=404)
    report = as_partner.get(f"{audit}/exports/report")
    assert RATIONALE not in report.text and report.soup.select_one("#section-maps") is None
    as_partner.get(f"{audit}/exports/csv/rag_map.csv", status=404)


def test_a_partner_sees_their_own_proposal_and_not_the_leads(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    _lead_rates(app, cast.dementia.id)
    url = f"/audits/{cast.dementia.id}/ratings/{CELL}"
    proposal = {"rag": "amber", "maturity": "intermediate", "rationale": "Our Tuesday group"}
    as_partner.post(url, proposal)
    page = as_partner.get(url)
    assert "Our Tuesday group" in page.soup.select_one("#own-proposals").get_text()
    assert RATIONALE not in page.text


def test_a_partner_reads_the_ratings_once_published(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    _lead_rates(app, cast.dementia.id)
    publish(app, cast.dementia.id)
    audit = f"/audits/{cast.dementia.id}"
    assert RATIONALE in as_partner.get(f"{audit}/ratings/{CELL}").text
    assert "Checklist: " + RATIONALE in as_partner.get(f"{audit}/checklist/2a/dementia").text
    as_partner.get(f"{audit}/maps/rag")


def test_the_lead_reads_their_own_draft_judgements(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _lead_rates(app, cast.dementia.id)
    assert RATIONALE in as_lead.get(f"/audits/{cast.dementia.id}/ratings/{CELL}").text
    as_lead.get(f"/audits/{cast.dementia.id}/maps/rag")


def test_a_partners_overview_of_a_draft_offers_proposing_not_the_maps(
    as_partner: Visitor, cast: Cast
) -> None:
    page = as_partner.get(f"/audits/{cast.dementia.id}")
    assert "Propose ratings" in page.text
    assert "Outcome checklist (Appendix A)" not in page.text
    links = page.soup.select_one("#maps-links")
    assert links is not None and not links.select("a")
    published = as_partner.get(f"/audits/{cast.published.id}")
    assert published.soup.select("#maps-links a")
