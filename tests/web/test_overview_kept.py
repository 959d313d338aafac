"""The overview is rendered once per key and kept (services/overview.py, "The page kept
per revision"): every kind of change shows on the next view, and no reader is shown
another's page.

Each test views the page first (so that it is kept), makes one kind of change through
the app where the app makes it (or as a change the app makes without a new revision of
the audit would), and views it again. Without the input the change moves in the key
(the audit's revision, the fresh facts, the reader, their role, today), each fails.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, ChangeEvent, Objective, Organisation, User
from audit_app.models.audit import COMMISSIONER, PUBLISHED
from audit_app.models.types import utcnow
from audit_app.services.kept import KeptLRU
from audit_app.services.overview import KeptPages
from tests import factories as make
from tests.visit import Page, Visitor
from tests.web.conftest import Cast
from tests.web.test_attention import _add, _return
from tests.web.test_audits import _invite, _link
from tests.web.test_evidence import _create, _decide, _submit
from tests.web.test_overview import _hint, _statuses
from tests.web.test_plan import _action, _objective


def _visitor(app: Flask, email: str) -> Visitor:
    visitor = Visitor(app.test_client())
    visitor.sign_in(email)
    return visitor


def _kept(app: Flask) -> KeptPages:
    store = app.extensions["overview_pages"]
    assert isinstance(store, KeptLRU)
    return store


def _attention_keys(page: Page) -> set[str]:
    return {str(li["id"]).removeprefix("attention-") for li in page.soup.select("#attention li")}


def test_a_second_view_is_the_kept_page(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    """What makes the other tests worth having: the page is kept, not made again."""
    url = f"/audits/{cast.dementia.id}"
    first = as_lead.get(url)
    made, hits = _kept(app).made, _kept(app).hits
    second = as_lead.get(url)
    assert (_kept(app).made, _kept(app).hits) == (made, hits + 1)
    assert second.soup.select_one("main").decode() == first.soup.select_one("main").decode()


def test_a_rating_saved_shows(as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.dementia.id}"
    assert _hint(as_lead.get(url), "Intervention ratings").startswith("0 of ")
    as_lead.post(
        f"{url}/ratings/breaks/dementia", {"rag": "amber", "maturity": "early", "version": ""}
    )
    page = as_lead.get(url)
    assert _hint(page, "Intervention ratings").startswith("1 of ")
    assert _statuses(page)["Intervention ratings"] == "In progress"
    recent = page.soup.select_one(".govuk-grid-column-one-third").get_text(" ", strip=True)
    assert "Lead created rating" in recent


def test_an_evidence_return_submitted_then_accepted_shows(app: Flask, cast: Cast) -> None:
    url = f"/audits/{cast.dementia.id}"
    lead, partner = _visitor(app, "lead@example.org"), _visitor(app, "partner@example.org")
    assert _hint(lead.get(url), "Evidence returns") == "No evidence submitted yet."
    assert _hint(partner.get(url), "Evidence returns") == "No evidence submitted yet."
    evidence_id = _create(partner, cast.dementia.id)
    _submit(partner, cast.dementia.id, evidence_id)
    waiting = "1 submitted, 1 waiting for a decision."
    page = lead.get(url)
    assert _hint(page, "Evidence returns").startswith(waiting)
    assert "returns" in _attention_keys(page)
    assert _hint(partner.get(url), "Evidence returns").startswith(waiting)
    _decide(lead, cast.dementia.id, evidence_id, "accept")
    page = lead.get(url)
    assert _hint(page, "Evidence returns").startswith("1 submitted, 0 waiting for a decision.")
    assert _statuses(page)["Evidence returns"] == "Completed"
    assert "returns" not in _attention_keys(page)


def test_an_invitation_accepted_shows_the_new_partner(app: Flask, cast: Cast) -> None:
    url = f"/audits/{cast.draft.id}"
    lead = _visitor(app, "lead@example.org")
    task = "Invite partners and commissioners"
    assert _hint(lead.get(url), task) == "2 partners taking part."
    link = _link(_invite(lead, cast))
    assert _hint(lead.get(url), task) == "2 partners taking part."  # not yet taking part
    newcomer = Visitor(app.test_client())
    newcomer.post(
        link,
        {
            "name": "Nia Partner",
            "password": "a-long-password",
            "confirm_password": "a-long-password",
        },
    )
    assert _hint(lead.get(url), task) == "3 partners taking part."
    # And the newcomer, on their first view, as a partner.
    assert "Stakeholder register" not in _statuses(newcomer.get(url))


def test_an_action_added_shows(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.draft.id}"
    as_lead.post(f"{url}/plan/objectives/new", _objective())
    with app.app_context():
        objective_id = db.session.scalars(select(Objective.id)).one()
    assert _hint(as_lead.get(url), "Action plan") == "0 actions in the plan."
    as_lead.post(f"{url}/plan/actions/new", _action(objective_id))
    page = as_lead.get(url)
    assert _hint(page, "Action plan").startswith("1 action in the plan.")
    assert _statuses(page)["Action plan"] == "Completed"


def test_publishing_shows(as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.dementia.id}"
    page = as_lead.get(url)
    assert page.soup.select_one("#version .govuk-tag").get_text(strip=True) == "Draft"
    assert page.soup.select_one("form[action$='/new-version']") is None
    as_lead.post(f"{url}/publish", {"note": ""})
    page = as_lead.get(url)
    assert page.soup.select_one("#version .govuk-tag").get_text(strip=True) == "Published"
    assert page.soup.select_one("form[action$='/new-version']") is not None
    assert _hint(page, "Publish to commissioners").startswith("Published on ")


def test_a_new_version_shows_on_the_published_one(as_lead: Visitor, cast: Cast) -> None:
    """The new version is another audit: the published one's revision stays."""
    url = f"/audits/{cast.published.id}"
    page = as_lead.get(url)
    assert "A newer version exists" not in page.soup.select_one("#version").get_text()
    assert page.soup.select_one("form[action$='/new-version']") is not None
    as_lead.post(f"{url}/new-version", {})
    page = as_lead.get(url)
    assert "A newer version exists" in page.soup.select_one("#version").get_text()
    assert page.soup.select_one("form[action$='/new-version']") is None


