"""Export benchmark on the demo dementia audit: XLSX and PDF build times and memory.

Builds a fresh SQLite database in a temporary folder, loads the demo data and,
as the audit's lead, times building the XLSX workbook and the PDF report (the
median of several runs; the charts are cached after the first run, as in the
app; the first run's time is printed too), the JSON export, and prints the peak memory of the process (tracemalloc
peak for each build, and the process's maximum resident size).

With a Redis URL (``--redis-url`` or REDIS_URL) it also times the PDF as a job:
the request that queues it ("Make the PDF", through the test client, with no
worker listening), the job itself run here (``report_pdfs.pdf_job`` with its own
app, built from the environment, in this process, where everything is imported
already), then the time from queued to made by two RQ workers it starts in turn,
each forking a process for each job as in production: the README's
(``rq worker -w audit_app.worker.AppWorker``, which builds the app before it
forks) and a bare ``rq worker`` (each job builds its app: the cold path). Use a
Redis database no other RQ worker listens on: the bench empties the "reports"
queue it uses.

    .venv/bin/python -m bench.report_bench [--runs 5] [--redis-url redis://127.0.0.1:6379/5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask_login import login_user
from sqlalchemy import delete, select


def timed(work: Callable[[], bytes], runs: int) -> tuple[float, float, int, int]:
    """(median ms, first-run ms, peak traced bytes, output size).

    Timed runs are untraced (tracemalloc slows Python several times over); one
    more run, traced, gives the peak memory the build allocates.
    """
    times = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(work())
        times.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), times[0], peak, size


def queued_pdf(app: Flask, audit_id: int, redis_url: str, runs: int) -> None:
    """Time "Make the PDF" with a queue configured (the request only queues the job),
    then the job: in this process, then made by each kind of RQ worker. Each run
    starts from no PDF, so each request queues one."""
    from redis import Redis
    from rq import Queue

    from audit_app.services import report_pdfs

    reports = Queue(report_pdfs.QUEUE, connection=Redis.from_url(redis_url))
    app.config["REDIS_URL"] = redis_url
    client = app.test_client()
    signed_in = client.post(
        "/sign-in", data={"email": "lead@demo.test", "password": "demo-password"}
    )
    assert signed_in.status_code == 302, signed_in.status_code
    requests, in_process = [], []
    for _ in range(runs):
        started = time.perf_counter()
        pdf_id = _make_the_pdf(app, client, audit_id)
        requests.append((time.perf_counter() - started) * 1000)
        assert reports.count == 1, reports.count
        reports.empty()  # no worker yet: the bench runs the job itself
        started = time.perf_counter()
        report_pdfs.pdf_job(pdf_id)
        in_process.append((time.perf_counter() - started) * 1000)
        _assert_made(app, pdf_id)
    _print("PDF job: request", requests)
    _print("PDF job: the job in this process (its own app, warm imports)", in_process)
    for name, worker_class in (
        ("PDF job: queued to made, AppWorker (the README's worker)", "audit_app.worker.AppWorker"),
        ("PDF job: queued to made, bare rq worker (cold: app built in each job)", None),
    ):
        _print(name, by_worker(app, client, audit_id, reports, redis_url, runs, worker_class))


def by_worker(
    app: Flask,
    client: Any,
    audit_id: int,
    reports: Any,
    redis_url: str,
    runs: int,
    worker_class: str | None,
) -> list[float]:
    """Each run's time from the request's answer (the job queued) to the PDF recorded
    as made, by an RQ worker started here (``rq worker``, ``-w worker_class`` if
    given), which forks a process for each job, as in production."""
    from rq import Worker

    command = [str(Path(sys.executable).with_name("rq")), "worker", "--quiet", "--url", redis_url]
    if worker_class:
        command += ["-w", worker_class]
    worker = subprocess.Popen([*command, reports.name], env=os.environ)  # noqa: S603
    try:
        deadline = time.monotonic() + 120
        while Worker.count(connection=reports.connection, queue=reports) == 0:
            assert worker.poll() is None and time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.1)
        times = []
        for _ in range(runs):
            pdf_id = _make_the_pdf(app, client, audit_id)
            started = time.perf_counter()
            while _status(app, pdf_id) not in {"done", "failed"}:
                assert worker.poll() is None, "the worker stopped"
                time.sleep(0.01)
            times.append((time.perf_counter() - started) * 1000)
            _assert_made(app, pdf_id)
        return times
    finally:
        worker.terminate()
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:  # an idle RQ worker may hang on leaving (rq#1613)
            worker.kill()
            worker.wait()


def _make_the_pdf(app: Flask, client: Any, audit_id: int) -> int:
    """Press "Make the PDF" after deleting every PDF made: the new PDF's id."""
    from audit_app.extensions import db
    from audit_app.models import ReportPdf

    with app.app_context():
        db.session.execute(delete(ReportPdf))
        db.session.commit()
    response = client.post(f"/audits/{audit_id}/exports/pdf")
    assert response.status_code == 302, response.status_code
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _status(app: Flask, pdf_id: int) -> str | None:
    from audit_app.extensions import db
    from audit_app.models import ReportPdf

    with app.app_context():
        return db.session.scalar(select(ReportPdf.status).where(ReportPdf.id == pdf_id))


