"""The searcher's caches are bounded in bytes, not entries."""

from __future__ import annotations

from search.cache import ByteLRU


def test_the_oldest_entries_go_when_the_budget_is_passed() -> None:
    cache = ByteLRU[str](budget=100, size=len)
    for key in "abcd":
        cache.put(key, key * 30)
    assert cache.bytes == 90 and cache.get("a") is None
    assert cache.get("b") == "b" * 30
    cache.put("e", "e" * 30)  # "c" is now the least recently used
    assert cache.get("c") is None and cache.get("b") is not None
    assert cache.bytes <= 100


def test_an_entry_larger_than_the_budget_is_not_kept_and_evicts_nothing() -> None:
    cache = ByteLRU[str](budget=100, size=len)
    cache.put("a", "a" * 50)
    cache.put("huge", "x" * 500)
    assert cache.get("huge") is None and cache.get("a") == "a" * 50


def test_replacing_a_key_charges_only_its_new_size() -> None:
    cache = ByteLRU[str](budget=100, size=len)
    cache.put("a", "a" * 60)
    cache.put("a", "a" * 70)
    assert (len(cache), cache.bytes) == (1, 70)
