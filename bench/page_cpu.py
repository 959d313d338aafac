"""CPU time of one request of each page, in-process (no gunicorn, no network).

The same pages, database and accounts as bench.page_latency, through Flask's test
client with the garbage collector frozen as wsgi.py does; best of three rounds of
five requests each. Less disturbed by a busy machine than wall-clock latency.

    .venv/bin/python -m bench.page_cpu [--database-url URL]
"""

from __future__ import annotations

import argparse
import gc
import os
import time

from bench.page_latency import COMMISSIONER, LEAD, PASSWORD, _csrf_token, _paths, _prepare
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
    print(f"{'page':<26} {'cpu ms':>7} {'KB':>7}")
    for role, email in (("lead", LEAD), ("commissioner", COMMISSIONER)):
        client = app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        client.post(
            "/sign-in", data={"csrf_token": _csrf_token(page), "email": email, "password": PASSWORD}
        )
        print(f"-- {role}")
        for name, path in pages[role]:
            client.get(path)
            best = float("inf")
            for _ in range(3):
                started = time.process_time()
                for _ in range(5):
                    response = client.get(path)
                best = min(best, (time.process_time() - started) / 5 * 1000)
            print(f"{name:<26} {best:>7.1f} {len(response.data) / 1024:>7.1f}")


if __name__ == "__main__":
    main()
