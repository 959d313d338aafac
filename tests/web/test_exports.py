"""Exports: XLSX, CSV, the printable report and its PDF, the JSON export and import,
and who may download what."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from audit_app.audits.forms import NOT_YOUR_AREA
from audit_app.extensions import db
from audit_app.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Audit,
    ChecklistJudgement,
    EvidenceAttachment,
    EvidenceReturn,
    FundingContribution,
    Objective,
    PopulationStatistic,
    Priority,
    Rating,
    ReportPdf,
    Stakeholder,
    User,
)
from audit_app.services import audit_json, exports, report, spreadsheets
from tests.visit import Visitor
from tests.web.conftest import Cast, publish

GROUPS = ["dementia", "carers_65_plus", "bme"]
HOSTILE = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(autouse=True)
def _fresh_cache(app: Flask) -> Iterator[None]:
    app.extensions.pop("chart_cache", None)
    yield
    app.extensions.pop("chart_cache", None)


def _fetch(visitor: Visitor, url: str, status: int = 200) -> Any:
    """A download (not a page): the raw response."""
    response = visitor.client.get(url)
    assert response.status_code == status, response.status_code
    return response


def _url(audit: Audit, path: str = "/") -> str:
    return f"/audits/{audit.id}/exports{path}"


def _fill(app: Flask, cast: Cast, audit: Audit) -> None:
    """A hand-built audit touching every exported table."""
    with app.app_context():
        record = db.session.get(Audit, audit.id)
        record.scope = GROUPS
        lead = db.session.get(User, cast.lead.id)
        accepted = EvidenceReturn(
            audit_id=audit.id,
            service_name="Sitting service",
            status="accepted",
            interventions=["breaks"],
            unit_cost=Decimal("12.50"),
        )
        private = EvidenceReturn(
            audit_id=audit.id,
            service_name="Unshared draft note",
            status="draft",
            organisation_id=cast.partner2.organisation_id,
            author_id=cast.partner2.id,
        )
        submitted = EvidenceReturn(
            audit_id=audit.id,
            service_name="Memory café returns",
            status="submitted",
            organisation_id=cast.partner.organisation_id,
            author_id=cast.partner.id,
        )
        db.session.add_all([accepted, private, submitted])
        db.session.flush()
        db.session.add(
            EvidenceAttachment(
                evidence_id=accepted.id,
                filename="survey.pdf",
                stored_name="a" * 32,
                content_type="application/pdf",
                size=1234,
                uploaded_by_id=cast.lead.id,
            )
        )
        breaks = Rating(
            audit_id=audit.id,
            intervention="breaks",
            group_code="dementia",
            rag="red",
            maturity="early",
            rationale="No evening sitting service.",
            updated_by=lead,
        )
        breaks.evidence = [accepted, private]
        judgement = ChecklistJudgement(
            audit_id=audit.id,
            sub_outcome="2a",
            group_code="dementia",
            status="not_in_place",
            indicator="red",
            rationale="Nothing local.",
        )
        judgement.evidence = [accepted]
        objective = Objective(audit_id=audit.id, position=1, title="Breaks that fit")
        action = Action(
            audit_id=audit.id,
            objective=objective,
            description="Commission an evening sitting service",
            target_measure="40 carers a month",
            due_by=date(2027, 3, 31),
            interventions=["breaks"],
            sub_outcomes=[],
            groups=["dementia"],
            leads=[{"post": "Carers lead", "organisation": "Northshire County Council"}],
        )
        db.session.add_all(
            [
                breaks,
                judgement,
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
                objective,
                action,
                ActionUpdate(
                    action=action,
                    on=date(2026, 12, 1),
                    rag="red_amber",
                    commentary="Tender out; two bids.",
                    author_id=cast.lead.id,
                ),
                ActionPlan(audit_id=audit.id, strategic_outcomes="Breaks", key_risks="Capacity"),
                Priority(audit_id=audit.id, rank=1, title="Evening breaks", outcomes=["2"]),
                Stakeholder(
                    audit_id=audit.id,
                    name=HOSTILE,
                    type_code="carers",
                    groups=["dementia"],
                    engagement="engaged",
                ),
                PopulationStatistic(
                    audit_id=audit.id,
                    measure="Carers of people with dementia",
                    value=Decimal("1250"),
                    unit="people",
                    geography_level="area",
                    source="Census 2021",
                    year=2021,
                ),
                FundingContribution(
                    audit_id=audit.id,
                    partner="Northshire ICB",
                    amount=Decimal("-150.00"),
                    breaks_share=Decimal("50"),
                    notes="+44 refund",
                ),
            ]
        )
        record.revision = (record.revision or 0) + 1
        db.session.commit()


# --- XLSX and CSV -----------------------------------------------------------------


def test_xlsx_opens_with_a_sheet_per_table_and_the_audits_values(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    _fill(app, cast, cast.dementia)
    page = _fetch(as_lead, _url(cast.dementia, "/tables.xlsx"))
    assert page.mimetype.endswith("spreadsheetml.sheet")
    assert "-draft-tables.xlsx" in page.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(page.data))
    assert book.sheetnames == [spec.title for spec in exports.TABLES.values()]
    assert all(len(name) <= 31 for name in book.sheetnames)

    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Title"] == "DRAFT: Carers of people with dementia 2027/28"
    assert summary["Status"].startswith("DRAFT")
    assert summary["Red gaps"] >= 2 and summary["Actions in the plan"] == 1
    assert book["Summary"]["A1"].font.bold

    rag = list(book["RAG map"].iter_rows(values_only=True))
    assert rag[0] == (
        "Intervention",
        "Carers of older people with dementia",
        "Carers aged 65+",
        "Carers from a particular Black and Minority Ethnic [BME] community",
        "Summary (weakest rated group)",
    )
    breaks = next(row for row in rag if row[0] == "Breaks")
    assert breaks[1:4] == ("Red", "Amber", "Not rated")
    assert breaks[4].startswith("Red (1 red, 1 amber, 0 green, 1 not rated)")

    gaps = list(book["Gap map"].iter_rows(values_only=True))
    red_breaks = next(r for r in gaps if r[2] == "Breaks" and r[4] == "Red")
    assert "Sitting service" in red_breaks[6] and "Unshared draft note" not in red_breaks[6]
    assert red_breaks[7] == "Commission an evening sitting service"

    plan = list(book["Action plan"].iter_rows(values_only=True))
    assert plan[1][0] == "Breaks that fit" and plan[1][13] == "Red amber"
    assert plan[1][3].date() == date(2027, 3, 31)

    stakeholder = book["Stakeholders"]["A2"]
    # Text a spreadsheet would run is quoted, as in the CSV; a negative amount stays a number.
    assert stakeholder.value == "'" + HOSTILE and stakeholder.data_type == "s"
    funding = list(book["Funding"].iter_rows(values_only=True))[1]
    assert funding[1] == -150 and funding[3] == "'+44 refund"


def test_xlsx_evidence_sheet_shows_a_commissioner_accepted_returns_only(
    app: Flask, cast: Cast, as_commissioner: Visitor
) -> None:
    _fill(app, cast, cast.dementia)
    publish(app, cast.dementia.id)
    page = _fetch(as_commissioner, _url(cast.dementia, "/tables.xlsx"))
    book = load_workbook(io.BytesIO(page.data))
    names = [row[0] for row in book["Evidence returns"].iter_rows(min_row=2, values_only=True)]
    assert names == ["Sitting service"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert not summary["Title"].startswith("DRAFT")
    assert summary["Status"].startswith("Published")


def test_lead_sees_submitted_evidence_but_not_a_partners_draft(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    _fill(app, cast, cast.dementia)
    body = _fetch(as_lead, _url(cast.dementia, "/csv/evidence.csv")).data.decode("utf-8-sig")
    assert "Memory café returns" in body and "Sitting service" in body
    assert "Unshared draft note" not in body


def test_csv_is_utf8_with_bom_and_guards_formula_cells(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    _fill(app, cast, cast.dementia)
    page = _fetch(as_lead, _url(cast.dementia, "/csv/stakeholders.csv"))
    assert page.mimetype == "text/csv"
    assert page.data.startswith(b"\xef\xbb\xbf")
    text = page.data.decode("utf-8-sig")
    assert text.splitlines()[1].startswith("\"'=HYPERLINK(")
    funding = _fetch(as_lead, _url(cast.dementia, "/csv/funding.csv")).data
    row = funding.decode("utf-8-sig").splitlines()[1]
    assert row.startswith("Northshire ICB,-150,50,'+44 refund")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("+44 1234", "'+44 1234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Plain text", "Plain text"),
        ("a=b", "a=b"),
        (-2, -2),
        (None, None),
    ],
)
def test_safe_cell_prefixes_only_text_a_spreadsheet_would_run(value: Any, shown: Any) -> None:
    assert spreadsheets.safe_cell(value) == shown


def test_download_page_lists_every_csv_and_json_for_the_lead(cast: Cast, as_lead: Visitor) -> None:
    page = as_lead.get(_url(cast.draft))
    assert page.h1 == "Download and print"
    assert page.soup.select_one("#draft-notice")
    links = [a["href"] for a in page.soup.select("#csv-links a")]
    assert links == [_url(cast.draft, f"/csv/{slug}.csv") for slug in exports.TABLES]
    assert page.soup.select_one("#json-link")
    assert "not the files themselves" in page.soup.select_one("#not-included").text
    for link in links:
        _fetch(as_lead, link)


def test_unknown_csv_table_is_not_found(cast: Cast, as_lead: Visitor) -> None:
    as_lead.get(_url(cast.draft, "/csv/password_hashes.csv"), status=404)
    as_lead.get(_url(cast.draft, "/csv/..%2Fsummary.csv"), status=404)


def test_sheet_names_are_checked_when_a_table_is_registered() -> None:
    with pytest.raises(ValueError, match="sheet name"):
        exports.table("x", "A title far too long to be an Excel sheet name")
    with pytest.raises(ValueError, match="sheet name"):
        exports.table("x", "Gaps: red")


# --- report and PDF ------------------------------------------------------------------


def test_report_page_has_every_section_and_marks_a_draft(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    _fill(app, cast, cast.dementia)
    page = as_lead.get(_url(cast.dementia, "/report"))
    assert page.h1 == "DRAFT: Carers of people with dementia 2027/28"
    assert page.soup.title.text.startswith("DRAFT: ")
    headings = [h.get_text(strip=True) for h in page.soup.select(".app-report-section__title")]
    assert headings == [f"{n}. {s.title}" for n, s in enumerate(report.ordered(report.SECTIONS), 1)]
    images = page.soup.select(".app-report img")
    # On the page the images are fetched by address (the PDF embeds them: data: URIs)
    assert len(images) == 5 and all(img.get("alt") for img in images)
    for image in images:
        fetched = as_lead.client.get(str(image["src"]))
        assert fetched.status_code == 200 and fetched.mimetype.startswith("image/")
    assert page.soup.select('link[href$="report.css"]')
    red = page.soup.select_one("#report-red-gaps").get_text(" ", strip=True)
    assert (
        "Breaks Carers of older people with dementia Red Red: No evening sitting service."
        " Sitting service" in red
    )
    assert "Unshared draft note" not in red
    unrated = page.soup.select_one("#report-not-rated").get_text(" ", strip=True)
    assert "Breaks Carers from a particular Black and Minority Ethnic [BME] community" in unrated
    assert "Red" not in unrated.replace("Breaks", "")
    funding = page.soup.select_one("#table-funding").get_text(" ", strip=True)
    assert "Northshire ICB -150.00 50" in funding
    assert "Commission an evening sitting service" in page.text


def test_pdf_has_a_page_per_section_with_its_title_and_draft_on_every_page(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    _fill(app, cast, cast.dementia)
    status = as_lead.post(_url(cast.dementia, "/pdf"), follow=True, status=200)
    page = _fetch(as_lead, status.soup.select_one("#pdf-download")["href"])
    assert page.mimetype == "application/pdf"
    assert page.data.startswith(b"%PDF")
    pdf = PdfReader(io.BytesIO(page.data))
    texts = [p.extract_text() for p in pdf.pages]
    assert "DRAFT: Carers of people with dementia 2027/28" in texts[0]
    assert all("DRAFT" in text for text in texts)
    # A section with nothing to compare prints on after the one before (same page).
    shown = as_lead.get(f"/audits/{cast.dementia.id}/exports/report")
    brief = {
        str(s["id"]).removeprefix("section-")
        for s in shown.soup.select("section.app-report-section--brief")
    }
    assert brief <= {"last_cycle", "other_areas"}
    starts = []
    for number, section in enumerate(report.ordered(report.SECTIONS), start=1):
        heading = f"{number}. {section.title}"
        found = [i for i, text in enumerate(texts) if heading in text]
        assert found, f"no page has {heading!r}"
        starts.append(found[0])
        width, height = pdf.pages[found[0]].mediabox.width, pdf.pages[found[0]].mediabox.height
        if section.slug not in brief:
            assert (width > height) == section.landscape
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts) - len(brief)
    assert starts[0] == 1  # the cover and contents come first
    assert len(pdf.pages) >= len(report.SECTIONS) + 1
    assert round(float(pdf.pages[0].mediabox.width)) == 595  # A4 portrait, in points


def test_pdf_fetches_nothing_but_its_own_images_and_data_uris(app: Flask) -> None:
    fetcher = report.report_fetcher({"report-image:0": b"\x89PNG chart"})
    assert fetcher.fetch("report-image:0").read() == b"\x89PNG chart"
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("report-image:1")  # not one of this report's
    fetcher = report.report_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("http://example.org/tracker.png")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


# --- JSON export and import --------------------------------------------------------


def _canonical(app: Flask, document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The document with ids replaced by positions and people by email, less what an
    import sets anew (title, area, creation, publication, the lead's own rows)."""
    tables = document["tables"]
    people = {k: v["email"] for k, v in document["people"].items()}
    organisations = {k: v["name"] for k, v in document["organisations"].items()}
    position = {
        name: {row["id"]: i for i, row in enumerate(rows)}
        for name, rows in tables.items()
        if rows and "id" in rows[0]
    }
    skipped = {
        ("audit", "title"),
        ("audit", "area_id"),
        ("audit", "created_at"),
        ("audit", "updated_at"),
        ("audit", "status"),
        ("audit", "published_at"),
        ("audit", "revision"),
        ("audit", "previous_audit_id"),
        ("change_event", "entity_id"),
        ("evidence_attachment", "stored_name"),
        ("feedback_summary", "public_token"),
        ("feedback_summary", "published_at"),
        ("questionnaire", "public_token"),
    }
    out: dict[str, list[dict[str, Any]]] = {}
    with app.app_context():
        for table in audit_json.audit_tables():
            if table.name in audit_json.NOT_IMPORTED:
                continue
            rows = []
            for row in tables.get(table.name, []):
                new: dict[str, Any] = {}
                for column in table.columns:
                    if column.name == "id" or (table.name, column.name) in skipped:
                        continue
                    value = row.get(column.name)
                    for fk in column.foreign_keys:
                        target = fk.column.table.name
                        if value is None:
                            break
                        if target == "user_account":
                            value = people[str(value)]
                        elif target == "organisation":
                            value = organisations[str(value)]
                        else:
                            value = position[target][value]
                    new[column.name] = value
                rows.append(new)
            out[table.name] = rows
    return out


