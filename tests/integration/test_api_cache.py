"""The API cache through real servers: FlushApiCache and GetApiCache with boto3's `appsync`
client on the AWS endpoint, and one cache in a real `redis-server` shared by two `appsync-local
serve` processes: what one process cached, the other answers without calling its own data
source, and its log says the answer came from the cache."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from appsync.api_log import api_id
from tests.fixtures.redis_server import running_redis
from tests.integration.conftest import endpoint_client, serve
from tests.integration.server_process import serve_process

API_KEY = "da2-appsynccachetestkey00000"
SCHEMA = "type Query { whoAnswered(id: ID!): String }\n"
# Says which process answered, and how many calls its data source has seen.
HANDLER = """import os

calls = []


def handler(event):
    calls.append(event)
    return f"{os.getpid()}#{len(calls)}"
"""


def _write(folder: Path, redis_url: str | None) -> Path:
    server = f"server: {{apiCache: {{redisUrl: '{redis_url}'}}}}" if redis_url else ""
    (folder / "schema.graphql").write_text(SCHEMA)
    (folder / "who_answered.py").write_text(HANDLER)
    definition = folder / "appsync.yaml"
    definition.write_text(
        f"""
name: shared-cache
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{{id: {API_KEY}}}]
logConfig: {{fieldLogLevel: INFO, excludeVerboseContent: true}}
apiCache: {{ttl: 300, apiCachingBehavior: FULL_REQUEST_CACHING}}
{server}
dataSources:
  - {{name: Who, type: AWS_LAMBDA, lambdaConfig: {{handler: "who_answered:handler"}}}}
resolvers:
  - {{typeName: Query, fieldName: whoAnswered, dataSourceName: Who}}
"""
    )
    return definition


def _ask(url: str) -> str:
    response = httpx.post(
        url, json={"query": '{ whoAnswered(id: "1") }'}, headers={"x-api-key": API_KEY}
    )
    assert response.status_code == 200, response.text
    answer: str = response.json()["data"]["whoAnswered"]
    return answer


def test_flush_api_cache_empties_the_cache(tmp_path: Path) -> None:
    with serve(_write(tmp_path, None)) as server:
        first = _ask(server.url)
        assert _ask(server.url) == first
        client = endpoint_client("appsync", server.host, server.port)
        identifier = api_id("shared-cache")
        described = client.get_api_cache(apiId=identifier)["apiCache"]
        assert (described["ttl"], described["apiCachingBehavior"], described["status"]) == (
            300,
            "FULL_REQUEST_CACHING",
            "AVAILABLE",
        )
        client.flush_api_cache(apiId=identifier)
        after = _ask(server.url)
    assert after != first
    assert after.endswith("#2")


def test_two_server_processes_share_one_redis_cache(tmp_path: Path) -> None:
    with running_redis() as redis_url:
        definition = _write(tmp_path, redis_url)
        first_folder, second_folder = tmp_path / "first", tmp_path / "second"
        first_folder.mkdir()
        second_folder.mkdir()
        extra = ("--log-level", "info", "--api-log-format", "text")
        with (
            serve_process(definition, first_folder, extra) as first,
            serve_process(definition, second_folder, extra) as second,
        ):
            assert first.pid != second.pid
            answer = _ask(first.url)
            assert answer == f"{first.pid}#1"
            # The second process answers from the shared cache: the first's pid, no call.
            assert _ask(second.url) == answer
            # Its log says so once its stream is flushed (log_sinks.FLUSH_SECONDS).
            deadline = time.monotonic() + 10
            while "API cache hit" not in second.log() and time.monotonic() < deadline:
                time.sleep(0.05)
            second_log = second.log()
    assert "API cache hit: Query.whoAnswered whoAnswered" in second_log