def _assert_made(app: Flask, pdf_id: int) -> None:
    from audit_app.extensions import db
    from audit_app.models import ReportPdf
    from audit_app.services import report_pdfs

    with app.app_context():
        made = db.session.get(ReportPdf, pdf_id)
        assert made is not None and made.status == report_pdfs.DONE, made and made.failure


def _print(name: str, times: list[float]) -> None:
    print(f"{name}\n{'':<16} median {statistics.median(times):8.1f} ms  first {times[0]:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    args = parser.parse_args()

    from flask_migrate import upgrade

    from audit_app import create_app
    from audit_app.demo import load_demo
    from audit_app.extensions import db
    from audit_app.models import Audit, User
    from audit_app.services import audit_json, exports, report
    from audit_app.services.access import member_role

    folder = Path(tempfile.mkdtemp(prefix="report-bench-"))
    database = f"sqlite:///{folder / 'bench.sqlite'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "SECRET_KEY": "bench",
            "SERVER_NAME": "audit.test",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            # The queued-PDF timing signs in through the test client.
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "ALLOW_TEST_EMAIL_DOMAINS": True,
        }
    )
    with app.app_context():
        upgrade()
        load_demo()
        audit = db.session.scalar(select(Audit).where(Audit.title.like("%dementia%")))
        lead = db.session.scalar(select(User).where(User.email == "lead@demo.test"))
        assert audit is not None and lead is not None
        with app.test_request_context():
            login_user(lead)
            role = member_role(lead, audit)
            assert role is not None
            ctx = exports.ExportContext(audit, lead, role)
            print(f"{audit.title} (revision {audit.revision}), as {lead.email}; {args.runs} runs")
            for name, work in (
                (
                    "XLSX workbook",
                    lambda: exports.xlsx_bytes(exports.ExportContext(audit, lead, role)),
                ),
                ("PDF report", lambda: report.pdf_bytes(exports.ExportContext(audit, lead, role))),
                ("HTML report", lambda: report.render(ctx, "base.html").encode()),
                (
                    "JSON export",
                    lambda: audit_json.dumps(audit_json.export_document(audit, lead, role)),
                ),
            ):
                median, first, peak, size = timed(work, args.runs)
                print(
                    f"{name:<16} median {median:8.1f} ms  first {first:8.1f} ms  "
                    f"peak {peak / 2**20:6.1f} MiB traced  output {size / 1024:7.1f} KiB"
                )
        if args.redis_url:
            # The job builds its own app from the environment, as a worker does.
            os.environ.update(
                {"DATABASE_URL": database, "SECRET_KEY": "bench", "REDIS_URL": args.redis_url}
            )
            queued_pdf(app, audit.id, args.redis_url, args.runs)
        else:
            print("PDF as a job: not timed (give --redis-url or set REDIS_URL)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory {rss:.0f} MiB")


if __name__ == "__main__":
    main()
