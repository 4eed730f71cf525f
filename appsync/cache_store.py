"""Where the API cache keeps its entries: this process's memory, or Redis (AppSync's own cache
engine, ElastiCache for Redis OSS), which several server processes then share.

Entries are JSON texts under string keys, each with a TTL in seconds. The memory store reads the
server's `Clock`, so tests move time instead of waiting; Redis expires keys itself (`SET ... EX`).
A Redis that does not answer makes every lookup a miss and every write a no-op, with a warning
once per outage: requests go on to their data sources rather than fail.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from appsync.errors import BrokerError
from auth.clock import Clock

# redis-py is imported by the Redis store alone: importing it cost every start a twentieth of
# its time to the first answer, Redis configured or not (issue 19).
if TYPE_CHECKING:
    import redis.asyncio as aioredis

logger = logging.getLogger(__name__)

# Entries the memory store keeps at most; past it the oldest written goes first.
MAX_MEMORY_ENTRIES = 100_000


class CacheStore(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str, ttl: int) -> None: ...

    async def delete(self, keys: Sequence[str]) -> int:
        """Remove `keys`; how many were there."""
        ...

    async def flush(self) -> None:
        """Remove every entry of this API's cache."""
        ...

    async def close(self) -> None: ...


class MemoryCacheStore:
    """One process's cache."""

    __slots__ = ("_clock", "_entries", "_max_entries")

    def __init__(self, clock: Clock, max_entries: int = MAX_MEMORY_ENTRIES) -> None:
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._max_entries = max_entries

    async def get(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if self._clock.time() >= expires:
            del self._entries[key]
            return None
        return value

    async def set(self, key: str, value: str, ttl: int) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (self._clock.time() + ttl, value)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    async def delete(self, keys: Sequence[str]) -> int:
        now = self._clock.time()
        deleted = 0
        for key in keys:
            entry = self._entries.pop(key, None)
            if entry is not None and entry[0] > now:
                deleted += 1
        return deleted

    async def flush(self) -> None:
        self._entries.clear()

    async def close(self) -> None:
        self._entries.clear()


class RedisCacheStore:
    """Entries under `<prefix><key>` in Redis; `flush` removes this prefix's keys only, so a
    Redis shared with the realtime broker or other APIs keeps theirs."""

    __slots__ = ("_client", "_failures", "_outage", "_prefix", "_url")

    def __init__(self, url: str, prefix: str) -> None:
        import redis.asyncio as aioredis
        from redis.exceptions import RedisError

        # What a Redis that does not answer raises.
        self._failures: tuple[type[Exception], ...] = (RedisError, OSError)
        try:
            self._client: aioredis.Redis = aioredis.Redis.from_url(url)
        except ValueError as error:
            raise BrokerError(f"not a Redis URL: {url!r} ({error})") from None
        self._url = url
        self._prefix = prefix
        self._outage = False

    async def get(self, key: str) -> str | None:
        try:
            value = await self._client.get(self._prefix + key)
        except self._failures as error:
            self._unreachable(error)
            return None
        self._outage = False
        return value.decode() if isinstance(value, bytes) else None

    async def set(self, key: str, value: str, ttl: int) -> None:
        try:
            await self._client.set(self._prefix + key, value, ex=ttl)
        except self._failures as error:
            self._unreachable(error)

    async def delete(self, keys: Sequence[str]) -> int:
        if not keys:
            return 0
        try:
            return int(await self._client.delete(*(self._prefix + key for key in keys)))
        except self._failures as error:
            self._unreachable(error)
            return 0

    async def flush(self) -> None:
        try:
            batch: list[bytes] = []
            async for key in self._client.scan_iter(match=self._prefix + "*", count=500):
                batch.append(key)
                if len(batch) >= 500:
                    await self._client.delete(*batch)
                    batch = []
            if batch:
                await self._client.delete(*batch)
        except self._failures as error:
            self._unreachable(error)

    async def close(self) -> None:
        await self._client.aclose()

    def _unreachable(self, error: BaseException) -> None:
        if not self._outage:
            self._outage = True
            logger.warning(
                "the API cache's Redis at %s does not answer (%s): requests go to their data "
                "sources until it does",
                self._url,
                error,
            )
