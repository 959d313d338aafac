"""Evidence stays with its owner on every page and in every export (issue 22, items 1-2).

The rule (services/evidence.py): a draft return is its own organisation's alone;
a submitted one is seen by its organisation and the lead; anyone else sees only
accepted returns of a published audit. The audit trail's entries about a return
follow the same rule as the return.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, User
from audit_app.models.audit import COMMISSIONER, LEAD, PARTNER
from audit_app.models.evidence import EVIDENCE_STATUSES
from audit_app.services import evidence, exports, maps
from tests.visit import Visitor
from tests.web.conftest import Cast, publish
from tests.web.crawl import get_urls
from tests.web.evidence_seed import INTERVENTION, SUB_OUTCOME, Seeding, seed_returns


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
    section = page.soup.select_one("li a[href$='/evidence/']").find_parent("li")
    hint = section.get_text(" ", strip=True)
    assert "No evidence submitted yet." in hint
    assert "Last changed" not in hint  # by whom, on someone else's return
    visitor.switch("partner@example.org")
    own = visitor.get(f"/audits/{cast.draft.id}").soup.select_one("li a[href$='/evidence/']")
    assert "2 submitted, 1 waiting for a decision." in own.find_parent("li").get_text(" ")


def test_on_a_published_version_an_undecided_return_no_longer_waits(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    """It can no longer be accepted or returned there, so nobody is told it waits."""
    seed_returns(app, cast.published.id, cast.partner.id, cast.lead.id, "uno")
    for email in ("partner@example.org", "lead@example.org"):
        visitor.sign_in(email)
        page = visitor.get(f"/audits/{cast.published.id}")
        line = page.soup.select_one("li a[href$='/evidence/']").find_parent("li")
        text = line.get_text(" ", strip=True)
        assert "1 not decided before publishing." in text, (email, text)
        assert "waiting" not in text and "Completed" in text, (email, text)


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
    # On a draft a partner sees none of the lead's judgements (tests/web/access_table.txt):
    # the rating cell says so, and the checklist and map cells are not found.
    for url in seeded[cast.draft.id].cell_urls(cast.draft.id):
        page = visitor.get(url, status=None)  # type: ignore[arg-type]
        assert page.status in (200, 404), url
        for status, item in seeded[cast.draft.id].by_status().items():
            assert item.title not in page.text, (url, status)
        if page.status == 200:
            assert page.soup.select_one("#rating-hidden"), url
    # Published: the accepted return by name, the other one counted (seen 2).
    for url in seeded[cast.dementia.id].cell_urls(cast.dementia.id):
        page = visitor.get(url)
        for status, item in seeded[cast.dementia.id].by_status().items():
            assert (item.title in page.text) == (status == "accepted"), (url, status)
        assert "1 more linked return not yet shared with you" in page.text, url


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


# --- generated: every GET route and export, as everyone else ------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIEWERS = {
    "lead": "lead@example.org",
    "administrator": "admin@example.org",
    "other partner organisation": "partner2@example.org",
    "commissioner": "commissioner@example.org",
    "another area's lead": "lead@southshire.example.org",
}
# What each sees of the partner organisation's returns, by whether the audit is
# published: written out from DESIGN.md, not computed by the rule under test.
SEES = {
    "lead": ({"submitted", "accepted"}, {"submitted", "accepted"}),
    "administrator": ({"submitted", "accepted"}, {"submitted", "accepted"}),
    "other partner organisation": (set(), {"accepted"}),
    "commissioner": (set(), {"accepted"}),
    "another area's lead": (set(), set()),
}
# Where a return the viewer may see must show (so the test cannot pass by showing
# nothing): its title on its pages, the cells it is linked to, the gap map (the cell
# is red) and every export; its text and file on its own page; and, for the lead,
# everything in the audit trail and the JSON export.
MUST_SHOW = {
    "title": {
        "evidence.index",
        "evidence.show",
        "ratings.cell",
        "ratings.checklist_cell",
        "maps.rating_cell",
        "maps.checklist_cell",
        "maps.gap_map",
        "exports.csv",
        "exports.xlsx",
        "exports.report_page",
        "exports.pdf_download",
    },
    "text": {"evidence.show"},
    "file name": {"evidence.show", "evidence.attachment"},
}
LEAD_MUST_SHOW = {"audits.changes", "exports.json_export"}
# Query strings that change what a GET route shows.
VARIANTS = {
    "audits.changes": ["?entity=evidence"],
    "evidence.index": ["?status=draft", "?status=submitted", "?status=accepted"],
}


@dataclass(frozen=True)
class Fetched:
    endpoint: str
    url: str
    status: int
    readable: str  # all a person could read in it (headers too), without whitespace


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _readable(response: Any) -> str:
    """The response's headers and body as text: cells of a workbook, text of a PDF."""
    parts = [f"{name}: {value}" for name, value in response.headers.items()]
    body = response.get_data()
    if response.status_code == 200 and response.mimetype == XLSX:
        book = load_workbook(io.BytesIO(body))
        for sheet in book.worksheets:
            parts.append(sheet.title)
            parts += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
    elif response.status_code == 200 and response.mimetype == "application/pdf":
        parts.append(body.decode("latin-1"))  # an uploaded file, or the report:
        with contextlib.suppress(PdfReadError):  # the tests' uploads are stand-ins
            parts += [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]
    else:
        parts.append(body.decode("utf-8", "replace"))
    return _squash(" ".join(parts))


