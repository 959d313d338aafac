"""The lead invites a partner; the invitation reaches them by email (the tests' SMTP
catcher), and its link, opened in a browser, leads to a signed-in page."""

from __future__ import annotations

import re
from typing import Any

from tests.browser import axe
from tests.browser.conftest import sign_in
from tests.mail_catcher import MailServer, links

WHOLE_AREA = "All carers in Northshire 2026/27"  # a draft
INVITED = "new.helper@example.org"


def test_an_invitation_email_is_received_and_its_link_signs_the_partner_in(
    page: Any, browser: Any, live_server: str, live_mail_server: MailServer
) -> None:
    catcher = live_mail_server.catcher
    catcher.clear()
    sign_in(page, "lead@demo.test")
    page.get_by_role("link", name=WHOLE_AREA).click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    page.goto(page.url + "/people")
    page.get_by_label("Email address").fill(INVITED)
    page.get_by_label("Partner – submits evidence and views").check()
    page.locator("#organisation_id").select_option(label="Northshire Carers Centre")
    page.get_by_role("button", name="Create invitation link").click()
    assert page.locator("#invitation-emailed").inner_text() == (
        f"We have emailed the link to {INVITED}"
    )
    axe.check(page, "email invitation emailed")

    [message] = [m for m in catcher.wait_for(1) if m["To"] == INVITED]
    assert message["Subject"] == f"You are invited to the audit ‘{WHOLE_AREA}’"
    [url] = links(message)
    assert url.startswith(live_server + "/invitation/")
    assert url == page.locator("#invitation-link").inner_text().strip()

    # The invitee, in a browser of their own, follows the link from the email.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    invitee = context.new_page()
    invitee.set_default_timeout(10_000)
    try:
        invitee.goto(url)
        assert invitee.locator("h1").inner_text() == f"Join ‘{WHOLE_AREA}’"
        axe.check(invitee, "email invitation link opened")
        invitee.get_by_label("Your full name").fill("Sam Helper")
        invitee.get_by_label("Create a password").fill("a-long-enough-password")
        invitee.get_by_label("Confirm password").fill("a-long-enough-password")
        invitee.get_by_role("button", name="Accept invitation").click()
        invitee.wait_for_url(re.compile(r".*/audits/\d+$"))
        assert invitee.locator("h1").inner_text() == WHOLE_AREA
        assert invitee.get_by_role("button", name="Sign out").count() == 1
        axe.check(invitee, "email invitee signed in")
    finally:
        context.close()
