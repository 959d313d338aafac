"""CPU time of one request of each page, in-process (no gunicorn, no network).

The same pages, database and accounts as bench.page_latency, through Flask's test
client with the garbage collector frozen as wsgi.py does; best of three rounds of
five requests each, beside the shared floor app's page timed the same way (x: the
page over the floor). Less disturbed by a busy machine than wall-clock latency.

    .venv/bin/python -m bench.page_cpu [--database-url URL]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import time
from typing import Any

from bench.page_latency import (
    COMMISSIONER,
    FLOOR,
    LEAD,
    PASSWORD,
    _csrf_token,
    _paths,
    _prepare,
)
from bench.seed_national import DEFAULT_URL, make_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--areas", type=int, default=150)
    args = parser.parse_args()
    target = _prepare(args.database_url, args.areas)
    app = make_app(args.database_url)
    app.config.update(SESSION_COOKIE_SECURE=False, RATELIMIT_ENABLED=False)
    pages = _paths(app, target, False)
    gc.collect()
    gc.freeze()
    floor = _floor_ms()
    print(f"{'page':<26} {'cpu ms':>7} {'x':>5} {'KB':>7}")
    print(f"{'FLOOR (floor_app.py)':<26} {floor:>7.2f} {1:>5.2f}")
    for role, email in (("lead", LEAD), ("commissioner", COMMISSIONER)):
        client = app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        client.post(
            "/sign-in", data={"csrf_token": _csrf_token(page), "email": email, "password": PASSWORD}
        )
        print(f"-- {role}")
        for name, path in pages[role]:
            best, response = _best_ms(client, path)
            size = len(response.data) / 1024
            print(f"{name:<26} {best:>7.2f} {best / floor:>5.2f} {size:>7.1f}")


def _best_ms(client: Any, path: str) -> tuple[float, Any]:
    """Best of three rounds of five requests (after one to warm up): CPU ms per request."""
    response = client.get(path)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(5):
            response = client.get(path)
        best = min(best, (time.process_time() - started) / 5 * 1000)
    return best, response


def _floor_ms() -> float:
    """The shared floor app's page, timed the same way in this process."""
    spec = importlib.util.spec_from_file_location("floor_app", FLOOR)
    assert spec and spec.loader, f"no floor app at {FLOOR}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return _best_ms(module.app.test_client(), "/")[0]


if __name__ == "__main__":
    main()