def _argument_values(
    audit_id: int, seedings: list[Seeding], pdf_id: int | None
) -> dict[str, list[Any]]:
    returns = [item for seeding in seedings for item in seeding.returns]
    return {
        "audit_id": [audit_id],
        # Every return of both audits, so a return is also tried through the other audit.
        "evidence_id": [item.id for item in returns],
        "intervention": [INTERVENTION],
        "sub_outcome": [SUB_OUTCOME],
        "group": sorted({seeding.group for seeding in seedings}),
        "slug": list(exports.TABLES),
        "kind": sorted(maps.MAP_KINDS),
        "scale": sorted(maps.WHEEL_SCALES),
        "fmt": sorted(maps.IMAGE_FORMATS),
        "pdf_id": [pdf_id or 0],
        "name": ["report"],
    }


def _urls(app: Flask, audit_id: int, seedings: list[Seeding], pdf_id: int | None) -> list:  # type: ignore[type-arg]
    """(endpoint, url) for every GET route of the app, with real ids where a route
    can show evidence (other ids are 1: their pages hold no evidence)."""
    attachments = [
        {"evidence_id": r.id, "attachment_id": r.attachment_id} for s in seedings for r in s.returns
    ]
    return get_urls(
        app,
        _argument_values(audit_id, seedings, pdf_id),
        VARIANTS,
        {("evidence_id", "attachment_id"): attachments},
    )


def _make_pdf(visitor: Visitor, audit_id: int) -> int | None:
    response = visitor.client.post(
        f"/audits/{audit_id}/exports/pdf", data={"csrf_token": visitor.csrf_token()}
    )
    match = re.search(r"/exports/pdf/(\d+)$", response.headers.get("Location", ""))
    return int(match.group(1)) if match else None


def _crawl(app: Flask, visitor: Visitor, audit_id: int, seedings: list[Seeding]) -> list[Fetched]:
    pdf_id = _make_pdf(visitor, audit_id)
    fetched = []
    for endpoint, url in _urls(app, audit_id, seedings, pdf_id):
        response = visitor.client.get(url)
        fetched.append(Fetched(endpoint, url, response.status_code, _readable(response)))
    return fetched


