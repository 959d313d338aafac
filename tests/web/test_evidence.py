"""Step 3 evidence returns: a partner's return, the lead's review, who sees what, files."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import ChangeEvent, EvidenceAttachment, EvidenceReturn
from tests.visit import Page, Visitor
from tests.web.conftest import Cast, publish

MULTIPART = {"content_type": "multipart/form-data"}
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "version": "",
        "service_name": "Carers' breaks service",
        "description": "Sitting service and short breaks for carers of people with dementia",
        "interventions": ["breaks", "emotional_support"],
        "groups_reached": ["dementia", "carers_65_plus"],
        "groups_not_reached": ["bme", "lgbt"],
        "numbers_reached": "1,200",
        "organisations_engaged": "GP practices in the north locality; memory clinic",
        "could_engage_better": "Pharmacies",
        "quality_marks": ["pqasso"],
        "satisfaction": "92% of 310 carers satisfied or very satisfied",
        "caseload_profile": "Mostly spouses over 70",
        "outcome_baseline": "Carers' outcome star: average 2.1 at referral",
        "outcome_follow_up": "Average 3.4 after 6 months",
        "pathway_element": "support",
        "funding_mode": "core_funding",
        "unit_cost": "£45.50",
        "unit_cost_notes": "£62 for carers in rural wards: more travel",
        "contact_time": "3 hours a week for 8 weeks",
        "evidence_date": ["31", "3", "2027"],
        "review_by": ["31", "3", "2028"],
    }
    form.update(changes)
    return form


def _url(audit_id: int, tail: str = "") -> str:
    return f"/audits/{audit_id}/evidence/{tail}"


def _create(visitor: Visitor, audit_id: int, **changes: Any) -> int:
    page = visitor.post(_url(audit_id, "new"), _form(**changes), **MULTIPART)
    match = re.search(r"/evidence/(\d+)$", page.response.location)
    assert match, page.response.location
    return int(match.group(1))


def _version(visitor: Visitor, audit_id: int, evidence_id: int) -> str:
    page = visitor.get(_url(audit_id, f"{evidence_id}"))
    version = page.soup.select_one('input[name="version"]')
    assert version is not None, "no form with a version on the page"
    return str(version["value"])


def _submit(visitor: Visitor, audit_id: int, evidence_id: int) -> Page:
    version = _version(visitor, audit_id, evidence_id)
    return visitor.post(_url(audit_id, f"{evidence_id}/submit"), {"version": version})


def _decide(
    visitor: Visitor, audit_id: int, evidence_id: int, decision: str, comments: str = ""
) -> Page:
    version = _version(visitor, audit_id, evidence_id)
    return visitor.post(
        _url(audit_id, f"{evidence_id}/decision"),
        {"version": version, "decision": decision, "comments": comments},
    )


def _links(page: Page) -> list[str]:
    return [link.get_text(" ", strip=True) for link in page.soup.select("main a")]


def _accepted_return(visitor: Visitor, audit_id: int, **changes: Any) -> int:
    """Partner writes and submits a return, the lead accepts it; partner signed in after."""
    evidence_id = _create(visitor, audit_id, **changes)
    _submit(visitor, audit_id, evidence_id)
    visitor.switch("lead@example.org")
    _decide(visitor, audit_id, evidence_id, "accept")
    visitor.switch("partner@example.org")
    return evidence_id


def _attachment_ids(app: Flask, evidence_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(EvidenceAttachment.id).where(EvidenceAttachment.evidence_id == evidence_id)
            )
        )


# --- the whole journey -------------------------------------------------------------


def test_partner_drafts_submits_and_lead_returns_then_accepts_with_a_full_trail(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    audit_id = cast.draft.id
    blank = as_partner.get(_url(audit_id, "new"))
    assert blank.h1 == "New evidence return"
    assert "Breaks" in blank.text and "PQASSO" in blank.text and "Core funding" in blank.text
    legends = [legend.get_text(strip=True) for legend in blank.soup.select("legend")]
    assert "Which interventions of the Carers' Hub does it deliver?" in legends
    assert "Date of the evidence" in legends
    assert "from preventative support to intensive and crisis support" in blank.text

    evidence_id = _create(
        as_partner, audit_id, attachment=(io.BytesIO(PDF), "Satisfaction survey 2027.pdf")
    )
    page = as_partner.get(_url(audit_id, f"{evidence_id}"))
    assert page.h1 == "Carers' breaks service"
    assert "Draft" in page.text
    assert "Breaks, Emotional support & counselling" in page.text
    assert "1,200" in page.text and "£45.50" in page.text
    assert "Northshire Carers Centre" in page.text
    link = page.soup.find("a", string="Satisfaction_survey_2027.pdf")
    assert link is not None
    assert as_partner.client.get(link["href"]).data == PDF

    edit = as_partner.get(_url(audit_id, f"{evidence_id}/edit"))
    assert edit.value("service_name") == "Carers' breaks service"
    assert edit.value("unit_cost") == "45.50"
    assert edit.value("numbers_reached") == "1200"
    assert edit.value("evidence_date") == "31"
    as_partner.post(
        _url(audit_id, f"{evidence_id}/edit"),
        _form(version=edit.value("version"), numbers_reached="1250"),
        **MULTIPART,
    )
    _submit(as_partner, audit_id, evidence_id)
    assert "Submitted" in as_partner.get(_url(audit_id, f"{evidence_id}")).text
    as_partner.get(_url(audit_id, f"{evidence_id}/edit"), status=403)

    as_partner.switch("lead@example.org")
    _decide(as_partner, audit_id, evidence_id, "return", "Add the follow-up period, please.")
    with app.app_context():
        record = db.session.get(EvidenceReturn, evidence_id)
        assert record is not None
        assert record.status == "returned" and record.decided_at is not None

    as_partner.switch("partner@example.org")
    returned = as_partner.get(_url(audit_id, f"{evidence_id}"))
    assert "Returned with comments" in returned.text
    assert "Add the follow-up period, please." in returned.text
    edit = as_partner.get(_url(audit_id, f"{evidence_id}/edit"))
    as_partner.post(
        _url(audit_id, f"{evidence_id}/edit"),
        _form(
            version=edit.value("version"),
            numbers_reached="1250",
            outcome_follow_up="Average 3.4 after 6 months",
        ),
        **MULTIPART,
    )
    as_partner.post(
        _url(audit_id, f"{evidence_id}/edit"),
        _form(
            version=as_partner.get(_url(audit_id, f"{evidence_id}/edit")).value("version"),
            numbers_reached="1250",
            outcome_follow_up="Average 3.4 six months after referral",
        ),
        **MULTIPART,
    )
    _submit(as_partner, audit_id, evidence_id)

    as_partner.switch("lead@example.org")
    _decide(as_partner, audit_id, evidence_id, "accept")
    assert "Accepted" in as_partner.get(_url(audit_id, f"{evidence_id}")).text

    with app.app_context():
        record = db.session.get(EvidenceReturn, evidence_id)
        assert record is not None
        assert record.status == "accepted"
        assert record.numbers_reached == 1250
        assert record.outcome_follow_up == "Average 3.4 six months after referral"
        events = db.session.scalars(
            select(ChangeEvent)
            .where(ChangeEvent.entity == "evidence", ChangeEvent.entity_id == evidence_id)
            .order_by(ChangeEvent.id)
        ).all()
        statuses = [event.new.get("status") for event in events if event.new]
        assert statuses == [
            "draft",
            None,
            None,
            "submitted",
            "returned",
            None,
            "submitted",
            "accepted",
        ]
        assert events[0].action == "created"
        assert events[1].new == {"attachments": ["Satisfaction_survey_2027.pdf"]}
        assert events[2].old == {"numbers_reached": 1200}
        assert events[2].new == {"numbers_reached": 1250}
        assert events[4].new["lead_comments"] == "Add the follow-up period, please."
        assert all(event.user_id is not None for event in events)


def test_list_shows_status_dates_and_out_of_date_and_filters_by_status(
    as_partner: Visitor, cast: Cast
) -> None:
    audit_id = cast.draft.id
    _create(
        as_partner,
        audit_id,
        service_name="Old information leaflet",
        evidence_date=["1", "4", "2020"],
        review_by=["1", "4", "2021"],
    )
    submitted = _create(as_partner, audit_id, service_name="Peer support groups")
    _submit(as_partner, audit_id, submitted)
    page = as_partner.get(_url(audit_id))
    assert page.h1 == "Evidence returns"
    assert "New evidence return" in _links(page)
    rows = {
        row.find("a").get_text(strip=True): row.get_text(" ", strip=True)
        for row in page.soup.select(".app-table-scroll tbody tr")
    }
    assert "Out of date" in rows["Old information leaflet"]
    assert "Draft" in rows["Old information leaflet"]
    assert "Out of date" not in rows["Peer support groups"]
    assert "Submitted" in rows["Peer support groups"]
    assert "Breaks, Emotional support & counselling" in rows["Peer support groups"]
    filtered = as_partner.get(_url(audit_id, "?status=submitted"))
    assert "Peer support groups" in filtered.text
    assert "Old information leaflet" not in filtered.text
    assert as_partner.get(_url(audit_id, "?status=<script>")).status == 200


# --- who sees what -------------------------------------------------------------------


def test_other_partner_never_sees_a_draft_or_submitted_return_or_its_files(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    audit_id = cast.dementia.id
    evidence_id = _create(
        as_partner, audit_id, attachment=(io.BytesIO(PDF), "minutes.pdf"), service_name="Secret"
    )
    (attachment_id,) = _attachment_ids(app, evidence_id)
    urls = [
        _url(audit_id, f"{evidence_id}"),
        _url(audit_id, f"{evidence_id}/edit"),
        _url(audit_id, f"{evidence_id}/attachments/{attachment_id}"),
    ]
    as_partner.switch("partner2@example.org")
    for url in urls:
        as_partner.get(url, status=404)
    assert "Secret" not in as_partner.get(_url(audit_id)).text

    as_partner.switch("partner@example.org")
    _submit(as_partner, audit_id, evidence_id)
    as_partner.switch("partner2@example.org")
    for url in urls:
        as_partner.get(url, status=404)
    assert "Secret" not in as_partner.get(_url(audit_id)).text
    as_partner.post(
        _url(audit_id, f"{evidence_id}/attachments/{attachment_id}/delete"), {}, status=404
    )
    assert _attachment_ids(app, evidence_id) == [attachment_id]


def test_other_partner_sees_accepted_return_only_once_the_audit_is_published(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    published = _accepted_return(
        as_partner,
        cast.dementia.id,
        service_name="Published breaks",
        attachment=(io.BytesIO(PDF), "report.pdf"),
    )
    unpublished = _accepted_return(as_partner, cast.draft.id, service_name="Unpublished breaks")
    publish(app, cast.dementia.id)
    (attachment_id,) = _attachment_ids(app, published)
    as_partner.switch("partner2@example.org")
    page = as_partner.get(_url(cast.dementia.id, f"{published}"))
    assert page.h1 == "Published breaks"
    assert "Change this evidence return" not in _links(page)
    download = as_partner.client.get(
        _url(cast.dementia.id, f"{published}/attachments/{attachment_id}")
    )
    assert download.status_code == 200 and download.data == PDF
    as_partner.get(_url(cast.dementia.id, f"{published}/edit"), status=403)
    assert "Published breaks" in as_partner.get(_url(cast.dementia.id)).text
    as_partner.get(_url(cast.draft.id, f"{unpublished}"), status=404)
    assert "Unpublished breaks" not in as_partner.get(_url(cast.draft.id)).text


def test_lead_cannot_see_a_partners_draft(as_partner: Visitor, cast: Cast) -> None:
    evidence_id = _create(as_partner, cast.draft.id, service_name="Still drafting")
    as_partner.switch("lead@example.org")
    as_partner.get(_url(cast.draft.id, f"{evidence_id}"), status=404)
    as_partner.get(_url(cast.draft.id, f"{evidence_id}/edit"), status=404)
    assert "Still drafting" not in as_partner.get(_url(cast.draft.id)).text


def test_colleague_in_the_same_organisation_sees_and_edits_the_draft(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    from tests import factories as make

    evidence_id = _create(as_partner, cast.draft.id, service_name="Shared draft")
    with app.app_context():
        colleague = make.user("colleague@example.org", "partner", None)
        colleague.organisation_id = cast.partner.organisation_id
        db.session.commit()
        from audit_app.models import Audit

        audit = db.session.get(Audit, cast.draft.id)
        make.member(audit, colleague, "partner")  # type: ignore[arg-type]
    as_partner.switch("colleague@example.org")
    assert as_partner.get(_url(cast.draft.id, f"{evidence_id}/edit")).h1 == (
        "Change evidence return"
    )


def test_commissioner_sees_only_accepted_returns_of_a_published_audit(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    accepted = _accepted_return(as_partner, cast.dementia.id, service_name="Accepted one")
    submitted = _create(as_partner, cast.dementia.id, service_name="Submitted one")
    _submit(as_partner, cast.dementia.id, submitted)
    draft_audit_return = _accepted_return(as_partner, cast.draft.id, service_name="Draft audit")
    publish(app, cast.dementia.id)
    as_partner.switch("commissioner@example.org")
    listing = as_partner.get(_url(cast.dementia.id))
    assert "Accepted one" in listing.text
    assert "Submitted one" not in listing.text
    assert "New evidence return" not in _links(listing)
    as_partner.get(_url(cast.dementia.id, f"{accepted}"))
    as_partner.get(_url(cast.dementia.id, f"{submitted}"), status=404)
    as_partner.get(_url(cast.dementia.id, f"{accepted}/edit"), status=404)
    as_partner.get(_url(cast.dementia.id, "new"), status=404)
    as_partner.get(_url(cast.draft.id), status=404)
    as_partner.get(_url(cast.draft.id, f"{draft_audit_return}"), status=404)


def test_a_return_from_another_audit_is_not_found_through_this_one(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    evidence_id = _create(as_partner, cast.dementia.id, attachment=(io.BytesIO(PDF), "minutes.pdf"))
    (attachment_id,) = _attachment_ids(app, evidence_id)
    as_partner.get(_url(cast.draft.id, f"{evidence_id}"), status=404)
    as_partner.get(_url(cast.draft.id, f"{evidence_id}/edit"), status=404)
    as_partner.get(_url(cast.draft.id, f"{evidence_id}/attachments/{attachment_id}"), status=404)
    other = _create(as_partner, cast.dementia.id, service_name="Another")
    as_partner.get(_url(cast.dementia.id, f"{other}/attachments/{attachment_id}"), status=404)
    as_partner.get(_url(cast.other_area_audit.id), status=404)


def test_outsider_lead_gets_not_found(as_partner: Visitor, cast: Cast) -> None:
    evidence_id = _accepted_return(as_partner, cast.dementia.id)
    as_partner.switch("lead@southshire.example.org")
    as_partner.get(_url(cast.dementia.id), status=404)
    as_partner.get(_url(cast.dementia.id, f"{evidence_id}"), status=404)


def test_partner_cannot_decide_and_lead_must_give_comments_to_return(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    audit_id = cast.draft.id
    evidence_id = _create(as_partner, audit_id)
    _submit(as_partner, audit_id, evidence_id)
    as_partner.post(
        _url(audit_id, f"{evidence_id}/decision"),
        {"version": "2", "decision": "accept"},
        status=404,
    )
    as_partner.switch("lead@example.org")
    version = _version(as_partner, audit_id, evidence_id)
    page = as_partner.post(
        _url(audit_id, f"{evidence_id}/decision"),
        {"version": version, "decision": "return", "comments": "   "},
        status=200,
    )
    assert page.error_summary() == ["Enter comments saying what the partner should change"]
    assert page.soup.select_one("#comments") is not None
    page = as_partner.post(
        _url(audit_id, f"{evidence_id}/decision"),
        {"version": version, "decision": "maybe"},
        status=200,
    )
    assert page.error_summary() == ["Choose whether to accept the evidence or return it"]
    with app.app_context():
        record = db.session.get(EvidenceReturn, evidence_id)
        assert record is not None and record.status == "submitted"


def test_a_stale_decision_changes_nothing(app: Flask, as_partner: Visitor, cast: Cast) -> None:
    audit_id = cast.draft.id
    evidence_id = _create(as_partner, audit_id)
    _submit(as_partner, audit_id, evidence_id)
    as_partner.switch("lead@example.org")
    version = _version(as_partner, audit_id, evidence_id)
    page = as_partner.post(
        _url(audit_id, f"{evidence_id}/decision"),
        {"version": str(int(version) - 1), "decision": "accept"},
        status=200,
    )
    assert "Someone else changed this evidence return" in page.text
    with app.app_context():
        record = db.session.get(EvidenceReturn, evidence_id)
        assert record is not None and record.status == "submitted"


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"service_name": ""}, "service_name", "Enter the name of the service"),
        (
            {"service_name": "x" * 10_000},
            "service_name",
            "Name of the service must be 200 characters or fewer",
        ),
        (
            {"interventions": []},
            "interventions",
            "Select at least one intervention the service delivers",
        ),
        (
            {"interventions": ["breaks", "teleportation"]},
            "interventions",
            "Select interventions from the list",
        ),
        (
            {"groups_reached": ["martians"]},
            "groups_reached",
            "Select groups of carers from the list",
        ),
        (
            {"groups_reached": ["dementia", "bme"], "groups_not_reached": ["bme"]},
            "groups_not_reached",
            "A group cannot be both reached and not reached: "
            "Carers from a particular Black and Minority Ethnic [BME] community",
        ),
        ({"quality_marks": ["iso9001"]}, "quality_marks", "Select quality marks from the list"),
        (
            {"pathway_element": "everything"},
            "pathway_element",
            "Select an element of the support pathway from the list",
        ),
        (
            {"funding_mode": "lottery"},
            "funding_mode",
            "Select how the service is funded from the list",
        ),
        (
            {"numbers_reached": "lots"},
            "numbers_reached",
            "Number of carers reached must be a whole number, like 120",
        ),
        (
            {"numbers_reached": "12.5"},
            "numbers_reached",
            "Number of carers reached must be a whole number, like 120",
        ),
        (
            {"numbers_reached": "-4"},
            "numbers_reached",
            "Number of carers reached must be 0 or more",
        ),
        (
            {"numbers_reached": "99999999999999999999"},
            "numbers_reached",
            "Number of carers reached must be 10,000,000 or fewer",
        ),
        (
            {"unit_cost": "12.345"},
            "unit_cost",
            "Unit cost must have no more than 2 decimal places, like 45.50",
        ),
        ({"unit_cost": "-3"}, "unit_cost", "Unit cost must be £0 or more"),
        ({"unit_cost": "NaN"}, "unit_cost", "Unit cost must be an amount in pounds, like 45.50"),
        ({"unit_cost": "1e5"}, "unit_cost", "Unit cost must be an amount in pounds, like 45.50"),
        ({"unit_cost": "99999999999"}, "unit_cost", "Unit cost must be £10,000,000 or less"),
        ({"evidence_date": ["", "", ""]}, "evidence_date", "Enter the date of the evidence"),
        (
            {"evidence_date": ["31", "2", "2027"]},
            "evidence_date",
            "The date of the evidence must be a real date",
        ),
        (
            {"review_by": ["1", "1", "2027"]},
            "review_by",
            "The review-by date must be after the date of the evidence",
        ),
        (
            {"review_by": ["31", "3", "2027"]},
            "review_by",
            "The review-by date must be after the date of the evidence",
        ),
        ({"review_by": ["1", "", "2028"]}, "review_by", "The review-by date must include a month"),
        (
            {"description": "x" * 10_000},
            "description",
            "What the service does must be 5,000 characters or fewer",
        ),
        (
            {"satisfaction": "x" * 10_000},
            "satisfaction",
            "Carer satisfaction results must be 5,000 characters or fewer",
        ),
        (
            {"unit_cost_notes": "x" * 10_000},
            "unit_cost_notes",
            "Unit cost notes must be 5,000 characters or fewer",
        ),
        (
            {"contact_time": "x" * 10_000},
            "contact_time",
            "Contact time must be 200 characters or fewer",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_evidence_form_rejects_bad_input_and_keeps_what_was_typed(
    app: Flask,
    as_partner: Visitor,
    cast: Cast,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    form = _form(**changes)
    page = as_partner.post(_url(cast.draft.id, "new"), form, status=200, **MULTIPART)
    assert page.error_summary() == [message]
    anchor = page.error_links()[message]
    assert page.soup.select_one(anchor) is not None, f"error link {anchor} goes nowhere"
    assert page.field_error(field) == message
    assert page.text.count("There is a problem") == 1
    if field != "service_name":
        assert page.value("service_name") == form["service_name"]
    if field not in {"unit_cost", "numbers_reached"}:
        assert page.value("unit_cost") == "£45.50"
    with app.app_context():
        assert db.session.scalar(select(EvidenceReturn.id)) is None


def test_an_empty_form_lists_every_required_answer(as_partner: Visitor, cast: Cast) -> None:
    page = as_partner.post(_url(cast.draft.id, "new"), {}, status=200, **MULTIPART)
    assert page.error_summary() == [
        "Enter the name of the service",
        "Select at least one intervention the service delivers",
        "Enter the date of the evidence",
    ]
    assert page.h1 == "New evidence return"


def test_hostile_text_is_shown_as_text(as_partner: Visitor, cast: Cast) -> None:
    hostile = "<script>alert('x')</script> Robert'); DROP TABLE evidence_return;--"
    evidence_id = _create(
        as_partner,
        cast.draft.id,
        service_name=hostile,
        satisfaction=hostile,
        description="Carers\x00 group\x07",
    )
    page = as_partner.get(_url(cast.draft.id, f"{evidence_id}"))
    assert page.h1 == hostile
    assert "<script>alert" not in page.response.get_data(as_text=True)
    assert "Carers group" in page.text
    assert "<script>alert" not in as_partner.get(_url(cast.draft.id)).response.get_data(
        as_text=True
    )


def test_commissioner_cannot_create_a_return(as_commissioner: Visitor, cast: Cast) -> None:
    as_commissioner.get(_url(cast.published.id, "new"), status=404)
    as_commissioner.post(_url(cast.published.id, "new"), _form(), status=404, **MULTIPART)


# --- never losing work ---------------------------------------------------------------


def test_stale_save_shows_their_version_keeps_yours_and_overwrites_nothing(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    audit_id = cast.draft.id
    evidence_id = _create(as_partner, audit_id)
    loaded = as_partner.get(_url(audit_id, f"{evidence_id}/edit")).value("version")
    as_partner.post(
        _url(audit_id, f"{evidence_id}/edit"),
        _form(version=loaded, satisfaction="Their newer satisfaction figures"),
        **MULTIPART,
    )
    page = as_partner.post(
        _url(audit_id, f"{evidence_id}/edit"),
        _form(version=loaded, satisfaction="My older typing"),
        status=200,
        **MULTIPART,
    )
    assert "Someone else changed this evidence return while you were editing" in page.text
    assert "Their newer satisfaction figures" in page.text
    assert page.value("satisfaction") == "My older typing"
    assert page.value("version") != loaded
    with app.app_context():
        record = db.session.get(EvidenceReturn, evidence_id)
        assert record is not None
        assert record.satisfaction == "Their newer satisfaction figures"
    # Saving again from the refreshed form replaces theirs, knowingly.
    as_partner.post(
        _url(audit_id, f"{evidence_id}/edit"),
        _form(version=page.value("version"), satisfaction="My older typing"),
        **MULTIPART,
    )
    with app.app_context():
        record = db.session.get(EvidenceReturn, evidence_id)
        assert record is not None and record.satisfaction == "My older typing"


def test_a_forged_version_counts_as_stale(app: Flask, as_partner: Visitor, cast: Cast) -> None:
    evidence_id = _create(as_partner, cast.draft.id)
    page = as_partner.post(
        _url(cast.draft.id, f"{evidence_id}/edit"),
        _form(version="not-a-number", service_name="Forged"),
        status=200,
        **MULTIPART,
    )
    assert "Someone else changed this evidence return" in page.text
    with app.app_context():
        record = db.session.get(EvidenceReturn, evidence_id)
        assert record is not None and record.service_name == "Carers' breaks service"


def test_lead_can_edit_a_submitted_return_but_partner_cannot(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    audit_id = cast.draft.id
    evidence_id = _create(as_partner, audit_id)
    _submit(as_partner, audit_id, evidence_id)
    as_partner.post(
        _url(audit_id, f"{evidence_id}/edit"), _form(version="3"), status=403, **MULTIPART
    )
    as_partner.switch("lead@example.org")
    version = as_partner.get(_url(audit_id, f"{evidence_id}/edit")).value("version")
    as_partner.post(
        _url(audit_id, f"{evidence_id}/edit"),
        _form(version=version, contact_time="2 hours a week"),
        **MULTIPART,
    )
    with app.app_context():
        record = db.session.get(EvidenceReturn, evidence_id)
        assert record is not None
        assert record.contact_time == "2 hours a week" and record.status == "submitted"


# --- files ---------------------------------------------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "content", "content_type"),
    [
        ("minutes.pdf", PDF, "application/pdf"),
        ("photo.PNG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        (
            "report.docx",
            _docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("figures.csv", "group,count\nDementia,120\nBME,4 – few\n".encode(), "text/csv"),
        ("notes.txt", b"Plain notes", "text/plain"),
    ],
)
def test_allowed_files_are_stored_under_a_random_name_outside_the_web_root(
    app: Flask, as_partner: Visitor, cast: Cast, filename: str, content: bytes, content_type: str
) -> None:
    evidence_id = _create(as_partner, cast.draft.id, attachment=(io.BytesIO(content), filename))
    with app.app_context():
        attachment = db.session.scalars(select(EvidenceAttachment)).one()
        assert attachment.filename == filename
        assert attachment.content_type == content_type
        assert attachment.size == len(content)
        assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
        stored = Path(app.config["UPLOAD_FOLDER"]) / str(cast.draft.id) / attachment.stored_name
        assert stored.read_bytes() == content
        assert not str(stored).startswith(app.static_folder or "/nowhere")
        attachment_id = attachment.id
    response = as_partner.client.get(
        _url(cast.draft.id, f"{evidence_id}/attachments/{attachment_id}")
    )
    assert response.status_code == 200
    assert response.data == content
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert filename in response.headers["Content-Disposition"]
    assert response.mimetype == content_type


def test_hostile_file_names_are_cleaned(app: Flask, as_partner: Visitor, cast: Cast) -> None:
    _create(as_partner, cast.draft.id, attachment=(io.BytesIO(PDF), "../../etc/<b>passwd</b>.pdf"))
    with app.app_context():
        attachment = db.session.scalars(select(EvidenceAttachment)).one()
        assert attachment.filename == "etc_bpasswd_b.pdf"
        assert "/" not in attachment.filename and "<" not in attachment.filename


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        (
            "setup.exe",
            b"MZ\x90\x00",
            "The selected file ‘setup.exe’ must be a PDF, Word document, Excel spreadsheet, "
            "CSV, text file, PNG or JPEG",
        ),
        (
            "report.pdf",
            b"MZ\x90\x00 this is a program",
            "The selected file ‘report.pdf’ is not a real PDF: its contents do not match its name",
        ),
        (
            "report.docx",
            b"PK\x03\x04 not really a zip",
            "The selected file ‘report.docx’ is not a real Word document: "
            "its contents do not match its name",
        ),
        (
            "figures.csv",
            b"\xff\xfe\x00\x00binary",
            "The selected file ‘figures.csv’ is not a real CSV file: "
            "its contents do not match its name",
        ),
        ("empty.pdf", b"", "The selected file ‘empty.pdf’ is empty"),
        (
            "no-extension",
            PDF,
            "The selected file ‘no-extension’ must be a PDF, Word document, Excel spreadsheet, "
            "CSV, text file, PNG or JPEG",
        ),
    ],
)
def test_disallowed_or_disguised_files_are_refused_with_a_field_error(
    app: Flask, as_partner: Visitor, cast: Cast, filename: str, content: bytes, message: str
) -> None:
    page = as_partner.post(
        _url(cast.draft.id, "new"),
        _form(attachment=(io.BytesIO(content), filename)),
        status=200,
        **MULTIPART,
    )
    assert page.error_summary() == [message]
    assert page.field_error("attachment") == message
    assert page.soup.select_one(page.error_links()[message]) is not None
    assert page.value("service_name") == "Carers' breaks service"
    with app.app_context():
        assert db.session.scalar(select(EvidenceReturn.id)) is None
        assert db.session.scalar(select(EvidenceAttachment.id)) is None


def test_a_file_over_10_mb_gets_a_field_error_not_only_the_413_page(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    big = PDF + b"0" * (10 * 1024 * 1024 + 1 - len(PDF))
    folder = Path(app.config["UPLOAD_FOLDER"]) / str(cast.draft.id)
    before = set(os.listdir(folder)) if folder.exists() else set()
    page = as_partner.post(
        _url(cast.draft.id, "new"),
        _form(attachment=(io.BytesIO(big), "huge.pdf")),
        status=200,
        **MULTIPART,
    )
    assert (
        page.field_error("attachment") == "The selected file ‘huge.pdf’ must be smaller than 10 MB"
    )
    assert (set(os.listdir(folder)) if folder.exists() else set()) == before
    with app.app_context():
        assert db.session.scalar(select(EvidenceAttachment.id)) is None


def test_a_request_far_over_the_limit_gets_the_413_page(
    app: Flask, as_partner: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAX_UPLOAD_REQUEST_BYTES", 12 * 1024 * 1024)
    huge = PDF + b"0" * (12 * 1024 * 1024)
    page = as_partner.post(
        _url(cast.draft.id, "new"),
        _form(attachment=(io.BytesIO(huge), "huge.pdf")),
        status=413,
        **MULTIPART,
    )
    assert page.h1 == "The file is too large"


def test_files_can_be_added_over_time_and_deleted_by_the_author_while_editable(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    audit_id = cast.draft.id
    evidence_id = _create(as_partner, audit_id, attachment=(io.BytesIO(PDF), "first.pdf"))
    version = as_partner.get(_url(audit_id, f"{evidence_id}/edit")).value("version")
    as_partner.post(
        _url(audit_id, f"{evidence_id}/edit"),
        _form(version=version, attachment=(io.BytesIO(b"more notes"), "second.txt")),
        **MULTIPART,
    )
    first, second = _attachment_ids(app, evidence_id)
    with app.app_context():
        stored = db.session.get(EvidenceAttachment, first)
        assert stored is not None
        path = Path(app.config["UPLOAD_FOLDER"]) / str(audit_id) / stored.stored_name
    assert path.exists()
    as_partner.post(_url(audit_id, f"{evidence_id}/attachments/{first}/delete"), {})
    assert _attachment_ids(app, evidence_id) == [second]
    assert not path.exists()
    page = as_partner.get(_url(audit_id, f"{evidence_id}"))
    assert "File ‘first.pdf’ deleted." in page.text
    files = [link.get_text(strip=True) for link in page.soup.select(".app-attachment a")]
    assert files == ["second.txt"]

    _submit(as_partner, audit_id, evidence_id)
    as_partner.post(_url(audit_id, f"{evidence_id}/attachments/{second}/delete"), {}, status=403)
    as_partner.switch("lead@example.org")  # the partner's files are theirs (issue #19)
    as_partner.post(_url(audit_id, f"{evidence_id}/attachments/{second}/delete"), {}, status=403)
    assert _attachment_ids(app, evidence_id) == [second]
    with app.app_context():
        trail = db.session.scalars(
            select(ChangeEvent).where(ChangeEvent.entity_id == evidence_id).order_by(ChangeEvent.id)
        ).all()
        attachment_changes = [e.new["attachments"] for e in trail if "attachments" in e.new]
        assert attachment_changes == [
            ["first.pdf"],
            ["first.pdf", "second.txt"],
            ["second.txt"],
        ]


def test_returns_for_linking_offers_submitted_and_accepted_returns(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    from audit_app.models import Audit
    from audit_app.services.evidence import returns_for_linking

    audit_id = cast.draft.id
    _create(as_partner, audit_id, service_name="A draft")
    submitted = _create(as_partner, audit_id, service_name="B submitted")
    _submit(as_partner, audit_id, submitted)
    _accepted_return(as_partner, audit_id, service_name="C accepted")
    with app.app_context():
        from audit_app.models import User

        audit = db.session.get(Audit, audit_id)
        lead = db.session.get(User, cast.lead.id)
        names = [record.service_name for record in returns_for_linking(audit, lead, "lead")]
    assert names == ["B submitted", "C accepted"]
