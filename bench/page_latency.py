"""Page latency under gunicorn, against the shared floor, on the national-scale database.

The floor is ``../shared/bench/floor_app.py`` (relative to the repository; or
``--floor``): a bare Flask app rendering one Jinja template of a 17 x 12 table.
It is served as it is, beside the app, by the same gunicorn with the same
settings (one worker, the same worker class). Signed in as a carers lead (a draft
audit of the seeded database, editing controls and all) and as a commissioner
(the area's published audit of the year before), each page is requested at one
connection and at four, in blocks alternating with the floor, so that both see
the same machine. Printed per page: median and p99 at 1 and at 4 connections,
the ratio of medians to the floor's, the HTML bytes, and the SQL queries one
request makes (counted in-process with a SQLAlchemy event).

Targets (issue #21): ratio of medians <= 2x the floor's, p99 <= 50 ms at 4 connections.

Each page's requests are taken in ``--rounds`` rounds (4) over the whole list of
pages (page after page, then again), so that a slow spell of the machine falls on
every page a little rather than on the few timed during it: the spread between two
runs on a two-core machine was mostly such spells (bench/README.md, stop 33).
``--rounds 1`` times each page in one go, as the tables before stop 33 did.

    .venv/bin/python -m bench.page_latency [--requests 200] [--rounds 4]
                                           [--database-url URL] [--floor PATH]
                                           [--all] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bench.seed_national import DEFAULT_URL, ROOT, make_app, seed

FLOOR = ROOT.parent / "shared" / "bench" / "floor_app.py"
PASSWORD = "bench-password-123"  # noqa: S105 (throwaway accounts in the bench database)
LEAD = "bench-lead@bench.test"
COMMISSIONER = "bench-commissioner@bench.test"
COMPARED_AREAS = 5
GUNICORN = ["--workers", "1", "--worker-class", "sync", "--log-level", "warning"]
AGENT = "page-latency-bench"  # the same on every request: sessions are bound to it
DOWNLOADS = (".csv", ".xlsx", ".json", ".png", ".pdf", ".svg")


@dataclass
class Target:
    """What the run views: the lead's draft, the commissioner's published audit."""

    draft: int
    published: int
    indicator: int
    compared: list[int] = field(default_factory=list)


# (name, endpoint, which audit) in the order printed; ``--all`` adds every other
# GET page of an audit that takes only the audit's id.
PAGES = (
    ("your audits", "audits.index", None),
    ("overview", "audits.overview", "audit"),
    ("ratings grid", "ratings.grid", "audit"),
    ("checklist grid", "ratings.checklist", "audit"),
    ("RAG map", "maps.rag_map", "audit"),
    ("maturity map", "maps.maturity_map", "audit"),
    ("gap map", "maps.gap_map", "audit"),
    ("Appendix A map", "maps.checklist_map", "audit"),
    ("wheel", "maps.wheel", "audit"),
    ("dashboard", "indicators.dashboard", "audit"),
    ("indicators", "indicators.index", "audit"),
    ("report card", "indicators.report_card", "indicator"),
    ("report", "exports.report_page", "audit"),
    ("plan", "plan.index", "audit"),
    ("evidence list", "evidence.index", "audit"),
    ("compare cycles", "cycles.compare", "audit"),
    ("compare areas", "cycles.compare_areas", "areas"),
)


def _area_audits(area_id: int) -> list[int]:
    from sqlalchemy import select

    from audit_app.extensions import db
    from audit_app.models import Audit

    return list(
        db.session.scalars(select(Audit.id).where(Audit.area_id == area_id).order_by(Audit.cycle))
    )


def _prepare(url: str, areas: int) -> Target:
    """Seed if needed, then (once) the bench's lead and commissioner: the lead of the
    last area, whose newest audit is turned back into a draft with a dozen evidence
    returns, and a commissioner of the last few areas' audits. On PostgreSQL, the
    tables are analysed."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect, select

    from audit_app.extensions import db
    from audit_app.models import Audit, AuditMembership, Organisation
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
        upgrade()  # a database seeded before later migrations
        area_ids = list(
            db.session.scalars(
                select(Audit.area_id)
                .distinct()
                .order_by(Audit.area_id.desc())
                .limit(COMPARED_AREAS)
            )
        )
        draft = _area_audits(area_ids[0])[-1]
        published = _area_audits(area_ids[0])[-2]
        if accounts.find_user(LEAD) is None:
            area = db.session.get(Organisation, area_ids[0])
            icb = Organisation(name="Bench ICB", kind="commissioning_body")
            db.session.add(icb)
            lead = accounts.create_user(LEAD, "Bench lead", "carers_lead", PASSWORD, area)
            commissioner = accounts.create_user(
                COMMISSIONER, "Bench commissioner", "commissioner", PASSWORD, icb
            )
            db.session.flush()
            for audit_id in _area_audits(area_ids[0]):
                db.session.add(AuditMembership(audit_id=audit_id, user_id=lead.id, role="lead"))
            for area_id in area_ids:
                for audit_id in _area_audits(area_id):
                    db.session.add(
                        AuditMembership(
                            audit_id=audit_id, user_id=commissioner.id, role="commissioner"
                        )
                    )
            audit = db.session.get(Audit, draft)
            assert audit is not None
            audit.status, audit.published_at = "draft", None
            _add_evidence(audit, area)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # The planner's statistics, as autovacuum keeps them on a live server (off
            # on some test servers): without them it guesses one row per table.
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "ANALYZE"
                )
        indicator = db.session.scalar(
            select(Indicator.id).where(Indicator.audit_id == published).order_by(Indicator.id)
        )
        assert indicator is not None
        compared = [_area_audits(area_id)[-2] for area_id in area_ids]
        return Target(draft, published, int(indicator), compared)


