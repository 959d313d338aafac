"""Email reaches the people concerned, with the link to the page, and never holds up
or breaks the page that caused it (a local SMTP catcher receives what is sent)."""

from __future__ import annotations

import logging
import re
import socket
import time
from collections.abc import Iterator
from email.message import EmailMessage

import fakeredis
import pytest
import redis
from flask import Flask
from rq import Queue, SimpleWorker

from audit_app.extensions import db
from audit_app.models import Invitation, User
from audit_app.services import mail
from tests import factories as make
from tests.mail_catcher import Catcher, body, links
from tests.visit import Page, Visitor
from tests.web.conftest import Cast
from tests.web.test_evidence import MULTIPART
from tests.web.test_evidence import _form as evidence_form

CELL = "breaks/dementia"


@pytest.fixture
def mail_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """What the sending logs."""
    with caplog.at_level(logging.INFO, logger="audit_app.services.mail"):
        yield caplog


def _received(catcher: Catcher) -> list[EmailMessage]:
    mail.wait_for_sending()
    return list(catcher.messages)


def _path(message: EmailMessage) -> str:
    """The one link in the email, as a path on the test client (host checked)."""
    [url] = links(message)
    assert url.startswith("http://audit.test/"), url
    return url.removeprefix("http://audit.test")


def _invite(visitor: Visitor, audit_id: int, email: str = "new.partner@example.org") -> Page:
    form = {
        "email": email,
        "role": "partner",
        "organisation_id": "",
        "new_organisation": "Northshire Young Carers",
        "new_organisation_kind": "voluntary_sector",
    }
    return visitor.post(f"/audits/{audit_id}/people", form, status=200)


def _new_return(visitor: Visitor, audit_id: int) -> int:
    page = visitor.post(f"/audits/{audit_id}/evidence/new", evidence_form(), **MULTIPART)
    match = re.search(r"/evidence/(\d+)$", page.response.location)
    assert match, page.error_summary()
    return int(match.group(1))


def _version(visitor: Visitor, url: str) -> str:
    field = visitor.get(url).soup.select_one('input[name="version"]')
    assert field is not None
    return str(field["value"])


def _submit(visitor: Visitor, audit_id: int, evidence_id: int) -> None:
    url = f"/audits/{audit_id}/evidence/{evidence_id}"
    visitor.post(url + "/submit", {"version": _version(visitor, url)})


def _send_back(visitor: Visitor, audit_id: int, evidence_id: int) -> None:
    url = f"/audits/{audit_id}/evidence/{evidence_id}"
    visitor.post(
        url + "/decision",
        {"version": _version(visitor, url), "decision": "return", "comments": "Add numbers."},
    )


# --- the five kinds of email ------------------------------------------------------------


def test_invitation_is_emailed_with_the_link_that_opens_the_join_page(
    app: Flask, visitor: Visitor, cast: Cast, catcher: Catcher
) -> None:
    visitor.sign_in("lead@example.org")
    page = _invite(visitor, cast.draft.id)
    assert page.soup.select_one("#invitation-emailed").get_text(strip=True) == (
        "We have emailed the link to new.partner@example.org"
    )
    shown = page.soup.select_one("#invitation-link").get_text(strip=True)  # still copyable
    [message] = _received(catcher)
    assert message["To"] == "new.partner@example.org"
    assert message["Subject"] == "You are invited to the audit ‘All carers in Northshire 2026/27’"
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Carers' Hub commissioning audit",
        "audit@example.org",
    )
    assert links(message) == [shown]
    assert "as a partner for Northshire Young Carers" in body(message)
    visitor.sign_out()
    assert visitor.get(_path(message)).h1 == "Join ‘All carers in Northshire 2026/27’"


def test_a_commissioner_invited_to_a_draft_is_told_they_see_it_once_published(
    visitor: Visitor, cast: Cast, catcher: Catcher
) -> None:
    visitor.sign_in("lead@example.org")
    visitor.post(
        f"/audits/{cast.draft.id}/people",
        {
            "email": "icb@example.org",
            "role": "commissioner",
            "organisation_id": "",
            "new_organisation": "Northshire ICB Two",
            "new_organisation_kind": "commissioning_body",
        },
        status=200,
    )
    [message] = _received(catcher)
    assert "as a commissioner you will see it once it is published" in body(message)


