"""The chart cache: LRU in process, Redis when configured, never an error when the store fails."""

from __future__ import annotations

from audit_app.services.chart_cache import ChartCache, MemoryStore, RedisStore, make_cache


def test_second_get_is_a_hit_and_a_new_revision_recomputes() -> None:
    cache = ChartCache(MemoryStore())
    calls: list[int] = []
    for revision in (1, 1, 2, 2):
        assert (
            cache.get_or_compute(7, revision, "wheel", lambda r=revision: calls.append(r) or r)
            == revision
        )
    assert calls == [1, 2]
    assert (cache.stats.computed, cache.stats.hits) == (2, 2)


def test_least_recently_used_entries_are_dropped() -> None:
    store = MemoryStore(size=2)
    store.set("a", b"1")
    store.set("b", b"2")
    store.get("a")
    store.set("c", b"3")
    assert (store.get("a"), store.get("b"), store.get("c")) == (b"1", None, b"3")


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
    assert isinstance(make_cache({"REDIS_URL": None}).store, MemoryStore)
