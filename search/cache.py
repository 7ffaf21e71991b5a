"""A least-recently-used cache bounded in bytes, shared between threads.

The searcher keeps recent results, posting sets and unpacked articles. Bounded
by entries, a server's memory grew with what it was asked (a popular word's
posting set is far larger than a rare one's: 10,000 fuzzed queries took a
worker from 86 to 568 MB). Each entry is charged an estimate of its size, and
the oldest entries go when the total passes the budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class ByteLRU(Generic[Value]):
    """``get``/``put`` by key, evicting the least recently used past ``budget`` bytes."""

    def __init__(self, budget: int, size: Callable[[Value], int]) -> None:
        self.budget = budget
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Value | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Value) -> None:
        cost = self._size(value)
        if cost > self.budget:
            return  # would push out everything else for one entry
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._total -= old[1]
            self._entries[key] = (value, cost)
            self._total += cost
            while self._total > self.budget:
                _, (_, freed) = self._entries.popitem(last=False)
                self._total -= freed

    @property
    def bytes(self) -> int:
        return self._total

    def __len__(self) -> int:
        return len(self._entries)