def test_a_submitted_return_emails_the_lead_a_link_to_review_it(
    visitor: Visitor, cast: Cast, catcher: Catcher
) -> None:
    visitor.sign_in("partner@example.org")
    evidence_id = _new_return(visitor, cast.draft.id)
    assert _received(catcher) == []  # a draft is nobody else's business
    _submit(visitor, cast.draft.id, evidence_id)
    [message] = _received(catcher)
    assert message["To"] == "lead@example.org"
    assert message["Subject"] == (
        "Evidence return ‘Carers' breaks service’ is ready for you to review"
    )
    assert body(message).startswith(
        "Partner (Northshire Carers Centre) has submitted the evidence return "
        "‘Carers' breaks service’ in the audit ‘All carers in Northshire 2026/27’.\n"
    )  # plain text: nothing escaped as HTML would be
    visitor.switch("lead@example.org")
    page = visitor.get(_path(message))
    assert page.h1 == "Carers' breaks service" and "Accept" in page.text


def test_a_return_sent_back_emails_the_partner_who_wrote_it(
    visitor: Visitor, cast: Cast, catcher: Catcher
) -> None:
    visitor.sign_in("partner@example.org")
    evidence_id = _new_return(visitor, cast.draft.id)
    _submit(visitor, cast.draft.id, evidence_id)
    visitor.switch("lead@example.org")
    _send_back(visitor, cast.draft.id, evidence_id)
    lead_copy, message = _received(catcher)
    assert lead_copy["To"] == "lead@example.org"
    assert message["To"] == "partner@example.org"
    assert message["Subject"] == (
        "Evidence return ‘Carers' breaks service’ has come back to you with comments"
    )
    visitor.switch("partner@example.org")
    page = visitor.get(_path(message))
    assert page.h1 == "Carers' breaks service" and "Add numbers." in page.text


def test_accepting_a_return_sends_no_email(visitor: Visitor, cast: Cast, catcher: Catcher) -> None:
    visitor.sign_in("partner@example.org")
    evidence_id = _new_return(visitor, cast.draft.id)
    _submit(visitor, cast.draft.id, evidence_id)
    visitor.switch("lead@example.org")
    url = f"/audits/{cast.draft.id}/evidence/{evidence_id}"
    visitor.post(url + "/decision", {"version": _version(visitor, url), "decision": "accept"})
    assert [m["To"] for m in _received(catcher)] == ["lead@example.org"]  # the submission only


def test_a_proposal_emails_the_lead_a_link_to_the_cells_proposals(
    visitor: Visitor, cast: Cast, catcher: Catcher
) -> None:
    visitor.sign_in("partner@example.org")
    url = f"/audits/{cast.dementia.id}/ratings/{CELL}"
    visitor.post(url, {"rag": "green", "maturity": "advanced", "rationale": "Three groups."})
    [message] = _received(catcher)
    assert message["To"] == "lead@example.org"
    assert message["Subject"] == (
        "A partner proposed a rating for Breaks – Carers of older people with dementia"
    )
    assert _path(message) == url + "#proposals"
    visitor.switch("lead@example.org")
    page = visitor.get(url)
    assert "Three groups." in page.soup.select_one("#proposals").parent.get_text()


def test_publishing_emails_the_partners_and_commissioners_of_that_audit_only(
    app: Flask, visitor: Visitor, cast: Cast, catcher: Catcher
) -> None:
    with app.app_context():  # people of the other area's audit, and a member switched off
        other_area_partner = make.user("partner@southshire.example.org", "partner")
        make.member(db.session.merge(cast.other_area_audit), other_area_partner, "partner")
        gone = make.user("gone@example.org", "partner")
        make.member(db.session.merge(cast.dementia), gone, "partner")
        gone.active = False
        db.session.commit()
    visitor.sign_in("lead@example.org")
    visitor.post(f"/audits/{cast.dementia.id}/publish", {"note": "Final version"})
    received = _received(catcher)
    assert sorted(m["To"] for m in received) == [
        "commissioner@example.org",
        "partner2@example.org",
        "partner@example.org",
    ]
    message = next(m for m in received if m["To"] == "commissioner@example.org")
    assert message["Subject"] == (
        "Version 1 of the audit ‘Carers of people with dementia 2027/28’ is published"
    )
    assert "Their note: Final version" in body(message)
    visitor.switch("commissioner@example.org")
    assert visitor.get(_path(message)).h1 == "Carers of people with dementia 2027/28"


