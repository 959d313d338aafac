"""Places where a first-time user stopped and wondered (issue #19): each page says
what it means, offers only what can be done, and defaults as its grid does."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import ChecklistJudgement, OutcomePriority
from tests.visit import Page, Visitor
from tests.web.conftest import Cast


def _banner(page: object) -> str:
    found = page.soup.select_one(".govuk-notification-banner")  # type: ignore[attr-defined]
    return found.get_text(" ", strip=True) if found else ""


def test_removing_an_intervention_nobody_rated_does_not_speak_of_kept_ratings(
    as_lead: Visitor, cast: Cast
) -> None:
    url = f"/audits/{cast.dementia.id}/framework/interventions/breaks/remove"
    page = as_lead.submit(as_lead.get(url))
    shown = as_lead.get(page.response.headers["Location"])
    assert "‘Breaks’ removed." in _banner(shown)
    assert "ratings" not in _banner(shown)


def test_removing_a_rated_intervention_says_its_ratings_are_kept(
    as_lead: Visitor, cast: Cast
) -> None:
    audit_id = cast.dementia.id
    as_lead.post(
        f"/audits/{audit_id}/ratings/breaks/dementia",
        {"rag": "red", "maturity": "early", "rationale": "No evening cover", "version": ""},
    )
    url = f"/audits/{audit_id}/framework/interventions/breaks/remove"
    page = as_lead.submit(as_lead.get(url))
    shown = as_lead.get(page.response.headers["Location"])
    assert "Its ratings are kept in the audit trail." in _banner(shown)


def test_checklist_cell_saves_a_status_alone_with_the_indicator_not_rated(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.get(f"/audits/{cast.dementia.id}/checklist/2b/dementia")
    assert page.value("indicator") == "not_rated", "defaults as the grid does"
    as_lead.submit(page, changes={"status": "partly"})
    with app.app_context():
        judgement = db.session.scalar(select(ChecklistJudgement))
        assert judgement is not None
        assert (judgement.status, judgement.indicator) == ("partly", "not_rated")


def test_rating_cell_defaults_both_scales_to_not_rated(as_lead: Visitor, cast: Cast) -> None:
    page = as_lead.get(f"/audits/{cast.dementia.id}/ratings/breaks/dementia")
    assert (page.value("rag"), page.value("maturity")) == ("not_rated", "not_rated")


def test_ranked_outcomes_read_as_places_not_two_numbers(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    with app.app_context():
        db.session.add_all(
            [
                OutcomePriority(audit_id=cast.dementia.id, outcome="4", rank=1),
                OutcomePriority(audit_id=cast.dementia.id, outcome="2", rank=2),
            ]
        )
        db.session.commit()
    page = as_lead.get(f"/audits/{cast.dementia.id}/needs/outcomes")
    ranking = [li.get_text(" ", strip=True) for li in page.soup.select("#ranking > li")]
    assert ranking[0].startswith("1st: Mentally and physically well (outcome 4)"), ranking
    assert ranking[1].startswith("2nd: "), ranking
    assert "(outcome 2)" in ranking[1]
    priorities = as_lead.get(f"/audits/{cast.dementia.id}/plan/priorities")
    places = [
        li.get_text(" ", strip=True) for li in priorities.soup.select("#outcomes-that-matter > li")
    ]
    assert places[0].startswith("1st: Mentally and physically well (outcome 4)"), places


def test_the_next_cycle_is_offered_on_published_audits_only(as_lead: Visitor, cast: Cast) -> None:
    draft = as_lead.get(f"/audits/{cast.draft.id}")
    assert "Start the next cycle" not in draft.text
    page = as_lead.get(f"/audits/{cast.draft.id}/next-cycle")
    assert page.soup.select_one("#publish-first") is not None
    assert page.soup.select_one("main form[method=post]") is None
    as_lead.post(
        f"/audits/{cast.draft.id}/next-cycle", {"title": "Next", "cycle": "2027/28"}, status=200
    )


def test_a_published_audit_says_how_a_new_version_and_the_next_cycle_differ(
    as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.get(f"/audits/{cast.published.id}")
    assert "Start a new version" in page.text and "Start the next cycle" in page.text
    version = page.soup.select_one("#new-version-hint").get_text(" ", strip=True)
    cycle = page.soup.select_one("#next-cycle-hint").get_text(" ", strip=True)
    assert "same year" in version and "following year" in cycle


def test_the_import_page_lists_every_column_with_its_codes_and_their_meanings(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    from tests.web.test_questionnaires import _definition, _open

    questionnaire_id, _ = _open(app, cast.draft.id)
    definition = _definition(app, questionnaire_id)
    page = as_lead.get(f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}/import")
    guide = page.soup.select_one("#columns-guide")
    assert guide is not None
    for question in definition.questions:
        section = guide.select_one(f"#column-{question.code}")
        assert section is not None, question.code
        text = section.get_text(" ", strip=True)
        assert question.text in text
        listed = {
            row.select("td")[0].get_text(strip=True): row.select("td")[1].get_text(strip=True)
            for row in section.select("tbody tr")
        }
        assert listed == {option.code: option.label for option in question.options}
    age = guide.select_one("#column-age_band").get_text(" ", strip=True)
    assert "age_25_64" in age


def test_the_import_problems_page_links_to_import_again(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    from audit_app.services import questionnaire_import as importing
    from tests.web.test_questionnaires import _answer, _definition, _mapping, _open, _upload

    questionnaire_id, _ = _open(app, cast.draft.id)
    base = f"/audits/{cast.draft.id}/questionnaires/{questionnaire_id}"
    good = importing.responses_csv(_definition(app, questionnaire_id), [_answer()] * 2)
    columns = _upload(as_lead, base, good.replace("dementia", "cats", 1))
    url = columns.response.headers["Location"]
    report = as_lead.post(url, _mapping(as_lead.get(url)), follow=True, status=200)
    link = report.soup.select_one("#import-again")
    assert link is not None and link.get_text(strip=True) == "import it again"
    assert link["href"] == f"{base}/import"


def test_the_lead_cannot_delete_a_partners_files_from_a_submitted_return(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    import io

    from tests.web.test_evidence import PDF, _attachment_ids, _create, _submit, _url

    audit_id = cast.draft.id
    evidence_id = _create(as_partner, audit_id, attachment=(io.BytesIO(PDF), "minutes.pdf"))
    draft = as_partner.get(_url(audit_id, f"{evidence_id}"))
    assert draft.soup.select_one("form[action$='/delete'] button"), "the author may, on a draft"
    _submit(as_partner, audit_id, evidence_id)
    (attachment_id,) = _attachment_ids(app, evidence_id)
    as_lead = as_partner.switch("lead@example.org")
    page = as_lead.get(_url(audit_id, f"{evidence_id}"))
    assert "minutes.pdf" in page.text
    assert page.soup.select_one("form[action$='/delete'] button") is None
    delete = _url(audit_id, f"{evidence_id}/attachments/{attachment_id}/delete")
    as_lead.post(delete, {}, status=403)
    assert _attachment_ids(app, evidence_id) == [attachment_id]


def test_a_partners_list_flags_returns_sent_back_with_comments(
    app: Flask, as_partner: Visitor, cast: Cast
) -> None:
    from tests.web.test_evidence import _create, _decide, _submit

    audit_id = cast.draft.id
    for name in ("Breaks", "Advice line"):
        evidence_id = _create(as_partner, audit_id, service_name=name)
        _submit(as_partner, audit_id, evidence_id)
    as_partner.switch("lead@example.org")
    _decide(as_partner, audit_id, evidence_id, "return", "Say how many carers used it")
    page = as_partner.switch("partner@example.org").get("/audits/")
    tag = page.soup.select_one(f"#returned-{audit_id}")
    assert tag is not None and "1 returned with comments" in tag.get_text(" ", strip=True)
    assert tag["href"] == f"/audits/{audit_id}/evidence/?status=returned"
    assert "1 of your evidence returns was returned with comments" in page.text
    assert page.soup.select_one(f"#returned-{cast.dementia.id}") is None


def test_the_audit_trail_names_the_evidence_a_judgement_cites_not_its_ids(
    as_partner: Visitor, cast: Cast
) -> None:
    from tests.web.test_evidence import _accepted_return

    audit_id = cast.dementia.id
    evidence_id = _accepted_return(as_partner, audit_id, service_name="Sitting service")
    as_lead = as_partner.switch("lead@example.org")
    as_lead.post(
        f"/audits/{audit_id}/ratings/breaks/dementia",
        {"rag": "amber", "maturity": "early", "version": "", "evidence": [str(evidence_id)]},
    )
    trail = as_lead.get(f"/audits/{audit_id}/changes?entity=rating")
    assert "Evidence: Sitting service" in trail.text
    assert "ids" not in trail.text.lower().split()
    assert "Evidence ids" not in trail.text


def _details(visitor: Visitor, audit_id: int) -> Page:
    return visitor.get(f"/audits/{audit_id}/details")


def test_the_lead_changes_a_drafts_title_scope_and_period(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    from audit_app.models import Audit
    from tests.web.conftest import trail

    overview = as_lead.get(f"/audits/{cast.dementia.id}")
    link = overview.soup.select_one("#change-details")
    assert link is not None and link["href"] == f"/audits/{cast.dementia.id}/details"
    page = _details(as_lead, cast.dementia.id)
    assert "kept but hidden" in page.soup.select_one("#scope-judgements").get_text(" ")
    as_lead.submit(
        page,
        changes={
            "title": "Carers of people with dementia or a stroke 2027/28",
            "scope_group": ["dementia", "stroke"],
            "period_end": ["30", "9", "2028"],
        },
    )
    with app.app_context():
        audit = db.session.get(Audit, cast.dementia.id)
        assert audit is not None
        assert audit.title == "Carers of people with dementia or a stroke 2027/28"
        assert sorted(audit.scope) == ["dementia", "stroke"]
        assert (audit.period_end.day, audit.period_end.month) == (30, 9)
    [(action, label, old, new)] = trail(app, "audit")
    assert action == "changed" and label.startswith("Carers of people with dementia or a")
    assert old is not None and new is not None and set(old) == {"title", "scope", "period_end"}


def test_the_details_page_names_the_judged_groups_a_scope_change_would_hide(
    as_lead: Visitor, cast: Cast
) -> None:
    as_lead.post(
        f"/audits/{cast.dementia.id}/ratings/breaks/dementia",
        {"rag": "red", "maturity": "early", "version": ""},
    )
    text = _details(as_lead, cast.dementia.id).soup.select_one("#scope-judgements").get_text(" ")
    assert "Carers of older people with dementia: 1 rating, 0 checklist judgements" in " ".join(
        text.split()
    )


def test_the_details_page_refuses_bad_input_and_keeps_what_was_typed(
    as_lead: Visitor, cast: Cast
) -> None:
    page = _details(as_lead, cast.dementia.id)
    typed = {"title": "", "scope_kind": "group", "scope_group": [], "description": "Kept"}
    refused = as_lead.submit(page, changes=typed, status=200)
    assert "Enter a title for the audit" in refused.error_summary()
    assert "Choose the groups of carers this audit covers" in refused.error_summary()
    assert refused.value("description") is not None and "Kept" in refused.value("description")


def test_a_published_audits_details_cannot_be_changed(as_lead: Visitor, cast: Cast) -> None:
    overview = as_lead.get(f"/audits/{cast.published.id}")
    assert overview.soup.select_one("#change-details") is None
    as_lead.get(f"/audits/{cast.published.id}/details", status=409)
