"""The chart cache: objects in process, shared through Redis when configured, never an
error when the store fails."""

from __future__ import annotations

from audit_app.services.chart_cache import ChartCache, RedisStore, make_cache


def test_second_get_is_a_hit_and_a_new_revision_recomputes() -> None:
    cache = ChartCache(None)
    calls: list[int] = []
    for revision in (1, 1, 2, 2):
        assert (
            cache.get_or_compute(7, revision, "wheel", lambda r=revision: calls.append(r) or r)
            == revision
        )
    assert calls == [1, 2]
    assert (cache.stats.computed, cache.stats.hits) == (2, 2)


def test_least_recently_used_entries_are_dropped() -> None:
    cache = ChartCache(None, local_size=2)
    calls: list[str] = []
    for name in ("a", "b", "a", "c", "a", "b"):
        cache.get_or_compute(1, 1, name, lambda n=name: calls.append(n) or n)
    assert calls == ["a", "b", "c", "b"]  # b was the least recently used when c came


class BrokenStore:
    def get(self, key: str) -> bytes | None:
        raise ConnectionError("redis is down")

    def set(self, key: str, value: bytes) -> None:
        raise ConnectionError("redis is down")


def test_a_store_that_fails_costs_a_computation_not_an_error() -> None:
    cache = ChartCache(BrokenStore())
    assert cache.get_or_compute(1, 1, "x", lambda: "drawn") == "drawn"
    assert cache.stats.computed == 1


def test_redis_is_used_when_redis_url_is_set() -> None:
    cache = make_cache({"REDIS_URL": "redis://127.0.0.1:6390/0", "CHART_CACHE_TTL": 60})
    assert isinstance(cache.store, RedisStore) and cache.store.ttl == 60
    assert ChartCache.key(3, 4, "map-rag.png") == "carers-hub:maps:3:4:map-rag.png"
    assert make_cache({"REDIS_URL": None}).store is None


class SharedStore:
    """One store two caches (two workers) both talk to, as they would to Redis."""

    def __init__(self) -> None:
        self.items: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.items.get(key)

    def set(self, key: str, value: bytes) -> None:
        self.items[key] = value


def test_two_workers_share_one_computation_through_the_store() -> None:
    store = SharedStore()
    first, second = ChartCache(store), ChartCache(store)
    assert first.get_or_compute(1, 1, "wheel", lambda: {"drawn": 1}) == {"drawn": 1}
    assert second.get_or_compute(1, 1, "wheel", lambda: {"drawn": 2}) == {"drawn": 1}
    assert (first.stats.computed, second.stats.computed, second.stats.hits) == (1, 0, 1)
    assert list(store.items) == ["carers-hub:maps:1:1:wheel"]  # stored pickled, by key
