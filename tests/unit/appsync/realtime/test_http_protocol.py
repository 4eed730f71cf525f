"""`http_protocol` (the `http=` of `serve`), on real uvicorn servers on loopback.

`HttpProtocol` reads a connection's first bytes itself and serves a realtime upgrade it
recognizes without an HTTP parser; every other connection is handed, with the bytes read, to
uvicorn's httptools protocol: the same raw bytes sent to a server running it and to one running
uvicorn's own `httptools` get the same bytes back (a request split across reads, keep-alive and
pipelined requests, garbage, a large request, an upgrade followed by a frame), and an idle
connection is closed at shutdown as uvicorn closes it.

`HttpToolsProtocol`: once a websocket upgrade takes the connection, the HTTP protocol is freed at
once, not left in a cycle with its parser for the collector; uvicorn's own is kept alive by that
cycle (the collector off while a socket is upgraded)."""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import uvloop
import websockets
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as UvicornHttpToolsProtocol
from uvicorn.protocols.utils import get_local_addr, get_remote_addr
from websockets.typing import Subprotocol

from appsync.pubsub import InMemoryBroker
from appsync.realtime.endpoint import UVICORN_OPTIONS, RealtimeSettings
from appsync.realtime.http_protocol import HttpProtocol, HttpToolsProtocol, _address
from tests.integration.realtime_support import RealtimeServer, api_key_header, b64, build_app
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
    name = f"{HttpProtocol.__module__}:{HttpProtocol.__qualname__}"
    assert UVICORN_OPTIONS["http"] == name


async def _http_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Echoes each request's method, target, headers and body; echoes websocket text."""
    if scope["type"] == "http":
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        echo = {
            "method": scope["method"],
            "path": scope["path"],
            "query": scope["query_string"].decode(),
            "headers": [[name.decode(), value.decode()] for name, value in scope["headers"]],
            "body": body.decode(),
        }
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": json.dumps(echo).encode()})
        return
    await _app(scope, receive, send)


@contextmanager
def _servers() -> Iterator[tuple[int, int]]:
    """The echo app under `serve`'s protocols, and under uvicorn's httptools (the same
    websocket protocol, no Date header): the ports of ours and theirs."""
    options = {"date_header": False, "lifespan": "off"}
    with (
        running_uvicorn(_http_app, "ours", **options) as ours,
        running_uvicorn(_http_app, "theirs", http="httptools", **options) as theirs,
    ):
        yield (
            ours.servers[0].sockets[0].getsockname()[1],
            theirs.servers[0].sockets[0].getsockname()[1],
        )


