"""Publishing a version, commissioners' comments and agreement, "you said, we did"."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import (
    Agreement,
    Audit,
    ChangeEvent,
    CommissionerComment,
    FeedbackItem,
    FeedbackSummary,
    Organisation,
    Publication,
    Rating,
)
from audit_app.services import publishing
from tests.visit import Page, Visitor
from tests.web.conftest import Cast

HOSTILE = "<script>alert('x')</script> Robert'); DROP TABLE agreement;--"


def _statuses(page: Page) -> dict[str, str]:
    found = {}
    for item in page.soup.select(".govuk-task-list__item"):
        title = item.select_one(".govuk-task-list__name-and-hint").get_text(" ", strip=True)
        status = item.select_one(".govuk-task-list__status").get_text(" ", strip=True)
        found[title] = status
    return found


def _status(page: Page, starts: str) -> str:
    return next(status for title, status in _statuses(page).items() if title.startswith(starts))


# Publishing.


def test_publish_page_lists_unfinished_sections_then_publishes_version_1(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.dementia.id}/publish"
    page = as_lead.get(url)
    assert page.h1 == "Publish version 1 to commissioners"
    unfinished = page.soup.select_one("#unfinished").get_text(" ", strip=True)
    assert "Stakeholder register" in unfinished and "Action plan" in unfinished

    as_lead.post(url, {"note": "First version for the ICB board."})
    with app.app_context():
        audit = db.session.get(Audit, cast.dementia.id)
        assert audit is not None and audit.is_published and audit.published_at is not None
        publication = db.session.scalar(select(Publication))
        assert publication is not None
        assert (publication.version_number, publication.note) == (
            1,
            "First version for the ICB board.",
        )
        event = db.session.scalar(select(ChangeEvent).where(ChangeEvent.action == "published"))
        assert event is not None and event.label == "version 1"
    page = as_lead.get(url)
    assert page.h1 == "Published"
    assert "First version for the ICB board." in page.text


def test_publish_note_too_long_is_an_error_and_nothing_is_published(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.post(f"/audits/{cast.dementia.id}/publish", {"note": "x" * 2001}, status=200)
    assert page.error_summary() == ["The note must be 2,000 characters or fewer"]
    assert page.value("note") == "x" * 2001
    with app.app_context():
        assert not db.session.get(Audit, cast.dementia.id).is_published  # type: ignore[union-attr]


def test_commissioner_sees_the_audit_only_after_it_is_published(
    as_lead: Visitor, cast: Cast
) -> None:
    overview = f"/audits/{cast.dementia.id}"
    as_lead.switch("commissioner@example.org")
    as_lead.get(overview, status=404)
    as_lead.switch("lead@example.org")
    as_lead.post(f"/audits/{cast.dementia.id}/publish", {"note": ""})
    as_lead.switch("commissioner@example.org")
    assert as_lead.get(overview).h1 == "Carers of people with dementia 2027/28"


def test_only_the_lead_publishes(as_partner: Visitor, cast: Cast) -> None:
    as_partner.get(f"/audits/{cast.dementia.id}/publish", status=404)
    as_partner.post(f"/audits/{cast.dementia.id}/publish", {"note": ""}, status=404)
    as_partner.switch("commissioner@example.org")
    as_partner.post(f"/audits/{cast.published.id}/publish", {"note": ""}, status=404)
    as_partner.switch("lead@southshire.example.org")
    as_partner.get(f"/audits/{cast.dementia.id}/publish", status=404)


def test_a_published_version_refuses_changes_and_says_why(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.published.id}/ratings/breaks/dementia"
    page = as_lead.get(url)
    assert page.soup.select_one("form select, form input[name=rag]") is None
    assert "read-only" in page.soup.select_one("#published-note").get_text()
    refused = as_lead.post(url, {"rag": "red", "maturity": "early", "version": "0"}, status=409)
    assert refused.h1 == "This audit has been published"
    as_lead.post(f"/audits/{cast.published.id}/stakeholders/new", {"name": "X"}, status=409)
    with app.app_context():
        assert db.session.scalar(select(Rating)) is None
    # Inviting people to a published version is still possible.
    with app.app_context():
        icb = db.session.scalar(
            select(Organisation.id).where(Organisation.name == "Northshire ICB")
        )
    page = as_lead.post(
        f"/audits/{cast.published.id}/people",
        {"email": "board@example.org", "role": "commissioner", "organisation_id": str(icb)},
        status=200,
    )
    assert page.error_summary() == []
    assert "board@example.org" in page.text


def test_a_partner_cannot_start_evidence_on_a_published_version(
    as_partner: Visitor, cast: Cast
) -> None:
    page = as_partner.get(f"/audits/{cast.published.id}/evidence/")
    assert "New evidence return" not in page.text
    as_partner.post(f"/audits/{cast.published.id}/evidence/new", {}, status=409)


# Commissioners' review.


def test_commissioner_comments_and_the_lead_reads_them(
    app: Flask, as_commissioner: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.published.id}/review"
    as_commissioner.post(f"{url}/comments", {"section": "plan", "body": HOSTILE})
    page = as_commissioner.get(url)
    assert HOSTILE in page.soup.select_one("#comments").get_text()
    assert "<script>alert" not in page.response.get_data(as_text=True)
    as_commissioner.switch("lead@example.org")
    page = as_commissioner.get(url)
    assert HOSTILE in page.soup.select_one("#comments").get_text()
    assert page.soup.select_one("form[action$='/comments']") is None  # the lead only reads
    with app.app_context():
        comment = db.session.scalar(select(CommissionerComment))
        assert comment is not None and comment.section == "plan"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"section": "plan", "body": ""}, "Enter your comment"),
        ({"section": "plan", "body": "x" * 5001}, "Your comment must be 5,000 characters or fewer"),
        ({"section": "nonsense", "body": "Fine"}, "Not a valid choice."),
    ],
)
def test_comment_form_rejects_bad_input_and_keeps_the_text(
    as_commissioner: Visitor, cast: Cast, form: dict[str, str], message: str
) -> None:
    page = as_commissioner.post(f"/audits/{cast.published.id}/review/comments", form, status=200)
    assert page.error_summary() == [message]
    assert page.value("body") == form["body"]


def test_agreement_is_recorded_changed_and_trailed(
    app: Flask, as_commissioner: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.published.id}/review/agreement/plan"
    as_commissioner.post(url, {"plan-decision": "agreed", "plan-version": "0"})
    page = as_commissioner.get(f"/audits/{cast.published.id}/review")
    assert "Agreed" in page.soup.select_one("#agreements").get_text()
    version = page.value("plan-version")
    as_commissioner.post(
        url,
        {
            "plan-decision": "agreed_with_changes",
            "plan-comment": "Add a timescale to action 2.",
            "plan-version": version,
        },
    )
    with app.app_context():
        agreement = db.session.scalar(select(Agreement))
        assert agreement is not None
        assert (agreement.decision, agreement.comment) == (
            "agreed_with_changes",
            "Add a timescale to action 2.",
        )
        events = db.session.scalars(
            select(ChangeEvent).where(ChangeEvent.entity == "agreement").order_by(ChangeEvent.id)
        ).all()
        assert [event.action for event in events] == ["created", "changed"]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Choose whether you agree"),
        ({"plan-decision": "not_agreed"}, "Say what needs to change, or why you do not agree"),
        ({"plan-decision": "maybe"}, "Not a valid choice."),
        (
            {"plan-decision": "not_agreed", "plan-comment": "x" * 5001},
            "Your reason must be 5,000 characters or fewer",
        ),
    ],
)
def test_agreement_form_rejects_bad_input(
    as_commissioner: Visitor, cast: Cast, form: dict[str, str], message: str
) -> None:
    data = {"plan-version": "0", **form}
    page = as_commissioner.post(
        f"/audits/{cast.published.id}/review/agreement/plan", data, status=200
    )
    assert page.error_summary() == [message]
    assert page.value("plan-comment") == form.get("plan-comment", "")


def test_stale_agreement_is_refused_and_shows_the_saved_decision(
    app: Flask, as_commissioner: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.published.id}/review/agreement/priorities"
    as_commissioner.post(url, {"priorities-decision": "agreed", "priorities-version": "0"})
    page = as_commissioner.post(
        url,
        {
            "priorities-decision": "not_agreed",
            "priorities-comment": "Too vague",
            "priorities-version": "0",  # loaded before the first decision existed
        },
        status=200,
    )
    assert page.error_summary() == [
        "Your decision was changed in another window while you were editing"
    ]
    assert (
        "is: Agreed." in page.text
        and "Your saved decision, recorded in another window" in page.text
    )
    assert page.value("priorities-comment") == "Too vague"
    with app.app_context():
        assert db.session.scalar(select(Agreement.decision)) == "agreed"


def test_review_is_for_leads_and_commissioners_of_published_versions(
    as_partner: Visitor, cast: Cast
) -> None:
    as_partner.get(f"/audits/{cast.published.id}/review", status=404)
    as_partner.switch("commissioner@example.org")
    as_partner.get(f"/audits/{cast.dementia.id}/review", status=404)
    as_partner.post(
        f"/audits/{cast.published.id}/review/agreement/budget",
        {"budget-decision": "agreed"},
        status=404,
    )
    as_partner.post(
        f"/audits/{cast.other_area_audit.id}/review/comments",
        {"section": "plan", "body": "x"},
        status=404,
    )
    as_partner.switch("lead@example.org")
    page = as_partner.get(f"/audits/{cast.dementia.id}/review")
    assert "once you publish" in page.text


# You said, we did.


def _summary(visitor: Visitor, audit_id: int, title: str = "What you told us") -> None:
    visitor.post(
        f"/audits/{audit_id}/you-said-we-did",
        {"title": title, "introduction": "We heard from 40 carers.", "version": "0"},
    )


def test_lead_writes_and_publishes_you_said_we_did_which_anyone_can_read(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.published.id}/you-said-we-did"
    _summary(as_lead, cast.published.id)
    as_lead.post(f"{base}/public", {})
    assert "Add at least one" in as_lead.get(base).text
    as_lead.post(
        f"{base}/items/new",
        {
            "you_said": "Breaks are hard to book.",
            "we_did": "A booking line opens in May.",
            "version": "0",
        },
    )
    as_lead.post(f"{base}/public", {})
    public_url = as_lead.get(base).soup.select_one("#public-link")["href"]
    path = str(public_url).replace("http://localhost", "")

    as_lead.sign_out()
    page = as_lead.get(path)
    assert page.h1 == "What you told us"
    assert "Breaks are hard to book." in page.text and "A booking line opens in May." in page.text
    for private in ("lead@example.org", "Lead", "partner@example.org"):
        assert private not in page.soup.select_one("main").get_text()

    as_lead.sign_in("lead@example.org")
    as_lead.post(f"{base}/public", {})  # withdraw
    as_lead.sign_out()
    as_lead.get(path, status=404)


@pytest.mark.parametrize(
    ("form", "messages"),
    [
        ({"you_said": "", "we_did": ""}, ["Enter what carers said", "Enter what was done"]),
        (
            {"you_said": "x" * 2001, "we_did": "ok"},
            ["What carers said must be 2,000 characters or fewer"],
        ),
    ],
)
def test_item_form_rejects_bad_input(
    as_lead: Visitor, cast: Cast, form: dict[str, str], messages: list[str]
) -> None:
    _summary(as_lead, cast.draft.id)
    page = as_lead.post(
        f"/audits/{cast.draft.id}/you-said-we-did/items/new", {**form, "version": "0"}, status=200
    )
    assert page.error_summary() == messages
    assert page.value("you_said") == form["you_said"]


def test_summary_form_rejects_an_empty_title_and_hostile_text_is_shown_as_text(
    as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.draft.id}/you-said-we-did"
    page = as_lead.post(url, {"title": "", "introduction": HOSTILE, "version": "0"}, status=200)
    assert page.error_summary() == ["Enter a title"]
    assert page.value("introduction") == HOSTILE
    _summary(as_lead, cast.draft.id, title=HOSTILE)
    assert "<script>alert" not in as_lead.get(url).response.get_data(as_text=True)


def test_items_of_another_audit_are_not_found(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    _summary(as_lead, cast.draft.id)
    as_lead.post(
        f"/audits/{cast.draft.id}/you-said-we-did/items/new",
        {"you_said": "A", "we_did": "B", "version": "0"},
    )
    with app.app_context():
        item_id = db.session.scalar(select(FeedbackItem.id))
    _summary(as_lead, cast.dementia.id)
    base = f"/audits/{cast.dementia.id}/you-said-we-did/items/{item_id}"
    as_lead.get(base, status=404)
    as_lead.post(base, {"you_said": "C", "we_did": "D", "version": "1"}, status=404)
    as_lead.post(f"{base}/delete", {}, status=404)
    as_lead.switch("lead@southshire.example.org")
    as_lead.get(f"/audits/{cast.draft.id}/you-said-we-did", status=404)


def test_deleting_an_item_keeps_it_in_the_trail(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    _summary(as_lead, cast.draft.id)
    as_lead.post(
        f"/audits/{cast.draft.id}/you-said-we-did/items/new",
        {"you_said": "More evening breaks", "we_did": "Two sitters", "version": "0"},
    )
    with app.app_context():
        item_id = db.session.scalar(select(FeedbackItem.id))
    url = f"/audits/{cast.draft.id}/you-said-we-did/items/{item_id}/delete"
    assert as_lead.get(url).h1.startswith("Are you sure")
    as_lead.post(url, {})
    with app.app_context():
        assert db.session.scalar(select(FeedbackItem)) is None
        event = db.session.scalar(select(ChangeEvent).where(ChangeEvent.action == "removed"))
        assert event is not None and event.old == {
            "you_said": "More evening breaks",
            "we_did": "Two sitters",
        }


def test_stale_summary_save_shows_their_version(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    _summary(as_lead, cast.draft.id, title="Theirs")
    page = as_lead.post(
        f"/audits/{cast.draft.id}/you-said-we-did",
        {"title": "Mine", "introduction": "", "version": "0"},
        status=200,
    )
    assert page.error_summary() == ["Someone else changed the summary while you were editing"]
    assert page.value("title") == "Mine"
    assert "Their saved version" in page.text
    with app.app_context():
        assert db.session.scalar(select(FeedbackSummary.title)) == "Theirs"


def test_task_list_step_5_follows_the_data(as_lead: Visitor, cast: Cast) -> None:
    overview = f"/audits/{cast.dementia.id}"
    page = as_lead.get(overview)
    assert _status(page, "Publish to commissioners") == "Not started"
    assert _status(page, "You said, we did") == "Not started"
    _summary(as_lead, cast.dementia.id)
    as_lead.post(f"/audits/{cast.dementia.id}/publish", {"note": ""})
    page = as_lead.get(overview)
    assert _status(page, "Publish to commissioners") == "Completed"
    assert _status(page, "You said, we did") == "In progress"
    assert _status(page, "Commissioners’ comments") == "Not started"
    as_lead.switch("commissioner@example.org")
    for subject in ("plan", "priorities"):
        as_lead.post(
            f"/audits/{cast.dementia.id}/review/agreement/{subject}",
            {f"{subject}-decision": "agreed", f"{subject}-version": "0"},
        )
    assert _status(as_lead.get(overview), "Commissioners’ comments") == "Completed"


def test_a_new_version_is_a_draft_copy_published_as_version_2(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    audit_id = cast.dementia.id
    as_lead.post(
        f"/audits/{audit_id}/ratings/breaks/dementia",
        {"rag": "amber", "maturity": "early", "rationale": "North only", "version": ""},
    )
    as_lead.post(f"/audits/{audit_id}/publish", {"note": ""})
    page = as_lead.post(f"/audits/{audit_id}/new-version", {})
    new_id = int(page.response.location.rsplit("/", 1)[1])
    overview = as_lead.get(f"/audits/{new_id}")
    assert "Version 2, started from version 1" in overview.soup.select_one("#version").get_text(
        " ", strip=True
    )
    # The copy is editable; the published version is not; nothing needs confirming.
    as_lead.post(
        f"/audits/{new_id}/ratings/breaks/dementia",
        {"rag": "green", "maturity": "early", "rationale": "Now countywide", "version": "1"},
    )
    with app.app_context():
        ratings = {
            r.audit_id: (r.rag, r.needs_confirmation) for r in db.session.scalars(select(Rating))
        }
    assert ratings == {audit_id: ("amber", False), new_id: ("green", False)}
    # Asking again goes to the version that exists.
    again = as_lead.post(f"/audits/{audit_id}/new-version", {})
    assert again.response.location.endswith(f"/audits/{new_id}")
    as_lead.switch("commissioner@example.org")
    as_lead.get(f"/audits/{new_id}", status=404)
    as_lead.get(f"/audits/{audit_id}")
    as_lead.switch("lead@example.org")
    as_lead.post(f"/audits/{new_id}/publish", {"note": "Countywide breaks"})
    with app.app_context():
        numbers = dict(
            db.session.execute(select(Publication.audit_id, Publication.version_number)).all()
        )
    assert numbers == {audit_id: 1, new_id: 2}


def test_two_leads_starting_a_new_version_at_once_get_one_draft(
    app: Flask, as_lead: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit_id = cast.dementia.id
    as_lead.post(f"/audits/{audit_id}/publish", {"note": ""})
    first = as_lead.post(f"/audits/{audit_id}/new-version", {})
    draft_id = int(first.response.location.rsplit("/", 1)[1])
    # The second request checked for a newer version before the first one saved.
    monkeypatch.setattr(publishing, "newer_version", lambda audit: None)
    second = as_lead.post(f"/audits/{audit_id}/new-version", {})
    assert second.response.location.endswith(f"/audits/{draft_id}")
    overview = as_lead.get(f"/audits/{draft_id}")
    assert "A newer version of this audit was started a moment ago: here it is." in overview.text
    with app.app_context():
        started = db.session.scalars(
            select(Audit.id).where(Audit.previous_audit_id == audit_id)
        ).all()
    assert started == [draft_id]


def test_the_new_version_button_cannot_be_pressed_twice(as_lead: Visitor, cast: Cast) -> None:
    as_lead.post(f"/audits/{cast.dementia.id}/publish", {"note": ""})
    button = as_lead.get(f"/audits/{cast.dementia.id}").soup.find(
        "button", string=lambda text: text and "Start a new version" in text
    )
    assert button["data-prevent-double-click"] == "true"


def test_only_a_lead_starts_a_new_version_and_only_of_a_published_audit(
    as_lead: Visitor, cast: Cast
) -> None:
    as_lead.post(f"/audits/{cast.draft.id}/new-version", {}, status=400)
    as_lead.switch("partner@example.org")
    as_lead.post(f"/audits/{cast.published.id}/new-version", {}, status=404)
    as_lead.switch("commissioner@example.org")
    as_lead.post(f"/audits/{cast.published.id}/new-version", {}, status=404)
