"""Benchmark: import 10,000 carers' survey responses from CSV, then summarise them.

Run: .venv/bin/python -m bench.questionnaire_import [rows]
Prints the wall time of each stage and the peak memory (resident set size) of the
process. Target (issue 5): under 3 s and 200 MB for 10,000 responses.
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from audit_app import create_app
from audit_app.extensions import db
from audit_app.models import Organisation
from audit_app.services import accounts
from audit_app.services import questionnaire_import as importing
from audit_app.services import questionnaires as service
from audit_app.services.audits import NewAudit, create_audit
from hub_model.questionnaire import Questionnaire, QuestionType


def generated_answers(
    definition: Questionnaire, count: int, seed: int = 5
) -> Iterator[dict[str, Any]]:
    """``count`` varied, valid answer sets to ``definition``, one at a time (a council's
    file arrives as bytes: the benchmark should not hold 10,000 answer sets besides)."""
    rng = random.Random(seed)  # noqa: S311 (made-up answers, not secrets)
    for _ in range(count):
        answers: dict[str, Any] = {}
        for question in definition.questions:
            codes = [option.code for option in question.options]
            if not question.required and rng.random() < 0.15:
                answers[question.code] = None
            elif question.type is QuestionType.SINGLE_CHOICE:
                answers[question.code] = rng.choice(codes)
            elif question.type is QuestionType.MULTIPLE_CHOICE:
                chosen = set(rng.sample(codes, rng.randint(1, 3)))
                answers[question.code] = [code for code in codes if code in chosen]
            elif question.type is QuestionType.RANKING:
                answers[question.code] = rng.sample(codes, question.pick)
            elif question.type in {QuestionType.SCALE, QuestionType.NUMBER}:
                high = min(question.maximum or 100, 100)
                answers[question.code] = rng.randint(question.minimum or 0, high)
            else:
                answers[question.code] = rng.choice(
                    ["More breaks", "A named worker", "Help with money"]
                )
        yield answers


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(rows: int) -> None:
    from flask_migrate import upgrade

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
                "RATELIMIT_STORAGE_URI": "memory://",
            }
        )
        with app.app_context():
            upgrade()
            area = Organisation(name="Benchshire", kind="area")
            db.session.add(area)
            db.session.commit()
            # No password: the benchmark never signs in, and hashing one would add
            # argon2's 64 MiB to a peak meant to measure the import.
            lead = accounts.create_user("lead@bench.test", "Lead", "carers_lead", None, area)
            db.session.commit()
            audit = create_audit(
                NewAudit(
                    "Bench audit",
                    area.id,
                    "carers_hub_2010",
                    [],
                    "2026/27",
                    date(2026, 4, 1),
                    date(2027, 3, 31),
                ),
                lead,
            )
            record = service.open_questionnaire(
                audit, "carers_survey", date.today(), date.today() + timedelta(days=30), lead
            )
            definition = service.definition_of(record)
            raw = importing.responses_csv(definition, generated_answers(definition, rows)).encode()
            before = peak_mb()
            print(
                f"CSV: {rows:,} responses, {len(raw) / 1e6:.1f} MB; peak memory before import {before:.0f} MB"
            )

            started_at = time.perf_counter()
            started = importing.start(record, "bench.csv", raw, lead)
            importing.queue(started, importing.guess_mapping(definition, started.headers))
            imported_at = time.perf_counter()
            after_import = peak_mb()
            assert started.status == importing.DONE, (started.status, started.errors[:3])
            summary = service.results(audit, record)
            done_at = time.perf_counter()
            assert summary.responses == rows

            print(f"import (upload, check every row, save all):  {imported_at - started_at:.2f} s")
            print(f"summarise (counts, shares, splits, ranking):  {done_at - imported_at:.2f} s")
            print(f"total:                                        {done_at - started_at:.2f} s")
            print(f"peak memory after the import:                 {after_import:.0f} MB")
            print(f"peak memory (resident set size):              {peak_mb():.0f} MB")
            print("targets: under 3 s and 200 MB for 10,000 responses")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
