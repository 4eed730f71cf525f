"""`ListeningServer` says when it serves, once, with the port bound; a start uvicorn cannot make
stops it quietly (no SystemExit out of `serve`), `started` false; it stops although a TLS
client keeps an idle connection it never reads from. `LongPollServer` ends the engine's activity
polls as it stops."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from appsync.hosts import listening_socket
from appsync.stepfunctions_api import build_stepfunctions_app
from appsync.tls import self_signed_certificate
from appsync.uvicorn_server import ListeningServer, LongPollServer
from stepfunctions.runtime.clock import SystemClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from tests.fixtures.aws_signing import JSON_1_0, signed_headers


class _Recorded(ListeningServer):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.calls = 0
        self.listening = asyncio.Event()

    def served(self) -> None:
        self.calls += 1
        self.listening.set()


async def _hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


@pytest.mark.anyio
async def test_served_is_called_once_the_socket_answers() -> None:
    listener = listening_socket("127.0.0.1", 0)
    port = listener.getsockname()[1]
    app = Starlette(routes=[Route("/", _hello)])
    server = _Recorded(uvicorn.Config(app, log_level="warning"))
    async with asyncio.TaskGroup() as group:
        serving = group.create_task(server.serve(sockets=[listener]))
        await asyncio.wait_for(server.listening.wait(), 10)
        async with httpx.AsyncClient() as client:
            answer = await client.get(f"http://127.0.0.1:{port}/")
        server.should_exit = True
        await serving
    listener.close()
    assert (server.started, server.calls, answer.text) == (True, 1, "hello")


def _keep_alive_request(port: int) -> ssl.SSLSocket:
    """A TLS connection that asks for `/`, reads the answer and stays open, reading nothing
    more (as urllib3 keeps an idle connection in its pool)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10))
    connection.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    answer = b""
    while not answer.endswith(b"hello"):
        answer += connection.recv(4096)
    return connection


@pytest.mark.anyio
async def test_an_idle_tls_client_does_not_hold_the_shutdown(tmp_path: Path) -> None:
    # Before: asyncio waited 30 s for the client's close_notify (`ssl_shutdown_timeout`).
    files = self_signed_certificate(tmp_path, now=datetime(2030, 1, 1, tzinfo=UTC))
    listener = listening_socket("127.0.0.1", 0)
    port = listener.getsockname()[1]
    app = Starlette(routes=[Route("/", _hello)])
    server = _Recorded(uvicorn.Config(app, log_level="warning", **files.uvicorn_options()))
    async with asyncio.TaskGroup() as group:
        serving = group.create_task(server.serve(sockets=[listener]))
        await asyncio.wait_for(server.listening.wait(), 10)
        idle = await asyncio.to_thread(_keep_alive_request, port)
        server.should_exit = True
        await asyncio.wait_for(asyncio.shield(serving), 10)
    idle.close()
    listener.close()
    assert server.calls == 1


def _fail() -> None:
    raise RuntimeError("the start failed")


@pytest.mark.anyio
async def test_a_failed_start_stops_quietly() -> None:
    @asynccontextmanager
    async def failing(app: Starlette) -> AsyncIterator[None]:
        _fail()
        yield

    listener = listening_socket("127.0.0.1", 0)
    server = _Recorded(uvicorn.Config(Starlette(lifespan=failing), log_level="critical"))
    # uvicorn exits (SystemExit) when the lifespan fails; the server returns instead.
    await asyncio.wait_for(server.serve(sockets=[listener]), 10)
    listener.close()
    assert (server.started, server.calls, server.should_exit) == (False, 0, True)


async def _states(client: httpx.AsyncClient, url: str, operation: str, body: bytes) -> Any:
    headers = {"content-type": JSON_1_0, "x-amz-target": f"AWSStepFunctions.{operation}"}
    answer = await client.post(
        url, content=body, headers=signed_headers("POST", url, "states", body, headers)
    )
    return answer.json()


@pytest.mark.anyio
async def test_a_long_poll_server_answers_the_engines_activity_polls_as_it_stops() -> None:
    """An activity worker is always in a GetActivityTask poll of up to 60 seconds (AWS's
    GetActivityTask reference); uvicorn would wait for it to end before stopping."""
    service = StepFunctionsService(SystemClock(), TaskRegistry())
    listener = listening_socket("127.0.0.1", 0)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    app = build_stepfunctions_app(service)
    server = LongPollServer(uvicorn.Config(app, log_level="warning", lifespan="off"), service)
    async with (
        service.running(),
        asyncio.TaskGroup() as group,
        httpx.AsyncClient(timeout=90) as client,
    ):
        serving = group.create_task(server.serve(sockets=[listener]))
        while not server.started:  # noqa: ASYNC110 (uvicorn says so by a flag alone)
            await asyncio.sleep(0.01)
        activity = await _states(client, url, "CreateActivity", b'{"name": "work"}')
        body = json.dumps({"activityArn": activity["activityArn"]}).encode()
        poll = group.create_task(_states(client, url, "GetActivityTask", body))
        await asyncio.sleep(0.2)
        assert not poll.done()
        server.should_exit = True
        # No task: the answer AWS gives a poll that ends without one.
        assert await asyncio.wait_for(poll, 10) == {}
        await asyncio.wait_for(serving, 10)
    listener.close()
