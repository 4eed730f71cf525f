"""`http_protocol.HttpToolsProtocol` (the `http=` of `serve`): once a websocket upgrade takes
the connection, the HTTP protocol is freed at once, not left in a cycle with its parser for the
collector; uvicorn's own is kept alive by that cycle. Real uvicorn on loopback, the collector
off while a socket is upgraded."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import websockets
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as UvicornHttpToolsProtocol

from appsync.realtime.endpoint import UVICORN_OPTIONS
from appsync.realtime.http_protocol import HttpToolsProtocol
from tests.integration.test_realtime_wsproto import running_uvicorn

CREATED: list[weakref.ref[Any]] = []


class OursCounted(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        CREATED.append(weakref.ref(self))


class TheirsCounted(UvicornHttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        CREATED.append(weakref.ref(self))


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"plain"})
        return
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while (message := await receive())["type"] != "websocket.disconnect":
        await send({"type": "websocket.send", "text": message["text"]})


@contextmanager
def running(http: type[Any]) -> Iterator[int]:
    with running_uvicorn(_app, http.__name__, http=http) as server:
        yield server.servers[0].sockets[0].getsockname()[1]


async def _alive_after_upgrade(http: type[Any]) -> int:
    """How many of the HTTP protocol objects made for one upgraded socket are alive while it
    is open, with the collector off."""
    CREATED.clear()
    gc.collect()
    gc.disable()
    try:
        with running(http) as port:
            async with websockets.connect(f"ws://127.0.0.1:{port}/socket") as socket:
                await socket.send("hello")
                assert await socket.recv() == "hello"
                return sum(ref() is not None for ref in CREATED)
    finally:
        gc.enable()


@pytest.mark.anyio
async def test_an_upgraded_connection_frees_its_http_protocol_at_once() -> None:
    assert await _alive_after_upgrade(TheirsCounted) == 1
    assert await _alive_after_upgrade(OursCounted) == 0


@pytest.mark.anyio
async def test_plain_requests_are_uvicorns() -> None:
    CREATED.clear()
    with running(OursCounted) as port:
        async with httpx.AsyncClient() as client:
            for _ in range(2):
                response = await client.get(f"http://127.0.0.1:{port}/")
                assert (response.status_code, response.text) == (200, "plain")
    # Both requests on one kept-alive connection.
    assert len(CREATED) == 1


def test_serve_runs_this_protocol() -> None:
    name = f"{HttpToolsProtocol.__module__}:{HttpToolsProtocol.__qualname__}"
    assert UVICORN_OPTIONS["http"] == name
