"""Requests sent by several people (or tabs) at the same moment. Every save bumps
the audit's revision, so nothing cached per revision (the ratings grid, maps, the
PDF's out-of-date check) outlives a change; the same request sent many times gets
one result and, for everyone else, a clear page: never a 500, never "the database
did not respond". Each thread is its own browser session, request and connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from flask import Flask
from sqlalchemy import func, select

from audit_app.extensions import db
from audit_app.models import Audit, AuditMembership, Rating, User
from audit_app.services import judgements
from tests.visit import Page, Visitor
from tests.web.conftest import Cast

T = TypeVar("T")
AT_ONCE = 10


def _all_at_once(tasks: list[Callable[[], T]]) -> list[T]:
    """Run every task in its own thread, released together."""
    start = threading.Barrier(len(tasks))

    def run(task: Callable[[], T]) -> T:
        start.wait()
        return task()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return [future.result() for future in [pool.submit(run, task) for task in tasks]]


def test_an_invitation_accepted_ten_times_at_once_makes_one_account(app: Flask, cast: Cast) -> None:
    from audit_app.services import accounts

    with app.app_context():
        audit = db.session.get(Audit, cast.draft.id)
        lead = db.session.get(User, cast.lead.id)
        issued = accounts.invite(audit, "new.partner@example.org", "partner", lead, None, 7)  # type: ignore[arg-type]
    link = f"/invitation/{issued.token}"
    visitors = [Visitor(app.test_client()) for _ in range(AT_ONCE)]
    tokens = [visitor.get(link).csrf_token() for visitor in visitors]
    form = {"name": "New Partner", "password": "a-long-new-password", "confirm_password": ""}
    form["confirm_password"] = form["password"]

    def accept(visitor: Visitor, token: str | None) -> Callable[[], Page]:
        return lambda: visitor.post(link, {**form, "csrf_token": token}, status=None)  # type: ignore[arg-type]

    pages = _all_at_once([accept(v, t) for v, t in zip(visitors, tokens, strict=True)])
    overview = f"/audits/{cast.draft.id}"
    joined = [page for page in pages if page.response.location == overview]
    assert len(joined) == 1 and joined[0].status == 302
    for page in pages:
        if page is joined[0]:
            continue
        # Too late: told the link is used (or, once the account exists, to sign in).
        if page.status == 409:
            assert page.h1 == "This invitation has already been used"
            assert page.soup.select_one('a[href^="/sign-in"]') is not None
        elif page.status == 302:
            assert page.response.location.startswith("/sign-in")
        else:
            assert (page.status, page.h1) == (404, "This invitation link cannot be used")
    with app.app_context():
        accounts_made = db.session.scalars(
            select(User).where(User.email == "new.partner@example.org")
        ).all()
        assert len(accounts_made) == 1
        memberships = db.session.scalar(
            select(func.count())
            .select_from(AuditMembership)
            .where(AuditMembership.user_id == accounts_made[0].id)
        )
        assert memberships == 1


def test_a_new_rating_cell_saved_by_ten_sessions_at_once_never_says_the_database_failed(
    app: Flask, cast: Cast
) -> None:
    audit_id = cast.draft.id
    visitors = _signed_in_as_lead(app, AT_ONCE)
    grid = visitors[0].get(f"/audits/{audit_id}/ratings")
    cell_url = str(grid.soup.select_one('a[href*="/ratings/"]')["href"])  # type: ignore[index]
    tokens = [visitor.get(cell_url).csrf_token() for visitor in visitors]
    rags = ["red", "amber", "green"]

    def save(n: int, visitor: Visitor, token: str | None) -> Callable[[], Page]:
        data = {"rag": rags[n % 3], "maturity": "early", "version": "", "csrf_token": token}
        return lambda: visitor.post(cell_url, data, status=None)

    pages = _all_at_once(
        [save(n, v, t) for n, (v, t) in enumerate(zip(visitors, tokens, strict=True))]
    )
    assert all(page.status in {200, 302} for page in pages)
    refused = [page for page in pages if page.status == 200]
    for page in refused:  # the normal stale-save page: someone else's version shown
        assert page.error_summary() and "database did not respond" not in page.text
        assert "Someone else saved this judgement" in page.text
    assert len(refused) < AT_ONCE
    with app.app_context():
        cells = db.session.scalars(select(Rating).where(Rating.audit_id == audit_id)).all()
        assert len(cells) == 1


def test_grids_saved_by_several_sessions_at_once_keep_every_cell_no_one_else_touched(
    app: Flask, cast: Cast
) -> None:
    from tests.web.test_ratings import _grid_form

    audit_id = cast.draft.id
    url = f"/audits/{audit_id}/ratings"
    sessions = 5
    visitors = _signed_in_as_lead(app, sessions)
    page = visitors[0].get(url)
    groups = [
        str(select_["name"]).removeprefix("rag-information-")
        for select_ in page.soup.select('select[name^="rag-information-"]')
    ][:sessions]
    assert len(groups) == sessions
    forms = []
    for n, (visitor, group) in enumerate(zip(visitors, groups, strict=True)):
        shown = visitor.get(url)
        form = _grid_form(shown, **{"rag-breaks-older_people": ["red", "amber", "green"][n % 3]})
        form[f"rag-information-{group}"] = "green"  # a cell only this session changes
        form["csrf_token"] = shown.csrf_token()
        forms.append(form)

    def save(visitor: Visitor, form: dict[str, object]) -> Callable[[], Page]:
        return lambda: visitor.post(url, form, status=None)

    pages = _all_at_once([save(v, f) for v, f in zip(visitors, forms, strict=True)])
    assert all(page.status in {200, 302} for page in pages)
    assert not [page for page in pages if "database did not respond" in page.text]
    with app.app_context():
        saved = {
            (r.intervention, r.group_code): r.rag
            for r in db.session.scalars(select(Rating).where(Rating.audit_id == audit_id))
        }
    assert {("information", group): "green" for group in groups}.items() <= saved.items()
    assert ("breaks", "older_people") in saved


def _signed_in_as_lead(app: Flask, count: int) -> list[Visitor]:
    """``count`` browsers signed in as the lead (one sign-in, its cookie copied)."""
    visitors = [Visitor(app.test_client()) for _ in range(count)]
    visitors[0].sign_in("lead@example.org")
    cookie = visitors[0].client.get_cookie("session", domain="audit.test")
    assert cookie is not None
    for visitor in visitors[1:]:
        visitor.client.set_cookie("session", cookie.value, domain="audit.test")
    return visitors


SAVES = 20
READERS = 4
RAGS = ["red", "amber", "green"]
MATURITIES = ["early", "intermediate", "advanced"]


def _cells(app: Flask, audit_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        grid = judgements.rating_grid(audit)  # type: ignore[arg-type]
        return [(i.code, g.code) for i in grid.framework.interventions for g in grid.groups]


def _revision(app: Flask, audit_id: int) -> int:
    with app.app_context():
        return db.session.get(Audit, audit_id).revision  # type: ignore[union-attr]


def test_concurrent_cell_saves_each_bump_the_revision_and_the_grid_shows_them_all(
    app: Flask, cast: Cast
) -> None:
    audit_id = cast.draft.id
    cells = _cells(app, audit_id)[:SAVES]
    assert len(cells) == SAVES
    wanted = {cell: (RAGS[n % 3], MATURITIES[(n // 3) % 3]) for n, cell in enumerate(cells)}
    writers = _signed_in_as_lead(app, SAVES + READERS)
    grid_url = f"/audits/{audit_id}/ratings"
    forms = {}
    for visitor, (intervention, group) in zip(writers, cells, strict=False):
        page = visitor.get(f"/audits/{audit_id}/ratings/{intervention}/{group}")
        forms[(intervention, group)] = page.csrf_token()
    before = _revision(app, audit_id)
    start = threading.Barrier(SAVES + READERS)
    writing = threading.Event()
    writing.set()

    def save(visitor: Visitor, cell: tuple[str, str]) -> int:
        rag, maturity = wanted[cell]
        data: dict[str, Any] = {"rag": rag, "maturity": maturity, "version": ""}
        data["csrf_token"] = forms[cell]
        start.wait()
        return visitor.post(f"/audits/{audit_id}/ratings/{cell[0]}/{cell[1]}", data).status

    def read(visitor: Visitor) -> int:
        start.wait()
        reads = 0
        while writing.is_set():  # fill the cache at whatever revision is current
            visitor.get(grid_url)
            reads += 1
        return reads

    with ThreadPoolExecutor(max_workers=SAVES + READERS) as pool:
        readers = [pool.submit(read, visitor) for visitor in writers[SAVES:]]
        saves = [
            pool.submit(save, visitor, cell)
            for visitor, cell in zip(writers[:SAVES], cells, strict=True)
        ]
        try:
            statuses = [future.result() for future in saves]
        finally:
            writing.clear()  # a save that raised must not leave the readers reading forever
        assert all(future.result() >= 1 for future in readers)
    assert statuses == [302] * SAVES  # every save went through (new cells, no conflicts)
    page = writers[0].get(grid_url)
    shown = {
        (intervention, group): (
            page.value(f"rag-{intervention}-{group}"),
            page.value(f"maturity-{intervention}-{group}"),
        )
        for intervention, group in cells
    }
    assert (_revision(app, audit_id) - before, shown) == (SAVES, wanted)


def test_a_new_record_someone_created_meanwhile_is_a_stale_edit_showing_theirs(
    app: Flask, cast: Cast
) -> None:
    """The deterministic core of the race above: the form saw no rating for the cell,
    someone else's rating is in by the time this one is saved."""
    from audit_app.services.changes import (
        Change,
        CreatedMeanwhile,
        SaveFailed,
        StaleEdit,
        save_all,
    )

    with app.app_context():
        audit = db.session.get(Audit, cast.draft.id)
        lead = db.session.get(User, cast.lead.id)
        assert audit is not None and lead is not None
        cell = {"audit_id": audit.id, "intervention": "breaks", "group_code": "older_people"}
        theirs = Change(
            audit, Rating(**cell), {"rag": "red", "maturity": "early"}, "rating", "x", 0
        )
        mine = Change(
            audit, Rating(**cell), {"rag": "green", "maturity": "early"}, "rating", "x", 0
        )
        save_all([theirs], lead)
        with pytest.raises(CreatedMeanwhile) as raised:
            save_all([mine], lead)
        assert isinstance(raised.value, StaleEdit) and isinstance(raised.value, SaveFailed)
        assert raised.value.current["rag"] == "red"
        assert db.session.scalars(select(Rating.rag)).all() == ["red"]
