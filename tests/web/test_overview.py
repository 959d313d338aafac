"""The audit overview's task list: statuses follow the data as it fills in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask

from audit_app.extensions import db
from audit_app.models import (
    Action,
    Audit,
    AuditMembership,
    FeedbackSummary,
    Questionnaire,
    QuestionnaireResponse,
)
from audit_app.models.audit import PARTNER
from audit_app.models.types import utcnow
from audit_app.services.changes import bump_revision
from tests import factories as make
from tests.visit import Page, Visitor
from tests.web.conftest import Cast


def _statuses(page: Page) -> dict[str, str]:
    statuses = {}
    for item in page.soup.select(".govuk-task-list__item"):
        title = item.select_one(".govuk-task-list__name-and-hint a")
        status = item.select_one(".govuk-task-list__status")
        if title and status:
            statuses[title.get_text(strip=True)] = status.get_text(" ", strip=True)
    return statuses


def test_new_audit_starts_with_everything_not_started(as_lead: Visitor, cast: Cast) -> None:
    statuses = _statuses(as_lead.get(f"/audits/{cast.draft.id}"))
    assert statuses["Stakeholder register"] == "Not started"
    assert statuses["Intervention ratings"] == "Not started"
    assert statuses["Outcome checklist (Appendix A)"] == "Not started"
    assert statuses["Evidence returns"] == "Not started"
    assert statuses["Invite partners and commissioners"] == "Completed"  # the cast has partners


def test_ratings_go_in_progress_then_completed(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.dementia.id}"
    as_lead.post(
        f"{url}/ratings/breaks/dementia", {"rag": "amber", "maturity": "early", "version": ""}
    )
    assert _statuses(as_lead.get(url))["Intervention ratings"] == "In progress"
    grid = as_lead.get(f"{url}/ratings")
    form = {
        element["name"]: "green" if element["name"].startswith("rag-") else "advanced"
        for element in grid.soup.select("form select")
    }
    form.update(
        {
            e["name"]: e.get("value", "")
            for e in grid.soup.select("form input[type=hidden]")
            if e["name"] != "csrf_token"
        }
    )
    as_lead.post(f"{url}/ratings", form)
    page = as_lead.get(url)
    assert _statuses(page)["Intervention ratings"] == "Completed"
    assert "17 of 17 cells rated." in page.text


def test_stakeholder_register_status_follows_engagement(as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.draft.id}"
    as_lead.post(
        f"{url}/stakeholders/new",
        {"name": "Carers' forum", "type_code": "carers", "engagement": "identified"},
    )
    page = as_lead.get(url)
    assert _statuses(page)["Stakeholder register"] == "In progress"
    assert "Last changed by Lead" in page.text


def test_partner_sees_only_its_sections_and_no_trail(as_partner: Visitor, cast: Cast) -> None:
    page = as_partner.get(f"/audits/{cast.draft.id}")
    statuses = _statuses(page)
    assert "Stakeholder register" not in statuses
    assert "Evidence returns" in statuses
    assert "Recent changes" not in page.text
    as_partner.get(f"/audits/{cast.draft.id}/changes", status=404)


def test_audit_trail_lists_each_change_with_old_and_new(as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.dementia.id}"
    as_lead.post(
        f"{url}/ratings/breaks/dementia", {"rag": "amber", "maturity": "early", "version": ""}
    )
    version = as_lead.get(f"{url}/ratings/breaks/dementia").value("version")
    as_lead.post(
        f"{url}/ratings/breaks/dementia", {"rag": "red", "maturity": "early", "version": version}
    )
    page = as_lead.get(f"{url}/changes")
    rows = [row.get_text(" ", strip=True) for row in page.soup.select("tbody tr")]
    assert "Rating changed: Breaks – Carers of older people with dementia" in rows[0]
    assert "Rag: Amber" in rows[0] and "Rag: Red" in rows[0]
    assert "Rating created" in rows[1]


def test_the_commissioners_overview_links_the_dashboard_and_each_report_card(
    app: Flask, cast: Cast, as_commissioner: Visitor
) -> None:
    """Seen: no direct link from the commissioner's overview to either."""
    from tests.web.test_indicators import _make_indicator

    first = _make_indicator(app, cast.published.id, ref="LOC1", title="Carers assessed")
    second = _make_indicator(app, cast.published.id, ref="LOC2", title="Carers with a plan")
    page = as_commissioner.get(f"/audits/{cast.published.id}")
    links = {a.get_text(" ", strip=True): a["href"] for a in page.soup.select("#indicator-links a")}
    assert links["Indicator dashboard"] == f"/audits/{cast.published.id}/indicators/dashboard"
    cards = [a["href"] for a in page.soup.select("#report-card-links a")]
    assert cards == [
        f"/audits/{cast.published.id}/indicators/{n}/report-card" for n in (first, second)
    ]
    for url in [*links.values(), *cards]:
        as_commissioner.get(url)  # each answers 200