def test_comments_and_decisions_show_though_the_revision_stays(app: Flask, cast: Cast) -> None:
    url = f"/audits/{cast.published.id}"
    lead, commissioner = (
        _visitor(app, "lead@example.org"),
        _visitor(app, "commissioner@example.org"),
    )
    task = "Commissioners’ comments and agreement"
    for visitor in (lead, commissioner):
        assert _hint(visitor.get(url), task).startswith("0 comments; 0 of 2 decisions")
    commissioner.post(f"{url}/review/comments", {"section": "plan", "body": "Fine."})
    commissioner.post(
        f"{url}/review/agreement/plan", {"plan-decision": "agreed", "plan-version": "0"}
    )
    for visitor in (lead, commissioner):
        hint = _hint(visitor.get(url), task)
        assert hint.startswith("1 comment; 1 of 2 decisions")
        assert "Last changed by Commissioner" in hint  # the trail's newest entry


def test_a_change_of_members_roles_shows(app: Flask, cast: Cast) -> None:
    """A partner made a commissioner (memberships are written without a new revision):
    the counts of both, and the page of the person whose role changed."""
    url = f"/audits/{cast.published.id}"
    lead, partner2 = _visitor(app, "lead@example.org"), _visitor(app, "partner2@example.org")
    page = lead.get(url)
    assert _hint(page, "Invite partners and commissioners") == "2 partners taking part."
    assert "0 of 2 decisions" in _hint(page, "Commissioners’ comments and agreement")
    assert partner2.get(url).soup.select_one("#commissioner-next") is None
    with app.app_context():
        db.session.execute(
            update(AuditMembership)
            .where(
                AuditMembership.audit_id == cast.published.id,
                AuditMembership.user_id == cast.partner2.id,
            )
            .values(role=COMMISSIONER)
        )
        db.session.commit()
    page = lead.get(url)
    assert _hint(page, "Invite partners and commissioners") == "1 partner taking part."
    assert "0 of 4 decisions" in _hint(page, "Commissioners’ comments and agreement")
    assert partner2.get(url).soup.select_one("#commissioner-next") is not None


