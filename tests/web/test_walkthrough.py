"""One whole audit through the four steps and publication, as the lead, two
partners and a commissioner would do it, asserting at each point what each can
and cannot see and do (issue: "the four-step audit journey")."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, Organisation, Rating, RatingProposal
from tests.visit import Page, Visitor
from tests.web.conftest import Cast
from tests.web.test_audits import _new_audit_form
from tests.web.test_evidence import MULTIPART, _create, _decide, _submit
from tests.web.test_evidence import _form as evidence_form
from tests.web.test_needs import _finding
from tests.web.test_plan import _action, _priority
from tests.web.test_ratings import _cell_form
from tests.web.test_stakeholders import _stakeholder, _statistic

TITLE = "Carers of people with dementia in Northshire 2028/29"


def _statuses(page: Page) -> dict[str, str]:
    return {
        item.select_one(".govuk-task-list__name-and-hint")
        .find("a")
        .get_text(strip=True): item.select_one(".govuk-task-list__status").get_text(" ", strip=True)
        for item in page.soup.select(".govuk-task-list__item")
    }


def _invite(visitor: Visitor, audit_id: int, email: str, role: str, organisation: int) -> str:
    page = visitor.post(
        f"/audits/{audit_id}/people",
        {"email": email, "role": role, "organisation_id": str(organisation)},
        status=200,
    )
    link = page.soup.select_one("#invitation-link")
    assert link is not None, page.error_summary()
    return re.sub(r"^https?://[^/]+", "", link.get_text(strip=True))


def _accept(visitor: Visitor, email: str, link: str) -> None:
    visitor.switch(email)
    page = visitor.get(link)
    visitor.post(link, {"csrf_token": page.csrf_token()})


def test_a_whole_audit_as_lead_two_partners_and_a_commissioner(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    with app.app_context():
        orgs = {org.name: org.id for org in db.session.scalars(select(Organisation)).all()}

    # Set up: the lead creates the audit and invites two partners and a commissioner.
    visitor.sign_in("lead@example.org")
    form = _new_audit_form(cast, title=TITLE, cycle="2028/29")
    form.update(period_start=["1", "4", "2028"], period_end=["31", "3", "2029"])
    audit_url = visitor.post("/audits/new", form).response.location
    audit_id = int(audit_url.rsplit("/", 1)[1])
    links = {
        "partner@example.org": _invite(
            visitor, audit_id, "partner@example.org", "partner", orgs["Northshire Carers Centre"]
        ),
        "partner2@example.org": _invite(
            visitor, audit_id, "partner2@example.org", "partner", orgs["Northshire Memory Support"]
        ),
        "commissioner@example.org": _invite(
            visitor, audit_id, "commissioner@example.org", "commissioner", orgs["Northshire ICB"]
        ),
    }
    assert _statuses(visitor.get(audit_url))["Stakeholder register"] == "Not started"
    for email, link in links.items():
        _accept(visitor, email, link)
    # The commissioner has joined but sees nothing of a draft: only that it waits.
    visitor.get(audit_url, status=404)
    listed = visitor.get("/audits/")
    assert not listed.soup.select(f'main a[href="{audit_url}"]')
    waiting = listed.soup.select_one("#waiting-for-publication + p + ul")
    assert waiting is not None and TITLE in waiting.get_text()
    visitor.get(f"{audit_url}/maps/gaps", status=404)

    # Step 1 and 2: the lead records stakeholders, statistics and a finding.
    visitor.switch("lead@example.org")
    visitor.post(f"{audit_url}/stakeholders/new", _stakeholder())
    visitor.post(f"{audit_url}/population/new", _statistic())
    visitor.post(f"{audit_url}/needs/findings/new", _finding())
    statuses = _statuses(visitor.get(audit_url))
    assert statuses["Stakeholder register"] != "Not started"
    assert statuses["Carer population statistics"] == "Completed"
    assert statuses["Findings from focus groups and consultation"] == "Completed"

    # Partners see no Step 1 or 2 pages.
    visitor.switch("partner@example.org")
    visitor.get(f"{audit_url}/stakeholders", status=404)
    visitor.get(f"{audit_url}/needs/findings", status=404)

    # Step 3: each partner writes evidence; neither sees the other's unaccepted return.
    breaks = _create(visitor, audit_id, service_name="Sitting service")
    _submit(visitor, audit_id, breaks)
    visitor.switch("partner2@example.org")
    cafes = _create(
        visitor, audit_id, service_name="Memory cafés", interventions=["peer_community"]
    )
    assert "Sitting service" not in visitor.get(f"{audit_url}/evidence/").text
    visitor.get(f"{audit_url}/evidence/{breaks}", status=404)
    visitor.switch("partner@example.org")
    assert "Memory cafés" not in visitor.get(f"{audit_url}/evidence/").text
    visitor.get(f"{audit_url}/evidence/{cafes}", status=404)
    # A partner proposes a rating; it does not count.
    visitor.post(
        f"{audit_url}/ratings/breaks/dementia",
        {"rag": "green", "maturity": "advanced", "rationale": "Our sitting service is full."},
    )

    # The lead accepts the submitted return, never sees the draft, and rates with evidence.
    visitor.switch("lead@example.org")
    assert "Memory cafés" not in visitor.get(f"{audit_url}/evidence/").text
    _decide(visitor, audit_id, breaks, "accept")
    cell = visitor.get(f"{audit_url}/ratings/breaks/dementia")
    assert "Our sitting service is full." in cell.text  # the partner's proposal is shown
    visitor.post(
        f"{audit_url}/ratings/breaks/dementia",
        _cell_form(rag="amber", evidence=[str(breaks)]),
    )
    visitor.post(
        f"{audit_url}/checklist/2a/dementia",
        {"status": "partly", "indicator": "amber", "rationale": "North only", "version": ""},
    )
    statuses = _statuses(visitor.get(audit_url))
    assert statuses["Intervention ratings"] == "In progress"
    assert statuses["Outcome checklist (Appendix A)"] == "In progress"

    # Step 4: a priority and an action.
    visitor.post(f"{audit_url}/plan/priorities/new", _priority())
    visitor.post(f"{audit_url}/plan/actions/new", _action())
    statuses = _statuses(visitor.get(audit_url))
    assert statuses["Action plan"] == "Completed"

    # The gap map names the amber cell's evidence; then the lead publishes.
    gap = visitor.get(f"{audit_url}/maps/gaps")
    assert "Breaks" in gap.text
    visitor.post(f"{audit_url}/publish", {"note": "For the board"})

    # The commissioner now sees it, with accepted evidence only, and records agreement.
    visitor.switch("commissioner@example.org")
    assert visitor.get(audit_url).h1 == TITLE
    assert "Sitting service" in visitor.get(f"{audit_url}/evidence/").text
    assert "Memory cafés" not in visitor.get(f"{audit_url}/evidence/").text
    visitor.get(f"{audit_url}/maps/gaps")
    visitor.post(
        f"{audit_url}/review/agreement/plan", {"plan-decision": "agreed", "plan-version": "0"}
    )
    visitor.post(f"{audit_url}/review/comments", {"section": "plan", "body": "Good plan."})
    visitor.post(f"{audit_url}/ratings/breaks/dementia", _cell_form(), status=409)

    # Once published, nobody changes the version: the partner's draft stays a draft.
    visitor.switch("partner2@example.org")
    visitor.post(f"{audit_url}/evidence/{cafes}/submit", {"version": "1"}, status=409)
    visitor.post(
        f"{audit_url}/evidence/new", evidence_form(service_name="Late"), status=409, **MULTIPART
    )
    visitor.switch("lead@example.org")
    visitor.post(f"{audit_url}/ratings/breaks/dementia", _cell_form(rag="red"), status=409)
    review = visitor.get(f"{audit_url}/review")
    assert "Good plan." in review.text and "Agreed" in review.text

    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        assert audit is not None and audit.is_published
        rating = db.session.scalar(select(Rating).where(Rating.audit_id == audit_id))
        assert rating is not None and rating.rag == "amber"
        assert [item.id for item in rating.evidence] == [breaks]
        proposal = db.session.scalar(select(RatingProposal))
        assert proposal is not None and proposal.rag == "green"  # kept beside the lead's
