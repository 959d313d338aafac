"""The carers lead cites evidence of their own from a rating's page (issue #19): the
second button saves what was typed, the evidence form comes back to the rating with
the new return ticked, and saving the rating cites it. axe on every page on the way."""

from __future__ import annotations

import re
from typing import Any

from tests.browser import axe
from tests.browser.test_rating_grid import _whole_area

CELL = "/ratings/housing/older_people"  # a cell no other browser test changes
TITLE = "Council housing adaptations for carers: review of 2026 cases"


def test_lead_adds_evidence_of_their_own_and_cites_it(page: Any) -> None:
    audit_url = _whole_area(page, CELL)
    page.get_by_label("Why this rating").fill("Adaptations are slow for older carers.")
    axe.check(page, "lead rating cell with the evidence button")
    page.get_by_role("button", name="Save and add evidence of your own").click()
    page.wait_for_url(re.compile(r".*/evidence/new\?next=.*"))
    assert "needs no review" in page.locator("#own-evidence").inner_text()
    axe.check(page, "lead evidence of their own")
    page.get_by_label("Name of the service").fill(TITLE)
    # The rating's intervention is ticked already; the date is the lead's to give.
    assert page.get_by_role("checkbox", name="Housing support", exact=True).is_checked()
    page.locator("#evidence_date-day").fill("1")
    page.locator("#evidence_date-month").fill("11")
    page.locator("#evidence_date-year").fill("2026")
    page.get_by_role("button", name="Save evidence return").click()

    page.wait_for_url(re.compile(rf".*{re.escape(CELL)}\?cite=\d+#evidence"))
    assert "is saved and ticked below" in page.locator(".govuk-notification-banner").inner_text()
    box = page.get_by_role("checkbox", name=re.compile(re.escape(TITLE)))
    assert box.is_checked()
    # What was typed before leaving was saved, and is here again.
    assert page.get_by_label("Why this rating").input_value() == (
        "Adaptations are slow for older carers."
    )
    axe.check(page, "lead rating cell with own evidence ticked")
    page.get_by_role("button", name="Save rating").click()
    page.wait_for_url(re.compile(r".*/ratings#row-housing"))

    page.goto(audit_url + CELL)
    assert page.get_by_role("checkbox", name=re.compile(re.escape(TITLE))).is_checked()
