"""Run every benchmark in turn (`make bench`): seed the national-scale database
if it is missing, then the map figures, the page latency under gunicorn, and
carers' quality of life for 100,000 survey answers over 150 areas."""

from __future__ import annotations

import subprocess
import sys

for module in ("bench.maps_bench", "bench.page_latency", "bench.quality_of_life_bench"):
    print(f"\n== {module} ==", flush=True)
    subprocess.run([sys.executable, "-m", module], check=True)  # noqa: S603
