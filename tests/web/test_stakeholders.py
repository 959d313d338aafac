"""Step 1 of an audit: the stakeholder register, carer population figures, linked sources."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import ChangeEvent, LinkedSource, PopulationStatistic, Stakeholder, User
from audit_app.services import changes
from tests.visit import Visitor, assert_error
from tests.web.conftest import Cast, trail

HOSTILE = "<script>alert('x')</script> Robert'); DROP TABLE stakeholder;--"
NEXT_YEAR = date.today().year + 1


# Forms as a browser would send them.


def _stakeholder(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "name": "Northshire Carers' Forum",
        "organisation": "Northshire Carers Centre",
        "type_code": "carers",
        "subtype_code": "carer",
        "groups": ["dementia", "working_age_carers"],
        "engagement": "engaged",
        "notes": "Meets monthly in Northtown library.",
    }
    form.update(changes)
    return form


def _statistic(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "measure": "Carers providing 50 or more hours of care a week",
        "value": "1,250",
        "unit": "people",
        "geography_level": "ward",
        "geography_name": "Northtown East",
        "group_code": "",
        "community": "",
        "source": "2021 Census, table TS039",
        "year": "2021",
        "notes": "",
    }
    form.update(changes)
    return form


def _source(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "kind": "jsna",
        "title": "Northshire JSNA 2025: carers",
        "url": "https://www.northshire.example.gov.uk/jsna/carers",
        "year": "2025",
        "notes": "",
    }
    form.update(changes)
    return form


# Records made directly, as if someone had saved them earlier.

DEFAULTS: dict[type, dict[str, Any]] = {
    Stakeholder: {
        "name": "Memory Café volunteers",
        "type_code": "providers",
        "subtype_code": "specialist_carers_service",
        "groups": ["dementia"],
        "engagement": "invited",
    },
    PopulationStatistic: {
        "measure": "Carers aged 65 and over",
        "value": Decimal("4200"),
        "unit": "people",
        "geography_level": "area",
        "source": "2021 Census",
        "year": 2021,
    },
    LinkedSource: {"kind": "regional_profile", "title": "North East carers' profile"},
}


def _make(app: Flask, model: type, audit_id: int, **values: Any) -> int:
    with app.app_context():
        record = model(audit_id=audit_id, **{**DEFAULTS[model], **values})
        db.session.add(record)
        db.session.commit()
        return int(record.id)


KINDS = {
    "stakeholder": (Stakeholder, "stakeholders", _stakeholder, "name"),
    "population statistic": (PopulationStatistic, "population", _statistic, "measure"),
    "linked source": (LinkedSource, "sources", _source, "title"),
}


# The stakeholder register.


def test_lead_adds_a_stakeholder_and_the_register_shows_it(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/stakeholders"
    form_page = as_lead.get(f"{base}/new")
    assert form_page.h1 == "Add a stakeholder"
    assert form_page.value("engagement") == "identified"
    as_lead.post(f"{base}/new", _stakeholder())
    register = as_lead.get(base)
    assert register.h1 == "Stakeholders"
    row = register.soup.select_one("#register tbody tr")
    assert row is not None
    text = row.get_text(" ", strip=True)
    for shown in (
        "Northshire Carers' Forum",
        "Northshire Carers Centre",
        "Carers and the people they care for",
        "Carer",
        "Carers of older people with dementia",
        "Working age carers",
        "Engaged",
        "Meets monthly",
    ):
        assert shown in text
    assert row.select_one(".govuk-tag").get_text(strip=True) == "Engaged"
    assert trail(app, "stakeholder")[0][:2] == ("created", "Northshire Carers' Forum")


def test_register_counts_stakeholders_by_engagement_and_type(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _make(app, Stakeholder, cast.draft.id, engagement="invited")
    _make(
        app,
        Stakeholder,
        cast.draft.id,
        name="Cllr Ada Jones",
        type_code="decision_makers",
        subtype_code="councillor",
        engagement="invited",
    )
    _make(
        app,
        Stakeholder,
        cast.draft.id,
        name="Carer A",
        type_code="carers",
        subtype_code="carer",
        engagement="responded",
    )
    page = as_lead.get(f"/audits/{cast.draft.id}/stakeholders")
    assert page.soup.select_one("#count-invited").get_text(strip=True) == "2"
    assert page.soup.select_one("#count-responded").get_text(strip=True) == "1"
    assert page.soup.select_one("#count-identified").get_text(strip=True) == "0"
    by_type = page.soup.find("caption", string="By type").find_parent("table")
    counts = {
        row.th.get_text(strip=True): row.td.get_text(strip=True)
        for row in by_type.select("tbody tr")
    }
    assert counts == {
        "Carers and the people they care for": "1",
        "Service providers": "1",
        "Key decision makers and budget holders": "1",
    }


def test_register_filters_by_engagement_status(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    _make(app, Stakeholder, cast.draft.id, name="Invited one", engagement="invited")
    _make(app, Stakeholder, cast.draft.id, name="Responded one", engagement="responded")
    base = f"/audits/{cast.draft.id}/stakeholders"
    page = as_lead.get(f"{base}?engagement=responded")
    names = [
        td.get_text(" ", strip=True) for td in page.soup.select("#register tbody tr td:first-child")
    ]
    assert names == ["Responded one"]
    assert "Stakeholders: Responded (1 of 2)" in page.text
    assert page.value("engagement") == "responded"
    # Counts stay for the whole register.
    assert page.soup.select_one("#count-invited").get_text(strip=True) == "1"


@pytest.mark.parametrize("status", ["", "nonsense", "<script>", "engaged'--"])
def test_an_empty_or_unknown_filter_shows_everyone(
    app: Flask, as_lead: Visitor, cast: Cast, status: str
) -> None:
    _make(app, Stakeholder, cast.draft.id, name="Invited one", engagement="invited")
    _make(app, Stakeholder, cast.draft.id, name="Responded one", engagement="responded")
    page = as_lead.get(f"/audits/{cast.draft.id}/stakeholders?engagement={status}")
    assert len(page.soup.select("#register tbody tr")) == 2


def test_a_filter_nobody_matches_says_so(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    _make(app, Stakeholder, cast.draft.id, engagement="invited")
    page = as_lead.get(f"/audits/{cast.draft.id}/stakeholders?engagement=engaged")
    assert "No stakeholders are ‘Engaged’" in page.text


def test_lead_changes_a_stakeholder(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    stakeholder_id = _make(app, Stakeholder, cast.draft.id)
    url = f"/audits/{cast.draft.id}/stakeholders/{stakeholder_id}"
    page = as_lead.get(url)
    assert page.h1 == "Change a stakeholder"
    assert page.value("name") == "Memory Café volunteers"
    assert page.value("subtype_code") == "specialist_carers_service"
    assert page.value("groups") == "dementia"
    assert page.value("version") == "1"
    as_lead.post(url, _stakeholder(name="Memory Café team", version="1"))
    with app.app_context():
        record = db.session.get(Stakeholder, stakeholder_id)
        assert record.name == "Memory Café team"
        assert record.groups == ["dementia", "working_age_carers"]
        assert record.version == 2
        assert record.updated_by.email == "lead@example.org"
    action, label, old, new = trail(app, "stakeholder")[-1]
    assert (action, label) == ("changed", "Memory Café team")
    assert old["name"] == "Memory Café volunteers"
    assert new["name"] == "Memory Café team"


def test_groups_are_saved_in_framework_order(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    as_lead.post(
        f"/audits/{cast.draft.id}/stakeholders/new",
        _stakeholder(groups=["carers_65_plus", "stroke", "older_people"]),
    )
    with app.app_context():
        assert db.session.scalars(select(Stakeholder)).one().groups == [
            "older_people",
            "stroke",
            "carers_65_plus",
        ]


def test_sub_groups_are_indented_under_their_group(as_lead: Visitor, cast: Cast) -> None:
    page = as_lead.get(f"/audits/{cast.draft.id}/stakeholders/new")
    labels = [label.get_text(strip=True) for label in page.soup.select(".govuk-checkboxes__label")]
    assert labels[:3] == [
        "Carers of older people",
        "– Carers of older people who have had a stroke",
        "– Carers of older people with dementia",
    ]


def test_lead_deletes_a_stakeholder_after_confirming(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    stakeholder_id = _make(app, Stakeholder, cast.draft.id)
    url = f"/audits/{cast.draft.id}/stakeholders/{stakeholder_id}/delete"
    confirm = as_lead.get(url)
    assert confirm.h1 == "Are you sure you want to delete this stakeholder?"
    assert "Memory Café volunteers" in confirm.text
    page = as_lead.post(url, {})
    assert page.response.location.endswith(f"/audits/{cast.draft.id}/stakeholders")
    assert (
        "Stakeholder ‘Memory Café volunteers’ deleted." in as_lead.get(page.response.location).text
    )
    with app.app_context():
        assert db.session.get(Stakeholder, stakeholder_id) is None
    action, label, old, new = trail(app, "stakeholder")[-1]
    assert (action, label, new) == ("removed", "Memory Café volunteers", None)
    assert old["groups"] == ["dementia"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the stakeholder's name"),
        ({"name": "   \x00 "}, "Enter the stakeholder's name"),
        ({"name": "x" * 10_000}, "Name must be 200 characters or fewer"),
        ({"organisation": "x" * 201}, "Organisation must be 200 characters or fewer"),
        ({"type_code": ""}, "Choose the type of stakeholder"),
        ({"type_code": "aliens"}, "Choose a type of stakeholder from the list"),
        (
            {"subtype_code": "councillor"},
            "Choose a subtype of ‘Carers and the people they care for’, or leave it blank",
        ),
        ({"subtype_code": "no_such_subtype"}, "Choose a subtype from the list"),
        ({"groups": ["dementia", "martians"]}, "Choose carer groups from the list"),
        ({"groups": ["<script>"]}, "Choose carer groups from the list"),
        ({"engagement": ""}, "Choose how far this stakeholder is engaged"),
        ({"engagement": "married"}, "Choose how far this stakeholder is engaged from the list"),
        ({"notes": "x" * 10_000}, "Notes must be 5,000 characters or fewer"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_stakeholder_form_rejects_bad_input_and_keeps_what_was_typed(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    form = _stakeholder(**changes)
    page = as_lead.post(f"/audits/{cast.draft.id}/stakeholders/new", form, status=200)
    assert_error(page, message)
    if "name" not in changes:
        assert page.value("name") == form["name"]
    if "notes" not in changes:
        assert page.value("notes") == form["notes"]
    if "organisation" not in changes:
        assert page.value("organisation") == form["organisation"]
    if "type_code" not in changes:
        assert page.value("type_code") == form["type_code"]
    if "engagement" not in changes:
        assert page.value("engagement") == form["engagement"]
    checked = [box["value"] for box in page.soup.select('[name="groups"][checked]')]
    assert checked == [
        code for code in form["groups"] if code in ("dementia", "working_age_carers")
    ]
    with app.app_context():
        assert db.session.scalars(select(Stakeholder)).first() is None


def test_stakeholder_error_is_shown_beside_its_field(as_lead: Visitor, cast: Cast) -> None:
    page = as_lead.post(
        f"/audits/{cast.draft.id}/stakeholders/new", _stakeholder(name=""), status=200
    )
    assert page.field_error("name") == "Enter the stakeholder's name"


def test_hostile_stakeholder_text_is_shown_as_text_never_run(as_lead: Visitor, cast: Cast) -> None:
    base = f"/audits/{cast.draft.id}/stakeholders"
    as_lead.post(f"{base}/new", _stakeholder(name=HOSTILE, organisation=HOSTILE, notes=HOSTILE))
    page = as_lead.get(base)
    assert HOSTILE in page.text
    assert "<script>alert" not in page.response.get_data(as_text=True)
    errors = as_lead.post(f"{base}/new", _stakeholder(name=HOSTILE, type_code=""), status=200)
    assert errors.value("name") == HOSTILE
    assert "<script>alert" not in errors.response.get_data(as_text=True)


def test_control_characters_and_bad_bytes_are_cleaned_not_a_500(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/stakeholders/new"
    as_lead.post(base, _stakeholder(name="Carers\x00 forum\x07 "))
    with app.app_context():
        assert db.session.scalars(select(Stakeholder)).one().name == "Carers forum"
    raw = as_lead.client.post(
        base,
        data=b"name=%FF%FE&type_code=%FF&groups=%FE&csrf_token=" + as_lead.csrf_token().encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert raw.status_code == 200
    assert "There is a problem" in raw.get_data(as_text=True)


def test_a_stale_stakeholder_save_shows_both_versions_and_overwrites_nothing(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    stakeholder_id = _make(app, Stakeholder, cast.draft.id)
    url = f"/audits/{cast.draft.id}/stakeholders/{stakeholder_id}"
    loaded = as_lead.get(url).value("version")
    with app.app_context():  # a colleague saves first
        record = db.session.get(Stakeholder, stakeholder_id)
        colleague = db.session.scalars(select(User).filter_by(email="admin@example.org")).one()
        changes.save(
            changes.Change(
                cast.draft, record, {"name": "Memory Café (colleague)"}, "stakeholder", "x", 1
            ),
            colleague,
        )
    mine = _stakeholder(name="Memory Café (mine)", version=loaded)
    page = as_lead.post(url, mine, status=200)
    message = "Someone else changed this stakeholder while you were editing"
    assert_error(page, message)
    theirs = page.soup.select_one(page.error_links()[message])
    assert "Memory Café (colleague)" in theirs.get_text(" ", strip=True)
    assert "Admin" in theirs.get_text(" ", strip=True)
    assert page.value("name") == "Memory Café (mine)"
    assert page.value("notes") == mine["notes"]
    with app.app_context():
        assert db.session.get(Stakeholder, stakeholder_id).name == "Memory Café (colleague)"
    # Saving again, having seen their version, keeps what was typed.
    as_lead.post(url, {**mine, "version": page.value("version")})
    with app.app_context():
        assert db.session.get(Stakeholder, stakeholder_id).name == "Memory Café (mine)"


@pytest.mark.parametrize("version", ["", "abc", "-1", "999"])
def test_a_missing_or_forged_version_is_treated_as_stale(
    app: Flask, as_lead: Visitor, cast: Cast, version: str
) -> None:
    stakeholder_id = _make(app, Stakeholder, cast.draft.id)
    url = f"/audits/{cast.draft.id}/stakeholders/{stakeholder_id}"
    page = as_lead.post(url, _stakeholder(name="Changed", version=version), status=200)
    assert "Someone else changed this stakeholder while you were editing" in page.error_summary()
    with app.app_context():
        assert db.session.get(Stakeholder, stakeholder_id).name == "Memory Café volunteers"


# Carer population figures.


def test_lead_adds_population_figures_shown_by_geography(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/population"
    assert as_lead.get(f"{base}/new").h1 == "Add a population figure"
    as_lead.post(f"{base}/new", _statistic())
    as_lead.post(
        f"{base}/new",
        _statistic(
            measure="Share of residents who are carers",
            value="10.5",
            unit="percentage",
            geography_level="area",
            geography_name="",
            group_code="dementia",
            community="Bangladeshi carers",
        ),
    )
    page = as_lead.get(base)
    assert page.h1 == "Carer population"
    headings = [h2.get_text(strip=True) for h2 in page.soup.select("h2.govuk-heading-m")]
    assert headings == ["Whole area", "Wards"]
    assert "10.5%" in page.text
    assert "Carers of older people with dementia" in page.text
    assert "Bangladeshi carers" in page.text
    assert "1,250 people" in page.text
    assert "Northtown East" in page.text
    with app.app_context():
        ward = db.session.scalars(
            select(PopulationStatistic).filter_by(geography_level="ward")
        ).one()
        assert ward.value == Decimal("1250")
        assert ward.year == 2021
    assert [event[0] for event in trail(app, "population statistic")] == ["created", "created"]


def test_lead_changes_a_population_figure(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    statistic_id = _make(app, PopulationStatistic, cast.draft.id, value=Decimal("4200.00"))
    url = f"/audits/{cast.draft.id}/population/{statistic_id}"
    page = as_lead.get(url)
    assert page.value("value") == "4200"
    assert page.value("geography_level") == "area"
    as_lead.post(
        url,
        _statistic(
            value="4310.25", geography_level="locality", geography_name="Northtown", version="1"
        ),
    )
    with app.app_context():
        record = db.session.get(PopulationStatistic, statistic_id)
        assert record.value == Decimal("4310.25")
        assert record.geography_name == "Northtown"
    action, _, old, new = trail(app, "population statistic")[-1]
    assert action == "changed"
    assert (old["value"], new["value"]) == ("4200.00", "4310.25")


def test_lead_deletes_a_population_figure(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    statistic_id = _make(app, PopulationStatistic, cast.draft.id)
    url = f"/audits/{cast.draft.id}/population/{statistic_id}/delete"
    assert as_lead.get(url).h1 == "Are you sure you want to delete this figure?"
    as_lead.post(url, {})
    with app.app_context():
        assert db.session.get(PopulationStatistic, statistic_id) is None
    assert trail(app, "population statistic")[-1][0] == "removed"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"measure": ""}, "Enter what is measured"),
        ({"measure": "x" * 10_000}, "What is measured must be 200 characters or fewer"),
        ({"value": ""}, "Enter the value"),
        ({"value": "lots"}, "Value must be a number, like 1250 or 12.5"),
        ({"value": "1e5"}, "Value must be a number, like 1250 or 12.5"),
        ({"value": "NaN"}, "Value must be a number, like 1250 or 12.5"),
        ({"value": "-3"}, "Value must be 0 or more"),
        ({"value": "150", "unit": "percentage"}, "A percentage must be 100 or less"),
        ({"value": "12.345"}, "Value must have no more than 2 decimal places"),
        ({"value": "9" * 10_000}, "Value must be less than 1,000,000,000,000"),
        ({"unit": ""}, "Choose the unit of the value"),
        ({"unit": "furlongs"}, "Choose a unit from the list"),
        (
            {"geography_level": ""},
            "Choose whether the figure is for the area, a locality or a ward",
        ),
        ({"geography_name": ""}, "Enter the name of the ward"),
        (
            {"geography_level": "locality", "geography_name": ""},
            "Enter the name of the locality",
        ),
        (
            {"geography_name": "x" * 201},
            "Name of the locality or ward must be 200 characters or fewer",
        ),
        ({"group_code": "martians"}, "Choose a carer group from the list"),
        ({"community": "x" * 201}, "Community must be 200 characters or fewer"),
        ({"source": ""}, "Enter where the figure comes from"),
        ({"source": "x" * 301}, "Source must be 300 characters or fewer"),
        ({"year": ""}, "Enter the year the figure is for"),
        ({"year": "1800"}, f"Year must be between 1990 and {NEXT_YEAR}"),
        ({"year": str(NEXT_YEAR + 1)}, f"Year must be between 1990 and {NEXT_YEAR}"),
        ({"year": "21"}, "Year must be 4 digits, like 2021"),
        ({"year": "twenty"}, "Year must be 4 digits, like 2021"),
        ({"notes": "x" * 10_000}, "Notes must be 5,000 characters or fewer"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_population_form_rejects_bad_input_and_keeps_what_was_typed(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    form = _statistic(**changes)
    page = as_lead.post(f"/audits/{cast.draft.id}/population/new", form, status=200)
    assert_error(page, message)
    for name in ("measure", "value", "source", "year"):
        assert page.value(name) == form[name]
    with app.app_context():
        assert db.session.scalars(select(PopulationStatistic)).first() is None


def test_a_percentage_of_exactly_100_and_a_value_of_0_are_allowed(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/population/new"
    as_lead.post(base, _statistic(value="100", unit="percentage"))
    as_lead.post(base, _statistic(value="0"))
    with app.app_context():
        values = sorted(s.value for s in db.session.scalars(select(PopulationStatistic)))
        assert values == [Decimal("0"), Decimal("100")]


def test_hostile_population_text_is_shown_as_text_never_run(as_lead: Visitor, cast: Cast) -> None:
    base = f"/audits/{cast.draft.id}/population"
    as_lead.post(f"{base}/new", _statistic(measure=HOSTILE, community=HOSTILE, source=HOSTILE))
    page = as_lead.get(base)
    assert HOSTILE in page.text
    assert "<script>alert" not in page.response.get_data(as_text=True)


# Linked sources.


def test_lead_links_the_jsna_and_the_regional_profile(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    base = f"/audits/{cast.draft.id}/sources"
    empty = as_lead.get(base)
    assert empty.h1 == "Linked sources"
    assert (
        "Not linked yet: Joint Strategic Needs Assessment (JSNA) and Regional carers' profile"
        in empty.text
    )
    as_lead.post(f"{base}/new", _source())
    page = as_lead.get(base)
    link = page.soup.find("a", string="Northshire JSNA 2025: carers")
    assert link["href"] == "https://www.northshire.example.gov.uk/jsna/carers"
    assert "Not linked yet: Regional carers' profile" in page.text
    as_lead.post(
        f"{base}/new",
        _source(kind="regional_profile", title="North East carers' profile", url="", year=""),
    )
    assert "Not linked yet" not in as_lead.get(base).text
    with app.app_context():
        profile = db.session.scalars(select(LinkedSource).filter_by(kind="regional_profile")).one()
        assert (profile.url, profile.year) == (None, None)
    assert [event[0] for event in trail(app, "linked source")] == ["created", "created"]


def test_lead_changes_and_deletes_a_linked_source(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    source_id = _make(app, LinkedSource, cast.draft.id)
    url = f"/audits/{cast.draft.id}/sources/{source_id}"
    assert as_lead.get(url).value("kind") == "regional_profile"
    as_lead.post(
        url,
        _source(kind="regional_profile", title="NE carers' profile 2024", year="2024", version="1"),
    )
    with app.app_context():
        assert db.session.get(LinkedSource, source_id).title == "NE carers' profile 2024"
    assert as_lead.get(f"{url}/delete").h1 == "Are you sure you want to delete this source?"
    as_lead.post(f"{url}/delete", {})
    with app.app_context():
        assert db.session.get(LinkedSource, source_id) is None
    assert [event[0] for event in trail(app, "linked source")] == ["changed", "removed"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": ""}, "Choose what kind of source this is"),
        ({"kind": "gossip"}, "Choose a kind of source from the list"),
        ({"title": ""}, "Enter the title of the source"),
        ({"title": "x" * 10_000}, "Title must be 300 characters or fewer"),
        (
            {"url": "www.northshire.gov.uk"},
            "Enter a web address starting with https:// or http://, like https://www.northshire.gov.uk/jsna",
        ),
        (
            {"url": "javascript:alert(1)"},
            "Enter a web address starting with https:// or http://, like https://www.northshire.gov.uk/jsna",
        ),
        (
            {"url": "https://"},
            "Enter a web address starting with https:// or http://, like https://www.northshire.gov.uk/jsna",
        ),
        (
            {"url": "https://example.org/" + "x" * 1000},
            "Web address must be 1,000 characters or fewer",
        ),
        ({"year": "1800"}, f"Year must be between 1990 and {NEXT_YEAR}"),
        ({"year": "soon"}, "Year must be 4 digits, like 2021"),
        ({"notes": "x" * 10_000}, "Notes must be 5,000 characters or fewer"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_source_form_rejects_bad_input_and_keeps_what_was_typed(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, object], message: str
) -> None:
    form = _source(**changes)
    page = as_lead.post(f"/audits/{cast.draft.id}/sources/new", form, status=200)
    assert_error(page, message)
    for name in ("title", "url", "year"):
        assert page.value(name) == form[name]
    with app.app_context():
        assert db.session.scalars(select(LinkedSource)).first() is None


def test_hostile_source_text_is_shown_as_text_never_run(as_lead: Visitor, cast: Cast) -> None:
    base = f"/audits/{cast.draft.id}/sources"
    as_lead.post(
        f"{base}/new",
        _source(title=HOSTILE, url='https://example.org/?q="><script>', notes=HOSTILE),
    )
    body = as_lead.get(base).response.get_data(as_text=True)
    assert "<script>alert" not in body
    assert '"><script>' not in body


# Stale saves for the other two kinds.


@pytest.mark.parametrize(
    ("entity", "message"),
    [
        ("population statistic", "Someone else changed this figure while you were editing"),
        ("linked source", "Someone else changed this source while you were editing"),
    ],
)
def test_a_stale_save_of_a_figure_or_source_overwrites_nothing(
    app: Flask, as_lead: Visitor, cast: Cast, entity: str, message: str
) -> None:
    model, path, form_of, text_field = KINDS[entity]
    record_id = _make(app, model, cast.draft.id)
    url = f"/audits/{cast.draft.id}/{path}/{record_id}"
    loaded = as_lead.get(url).value("version")
    with app.app_context():
        record = db.session.get(model, record_id)
        lead = db.session.scalars(select(User).filter_by(email="lead@example.org")).one()
        changes.save(
            changes.Change(cast.draft, record, {text_field: "Colleague's"}, entity, "x", 1), lead
        )
    page = as_lead.post(url, form_of(**{text_field: "Mine", "version": loaded}), status=200)
    assert_error(page, message)
    assert "Colleague's" in page.soup.select_one(page.error_links()[message]).get_text()
    assert page.value(text_field) == "Mine"
    with app.app_context():
        assert getattr(db.session.get(model, record_id), text_field) == "Colleague's"


# Who may see and do what.


def _urls(audit_id: int, ids: dict[str, int]) -> dict[str, list[str]]:
    """Every page of Step 1 for an audit: the three lists, and the pages that change things."""
    lists = [f"/audits/{audit_id}/{path}" for _, path, _, _ in KINDS.values()]
    changing = []
    for entity, (_, path, _, _) in KINDS.items():
        changing += [
            f"/audits/{audit_id}/{path}/new",
            f"/audits/{audit_id}/{path}/{ids[entity]}",
            f"/audits/{audit_id}/{path}/{ids[entity]}/delete",
        ]
    return {"lists": lists, "changing": changing}


def _records(app: Flask, audit_id: int) -> dict[str, int]:
    return {entity: _make(app, model, audit_id) for entity, (model, *_) in KINDS.items()}


def test_an_id_from_another_audit_is_not_found(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    theirs = _records(app, cast.other_area_audit.id)
    mine = _records(app, cast.draft.id)
    for entity, (model, path, form_of, _) in KINDS.items():
        for suffix in ("", "/delete"):
            url = f"/audits/{cast.draft.id}/{path}/{theirs[entity]}{suffix}"
            as_lead.get(url, status=404)
            as_lead.post(url, {**form_of(), "version": "1"}, status=404)
        as_lead.get(f"/audits/{cast.draft.id}/{path}/999999", status=404)
        # Their own audit's id under the lead's own audit is not found either.
        as_lead.get(f"/audits/{cast.other_area_audit.id}/{path}/{mine[entity]}", status=404)
        with app.app_context():
            assert db.session.get(model, theirs[entity]).version == 1


def test_partners_cannot_see_or_change_step_1(app: Flask, as_partner: Visitor, cast: Cast) -> None:
    for audit in (cast.draft, cast.published):
        urls = _urls(audit.id, _records(app, audit.id))
        for url in urls["lists"] + urls["changing"]:
            as_partner.get(url, status=404)
        for url in urls["changing"]:
            as_partner.post(url, {}, status=404)


def test_commissioner_sees_the_published_lists_read_only(
    app: Flask, as_commissioner: Visitor, cast: Cast
) -> None:
    urls = _urls(cast.published.id, _records(app, cast.published.id))
    for url in urls["lists"]:
        page = as_commissioner.get(url)
        assert page.h1 in {"Stakeholders", "Carer population", "Linked sources"}
        assert page.soup.select_one("table") is not None
        hrefs = {str(link["href"]) for link in page.soup.select("main a[href]")}
        assert not hrefs & set(urls["changing"]), hrefs
        assert not any(href.endswith("/new") for href in hrefs), hrefs
    for url in urls["changing"]:
        as_commissioner.get(url, status=404)
        as_commissioner.post(url, {}, status=404)
    with app.app_context():
        assert db.session.scalars(select(ChangeEvent)).first() is None


def test_commissioner_cannot_see_a_draft_audits_step_1(
    app: Flask, as_commissioner: Visitor, cast: Cast
) -> None:
    urls = _urls(cast.draft.id, _records(app, cast.draft.id))
    for url in urls["lists"] + urls["changing"]:
        as_commissioner.get(url, status=404)


def test_another_areas_lead_cannot_see_step_1(app: Flask, visitor: Visitor, cast: Cast) -> None:
    visitor.sign_in("lead@southshire.example.org")
    urls = _urls(cast.draft.id, _records(app, cast.draft.id))
    for url in urls["lists"] + urls["changing"]:
        visitor.get(url, status=404)


def test_an_administrator_can_change_step_1(app: Flask, as_admin: Visitor, cast: Cast) -> None:
    as_admin.post(f"/audits/{cast.dementia.id}/stakeholders/new", _stakeholder())
    assert (
        "Northshire Carers' Forum" in as_admin.get(f"/audits/{cast.dementia.id}/stakeholders").text
    )


def test_signed_out_visitors_are_sent_to_sign_in(app: Flask, visitor: Visitor, cast: Cast) -> None:
    urls = _urls(cast.draft.id, _records(app, cast.draft.id))
    for url in urls["lists"] + urls["changing"]:
        page = visitor.get(url, status=302)
        assert "/sign-in" in page.response.location


def test_every_step_1_page_has_a_back_link_caption_and_one_heading(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    urls = _urls(cast.draft.id, _records(app, cast.draft.id))
    for url in urls["lists"] + urls["changing"]:
        page = as_lead.get(url)
        assert len(page.soup.find_all("h1")) == 1, url
        back = page.soup.select_one(".govuk-back-link")
        assert back is not None and back["href"].endswith(f"/audits/{cast.draft.id}"), url
        assert page.soup.select_one(".govuk-caption-l").get_text(strip=True) == cast.draft.title
        for fieldset in page.soup.select("fieldset"):
            legend = fieldset.select_one("legend")
            assert legend is not None and legend.get_text(strip=True), url
        assert not [
            hint for hint in page.soup.select(".govuk-hint") if not hint.get_text(strip=True)
        ]
    for url in urls["lists"]:
        for table in as_lead.get(url).soup.select("table"):
            region = table.find_parent("div", class_="app-table-scroll")
            assert region is not None and region["role"] == "region" and region["aria-label"]
