"""A bounded store of what pages render once and show again (issue #21).

Kept per process: each key names everything the value depends on (an audit's
revision, the reader, the day...), so a change makes a new key and nothing kept
goes stale; the least recently used entries are dropped past ``size``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from flask import current_app

V = TypeVar("V")


class KeptLRU(Generic[V]):
    """Values by key, at most ``size`` of them, safe to share between threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.made = 0

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for ``key``, or ``make()`` kept for next time (made outside
        the lock: two threads may both make it, and the last one is kept)."""
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                self.hits += 1
                return found
        made = make()
        with self._lock:
            self.made += 1
            self._kept[key] = made
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return made

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


_STORES_LOCK = threading.Lock()


def app_store(name: str, make: Callable[[], Any]) -> Any:
    """The current app's store ``name`` (in ``app.extensions``), made with ``make`` on
    first use, once whatever the threads asking."""
    store = current_app.extensions.get(name)
    if store is None:
        with _STORES_LOCK:
            store = current_app.extensions.get(name)
            if store is None:
                store = current_app.extensions[name] = make()
    return store
