"""Questionnaires in a real browser on the demo data: a carer answers the public
survey on a phone, a partner answers signed in, the lead reads the results;
axe-core on every page."""

from __future__ import annotations

import re
from typing import Any

from tests.browser import axe
from tests.browser.conftest import sign_in

DEMENTIA = "Carers of people with dementia in Northshire 2026/27"


def _questionnaires(page: Any) -> str:
    page.get_by_role("link", name=DEMENTIA).click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    page.get_by_role("link", name="Questionnaires").first.click()
    assert page.locator("h1").inner_text() == "Questionnaires"
    return str(page.url)


def _continue(page: Any) -> None:
    page.get_by_role("button", name="Continue").click()


def test_a_carer_answers_the_public_survey_on_a_phone(page: Any, phone: Any) -> None:
    sign_in(page, "lead@demo.test")
    _questionnaires(page)
    axe.check(page, "lead questionnaires")
    page.get_by_role("link", name="Carers' survey", exact=True).click()
    axe.check(page, "lead carers survey")
    link = page.locator("#public-link").inner_text().strip()

    phone.goto(link)
    assert phone.locator("h1").inner_text() == "Carers' survey"
    axe.check(phone, "carer survey start (phone)")
    axe.no_horizontal_scroll(phone)
    phone.get_by_role("button", name="Start now").click()

    # Sending an empty first page shows the error summary, focused.
    _continue(phone)
    summary = phone.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Select at least one answer" in summary.inner_text()
    axe.check(phone, "carer survey error (phone)")
    phone.get_by_label("Someone with dementia").check()
    phone.get_by_label("65 or over").check()
    axe.check(phone, "carer survey page 1 (phone)")
    axe.no_horizontal_scroll(phone)
    _continue(phone)

    phone.get_by_label("About how many hours a week").fill("35")
    axe.check(phone, "carer survey page 2 (phone)")
    _continue(phone)

    for place, label in enumerate(
        [
            "Having a life of my own alongside caring",
            "Staying mentally and physically well",
            "Not being forced into financial hardship",
        ]
    ):
        phone.locator(f"#outcomes_rank__{place}").select_option(label=label)
    axe.check(phone, "carer survey ranking (phone)")
    axe.no_horizontal_scroll(phone)
    _continue(phone)

    for code, point in (("life_of_own", "2"), ("listened_to", "3"), ("wellbeing_scale", "2")):
        phone.locator(f'input[name="{code}"][value="{point}"]').check()
    axe.check(phone, "carer survey scales (phone)")
    axe.no_horizontal_scroll(phone)
    _continue(phone)

    # The six quality-of-life questions of the national carers' survey; one left out.
    phone.get_by_label(
        "I do some of the things I value or enjoy with my time, but not enough"
    ).check()
    phone.get_by_label("I have as much control over my daily life as I want").check()
    phone.get_by_label("Sometimes I can't look after myself well enough").check()
    phone.get_by_label("I have no worries about my personal safety").check()
    phone.get_by_label("I feel I have some encouragement and support, but not enough").check()
    axe.check(phone, "carer survey quality of life (phone)")
    axe.no_horizontal_scroll(phone)
    _continue(phone)

    phone.get_by_label("Breaks from caring").check()
    phone.locator('input[name="breaks_rating"][value="4"]').check()
    axe.check(phone, "carer survey supports (phone)")
    _continue(phone)

    phone.get_by_label("Fairly easy to find").check()
    axe.check(phone, "carer survey information and being included (phone)")
    axe.no_horizontal_scroll(phone)
    _continue(phone)

    phone.get_by_label("If one thing could change").fill("A sitter on Tuesday evenings")
    axe.check(phone, "carer survey free text (phone)")
    _continue(phone)

    assert phone.locator("h1").inner_text() == "Check your answers before sending them"
    assert "A sitter on Tuesday evenings" in phone.locator(".govuk-summary-list").inner_text()
    axe.check(phone, "carer survey check answers (phone)")
    axe.no_horizontal_scroll(phone)
    phone.get_by_role("button", name="Send your answers").click()
    assert "Thank you" in phone.locator(".govuk-panel").inner_text()
    assert "anonymous" in phone.locator("#how-used").inner_text()
    axe.check(phone, "carer survey thank you (phone)")

    page.get_by_role("link", name="See the results").click()
    assert page.locator("h1").inner_text() == "Results: Carers' survey"
    assert "41 responses" in page.locator("#responses").inner_text()
    axe.check(page, "lead carers survey results")


def test_a_partner_answers_a_questionnaire_signed_in(page: Any) -> None:
    sign_in(page, "partner@demo.test")
    _questionnaires(page)
    axe.check(page, "partner questionnaires")
    page.get_by_role("link", name="Partner and provider views").click()
    page.get_by_label("A specialist carers' service").check()
    page.get_by_label("About how many carers").fill("400")
    axe.check(page, "partner questionnaire page 1")
    _continue(page)
    page.get_by_label("Carers from the LGBT community").check()
    page.locator('input[name="joint_working"][value="4"]').check()
    page.get_by_label("What is the biggest gap").fill("Evening support")
    axe.check(page, "partner questionnaire page 2")
    _continue(page)
    assert page.locator("h1").inner_text() == "Check your answers before sending them"
    axe.check(page, "partner questionnaire check answers")
    page.get_by_role("button", name="Send your answers").click()
    assert "Thank you" in page.locator(".govuk-panel").inner_text()
    axe.check(page, "partner questionnaire thank you")


def test_a_lead_imports_a_csv_and_reads_every_problem(page: Any, tmp_path: Any) -> None:
    sign_in(page, "lead@demo.test")
    _questionnaires(page)
    page.get_by_role("link", name="Carers' survey", exact=True).click()
    page.get_by_role("link", name="Import a CSV file").click()
    axe.check(page, "lead import upload")
    template = page.get_by_role("link", name="Download the CSV template").get_attribute("href")
    header = page.request.get(template).text().lstrip("\ufeff").strip()
    columns = header.split(",")
    row = ["cats" if code == "cares_for" else "" for code in columns]
    csv_file = tmp_path / "paper-forms.csv"
    csv_file.write_text(f"{header}\n{','.join(row)}\n", encoding="utf-8")
    page.get_by_label("Upload a CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload and match columns").click()
    page.wait_for_url(re.compile(r".*/columns$"))
    assert page.locator("h1").inner_text() == "Match the columns to the questions"
    axe.check(page, "lead import columns")
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_url(re.compile(r".*/imports/\d+$"))
    # Run inline (no REDIS_URL): the status page is final at once, and polling is off.
    assert page.locator("h1").inner_text() == "Not imported: some rows have problems"
    assert page.locator("#import-job").get_attribute("data-poll") == "off"
    assert page.locator("#progress").inner_text() == (
        "Nothing was imported. 1 of 1 row has problems."
    )
    assert "'cats' is not one of the options" in page.locator("#problems").inner_text()
    axe.check(page, "lead import problems")