def test_a_review_date_passing_shows_the_next_day(
    app: Flask, as_lead: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(app, _return(cast, "accepted", review_by=utcnow().date()))
    url = f"/audits/{cast.dementia.id}"
    assert "review" not in _attention_keys(as_lead.get(url))
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr("audit_app.audits.views.utcnow", lambda: tomorrow)
    assert "review" in _attention_keys(as_lead.get(url))


def test_readers_of_another_organisation_see_their_own_page(app: Flask, cast: Cast) -> None:
    """A partner's submitted return counts on their page, not on another partner's
    (a draft audit: only their own returns are theirs to see)."""
    url = f"/audits/{cast.dementia.id}"
    partner = _visitor(app, "partner@example.org")
    _submit(partner, cast.dementia.id, _create(partner, cast.dementia.id))
    assert _hint(partner.get(url), "Evidence returns").startswith("1 submitted")
    other = _visitor(app, "partner2@example.org")
    assert _hint(other.get(url), "Evidence returns") == "No evidence submitted yet."
    with app.app_context():  # a colleague in the partner's organisation sees theirs
        centre = db.session.get(Organisation, cast.partner.organisation_id)
        colleague = make.user("colleague@example.org", "partner", centre)
        make.member(db.session.get(Audit, cast.dementia.id), colleague, "partner")
    assert _hint(_visitor(app, "colleague@example.org").get(url), "Evidence returns").startswith(
        "1 submitted"
    )
    # and the lead and the commissioner, in other roles, their own
    lead = _visitor(app, "lead@example.org").get(f"/audits/{cast.published.id}")
    commissioner = _visitor(app, "commissioner@example.org").get(f"/audits/{cast.published.id}")
    assert lead.soup.select_one("#commissioner-next") is None
    assert lead.soup.select_one("#attention") is not None
    assert commissioner.soup.select_one("#commissioner-next") is not None
    assert commissioner.soup.select_one("#attention") is None


def test_an_earlier_audit_to_compare_with_shows(app: Flask, cast: Cast) -> None:
    """Another audit of the area, begun before: the overview's own revision stays."""
    url = f"/audits/{cast.draft.id}"
    lead, admin = _visitor(app, "lead@example.org"), _visitor(app, "admin@example.org")
    compare = "Compare with an earlier audit"
    assert compare not in lead.get(url).text
    assert compare not in admin.get(url).text
    with app.app_context():
        area = db.session.get(Organisation, cast.draft.area_id)
        lead_user = db.session.get(type(cast.lead), cast.lead.id)
        earlier = make.audit(lead_user, area, "All carers in Northshire 2025/26", scope=[])
        earlier.period_start, earlier.period_end = date(2025, 4, 1), date(2026, 3, 31)
        earlier.status, earlier.published_at = PUBLISHED, utcnow()
        db.session.commit()
    assert compare in lead.get(url).text
    assert compare in admin.get(url).text


def test_the_areas_name_shows_when_it_changes(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.draft.id}"
    assert (
        as_lead.get(url)
        .soup.select_one(".govuk-caption-l")
        .get_text()
        .startswith("Northshire County Council")
    )
    with app.app_context():
        db.session.execute(
            update(Organisation)
            .where(Organisation.id == cast.draft.area_id)
            .values(name="North Shire Council")
        )
        db.session.commit()
    caption = as_lead.get(url).soup.select_one(".govuk-caption-l").get_text()
    assert caption.startswith("North Shire Council")


def test_each_reader_gets_the_form_with_their_own_token(app: Flask, cast: Cast) -> None:
    """The button's form is made on every view: a kept page carries no one's token."""
    url = f"/audits/{cast.published.id}"
    first, second = _visitor(app, "lead@example.org"), _visitor(app, "lead@example.org")
    tokens = [
        visitor.get(url).soup.select_one("form[action$='/new-version'] input[name=csrf_token]")
        for visitor in (first, second)
    ]
    assert all(tokens) and tokens[0]["value"] != tokens[1]["value"]
    # The second session's token is theirs: it starts the new version.
    second.post(f"{url}/new-version", {"csrf_token": tokens[1]["value"]})


def test_a_readers_own_role_shows_when_nothing_else_moved(app: Flask, cast: Cast) -> None:
    """Two members' roles swapped: the counts stay as they were, the page of each is
    the one of their new role."""
    url = f"/audits/{cast.published.id}"
    partner2 = _visitor(app, "partner2@example.org")
    assert partner2.get(url).soup.select_one("#commissioner-next") is None
    with app.app_context():
        for user_id, role in ((cast.partner2.id, COMMISSIONER), (cast.commissioner.id, "partner")):
            db.session.execute(
                update(AuditMembership)
                .where(
                    AuditMembership.audit_id == cast.published.id,
                    AuditMembership.user_id == user_id,
                )
                .values(role=role)
            )
        db.session.commit()
    assert partner2.get(url).soup.select_one("#commissioner-next") is not None


def test_two_partners_of_no_organisation_see_their_own_page(app: Flask, cast: Cast) -> None:
    """Without an organisation a return is its author's alone."""
    url = f"/audits/{cast.dementia.id}"
    with app.app_context():
        audit = db.session.get(Audit, cast.dementia.id)
        for email in ("one@example.org", "two@example.org"):
            make.member(audit, make.user(email, "partner"), "partner")
    one, two = _visitor(app, "one@example.org"), _visitor(app, "two@example.org")
    _submit(one, cast.dementia.id, _create(one, cast.dementia.id))
    assert _hint(one.get(url), "Evidence returns").startswith("1 submitted")
    assert _hint(two.get(url), "Evidence returns") == "No evidence submitted yet."


def test_a_decision_changed_shows_in_the_leads_recent_changes(app: Flask, cast: Cast) -> None:
    """Only the trail moves (the count of decisions stays): the newest entry is a fact."""
    url = f"/audits/{cast.published.id}"
    lead, commissioner = (
        _visitor(app, "lead@example.org"),
        _visitor(app, "commissioner@example.org"),
    )
    agreement = f"{url}/review/agreement/plan"
    commissioner.post(agreement, {"plan-decision": "agreed", "plan-version": "0"})

    def recent() -> str:
        column = lead.get(url).soup.select_one(".govuk-grid-column-one-third")
        return column.get_text(" ", strip=True)

    assert "changed agreement" not in recent()
    version = commissioner.get(f"{url}/review").value("plan-version")
    commissioner.post(
        agreement,
        {"plan-decision": "agreed_with_changes", "plan-comment": "Dates.", "plan-version": version},
    )
    assert "changed agreement" in recent()


def test_a_write_with_a_new_revision_and_no_trail_entry_shows(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    """The revision alone: a return written with a new revision (as the app's writes
    give one) and no entry in the trail."""
    url = f"/audits/{cast.dementia.id}"
    assert _hint(as_lead.get(url), "Evidence returns") == "No evidence submitted yet."
    _add(app, _return(cast, "submitted"))
    page = as_lead.get(url)
    assert _hint(page, "Evidence returns").startswith("1 submitted, 1 waiting")
    assert "returns" in _attention_keys(page)


def test_a_trail_entry_without_a_new_revision_shows(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    """The trail's newest entry alone: revision_guard.NOT_KEPT lets an entry be written
    without a new revision; "Recent changes" and "Last changed by" show it."""
    url = f"/audits/{cast.dementia.id}"
    assert "Last changed by" not in _hint(as_lead.get(url), "Action plan")
    with app.app_context():
        db.session.add(
            ChangeEvent(
                audit_id=cast.dementia.id,
                user_id=cast.partner.id,
                entity="action",
                label="Run a carers' week",
                action="removed",
            )
        )
        db.session.commit()
    page = as_lead.get(url)
    assert "Last changed by Partner" in _hint(page, "Action plan")
    recent = page.soup.select_one(".govuk-grid-column-one-third").get_text(" ", strip=True)
    assert "Partner removed action Run a carers' week" in recent


def test_a_readers_organisation_changed_shows(app: Flask, cast: Cast) -> None:
    """The organisation alone: a partner moved to another organisation sees its returns."""
    url = f"/audits/{cast.dementia.id}"
    partner2 = _visitor(app, "partner2@example.org")
    _submit(partner2, cast.dementia.id, _create(partner2, cast.dementia.id))
    partner = _visitor(app, "partner@example.org")
    assert _hint(partner.get(url), "Evidence returns") == "No evidence submitted yet."
    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.id == cast.partner.id)
            .values(organisation_id=cast.partner2.organisation_id)
        )
        db.session.commit()
    assert _hint(partner.get(url), "Evidence returns").startswith("1 submitted")


@pytest.mark.parametrize(
    "email",
    ["lead@example.org", "partner@example.org", "commissioner@example.org", "admin@example.org"],
)
def test_the_facts_read_with_the_user_are_those_asked_alone(
    app: Flask, cast: Cast, email: str
) -> None:
    """overview.fresh_facts, read with the user on the overview (one statement) or
    asked alone, gives the same facts, for every reader and every audit: a newer
    version, earlier ones (the lead's next cycle), members, comments."""
    from flask_login import login_user

    from audit_app.services import access
    from audit_app.services import overview as task_list

    _visitor(app, "lead@example.org").post(f"/audits/{cast.published.id}/new-version", {})
    with app.app_context():  # an earlier audit of the area, and comments
        area = db.session.get(Organisation, cast.draft.area_id)
        lead = db.session.get(User, cast.lead.id)
        earlier = make.audit(lead, area, "All carers in Northshire 2025/26", scope=[])
        earlier.period_start, earlier.period_end = date(2025, 4, 1), date(2026, 3, 31)
        earlier.status, earlier.published_at = PUBLISHED, utcnow()
        db.session.commit()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None
        seen = []
        for audit in db.session.scalars(select(Audit).order_by(Audit.id)):
            alone = task_list.fresh_facts(audit, user)
            with app.test_request_context(f"/audits/{audit.id}"):
                login_user(user)
                assert access.user_and_audit(user.id, audit.id) is not None
                assert access.read_with_user_value(audit.id, "fact:_earlier", user.id)[0]
                read = task_list.fresh_facts(audit, user)
            assert read.counts == alone.counts, (email, audit.title)
            assert (read.last_event, read.newer) == (alone.last_event, alone.newer)
            assert sorted((read.earlier or "").split(",")) == sorted(
                (alone.earlier or "").split(",")
            ), (email, audit.title)
            seen.append(read)
        assert any(facts.newer for facts in seen)
        takes_part = email in ("lead@example.org", "admin@example.org")  # in the earlier one
        assert any(facts.earlier for facts in seen) == takes_part
