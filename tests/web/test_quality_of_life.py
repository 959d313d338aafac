"""Carers' quality of life: the page from the carers' survey, published figures entered
and imported by the lead, and the commissioner seeing local beside national."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, PublishedCarerFigure, User
from audit_app.services import questionnaires as service
from tests.visit import Page, Visitor, assert_error
from tests.web.conftest import Cast, publish, trail

TODAY = date.today()
SIX = {
    "qol_occupation": ["occupation_as_want", "occupation_some", "occupation_none"],
    "qol_control": ["control_as_want", "control_some", "control_none"],
    "qol_self_care": ["self_care_well", "self_care_sometimes", "self_care_neglect"],
    "qol_safety": ["safety_no_worries", "safety_some_worries", "safety_extremely_worried"],
    "qol_social": ["social_as_want", "social_some", "social_isolated"],
    "qol_support": ["support_have", "support_some", "support_none"],
}


def _survey(app: Flask, audit_id: int, carers: int, seed: int = 1) -> list[dict[str, Any]]:
    """Open a carers' survey on the audit and take ``carers`` answers: all care for
    someone with dementia, two also for someone who had a stroke, ten also for an
    older person; the last five left out a question. Returns the answers."""
    rng = random.Random(seed)
    answers = []
    for number in range(carers):
        also = ["stroke"] if number < 2 else ["older"] if number < 12 else []
        carer: dict[str, Any] = {
            "cares_for": ["dementia", *also],
            "age_band": "age_65_plus",
            "outcomes_rank": ["own_life", "wellbeing", "money"],
            "life_of_own": 3,
            "listened_to": 3,
            "wellbeing_scale": 3,
            "information_ease": "info_fairly_easy" if number % 2 else "info_very_difficult",
        }
        carer.update({code: rng.choice(options) for code, options in SIX.items()})
        if number >= carers - 5:
            carer["qol_safety"] = None
        answers.append(carer)
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        lead = db.session.scalar(select(User).where(User.email == "lead@example.org"))
        assert audit is not None and lead is not None
        record = service.open_questionnaire(
            audit, "carers_survey", TODAY, TODAY + timedelta(days=30), lead
        )
        for carer in answers:
            service.submit(record, carer, None)
    return answers


def _score(answers: dict[str, Any]) -> int | None:
    if any(answers.get(code) is None for code in SIX):
        return None
    return sum(2 - SIX[code].index(answers[code]) for code in SIX)


def _figures(app: Flask, audit_id: int) -> list[tuple[str, str, Decimal, int | None]]:
    with app.app_context():
        rows = db.session.scalars(
            select(PublishedCarerFigure)
            .where(PublishedCarerFigure.audit_id == audit_id)
            .order_by(PublishedCarerFigure.measure)
        )
        return [(r.measure, r.year, r.value, r.base) for r in rows]


def _add(visitor: Visitor, audit_id: int, changes: dict[str, str], status: int = 302) -> Page:
    page = visitor.get(f"/audits/{audit_id}/quality-of-life/published/new")
    return visitor.submit(page, changes=changes, status=status)


def test_the_page_shows_the_average_score_and_those_without_one(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    answers = _survey(app, cast.dementia.id, 24)
    page = as_lead.get(f"/audits/{cast.dementia.id}/quality-of-life")
    assert page.h1 == "Carers' quality of life"
    scores = [s for s in map(_score, answers) if s is not None]
    summary = page.soup.select_one("#qol-summary")
    assert summary is not None
    text = " ".join(summary.get_text().split())
    assert f"{sum(scores) / len(scores):.1f} 95% CI" in text
    assert "Carers with a score 19" in text
    assert "left out one of the six questions 5" in text
    # The two stroke carers are too few to show (and the older people's group is
    # hidden so that theirs cannot be worked out); the dementia group shows.
    stroke = page.soup.select_one('#qol-scores tr[data-group="stroke"]')
    assert stroke is not None and stroke.get_text().count("Not shown") >= 2
    dementia = page.soup.select_one('#qol-scores tr[data-group="dementia"]')
    assert dementia is not None and "Not shown" not in dementia.get_text()
    assert "Student's t distribution" in page.text
    assert page.soup.select_one("#domain-safety") is not None


def test_the_lead_enters_a_published_figure(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    _add(
        as_lead,
        cast.dementia.id,
        {
            "measure": "carer_quality_of_life",
            "year": "2023-24",
            "value": "7.3",
            "base": "412",
            "ci_low": "7.1",
            "ci_high": "7.5",
            "council_code": "E10000034",
        },
    )
    assert _figures(app, cast.dementia.id) == [
        ("carer_quality_of_life", "2023-24", Decimal("7.3"), 412)
    ]
    assert [(action, label) for action, label, _, _ in trail(app, "published carer figure")] == [
        ("created", "Carer-reported quality of life (score out of 12), 2023-24")
    ]
    # The same measure and year again replaces it.
    _add(
        as_lead,
        cast.dementia.id,
        {"measure": "carer_quality_of_life", "year": "2023-24", "value": "7.4", "base": "400"},
    )
    assert _figures(app, cast.dementia.id) == [
        ("carer_quality_of_life", "2023-24", Decimal("7.4"), 400)
    ]


def test_a_bad_figure_gets_an_error_summary_and_keeps_what_was_typed(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    typed = {
        "measure": "carer_quality_of_life",
        "year": "2023/24",
        "value": "13.5",
        "base": "four hundred",
        "ci_low": "7.1",
        "ci_high": "",
        "council_code": "E10000034",
    }
    page = _add(as_lead, cast.dementia.id, typed, status=200)
    assert_error(page, "Enter the survey year like 2023-24")
    assert_error(page, "The value must be between 0 and 12")
    assert_error(page, "The number of carers must be a whole number, like 412")
    assert_error(page, "Enter both ends of the confidence interval, or neither")
    for name in ("year", "value", "base", "ci_low", "council_code"):
        assert page.value(name) == typed[name]
    checked = page.soup.select_one('input[name="measure"][checked]')
    assert checked is not None and checked.get("value") == "carer_quality_of_life"
    assert _figures(app, cast.dementia.id) == []


def test_a_percentage_measure_is_checked_against_a_hundred(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    page = _add(
        as_lead,
        cast.dementia.id,
        {"measure": "carers_satisfaction", "year": "2023-24", "value": "140"},
        status=200,
    )
    assert_error(page, "The value must be between 0 and 100")
    _add(
        as_lead,
        cast.dementia.id,
        {"measure": "carers_satisfaction", "year": "2023-24", "value": "38.2%"},
    )
    assert _figures(app, cast.dementia.id) == [
        ("carers_satisfaction", "2023-24", Decimal("38.2"), None)
    ]


def _import(visitor: Visitor, audit_id: int, body: str, council: str = "E10000034") -> Page:
    return visitor.post(
        f"/audits/{audit_id}/quality-of-life/published/import",
        {"council_code": council, "csv_file": (io.BytesIO(body.encode()), "sace.csv")},
        content_type="multipart/form-data",
        status=None,  # type: ignore[arg-type]
    )


PUBLISHED_TABLE = (
    "Council code,Measure,Year,Value,Base\n"
    "E10000034,1D,2023-24,7.6,512\n"
    "E10000034,3B,2023-24,36.1,498\n"
    "E10000099,1D,2023-24,7.0,300\n"
)


def test_the_lead_imports_the_published_table(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    page = _import(as_lead, cast.dementia.id, PUBLISHED_TABLE)
    assert page.status == 302
    assert _figures(app, cast.dementia.id) == [
        ("carer_quality_of_life", "2023-24", Decimal("7.6"), 512),
        ("carers_satisfaction", "2023-24", Decimal("36.1"), 498),
    ]


def test_a_bad_table_imports_nothing_and_says_which_rows(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    body = PUBLISHED_TABLE + "E10000034,9Z,2023-24,5,10\nE10000034,1D,2023-24,7.1,90\n"
    page = _import(as_lead, cast.dementia.id, body)
    assert page.status == 200
    assert_error(page, "The file has 2 problems: nothing was imported")
    problems = page.soup.select_one("#import-problems")
    assert problems is not None
    assert "Row 5: ‘9Z’ is not a measure of the carers' survey" in problems.get_text()
    assert "Row 6: the same measure and year as row 2" in problems.get_text()
    assert page.value("council_code") == "E10000034"
    assert _figures(app, cast.dementia.id) == []


def test_a_file_without_the_columns_is_refused(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    page = _import(as_lead, cast.dementia.id, "area,score\nE10000034,7\n")
    assert page.status == 200
    assert_error(page, "The file has 1 problem: nothing was imported")
    assert "missing: council code, measure, year, value, base" in page.text
    assert _figures(app, cast.dementia.id) == []


def test_the_commissioner_sees_local_beside_national(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    answers = _survey(app, cast.dementia.id, 30, seed=4)
    _add(
        as_lead,
        cast.dementia.id,
        {"measure": "carer_quality_of_life", "year": "2023-24", "value": "11.5", "base": "412"},
    )
    publish(app, cast.dementia.id)
    as_lead.switch("commissioner@example.org")
    page = as_lead.get(f"/audits/{cast.dementia.id}/quality-of-life")
    row = page.soup.select_one('#qol-published tr[data-measure="carer_quality_of_life"]')
    assert row is not None
    text = " ".join(row.get_text().split())
    scores = [s for s in map(_score, answers) if s is not None]
    mean = sum(scores) / len(scores)
    assert f"{mean:.1f} 95% CI" in text
    assert "Published 2023-24: 11.5 412 carers" in text
    assert f"{mean - 11.5:+.1f}" in text
    assert "Outside" in text
    # The same on the indicator dashboard, in the seed 002 layout.
    board = as_lead.get(f"/audits/{cast.dementia.id}/indicators/dashboard")
    assert board.soup.select_one('#qol-published tr[data-measure="carer_quality_of_life"]')
    # Partners read the dashboard but not survey results: no such table for them.
    as_lead.switch("partner@example.org")
    board = as_lead.get(f"/audits/{cast.dementia.id}/indicators/dashboard")
    assert board.soup.select_one("#qol-published") is None
    as_lead.get(f"/audits/{cast.dementia.id}/quality-of-life", status=404)


def test_a_survey_opened_before_the_questions_says_so(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.get(f"/audits/{cast.dementia.id}/quality-of-life")
    assert page.soup.select_one("#no-local") is not None
    assert page.soup.select_one("#no-published") is not None


def test_the_csv_gives_the_figures_to_readers_of_results_only(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _survey(app, cast.dementia.id, 24)
    _add(
        as_lead,
        cast.dementia.id,
        {"measure": "carer_quality_of_life", "year": "2023-24", "value": "7.3", "base": "412"},
    )
    url = f"/audits/{cast.dementia.id}/exports/csv/quality_of_life.csv"
    text = as_lead.client.get(url).get_data(as_text=True)
    assert "All carers" in text and "published 2023-24" in text
    stroke = next(line for line in text.splitlines() if "stroke" in line.lower())
    assert "[c]" in stroke
    as_lead.switch("partner@example.org")
    text = as_lead.client.get(url).get_data(as_text=True)
    assert text.lstrip("\ufeff").strip().splitlines() == [
        "Figure,Carers,Value,95% CI low,95% CI high,Carers it is about"
    ]  # the headings alone
