"""The memory store of the API cache on a manual clock: entries expire at their TTL, a delete
counts only live entries, and the store keeps at most its bound, dropping the oldest first. (The
Redis store runs against a real redis-server in tests/integration/test_api_cache.py.)"""

from __future__ import annotations

import pytest

from appsync.cache_store import MemoryCacheStore
from auth.clock import ManualClock

pytestmark = pytest.mark.anyio


async def test_an_entry_lives_for_its_ttl() -> None:
    clock = ManualClock(100.0)
    store = MemoryCacheStore(clock)
    await store.set("k", '"v"', 10)
    clock.advance(9.9)
    assert await store.get("k") == '"v"'
    clock.advance(0.1)
    assert await store.get("k") is None


async def test_a_delete_counts_the_live_entries_it_removed() -> None:
    clock = ManualClock(0.0)
    store = MemoryCacheStore(clock)
    await store.set("a", "1", 5)
    await store.set("b", "2", 50)
    clock.advance(10)
    assert await store.delete(["a", "b", "c"]) == 1
    assert await store.get("b") is None


async def test_the_store_keeps_its_bound_and_flushes() -> None:
    store = MemoryCacheStore(ManualClock(0.0), max_entries=2)
    for key in ("a", "b", "c"):
        await store.set(key, key, 60)
    assert [await store.get(key) for key in ("a", "b", "c")] == [None, "b", "c"]
    await store.flush()
    assert await store.get("c") is None
