"""audit_app.gc_pauses: the worker freezes at the requests named, and only then."""

from __future__ import annotations

import gc

import pytest
from flask import Flask

from audit_app.gc_pauses import freeze_when_warm


def test_the_worker_freezes_after_the_requests_named(monkeypatch: pytest.MonkeyPatch) -> None:
    done: list[str] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: done.append(f"collect {generation}"))
    monkeypatch.setattr(gc, "freeze", lambda: done.append("freeze"))
    app = Flask(__name__)
    app.get("/")(lambda: "page")
    freeze_when_warm(app, after=(2, 5))
    client = app.test_client()
    seen = []
    for n in range(1, 7):
        client.get("/")
        seen.append((n, list(done)))
        done.clear()
    assert seen == [
        (1, []),
        (2, ["collect 1", "freeze"]),
        (3, []),
        (4, []),
        (5, ["collect 1", "freeze"]),
        (6, []),
    ]
