"""Saves made at the same moment: every one bumps the audit's revision, so nothing
cached per revision (the ratings grid, maps, the PDF's out-of-date check) outlives
a change. Each thread is its own browser session, request and database connection."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask

from audit_app.extensions import db
from audit_app.models import Audit
from audit_app.services import judgements
from tests.visit import Visitor
from tests.web.conftest import Cast

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


def _visitors(app: Flask, count: int) -> list[Visitor]:
    """``count`` browsers signed in as the lead (one sign-in, its cookie copied)."""
    first = Visitor(app.test_client())
    first.sign_in("lead@example.org")
    cookie = first.client.get_cookie("session", domain="audit.test")
    assert cookie is not None
    visitors = [first]
    for _ in range(count - 1):
        client = app.test_client()
        client.set_cookie("session", cookie.value, domain="audit.test")
        visitors.append(Visitor(client))
    return visitors


def test_concurrent_cell_saves_each_bump_the_revision_and_the_grid_shows_them_all(
    app: Flask, cast: Cast
) -> None:
    audit_id = cast.draft.id
    cells = _cells(app, audit_id)[:SAVES]
    assert len(cells) == SAVES
    wanted = {cell: (RAGS[n % 3], MATURITIES[(n // 3) % 3]) for n, cell in enumerate(cells)}
    writers = _visitors(app, SAVES + READERS)
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
        statuses = [future.result() for future in saves]
        writing.clear()
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
