"""The API cache through the real app, on a manual clock: a cached field is answered without
calling its data source within its TTL and called again after it, keys keep identities and
arguments apart, a mutation's `evictFromApiCache` removes the entry and says so in
`extensions.apiCacheEntriesDeleted`, each caching behaviour caches what AppSync documents
(https://docs.aws.amazon.com/appsync/latest/devguide/enabling-caching.html,
https://docs.aws.amazon.com/appsync/latest/devguide/extensions-js.html), and cached answers are
marked in the API's log and counted in its metrics."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from appsync.api_cache import DEFAULT_KEYS, ApiCache, ResolverCaching, entry_key
from appsync.app import build_app
from appsync.cache_store import MemoryCacheStore
from appsync.log_sinks import JsonLinesSink
from auth.clock import ManualClock
from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import (
    ApiCacheSpec,
    ApiCachingBehavior,
    CachingConfig,
    ResolverKind,
    ResolverSpec,
)

pytestmark = pytest.mark.anyio

SCHEMA = """
type Query {
  count(id: ID!): String
  plain(id: ID!): String
}
type Mutation {
  touch(id: ID!): String
  touchJs(id: ID!): String
}
"""
# Counts its calls: each answer says how many calls the data source has seen.
COUNTER = """
calls = []

def handler(event):
    calls.append(event)
    return f"{event['arguments'].get('id')}#{len(calls)}"
"""
AUTHORIZER = """
def authorize(event):
    return {"isAuthorized": True, "resolverContext": {"user": event["authorizationToken"]}}
"""
EVICT_JS = """import { extensions } from '@aws-appsync/utils';

export function request(ctx) {
  return { payload: ctx.args.id };
}

export function response(ctx) {
  extensions.evictFromApiCache('Query', 'count', { 'context.arguments.id': ctx.args.id });
  return ctx.result;
}
"""
EVICT = """{"version": "2018-05-29", "payload": $util.toJson($ctx.args.id)}"""
EVICT_RESPONSE = """#set($keys = {"context.arguments.id": $ctx.args.id})
$extensions.evictFromApiCache("Query", "count", $keys)
$util.toJson($ctx.result)"""


def _write(folder: Path, cache: str, *, count_caching: str = "", extra: str = "") -> Path:
    # A module of its own per test: the handler's count starts at zero.
    counter = "cache_counter_" + "".join(c if c.isalnum() else "_" for c in folder.name)
    files = {
        "schema.graphql": SCHEMA,
        f"{counter}.py": COUNTER,
        "cache_test_auth.py": AUTHORIZER,
        "evict.req.vtl": EVICT,
        "evict.res.vtl": EVICT_RESPONSE,
        "evict.js": EVICT_JS,
        "appsync.yaml": f"""
name: cached
schema: schema.graphql
authenticationType: AWS_LAMBDA
lambdaAuthorizerConfig: {{handler: "cache_test_auth:authorize"}}
{cache}
{extra}
dataSources:
  - {{name: Counter, type: AWS_LAMBDA, lambdaConfig: {{handler: "{counter}:handler"}}}}
  - {{name: Local, type: NONE}}
resolvers:
  - typeName: Query
    fieldName: count
    dataSourceName: Counter
    {count_caching}
  - {{typeName: Query, fieldName: plain, dataSourceName: Counter}}
  - {{typeName: Mutation, fieldName: touch, dataSourceName: Local,
      requestMappingTemplate: evict.req.vtl, responseMappingTemplate: evict.res.vtl}}
  - {{typeName: Mutation, fieldName: touchJs, dataSourceName: Local, code: evict.js}}