def test_no_email_goes_outside_the_audit(
    app: Flask, visitor: Visitor, cast: Cast, catcher: Catcher
) -> None:
    """Partner, lead and commissioner actions across one audit reach only its members."""
    with app.app_context():
        outsiders = {u.email for u in db.session.query(User)} - {
            "lead@example.org",
            "partner@example.org",
            "partner2@example.org",
            "commissioner@example.org",
        }
    visitor.sign_in("partner@example.org")
    evidence_id = _new_return(visitor, cast.dementia.id)
    _submit(visitor, cast.dementia.id, evidence_id)
    visitor.post(
        f"/audits/{cast.dementia.id}/ratings/{CELL}",
        {"rag": "red", "maturity": "early", "rationale": "Waiting lists."},
    )
    visitor.switch("lead@example.org")
    _send_back(visitor, cast.dementia.id, evidence_id)
    visitor.post(f"/audits/{cast.dementia.id}/publish", {"note": ""})
    received = {m["To"] for m in _received(catcher)}
    assert received and not received & outsiders
    assert "lead@southshire.example.org" in outsiders and "admin@example.org" in outsiders


# --- failures: tried again, and never the page's problem ---------------------------------


def test_a_refused_send_is_tried_again_until_it_goes(
    visitor: Visitor, cast: Cast, catcher: Catcher
) -> None:
    catcher.refusals = 2  # "451 try again later", twice
    visitor.sign_in("lead@example.org")
    _invite(visitor, cast.draft.id)
    [message] = _received(catcher)
    assert catcher.refused == 2 and message["To"] == "new.partner@example.org"


def test_a_permanent_refusal_is_not_tried_again(
    visitor: Visitor, cast: Cast, catcher: Catcher, mail_log: pytest.LogCaptureFixture
) -> None:
    catcher.refusals, catcher.refusal = 3, "550 5.1.1 No such mailbox"
    visitor.sign_in("lead@example.org")
    _invite(visitor, cast.draft.id)
    assert _received(catcher) == []
    assert catcher.refused == 1
    assert "email to new.partner@example.org refused for good" in mail_log.text


def _nothing_listening() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again: connecting is refused


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that takes connections and never says a word, as a hung server; closed
    at the end, which resets the connections left waiting on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


def test_with_the_mail_server_down_the_invitation_is_made_and_the_failure_logged(
    app: Flask,
    visitor: Visitor,
    cast: Cast,
    catcher: Catcher,
    monkeypatch: pytest.MonkeyPatch,
    mail_log: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setitem(app.config, "MAIL_PORT", _nothing_listening())
    visitor.sign_in("lead@example.org")
    page = _invite(visitor, cast.draft.id)
    mail.wait_for_sending()
    assert page.soup.select_one("#invitation-link") is not None  # the lead can still send it
    with app.app_context():
        assert db.session.query(Invitation).count() == 1
    assert mail_log.text.count("not sent, attempt") == 3
    assert "given up after 3 attempts" in mail_log.text


def test_a_mail_server_that_hangs_never_holds_up_the_page(
    app: Flask,
    visitor: Visitor,
    cast: Cast,
    catcher: Catcher,
    silent_server: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "MAIL_PORT", silent_server)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 30)  # closing the port ends it
    monkeypatch.setitem(app.config, "MAIL_RETRY_SECONDS", [])
    visitor.sign_in("partner@example.org")
    evidence_id = _new_return(visitor, cast.draft.id)
    started = time.monotonic()
    _submit(visitor, cast.draft.id, evidence_id)
    took = time.monotonic() - started
    assert took < 10, f"the page waited {took:.1f}s for the mail server"
    page = visitor.get(f"/audits/{cast.draft.id}/evidence/{evidence_id}")
    assert "Submitted" in page.text


