"""Evidence stays with its owner on every page and in every export (issue 22, items 1-2).

The rule (services/evidence.py): a draft return is its own organisation's alone;
a submitted one is seen by its organisation and the lead; anyone else sees only
accepted returns of a published audit. The audit trail's entries about a return
follow the same rule as the return.
"""

from __future__ import annotations

import json

from flask import Flask

from tests.visit import Visitor
from tests.web.conftest import Cast, publish
from tests.web.evidence_seed import seed_returns


def _body(visitor: Visitor, url: str) -> str:
    response = visitor.client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


# --- seen 1: the lead and another organisation's draft --------------------------------


def test_lead_sees_no_draft_of_another_organisation_in_the_trail_overview_or_json(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    returns = seed_returns(app, cast.draft.id, cast.partner.id, cast.lead.id, "uno").by_status()
    draft, submitted = returns["draft"], returns["submitted"]
    base = f"/audits/{cast.draft.id}"
    pages = {
        "overview": _body(as_lead, base),
        "trail": _body(as_lead, f"{base}/changes"),
        "evidence trail": _body(as_lead, f"{base}/changes?entity=evidence"),
        "json": _body(as_lead, f"{base}/exports/audit.json"),
    }
    leaks = [
        f"the draft's {what} on the lead's {name}"
        for name, body in pages.items()
        for what, marker in draft.markers.items()
        if marker in body
    ]
    assert leaks == []
    # The submitted return is the lead's to see, with its whole trail.
    for name in ("evidence trail", "json"):
        for what, marker in submitted.markers.items():
            assert marker in pages[name], f"the submitted return's {what} is missing from {name}"
    document = json.loads(pages["json"])
    ids = {row["id"] for row in document["tables"]["evidence_return"]}
    assert draft.id not in ids and submitted.id in ids
    assert all(row["evidence_id"] != draft.id for row in document["tables"]["evidence_attachment"])
    assert draft.id not in {
        row["entity_id"]
        for row in document["tables"]["change_event"]
        if row["entity"] == "evidence"
    }


def test_partner_counts_and_last_change_on_the_overview_are_their_own(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    seed_returns(app, cast.draft.id, cast.partner.id, cast.lead.id, "uno")
    visitor.sign_in("partner2@example.org")
    page = visitor.get(f"/audits/{cast.draft.id}")
    section = page.soup.select_one("a[href$='/evidence/']").find_parent("li")
    hint = section.get_text(" ", strip=True)
    assert "No evidence submitted yet." in hint
    assert "Last changed" not in hint  # by whom, on someone else's return
    visitor.switch("partner@example.org")
    own = visitor.get(f"/audits/{cast.draft.id}").soup.select_one("a[href$='/evidence/']")
    assert "2 submitted, 1 waiting for a decision." in own.find_parent("li").get_text(" ")


# --- seen 2: a linked return on the rating and checklist cell pages ------------------


def test_cell_pages_name_only_the_linked_returns_this_partner_may_see(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    seeded = {
        audit.id: seed_returns(app, audit.id, cast.partner.id, cast.lead.id, tag)
        for audit, tag in ((cast.draft, "uno"), (cast.dementia, "duo"))
    }
    publish(app, cast.dementia.id)
    visitor.sign_in("partner2@example.org")
    for audit_id, hidden_count, shown in (
        (cast.draft.id, 2, ()),
        (cast.dementia.id, 1, ("accepted",)),
    ):
        # The lead's cell pages, and the map cells that already said so (seen 2).
        for url in seeded[audit_id].cell_urls(audit_id):
            page = visitor.get(url)
            for status, item in seeded[audit_id].by_status().items():
                assert (item.title in page.text) == (status in shown), (url, status)
            noun = "return" if hidden_count == 1 else "returns"
            assert f"{hidden_count} more linked {noun} not yet shared with you" in page.text, url


def test_the_lead_sees_every_linked_return_on_the_cell_pages(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    seeding = seed_returns(app, cast.draft.id, cast.partner.id, cast.lead.id, "uno")
    returns = seeding.by_status()
    for url in seeding.cell_urls(cast.draft.id):
        page = as_lead.get(url)
        summary = page.soup.select_one("main").get_text(" ", strip=True)
        assert returns["submitted"].title in summary and returns["accepted"].title in summary
        assert returns["draft"].title not in page.text
        assert "not yet shared with you" not in page.text
