"""Cross-area benchmarking: published audits of several areas side by side."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, ChecklistJudgement, Organisation, Rating, User
from audit_app.services.changes import Change, save_all
from tests import factories as make
from tests.visit import Page, Visitor
from tests.web.conftest import Cast


def _judge(audit: Audit, lead: User, ratings: dict, checklist: dict) -> None:
    changes = [
        Change(
            audit,
            Rating(audit_id=audit.id, intervention=i, group_code=g),
            {"rag": rag, "maturity": "early"},
            "rating",
            f"{i} {g}",
        )
        for (i, g), rag in ratings.items()
    ] + [
        Change(
            audit,
            ChecklistJudgement(audit_id=audit.id, sub_outcome=s, group_code=g),
            {"status": status, "indicator": indicator},
            "checklist",
            f"{s} {g}",
        )
        for (s, g), (status, indicator) in checklist.items()
    ]
    save_all(changes, lead)


@pytest.fixture
def region(app: Flask, cast: Cast) -> dict[str, int]:
    """Northshire's published dementia audit and a published Southshire one the
    commissioner was given; another Southshire audit it was not given."""
    with app.app_context():
        north = db.session.get(Audit, cast.published.id)
        lead = db.session.get(User, cast.lead.id)
        other_lead = db.session.get(User, cast.other_lead.id)
        commissioner = db.session.get(User, cast.commissioner.id)
        south_area = db.session.scalar(
            select(Organisation).where(Organisation.name == "Southshire Council")
        )
        assert north and lead and other_lead and commissioner and south_area
        south = make.audit(
            other_lead, south_area, "Southshire dementia carers", ["dementia", "bme"], True
        )
        make.member(south, commissioner, "commissioner")
        hidden = make.audit(other_lead, south_area, "Southshire young carers", [], True)
        _judge(
            north,
            lead,
            {("breaks", "dementia"): "red"},
            {("1a", "dementia"): ("in_place", "green")},
        )
        _judge(
            south,
            other_lead,
            {("breaks", "dementia"): "green", ("breaks", "bme"): "amber"},
            {("1a", "dementia"): ("not_in_place", "red"), ("1b", "bme"): ("partly", "amber")},
        )
        return {"north": north.id, "south": south.id, "hidden": hidden.id}


def _compare(visitor: Visitor, *ids: object, status: int = 200) -> Page:
    query = "&".join(f"audits={i}" for i in ids) or "audits="
    return visitor.get(f"/compare-areas?{query}", status=status)


def _row(page: Page, table_id: str, name: str) -> list[str]:
    table = page.soup.select_one(f"#{table_id} + p + p + div table")
    assert table is not None
    for row in table.select("tbody tr"):
        cells = [c.get_text(" ", strip=True) for c in row.select("th, td")]
        if cells[0] == name:
            return cells
    raise AssertionError(f"no row {name}")


def test_commissioner_finds_compare_areas_on_the_audits_list(
    as_commissioner: Visitor, region: dict[str, int]
) -> None:
    page = as_commissioner.get("/audits/")
    link = page.soup.find("a", string="Compare areas")
    assert link is not None
    chooser = as_commissioner.get(str(link["href"]))
    assert chooser.h1 == "Compare areas"
    offered = {int(str(box["value"])) for box in chooser.soup.select('input[name="audits"]')}
    # Published audits it was given; not the draft, not the area it was not given.
    assert offered == {region["north"], region["south"]}


def test_no_compare_areas_link_with_one_area(as_commissioner: Visitor, cast: Cast) -> None:
    page = as_commissioner.get("/audits/")
    assert page.soup.find("a", string="Compare areas") is None
    assert "two or more areas" in as_commissioner.get("/compare-areas").text


def test_each_areas_spread_beside_the_others_and_the_region(
    as_commissioner: Visitor, region: dict[str, int]
) -> None:
    page = _compare(as_commissioner, region["north"], region["south"])
    assert "2 audits compared" in page.text
    assert _row(page, "interventions", "Breaks") == [
        "Breaks",
        "Red 1 red, 0 amber, 0 green, 0 not rated",
        "Amber 0 red, 1 amber, 1 green, 0 not rated",
        "Red 1 red, 1 amber, 1 green, 0 not rated",
    ]
    assert _row(page, "interventions", "Housing support")[1:] == [
        "Not rated 0 red, 0 amber, 0 green, 1 not rated",
        "Not rated 0 red, 0 amber, 0 green, 2 not rated",
        "Not rated 0 red, 0 amber, 0 green, 3 not rated",
    ]
    assert _row(page, "outcomes_status", "1: Expert care partners")[1:] == [
        "In place 0 not in place, 0 partly in place, 1 in place, 0 not known, 2 not assessed",
        "Not in place 1 not in place, 1 partly in place, 0 in place, 0 not known, 4 not assessed",
        "Not in place 1 not in place, 1 partly in place, 1 in place, 0 not known, 6 not assessed",
    ]
    head = [
        th.get_text(strip=True) for th in page.soup.select("#interventions + p + p + div thead th")
    ]
    assert head == [
        "Intervention",
        "Northshire County Council",
        "Southshire Council",
        "All chosen areas",
    ]


def test_the_same_tables_download_as_xlsx(
    app: Flask, as_commissioner: Visitor, region: dict[str, int]
) -> None:
    response = as_commissioner.client.get(
        f"/compare-areas.xlsx?audits={region['north']}&audits={region['south']}"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "Audits compared",
        "Interventions",
        "Outcomes - in place",
        "Outcomes - indicator",
        "Indicators",
        "CQC self-assessment",
    ]
    sheet = book["Interventions"]
    head = [c.value for c in sheet[1]]
    assert head[:7] == [
        "Intervention code",
        "Intervention",
        "Northshire County Council: summary",
        "Northshire County Council: red",
        "Northshire County Council: amber",
        "Northshire County Council: green",
        "Northshire County Council: not rated",
    ]
    breaks = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "breaks")
    assert list(breaks) == [
        "breaks", "Breaks",
        "Red", 1, 0, 0, 0,
        "Amber", 0, 1, 1, 0,
        "Red", 1, 1, 1, 0,
    ]  # fmt: skip
    about = [row for row in book["Audits compared"].iter_rows(values_only=True)]
    assert [row[1] for row in about[1:]] == ["Northshire County Council", "Southshire Council"]


def test_each_table_downloads_as_csv(as_commissioner: Visitor, region: dict[str, int]) -> None:
    query = f"audits={region['north']}&audits={region['south']}"
    response = as_commissioner.client.get(f"/compare-areas/outcomes_indicator.csv?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows[0][:3] == ["Outcome code", "Outcome", "Northshire County Council: summary"]
    one = next(row for row in rows if row[0] == "1")
    assert one[2:7] == ["Green", "0", "0", "1", "2"]
    as_commissioner.get(f"/compare-areas/nonsense.csv?{query}", status=404)


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ((), "Choose at least two audits to compare"),
        (("{north}",), "Choose at least two audits to compare"),
        (("{north}", "{north}"), "Choose at least two audits to compare"),
        (("{north}", "{hidden}"), "Choose audits from the list"),
        (("{north}", "{draft}"), "Choose audits from the list"),
        (("{north}", "{other}"), "Choose audits from the list"),
        (("{north}", "abc"), "Choose audits from the list"),
        (("{north}", "99999"), "Choose audits from the list"),
    ],
)
def test_a_bad_choice_is_a_form_error_never_data(
    as_commissioner: Visitor, cast: Cast, region: dict[str, int], ids: tuple[str, ...], message: str
) -> None:
    values = [i.format(draft=cast.draft.id, other=cast.other_area_audit.id, **region) for i in ids]
    page = _compare(as_commissioner, *values)
    assert page.error_summary() == [message]
    assert page.field_error("audits") == message
    assert "audits compared" not in page.text and "Breaks" not in page.text
    query = "&".join(f"audits={v}" for v in values)
    as_commissioner.get(f"/compare-areas.xlsx?{query}", status=404)
    as_commissioner.get(f"/compare-areas/interventions.csv?{query}", status=404)


def test_submitting_with_nothing_ticked_is_an_error(
    as_commissioner: Visitor, region: dict[str, int]
) -> None:
    page = as_commissioner.get("/compare-areas?submit=")
    assert page.error_summary() == ["Choose at least two audits to compare"]


def test_partner_may_not_compare_areas(as_partner: Visitor, region: dict[str, int]) -> None:
    as_partner.get("/compare-areas", status=403)
    as_partner.get(
        f"/compare-areas.xlsx?audits={region['north']}&audits={region['south']}", status=403
    )


def test_lead_of_one_area_sees_only_their_own(
    visitor: Visitor, cast: Cast, region: dict[str, int]
) -> None:
    visitor.sign_in("lead@example.org")
    page = visitor.get("/compare-areas")
    assert "two or more areas" in page.text
    page = _compare(visitor, region["north"], region["south"])
    assert page.error_summary() == ["Choose audits from the list"]


def test_administrator_compares_any_published_audits(
    as_admin: Visitor, region: dict[str, int]
) -> None:
    page = _compare(as_admin, region["north"], region["hidden"])
    assert "2 audits compared" in page.text


def test_signed_out_visitor_is_sent_to_sign_in(visitor: Visitor, cast: Cast) -> None:
    page = visitor.get("/compare-areas", status=302)
    assert "/sign-in" in page.response.headers["Location"]


def test_each_choice_names_its_cycle_once(as_commissioner: Visitor, region: dict[str, int]) -> None:
    page = as_commissioner.get("/compare-areas")
    labels = [label.get_text(" ", strip=True) for label in page.soup.select("label")]
    assert labels, "no audits offered"
    for label in labels:
        cycle = re.search(r"\d{4}/\d{2}", label)
        assert cycle is not None and label.count(cycle.group()) == 1, label
