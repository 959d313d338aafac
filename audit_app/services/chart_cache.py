"""Computed maps and rendered charts, cached per (audit id, audit revision, name).

Every change to an audit bumps ``audit.revision`` (services.changes and the
step services), so a change makes a new key and the old entry is never read
again: invalidation is the key, not a delete. In-process LRU by default; Redis
when ``REDIS_URL`` is set, so app workers share one cache (keys carry a prefix
and expire after a TTL; each worker also keeps recent values as objects).
Values in Redis are pickled: the cache is written and read only by this
application.
"""

from __future__ import annotations

import logging
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from flask import current_app
from markupsafe import Markup

from audit_app.services.kept import app_store

log = logging.getLogger(__name__)

T = TypeVar("T")

PREFIX = "carers-hub:maps:"
DEFAULT_TTL = 24 * 3600
DEFAULT_SIZE = 512


@dataclass
class Stats:
    """Hits and computations since the cache was made (tests count these)."""

    hits: int = 0
    computed: int = 0


class Store(Protocol):
    def get(self, key: str) -> bytes | None: ...
    def set(self, key: str, value: bytes) -> None: ...


class RedisStore:
    """Entries in Redis under :data:`PREFIX`, expiring after ``ttl`` seconds."""

    def __init__(self, url: str, ttl: int = DEFAULT_TTL) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2)
        self.ttl = ttl

    def get(self, key: str) -> bytes | None:
        value = self.client.get(key)
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes) -> None:
        self.client.set(key, value, ex=self.ttl)


class ChartCache:
    """Get or compute a value for (audit id, revision, name).

    Values live as objects in a small per-process LRU in front of the store, so
    a repeated view neither recomputes nor unpickles; with Redis the store
    shares them between workers (a worker's first view of a revision unpickles
    once). Keys never go stale (a change makes a new key), so the two tiers
    cannot disagree.
    """

    def __init__(self, store: Store | None, local_size: int = DEFAULT_SIZE) -> None:
        self.store = store
        self.local_size = local_size
        self._local: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.stats = Stats()

    @staticmethod
    def key(audit_id: int, revision: int, name: str) -> str:
        return f"{PREFIX}{audit_id}:{revision}:{name}"

    def _remember(self, key: str, value: Any) -> None:
        with self._lock:
            self._local[key] = value
            self._local.move_to_end(key)
            while len(self._local) > self.local_size:
                self._local.popitem(last=False)

    def get_or_compute(
        self, audit_id: int, revision: int, name: str, compute: Callable[[], T]
    ) -> T:
        """The cached value, or ``compute()`` stored for next time.

        A cache that cannot be reached (Redis down) costs a computation, never an error.
        """
        key = self.key(audit_id, revision, name)
        with self._lock:
            if key in self._local:
                self._local.move_to_end(key)
                self.stats.hits += 1
                local: T = self._local[key]
                return local
        found = None
        if self.store is not None:
            try:
                found = self.store.get(key)
            except Exception:  # noqa: BLE001 (any store failure falls back to computing)
                log.warning("chart cache unavailable for %s", key, exc_info=True)
        if found is not None:
            self.stats.hits += 1
            value: T = pickle.loads(found)  # noqa: S301 (written only by this app)
            self._remember(key, value)
            return value
        value = compute()
        self.stats.computed += 1
        self._remember(key, value)
        if self.store is not None:
            try:
                self.store.set(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            except Exception:  # noqa: BLE001
                log.warning("chart cache could not store %s", key, exc_info=True)
        return value


def make_cache(config: dict[str, Any] | Any) -> ChartCache:
    """A Redis-backed cache when REDIS_URL is set, else an in-process LRU."""
    url = config.get("REDIS_URL")
    ttl = int(config.get("CHART_CACHE_TTL", DEFAULT_TTL))
    size = int(config.get("CHART_CACHE_SIZE", DEFAULT_SIZE))
    if url and not str(url).startswith("memory://"):
        return ChartCache(RedisStore(str(url), ttl), local_size=min(size, 64))
    return ChartCache(None, local_size=size)


def chart_cache() -> ChartCache:
    """The app's cache, made on first use."""
    cache = app_store("chart_cache", lambda: make_cache(current_app.config))
    assert isinstance(cache, ChartCache)
    return cache


def revision_key(audit: Any) -> str:
    """Names ``audit`` at its revision in another audit's cache entries: its id,
    revision and creation time (an id may be used again after a deletion)."""
    born = audit.created_at.timestamp() if audit.created_at else 0
    return f"{audit.id}:{audit.revision or 0}:{born:.6f}"


def cached(audit: Any, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` for this audit at its current revision, at most once per revision.

    The name carries the audit's creation time too: a database may reuse the id
    of a deleted audit, and its revision numbers start again from zero.
    """
    born = audit.created_at.timestamp() if audit.created_at else 0
    return chart_cache().get_or_compute(
        audit.id, audit.revision or 0, f"{born:.6f}:{name}", compute
    )


def cached_markup(audit: Any, name: str, render: Callable[[], Any]) -> Markup:
    """A part of a page that depends only on the audit at its revision (and on
    ``name``, which must say everything else it depends on), rendered once per
    revision: the template global ``revision_cached``, given a block of the page
    (``self.body``). Never for anything that depends on who reads it."""
    return Markup(cached(audit, f"markup:{name}", lambda: str(render())))  # noqa: S704 (our own template's output)


# Marks where a part kept as bytes goes in the page (:func:`kept_bytes`): a comment, so
# no text of the page (escaped by Jinja) can hold it.
_KEPT_MARK = Markup("<!--kept-part-->")


def kept_bytes(audit: Any, name: str, render: Callable[[], Any]) -> Markup:
    """:func:`cached_markup` kept as UTF-8 bytes (the template global
    ``revision_kept``): the page holds a mark in its place, and the view sends
    :func:`spliced` of the page, the bytes put in at the mark. A large kept part
    (the comparison of two cycles, some 400 KB with its chart) is then neither
    copied through the template nor encoded again on every request (as the report's
    sections: services.report.render_page)."""
    from flask import g

    data = cached(audit, f"bytes:{name}", lambda: str(render()).encode("utf-8"))
    g.setdefault("kept_parts", []).append(data)
    return _KEPT_MARK


def spliced(html: str) -> bytes:
    """The page ``html`` as UTF-8, each part :func:`kept_bytes` kept put in at its
    mark: the same bytes as the page rendered with the parts in place, encoded."""
    from flask import g

    return splice(html, _KEPT_MARK, g.pop("kept_parts", []), "kept parts")


def splice(html: str, mark: str, parts: Sequence[bytes], what: str) -> bytes:
    """``html`` as UTF-8 with ``parts`` (bytes already encoded) put in at each ``mark``
    in turn; a RuntimeError if marks and parts are not as many (a template change that
    dropped or doubled one, or a mark that is not a part's)."""
    pieces = html.split(mark)
    if len(pieces) != len(parts) + 1:
        raise RuntimeError(f"{what} and their places in the page do not match")
    chunks = [pieces[0].encode("utf-8")]
    for data, after in zip(parts, pieces[1:], strict=True):
        chunks += (data, after.encode("utf-8"))
    return b"".join(chunks)
