"""The CQC self-assessment: the lead scores each quality statement with a narrative
(checked, version-checked, in the trail, carried to the next cycle), the evidence the
audit holds is sorted under each statement, and each role sees what it may."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, CqcJudgement, Rating, User
from audit_app.services import cycles
from tests.visit import Page, Visitor, assert_error
from tests.web.conftest import Cast, publish, trail

DEMO = "Carers of people with dementia in Northshire 2026/27"
NARRATIVE = "Two partners returned evidence; GP practices keep carers' registers."


def _form(visitor: Visitor, audit_id: int, statement: str = "partnerships") -> Page:
    return visitor.get(f"/audits/{audit_id}/cqc/{statement}")


def _saved(app: Flask, audit_id: int) -> dict[str, tuple[int | None, str | None, bool]]:
    with app.app_context():
        rows = db.session.scalars(select(CqcJudgement).where(CqcJudgement.audit_id == audit_id))
        return {r.statement: (r.score, r.narrative, r.needs_confirmation) for r in rows}


def _cell(td: Any) -> str:
    """A cell of the statements table as a screen shows it, without the label a
    phone shows above it."""
    copy = BeautifulSoup(str(td), "html.parser")
    for label in copy.select(".app-stack-label"):
        label.decompose()
    return " ".join(copy.get_text().split())


def _section(page: Page, statement: str) -> str:
    found = page.soup.select_one(f"section#{statement}")
    assert found is not None, f"no section for {statement}"
    return " ".join(found.get_text().split())


def test_the_lead_scores_a_statement_with_a_narrative_in_the_trail(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    page = _form(as_lead, cast.dementia.id)
    assert page.h1 == "5. Partnerships and communities"
    assert "We understand our duty to collaborate" in page.text
    assert page.value("score") == "not_scored"
    saved = as_lead.submit(page, changes={"score": "2", "narrative": NARRATIVE})
    assert saved.response.location.endswith(f"/audits/{cast.dementia.id}/cqc#partnerships")
    assert _saved(app, cast.dementia.id) == {"partnerships": (2, NARRATIVE, False)}
    assert [(action, label) for action, label, _, _ in trail(app, "self-assessment")] == [
        ("created", "5. Partnerships and communities")
    ]
    shown = as_lead.get(f"/audits/{cast.dementia.id}/cqc")
    assert "Score saved: 5. Partnerships and communities." in shown.text
    section = _section(shown, "partnerships")
    assert "Lead's score 2 Evidence shows some shortfalls" in section
    assert NARRATIVE in section
    # Changed again: a second trail entry, old and new values.
    as_lead.submit(_form(as_lead, cast.dementia.id), changes={"score": "3"})
    action, _, old, new = trail(app, "self-assessment")[-1]
    assert (action, old["score"], new["score"]) == ("changed", 2, 3)


def test_not_scored_yet_may_be_saved_without_a_narrative(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    as_lead.submit(_form(as_lead, cast.dementia.id, "equity"), changes={"score": "not_scored"})
    assert _saved(app, cast.dementia.id) == {"equity": (None, None, False)}


def test_a_score_without_a_narrative_is_refused_keeping_the_score(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.submit(
        _form(as_lead, cast.dementia.id), changes={"score": "3", "narrative": ""}, status=200
    )
    assert_error(page, "Say why you gave this score: the narrative is what CQC will read")
    assert page.value("score") == "3"
    assert _saved(app, cast.dementia.id) == {}


def test_no_score_chosen_or_a_forged_one_is_refused_keeping_the_narrative(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    for score in ("", "7"):
        page = as_lead.submit(
            _form(as_lead, cast.dementia.id),
            changes={"score": score, "narrative": NARRATIVE},
            status=200,
        )
        assert_error(page, "Choose a score from 1 to 4, or not scored yet")
        assert page.value("narrative") == NARRATIVE
    assert _saved(app, cast.dementia.id) == {}


def test_a_narrative_too_long_is_refused_keeping_it(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    long = "x" * 5001
    page = as_lead.submit(
        _form(as_lead, cast.dementia.id), changes={"score": "2", "narrative": long}, status=200
    )
    assert_error(page, "The narrative must be 5,000 characters or fewer")
    assert page.value("narrative") == long


def test_an_unknown_statement_is_not_found(as_lead: Visitor, cast: Cast) -> None:
    as_lead.get(f"/audits/{cast.dementia.id}/cqc/tea_and_biscuits", status=404)


def test_a_stale_save_shows_their_version_and_keeps_what_i_typed(
    app: Flask, client, cast: Cast
) -> None:  # type: ignore[no-untyped-def]
    me, other = Visitor(client), Visitor(app.test_client())
    me.sign_in("lead@example.org")
    other.sign_in("lead@example.org")
    mine = _form(me, cast.dementia.id)
    other.submit(_form(other, cast.dementia.id), changes={"score": "3", "narrative": "Theirs"})
    conflict = me.submit(mine, changes={"score": "1", "narrative": "Mine"}, status=200)
    assert "Someone else saved this judgement while you were editing" in conflict.error_summary()[0]
    theirs = conflict.soup.select_one("#their-version")
    assert theirs is not None
    text = " ".join(theirs.get_text().split())
    assert "3: Evidence shows a good standard" in text and "Theirs" in text
    assert "Differs from yours" in text
    assert conflict.value("narrative") == "Mine" and conflict.value("score") == "1"
    assert _saved(app, cast.dementia.id)["partnerships"][:2] == (3, "Theirs")
    # Saving again from the conflict page keeps mine, knowingly.
    me.submit(conflict)
    assert _saved(app, cast.dementia.id)["partnerships"][:2] == (1, "Mine")


def test_partners_and_commissioners_do_not_see_a_drafts_scores(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    with app.app_context():
        db.session.add(
            CqcJudgement(audit_id=cast.dementia.id, statement="equity", score=1, narrative="X")
        )
        db.session.commit()
    for email in ("partner@example.org", "commissioner@example.org"):
        visitor.sign_in(email)
        visitor.get(f"/audits/{cast.dementia.id}/cqc", status=404)
        visitor.get(f"/audits/{cast.dementia.id}/cqc/equity", status=404)
        visitor.sign_out()
    visitor.sign_in("partner@example.org")
    overview = visitor.get(f"/audits/{cast.dementia.id}")
    assert "partners see it once the audit is published" in overview.text
    assert overview.soup.select_one(f'a[href="/audits/{cast.dementia.id}/cqc"]') is None


def test_once_published_everyone_reads_the_scores_and_nobody_changes_them(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    with app.app_context():
        db.session.add(
            CqcJudgement(audit_id=cast.dementia.id, statement="equity", score=1, narrative="Few")
        )
        db.session.commit()
    publish(app, cast.dementia.id)
    for email in ("partner@example.org", "commissioner@example.org", "lead@example.org"):
        visitor.sign_in(email)
        overview = visitor.get(f"/audits/{cast.dementia.id}")
        assert overview.soup.select_one(f'#cqc-links a[href="/audits/{cast.dementia.id}/cqc"]')
        page = visitor.get(f"/audits/{cast.dementia.id}/cqc")
        assert "Lead's score 1 Evidence shows significant shortfalls" in _section(page, "equity")
        assert page.soup.select_one(f'a[href="/audits/{cast.dementia.id}/cqc/equity"]') is None
        visitor.sign_out()
    visitor.sign_in("lead@example.org")
    visitor.get(f"/audits/{cast.dementia.id}/cqc/equity", status=409)


def test_survey_figures_are_for_those_who_read_results(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    from tests.web.test_quality_of_life import _survey

    _survey(app, cast.dementia.id, 24)
    publish(app, cast.dementia.id)
    visitor.sign_in("commissioner@example.org")
    commissioner = _section(visitor.get(f"/audits/{cast.dementia.id}/cqc"), "healthier_lives")
    assert "Carer-reported quality of life (score out of 12): " in commissioner
    assert "in the carers' survey (95% interval" in commissioner
    assert "Questionnaire “Carers' survey”: 24 answers" in commissioner
    visitor.switch("partner@example.org")
    partner = _section(visitor.get(f"/audits/{cast.dementia.id}/cqc"), "healthier_lives")
    assert "its figures are shown to the carers lead and commissioners" in partner
    assert "95% interval" not in partner and "24 answers" not in partner


def test_evidence_is_sorted_into_categories_with_the_gaps_and_a_suggestion(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    with app.app_context():
        lead = db.session.get(User, cast.lead.id)
        for intervention, rag in (("advocacy", "amber"), ("emergency_support", "green")):
            db.session.add(
                Rating(
                    audit_id=cast.dementia.id,
                    intervention=intervention,
                    group_code="dementia",
                    rag=rag,
                    maturity="advanced",
                    updated_by=lead,
                )
            )
        db.session.commit()
    page = as_lead.get(f"/audits/{cast.dementia.id}/cqc")
    section = _section(page, "safeguarding")
    assert "Rating of Advocacy: Carers of older people with dementia: amber, advanced" in section
    assert "(reads as score 2)" in section and "(reads as score 4)" in section
    gaps = page.soup.select("section#safeguarding [data-gap]")
    assert [g["data-gap"] for g in gaps] == [
        "people_experience",
        "staff_leaders",
        "partners",
        "outcomes",
    ]
    assert "No suggestion: no evidence in 4 of the 5 categories." in section
    row = page.soup.select_one('#cqc-summary tr[data-statement="safeguarding"]')
    assert row is not None
    assert [_cell(td) for td in row.select("td")] == [
        "1",
        "No suggestion",
        "Not scored",
    ]
    assert "No evidence in two or more of the five categories: no suggestion." in page.text


def test_the_demo_audit_lists_all_nine_statements_with_evidence_in_three_categories_or_more(
    app: Flask, visitor: Visitor
) -> None:
    from audit_app.demo import load_demo

    with app.app_context():
        load_demo()
        audit_id = db.session.scalar(select(Audit.id).where(Audit.title == DEMO))
    visitor.sign_in("lead@demo.test", "demo-password")
    page = visitor.get(f"/audits/{audit_id}/cqc")
    assert page.h1 == "CQC self-assessment"
    rows = page.soup.select("#cqc-summary tbody tr")
    assert [r["data-statement"] for r in rows] == [
        "assessing_needs",
        "healthier_lives",
        "equity",
        "care_provision",
        "partnerships",
        "safe_systems",
        "safeguarding",
        "governance",
        "learning",
    ]
    held = {str(r["data-statement"]): int(_cell(r.select("td")[0])) for r in rows}
    assert all(count >= 3 for count in held.values()), held  # the bar: all nine
    # Every category holds evidence somewhere on the page.
    categories = {str(ul["data-category"]) for ul in page.soup.select("ul.app-cqc-evidence")}
    assert categories == {
        "people_experience",
        "staff_leaders",
        "partners",
        "processes",
        "outcomes",
    }
    # Some statements have the lead's score and a suggestion beside it.
    assert "Most carers of people with dementia are offered" in _section(page, "assessing_needs")
    scored = [r for r in rows if _cell(r.select("td")[2]) != "Not scored"]
    assert len(scored) == 5
    assert any(_cell(r.select("td")[1]) != "No suggestion" for r in rows)


def test_the_next_cycle_carries_the_scores_to_confirm_and_saving_confirms(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    with app.app_context():
        db.session.add(
            CqcJudgement(audit_id=cast.published.id, statement="equity", score=2, narrative="N")
        )
        db.session.commit()
        source = db.session.get(Audit, cast.published.id)
        lead = db.session.get(User, cast.lead.id)
        assert source is not None and lead is not None
        new = cycles.start_next_cycle(
            source,
            lead,
            cycles.NextCycle("Next year", "2027/28", date(2027, 4, 1), date(2028, 3, 31)),
        )
        new_id = new.id
    assert _saved(app, new_id) == {"equity": (2, "N", True)}
    overview = as_lead.get(f"/audits/{new_id}")
    assert "1 judgement carried from the last cycle needs confirming" in overview.text
    waiting = as_lead.get(f"/audits/{new_id}/to-confirm")
    table = waiting.soup.select_one("#cqc-to-confirm")
    assert table is not None and "3. Equity in experience and outcomes" in table.get_text()
    page = as_lead.get(f"/audits/{new_id}/cqc")
    assert "Carried forward from the last cycle" in _section(page, "equity")
    form = _form(as_lead, new_id, "equity")
    assert form.value("score") == "2" and form.value("narrative") == "N"
    as_lead.submit(form)
    assert _saved(app, new_id) == {"equity": (2, "N", False)}
    assert "Carried forward" not in _section(as_lead.get(f"/audits/{new_id}/cqc"), "equity")
    assert as_lead.get(f"/audits/{new_id}/to-confirm").soup.select_one("#cqc-to-confirm") is None


def test_the_report_and_the_workbook_carry_the_self_assessment(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    import openpyxl

    as_lead.submit(_form(as_lead, cast.dementia.id), changes={"score": "2", "narrative": NARRATIVE})
    report = as_lead.get(f"/audits/{cast.dementia.id}/exports/report")
    section = report.soup.select_one("#section-cqc")
    assert section is not None
    assert section.select_one("h2").get_text().strip().endswith("CQC self-assessment")
    rows = section.select("#report-cqc-summary tbody tr")
    assert len(rows) == 9
    assert NARRATIVE in section.get_text()
    response = as_lead.client.get(f"/audits/{cast.dementia.id}/exports/tables.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["CQC self-assessment"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "Number")
    assert values[header][:3] == ["Number", "Quality statement", "Theme"]
    body = values[header + 1 : header + 10]
    assert [row[0] for row in body] == list(range(1, 10))
    partnerships = body[4]
    assert partnerships[1] == "Partnerships and communities"
    assert partnerships[7] == 2 and isinstance(partnerships[7], int)
    assert partnerships[8] == "Evidence shows some shortfalls"
    assert partnerships[9] == NARRATIVE
    assert isinstance(partnerships[3], int)


def test_a_partner_gets_no_self_assessment_sheet_from_a_draft(
    as_partner: Visitor, cast: Cast
) -> None:
    import openpyxl

    response = as_partner.client.get(f"/audits/{cast.dementia.id}/exports/tables.xlsx")
    assert response.status_code == 200
    assert "CQC self-assessment" not in openpyxl.load_workbook(io.BytesIO(response.data)).sheetnames
    report = as_partner.get(f"/audits/{cast.dementia.id}/exports/report")
    assert report.soup.select_one("#section-cqc") is None


def test_the_scores_compare_across_cycles_and_areas(app: Flask, visitor: Visitor) -> None:
    from audit_app.demo import load_demo

    with app.app_context():
        load_demo()
        audit_id = db.session.scalar(select(Audit.id).where(Audit.title == DEMO))
        south_id = db.session.scalar(select(Audit.id).where(Audit.title.like("%Southshire%")))
    visitor.sign_in("commissioner@demo.test", "demo-password")
    page = visitor.get(f"/audits/{audit_id}/compare")
    rows = page.soup.select("#cqc-cycle-scores tbody tr")
    cells = {
        r.select_one("th, td").get_text(strip=True): [
            c.get_text(strip=True) for c in r.select("td")
        ]
        for r in rows
    }
    assert cells["1. Assessing needs"][-3:] == ["2", "3", "Up by 1"]
    assert cells["5. Partnerships and communities"][-3:] == ["3", "3", "The same"]
    assert cells["3. Equity in experience and outcomes"][-3:] == [
        "Not scored",
        "Not scored",
        "Not comparable",
    ]
    report = visitor.get(f"/audits/{audit_id}/exports/report")
    last = report.soup.select_one("#last-cycle-cqc")
    assert last is not None
    first = [c.get_text(strip=True) for c in last.select("tbody tr")[0].select("th, td")]
    assert first == ["1. Assessing needs", "2", "3", "Up by 1"]
    areas = visitor.get(f"/compare-areas?audits={audit_id}&audits={south_id}")
    table = areas.soup.select_one("#cqc-scores-table")
    assert table is not None
    by_name = {
        r.select_one("th").get_text(strip=True): [c.get_text(strip=True) for c in r.select("td")]
        for r in table.select("tbody tr")
    }
    assert by_name["2. Supporting people to live healthier lives"] == ["2", "3"]
    response = visitor.client.get(f"/compare-areas.xlsx?audits={audit_id}&audits={south_id}")
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["CQC self-assessment"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["Quality statement code", "Quality statement"]
    assert values[2][1:] == ["2. Supporting people to live healthier lives", 2, 3]


def test_an_imported_audit_keeps_its_scores_and_a_score_out_of_range_is_refused(
    app: Flask, visitor: Visitor
) -> None:
    import copy

    from tests.web.test_exports_import import _demo, _import_or_refuse

    document, area_id = _demo(app, visitor)
    scores = document["tables"]["cqc_judgement"]
    assert {row["statement"]: row["score"] for row in scores} == {
        "assessing_needs": 3,
        "healthier_lives": 2,
        "care_provision": 3,
        "partnerships": 3,
        "safe_systems": 2,
    }
    tampered = copy.deepcopy(document)
    tampered["tables"]["cqc_judgement"][0]["score"] = 7
    where = "CQC score 1: score is 7, which is not a score from 1 to 4"
    assert _import_or_refuse(app, visitor, tampered, area_id, where) == []
    assert _import_or_refuse(app, visitor, document, area_id, "no refusal expected") == []
    with app.app_context():
        copied = db.session.scalar(select(Audit.id).where(Audit.title == "Tampered copy"))
    assert copied is not None
    assert _saved(app, copied)["partnerships"][0] == 3


def test_a_we_statement_not_checked_against_cqc_says_so_where_it_is_shown(
    as_lead: Visitor, cast: Cast
) -> None:
    """Generated from the framework file: each statement whose words rest on an
    unchecked source is flagged on the page and on its own page; no other is."""
    from hub_model.cqc import load_cqc

    framework = load_cqc()
    page = as_lead.get(f"/audits/{cast.dementia.id}/cqc")
    for statement in framework.statements:
        checked = framework.source(statement.we_statement_source).checked
        section = page.soup.select_one(f"section#{statement.code}")
        own = _form(as_lead, cast.dementia.id, statement.code)
        for where in (section, own.soup.select_one("main")):
            assert where is not None
            flagged = where.select_one(".app-unchecked-words") is not None
            assert flagged is not checked, (statement.code, checked)