def _import(visitor: Visitor, content: bytes, area_id: int, title: str, status: int = 302) -> Any:
    return visitor.post(
        "/audits/import",
        {"file": (io.BytesIO(content), "audit.json"), "area_id": str(area_id), "title": title},
        status=status,
    )


def _audit_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Audit)) or 0


def test_json_export_holds_every_table_of_the_audit_and_names_people_by_email(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    _fill(app, cast, cast.dementia)
    page = _fetch(as_lead, _url(cast.dementia, "/audit.json"))
    document = json.loads(page.data)
    assert document["format"] == audit_json.FORMAT
    assert document["alembic_revision"]
    tables = document["tables"]
    assert tables["audit"][0]["framework"]["interventions"]  # the framework snapshot
    # Partner 2's draft is theirs alone (services.evidence): left out with its link.
    assert len(tables["rating_evidence"]) == 1 and len(tables["checklist_evidence"]) == 1
    assert tables["evidence_attachment"][0]["filename"] == "survey.pdf"
    assert len(tables["action_update"]) == 1 and len(tables["evidence_return"]) == 2
    assert "Unshared draft note" not in page.data.decode()
    assert "invitation" not in tables
    people = document["people"].values()
    assert {"email": "lead@example.org", "name": "Lead"} in people
    assert all(set(person) == {"email", "name"} for person in people)
    assert all(row["audit_id"] == cast.dementia.id for row in tables["rating"])


def test_json_round_trip_reproduces_the_audit(app: Flask, cast: Cast, as_lead: Visitor) -> None:
    _fill(app, cast, cast.dementia)
    first = _fetch(as_lead, _url(cast.dementia, "/audit.json")).data
    # Into the lead's own area: people are matched only to that area's accounts.
    northshire = cast.dementia.area_id
    page = _import(as_lead, first, northshire, "Imported dementia audit")
    new_id = int(page.response.headers["Location"].rstrip("/").split("/")[-1])
    assert new_id != cast.dementia.id
    overview = as_lead.get(f"/audits/{new_id}")
    assert overview.h1 == "Imported dementia audit"
    second = _fetch(as_lead, f"/audits/{new_id}/exports/audit.json").data
    a, b = json.loads(first), json.loads(second)
    assert b["tables"]["audit"][0]["title"] == "Imported dementia audit"
    assert b["tables"]["audit"][0]["area_id"] == northshire
    assert b["tables"]["audit"][0]["status"] == "draft"
    assert set(audit_json.NOT_IMPORTED) == {
        "audit_membership",
        "publication",
        "commissioner_comment",
        "agreement",
    }
    assert _canonical(app, a) == _canonical(app, b)
    assert b["tables"]["rating"][0]["id"] != a["tables"]["rating"][0]["id"]
    with app.app_context():
        copied = db.session.scalars(select(Rating).where(Rating.audit_id == new_id)).all()
        red = next(r for r in copied if r.rag == "red")
        # The lead's export leaves out partner 2's draft, so the copy has only the accepted one.
        assert {e.service_name for e in red.evidence} == {"Sitting service"}
        assert all(e.audit_id == new_id for e in red.evidence)


DEMO_DEMENTIA = "Carers of people with dementia in Northshire 2026/27"


def test_demo_report_and_spreadsheet_carry_the_indicators(app: Flask, visitor: Visitor) -> None:
    from openpyxl import load_workbook

    from audit_app.demo import load_demo

    with app.app_context():
        load_demo()
        demo_id = db.session.scalar(select(Audit.id).where(Audit.title == DEMO_DEMENTIA))
    visitor.sign_in("commissioner@demo.test", "demo-password")
    book = load_workbook(io.BytesIO(_fetch(visitor, f"/audits/{demo_id}/exports/tables.xlsx").data))
    sheet = book["Indicators"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Ref", "Description", "Type", "Period")
    assert len(rows) == 1 + 8 * 3  # eight indicators, three quarters each
    report = visitor.get(f"/audits/{demo_id}/exports/report")
    section = report.soup.select_one("#section-indicators")
    assert section is not None
    assert len(section.select("img.app-chart")) == 8


def test_json_round_trip_of_the_published_demo_audit(app: Flask, visitor: Visitor) -> None:
    from audit_app.demo import load_demo

    with app.app_context():
        load_demo()
        demo = db.session.scalar(select(Audit).where(Audit.title == DEMO_DEMENTIA))
        assert demo is not None and demo.is_published
        demo_id, area_id = demo.id, demo.area_id
    visitor.sign_in("lead@demo.test", "demo-password")
    first = _fetch(visitor, f"/audits/{demo_id}/exports/audit.json").data
    page = _import(visitor, first, area_id, "Dementia audit, imported copy")
    new_id = int(page.response.headers["Location"].rstrip("/").split("/")[-1])
    second = _fetch(visitor, f"/audits/{new_id}/exports/audit.json").data
    a, b = json.loads(first), json.loads(second)
    assert a["tables"]["publication"] and not b["tables"]["publication"]
    assert _canonical(app, a) == _canonical(app, b)
    assert sum(len(rows) for rows in b["tables"].values()) > 50


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json at all {", "The file must be a JSON export of an audit (it is not JSON)"),
        (b"[1, 2, 3]", "The file must be a JSON export of an audit from this service"),
        (b'{"format": "carers-hub-backup/1"}', "this service imports 'carers-hub-audit/1'"),
        (b"\xff\xfe\x00", "The file must be a JSON export of an audit (it is not JSON)"),
    ],
)
def test_import_refuses_files_that_are_not_our_json(
    app: Flask, cast: Cast, as_lead: Visitor, content: bytes, message: str
) -> None:
    before = _audit_count(app)
    page = _import(as_lead, content, cast.draft.area_id, "Copy", status=200)
    assert any(message in error for error in page.error_summary())
    assert message in page.field_error("file")
    assert page.value("title") == "Copy"
    assert _audit_count(app) == before


def _exported(app: Flask, cast: Cast, visitor: Visitor) -> dict[str, Any]:
    _fill(app, cast, cast.dementia)
    return json.loads(_fetch(visitor, _url(cast.dementia, "/audit.json")).data)


def test_import_refuses_a_file_from_another_database_revision(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    document = _exported(app, cast, as_lead)
    document["alembic_revision"] = "0001"
    page = _import(as_lead, json.dumps(document).encode(), cast.draft.area_id, "Copy", 200)
    assert "exported at database revision 0001" in page.field_error("file")


def test_import_refuses_a_file_over_the_size_limit(
    app: Flask, cast: Cast, as_lead: Visitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _exported(app, cast, as_lead)
    monkeypatch.setitem(app.config, "MAX_IMPORT_BYTES", 2 * 1024 * 1024)
    padded = json.dumps({**document, "padding": "x" * (2 * 1024 * 1024)}).encode()
    page = _import(as_lead, padded, cast.draft.area_id, "Copy", 200)
    assert page.field_error("file") == "The file must be smaller than 2 MB"


def test_import_is_all_or_nothing_when_a_row_is_broken(
    app: Flask, cast: Cast, as_lead: Visitor
) -> None:
    document = _exported(app, cast, as_lead)
    before = _audit_count(app)
    broken = json.loads(json.dumps(document))
    broken["tables"]["action_update"][0]["on"] = "the first of December"
    page = _import(as_lead, json.dumps(broken).encode(), cast.draft.area_id, "Copy", 200)
    assert page.field_error("file") == "The file has 1 problem, listed above: nothing was imported"
    assert page.error_summary()[0] == "Action update 1: on must be a date such as 2026-04-01"
    orphan = json.loads(json.dumps(document))
    orphan["tables"]["action_update"][0]["action_id"] = 999999
    page = _import(as_lead, json.dumps(orphan).encode(), cast.draft.area_id, "Copy", 200)
    assert "refers to a action that is not in the file" in page.field_error("file")
    missing = json.loads(json.dumps(document))
    del missing["tables"]["audit"][0]["framework"]
    page = _import(as_lead, json.dumps(missing).encode(), cast.draft.area_id, "Copy", 200)
    assert page.error_summary()[0] == "Audit 1: framework is missing"
    unknown = json.loads(json.dumps(document))
    unknown["tables"]["user_account"] = [{"id": 1, "password_hash": "x"}]
    page = _import(as_lead, json.dumps(unknown).encode(), cast.draft.area_id, "Copy", 200)
    assert "tables this service does not know: user_account" in page.field_error("file")
    assert _audit_count(app) == before


def test_import_form_errors_keep_what_was_typed(app: Flask, cast: Cast, as_lead: Visitor) -> None:
    page = as_lead.get("/audits/import")
    assert page.h1 == "Import an audit"
    page = as_lead.post("/audits/import", {"area_id": "", "title": ""}, status=200)
    assert page.error_summary() == [
        "Select a JSON file to import",
        "Choose the area the imported audit is for",
        "Enter a title for the imported audit",
    ]
    long_title = "<script>alert(1)</script>" + "x" * 200
    page = _import(as_lead, b"{}", 999999, long_title, status=200)
    assert page.field_error("area_id") == NOT_YOUR_AREA
    assert page.field_error("title") == "Title must be 200 characters or fewer"
    assert page.value("title") == long_title
    assert "<script>alert(1)</script>" not in page.response.get_data(as_text=True)


def test_people_not_found_become_empty_or_the_importer(
    app: Flask, cast: Cast, as_lead: Visitor, visitor: Visitor
) -> None:
    document = _exported(app, cast, as_lead)
    for person in document["people"].values():
        if person["email"] == "partner2@example.org":
            person["email"] = "left@elsewhere.example"
    for row in document["tables"]["evidence_return"]:
        if row["service_name"] == "Memory café returns":
            row["author_id"] = cast.partner2.id  # written by someone who has since left
    as_lead.sign_out()
    visitor.sign_in("lead@southshire.example.org")
    with app.app_context():
        area_id = db.session.get(Audit, cast.other_area_audit.id).area_id
    page = _import(visitor, json.dumps(document).encode(), area_id, "Southshire copy")
    new_id = int(page.response.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        private = db.session.scalar(
            select(EvidenceReturn).where(
                EvidenceReturn.audit_id == new_id,
                EvidenceReturn.service_name == "Memory café returns",
            )
        )
        assert private is not None and private.author_id is None
        imported = db.session.get(Audit, new_id)
        assert imported.created_by_id == cast.other_lead.id
        members = [(m.user_id, m.role) for m in imported.memberships]
        assert members == [(cast.other_lead.id, "lead")]


# --- who may download what --------------------------------------------------------

EXPORT_PATHS = [
    "/",
    "/report",
    "/report.pdf",  # now a link to the download page, where the PDF is made
    "/tables.xlsx",
    "/csv/summary.csv",
    "/csv/gap_map.csv",
    "/audit.json",
]


def test_commissioner_cannot_reach_any_export_of_a_draft(
    cast: Cast, as_commissioner: Visitor
) -> None:
    for path in EXPORT_PATHS:
        as_commissioner.get(_url(cast.draft, path), status=404)


def test_commissioner_gets_published_exports_but_not_the_json(
    cast: Cast, as_commissioner: Visitor
) -> None:
    page = as_commissioner.get(_url(cast.published))
    assert not page.soup.select_one("#json-link") and not page.soup.select_one("#draft-notice")
    as_commissioner.get(_url(cast.published, "/report"))
    for path in ["/tables.xlsx", "/csv/summary.csv"]:
        _fetch(as_commissioner, _url(cast.published, path))
    as_commissioner.get(_url(cast.published, "/audit.json"), status=404)
    as_commissioner.get("/audits/import", status=403)


def test_commissioner_cannot_reach_an_area_it_was_not_given(
    cast: Cast, as_commissioner: Visitor, app: Flask
) -> None:
    publish(app, cast.other_area_audit.id)
    for path in EXPORT_PATHS:
        as_commissioner.get(_url(cast.other_area_audit, path), status=404)


def test_partner_gets_table_exports_of_drafts_but_not_the_json(
    cast: Cast, as_partner: Visitor
) -> None:
    _fetch(as_partner, _url(cast.draft, "/csv/summary.csv"))
    as_partner.get(_url(cast.draft, "/audit.json"), status=404)
    as_partner.get("/audits/import", status=403)


def test_another_areas_lead_and_anonymous_visitors_get_nothing(
    cast: Cast, visitor: Visitor
) -> None:
    for path in EXPORT_PATHS:
        page = visitor.get(_url(cast.draft, path), status=302)
        assert "/sign-in" in page.response.headers["Location"]
    visitor.sign_in("lead@southshire.example.org")
    for path in EXPORT_PATHS:
        visitor.get(_url(cast.draft, path), status=404)


def test_only_those_who_may_see_an_audit_may_ask_for_its_pdf(
    app: Flask, cast: Cast, visitor: Visitor
) -> None:
    page = visitor.post(_url(cast.draft, "/pdf"))
    assert "/sign-in" in page.response.headers["Location"]
    publish(app, cast.other_area_audit.id)
    for email, audit in [
        ("commissioner@example.org", cast.draft),
        ("commissioner@example.org", cast.other_area_audit),
        ("lead@southshire.example.org", cast.draft),
    ]:
        visitor.sign_in(email)
        visitor.post(_url(audit, "/pdf"), status=404)
        visitor.sign_out()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReportPdf)) == 0


def test_admin_may_export_and_import(app: Flask, cast: Cast, as_admin: Visitor) -> None:
    first = _fetch(as_admin, _url(cast.draft, "/audit.json")).data
    _import(as_admin, first, cast.draft.area_id, "Admin's copy")


def test_overview_links_download_and_print_for_every_role(cast: Cast, visitor: Visitor) -> None:
    for email, audit in [
        ("lead@example.org", cast.draft),
        ("partner@example.org", cast.draft),
        ("commissioner@example.org", cast.published),
    ]:
        visitor.sign_in(email)
        page = visitor.get(f"/audits/{audit.id}")
        assert page.soup.select_one("#exports-link")["href"] == _url(audit)
        visitor.sign_out()
