"""The list of audits (issue #21: one query for what the reader may open and the
drafts they wait for; their organisation named without loading it)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Organisation
from tests.visit import Visitor
from tests.web.conftest import Cast


@pytest.mark.parametrize(
    ("email", "caption"),
    [
        ("lead@example.org", "Northshire County Council"),  # also an area of their audits
        ("commissioner@example.org", "Northshire ICB"),  # the area of none
        ("partner@example.org", "Northshire Carers Centre"),
        ("admin@example.org", "Administrator"),
    ],
)
def test_the_list_names_the_readers_organisation_as_it_is_now(
    app: Flask, visitor: Visitor, cast: Cast, email: str, caption: str
) -> None:
    visitor.sign_in(email)
    page = visitor.get("/audits/")
    assert page.soup.select_one(".govuk-caption-l").get_text(strip=True) == caption
    if caption == "Administrator":
        return
    with app.app_context():
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == caption))
        assert organisation
        organisation.name = f"{caption} (renamed)"
        db.session.commit()
    page = visitor.get("/audits/")
    assert page.soup.select_one(".govuk-caption-l").get_text(strip=True) == f"{caption} (renamed)"


def test_a_commissioner_lists_what_is_published_and_waits_for_the_drafts_oldest_first(
    visitor: Visitor, cast: Cast
) -> None:
    visitor.sign_in("commissioner@example.org")
    page = visitor.get("/audits/")
    listed = [
        a.get_text(strip=True) for a in page.soup.select("table tbody tr th a, table tbody tr td a")
    ]
    assert listed == [cast.published.title]
    waiting = page.soup.select_one("#waiting-for-publication + p + ul")
    assert waiting is not None
    assert [li.get_text(strip=True) for li in waiting.select("li")] == [
        f"{cast.draft.title} (Northshire County Council)",
        f"{cast.dementia.title} (Northshire County Council)",
    ]
    # The lead waits for nothing: every audit of theirs is listed.
    visitor.sign_out()
    visitor.sign_in("lead@example.org")
    page = visitor.get("/audits/")
    assert page.soup.select_one("#waiting-for-publication") is None
    listed = [
        a.get_text(strip=True) for a in page.soup.select("table tbody tr th a, table tbody tr td a")
    ]
    assert sorted(listed) == sorted([cast.draft.title, cast.published.title, cast.dementia.title])


@pytest.mark.parametrize(
    "email", ["lead@example.org", "commissioner@example.org", "partner@example.org"]
)
def test_the_list_reads_the_user_with_their_organisation_and_audits_in_one_statement(
    app: Flask, visitor: Visitor, cast: Cast, email: str
) -> None:
    """The user loader reads the organisation the caption names and the audits they
    are a member of, with the drafts waiting, with the user
    (access.user_and_memberships); a partner's returns sent back to them are one
    statement more."""
    from tests.web.test_query_counts import counting

    visitor.sign_in(email)
    with counting(app) as statements:
        visitor.get("/audits/")
    assert len(statements) == (2 if email.startswith("partner") else 1), statements
