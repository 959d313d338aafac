"""The audit overview's task list: statuses follow the data as it fills in."""

from __future__ import annotations

from flask import Flask

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