def _add_evidence(audit: Any, area: Any) -> None:
    """A dozen returns, accepted, so that the evidence list has rows to show."""
    from audit_app.extensions import db
    from audit_app.models.evidence import EvidenceReturn

    interventions = [i["code"] for i in audit.framework["interventions"]][:17]
    for n in range(12):
        db.session.add(
            EvidenceReturn(
                audit_id=audit.id,
                organisation_id=area.id if area else None,
                service_name=f"Carers' service {n + 1}",
                description="Seeded for the benchmark.",
                interventions=interventions[n : n + 3],
                groups_reached=list(audit.scope[:3]),
                groups_not_reached=list(audit.scope[3:5]),
                numbers_reached=100 + n,
                evidence_date=date(2026, 1, 1 + n),
                status="accepted",
            )
        )


def _paths(app: Any, target: Target, everything: bool) -> dict[str, list[tuple[str, str]]]:
    """Per role, (name, path) of each page to time."""
    from flask import url_for

    found: dict[str, list[tuple[str, str]]] = {"lead": [], "commissioner": []}
    with app.test_request_context():
        for role, audit_id in (("lead", target.draft), ("commissioner", target.published)):
            for name, endpoint, kind in PAGES:
                if kind is None:
                    path = url_for(endpoint)
                elif kind == "indicator":
                    path = url_for(
                        endpoint, audit_id=target.published, indicator_id=target.indicator
                    )
                elif kind == "areas":
                    path = url_for(endpoint, audits=target.compared)
                else:
                    path = url_for(endpoint, audit_id=audit_id)
                found[role].append((name, path))
            if everything:
                named = {endpoint for _, endpoint, _ in PAGES}
                for rule in app.url_map.iter_rules():
                    if (
                        "GET" in (rule.methods or ())
                        and set(rule.arguments) == {"audit_id"}
                        and rule.endpoint not in named
                        and not rule.rule.endswith(DOWNLOADS)
                    ):
                        path = url_for(rule.endpoint, audit_id=audit_id)
                        found[role].append((rule.endpoint, path))
    return found


