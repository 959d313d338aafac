"""Run every benchmark in turn (`make bench`): seed the national-scale database
if it is missing, then the map figures and the page latency under gunicorn."""

from __future__ import annotations

import subprocess
import sys

for module in ("bench.maps_bench", "bench.page_latency"):
    print(f"\n== {module} ==", flush=True)
    subprocess.run([sys.executable, "-m", module], check=True)  # noqa: S603
