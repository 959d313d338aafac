"""Every GET route of the app as concrete URLs, generated from ``app.url_map``.

A test names real values for the arguments that matter to it (an audit's id,
its returns' ids, a table's slug); any other argument gets 1 (or "1"), which
reaches the route and answers 404 when nothing has that id.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Flask, url_for


def get_urls(
    app: Flask,
    values: Mapping[str, Sequence[Any]],
    variants: Mapping[str, Sequence[str]] | None = None,
    joint: Mapping[tuple[str, ...], Sequence[Mapping[str, Any]]] | None = None,
) -> list[tuple[str, str]]:
    """(endpoint, url) for every GET route but static files: every combination of
    ``values``; arguments named together in ``joint`` take only the listed sets
    (an attachment with its own return); each of ``variants[endpoint]`` (a query
    string) is added to that endpoint's URLs."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
                continue
            names = sorted(rule.arguments)
            sets: Sequence[Mapping[str, Any]] = [{}]
            for keys, choices in (joint or {}).items():
                if set(keys) <= set(names):
                    sets, names = choices, [n for n in names if n not in keys]
                    break
            for combination in itertools.product(*(values.get(n, [1]) for n in names)):
                for extra in sets:
                    given = dict(zip(names, combination, strict=True)) | dict(extra)
                    url = url_for(rule.endpoint, **given)
                    found.append((rule.endpoint, url))
                    for query in (variants or {}).get(rule.endpoint, ()):
                        found.append((rule.endpoint, url + query))
    return found
