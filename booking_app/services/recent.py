"""A small thread-safe LRU for computed answers (the worker's threads share it).

Used where a value is keyed by a version that moves with every relevant write, so an
entry is never stale, only unused: computed weeks (services/tutor_public.py, keyed by
the schedule version) and the API's personal reads (api/read_cache.py, keyed by the
user's data version). The size is read from settings on every put, so 0 turns caching
off (the test process does that: its databases reuse ids and versions).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class RecentValues(Generic[V]):
    """At most ``size()`` values, the least recently used dropped first."""

    def __init__(self, size: Callable[[], int]) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        size = self._size()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
