"""Carers' quality of life at national scale: 100,000 survey answers over 150 areas,
scored and summarised per area (average and its 95% t-interval, carers with and
without a score) with hub_model.quality_of_life.area_results, vectorised.

Prints the median of several runs (target < 1 s) and one area's figures.

    .venv/bin/python -m bench.quality_of_life_bench [--answers 100000] [--areas 150] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from hub_model.framework import load_builtin
from hub_model.quality_of_life import area_results
from hub_model.quality_of_life_scoring import load_scoring
from hub_model.questionnaire import load_questionnaire
from questionnaires import FOLDER

TARGET_MS = 1000.0


def answers(scoring: object, count: int, areas: int, seed: int = 2026) -> pd.DataFrame:
    """``count`` made-up answer sets: each area has its own leaning, and about one
    carer in twelve leaves out one of the six questions."""
    from hub_model.quality_of_life_scoring import Scoring

    assert isinstance(scoring, Scoring)
    rng = np.random.default_rng(seed)
    area = rng.integers(0, areas, size=count)
    leaning = rng.uniform(0.25, 0.6, size=areas)[area]
    frame = pd.DataFrame({"area": [f"E{10_000_000 + a:08d}" for a in area]})
    for domain in scoring.domains:
        codes = np.array(sorted(domain.points, key=domain.points.__getitem__, reverse=True))
        draw = rng.random(count)
        index = np.where(draw < leaning, 0, np.where(draw < leaning + 0.35, 1, 2))
        frame[domain.question] = codes[index]
    skipped = rng.random(count) < 1 / 12
    which = rng.integers(0, len(scoring.domains), size=count)
    for number, domain in enumerate(scoring.domains):
        frame.loc[skipped & (which == number), domain.question] = None
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--areas", type=int, default=150)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    survey = load_questionnaire(FOLDER / "carers_survey.yaml", load_builtin("carers_hub_2010"))
    scoring = load_scoring(FOLDER / "scoring" / "carer_quality_of_life.yaml", survey)
    frame = answers(scoring, options.answers, options.areas)
    times = []
    table = pd.DataFrame()
    for _ in range(options.runs):
        started = time.perf_counter()
        table = area_results(scoring, frame)
        times.append((time.perf_counter() - started) * 1000)
    ms = statistics.median(times)
    verdict = "ok" if ms < TARGET_MS else "OVER TARGET"
    print(f"{options.answers:,} answers over {len(table)} areas")
    print(
        f"{'quality of life per area (area_results)':<48} {ms:9.2f} ms   (target < 1000 ms: {verdict})"
    )
    first = table.iloc[0]
    print(
        f"e.g. {table.index[0]}: {first['carers']:.0f} carers, {first['scored']:.0f} with a score, "
        f"average {first['mean']:.2f} (95% CI {first['low']:.2f} to {first['high']:.2f})"
    )


if __name__ == "__main__":
    main()
