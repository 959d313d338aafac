"""Map benchmarks on the seeded national-scale database (run seed_national first).

Prints, as the median of several runs: the gap map of one audit (target <= 20 ms),
the cross-area summary of all ratings with summarise_many (<= 300 ms), the
wheel's first render (<= 300 ms) and a cached one (<= 5 ms); and peak memory.

    .venv/bin/python -m bench.maps_bench [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from collections.abc import Callable

import pandas as pd
from sqlalchemy import select

from bench.seed_national import DEFAULT_URL, make_app


def median_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def line(name: str, ms: float, target: float) -> None:
    verdict = "ok" if ms <= target else "OVER TARGET"
    print(f"{name:<48} {ms:9.2f} ms   (target <= {target:g} ms: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    app = make_app(os.environ.get("DATABASE_URL", DEFAULT_URL))
    from audit_app.extensions import db
    from audit_app.models import Audit, Rating
    from audit_app.services import charts, maps
    from audit_app.services.chart_cache import ChartCache
    from hub_model.gap_map import gap_map
    from hub_model.ratings import summarise_many
    from hub_model.scales import Rag

    with app.test_request_context():
        audit = db.session.scalars(select(Audit).order_by(Audit.id.desc())).first()
        assert audit is not None, "seed the database first: python -m bench.seed_national"
        count = db.session.query(Rating).count()
        print(f"{db.session.query(Audit).count()} audits, {count} ratings")
        data = maps.compute_map_data(audit)
        inputs = maps.gap_map_input(audit)
        line("gap map, one audit (hub_model rules)", median_ms(lambda: gap_map(inputs), runs), 20)
        line(
            "gap map, one audit (read from database + rules)",
            median_ms(lambda: maps.compute_map_data(audit), runs),
            20,
        )
        rows = db.session.execute(
            select(Rating.audit_id, Rating.intervention, Rating.group_code, Rating.rag)
        ).all()
        cells = pd.DataFrame(rows, columns=["audit", "intervention", "group", "grade"])
        summary = summarise_many(cells, Rag)
        assert len(summary) == len(cells) // 12
        line(
            f"cross-area summary of {len(cells)} ratings",
            median_ms(lambda: summarise_many(cells, Rag), runs),
            300,
        )
        line(
            "wheel first render (SVG, from computed maps)",
            median_ms(lambda: charts.wheel(data, "rag", "svg"), runs),
            300,
        )
        cache = ChartCache(None)
        cache.get_or_compute(audit.id, 1, "wheel", lambda: charts.wheel(data, "rag", "svg"))
        line(
            "wheel cached",
            median_ms(lambda: cache.get_or_compute(audit.id, 1, "wheel", lambda: b"never"), runs),
            5,
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