class Client:
    """A signed-in browser: its cookies, and one connection per request (as the floor gets)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("User-Agent", AGENT)]

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""

    def sign_in(self, email: str) -> None:
        _, page = self.get("/sign-in")
        token = _csrf_token(page.decode())
        data = urllib.parse.urlencode(
            {"csrf_token": token, "email": email, "password": PASSWORD}
        ).encode()
        with self.opener.open(self.base + "/sign-in", data=data, timeout=30) as response:
            assert "/sign-in" not in response.url, f"sign-in failed for {email}"

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def _csrf_token(page: str) -> str:
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert token, "no CSRF token on the sign-in page"
    return token.group(1)


def _timed_get(port: int, path: str, cookie: str) -> float:
    """One request on a new connection; milliseconds until the whole body is read."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "User-Agent": AGENT})
        response = connection.getresponse()
        response.read()
        status = response.status
    finally:
        connection.close()
    elapsed = (time.perf_counter() - start) * 1000
    assert status == 200, f"{path} answered {status}"
    return elapsed


def _burst(port: int, path: str, cookie: str, count: int, connections: int) -> list[float]:
    """``count`` requests over ``connections`` connections at once; their timings."""
    if connections == 1:
        return [_timed_get(port, path, cookie) for _ in range(count)]
    timings: list[float] = []
    lock = threading.Lock()
    share = [count // connections + (n < count % connections) for n in range(connections)]

    def run(n: int) -> None:
        mine = [_timed_get(port, path, cookie) for _ in range(n)]
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=run, args=(n,)) for n in share]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _gunicorn(app_spec: str, cwd: Path, env: dict[str, str], probe: str) -> Iterator[int]:
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (our own interpreter)
        [sys.executable, "-m", "gunicorn", *GUNICORN, "--bind", f"127.0.0.1:{port}", app_spec],
        cwd=cwd,
        env=env,
    )
    try:
        for _ in range(300):
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited during start-up ({app_spec})")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"gunicorn did not start ({app_spec})")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def count_queries(app: Any, email: str, paths: list[str]) -> dict[str, int]:
    """SQL statements one request of each path makes, signed in as ``email``
    (in-process, through the test client; after a first request warms caches)."""
    from sqlalchemy import event

    from audit_app.extensions import db

    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    client.post(
        "/sign-in", data={"csrf_token": _csrf_token(page), "email": email, "password": PASSWORD}
    )
    counts: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    statements = [0]

    def counted(*_: Any) -> None:
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", counted)
    try:
        for path in paths:
            client.get(path)
            statements[0] = 0
            client.get(path)
            counts[path] = statements[0]
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return counts


@dataclass
class Row:
    name: str
    path: str
    one: list[float] = field(default_factory=list)
    four: list[float] = field(default_factory=list)
    floor_one: list[float] = field(default_factory=list)
    floor_four: list[float] = field(default_factory=list)
    size: int = 0
    queries: int = 0


def _split(items: range, parts: int) -> list[range]:
    """``items`` in ``parts`` runs as even as can be (none empty)."""
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    cut = [0]
    for part in range(parts):
        cut.append(cut[-1] + size + (part < extra))
    return [items[a:b] for a, b in zip(cut, cut[1:], strict=False)]


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _measure(
    row: Row, app_port: int, floor_port: int, cookie: str, requests: int, block: int
) -> None:
    """Alternate blocks of floor and page requests, at 1 then at 4 connections."""
    for connections, mine, floor in ((1, row.one, row.floor_one), (4, row.four, row.floor_four)):
        _burst(app_port, row.path, cookie, 8, connections)  # warm up
        done = 0
        while done < requests:
            size = min(block, requests - done)
            floor.extend(_burst(floor_port, "/", "", size, connections))
            mine.extend(_burst(app_port, row.path, cookie, size, connections))
            done += size


