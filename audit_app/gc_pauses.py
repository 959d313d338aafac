"""Short garbage-collector passes in a long-running worker (wsgi.py).

wsgi.py freezes what the worker loads before its first request, so that the
collector's full passes do not walk it. What the worker keeps after that (its
kept pages and parts, compiled SQL and templates: some 85,000 objects once every
page has been seen) was still walked by every full pass: about one request in
2,700 paused 30-40 ms for it, which a page's p99 at four connections showed as
60 ms (bench/README.md, stop 30). Once the worker is warm, after its 1,000th
request and again at 4,000, 16,000 and 64,000, it freezes again, at the end of a
request (after its response is sent): full passes then walk only what was made
since. Freezing moves the collector's lists whole, with no pass; only the young
generations are collected first (about a millisecond), not the old one.

Frozen objects are still freed when nothing refers to them; only a reference
cycle among them that is (or becomes) garbage is never collected: what the old
generation held of such cycles at the moment, and a kept value with a cycle
dropped from its store later. So the freezes are few, and stop.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Collection

from flask import Flask

WARM_AFTER = (1_000, 4_000, 16_000, 64_000)  # requests


def freeze_when_warm(app: Flask, after: Collection[int] = WARM_AFTER) -> None:
    """Freeze (after collecting the young generations) at the end of each of the
    ``after``-th requests of this process."""
    counted = itertools.count(1)
    marks = frozenset(after)

    @app.teardown_request
    def _freeze_when_warm(_error: BaseException | None) -> None:
        if next(counted) in marks:
            gc.collect(1)
            gc.freeze()
