"""Export benchmark on the demo dementia audit: XLSX and PDF build times and memory.

Builds a fresh SQLite database in a temporary folder, loads the demo data and,
as the audit's lead, times building the XLSX workbook and the PDF report (the
median of several runs; the charts are cached after the first run, as in the
app; the first run's time is printed too), the JSON export, and prints the peak memory of the process (tracemalloc
peak for each build, and the process's maximum resident size).

    .venv/bin/python -m bench.report_bench [--runs 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from flask_login import login_user
from sqlalchemy import select


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from audit_app import create_app
    from audit_app.demo import load_demo
    from audit_app.extensions import db
    from audit_app.models import Audit, User
    from audit_app.services import audit_json, exports, report
    from audit_app.services.access import member_role

    folder = Path(tempfile.mkdtemp(prefix="report-bench-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "SECRET_KEY": "bench",
            "SERVER_NAME": "audit.test",
            "UPLOAD_FOLDER": str(folder / "uploads"),
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
                ("JSON export", lambda: audit_json.dumps(audit_json.export_document(audit))),
            ):
                median, first, peak, size = timed(work, args.runs)
                print(
                    f"{name:<16} median {median:8.1f} ms  first {first:8.1f} ms  "
                    f"peak {peak / 2**20:6.1f} MiB traced  output {size / 1024:7.1f} KiB"
                )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory {rss:.0f} MiB")


if __name__ == "__main__":
    main()