def _table(rows: dict[str, list[Row]], floor_one: list[float], floor_four: list[float]) -> None:
    f1, f4 = statistics.median(floor_one), statistics.median(floor_four)
    head = (
        f"{'page':<26} {'med1':>6} {'p99@1':>6} {'x1':>5} {'med4':>6} {'p99@4':>6} {'x4':>5}"
        f" {'KB':>6} {'SQL':>4}"
    )
    print(head)
    print(
        f"{'FLOOR (floor_app.py)':<26} {f1:>6.1f} {_p99(floor_one):>6.1f} {1:>5.2f}"
        f" {f4:>6.1f} {_p99(floor_four):>6.1f} {1:>5.2f}"
    )
    missed = []
    for role, role_rows in rows.items():
        print(f"-- {role}")
        for row in role_rows:
            m1, m4 = statistics.median(row.one), statistics.median(row.four)
            # each page against the floor's blocks interleaved with it
            x1 = m1 / statistics.median(row.floor_one)
            x4 = m4 / statistics.median(row.floor_four)
            p4 = _p99(row.four)
            flag = "" if max(x1, x4) <= 2 and p4 <= 50 else "  <- over target"
            if flag:
                missed.append(f"{role} {row.name}")
            print(
                f"{row.name:<26} {m1:>6.1f} {_p99(row.one):>6.1f} {x1:>5.2f} {m4:>6.1f}"
                f" {p4:>6.1f} {x4:>5.2f} {row.size / 1024:>6.1f} {row.queries:>4}{flag}"
            )
    print(
        "ms; x1, x4: the page's median over the floor's median in the blocks interleaved"
        " with it; targets: x <= 2, p99@4 <= 50 ms"
    )
    print("over target: " + (", ".join(missed) if missed else "none"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per page and connections")
    parser.add_argument("--block", type=int, default=20, help="requests per alternating block")
    parser.add_argument(
        "--rounds", type=int, default=4, help="rounds over every page, each with its share"
    )
    parser.add_argument("--areas", type=int, default=150)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--floor", type=Path, default=Path(os.environ.get("FLOOR_APP", FLOOR)))
    parser.add_argument("--all", action="store_true", help="every GET page of an audit too")
    parser.add_argument("--only", nargs="*", default=(), help="page names to time")
    args = parser.parse_args()
    floor: Path = args.floor.resolve()
    if not floor.is_file():
        raise SystemExit(
            f"The floor app is missing: {floor} (expected ../shared/bench/floor_app.py beside"
            " the repository; give its place with --floor or FLOOR_APP)"
        )
    url = args.database_url
    target = _prepare(url, args.areas)
    app = make_app(url)
    app.config.update(SESSION_COOKIE_SECURE=False, RATELIMIT_ENABLED=False)
    pages = _paths(app, target, args.all)
    if args.only:
        pages = {role: [p for p in found if p[0] in args.only] for role, found in pages.items()}
    emails = {"lead": LEAD, "commissioner": COMMISSIONER}
    queries = {
        role: count_queries(app, emails[role], [path for _, path in found])
        for role, found in pages.items()
    }

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only-secret",
        "AUDIT_ENV": "development",
    }
    rows: dict[str, list[Row]] = {}
    floor_one: list[float] = []
    floor_four: list[float] = []
    with (
        _gunicorn(f"{floor.stem}:app", floor.parent, dict(os.environ), "/") as floor_port,
        _gunicorn("wsgi:app", ROOT, env, "/sign-in") as app_port,
    ):
        base = f"http://127.0.0.1:{app_port}"
        cookies = {}
        for role, found in pages.items():
            client = Client(base)
            client.sign_in(emails[role])
            cookies[role] = client.cookie_header()
            rows[role] = []
            for name, path in found:
                status, body = client.get(path)
                if status != 200:
                    print(f"{role} {name}: {path} answered {status}; left out", flush=True)
                    continue
                rows[role].append(Row(name, path, size=len(body), queries=queries[role][path]))
        shares = [len(part) for part in _split(range(args.requests), args.rounds)]
        for number, share in enumerate(shares, 1):
            for role, role_rows in rows.items():
                for row in role_rows:
                    _measure(row, app_port, floor_port, cookies[role], share, args.block)
                    print(f"  timed {role} {row.name} ({number}/{len(shares)})", file=sys.stderr)
        for role_rows in rows.values():
            for row in role_rows:
                floor_one += row.floor_one
                floor_four += row.floor_four
    print(
        f"\ngunicorn {' '.join(GUNICORN)}; {args.requests} requests per page at 1 and at 4"
        f" connections, in {len(shares)} round(s) over the pages, alternating in blocks of"
        f" {args.block} with the floor; {url.split('@')[-1]}"
    )
    print(f"lead: draft audit {target.draft}; commissioner: published audit {target.published}")
    _table(rows, floor_one, floor_four)


if __name__ == "__main__":
    main()