def test_the_commissioners_overview_says_what_to_do_there(
    app: Flask, cast: Cast, as_commissioner: Visitor
) -> None:
    url = f"/audits/{cast.published.id}"
    page = as_commissioner.get(url)
    next_step = page.soup.select_one("#commissioner-next")
    links = {a.get_text(" ", strip=True): a["href"] for a in next_step.select("a")}
    assert links["Commissioners’ comments and agreement"] == f"{url}/review"
    for anchor in ("#maps-and-gap-report", "#indicators-for-the-board"):
        assert anchor in links.values() and page.soup.select_one(anchor) is not None
    lead = Visitor(app.test_client())
    lead.sign_in("lead@example.org")
    assert lead.get(url).soup.select_one("#commissioner-next") is None


def test_the_partners_overview_of_a_draft_says_what_to_do_there(
    cast: Cast, as_partner: Visitor
) -> None:
    url = f"/audits/{cast.dementia.id}"
    next_step = as_partner.get(url).soup.select_one("#partner-next")
    links = {a.get_text(" ", strip=True): a["href"] for a in next_step.select("a")}
    assert links == {"Evidence returns": f"{url}/evidence/", "propose ratings": f"{url}/ratings"}
    # A published version takes no more returns or proposals: nothing offered there.
    published = as_partner.get(f"/audits/{cast.published.id}")
    assert published.soup.select_one("#partner-next") is None


# Kept per revision (services/overview.py, services/attention.py): what changes without
# a new revision (tests/web/revision_guard.py, NOT_KEPT) or with the date stays fresh.


def _hint(page: Page, title: str) -> str:
    for item in page.soup.select(".govuk-task-list__item"):
        link = item.select_one(".govuk-task-list__link")
        if link and link.get_text(strip=True) == title:
            return item.select_one(".govuk-task-list__hint").get_text(" ", strip=True)
    raise AssertionError(f"no task {title!r}")


def test_carers_answers_and_new_members_show_though_the_revision_stays(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.dementia.id}"
    with app.app_context():
        survey = Questionnaire(
            audit_id=cast.dementia.id,
            definition_id="carers_survey",
            definition={"id": "carers_survey"},
            title="Carers' survey",
            audience="carers",
            opens_on=date(2026, 6, 1),
            closes_on=date(2026, 9, 30),
            updated_by_id=cast.lead.id,
        )
        db.session.add(survey)
        audit = db.session.get(Audit, cast.dementia.id)
        assert audit is not None
        bump_revision(audit)  # as the lead's questionnaire form does
        db.session.commit()
        survey_id = survey.id
    before = as_lead.get(url)
    assert "0 responses" in _hint(before, "Questionnaires")
    partners = _hint(before, "Invite partners and commissioners")
    assert _statuses(before)["You said, we did"] == "Not started"
    with app.app_context():  # none of these gives the audit a new revision
        db.session.add(
            QuestionnaireResponse(
                questionnaire_id=survey_id,
                answers={"cares_for": ["dementia"]},
                answered_on=date(2026, 6, 2),
                source="online",
            )
        )
        joiner = make.user("partner3@example.org", "partner")
        db.session.add(AuditMembership(audit_id=cast.dementia.id, user_id=joiner.id, role=PARTNER))
        db.session.add(FeedbackSummary(audit_id=cast.dementia.id, title="You said, we did"))
        db.session.commit()
    after = as_lead.get(url)
    assert "1 response." in _hint(after, "Questionnaires")
    assert _hint(after, "Invite partners and commissioners") != partners
    assert _statuses(after)["You said, we did"] == "In progress"


def test_an_action_due_today_is_overdue_tomorrow(
    app: Flask, as_lead: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        db.session.add(
            Action(audit_id=cast.dementia.id, description="Due today", due_by=utcnow().date())
        )
        audit = db.session.get(Audit, cast.dementia.id)
        assert audit is not None
        bump_revision(audit)
        db.session.commit()
    url = f"/audits/{cast.dementia.id}"
    assert as_lead.get(url).soup.select_one("#attention-overdue") is None
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr("audit_app.audits.views.utcnow", lambda: tomorrow)
    overdue = as_lead.get(url).soup.select_one("#attention-overdue")
    assert overdue is not None
    assert "1 action is overdue" in overdue.get_text()