def test_without_a_mail_server_nothing_is_sent_the_email_is_kept_and_the_page_says_so(
    app: Flask, visitor: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    visitor.sign_in("lead@example.org")
    with app.app_context():
        before = len(mail.unsent())
    page = _invite(visitor, cast.draft.id)
    assert page.soup.select_one("#invitation-emailed") is None
    assert "This service does not send email" in page.text
    with app.app_context():
        kept = mail.unsent()[before:]
    assert [m.to for m in kept] == ["new.partner@example.org"]
    assert page.soup.select_one("#invitation-link").get_text(strip=True) in kept[0].text


def test_app_base_url_starts_every_link(
    app: Flask, visitor: Visitor, cast: Cast, catcher: Catcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "APP_BASE_URL", "https://audit.example.gov.uk")
    visitor.sign_in("lead@example.org")
    page = _invite(visitor, cast.draft.id)
    [message] = _received(catcher)
    [url] = links(message)
    assert url.startswith("https://audit.example.gov.uk/invitation/")
    assert page.soup.select_one("#invitation-link").get_text(strip=True) == url


# --- queued on RQ (REDIS_URL set) -------------------------------------------------------


@pytest.fixture
def fake_redis(
    app: Flask, database_url: str, catcher: Catcher, monkeypatch: pytest.MonkeyPatch
) -> fakeredis.FakeRedis:
    """REDIS_URL set, every connection a fake one; the job's own app (built from the
    environment, as a worker's is) sends to the catcher."""
    fake = fakeredis.FakeRedis()
    monkeypatch.setattr(redis.Redis, "from_url", lambda url, **kwargs: fake)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/5")
    for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_SENDER"):
        monkeypatch.setenv(key, str(app.config[key]))
    monkeypatch.setenv("MAIL_STARTTLS", "0")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.delenv("REDIS_URL", raising=False)
    return fake


def test_with_redis_the_email_is_a_job_that_rq_tries_again_until_it_goes(
    visitor: Visitor, cast: Cast, catcher: Catcher, fake_redis: fakeredis.FakeRedis
) -> None:
    visitor.sign_in("lead@example.org")
    _invite(visitor, cast.draft.id)
    emails = Queue(mail.QUEUE, connection=fake_redis)
    [job] = emails.get_jobs()
    assert job.func_name == "audit_app.services.mail.send_job"
    assert job.retries_left == 2 and job.args[0]["to"] == "new.partner@example.org"
    assert _received(catcher) == []  # nothing sent until a worker runs it

    catcher.refusals = 1
    SimpleWorker([emails], connection=fake_redis).work(burst=True)

    assert catcher.refused == 1
    [message] = catcher.messages
    assert message["To"] == "new.partner@example.org"
    assert job.get_status(refresh=True) == "finished"


def test_with_redis_unreachable_the_email_is_sent_from_the_app(
    app: Flask,
    visitor: Visitor,
    cast: Cast,
    catcher: Catcher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{_nothing_listening()}/0")
    visitor.sign_in("lead@example.org")
    page = _invite(visitor, cast.draft.id)
    assert page.soup.select_one("#invitation-emailed") is not None
    [message] = _received(catcher)
    assert message["To"] == "new.partner@example.org"


# --- the page says who was emailed ---------------------------------------------------------


def _banner(visitor: Visitor, page: Page) -> str:
    """The message shown on the page the action leads to."""
    banner = visitor.get(page.response.location).soup.select_one(".govuk-notification-banner")
    assert banner is not None
    return " ".join(banner.get_text(" ", strip=True).split())


def _four_actions(visitor: Visitor, cast: Cast) -> list[str]:
    """A return submitted and sent back, a proposal, a publication: what each page says."""
    visitor.sign_in("partner@example.org")
    evidence_id = _new_return(visitor, cast.dementia.id)
    url = f"/audits/{cast.dementia.id}/evidence/{evidence_id}"
    said = [_banner(visitor, visitor.post(url + "/submit", {"version": _version(visitor, url)}))]
    proposal = {"rag": "red", "maturity": "early", "rationale": "Waiting lists."}
    said.append(
        _banner(visitor, visitor.post(f"/audits/{cast.dementia.id}/ratings/{CELL}", proposal))
    )
    visitor.switch("lead@example.org")
    decision = {"version": _version(visitor, url), "decision": "return", "comments": "Add numbers."}
    said.append(_banner(visitor, visitor.post(url + "/decision", decision)))
    said.append(_banner(visitor, visitor.post(f"/audits/{cast.dementia.id}/publish", {"note": ""})))
    return said


def test_each_page_that_sends_an_email_says_to_how_many_people(
    visitor: Visitor, cast: Cast, catcher: Catcher
) -> None:
    said = _four_actions(visitor, cast)
    received = _received(catcher)
    assert [s.split(". An email")[1] if ". An email" in s else s for s in said] == [
        " about it has gone to 1 person.",  # the lead
        " about it has gone to 1 person.",  # the lead
        " about it has gone to 1 person.",  # the partner who wrote it
        " about it has gone to 3 people.",  # two partners and the commissioner
    ]
    assert len(received) == 6


def test_without_a_mail_server_the_pages_say_nothing_of_email(visitor: Visitor, cast: Cast) -> None:
    said = _four_actions(visitor, cast)
    assert said[0].endswith("submitted to the carers lead.")
    assert not [s for s in said if "email" in s.lower()], said