@pytest.mark.parametrize("published", [False, True], ids=["draft audit", "published audit"])
@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_every_page_and_export_shows_evidence_only_to_those_who_may_see_it(
    app: Flask, visitor: Visitor, cast: Cast, viewer: str, published: bool
) -> None:
    seedings = {
        cast.draft.id: seed_returns(app, cast.draft.id, cast.partner.id, cast.lead.id, "uno"),
        cast.dementia.id: seed_returns(app, cast.dementia.id, cast.partner.id, cast.lead.id, "duo"),
    }
    publish(app, cast.dementia.id)
    audit_id = cast.dementia.id if published else cast.draft.id
    visitor.sign_in(VIEWERS[viewer])
    fetched = _crawl(app, visitor, audit_id, list(seedings.values()))
    assert len({f.endpoint for f in fetched}) >= 60, "the URL map was not walked"
    assert [f.url for f in fetched if f.status >= 500] == []
    sees = SEES[viewer][published]
    is_lead = viewer in ("lead", "administrator")
    problems = []
    for seeding_audit, seeding in seedings.items():
        for item in seeding.returns:
            visible = seeding_audit == audit_id and item.status in sees
            for what, marker in item.markers.items():
                where = {f.endpoint for f in fetched if _squash(marker) in f.readable}
                if not visible and where:
                    problems.append(f"{item.status} return's {what} shown on {sorted(where)}")
                wanted = MUST_SHOW[what] | (LEAD_MUST_SHOW if is_lead else set())
                if visible and not wanted <= where:
                    problems.append(f"{item.status} return's {what} missing from {wanted - where}")
    assert problems == [], f"{len(fetched)} responses fetched"


# --- what is kept per revision for each reader ------------------------------------------


def test_readers_with_the_same_key_see_the_same_returns(app: Flask, cast: Cast) -> None:
    """evidence.reader_key says all the rule reads of a reader: what is kept under it
    (the gap map's names, the evidence list's rows for each status) is right for everyone who has it, on a draft and once
    published, for every account in every role."""
    seed_returns(app, cast.draft.id, cast.partner.id, cast.lead.id, "keyed")
    seed_returns(app, cast.dementia.id, cast.partner.id, cast.lead.id, "keyed")
    publish(app, cast.dementia.id)
    with app.app_context():
        users = db.session.scalars(select(User)).all()
        for audit_id in (cast.draft.id, cast.dementia.id):
            audit = db.session.get(Audit, audit_id)
            seen: dict[str, tuple[dict[int, str], dict[str | None, list[evidence.Listed]]]] = {}
            for user in users:
                for role in (LEAD, PARTNER, COMMISSIONER, None):
                    names = evidence.visible_names(audit, user, role)  # type: ignore[arg-type]
                    listed = {
                        status: evidence.listed_returns(audit, user, role, status)  # type: ignore[arg-type]
                        for status in (None, *EVIDENCE_STATUSES)
                    }
                    key = evidence.reader_key(user, role)
                    assert seen.setdefault(key, (names, listed)) == (names, listed), (
                        audit_id,
                        user.email,
                        role,
                    )
            assert len({tuple(sorted(names)) for names, _ in seen.values()}) >= 3


@pytest.mark.parametrize("page", ["maps/gaps", "evidence/", "evidence/?status=submitted"])
def test_a_page_kept_for_one_reader_shows_another_only_their_returns(
    app: Flask, visitor: Visitor, cast: Cast, page: str
) -> None:
    """The gap map's names and the evidence list's rows are kept per revision for each
    reader (evidence.reader_key): the next reader sees their own."""
    seeding = seed_returns(app, cast.dementia.id, cast.partner.id, cast.lead.id, "gaps")
    publish(app, cast.dementia.id)
    submitted = seeding.by_status()["submitted"].title
    accepted = seeding.by_status()["accepted"].title
    url = f"/audits/{cast.dementia.id}/{page}"
    filtered = "status=" in page
    # At one revision, in turn: the lead and the partner's organisation see the
    # submitted return; the commissioner and another partner organisation do not.
    for email, sees_submitted in (
        ("lead@example.org", True),
        ("commissioner@example.org", False),
        ("partner@example.org", True),
        ("partner2@example.org", False),
        ("lead@example.org", True),
    ):
        visitor.sign_in(email)
        body = _body(visitor, url)
        assert (accepted in body) != filtered, email
        assert (submitted in body) == sees_submitted, email
        visitor.sign_out()
