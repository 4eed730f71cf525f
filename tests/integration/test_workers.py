"""`serve --workers 2`: two worker processes behind one port, a real redis-server between them.

The server runs as `appsync-local serve` runs (`server_process`), with the redis-server the
Redis broker tests start (`RestartableRedis`). Each response carries the answering worker's
process id in `x-appsync-local-worker` (the websocket's handshake response too), so the test
knows which worker each connection reached and retries new connections until the mutation and
the subscriber sit on different workers.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
import websockets
from websockets.typing import Subprotocol

from appsync.workers import WORKER_HEADER
from tests.fixtures.redis_server import RestartableRedis
from tests.integration.realtime_support import b64url, next_frame
from tests.integration.server_process import ServerProcess, serve_process

API_KEY = "da2-workerstestkey0000000000"
SCHEMA = """
type Item { id: ID!, name: String }
type Query { getItem(id: ID!): Item }
type Mutation { putItem(id: ID!, name: String): Item }
type Subscription { onPutItem: Item @aws_subscribe(mutations: ["putItem"]) }
"""
TEMPLATES = {
    "get.vtl": '{"version": "2018-05-29", "operation": "GetItem",'
    ' "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)}}',
    "put.vtl": '{"version": "2018-05-29", "operation": "PutItem",'
    ' "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)},'
    ' "attributeValues": {"name": $util.dynamodb.toDynamoDBJson($ctx.args.name)}}',
    "result.vtl": "$util.toJson($ctx.result)",
}
DEFINITION = """
name: workers
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: %(key)s}]
dataSources:
  - {name: Items, type: AMAZON_DYNAMODB, dynamodbConfig: {tableName: Item}}
resolvers:
  - {typeName: Query, fieldName: getItem, dataSourceName: Items,
     requestMappingTemplate: get.vtl, responseMappingTemplate: result.vtl}
  - {typeName: Mutation, fieldName: putItem, dataSourceName: Items,
     requestMappingTemplate: put.vtl, responseMappingTemplate: result.vtl}
server:
  realtime: {redisUrl: "%(redis)s"}
"""
ON_PUT = "subscription { onPutItem { id name } }"


@pytest.fixture(scope="module")
def redis() -> Iterator[RestartableRedis]:
    server = RestartableRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def workers(redis: RestartableRedis, tmp_path: Path) -> Iterator[ServerProcess]:
    (tmp_path / "schema.graphql").write_text(SCHEMA, encoding="utf-8")
    for name, text in TEMPLATES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    config = tmp_path / "appsync.yaml"
    config.write_text(DEFINITION % {"key": API_KEY, "redis": redis.url}, encoding="utf-8")
    extra = ("--workers", "2", "--no-reload", "--log-level", "info")
    with serve_process(config, tmp_path, extra, start_seconds=90) as server:
        yield server


async def _post(server: ServerProcess, query: str) -> tuple[int, dict[str, Any]]:
    """The answer on a connection of its own, and the pid of the worker that gave it."""
    async with httpx.AsyncClient() as http:
        response = await http.post(
            server.url, json={"query": query}, headers={"x-api-key": API_KEY}
        )
    body: dict[str, Any] = response.json()
    return int(response.headers[WORKER_HEADER]), body


@pytest.mark.anyio
async def test_a_mutation_on_one_worker_reaches_a_subscriber_on_the_other(
    workers: ServerProcess,
) -> None:
    headers = {"host": f"127.0.0.1:{workers.port}", "x-api-key": API_KEY}
    protocols = [Subprotocol("graphql-ws"), Subprotocol(f"header-{b64url(headers)}")]
    async with websockets.connect(workers.realtime_url, subprotocols=protocols) as socket:
        assert socket.response is not None
        subscriber = int(socket.response.headers[WORKER_HEADER])
        assert subscriber in workers.worker_pids()
        await socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        start = {"data": json.dumps({"query": ON_PUT}), "extensions": {"authorization": headers}}
        await socket.send(json.dumps({"id": "s", "type": "start", "payload": start}))
        assert await next_frame(socket) == {"type": "start_ack", "id": "s"}
        # New connections until one reaches the other worker (the kernel picks the worker).
        for attempt in range(200):
            pid, body = await _post(
                workers, f'mutation {{ putItem(id: "{attempt}", name: "n") {{ id name }} }}'
            )
            assert body == {"data": {"putItem": {"id": str(attempt), "name": "n"}}}
            frame = await next_frame(socket)
            assert frame["payload"] == {"data": {"onPutItem": {"id": str(attempt), "name": "n"}}}
            if pid != subscriber:
                break
        else:
            raise AssertionError("200 connections all reached the subscriber's worker")
    # The item one worker wrote is the one DynamoDB holds: any worker reads it, and so does
    # boto3 on the same port (the AWS endpoint, forwarded to the primary).
    readers = set()
    for _ in range(200):
        pid, body = await _post(workers, f'{{ getItem(id: "{attempt}") {{ id name }} }}')
        assert body == {"data": {"getItem": {"id": str(attempt), "name": "n"}}}
        readers.add(pid)
        if len(readers) == 2:
            break
    assert readers == set(workers.worker_pids())
    item = await asyncio.to_thread(_boto_get, workers, str(attempt))
    assert item == {"id": {"S": str(attempt)}, "name": {"S": "n"}}
    # The console is the primary's, whose views read the services (the banner names its port).
    async with httpx.AsyncClient() as http:
        console = await http.get(f"http://127.0.0.1:{workers.port}/console/")
        primary = console.headers["location"]
        assert console.status_code == 307
        assert f"which serves the console: {primary}" in workers.log()
        assert (await http.get(primary)).status_code == 200


def _boto_get(server: ServerProcess, key: str) -> dict[str, Any]:
    client = boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{server.port}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    item: dict[str, Any] = client.get_item(TableName="Item", Key={"id": {"S": key}})["Item"]
    return item


@pytest.mark.anyio
async def test_a_worker_that_dies_is_replaced_and_sigterm_stops_them_all(
    workers: ServerProcess,
) -> None:
    first, second = workers.worker_pids()
    os.kill(first, signal.SIGKILL)
    answered: set[int] = set()
    deadline = time.monotonic() + 60
    # Until a worker other than the two started answers: the replacement.
    while not answered - {first, second}:
        assert time.monotonic() < deadline, f"no replacement worker answered: {answered}"
        try:
            pid, body = await _post(workers, '{ getItem(id: "none") { id } }')
        except httpx.HTTPError:
            await asyncio.sleep(0.1)
            continue
        assert body == {"data": {"getItem": None}}
        answered.add(pid)
    assert first not in answered
    (replacement,) = answered - {first, second}
    assert "ended (status -9); starting another" in workers.log()
    os.kill(workers.pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while _alive(workers.pid) or _alive(second) or _alive(replacement):
        assert time.monotonic() < deadline, "the primary or a worker outlived SIGTERM"
        await asyncio.sleep(0.1)
    assert "Traceback" not in workers.log()


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except FileNotFoundError:
        return False
    # A process that ended but was not yet reaped by its parent is a zombie: it has stopped.
    return "\nState:\tZ" not in status
