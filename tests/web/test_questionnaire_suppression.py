"""Carers' privacy: no figure about fewer than 5 carers, and no free text from fewer
than 5, reaches anyone, wherever survey results are shown or downloaded.

The survey promises carers "Results for any group of fewer than 5 carers are never
shown". The first tests are the cases seen on the results page; the last ones feed a
survey with small groups and rare free text and read every place its figures reach a
person: the results page and its by-group tables, the results CSV and XLSX, the
report and its PDF, the audit's tables, the JSON export (the lead's only), and the
public "you said, we did" page.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit
from tests.visit import Visitor
from tests.web.conftest import Cast, publish
from tests.web.test_questionnaires import _answer, _fill, _open

HIDDEN = "[c]"  # hub_model.suppression.HIDDEN, written out so this file runs on older code
TEXTS_WITHHELD = (
    "Fewer than 5 people answered this question, so what they wrote is not shown: "
    "someone could be recognised by their own words."
)
RARE = "My husband Bob at 12 Mill Lane needs a sitter"
RARER = "Nobody at the Tuesday memory cafe helps me"
SCOPE = [
    "dementia",
    "stroke",
    "substance_misuse",
    "learning_disability",
    "young_adult_carers",
    "working_age_carers",
    "carers_65_plus",
]


def _small_survey(app: Flask, audit_id: int) -> str:
    """34 carers: a young adult group of 8, two carers of people after a stroke,
    one of someone who misuses drugs or alcohol, and two rare free-text answers."""
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        assert audit is not None
        audit.scope = SCOPE
        db.session.commit()
    questionnaire_id, _ = _open(app, audit_id)
    _fill(
        app,
        questionnaire_id,
        [_answer(age_band="age_16_24", life_of_own=2)] * 8
        + [_answer(age_band="age_25_64", life_of_own=2)] * 6
        + [_answer(age_band="age_25_64", life_of_own=3)] * 6
        + [_answer(age_band="age_65_plus", life_of_own=3)] * 5
        + [_answer(age_band="age_65_plus", life_of_own=4)] * 5
        + [_answer(age_band="age_65_plus", cares_for=["stroke"], life_of_own=4)] * 2
        + [_answer(cares_for=["dementia", "substance"], life_of_own=5, one_change=RARE)]
        + [_answer(one_change=RARER)],
    )
    return f"/audits/{audit_id}/questionnaires/{questionnaire_id}"


def _row(table: Any, label: str) -> list[str]:
    for tr in table.select("tbody tr"):
        cells = [c.get_text(" ", strip=True) for c in tr.select("th, td")]
        if cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r}")


# The cases seen.


def test_all_answers_never_show_a_count_of_one(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    questionnaire_id, _ = _open(app, cast.draft.id)
    _fill(
        app,
        questionnaire_id,
        [_answer(age_band="age_25_64")] * 12 + [_answer(cares_for=["dementia", "substance"])],
    )
    page = as_lead.get(f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}/results")
    ages = page.soup.select_one("#counts-age_band")
    caring = page.soup.select_one("#counts-cares_for")
    assert ages is not None and caring is not None
    assert _row(ages, "65 or over")[1:] == ["Not shown", "Not shown"]
    # 12 of 13 would give the 1 away.
    assert _row(ages, "25 to 64")[1:] == ["Not shown", "Not shown"]
    assert _row(caring, "Someone who misuses drugs or alcohol")[1:] == ["Not shown", "Not shown"]
    assert _row(caring, "Someone with dementia")[1:] == ["13", "100%"]
    rule = page.soup.select_one("#counts-age_band-rule")
    assert rule is not None and "fewer than 5 people is hidden" in rule.get_text()


def test_rare_free_text_is_withheld_and_the_page_says_why(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.get(f"{_small_survey(app, cast.dementia.id)}/results")
    assert RARE not in page.text and RARER not in page.text
    assert page.soup.select_one("#texts-one_change") is None
    why = page.soup.select_one("#withheld-one_change-1")
    assert why is not None and why.get_text(strip=True) == TEXTS_WITHHELD


def test_five_free_text_answers_are_listed(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    base = _small_survey(app, cast.dementia.id)
    questionnaire_id = int(base.rsplit("/", 1)[1])
    _fill(app, questionnaire_id, [_answer(one_change=f"Idea {n}") for n in range(3)])
    page = as_lead.get(f"{base}/results")
    listed = page.soup.select_one("#texts-one_change")
    assert listed is not None and RARE in listed.get_text()


def test_by_group_table_shows_a_group_of_eight_and_every_group_in_scope(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.get(f"{_small_survey(app, cast.dementia.id)}/results")
    split = page.soup.select_one("#split-carer_group-life_of_own")
    assert split is not None
    headers = [th.get_text(" ", strip=True) for th in split.select("thead th")]
    assert "Young adult carers aged 16-24 (8)" in headers
    assert "Working age carers (12)" in headers
    assert "Carers of older people who have had a stroke (not shown)" in headers
    # In scope but nobody answered: a column all the same.
    assert (
        "Carers of adults and/ or children with learning disabilities [parent carers] (no answers)"
        in headers
    )
    young = headers.index("Young adult carers aged 16-24 (8)")
    assert _row(split, "2")[young] == "100% (8)"
    stroke = headers.index("Carers of older people who have had a stroke (not shown)")
    assert _row(split, "4")[stroke] == "Not shown"


# Every place survey figures reach a person.

COUNT_IN_HEADER = re.compile(r"\((\d+)\)$")
ANSWERED = re.compile(r"\((\d+) answered\)")
ANSWERS = re.compile(r"\((\d+) answers?\)")


def _small(number: int) -> bool:
    return 0 < number < 5


def _assert_page_safe(html: str) -> None:
    """No count below 5 in any results table, no rare text anywhere."""
    assert RARE not in html and RARER not in html
    soup = BeautifulSoup(html, "html.parser")
    for table in soup.select("table"):
        for td in table.select("td"):
            text = re.sub(r"\d+%", "", td.get_text(" ", strip=True))
            for number in re.findall(r"\d+", text):
                assert not _small(int(number)), (table.get("id"), td)
        for th in table.select("thead th"):
            found = COUNT_IN_HEADER.search(th.get_text(" ", strip=True))
            assert not (found and _small(int(found.group(1)))), (table.get("id"), th)
    for found in [*ANSWERED.finditer(soup.get_text()), *ANSWERS.finditer(soup.get_text())]:
        assert not _small(int(found.group(1))), found.group(0)


def _assert_rows_safe(rows: list[dict[str, Any]]) -> None:
    assert rows
    for row in rows:
        assert RARE not in str(row.get("answer")) and RARER not in str(row.get("answer"))
        for column in ("count", "answered"):
            value = row[column]
            if value in (None, "", HIDDEN):
                continue
            assert not _small(int(float(value))), row


def test_no_small_figure_or_rare_text_reaches_anyone(
    app: Flask, visitor: Visitor, cast: Cast
) -> None:
    base = _small_survey(app, cast.dementia.id)
    audit_id = cast.dementia.id
    lead = visitor
    lead.sign_in("lead@example.org")
    lead.post(f"{base}/ranking", {}, follow=True, status=200)  # the report's priorities
    _you_said_we_did_made_public(lead, audit_id)
    publish(app, audit_id)

    for email in ("lead@example.org", "commissioner@example.org"):
        person = lead.switch(email)
        _assert_page_safe(person.get(f"{base}/results").text)
        body = person.get(f"{base}/results.csv").response.get_data(as_text=True)
        _assert_rows_safe(list(csv.DictReader(io.StringIO(body.lstrip("\ufeff")))))
        book = load_workbook(io.BytesIO(person.client.get(f"{base}/results.xlsx").get_data()))
        sheet = book["Results"]
        assert str(book["Notes"]["A2"].value).startswith("[c]: hidden because")
        values = list(sheet.iter_rows(values_only=True))
        _assert_rows_safe([dict(zip(values[0], row, strict=True)) for row in values[1:]])
        _assert_page_safe(person.get(f"/audits/{audit_id}/exports/report").text)
        tables = person.client.get(f"/audits/{audit_id}/exports/tables.xlsx")
        assert tables.status_code == 200
        for sheet in load_workbook(io.BytesIO(tables.get_data())).worksheets:
            for row in sheet.iter_rows(values_only=True):
                assert not any(RARE in str(v) or RARER in str(v) for v in row)
        _assert_pdf_safe(person, audit_id)

    # The JSON export holds the raw answers: the lead's only (an administrator acts
    # as the lead of every audit, DESIGN.md "administrator ... all").
    for email in ("partner@example.org", "partner2@example.org", "commissioner@example.org"):
        response = lead.switch(email).client.get(f"/audits/{audit_id}/exports/audit.json")
        assert response.status_code in (403, 404)
        assert RARE not in response.get_data(as_text=True)
    lead.sign_out()
    with app.app_context():
        from audit_app.models import FeedbackSummary

        token = db.session.scalar(select(FeedbackSummary.public_token))
    assert token
    public = visitor.get(f"/you-said-we-did/{token}")
    assert "Breaks that fit around work" in public.text
    _assert_page_safe(public.text)


def _you_said_we_did_made_public(lead: Visitor, audit_id: int) -> None:
    here = f"/audits/{audit_id}/you-said-we-did"
    lead.post(here, {"title": "You said, we did", "introduction": "", "version": "0"})
    lead.post(
        f"{here}/items/new",
        {"you_said": "Breaks that fit around work", "we_did": "Evening sitters", "version": "0"},
    )
    lead.post(f"{here}/public", {})


def _assert_pdf_safe(person: Visitor, audit_id: int) -> None:
    status = person.post(f"/audits/{audit_id}/exports/pdf", {}, follow=True, status=200)
    link = status.soup.select_one("a[href$='.pdf']")
    assert link is not None, status.text
    pdf = person.client.get(str(link["href"]))
    assert pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "Carers of people with dementia" in text
    _assert_page_safe(f"<p>{text}</p>")


def test_you_said_we_did_refuses_to_quote_withheld_free_text(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _small_survey(app, cast.dementia.id)
    here = f"/audits/{cast.dementia.id}/you-said-we-did"
    as_lead.post(here, {"title": "You said, we did", "introduction": "", "version": "0"})
    typed = {
        "you_said": "One carer said: my husband Bob, at 12 Mill Lane, needs a sitter!",
        "we_did": "Evening sitters",
        "version": "0",
    }
    page = as_lead.post(f"{here}/items/new", typed, status=200)
    assert page.error_summary() == [
        "This repeats word for word what a carer wrote in a questionnaire that fewer than 5 "
        "people answered, which the results do not show. Put it in your own words, so that "
        "no one can be recognised"
    ]
    assert "needs a sitter!" in page.text  # nothing typed is lost
    typed["you_said"] = "Carers asked for sitters in the evenings"
    as_lead.post(f"{here}/items/new", typed)
    assert "Carers asked for sitters in the evenings" in as_lead.get(here).text
