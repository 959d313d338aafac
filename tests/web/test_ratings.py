"""Step 3: rating interventions and judging the Appendix A checklist, per carer group."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import ChangeEvent, ChecklistJudgement, Rating, RatingProposal
from audit_app.services.changes import Change, save
from tests.visit import Visitor
from tests.web.conftest import Cast

DEMENTIA_CELL = "breaks/dementia"


def _rating(
    app: Flask, audit_id: int, intervention: str = "breaks", group: str = "dementia"
) -> Rating | None:
    with app.app_context():
        rating = db.session.scalar(
            select(Rating).where(
                Rating.audit_id == audit_id,
                Rating.intervention == intervention,
                Rating.group_code == group,
            )
        )
        if rating is not None:
            db.session.expunge(rating)
        return rating


def _cell_form(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "rag": "amber",
        "maturity": "intermediate",
        "rationale": "Sitting service reaches carers in the north only.",
        "reached": "Carers in the north of the county",
        "not_reached": "Rural carers in the south",
        "provision": "under",
        "duplication": "",
        "barriers": "Transport; a second provider could cover the south",
        "version": "",
    }
    form.update(changes)
    return form


def test_lead_rates_a_cell_and_the_trail_records_it(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.dementia.id}/ratings/{DEMENTIA_CELL}"
    page = as_lead.get(url)
    assert page.h1 == "Breaks: Carers of older people with dementia"
    as_lead.post(url, _cell_form())
    rating = _rating(app, cast.dementia.id)
    assert rating is not None and (rating.rag, rating.maturity, rating.provision) == (
        "amber",
        "intermediate",
        "under",
    )
    with app.app_context():
        event = db.session.scalar(select(ChangeEvent).where(ChangeEvent.entity == "rating"))
        assert event is not None and event.action == "created"
        assert event.new is not None and event.new["rag"] == "amber"
        assert event.label == "Breaks – Carers of older people with dementia"
    grid = as_lead.get(f"/audits/{cast.dementia.id}/ratings")
    assert grid.value("rag-breaks-dementia") == "amber"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rag": ""}, "Choose red, amber, green or not rated"),
        ({"rag": "purple"}, "Not a valid choice."),
        ({"maturity": ""}, "Choose early, intermediate, advanced or not rated"),
        ({"rationale": "x" * 10_000}, "Rationale must be 5,000 characters or fewer"),
        ({"provision": "loads"}, "Not a valid choice."),
        ({"evidence": "999999"}, "Choose evidence from the list"),
    ],
)
def test_rating_form_rejects_bad_input_and_keeps_what_was_typed(
    as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    url = f"/audits/{cast.dementia.id}/ratings/{DEMENTIA_CELL}"
    page = as_lead.post(url, _cell_form(**changes), status=200)
    assert message in page.error_summary()
    assert page.value("barriers") == "Transport; a second provider could cover the south"


def test_hostile_rationale_is_stored_and_shown_as_text(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.dementia.id}/ratings/{DEMENTIA_CELL}"
    as_lead.post(url, _cell_form(rationale="<script>alert(1)</script>'; DROP TABLE rating;--"))
    page = as_lead.get(url)
    assert "<script>alert(1)</script>" not in page.response.get_data(as_text=True)
    assert "<script>alert(1)</script>'; DROP TABLE rating;--" in page.text


@pytest.mark.parametrize(
    "cell", ["no_such_intervention/dementia", "breaks/no_such_group", "breaks/stroke"]
)
def test_cells_outside_the_audit_are_404(as_lead: Visitor, cast: Cast, cell: str) -> None:
    as_lead.get(f"/audits/{cast.dementia.id}/ratings/{cell}", status=404)


def test_stale_rating_save_is_refused_and_shows_both_versions(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.dementia.id}/ratings/{DEMENTIA_CELL}"
    as_lead.post(url, _cell_form(rag="amber"))
    loaded = as_lead.get(url)
    version = loaded.value("version")
    # Someone else saves first.
    with app.app_context():
        from audit_app.models import Audit, User

        rating = db.session.scalar(select(Rating).where(Rating.audit_id == cast.dementia.id))
        audit = db.session.get(Audit, cast.dementia.id)
        other = db.session.get(User, cast.admin.id)
        save(Change(audit, rating, {"rag": "green"}, "rating", "Breaks", rating.version), other)
    page = as_lead.post(url, _cell_form(rag="red", version=version), status=200)
    assert any(
        "Someone else saved this judgement" in message for message in page.error_summary()
    ), page.text[:3000]
    assert "Their saved version" in page.text
    assert page.value("rag") == "red"  # what was typed is kept
    assert _rating(app, cast.dementia.id).rag == "green"  # type: ignore[union-attr]
    # Saving again from the refreshed page replaces it, knowingly.
    fresh = as_lead.get(url)
    as_lead.post(url, _cell_form(rag="red", version=fresh.value("version")))
    assert _rating(app, cast.dementia.id).rag == "red"  # type: ignore[union-attr]


def _grid_form(page, **changes: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {}
    for element in page.soup.select("form select, form input[type=hidden]"):
        name = element.get("name")
        if name == "csrf_token":
            continue
        data[name] = page.value(name) or ""
    data.update(changes)
    return data


def test_grid_saves_many_cells_in_one_go(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.draft.id}/ratings"
    page = as_lead.get(url)
    assert page.h1 == "Intervention ratings"
    form = _grid_form(
        page,
        **{
            "rag-breaks-older_people": "red",
            "maturity-breaks-older_people": "early",
            "rag-information-mental_health": "green",
        },
    )
    as_lead.post(url, form)
    with app.app_context():
        ratings = {
            (r.intervention, r.group_code): r.rag
            for r in db.session.scalars(select(Rating).where(Rating.audit_id == cast.draft.id))
        }
    assert ratings == {("breaks", "older_people"): "red", ("information", "mental_health"): "green"}
    page = as_lead.get(url)
    row = page.soup.select_one("#row-breaks")
    assert row is not None and "Red (1 red, 0 amber, 0 green, 5 not rated)" in row.get_text(
        " ", strip=True
    )


def test_grid_does_not_overwrite_a_cell_someone_else_changed(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.draft.id}/ratings"
    as_lead.post(url, _grid_form(as_lead.get(url), **{"rag-breaks-older_people": "amber"}))
    stale_page = as_lead.get(url)
    with app.app_context():
        from audit_app.models import Audit, User

        rating = db.session.scalar(select(Rating).where(Rating.audit_id == cast.draft.id))
        save(
            Change(
                db.session.get(Audit, cast.draft.id),
                rating,
                {"rag": "green"},
                "rating",
                "Breaks",
                rating.version,
            ),
            db.session.get(User, cast.admin.id),
        )
    page = as_lead.post(
        url,
        _grid_form(
            stale_page, **{"rag-breaks-older_people": "red", "rag-housing-older_people": "amber"}
        ),
        status=200,
    )
    assert "Some ratings were changed by someone else" in page.text
    assert "Breaks, Carers of older people: their version is Green" in page.text
    assert _rating(app, cast.draft.id, "breaks", "older_people").rag == "green"  # type: ignore[union-attr]
    assert _rating(app, cast.draft.id, "housing", "older_people").rag == "amber"  # type: ignore[union-attr]


def test_grid_rejects_a_forged_grade(as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.draft.id}/ratings"
    page = as_lead.post(
        url,
        _grid_form(as_lead.get(url), **{"rag-breaks-older_people": "<b>purple</b>"}),
        status=200,
    )
    assert "Not a valid choice." in page.error_summary()


def test_partner_proposes_a_rating_which_is_kept_beside_the_leads(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    visitor.sign_in("partner@example.org")
    url = f"/audits/{cast.dementia.id}/ratings/{DEMENTIA_CELL}"
    page = visitor.get(url)
    assert "Propose a rating" in page.text
    errors = visitor.post(url, {"rag": "", "maturity": "", "rationale": ""}, status=200)
    assert errors.error_summary() == [
        "Choose the rating you propose",
        "Choose the maturity you propose",
        "Say why you propose this rating",
    ]
    visitor.post(
        url, {"rag": "green", "maturity": "advanced", "rationale": "We run three groups a week."}
    )
    assert _rating(app, cast.dementia.id) is None
    visitor.sign_out()
    visitor.sign_in("lead@example.org")
    lead_page = visitor.get(url)
    assert "We run three groups a week." in lead_page.text
    with app.app_context():
        assert db.session.query(RatingProposal).count() == 1


def test_partner_grid_is_read_only(as_partner: Visitor, cast: Cast) -> None:
    page = as_partner.get(f"/audits/{cast.draft.id}/ratings")
    assert page.soup.select("form select") == []
    as_partner.post(
        f"/audits/{cast.draft.id}/ratings", {"rag-breaks-older_people": "red"}, status=200
    )


def test_commissioner_sees_published_ratings_read_only_and_never_a_draft(
    as_commissioner: Visitor, cast: Cast
) -> None:
    page = as_commissioner.get(f"/audits/{cast.published.id}/ratings")
    assert page.soup.select("form select") == []
    as_commissioner.get(f"/audits/{cast.draft.id}/ratings", status=404)
    as_commissioner.get(f"/audits/{cast.draft.id}/checklist", status=404)


def test_other_area_lead_cannot_reach_the_grids(visitor: Visitor, cast: Cast) -> None:
    visitor.sign_in("lead@southshire.example.org")
    visitor.get(f"/audits/{cast.draft.id}/ratings", status=404)
    visitor.get(f"/audits/{cast.draft.id}/ratings/breaks/older_people", status=404)
    visitor.post(f"/audits/{cast.draft.id}/ratings/breaks/older_people", _cell_form(), status=404)


def test_checklist_cell_shows_what_to_look_for_and_saves(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.dementia.id}/checklist/2b/dementia"
    page = as_lead.get(url)
    assert page.h1 == "2b: Carers of older people with dementia"
    assert "Services and processes to look for" in page.text
    as_lead.post(
        url,
        {"status": "partly", "indicator": "amber", "rationale": "Breaks for some", "version": ""},
    )
    with app.app_context():
        judgement = db.session.scalar(select(ChecklistJudgement))
        assert judgement is not None and (judgement.status, judgement.indicator) == (
            "partly",
            "amber",
        )
    checklist = as_lead.get(f"/audits/{cast.dementia.id}/checklist")
    assert checklist.value("status-2b-dementia") == "partly"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": ""}, "Choose whether the services and processes are in place"),
        ({"indicator": ""}, "Choose red, amber, green or not rated for the indicator"),
        ({"status": "maybe"}, "Not a valid choice."),
        ({"rationale": "y" * 10_000}, "Rationale must be 5,000 characters or fewer"),
    ],
)
def test_checklist_cell_rejects_bad_input(
    as_lead: Visitor, cast: Cast, changes: dict[str, str], message: str
) -> None:
    form = {"status": "partly", "indicator": "amber", "rationale": "Kept text", "version": ""}
    form.update(changes)
    page = as_lead.post(f"/audits/{cast.dementia.id}/checklist/2b/dementia", form, status=200)
    assert message in page.error_summary()


def test_stale_checklist_save_is_refused(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.dementia.id}/checklist/1a/dementia"
    as_lead.post(url, {"status": "in_place", "indicator": "green", "version": ""})
    version = as_lead.get(url).value("version")
    with app.app_context():
        from audit_app.models import Audit, User

        judgement = db.session.scalar(select(ChecklistJudgement))
        save(
            Change(
                db.session.get(Audit, cast.dementia.id),
                judgement,
                {"status": "not_in_place"},
                "checklist",
                "1a",
                judgement.version,
            ),
            db.session.get(User, cast.admin.id),
        )
    page = as_lead.post(
        url, {"status": "partly", "indicator": "amber", "version": version}, status=200
    )
    assert any("Someone else saved this judgement" in m for m in page.error_summary())
    with app.app_context():
        assert db.session.scalar(select(ChecklistJudgement)).status == "not_in_place"  # type: ignore[union-attr]


def test_checklist_grid_saves_and_summarises_per_outcome(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.dementia.id}/checklist"
    page = as_lead.get(url)
    form = _grid_form(
        page,
        **{
            "status-1a-dementia": "in_place",
            "indicator-1a-dementia": "green",
            "status-1b-dementia": "not_known",
        },
    )
    as_lead.post(url, form)
    page = as_lead.get(url)
    assert "Outcome 1" in page.text
    assert page.value("status-1b-dementia") == "not_known"
