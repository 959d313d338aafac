"""The quick grids' per-row Save buttons (issue #19): a row's button saves that
row alone; what was typed elsewhere is shown again, not saved, and not lost."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import ChecklistJudgement, Rating
from tests.visit import Page, Visitor
from tests.web.conftest import Cast


def _grades(app: Flask, audit_id: int) -> dict[tuple[str, str], tuple[str, str]]:
    with app.app_context():
        return {
            (r.intervention, r.group_code): (r.rag, r.maturity)
            for r in db.session.scalars(select(Rating).where(Rating.audit_id == audit_id))
        }


def _url(cast: Cast) -> str:
    return f"/audits/{cast.draft.id}/ratings"


def _save_row(as_lead: Visitor, page: Page, row: str, status: int = 302, **typed: str) -> Page:
    return as_lead.submit(page, changes=typed, button=f"row={row}", status=status)


def test_each_row_has_its_own_save_button_after_its_selects(as_lead: Visitor, cast: Cast) -> None:
    page = as_lead.get(_url(cast))
    body = page.soup.select_one("#row-breaks")
    assert body is not None
    controls = [tag.get("name") for tag in body.select("select, button")]
    assert controls[-1] == "row" and controls[:-1] == [
        f"{scale}-breaks-{group}"
        for group in [th["id"][2:] for th in page.soup.select("thead th[id^=g-]")]
        for scale in ("rag", "maturity")
    ]
    button = body.select_one("button[name=row]")
    assert button is not None and button["value"] == "breaks"
    assert button.get_text(" ", strip=True) == "Save the ratings for Breaks"
    # Visible labels, and the group in each select's accessible name.
    assert [label.get_text() for label in body.select("label")][:2] == ["Rating", "Maturity"]
    select = body.select_one("select[name=rag-breaks-older_people]")
    assert select is not None
    ids = str(select["aria-labelledby"]).split()
    names = [page.soup.select_one(f"#{id_}").get_text() for id_ in ids]  # type: ignore[union-attr]
    assert names == ["Rating", "Breaks", "Carers of older people"]


def test_a_rows_save_button_saves_that_row_alone(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    page = as_lead.get(_url(cast))
    done = _save_row(
        as_lead,
        page,
        "breaks",
        **{"rag-breaks-older_people": "amber", "maturity-breaks-older_people": "early"},
    )
    assert done.response.location.endswith("/ratings#row-breaks")
    assert _grades(app, cast.draft.id) == {("breaks", "older_people"): ("amber", "early")}
    banner = as_lead.get(_url(cast)).soup.select_one(".govuk-notification-banner")
    assert banner is not None
    assert "Saved 1 change to the ratings for Breaks." in banner.get_text(" ", strip=True)


def test_changes_typed_in_other_rows_are_kept_on_the_page_but_not_saved(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.get(_url(cast))
    after = _save_row(
        as_lead,
        page,
        "breaks",
        status=200,
        **{
            "rag-breaks-older_people": "red",
            "rag-housing-older_people": "green",
            "maturity-information-mental_health": "advanced",
        },
    )
    assert _grades(app, cast.draft.id) == {("breaks", "older_people"): ("red", "not_rated")}
    notice = after.soup.select_one("#grid-unsaved")
    assert notice is not None
    text = notice.get_text(" ", strip=True)
    assert "You also changed 2 ratings in other rows" in text
    assert "Housing support, Carers of older people: Green, Not rated" in text
    # What was typed is still on the page, ready to save.
    assert after.value("rag-housing-older_people") == "green"
    assert after.value("maturity-information-mental_health") == "advanced"
    assert after.value("rag-breaks-older_people") == "red"
    assert "Saved 1 change to the ratings for Breaks." in after.text
    # Saving the page as it stands ("Save all changes") now saves them too.
    as_lead.submit(after)
    assert _grades(app, cast.draft.id) == {
        ("breaks", "older_people"): ("red", "not_rated"),
        ("housing", "older_people"): ("green", "not_rated"),
        ("information", "mental_health"): ("not_rated", "advanced"),
    }


def test_a_rows_save_keeps_other_rows_saved_by_someone_else_meanwhile(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = _url(cast)
    as_lead.submit(as_lead.get(url), changes={"rag-housing-older_people": "amber"})
    stale = as_lead.get(url)
    other = Visitor(app.test_client())
    other.sign_in("lead@example.org")
    other.submit(
        other.get(url), changes={"rag-housing-older_people": "green"}, button="row=housing"
    )
    # My page still shows Amber for Housing: saving Breaks must not put it back.
    _save_row(as_lead, stale, "breaks", **{"rag-breaks-older_people": "red"})
    assert _grades(app, cast.draft.id) == {
        ("breaks", "older_people"): ("red", "not_rated"),
        ("housing", "older_people"): ("green", "not_rated"),
    }


def test_a_stale_row_shows_both_versions_and_keeps_what_was_typed(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    url = _url(cast)
    as_lead.submit(as_lead.get(url), changes={"rag-breaks-older_people": "amber"})
    stale = as_lead.get(url)
    other = Visitor(app.test_client())
    other.sign_in("lead@example.org")
    other.submit(other.get(url), changes={"rag-breaks-older_people": "green"}, button="row=breaks")
    conflict = _save_row(
        as_lead,
        stale,
        "breaks",
        status=200,
        **{"rag-breaks-older_people": "red", "maturity-breaks-mental_health": "early"},
    )
    summary = conflict.soup.select_one(".govuk-error-summary")
    assert summary is not None
    text = summary.get_text(" ", strip=True)
    assert "Some ratings were changed by someone else" in text
    assert "Breaks, Carers of older people: their version is Green" in text
    assert "yours is Red" in text
    assert "Saved 1 change to the ratings for Breaks." in text  # the cell nobody else changed
    assert conflict.value("rag-breaks-older_people") == "red"  # what I typed, shown again
    assert _grades(app, cast.draft.id) == {
        ("breaks", "older_people"): ("green", "not_rated"),
        ("breaks", "mental_health"): ("not_rated", "early"),
    }
    # Keeping mine: the row's Save button on the conflict page.
    _save_row(as_lead, conflict, "breaks")
    assert _grades(app, cast.draft.id)[("breaks", "older_people")] == ("red", "not_rated")


def test_a_row_with_a_bad_value_saves_nothing_and_keeps_what_was_typed(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    page = as_lead.get(_url(cast))
    errors = _save_row(
        as_lead,
        page,
        "breaks",
        status=200,
        **{"rag-breaks-older_people": "purple", "maturity-breaks-older_people": "advanced"},
    )
    assert "Not a valid choice." in errors.error_summary()
    assert errors.field_error("rag-breaks-older_people") == "Not a valid choice."
    assert errors.value("maturity-breaks-older_people") == "advanced"
    assert _grades(app, cast.draft.id) == {}


def test_a_row_the_grid_does_not_have_is_refused(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    page = as_lead.get(_url(cast))
    forged = {"row": "no_such_row", "rag-breaks-older_people": "red"}
    as_lead.submit(page, changes=forged, status=400)
    assert _grades(app, cast.draft.id) == {}


def test_the_checklist_saves_one_row_alone(app: Flask, as_lead: Visitor, cast: Cast) -> None:
    url = f"/audits/{cast.dementia.id}/checklist"
    page = as_lead.get(url)
    button = page.soup.select_one("#row-2b button[name=row]")
    assert button is not None and button.get_text(" ", strip=True) == "Save the checklist for 2b"
    after = as_lead.submit(
        page,
        changes={"status-2b-dementia": "partly", "status-1a-dementia": "in_place"},
        button="row=2b",
        status=200,
    )
    with app.app_context():
        saved = {
            (j.sub_outcome, j.group_code): j.status
            for j in db.session.scalars(select(ChecklistJudgement))
        }
    assert saved == {("2b", "dementia"): "partly"}
    assert after.value("status-1a-dementia") == "in_place"
    assert "You also changed 1 judgement in other rows" in after.text


def test_the_grid_stays_light(as_lead: Visitor, cast: Cast) -> None:
    """The lead's grid was 173 KB for 102 cells (about 1,620 bytes a cell, issue #21):
    labels and per-row buttons must not make it heavier."""
    page = as_lead.get(_url(cast))
    html = page.response.get_data(as_text=True)
    table = html[html.index("<table") : html.index("</table>")]
    cells = len(page.soup.select("select[name^=rag-]"))
    assert cells >= 12
    assert len(table) / cells < 1550, f"{len(table) / cells:.0f} bytes a cell"


def test_a_row_saved_unchanged_says_nothing_was_saved(
    app: Flask, as_lead: Visitor, cast: Cast
) -> None:
    _save_row(as_lead, as_lead.get(_url(cast)), "breaks")
    banner = as_lead.get(_url(cast)).soup.select_one(".govuk-notification-banner")
    assert banner is not None and "success" not in " ".join(banner.get("class") or [])
    text = banner.get_text(" ", strip=True)
    assert "You changed nothing in the ratings for Breaks, so nothing was saved." in text
    assert _grades(app, cast.draft.id) == {}
