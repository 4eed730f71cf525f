"""The API cache, as AppSync caches ("Configuring server-side caching and API payload compression
in AWS AppSync", https://docs.aws.amazon.com/appsync/latest/devguide/enabling-caching.html):

- `FULL_REQUEST_CACHING`: every resolver's result is cached on its own, for the API's TTL, keyed
  by the contents of `$context.arguments` and `$context.identity` (a resolver's own
  `cachingConfig` keeps its TTL and keys);
- `PER_RESOLVER_CACHING`: only resolvers with a `cachingConfig`, for its `ttl`, keyed by its
  `cachingKeys` (entries of `$context.arguments`, `$context.source` and `$context.identity`);
- `OPERATION_LEVEL_CACHING`: a whole query's response is cached and returned without running
  resolvers, for the API's TTL.

Only queries are served from the cache and fill it. `evictFromApiCache(typeName, fieldName,
keyValuePair)` in a mutation's resolver removes the entry whose caching keys have those values,
given in the order of the cached resolver's `cachingKeys`; the response then counts the entries
removed in `extensions.apiCacheEntriesDeleted` (AppSync's extensions reference,
https://docs.aws.amazon.com/appsync/latest/devguide/extensions-js.html). FlushApiCache empties
the cache (`appsync.aws.flush_cache`). A result is cached only when its field resolved without
an error.

AWS differs (unconfirmed): the default keys of a PER_RESOLVER_CACHING resolver without
`cachingKeys`, and an operation-level entry's key (here: the query, the operation name, the
variables and the caller's identity), are not documented; whether AppSync's full-request keys
include `$context.source` is not stated (here, as the page says, they do not: a field under a
list answers the same for every parent with the same arguments); a caching key's value is
compared as text (`1` and `"1"` are the same key).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final

from appsync.api_log import api_id
from appsync.cache_store import CacheStore, MemoryCacheStore, RedisCacheStore
from appsync.errors import BrokerError
from auth.clock import Clock
from definition.model import ApiCacheSpec, ApiCachingBehavior, ApiDefinition, ResolverSpec
from schema import json_text

# The whole maps full-request caching keys on (and a cachingConfig without cachingKeys).
DEFAULT_KEYS: Final = ("$context.arguments", "$context.identity")
_CONTEXT = "$context."


class _Miss:
    """A lookup that found nothing (a cached field may be null)."""


MISS: Final = _Miss()


@dataclass(frozen=True, slots=True)
class ResolverCaching:
    """How one resolver's results are cached: for `ttl` seconds, under the values of `keys`."""

    type_name: str
    field_name: str
    ttl: int
    keys: tuple[str, ...]

    @property
    def resolver(self) -> str:
        return f"{self.type_name}.{self.field_name}"

    def key(self, arguments: Any, source: Any, identity: Any) -> str:
        """The entry's key for a field resolved with this context."""
        maps = {"arguments": arguments, "source": source, "identity": identity}
        values = [(name[1:], _read(maps, name[len(_CONTEXT) :])) for name in self.keys]
        return entry_key(self.type_name, self.field_name, values)


def entry_key(type_name: str, field_name: str, values: list[tuple[str, Any]]) -> str:
    """`Type.field` and each caching key's name (without `$`) with its value as text."""
    return f"{type_name}.{field_name}|" + json_text.dumps([[k, _text(v)] for k, v in values])


def _read(maps: Mapping[str, Any], path: str) -> Any:
    head, _, rest = path.partition(".")
    value = maps.get(head)
    for step in rest.split(".") if rest else ():
        value = value.get(step) if isinstance(value, Mapping) else None
    return value


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


class ApiCache:
    """One API's cache: which resolvers it caches (`resolvers`, by type and field), and its
    entries in a `CacheStore`. `api_id` names the API in FlushApiCache and GetApiCache."""

    def __init__(
        self,
        spec: ApiCacheSpec,
        store: CacheStore,
        resolvers: Sequence[ResolverSpec] = (),
        api_id: str = "",
    ) -> None:
        self.spec = spec
        self.store = store
        self.api_id = api_id
        self.resolvers = {
            (resolver.type_name, resolver.field_name): caching
            for resolver in resolvers
            if (caching := self.caching(resolver)) is not None
        }

    async def reset(self) -> None:
        """Empty the entries (the control API's ResetState; `appsync.reset.Resettable`)."""
        await self.store.flush()

    @property
    def operation_level(self) -> bool:
        return self.spec.api_caching_behavior is ApiCachingBehavior.OPERATION_LEVEL_CACHING

    def caching(self, resolver: ResolverSpec) -> ResolverCaching | None:
        """How `resolver` is cached under the API's behaviour (None: it is not)."""
        behavior = self.spec.api_caching_behavior
        config = resolver.caching_config
        if behavior is ApiCachingBehavior.OPERATION_LEVEL_CACHING:
            return None
        if config is None:
            if behavior is ApiCachingBehavior.PER_RESOLVER_CACHING:
                return None
            return ResolverCaching(
                resolver.type_name, resolver.field_name, self.spec.ttl, DEFAULT_KEYS
            )
        keys = config.caching_keys or DEFAULT_KEYS
        return ResolverCaching(resolver.type_name, resolver.field_name, config.ttl, keys)

    async def get(self, key: str) -> Any:
        """The cached value under `key`, or MISS."""
        text = await self.store.get(key)
        return MISS if text is None else json_text.loads(text)

    async def put(self, key: str, value: Any, ttl: int) -> None:
        try:
            text = json_text.dumps(value)
        except (TypeError, ValueError):
            return  # a value JSON cannot hold is not cached
        await self.store.set(key, text, ttl)

    async def evict(self, calls: list[Any]) -> int:
        """`evictFromApiCache` calls as resolvers recorded them; how many entries went."""
        keys = []
        for call in calls:
            if not isinstance(call, Mapping):
                continue
            pairs = call.get("keyValuePair")
            if not isinstance(pairs, Mapping):
                continue
            values = [(str(name), value) for name, value in pairs.items()]
            keys.append(entry_key(str(call.get("typeName")), str(call.get("fieldName")), values))
        return await self.store.delete(keys)

    def operation_key(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        identity: Any,
    ) -> str:
        return "operation|" + json.dumps(
            [query, operation_name, variables or {}, identity],
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )


def api_cache_of(
    definition: ApiDefinition, clock: Clock, problem: Callable[[str, str], None]
) -> ApiCache | None:
    """The cache of the definition's `apiCache`: in the Redis of `server.apiCache.redisUrl`
    (keys under `appsync-local:cache:<api id>:`), else in this process's memory on `clock`. A
    URL redis-py refuses is a `problem` (key path, message)."""
    spec = definition.api_cache
    if spec is None:
        return None
    identifier = api_id(definition.name)
    url = definition.server.api_cache_redis_url
    store: CacheStore = MemoryCacheStore(clock)
    if url is not None:
        try:
            store = RedisCacheStore(url, f"appsync-local:cache:{identifier}:")
        except BrokerError as error:
            problem("server.apiCache.redisUrl", str(error))
            return None
    return ApiCache(spec, store, definition.resolvers, identifier)


@asynccontextmanager
async def cache_open(cache: ApiCache | None) -> AsyncIterator[None]:
    """The cache's store for the server's lifetime, closed (its Redis connections) after."""
    try:
        yield
    finally:
        if cache is not None:
            await cache.store.close()
