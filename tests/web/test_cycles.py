"""Next cycle, confirming carried judgements, and comparing with an earlier audit."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, ChangeEvent, ChecklistJudgement, Rating, User
from audit_app.models.audit import PUBLISHED
from audit_app.services import cycles
from audit_app.services.changes import Change, save_all
from tests import factories as make
from tests.visit import Visitor
from tests.web.conftest import Cast

HOSTILE = "<script>alert('x')</script> Robert'); DROP TABLE audit;--"


def _date(name: str, when: date | None) -> dict[str, list[str]]:
    if when is None:
        return {name: ["", "", ""]}
    return {name: [str(when.day), str(when.month), str(when.year)]}


def _next(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "title": "Carers of people with dementia 2027/28",
        "cycle": "2027/28",
        **_date("period_start", date(2027, 4, 1)),
        **_date("period_end", date(2028, 3, 31)),
    }
    form.update(changes)
    return form


def _rate(app: Flask, audit_id: int, cells: dict[tuple[str, str], tuple[str, str]]) -> None:
    """Ratings (rag, maturity) per (intervention, group)."""
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        lead = db.session.scalar(
            select(User).where(User.email == "lead@example.org")
        ) or db.session.scalar(select(User))
        assert audit and lead
        save_all(
            [
                Change(
                    audit,
                    Rating(audit_id=audit.id, intervention=i, group_code=g),
                    {"rag": rag, "maturity": maturity},
                    "rating",
                    f"{i} {g}",
                )
                for (i, g), (rag, maturity) in cells.items()
            ],
            lead,
        )


def _judge(app: Flask, audit_id: int, cells: dict[tuple[str, str], tuple[str, str]]) -> None:
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        lead = db.session.scalar(select(User).where(User.email == "lead@example.org"))
        assert audit and lead
        save_all(
            [
                Change(
                    audit,
                    ChecklistJudgement(audit_id=audit.id, sub_outcome=s, group_code=g),
                    {"status": status, "indicator": indicator},
                    "checklist",
                    f"{s} {g}",
                )
                for (s, g), (status, indicator) in cells.items()
            ],
            lead,
        )


def _new_audit(app: Flask) -> Audit:
    with app.app_context():
        audit = db.session.scalar(select(Audit).order_by(Audit.id.desc()))
        assert audit
        db.session.refresh(audit)
        db.session.expunge(audit)
        return audit


# Starting the next cycle


def test_lead_starts_the_next_cycle_and_sees_what_to_confirm(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _rate(app, cast.published.id, {("breaks", "dementia"): ("amber", "early")})
    url = f"/audits/{cast.published.id}/next-cycle"
    page = as_lead.get(url)
    assert page.h1 == "Start the next cycle"
    # Suggested a year on.
    assert page.value("cycle") == "2027/28"
    assert page.value("title") == "Carers of people with dementia 2027/28"
    assert page.soup.select_one("#period_start-year")["value"] == "2027"
    as_lead.post(url, _next())
    new = _new_audit(app)
    assert (new.previous_audit_id, new.status) == (cast.published.id, "draft")
    overview = as_lead.get(f"/audits/{new.id}")
    # Said once, in the attention list, with the link to act on it.
    waiting = overview.soup.select_one("#attention-confirm a")
    assert waiting.get_text(strip=True) == (
        "1 judgement carried from the last cycle needs confirming"
    )
    assert waiting["href"] == f"/audits/{new.id}/to-confirm"
    assert overview.text.count("from the last cycle need") == 1
    assert overview.soup.find("a", string="Compare with an earlier audit")
    listing = as_lead.get(f"/audits/{new.id}/to-confirm")
    assert "Breaks" in listing.text and "1 to go" in listing.text


def test_a_cycle_started_already_is_named_and_not_started_twice(
    app: Flask, as_lead: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"/audits/{cast.published.id}/next-cycle"
    as_lead.post(url, _next())
    started = _new_audit(app)
    page = as_lead.get(url)
    listed = page.soup.select_one("#started-already")
    assert listed.find("a", string=started.title)["href"] == f"/audits/{started.id}"
    assert "(2027/28, draft)" in listed.get_text(" ", strip=True)
    # Asking again for the same cycle: an error, and what was typed is kept.
    again = as_lead.post(url, _next(title="Second go"), status=200)
    message = (
        f"The 2027/28 cycle was started from this audit already (‘{started.title}’): "
        "enter a different cycle"
    )
    assert again.error_summary() == [message]
    assert again.field_error("cycle") == message
    assert again.value("title") == "Second go"
    # A second press that passed the check before the first saved (a double click,
    # two leads at once) goes to the audit the first one started.
    monkeypatch.setattr(cycles, "next_cycles_of", lambda source: [])
    raced = as_lead.post(url, _next(title="Third go"))
    assert raced.response.location.endswith(f"/audits/{started.id}")
    assert "The 2027/28 cycle was started from this audit a moment ago." in (
        as_lead.get(f"/audits/{started.id}").text
    )
    with app.app_context():
        assert db.session.scalars(
            select(Audit.title).where(Audit.previous_audit_id == cast.published.id)
        ).all() == [started.title]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the new audit"),
        ({"title": "x" * 201}, "title", "Title must be 200 characters or fewer"),
        ({"cycle": ""}, "cycle", "Enter the cycle, like 2027/28"),
        ({"cycle": "next year"}, "cycle", "Cycle must be a financial year like 2026/27"),
        (
            {"cycle": "2026/27"},
            "cycle",
            "The next cycle must differ from this audit's cycle (2026/27)",
        ),
        (_date("period_start", None), "period_start", "Enter the start of the period"),
        (
            {"period_start": ["31", "2", "2027"]},
            "period_start",
            "The start of the period must be a real date",
        ),
        (
            {"period_start": ["x", "4", "2027"]},
            "period_start",
            "The start of the period must be a real date",
        ),
        (
            _date("period_start", date(2027, 3, 31)),
            "period_start",
            "The start of the period must be after this audit's period ends (31 March 2027)",
        ),
        (
            _date("period_end", date(2027, 4, 1)),
            "period_end",
            "The end of the period must be after its start",
        ),
    ],
)
def test_next_cycle_form_rejects_bad_input_and_keeps_what_was_typed(
    app: Flask, as_lead: Visitor, cast: Cast, changes: dict[str, object], field: str, message: str
) -> None:
    typed = {"title": HOSTILE, **changes}
    page = as_lead.post(f"/audits/{cast.published.id}/next-cycle", _next(**typed), status=200)
    assert page.error_summary() == [message]
    assert page.field_error(field) == message
    assert page.value("title") == typed["title"]
    with app.app_context():
        assert (
            db.session.scalar(select(db.func.count()).select_from(Audit)) == 4
        )  # the cast's audits: nothing was created


def test_hostile_title_is_stored_as_text(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    as_lead.post(f"/audits/{cast.published.id}/next-cycle", _next(title=HOSTILE))
    new = _new_audit(app)
    assert new.title == HOSTILE.strip()
    page = as_lead.get(f"/audits/{new.id}")
    assert page.h1 == HOSTILE.strip()
    assert "<script>alert" not in page.response.get_data(as_text=True)


@pytest.mark.parametrize(
    "who", ["partner@example.org", "commissioner@example.org", "lead@southshire.example.org"]
)
def test_only_the_lead_may_start_a_cycle(visitor: Visitor, cast: Cast, who: str) -> None:
    visitor.sign_in(who)
    visitor.get(f"/audits/{cast.published.id}/next-cycle", status=404)
    visitor.post(f"/audits/{cast.published.id}/next-cycle", _next(), status=404)
    visitor.get(f"/audits/{cast.published.id}/to-confirm", status=404)


def test_signed_out_visitor_is_sent_to_sign_in(visitor: Visitor, cast: Cast) -> None:
    page = visitor.get(f"/audits/{cast.published.id}/next-cycle", status=302)
    assert "/sign-in" in page.response.headers["Location"]


# Confirming carried judgements


def _carried(app: Flask, cast: Cast) -> Audit:
    _rate(app, cast.published.id, {("breaks", "dementia"): ("amber", "early")})
    _judge(app, cast.published.id, {("1a", "dementia"): ("partly", "amber")})
    with app.app_context():
        source = db.session.get(Audit, cast.published.id)
        lead = db.session.get(User, cast.lead.id)
        assert source and lead
        new = cycles.clone_audit(
            source,
            lead,
            title="Next",
            cycle="2027/28",
            period_start=date(2027, 4, 1),
            period_end=date(2028, 3, 31),
            carry_forward=True,
        )
        db.session.refresh(new)
        db.session.expunge(new)
        return new


def _flags(app: Flask, audit_id: int) -> list[bool]:
    with app.app_context():
        return [
            r.needs_confirmation
            for model in (Rating, ChecklistJudgement)
            for r in db.session.scalars(select(model).where(model.audit_id == audit_id))
        ]


def test_lead_confirms_a_carried_rating_unchanged(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    new = _carried(app, cast)
    url = f"/audits/{new.id}/ratings/breaks/dementia"
    page = as_lead.get(url)
    assert "carried forward from the last cycle" in page.text
    button = page.soup.find("button", string=lambda s: s and "Confirm unchanged" in s)
    assert button is not None
    version = page.soup.select_one(f'form[action="{url}/confirm"] input[name="version"]')["value"]
    page = as_lead.post(url + "/confirm", {"version": version})
    assert page.response.headers["Location"].endswith(f"/audits/{new.id}/to-confirm")
    assert _flags(app, new.id) == [False, True]
    with app.app_context():
        event = db.session.scalar(
            select(ChangeEvent).where(
                ChangeEvent.audit_id == new.id, ChangeEvent.entity == "rating"
            )
        )
        assert event and (event.old, event.new) == (
            {"needs_confirmation": True},
            {"needs_confirmation": False},
        )
    assert "carried forward" not in as_lead.get(url).text


def test_lead_confirms_a_carried_checklist_cell(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    new = _carried(app, cast)
    url = f"/audits/{new.id}/checklist/1a/dementia"
    page = as_lead.get(url)
    version = page.soup.select_one(f'form[action="{url}/confirm"] input[name="version"]')["value"]
    as_lead.post(url + "/confirm", {"version": version})
    assert _flags(app, new.id) == [True, False]
    assert "Every judgement carried forward" not in as_lead.get(f"/audits/{new.id}/to-confirm").text


def test_changing_a_carried_rating_clears_its_flag(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    new = _carried(app, cast)
    url = f"/audits/{new.id}/ratings/breaks/dementia"
    page = as_lead.get(url)
    as_lead.post(
        url,
        {
            "rag": "green",
            "maturity": "advanced",
            "version": page.value("version"),
            "rationale": "Now evening breaks too",
        },
    )
    assert _flags(app, new.id) == [False, True]


def test_confirming_a_stale_page_does_not_overwrite(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    new = _carried(app, cast)
    url = f"/audits/{new.id}/ratings/breaks/dementia"
    page = as_lead.post(url + "/confirm", {"version": "99"})
    assert page.response.headers["Location"].endswith(url)
    assert _flags(app, new.id) == [True, True]
    assert "Someone changed" in as_lead.get(url).text


@pytest.mark.parametrize("version", ["", "abc", "-1"])
def test_confirm_with_a_forged_version_is_refused(
    app: Flask, as_lead: Visitor, cast: Cast, version: str
) -> None:
    new = _carried(app, cast)
    as_lead.post(
        f"/audits/{new.id}/ratings/breaks/dementia/confirm", {"version": version}, status=400
    )
    assert _flags(app, new.id) == [True, True]


def test_confirm_needs_csrf(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    new = _carried(app, cast)
    as_lead.post(f"/audits/{new.id}/ratings/breaks/dementia/confirm", {}, csrf=False, status=400)
    assert _flags(app, new.id) == [True, True]


def test_confirm_of_a_cell_not_in_the_audit_is_404(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    new = _carried(app, cast)
    as_lead.post(
        f"/audits/{new.id}/ratings/nonsense/dementia/confirm", {"version": "1"}, status=404
    )
    as_lead.post(f"/audits/{new.id}/checklist/9z/dementia/confirm", {"version": "1"}, status=404)
    # A never-rated cell has nothing to confirm.
    as_lead.post(f"/audits/{new.id}/ratings/housing/dementia/confirm", {"version": "1"}, status=400)


@pytest.mark.parametrize(
    "who", ["partner@example.org", "commissioner@example.org", "lead@southshire.example.org"]
)
def test_only_the_lead_may_confirm(app: Flask, visitor: Visitor, cast: Cast, who: str) -> None:
    new = _carried(app, cast)
    with app.app_context():
        audit = db.session.get(Audit, new.id)
        assert audit
        audit.status = PUBLISHED
        db.session.commit()
    visitor.sign_in(who)
    visitor.post(f"/audits/{new.id}/ratings/breaks/dementia/confirm", {"version": "1"}, status=404)
    assert _flags(app, new.id) == [True, True]


# Comparing with an earlier audit


def _pair(app: Flask, cast: Cast, earlier_published: bool = True) -> tuple[int, int]:
    """An earlier (2025/26, framework without housing) and a later audit (2026/27,
    framework without advocacy) of Northshire's dementia and BME carers."""
    with app.app_context():
        lead = db.session.get(User, cast.lead.id)
        commissioner = db.session.get(User, cast.commissioner.id)
        assert lead and commissioner
        area = lead.organisation
        assert area
        audits = []
        for cycle, start, missing, published in (
            ("2025/26", date(2025, 4, 1), "housing", earlier_published),
            ("2026/27", date(2026, 4, 1), "advocacy", True),
        ):
            audit = make.audit(lead, area, f"Dementia {cycle}", scope=["dementia", "bme"])
            snapshot = dict(audit.framework)
            snapshot["interventions"] = [
                i for i in snapshot["interventions"] if i["code"] != missing
            ]
            snapshot["version"] = f"2010.{cycle[2:4]}"
            audit.framework = snapshot
            audit.framework_version = snapshot["version"]
            audit.cycle, audit.period_start = cycle, start
            audit.period_end = start.replace(year=start.year + 1, month=3, day=31)
            audit.status = PUBLISHED if published else "draft"
            db.session.commit()
            make.member(audit, commissioner, "commissioner")
            audits.append(audit.id)
        earlier, later = audits
    _rate(
        app,
        earlier,
        {
            ("breaks", "dementia"): ("red", "early"),
            ("information", "dementia"): ("green", "advanced"),
            ("emotional_support", "dementia"): ("amber", "intermediate"),
            ("benefits_financial", "bme"): ("green", "intermediate"),
            ("advocacy", "dementia"): ("amber", "early"),
        },
    )
    _rate(
        app,
        later,
        {
            ("breaks", "dementia"): ("amber", "intermediate"),
            ("information", "dementia"): ("amber", "advanced"),
            ("emotional_support", "dementia"): ("amber", "intermediate"),
            ("caring_support_training", "bme"): ("red", "early"),
            ("housing", "dementia"): ("green", "early"),
        },
    )
    _judge(
        app,
        earlier,
        {("1a", "dementia"): ("not_in_place", "red"), ("2a", "bme"): ("in_place", "green")},
    )
    _judge(
        app,
        later,
        {("1a", "dementia"): ("partly", "amber"), ("2a", "bme"): ("not_in_place", "red")},
    )
    return earlier, later


