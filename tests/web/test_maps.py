"""The maps and the gap map: numbers by the hub_model rules, charts, cache and access."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from audit_app.extensions import db
from audit_app.models import Audit, ChecklistJudgement, EvidenceReturn, Rating, User
from audit_app.models.plan import Action
from audit_app.services import chart_cache, maps
from tests.visit import Visitor
from tests.web.conftest import Cast

GROUPS = ["dementia", "carers_65_plus", "bme"]
PAGES = ["/", "/wheel", "/rag", "/maturity", "/appendix-a", "/gaps"]
IMAGES = [
    "/wheel-rag.svg",
    "/wheel-maturity.svg",
    "/wheel-rag.png",
    "/map-rag.png",
    "/map-maturity.png",
    "/map-checklist.png",
]


@pytest.fixture(autouse=True)
def _fresh_cache(app: Flask) -> Iterator[None]:
    """Each test counts computations from an empty cache."""
    app.extensions.pop("chart_cache", None)
    yield
    app.extensions.pop("chart_cache", None)


def _url(audit: Audit, path: str = "") -> str:
    return f"/audits/{audit.id}/maps{path}"


def _fill(app: Flask, cast: Cast, audit: Audit) -> dict[str, int]:
    """A hand-built audit: breaks red for dementia with accepted evidence and an action,
    amber for 65+, bme never rated; information green for dementia only."""
    with app.app_context():
        record = db.session.get(Audit, audit.id)
        record.scope = GROUPS
        lead = db.session.get(User, cast.lead.id)
        shared = EvidenceReturn(
            audit_id=audit.id, service_name="Sitting service", status="accepted"
        )
        private = EvidenceReturn(
            audit_id=audit.id,
            service_name="Unshared draft note",
            status="draft",
            organisation_id=cast.partner2.organisation_id,
        )
        db.session.add_all([shared, private])
        db.session.flush()
        breaks = Rating(
            audit_id=audit.id,
            intervention="breaks",
            group_code="dementia",
            rag="red",
            maturity="early",
            rationale="No evening sitting service.",
            updated_by=lead,
        )
        breaks.evidence = [shared, private]
        db.session.add_all(
            [
                breaks,
                Rating(
                    audit_id=audit.id,
                    intervention="breaks",
                    group_code="carers_65_plus",
                    rag="amber",
                    maturity="intermediate",
                ),
                Rating(
                    audit_id=audit.id,
                    intervention="information",
                    group_code="dementia",
                    rag="green",
                    maturity="advanced",
                ),
                ChecklistJudgement(
                    audit_id=audit.id,
                    sub_outcome="2a",
                    group_code="dementia",
                    status="not_in_place",
                    indicator="red",
                    rationale="Nothing local.",
                ),
                Action(
                    audit_id=audit.id,
                    description="Commission an evening sitting service",
                    interventions=["breaks"],
                    sub_outcomes=[],
                    groups=["dementia"],
                    leads=[],
                ),
            ]
        )
        record.revision = (record.revision or 0) + 1
        db.session.commit()
        return {"shared": shared.id, "private": private.id}


def test_rag_map_summaries_follow_the_weakest_link_and_never_count_not_rated_as_red(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    _fill(app, cast, cast.published)
    page = as_lead.get(_url(cast.published, "/rag"))
    assert page.h1 == "RAG map"
    assert "weakest rated carer group" in page.soup.select_one("#summary-rule").text
    assert "never counted as red" in page.soup.select_one("#legend").text
    row = page.soup.select_one("#row-breaks")
    assert row.select_one("[data-summary]")["data-summary"] == "red"
    assert "Red (1 red, 1 amber, 0 green, 1 not rated)" in row.text
    grades = {td["data-cell"]: td["data-grade"] for td in row.select("[data-cell]")}
    assert grades == {
        "breaks/dementia": "red",
        "breaks/carers_65_plus": "amber",
        "breaks/bme": "not_rated",
    }
    # Green for one group and nothing else: the summary is green, the others not rated, not red.
    info = page.soup.select_one("#row-information")
    assert info.select_one("[data-summary]")["data-summary"] == "green"
    assert [td["data-grade"] for td in info.select("[data-cell]")] == [
        "green",
        "not_rated",
        "not_rated",
    ]
    # An intervention nobody rated is not rated, never red.
    assert page.soup.select_one("#row-housing [data-summary]")["data-summary"] == "not_rated"


def test_maturity_and_appendix_a_maps_show_their_grades_and_rules(
    app: Flask, cast: Cast, as_commissioner: Visitor
) -> None:
    _fill(app, cast, cast.published)
    maturity = as_commissioner.get(_url(cast.published, "/maturity"))
    assert maturity.soup.select_one("#row-breaks [data-summary]")["data-summary"] == "early"
    assert "least developed" in maturity.soup.select_one("#summary-rule").text
    picture = maturity.soup.select_one("#map-picture")
    assert picture.get_text() == "Open the Maturity map picture full size (PNG)"
    opened = as_commissioner.client.get(picture["href"])
    assert (opened.status_code, opened.mimetype) == (200, "image/png")
    assert opened.data.startswith(b"\x89PNG")
    legend = maturity.soup.select_one("#legend").get_text(" ", strip=True)
    assert "never counted as early" in legend and "red" not in legend
    checklist = as_commissioner.get(_url(cast.published, "/appendix-a"))
    cells = {
        td["data-cell"]: td["data-grade"] for td in checklist.soup.select("#row-2a [data-cell]")
    }
    assert cells == {
        "2a/dementia": "not_in_place",
        "2a/carers_65_plus": "not_rated",
        "2a/bme": "not_rated",
    }
    assert checklist.soup.select_one("#row-2a [data-summary]")["data-summary"] == "not_in_place"
    assert "Not known" in checklist.soup.select_one("#summary-rule").text


def test_gap_map_names_red_cells_with_evidence_and_actions_and_groups_not_reached(
    app: Flask, cast: Cast, as_commissioner: Visitor
) -> None:
    ids = _fill(app, cast, cast.published)
    page = as_commissioner.get(_url(cast.published, "/gaps"))
    # Nothing reaches bme at amber or better; dementia and 65+ are reached.
    unreached = [li.text for li in page.soup.select("#unreached-groups li")]
    assert unreached == ["Carers from a particular Black and Minority Ethnic [BME] community"]
    red = page.soup.select_one("#red-2")
    text = red.get_text(" ", strip=True)
    assert "Breaks" in text and "Sitting service" in text
    assert "Commission an evening sitting service" in text
    assert "Unshared draft note" not in page.text  # a partner's draft is never shown
    assert "1 not shared with you" in text
    assert f"/evidence/{ids['shared']}" in str(red)
    # 2a for dementia: not in place and indicator red, and no action addresses it.
    assert "2a (checklist)" in text and "No action addresses this" in text
    # Not rated cells are listed apart, never in the red table.
    unrated = page.soup.select_one("#not-rated-2").text
    assert "Breaks" in unrated and "Breaks" in text
    assert all("bme" not in a["href"] for a in red.select("a[href*='/ratings/breaks']"))
    # Checklist and intervention views side by side, and the Appendix B descriptors touched.
    assert page.soup.select_one("#checklist-2") and page.soup.select_one("#interventions-2")
    assert page.soup.select_one("#descriptors-2").select("li")


def test_a_second_view_costs_no_recomputation_and_a_change_invalidates(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    _fill(app, cast, cast.published)
    with app.app_context():
        cache = chart_cache.chart_cache()
    before = cache.stats.computed
    as_lead.get(_url(cast.published, "/gaps"))
    assert as_lead.client.get(_url(cast.published, "/wheel-rag.svg")).status_code == 200
    first = cache.stats.computed - before
    assert first == 4  # the map data, the reader's evidence, the gap map's content, the wheel
    as_lead.get(_url(cast.published, "/gaps"))
    assert as_lead.client.get(_url(cast.published, "/wheel-rag.svg")).status_code == 200
    assert cache.stats.computed - before == first
    as_lead.get(_url(cast.published, "/rag"))
    as_lead.get(_url(cast.published, "/rag"))
    assert cache.stats.computed - before == first + 1  # the RAG map's page, once
    with app.app_context():
        audit = db.session.get(Audit, cast.published.id)
        audit.revision += 1
        db.session.commit()
    page = as_lead.get(_url(cast.published, "/rag"))
    assert cache.stats.computed - before == first + 3  # the map data and the page, again
    assert page.soup.select_one("#row-breaks [data-summary]")["data-summary"] == "red"


def test_charts_are_served_as_images_with_cache_headers(
    app: Flask, cast: Cast, as_partner: Visitor
) -> None:
    _fill(app, cast, cast.published)
    svg = as_partner.client.get(_url(cast.published, "/wheel-maturity.svg"))
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    body = svg.get_data(as_text=True)
    assert "<title" in body and "<desc" in body and 'role="img"' in body
    assert "private" in svg.headers["Cache-Control"]
    etag = svg.headers["ETag"]
    again = as_partner.client.get(
        _url(cast.published, "/wheel-maturity.svg"), headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    for path in ["/wheel-rag.png", "/map-rag.png", "/map-maturity.png", "/map-checklist.png"]:
        png = as_partner.client.get(_url(cast.published, path))
        assert png.status_code == 200 and png.mimetype == "image/png"
        assert png.get_data()[:8] == b"\x89PNG\r\n\x1a\n"
    for bad in ["/wheel-red.svg", "/wheel-rag.gif", "/map-other.png", "/wheel-rag.svg.png"]:
        as_partner.get(_url(cast.published, bad), status=404)


def test_cell_page_shows_rationale_who_and_visible_evidence_only(
    app: Flask, cast: Cast, as_commissioner: Visitor
) -> None:
    _fill(app, cast, cast.published)
    page = as_commissioner.get(_url(cast.published, "/ratings/breaks/dementia"))
    assert page.h1 == "Breaks: Carers of people with dementia" or page.h1.startswith("Breaks:")
    assert "No evening sitting service." in page.text
    assert "Lead" in page.text  # who set it
    assert "Sitting service" in page.text and "Unshared draft note" not in page.text
    assert "1 more linked return not yet shared with you" in page.text
    assert "Change this rating" not in page.text
    checklist = as_commissioner.get(_url(cast.published, "/checklist/2a/dementia"))
    assert "Nothing local." in checklist.text
    never = as_commissioner.get(_url(cast.published, "/ratings/housing/bme"))
    assert "Never judged" in never.text and "Not rated" in never.text


def test_lead_may_follow_a_cell_to_its_edit_page(app: Flask, cast: Cast, as_lead: Visitor) -> None:
    _fill(app, cast, cast.published)
    page = as_lead.get(_url(cast.published, "/ratings/breaks/dementia"))
    link = page.soup.find("a", string="Change this rating")
    assert link["href"].endswith(f"/audits/{cast.published.id}/ratings/breaks/dementia")


def test_forged_cells_are_not_found(app: Flask, cast: Cast, as_lead: Visitor) -> None:
    _fill(app, cast, cast.published)
    for path in [
        "/ratings/breaks/stroke",  # a group outside this audit's scope
        "/ratings/not_an_intervention/dementia",
        "/ratings/%3Cscript%3E/dementia",
        "/checklist/9z/dementia",
        "/checklist/2a/" + "x" * 500,
    ]:
        as_lead.get(_url(cast.published, path), status=404)
    # Another audit's id in the path: the other area's audit is not this lead's.
    as_lead.get(_url(cast.other_area_audit, "/ratings/breaks/dementia"), status=404)


def test_every_page_of_a_draft_says_it_is_a_draft(cast: Cast, as_lead: Visitor) -> None:
    for path in PAGES + ["/ratings/breaks/older_people", "/checklist/1a/older_people"]:
        page = as_lead.get(_url(cast.draft, path))
        assert page.soup.select_one("#draft-notice"), path
        assert "(draft)" in page.soup.title.text
    published = as_lead.get(_url(cast.published, "/gaps"))
    assert published.soup.select_one("#draft-notice") is None


def test_commissioner_cannot_see_draft_maps_or_chart_images(
    cast: Cast, as_commissioner: Visitor
) -> None:
    for path in PAGES + IMAGES + ["/ratings/breaks/older_people"]:
        as_commissioner.get(_url(cast.draft, path), status=404)
        as_commissioner.get(_url(cast.other_area_audit, path), status=404)
    for path in PAGES:
        as_commissioner.get(_url(cast.published, path))


def test_partner_sees_the_maps_once_published(cast: Cast, as_partner: Visitor) -> None:
    """The maps are the lead's judgements: a partner's once the lead publishes them."""
    for path in PAGES:
        as_partner.get(_url(cast.draft, path), status=404)
        as_partner.get(_url(cast.published, path))
    as_partner.get(_url(cast.other_area_audit, "/gaps"), status=404)


def test_another_areas_lead_gets_not_found(cast: Cast, visitor: Visitor) -> None:
    visitor.sign_in("lead@southshire.example.org")
    for path in PAGES + IMAGES:
        visitor.get(_url(cast.published, path), status=404)


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast, visitor: Visitor) -> None:
    for path in PAGES + IMAGES:
        page = visitor.get(_url(cast.published, path), status=302)
        assert "/sign-in" in page.response.headers["Location"]


def test_overview_links_the_maps_for_every_role(cast: Cast, as_commissioner: Visitor) -> None:
    page = as_commissioner.get(f"/audits/{cast.published.id}")
    links = [a.text for a in page.soup.select("#maps-links a")]
    assert links == [
        "Hub wheel",
        "RAG map",
        "Maturity map",
        "Appendix A map",
        "Gap map against the national outcomes",
    ]


def test_chart_functions_return_bytes_for_exports(app: Flask, cast: Cast) -> None:
    _fill(app, cast, cast.published)
    with app.test_request_context():
        audit = db.session.get(Audit, cast.published.id)
        assert maps.wheel_chart(audit, "rag", "png")[:4] == b"\x89PNG"
        assert maps.map_chart(audit, "checklist")[:4] == b"\x89PNG"
        assert maps.wheel_chart(audit, "maturity", "svg").lstrip().startswith(b"<?xml")


def test_the_cached_gap_map_never_shows_one_viewer_evidence_another_may_not_see(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    """The gap map's content is cached per revision AND per visible evidence: the
    partner whose draft is linked sees its name; the lead, viewing first or after,
    never does (nor the other partner)."""
    _fill(app, cast, cast.published)
    url = _url(cast.published, "/gaps")
    assert "Unshared draft note" not in as_lead.get(url).text
    as_lead.sign_out()
    as_lead.sign_in("partner2@example.org")
    assert "Unshared draft note" in as_lead.get(url).text
    as_lead.sign_out()
    as_lead.sign_in("partner@example.org")
    assert "Unshared draft note" not in as_lead.get(url).text
    as_lead.sign_out()
    as_lead.sign_in("lead@example.org")
    assert "Unshared draft note" not in as_lead.get(url).text
