"""`serve --workers`' own rules (`appsync.workers`): what it refuses, what it shares through
Redis, how the primary presents the workers' requests. The workers themselves run in
tests/integration/test_workers.py (two processes, one port, a real redis-server)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.responses import PlainTextResponse
from starlette.types import Message, Receive, Scope, Send

from appsync.__main__ import main
from appsync.workers import AsPublic, ConsoleAtPrimary, shared, workers_problem
from definition.authorization import AuthenticationType, AuthProviderSpec
from definition.model import (
    ApiCacheSpec,
    ApiCachingBehavior,
    ApiDefinition,
    RealtimeSpec,
    ServerSpec,
)
from tests.unit.appsync.api_support import write_api

REDIS = "redis://127.0.0.1:6379/0"


def _definition(redis_url: str | None, cache: ApiCacheSpec | None = None) -> ApiDefinition:
    server = ServerSpec(realtime=RealtimeSpec(redis_url=redis_url))
    authentication = AuthProviderSpec(AuthenticationType.API_KEY)
    return ApiDefinition(Path("a.yaml"), "a", (), authentication, server=server, api_cache=cache)


def test_more_than_one_worker_needs_the_redis_broker() -> None:
    problem = workers_problem(_definition(None), 2)
    assert problem is not None
    assert (problem.file, problem.key_path) == ("appsync-local serve", "--workers")
    assert "set server.realtime.redisUrl" in problem.message
    assert workers_problem(_definition(None), 1) is None
    assert workers_problem(_definition(REDIS), 2) is None


def test_more_than_one_worker_cannot_run_on_a_manual_clock() -> None:
    problem = workers_problem(_definition(REDIS), 2, clock_control=True)
    assert problem is not None
    assert problem.message.startswith("--clock manual and --control-api drive one process's")
    assert workers_problem(_definition(REDIS), 1, clock_control=True) is None


def test_more_than_one_worker_cannot_trust_the_embedded_iam() -> None:
    definition = _definition(REDIS)
    aws = dataclasses.replace(definition.server.aws, trust_embedded_iam=True)
    definition = dataclasses.replace(
        definition, server=dataclasses.replace(definition.server, aws=aws)
    )
    problem = workers_problem(definition, 2)
    assert problem is not None
    assert problem.message.startswith("server.aws.trustEmbeddedIam: the keys minted")
    assert workers_problem(definition, 1) is None


def test_serve_refuses_workers_without_redis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_api(tmp_path)
    assert main(["serve", "--config", str(config), "--workers", "2", "--ephemeral"]) == 1
    assert (
        "appsync-local serve: --workers: 2 workers share subscriptions" in capsys.readouterr().err
    )


def test_the_api_cache_lives_in_the_brokers_redis_unless_it_names_its_own() -> None:
    cache = ApiCacheSpec(ApiCachingBehavior.FULL_REQUEST_CACHING, "SMALL", 60)
    assert shared(_definition(REDIS, cache)).server.api_cache_redis_url == REDIS
    own = _definition(REDIS, cache)
    own = dataclasses.replace(
        own, server=dataclasses.replace(own.server, api_cache_redis_url="redis://other:6379/1")
    )
    assert shared(own).server.api_cache_redis_url == "redis://other:6379/1"
    assert shared(_definition(REDIS)).server.api_cache_redis_url is None


@pytest.mark.anyio
async def test_the_primary_answers_as_if_reached_on_the_public_port() -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        pass

    public = AsPublic(app, ("0.0.0.0", 20002))
    http: dict[str, Any] = {"type": "http", "server": ("127.0.0.1", 40000), "path": "/"}
    await public(http, receive, send)
    await public({"type": "lifespan"}, receive, send)
    assert seen[0]["server"] == ("0.0.0.0", 20002)
    assert seen[0]["path"] == "/"
    assert "server" not in seen[1]


@pytest.mark.anyio
async def test_a_worker_sends_the_console_to_the_primary() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await PlainTextResponse("the API")(scope, receive, send)

    worker = ConsoleAtPrimary(app, "http://127.0.0.1:40000")
    transport = httpx.ASGITransport(app=worker)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost:20002") as http:
        console = await http.get("/console/?section=dynamodb")
        graphql = await http.post("/graphql", content=b"{}")
    assert console.status_code == 307
    assert console.headers["location"] == "http://127.0.0.1:40000/console/?section=dynamodb"
    assert (graphql.status_code, graphql.text) == (200, "the API")
