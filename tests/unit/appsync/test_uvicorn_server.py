"""`ListeningServer` says when it serves, once, with the port bound; a start uvicorn cannot make
stops it quietly (no SystemExit out of `serve`), `started` false."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from appsync.hosts import listening_socket
from appsync.uvicorn_server import ListeningServer


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