async def _exchange(port: int, chunks: list[bytes], until: bytes | None = None) -> bytes:
    """Send `chunks` on one connection, a pause between them (so the server reads them apart),
    and read the answer: through `until`, else to the server's close or, for a request uvicorn
    leaves unanswered (an upgrade it does not support), what came within a second."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(0.05)
        if until is not None:
            return await asyncio.wait_for(reader.readuntil(until), 10)
        answer = b""
        while True:
            try:
                data = await asyncio.wait_for(reader.read(1 << 16), 1)
            except TimeoutError:
                return answer
            if not data:
                return answer
            answer += data
    finally:
        writer.close()


async def _same_answer(chunks: list[bytes], until: bytes | None = None) -> bytes:
    with _servers() as (ours, theirs):
        answer = await _exchange(ours, chunks, until)
        assert answer == await _exchange(theirs, chunks, until)
    return answer


GET = b"GET /path?a=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
KEY = base64.b64encode(os.urandom(16))
UPGRADE = (
    b"GET /socket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    b"Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + b"\r\nSec-WebSocket-Version: 13\r\n\r\n"
)
# A masked client text frame "hi" (RFC 6455 5.3), and the server's unmasked echo of it.
FRAME = b"\x81\x82\x01\x02\x03\x04" + bytes(a ^ b for a, b in zip(b"hi", b"\x01\x02", strict=True))
ECHO = b"\x81\x02hi"


@pytest.mark.anyio
async def test_a_request_split_across_reads_is_answered_as_uvicorn_answers_it() -> None:
    answer = await _same_answer([GET[:3], GET[3:20], GET[20:40], GET[40:]])
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b'"query": "a=1"' in answer


@pytest.mark.anyio
async def test_an_upgrade_split_across_reads_is_answered_as_uvicorn_answers_it() -> None:
    answer = await _same_answer([UPGRADE[:30], UPGRADE[30:], FRAME], until=ECHO)
    assert answer.startswith(b"HTTP/1.1 101 Switching Protocols\r\n")


@pytest.mark.anyio
async def test_an_upgrade_with_a_frame_in_the_same_read_is_answered_as_uvicorn_answers_it() -> None:
    # uvicorn's httptools protocol hands the websocket protocol the request alone: the frame
    # read with it is not answered on either server.
    answer = await _same_answer([UPGRADE + FRAME], until=b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 101 Switching Protocols\r\n")


@pytest.mark.anyio
async def test_keep_alive_and_pipelined_requests_are_uvicorns() -> None:
    keep = GET.replace(b"Connection: close\r\n", b"")
    post = (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
        b"Connection: close\r\n\r\nbody"
    )
    one_by_one = await _same_answer([keep, keep, post])
    assert one_by_one.count(b"HTTP/1.1 200 OK") == 3
    assert b'"body": "body"' in one_by_one
    pipelined = await _same_answer([keep + keep + post])
    assert pipelined == one_by_one


@pytest.mark.anyio
async def test_garbage_gets_uvicorns_400() -> None:
    answer = await _same_answer([b"\x16\x03\x01\x02\x00garbage\r\n\r\n"])
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert answer.endswith(b"Invalid HTTP request received.")


@pytest.mark.anyio
async def test_a_request_larger_than_the_recognizer_reads_is_uvicorns() -> None:
    large = GET.replace(b"Host:", b"X-Large: " + b"a" * (100 * 1024) + b"\r\nHost:")
    answer = await _same_answer([large])
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    # An upgrade that large, too.
    upgrade = UPGRADE.replace(b"Host:", b"X-Large: " + b"a" * (100 * 1024) + b"\r\nHost:")
    answer = await _same_answer([upgrade, FRAME], until=ECHO)
    assert answer.startswith(b"HTTP/1.1 101 Switching Protocols\r\n")


@pytest.mark.anyio
async def test_an_upgrade_the_recognizer_does_not_take_is_uvicorns() -> None:
    """Odd spacing, a second Connection header, HTTP/1.0, a bad version: what the recognizer
    leaves alone is answered by uvicorn's parser and wsproto, as on uvicorn's own server."""
    odd = [
        UPGRADE.replace(b"Upgrade: websocket", b"Upgrade:websocket"),
        UPGRADE.replace(b"Connection: Upgrade", b"Connection: Upgrade\r\nConnection: close"),
        UPGRADE.replace(b"Sec-WebSocket-Version: 13", b"Sec-WebSocket-Version: 8"),
        UPGRADE.replace(b"HTTP/1.1", b"HTTP/1.0"),
        UPGRADE.replace(b"Host: 127.0.0.1", b"Host: 127.0.0.1 "),
    ]
    for request in odd:
        await _same_answer([request + FRAME + b"\x88\x80\x00\x00\x00\x00"])


@pytest.mark.anyio
async def test_an_idle_connection_is_closed_at_shutdown() -> None:
    """A connection that sent nothing is one of the server's connections, closed when the
    server shuts down (uvicorn's own closes one between requests)."""
    options = {"date_header": False, "lifespan": "off"}
    with running_uvicorn(_http_app, "ours", **options) as server:
        port = server.servers[0].sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(1000):  # until the server has accepted it (another thread)
            if server.server_state.connections:
                break
            await asyncio.sleep(0.01)
        assert [type(c).__name__ for c in server.server_state.connections] == ["HttpProtocol"]
        server.should_exit = True
        assert await asyncio.wait_for(reader.read(), 10) == b""
        writer.close()


DELEGATED: list[bytes] = []


class Recorded(HttpProtocol):
    """`serve`'s protocol, recording what it hands to uvicorn's httptools protocol."""

    def _delegate(self, data: bytes) -> None:
        DELEGATED.append(data)
        super()._delegate(data)


@pytest.mark.anyio
async def test_a_realtime_upgrade_is_served_without_uvicorns_http_protocol(tmp_path: Path) -> None:
    DELEGATED.clear()
    app = build_app(tmp_path, InMemoryBroker(), RealtimeSettings(), True)
    with running_uvicorn(app, "realtime", http=Recorded) as server:
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        header = b64(api_key_header(RealtimeServer(host, port, app.runtime)))
        url = f"ws://{host}:{port}/graphql/realtime?header={header}&payload=e30="
        async with websockets.connect(url, subprotocols=[Subprotocol("graphql-ws")]) as socket:
            await socket.send('{"type":"connection_init"}')
            assert json.loads(await socket.recv())["type"] == "connection_ack"
        assert DELEGATED == []
        async with httpx.AsyncClient() as client:
            response = await client.post(f"http://{host}:{port}/graphql", json={"query": "{a}"})
        assert response.status_code == 401
        assert len(DELEGATED) == 1
        assert DELEGATED[0].startswith(b"POST /graphql HTTP/1.1\r\n")


class _Accepted(asyncio.Protocol):
    def __init__(self, accepted: asyncio.Future[asyncio.Transport]) -> None:
        self.accepted = accepted

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses; they have its methods.
        self.accepted.set_result(cast(asyncio.Transport, transport))


async def _addresses_on(host: str) -> None:
    loop = asyncio.get_running_loop()
    accepted: asyncio.Future[asyncio.Transport] = loop.create_future()
    server = await loop.create_server(lambda: _Accepted(accepted), host, 0)
    port = server.sockets[0].getsockname()[1]
    try:
        client, _ = await loop.create_connection(asyncio.Protocol, host, port)
        transport = await accepted
        assert _address(transport, "sockname") == get_local_addr(transport) == (host, port)
        peer = get_remote_addr(transport)
        assert peer is not None
        assert peer[0] == host
        assert _address(transport, "peername") == peer
        client.close()
        transport.close()
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_the_connection_addresses_are_uvicorns_without_asking_the_socket(host: str) -> None:
    """The server and client addresses of a scope, from what the transport read on connect,
    are what uvicorn's `get_local_addr` and `get_remote_addr` read from its socket, under
    uvloop (what `serve` runs) and asyncio's own loop, IPv4 and IPv6 (a 4-tuple there)."""
    asyncio.run(_addresses_on(host))
    uvloop.run(_addresses_on(host))
