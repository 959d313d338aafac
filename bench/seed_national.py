"""Seed a national-scale database for the map benchmarks.

150 areas x 3 cycles x 17 interventions x 12 carer groups of ratings (RAG and
maturity), a 10 x 12 checklist, three actions and 20 indicators with four
quarters of values per audit (seed 002's size), by bulk inserts.
SQLite under instance/ by default, or DATABASE_URL.

    .venv/bin/python -m bench.seed_national [--areas 150]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import Flask
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = f"sqlite:///{ROOT / 'instance' / 'bench.sqlite'}"
CYCLES = ("2024/25", "2025/26", "2026/27")
RAG = ("red", "amber", "green", "not_rated")
MATURITY = ("early", "intermediate", "advanced", "not_rated")
STATUS = ("in_place", "partly", "not_in_place", "not_known", "not_rated")
INDICATORS_PER_AUDIT = 20
QUARTERS = ((3, 31), (6, 30), (9, 30), (12, 31))


def make_app(url: str) -> Flask:
    from audit_app import create_app
    from audit_app.config import normalise_database_url

    return create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "TESTING": False})


def seed(app: Flask, areas: int) -> int:
    """Insert everything; returns the number of audits."""
    from flask_migrate import upgrade

    from audit_app.extensions import db
    from audit_app.models import Audit, ChecklistJudgement, Organisation, Rating
    from audit_app.models.plan import Action
    from audit_app.services.frameworks import snapshot_of
    from hub_model.framework import load_builtin

    rng = random.Random(2010)  # noqa: S311 (repeatable test data, not secrets)
    framework = load_builtin()
    snapshot = snapshot_of("carers_hub_2010")
    interventions = [i.code for i in framework.interventions]
    groups = [g.code for g, _ in framework.groups_flat()][:12]
    subs = [s.code for s in framework.checklist]
    with app.app_context():
        upgrade()
        db.session.execute(
            insert(Organisation), [{"name": f"Area {n:03d}", "kind": "area"} for n in range(areas)]
        )
        org_ids = [o.id for o in db.session.query(Organisation).order_by(Organisation.id)][-areas:]
        db.session.execute(
            insert(Audit),
            [
                {
                    "area_id": org,
                    "title": f"All carers, area {org}, {cycle}",
                    "scope": groups,
                    "cycle": cycle,
                    "period_start": date(2024 + k, 4, 1),
                    "period_end": date(2025 + k, 3, 31),
                    "framework_id": framework.id,
                    "framework_version": framework.version,
                    "framework": snapshot,
                    "status": "published",
                    "revision": 1,
                }
                for org in org_ids
                for k, cycle in enumerate(CYCLES)
            ],
        )
        audit_ids = [a.id for a in db.session.query(Audit.id).order_by(Audit.id)][
            -areas * len(CYCLES) :
        ]
        for audit_id in audit_ids:
            db.session.execute(
                insert(Rating),
                [
                    {
                        "audit_id": audit_id,
                        "intervention": i,
                        "group_code": g,
                        "rag": rng.choice(RAG),
                        "maturity": rng.choice(MATURITY),
                        "rationale": "Seeded for the benchmark.",
                    }
                    for i in interventions
                    for g in groups
                ],
            )
            db.session.execute(
                insert(ChecklistJudgement),
                [
                    {
                        "audit_id": audit_id,
                        "sub_outcome": s,
                        "group_code": g,
                        "status": rng.choice(STATUS),
                        "indicator": rng.choice(RAG),
                    }
                    for s in subs
                    for g in groups
                ],
            )
            db.session.execute(
                insert(Action),
                [
                    {
                        "audit_id": audit_id,
                        "description": f"Action {n}",
                        "interventions": rng.sample(interventions, 2),
                        "sub_outcomes": rng.sample(subs, 1),
                        "groups": rng.sample(groups, 2),
                        "leads": [],
                    }
                    for n in range(3)
                ],
            )
        _seed_indicators(rng, audit_ids)
        db.session.commit()
    return len(audit_ids)


def _seed_indicators(rng: random.Random, audit_ids: list[int]) -> None:
    """Each audit gets the demo's indicator definitions over and again (20 in all)
    with four quarters of figures; missed targets carry a comment, as the form requires."""
    from audit_app.demo_indicators import INDICATORS
    from audit_app.extensions import db
    from audit_app.models.indicators import Indicator, IndicatorValue

    definitions = [spec["definition"] for spec in INDICATORS]
    db.session.execute(
        insert(Indicator),
        [
            {
                **definitions[n % len(definitions)],
                "audit_id": audit_id,
                "ref": f"{definitions[n % len(definitions)]['ref']}-{n}",
            }
            for audit_id in audit_ids
            for n in range(INDICATORS_PER_AUDIT)
        ],
    )
    indicators = db.session.execute(
        select(Indicator.id, Indicator.audit_id, Indicator.unit).where(
            Indicator.audit_id.in_(audit_ids)
        )
    ).all()
    rows = []
    for indicator_id, audit_id, unit in indicators:
        percentage = unit == "percentage"
        for month, day in QUARTERS:
            numerator = rng.randint(100, 900)
            target = rng.randint(20, 60) if percentage else rng.randint(300, 700)
            result = numerator / 10 if percentage else numerator
            missed = result < target
            rows.append(
                {
                    "audit_id": audit_id,
                    "indicator_id": indicator_id,
                    "period_label": f"Quarter to {day} {month:02d} 2026",
                    "period_end": date(2026, month, day),
                    "numerator": Decimal(numerator),
                    "denominator": Decimal(1000) if percentage else None,
                    "target": Decimal(target),
                    "expected_to_report": True,
                    "comments": "Below target this quarter." if missed else None,
                    "proposed_intervention": "Review with partners." if missed else None,
                }
            )
    db.session.execute(insert(IndicatorValue), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=150)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if url == DEFAULT_URL:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    started = time.perf_counter()
    audits = seed(make_app(url), args.areas)
    print(f"seeded {audits} audits into {url} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
