"""A new version of a published audit carries its questionnaires and answers on;
the next cycle does not (services.questionnaire_carry, services.cycles)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import (
    Audit,
    Questionnaire,
    QuestionnaireImport,
    QuestionnaireResponse,
)
from audit_app.services import questionnaire_import as importing
from audit_app.services import questionnaires as service
from tests.visit import Page, Visitor
from tests.web.conftest import Cast, trail
from tests.web.test_cycles import _next
from tests.web.test_questionnaires import (
    VARIED,
    _answer,
    _answer_all,
    _definition,
    _fill,
    _open,
    _page_data,
    _responses,
    _start_import,
)


def _publish_and_start_new_version(visitor: Visitor, audit_id: int) -> int:
    visitor.post(f"/audits/{audit_id}/publish", {"note": ""})
    page = visitor.post(f"/audits/{audit_id}/new-version", {})
    return int(page.response.location.rsplit("/", 1)[1])


def _questionnaire_of(app: Flask, audit_id: int, definition_id: str = "carers_survey") -> int:
    with app.app_context():
        found = db.session.scalar(
            select(Questionnaire.id).where(
                Questionnaire.audit_id == audit_id, Questionnaire.definition_id == definition_id
            )
        )
        assert found is not None
        return found


def _results(app: Flask, audit_id: int, questionnaire_id: int) -> Any:
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        record = db.session.get(Questionnaire, questionnaire_id)
        assert audit is not None and record is not None
        return service.results(audit, record)


def _figures(page: Page) -> list[str]:
    """Every figure the results page shows: the count of responses and every table."""
    shown = page.soup.select_one("#responses")
    assert shown is not None
    return [shown.get_text(" ", strip=True)] + [
        table.get_text(" ", strip=True) for table in page.soup.select("main table")
    ]


def _buttons(page: Page) -> list[str]:
    return [button.get_text(strip=True) for button in page.soup.select("main button")]


def _survey_with_answers(app: Flask, as_lead: Visitor, cast: Cast) -> tuple[int, str]:
    """The dementia audit's carers' survey: six answers online, six from a CSV import."""
    questionnaire_id, token = _open(app, cast.dementia.id)
    _fill(app, questionnaire_id, VARIED)
    definition = _definition(app, questionnaire_id)
    base = f"/audits/{cast.dementia.id}/questionnaires/{questionnaire_id}"
    import_id = _start_import(app, questionnaire_id, importing.responses_csv(definition, VARIED))
    columns = f"{base}/imports/{import_id}/columns"
    mapping = {f"column_{q.code}": q.code for q in definition.questions}
    assert as_lead.post(columns, mapping, follow=True, status=200).h1 == "Imported"
    return questionnaire_id, token


def test_a_new_version_carries_questionnaires_with_identical_results(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    old_id, _ = _survey_with_answers(app, as_lead, cast)
    _open(app, cast.dementia.id, "partner_views")
    new_audit = _publish_and_start_new_version(as_lead, cast.dementia.id)
    new_id = _questionnaire_of(app, new_audit)
    before = _results(app, cast.dementia.id, old_id)
    assert before.responses == 12
    assert _results(app, new_audit, new_id) == before
    old_page = as_lead.get(f"/audits/{cast.dementia.id}/questionnaires/{old_id}/results")
    new_page = as_lead.get(f"/audits/{new_audit}/questionnaires/{new_id}/results")
    assert _figures(new_page) == _figures(old_page)
    with app.app_context():
        carried = db.session.scalars(
            select(QuestionnaireResponse.source)
            .where(QuestionnaireResponse.questionnaire_id == new_id)
            .order_by(QuestionnaireResponse.id)
        )
        assert list(carried) == ["online"] * 6 + ["import"] * 6
        definitions = db.session.scalars(
            select(Questionnaire.definition_id)
            .where(Questionnaire.audit_id == new_audit)
            .order_by(Questionnaire.id)
        )
        assert list(definitions) == ["carers_survey", "partner_views"]


def test_the_public_link_answered_after_a_new_version_lands_in_the_draft(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    old_id, token = _open(app, cast.dementia.id)
    _fill(app, old_id, [_answer()] * 3)
    new_audit = _publish_and_start_new_version(as_lead, cast.dementia.id)
    new_id = _questionnaire_of(app, new_audit)
    carer = Visitor(app.test_client())
    thanks = _answer_all(carer, f"/survey/{token}", _definition(app, new_id), _answer())
    assert "Thank you" in thanks.text
    assert _results(app, new_audit, new_id).responses == 4
    assert _results(app, cast.dementia.id, old_id).responses == 3
    with app.app_context():
        old = db.session.get(Questionnaire, old_id)
        new = db.session.get(Questionnaire, new_id)
        assert old is not None and new is not None
        assert (old.status, old.public_token) == ("closed", None)
        assert (new.status, new.public_token, new.carried_from_id) == ("open", token, old_id)
    assert trail(app, "questionnaire")[-1] == (
        "changed",
        "Carers' survey",
        {"status": "open", "public_link": True},
        {"status": "closed", "public_link": False, "carried_to_audit": new_audit},
    )


def test_a_carer_half_way_through_when_a_new_version_starts_loses_nothing(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    old_id, token = _open(app, cast.dementia.id)
    definition = _definition(app, old_id)
    answers = _answer()
    first, *rest = definition.pages
    carer = Visitor(app.test_client())
    carer.get(f"/survey/{token}/1")
    carer.post(f"/survey/{token}/1", _page_data(first, answers))
    new_audit = _publish_and_start_new_version(as_lead, cast.dementia.id)
    # The first page's answers are still there after the link moved to the new version.
    assert carer.get(f"/survey/{token}/1").value("cares_for") == "dementia"
    for number, page in enumerate(rest, start=2):
        carer.post(f"/survey/{token}/{number}", _page_data(page, answers))
    check = carer.get(f"/survey/{token}/check")
    assert check.h1 == "Check your answers before sending them"
    carer.post(f"/survey/{token}/check", {})
    new_id = _questionnaire_of(app, new_audit)
    [sent] = _responses(app, new_id)
    assert (sent["cares_for"], sent["hours"], sent["breaks_rating"]) == (["dementia"], 40, 4)
    assert _responses(app, old_id) == []


def test_the_next_cycle_does_not_carry_questionnaires_or_answers(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    old_id, token = _open(app, cast.published.id)
    _fill(app, old_id, [_answer()] * 3)
    page = as_lead.post(f"/audits/{cast.published.id}/next-cycle", _next())
    next_audit = int(page.response.location.rsplit("/", 1)[1])
    with app.app_context():
        assert (
            db.session.scalars(
                select(Questionnaire).where(Questionnaire.audit_id == next_audit)
            ).all()
            == []
        )
        old = db.session.get(Questionnaire, old_id)
        assert old is not None and (old.status, old.public_token) == ("open", token)
    assert _results(app, cast.published.id, old_id).responses == 3
    listed = as_lead.get(f"/audits/{next_audit}/questionnaires")
    assert "No questionnaires opened yet." in listed.text


def test_the_questionnaires_pages_say_where_answers_came_from(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    old_id, _ = _open(app, cast.dementia.id)
    _fill(app, old_id, [_answer()] * 40)
    new_audit = _publish_and_start_new_version(as_lead, cast.dementia.id)
    new_id = _questionnaire_of(app, new_audit)
    _fill(app, new_id, [_answer()] * 2)
    listed = as_lead.get(f"/audits/{new_audit}/questionnaires")
    note = listed.soup.select_one(f"#carried-{new_id}")
    assert note is not None and note.get_text(strip=True) == "40 answers carried from version 1"
    shown = as_lead.get(f"/audits/{new_audit}/questionnaires/{new_id}")
    assert "42 (40 answers carried from version 1)" in shown.text
    earlier = as_lead.get(f"/audits/{cast.dementia.id}/questionnaires")
    note = earlier.soup.select_one(f"#carried-{old_id}")
    assert note is not None and note.get_text(strip=True) == "Carried on into version 2"
    old_page = as_lead.get(f"/audits/{cast.dementia.id}/questionnaires/{old_id}")
    inset = old_page.soup.select_one("#carried-on")
    assert inset is not None and inset.select_one("a")["href"].endswith(  # type: ignore[index]
        f"/audits/{new_audit}/questionnaires/{new_id}"
    )
    assert old_page.soup.find("a", string="Import a CSV file") is None
    assert _buttons(old_page) == []  # no reopening


def test_a_carried_on_questionnaire_takes_no_more_changes_or_imports(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    old_id, _ = _open(app, cast.dementia.id)
    waiting = _start_import(app, old_id, "cares_for\ndementia\n")
    new_audit = _publish_and_start_new_version(as_lead, cast.dementia.id)
    new_id = _questionnaire_of(app, new_audit)
    base = f"/audits/{cast.dementia.id}/questionnaires/{old_id}"
    copy = f"/audits/{new_audit}/questionnaires/{new_id}"
    reopen = as_lead.post(f"{base}/status", {"version": "2"}, follow=True, status=200)
    assert reopen.h1 == "Carers' survey"
    assert (
        "‘Carers' survey’ carried on into version 2: make changes and import answers here."
        in reopen.text
    )
    assert _buttons(reopen) == ["Close the questionnaire"]
    assert as_lead.get(f"{base}/import", status=302).response.location.endswith(copy)
    followed = as_lead.post(
        f"{base}/import", {"csv_file": (b"", "x.csv")}, content_type="multipart/form-data"
    )
    assert followed.response.location.endswith(copy)
    # The import waiting for its columns moved to the new version with its file.
    moved = as_lead.get(f"{base}/imports/{waiting}/columns", status=302)
    assert moved.response.location.endswith(copy)
    mapping = as_lead.get(f"{copy}/imports/{waiting}/columns")
    assert mapping.h1 == "Match the columns to the questions"
    with app.app_context():
        old = db.session.get(Questionnaire, old_id)
        assert old is not None and old.status == "closed"


def test_finished_imports_are_copied_and_answers_point_to_the_copies(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    old_id, _ = _survey_with_answers(app, as_lead, cast)
    new_audit = _publish_and_start_new_version(as_lead, cast.dementia.id)
    new_id = _questionnaire_of(app, new_audit)
    with app.app_context():
        imports = db.session.scalars(
            select(QuestionnaireImport).order_by(QuestionnaireImport.id)
        ).all()
        assert [(i.questionnaire_id, i.status, i.rows_total) for i in imports] == [
            (old_id, "done", 6),
            (new_id, "done", 6),
        ]
        pointed = db.session.scalars(
            select(QuestionnaireResponse.import_id)
            .where(QuestionnaireResponse.questionnaire_id == new_id)
            .where(QuestionnaireResponse.source == "import")
        )
        assert set(pointed) == {imports[1].id}
    shown = as_lead.get(f"/audits/{new_audit}/questionnaires/{new_id}")
    listed = shown.soup.select_one("#imports")
    assert listed is not None and "Imported" in listed.get_text()


def test_answers_carried_twice_count_from_the_version_before(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    first, _ = _open(app, cast.dementia.id)
    _fill(app, first, [_answer()] * 5)
    second_audit = _publish_and_start_new_version(as_lead, cast.dementia.id)
    _fill(app, _questionnaire_of(app, second_audit), [_answer()] * 2)
    third_audit = _publish_and_start_new_version(as_lead, second_audit)
    third = _questionnaire_of(app, third_audit)
    listed = as_lead.get(f"/audits/{third_audit}/questionnaires")
    note = listed.soup.select_one(f"#carried-{third}")
    assert note is not None and note.get_text(strip=True) == "7 answers carried from version 2"
    assert _results(app, third_audit, third).responses == 7
    assert _results(app, cast.dementia.id, first).responses == 5


def test_signed_in_people_cannot_answer_a_closed_questionnaire(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    questionnaire_id, _ = _open(app, cast.dementia.id, "partner_views")
    as_lead.post(
        f"/audits/{cast.dementia.id}/questionnaires/{questionnaire_id}/status", {"version": "1"}
    )
    as_lead.switch("partner@example.org")
    base = f"/audits/{cast.dementia.id}/questionnaires/{questionnaire_id}/answer"
    page = as_lead.get(f"{base}/1", status=410)
    assert page.h1 == "This questionnaire is closed"
    as_lead.post(f"{base}/check", {}, status=410)
    with app.app_context():
        assert db.session.scalars(select(QuestionnaireResponse)).all() == []


def test_an_import_saving_while_a_new_version_starts_follows_the_questionnaire(
    app: Flask, as_lead: Visitor, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit_id = cast.dementia.id
    old_id, _ = _open(app, audit_id)
    definition = _definition(app, old_id)
    import_id = _start_import(app, old_id, importing.responses_csv(definition, VARIED))
    as_lead.post(f"/audits/{audit_id}/publish", {"note": ""})
    # Another lead, in a request of their own, starts a new version while this
    # import is checking its rows: too late for the import to move with the
    # waiting ones, before it saves.
    colleague = Visitor(app.test_client())
    colleague.sign_in("lead@example.org")
    started: list[int] = []
    real_rows = importing.checked_rows

    def rows_while_a_new_version_starts(*args: Any) -> Any:
        # A thread of its own, as another worker: its own app context and session.
        other = threading.Thread(
            target=lambda: started.append(_new_version_id(colleague, audit_id))
        )
        other.start()
        other.join()
        yield from real_rows(*args)

    monkeypatch.setattr(importing, "checked_rows", rows_while_a_new_version_starts)
    base = f"/audits/{audit_id}/questionnaires/{old_id}"
    mapping = {f"column_{q.code}": q.code for q in definition.questions}
    as_lead.post(f"{base}/imports/{import_id}/columns", mapping)
    [new_audit] = started
    new_id = _questionnaire_of(app, new_audit)
    # The answers are in the new version; the published version did not change.
    assert _results(app, new_audit, new_id).responses == len(VARIED)
    assert _results(app, audit_id, old_id).responses == 0
    with app.app_context():
        moved = db.session.get(QuestionnaireImport, import_id)
        assert moved is not None and (moved.questionnaire_id, moved.status) == (new_id, "done")
    # The status page the lead was sent to follows the import.
    status = as_lead.get(f"{base}/imports/{import_id}", follow=True)
    assert status.h1 == "Imported"
    assert status.response.request.path == (
        f"/audits/{new_audit}/questionnaires/{new_id}/imports/{import_id}"
    )


def test_an_import_status_page_of_another_questionnaire_is_not_found(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    survey, _ = _open(app, cast.dementia.id)
    views, _ = _open(app, cast.dementia.id, "partner_views")
    import_id = _start_import(app, survey, "cares_for\ndementia\n")
    base = f"/audits/{cast.dementia.id}/questionnaires"
    as_lead.get(f"{base}/{survey}/imports/{import_id}")
    as_lead.get(f"{base}/{views}/imports/{import_id}", status=404)
    as_lead.get(f"{base}/{survey}/imports/{import_id + 1}", status=404)


def _new_version_id(visitor: Visitor, audit_id: int) -> int:
    page = visitor.post(f"/audits/{audit_id}/new-version", {})
    return int(page.response.location.rsplit("/", 1)[1])


def test_commissioners_go_on_answering_at_the_published_address_after_a_new_version(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    audit_id = cast.dementia.id
    old_id, _ = _open(app, audit_id, "commissioner_priorities")
    definition = _definition(app, old_id)
    new_audit = _publish_and_start_new_version(as_lead, audit_id)
    new_id = _questionnaire_of(app, new_audit, "commissioner_priorities")
    commissioner = as_lead.switch("commissioner@example.org")
    commissioner.get(f"/audits/{new_audit}", status=404)  # the draft stays out of sight
    listed = commissioner.get(f"/audits/{audit_id}/questionnaires")
    [link] = listed.soup.select("#to-answer a")
    base = f"/audits/{audit_id}/questionnaires/{old_id}/answer"
    assert link["href"] == f"{base}/1"
    answers = {
        "three_changes": ["breaks", "emergency", "work"],
        "kind_of_change": "unmet_need",
        "affordable": 2,
        "measures": None,
    }
    thanks = _answer_all(commissioner, base, definition, answers)
    assert thanks.h1.startswith("Thank you")
    # The answers feed the new version; the published version keeps its results.
    assert [r["kind_of_change"] for r in _responses(app, new_id)] == ["unmet_need"]
    assert _responses(app, old_id) == []
    listed = commissioner.get(f"/audits/{audit_id}/questionnaires")
    assert "You answered on" in listed.soup.select_one("#to-answer").get_text()
    # Answering again replaces their answers in the new version.
    _answer_all(commissioner, base, definition, {**answers, "kind_of_change": "sustain"})
    assert [r["kind_of_change"] for r in _responses(app, new_id)] == ["sustain"]
