"""Page latency under gunicorn on the national-scale database.

Starts gunicorn on a free loopback port against the seeded database (see
bench.seed_national), signs in as an administrator, and requests each page in
turn (interleaved, so every page sees the same conditions): the ratings grid,
the gap map and the indicator dashboard of one audit, and a bare page that
renders one template (the accessibility statement) as the baseline. Prints the
median and p99 of each and the ratio of medians to the baseline.

Targets (issue #11): ratio <= 2x, p99 <= 50 ms.

    .venv/bin/python -m bench.page_latency [--requests 300] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.seed_national import DEFAULT_URL, ROOT, make_app, seed

EMAIL = "bench-admin@bench.test"
PASSWORD = "bench-password-123"  # noqa: S105 (a throwaway account in the bench database)


def _prepare(url: str, areas: int) -> int:
    """Seed if needed, make the bench administrator; returns an audit id to view."""
    from sqlalchemy import inspect, select

    from audit_app.extensions import db
    from audit_app.models import Audit
    from audit_app.models.indicators import Indicator
    from audit_app.services import accounts

    app = make_app(url)
    with app.app_context():
        seeded = inspect(db.engine).has_table("indicator") and db.session.scalar(
            select(Indicator.id).limit(1)
        )
    if not seeded and url == DEFAULT_URL:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)  # seeded before indicators
        app = make_app(url)
    if not seeded:
        print(f"seeding {areas} areas (first run)...", flush=True)
        seed(app, areas)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()  # a database seeded before later migrations

        if accounts.find_user(EMAIL) is None:
            accounts.create_user(EMAIL, "Bench administrator", "administrator", PASSWORD, None)
            db.session.commit()
        audit_id = db.session.scalar(select(Audit.id).order_by(Audit.id.desc()).limit(1))
        assert audit_id is not None
        return int(audit_id)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    def sign_in(self) -> None:
        _, page = self.get("/sign-in")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page
        )
        assert token, "no CSRF token on the sign-in page"
        data = urllib.parse.urlencode(
            {"csrf_token": token.group(1), "email": EMAIL, "password": PASSWORD}
        ).encode()
        with self.opener.open(self.base + "/sign-in", data=data, timeout=30) as response:
            assert "/sign-in" not in response.url, "sign-in failed"


def _wait(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            urllib.request.urlopen(base + "/sign-in", timeout=1)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--areas", type=int, default=150)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    audit_id = _prepare(url, args.areas)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only-secret",
        "AUDIT_ENV": "development",
    }
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and app)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=Path(ROOT),
        env=env,
    )
    try:
        _wait(base, server)
        client = Client(base)
        client.sign_in()
        pages = {
            "bare page (baseline)": "/accessibility",
            "ratings grid": f"/audits/{audit_id}/ratings",
            "gap map": f"/audits/{audit_id}/maps/gaps",
            "indicator dashboard": f"/audits/{audit_id}/indicators/dashboard",
        }
        available = {}
        for name, path in pages.items():
            status, _ = client.get(path)
            if status == 200:
                available[name] = path
            else:
                print(f"{name}: {path} answered {status}; left out")
        timings: dict[str, list[float]] = {name: [] for name in available}
        for _ in range(20):  # warm up every worker's caches
            for path in available.values():
                client.get(path)
        for _ in range(args.requests):
            for name, path in available.items():
                start = time.perf_counter()
                status, _ = client.get(path)
                timings[name].append((time.perf_counter() - start) * 1000)
                assert status == 200, f"{name} answered {status}"
    finally:
        server.terminate()
        server.wait(timeout=10)

    baseline = statistics.median(timings["bare page (baseline)"])
    print(
        f"\ngunicorn, {args.workers} workers, {args.requests} requests per page, audit {audit_id}"
    )
    print(f"{'page':<24} {'median ms':>10} {'p99 ms':>8} {'x baseline':>11}")
    for name, values in timings.items():
        values.sort()
        median = statistics.median(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"{name:<24} {median:>10.1f} {p99:>8.1f} {median / baseline:>10.2f}x")
    print("targets: ratio of medians <= 2x, p99 <= 50 ms")


if __name__ == "__main__":
    main()