def _csv(page_bytes: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(page_bytes.decode())))


def _tally(rows: list[dict[str, str]], grid: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        if row["Grid"] == grid:
            counts[row["Change"]] = counts.get(row["Change"], 0) + 1
    return counts


def test_comparison_counts_each_kind_of_change_across_framework_versions(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    earlier, later = _pair(app, cast)
    response = as_lead.client.get(f"/audits/{later}/compare.csv?earlier={earlier}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _csv(response.data)
    # 17 interventions matched by code across both versions × 2 groups.
    assert _tally(rows, "Red, amber, green") == {
        "Improved": 1,  # breaks/dementia red → amber
        "Worsened": 1,  # information/dementia green → amber
        "New": 3,  # caring support/BME gains a rating; housing only in the later framework
        "Dropped": 3,  # benefits/BME loses its rating; advocacy only in the earlier
        "Unchanged": 26,
    }
    assert _tally(rows, "Maturity") == {"Improved": 1, "New": 3, "Dropped": 3, "Unchanged": 27}
    status = _tally(rows, "Checklist: services in place")
    assert (status["Improved"], status["Worsened"]) == (1, 1)
    by_cell = {(r["Grid"], r["Row code"], r["Carer group code"]): r for r in rows}
    housing = by_cell[("Red, amber, green", "housing", "dementia")]
    assert (housing["Earlier"], housing["Later"], housing["Change"]) == (
        "Not in this audit",
        "Green",
        "New",
    )
    advocacy = by_cell[("Red, amber, green", "advocacy", "bme")]
    assert (advocacy["Earlier"], advocacy["Later"], advocacy["Change"]) == (
        "Not rated",
        "Not in this audit",
        "Dropped",
    )


def test_comparison_page_shows_changes_per_outcome_and_per_intervention(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    earlier, later = _pair(app, cast)
    overview = as_lead.get(f"/audits/{later}")
    link = overview.soup.find("a", string="Compare with an earlier audit")
    assert link is not None
    page = as_lead.get(str(link["href"]))
    assert page.h1 == "Compare with an earlier audit"
    assert page.value("earlier") == str(earlier)  # the latest earlier audit by default
    assert "different framework versions (2010.25 and 2010.26)" in page.text
    tables = {t.caption.get_text(strip=True): t for t in page.soup.select("table") if t.caption}
    kinds = tables["Changes per cell, by kind of judgement"]
    first = [td.get_text(strip=True) for td in kinds.select("tbody tr")[0].select("td, th")]
    assert first == ["Red, amber, green", "1", "1", "26", "3", "3"]
    outcomes = tables["Each outcome, earlier → later"].select("tbody tr")
    one = [c.get_text(" ", strip=True) for c in outcomes[0].select("td, th")]
    assert one[1] == "Not in place → Partly in place Improved"
    assert one[2] == "Red → Amber Improved"
    two = [c.get_text(" ", strip=True) for c in outcomes[1].select("td, th")]
    assert two[1] == "In place → Not in place Worsened"
    per_intervention = tables["Carer groups per intervention"].select("tbody tr")
    breaks = next(r for r in per_intervention if r.select_one("td, th").get_text() == "Breaks")
    assert [c.get_text() for c in breaks.select("td")][1:] == ["1", "0", "1", "0", "0"]
    summaries = {
        tuple(c.get_text(strip=True) for c in row.select("td, th"))
        for row in tables["Intervention summaries, earlier and later"].select("tbody tr")
    }
    assert ("Breaks", "Red", "Amber", "Improved") in summaries
    assert ("Housing support", "Not in this audit", "Green", "New") in summaries
    assert ("Advocacy", "Amber", "Not in this audit", "Dropped") in summaries
    chart = page.soup.select_one("img.app-chart")
    assert chart and str(chart["src"]).startswith("data:image/svg+xml;base64,")
    assert "same figures" in str(chart["alt"])


def test_commissioner_compares_only_with_published_audits(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    earlier, later = _pair(app, cast, earlier_published=False)
    visitor.sign_in("commissioner@example.org")
    overview = visitor.get(f"/audits/{later}")
    assert overview.soup.find("a", string="Compare with an earlier audit") is None
    assert overview.soup.find("a", string="Start the next cycle from this audit") is None
    page = visitor.get(f"/audits/{later}/compare")
    assert "There is no earlier audit" in page.text
    page = visitor.get(f"/audits/{later}/compare?earlier={earlier}")
    assert page.error_summary() == ["Choose an earlier audit from the list"]
    assert "Changes per cell" not in page.text
    visitor.get(f"/audits/{later}/compare.csv?earlier={earlier}", status=404)


@pytest.mark.parametrize("forged", ["{other}", "{published}", "abc", "", "99999"])
def test_forged_earlier_audit_is_a_form_error_never_data(
    app: Flask, as_lead: Visitor, cast: Cast, forged: str
) -> None:
    earlier, later = _pair(app, cast)
    value = forged.format(other=cast.other_area_audit.id, published=cast.published.id)
    page = as_lead.get(f"/audits/{later}/compare?earlier={value}")
    assert page.error_summary() == ["Choose an earlier audit from the list"]
    assert "Changes per cell" not in page.text
    as_lead.get(f"/audits/{later}/compare.csv?earlier={value}", status=404)


def test_other_areas_lead_cannot_compare(app: Flask, visitor: Visitor, cast: Cast) -> None:
    earlier, later = _pair(app, cast)
    visitor.sign_in("lead@southshire.example.org")
    visitor.get(f"/audits/{later}/compare", status=404)
    visitor.get(f"/audits/{later}/compare.csv?earlier={earlier}", status=404)


def test_administrator_starts_a_cycle_and_leads_it(
    app: Flask, as_admin: Visitor, cast: Cast
) -> None:
    as_admin.post(f"/audits/{cast.published.id}/next-cycle", _next())
    new = _new_audit(app)
    with app.app_context():
        from audit_app.models import AuditMembership

        roles = {
            m.user_id: m.role
            for m in db.session.scalars(
                select(AuditMembership).where(AuditMembership.audit_id == new.id)
            )
        }
    assert roles[cast.admin.id] == "lead" and roles[cast.lead.id] == "lead"