""",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "appsync.yaml"


class _Api:
    def __init__(self, folder: Path, cache: str, **kwargs: str) -> None:
        self.clock = ManualClock(1_700_000_000.0)
        self.log = io.StringIO()
        self.app = build_app(
            read_appsync_yaml(_write(folder, cache, **kwargs)),
            clock=self.clock,
            log_sink=JsonLinesSink(self.log),
        )

    async def query(self, text: str, user: str = "alice") -> dict[str, Any]:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
            response = await client.post(
                "/graphql", json={"query": text}, headers={"authorization": user}
            )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def metrics(self) -> dict[str, float]:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
            text = (await client.get("/metrics")).text
        return {
            f"{sample.name}{sample.labels.get('Resolver', '')}": sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }


PER_RESOLVER = "apiCache: {ttl: 300, apiCachingBehavior: PER_RESOLVER_CACHING}"
BY_ID = 'cachingConfig: {ttl: 60, cachingKeys: ["$context.arguments.id"]}'


async def test_a_cached_field_skips_its_data_source_within_the_ttl(tmp_path: Path) -> None:
    api = _Api(tmp_path, PER_RESOLVER, count_caching=BY_ID)
    assert await api.query('{ count(id: "a") }') == {"data": {"count": "a#1"}}
    assert await api.query('{ count(id: "a") }') == {"data": {"count": "a#1"}}
    # Another value of the caching key is another entry.
    assert await api.query('{ count(id: "b") }') == {"data": {"count": "b#2"}}
    api.clock.advance(59)
    assert await api.query('{ count(id: "a") }') == {"data": {"count": "a#1"}}
    api.clock.advance(1)
    assert await api.query('{ count(id: "a") }') == {"data": {"count": "a#3"}}
    # A resolver without cachingConfig is not cached under PER_RESOLVER_CACHING.
    assert await api.query('{ plain(id: "p") }') == {"data": {"plain": "p#4"}}
    assert await api.query('{ plain(id: "p") }') == {"data": {"plain": "p#5"}}
    metrics = await api.metrics()
    assert metrics["appsync_CacheHit_totalQuery.count"] == 2
    assert metrics["appsync_CacheMiss_totalQuery.count"] == 3


async def test_the_control_apis_reset_empties_the_cache(tmp_path: Path) -> None:
    # A test's reset (ResetState, `appsync.reset`) leaves no cached answer behind.
    api = _Api(tmp_path, PER_RESOLVER, count_caching=BY_ID)
    assert await api.query('{ count(id: "a") }') == {"data": {"count": "a#1"}}
    assert await api.query('{ count(id: "a") }') == {"data": {"count": "a#1"}}
    await api.app.state.api.reset.reset()
    assert await api.query('{ count(id: "a") }') == {"data": {"count": "a#2"}}


async def test_full_request_caching_keys_on_arguments_and_identity(tmp_path: Path) -> None:
    api = _Api(tmp_path, "apiCache: {ttl: 30, apiCachingBehavior: FULL_REQUEST_CACHING}")
    assert await api.query('{ plain(id: "x") }', user="alice") == {"data": {"plain": "x#1"}}
    assert await api.query('{ plain(id: "x") }', user="alice") == {"data": {"plain": "x#1"}}
    # Another caller's identity ($context.identity.resolverContext) is another entry.
    assert await api.query('{ plain(id: "x") }', user="bob") == {"data": {"plain": "x#2"}}
    api.clock.advance(30)
    assert await api.query('{ plain(id: "x") }', user="alice") == {"data": {"plain": "x#3"}}


async def test_identity_caching_keys_separate_callers(tmp_path: Path) -> None:
    keys = 'cachingConfig: {ttl: 60, cachingKeys: ["$context.identity.resolverContext.user"]}'
    api = _Api(tmp_path, PER_RESOLVER, count_caching=keys)
    assert await api.query('{ count(id: "a") }', user="alice") == {"data": {"count": "a#1"}}
    assert await api.query('{ count(id: "b") }', user="alice") == {"data": {"count": "a#1"}}
    assert await api.query('{ count(id: "a") }', user="bob") == {"data": {"count": "a#2"}}


async def test_a_mutation_evicts_the_entry_and_counts_it(tmp_path: Path) -> None:
    api = _Api(tmp_path, PER_RESOLVER, count_caching=BY_ID)
    assert await api.query('{ count(id: "a") }') == {"data": {"count": "a#1"}}
    evicted = await api.query('mutation { touch(id: "a") }')
    assert evicted == {"data": {"touch": "a"}, "extensions": {"apiCacheEntriesDeleted": 1}}
    assert await api.query('{ count(id: "a") }') == {"data": {"count": "a#2"}}
    # Nothing cached under that key any more: nothing deleted, no extensions.
    assert await api.query('mutation { touch(id: "zzz") }') == {"data": {"touch": "zzz"}}
    # APPSYNC_JS's extensions.evictFromApiCache does the same.
    evicted = await api.query('mutation { touchJs(id: "a") }')
    assert evicted == {"data": {"touchJs": "a"}, "extensions": {"apiCacheEntriesDeleted": 1}}
    assert await api.query('{ count(id: "a") }') == {"data": {"count": "a#3"}}


async def test_operation_level_caching_returns_the_whole_response(tmp_path: Path) -> None:
    api = _Api(tmp_path, "apiCache: {ttl: 10, apiCachingBehavior: OPERATION_LEVEL_CACHING}")
    query = '{ a: plain(id: "1") b: count(id: "2") }'
    first = await api.query(query)
    assert first == {"data": {"a": "1#1", "b": "2#2"}}
    assert await api.query(query) == first
    # Another query text is another operation.
    assert await api.query('{ plain(id: "1") }') == {"data": {"plain": "1#3"}}
    api.clock.advance(10)
    assert await api.query(query) == {"data": {"a": "1#4", "b": "2#5"}}


async def test_cached_answers_are_marked_in_the_log(tmp_path: Path) -> None:
    log = "logConfig: {fieldLogLevel: ALL, excludeVerboseContent: true}"
    api = _Api(tmp_path, PER_RESOLVER, count_caching=BY_ID, extra=log)
    await api.query('{ count(id: "a") }')
    await api.query('{ count(id: "a") }')
    messages = [json.loads(line)["message"] for line in api.log.getvalue().splitlines()]
    hits = [m for m in messages if "API cache hit: Query.count count" in m]
    assert len(hits) == 1
    tracing = [json.loads(m) for m in messages if '"logType": "Tracing"' in m]
    assert [event.get("cached", False) for event in tracing] == [False, True]


def test_a_caching_key_and_its_eviction_name_the_same_entry() -> None:
    caching = ResolverCaching("Query", "getPost", 60, ("$context.arguments.id",))
    key = caching.key({"id": 7}, None, None)
    # evictFromApiCache passes the value as text; 7 and "7" are one key.
    assert key == entry_key("Query", "getPost", [("context.arguments.id", "7")])
    source = ResolverCaching("Post", "author", 60, ("$context.source.authorId",))
    assert source.key({}, {"authorId": "x"}, None) != source.key({}, {"authorId": "y"}, None)


def test_which_resolvers_each_behaviour_caches() -> None:
    store = MemoryCacheStore(ManualClock(0.0))
    cached = ResolverSpec(
        "Query",
        "a",
        ResolverKind.UNIT,
        "S",
        None,
        (),
        0,
        "resolvers[0]",
        caching_config=CachingConfig(5, ()),
    )
    plain = ResolverSpec("Query", "b", ResolverKind.UNIT, "S", None, (), 0, "resolvers[1]")
    per = ApiCache(ApiCacheSpec(ApiCachingBehavior.PER_RESOLVER_CACHING, "SMALL", 30), store)
    assert per.caching(cached) == ResolverCaching("Query", "a", 5, DEFAULT_KEYS)
    assert per.caching(plain) is None
    full = ApiCache(ApiCacheSpec(ApiCachingBehavior.FULL_REQUEST_CACHING, "SMALL", 30), store)
    assert full.caching(plain) == ResolverCaching("Query", "b", 30, DEFAULT_KEYS)
    operation = ApiCache(
        ApiCacheSpec(ApiCachingBehavior.OPERATION_LEVEL_CACHING, "SMALL", 30), store
    )
    assert operation.caching(cached) is None
    assert operation.operation_level
