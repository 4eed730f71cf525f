"""`appsync.realtime.wsproto_protocol.WSProtocol` (the `ws=` of `serve`) over a real uvicorn
socket, driven by the `websockets` client and, for what that client will not send, raw bytes:
messages both ways, fragments, ping, close codes and reasons in each direction, the size limit,
an unmasked client frame (RFC 6455 5.1), and what an accepted socket keeps."""

from __future__ import annotations

import asyncio
import base64
import os
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
import uvicorn
import websockets
import wsproto.connection
from starlette.types import Receive, Scope, Send
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from appsync.realtime.endpoint import UVICORN_OPTIONS
from appsync.realtime.frames import SEND_TEXTS
from appsync.realtime.uvicorn_options import websocket_protocol
from appsync.realtime.wsproto_protocol import _OPEN, WSProtocol

MAX_SIZE = 1024


@dataclass(slots=True)
class Echo:
    """Accepts with the first offered subprotocol, echoes every message, closes with the code
    and reason a `close <code> <reason>` text asks for, and records how each socket ended."""

    disconnects: list[dict[str, Any]] = field(default_factory=list)
    ended: threading.Event = field(default_factory=threading.Event)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "websocket"
        write_utf8 = scope["extensions"][SEND_TEXTS]["write_utf8"]
        assert (await receive())["type"] == "websocket.connect"
        offered = scope["subprotocols"]
        await send({"type": "websocket.accept", "subprotocol": offered[0] if offered else None})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                self.disconnects.append(dict(message))
                self.ended.set()
                return
            text = message.get("text")
            if text is not None and text.startswith("twice "):
                await send({"type": SEND_TEXTS, "texts": [text[6:], text[6:] + "!"]})
                continue
            if text is not None and text.startswith("utf8 "):
                # A text of the asked size in UTF-8 bytes, written in three parts at once.
                size = int(text[5:])
                whole = ("é" * (size // 2) + "x" * (size % 2)).encode()
                assert write_utf8((whole[:1], whole[1:-1], whole[-1:]), size)
                continue
            if text is not None and text.startswith("close "):
                _, code, reason = text.split(" ", 2)
                await send({"type": "websocket.close", "code": int(code), "reason": reason})
                continue
            if text is not None:
                await send({"type": "websocket.send", "text": text})
            else:
                await send({"type": "websocket.send", "bytes": message["bytes"]})


@dataclass(frozen=True, slots=True)
class EchoServer:
    url: str
    host: str
    port: int
    app: Echo
    server: uvicorn.Server


@contextmanager
def running_uvicorn(app: Any, name: str, **options: Any) -> Iterator[uvicorn.Server]:
    """`app` under uvicorn with `serve`'s options and `options` on a free loopback port, in a
    daemon thread; the uvicorn.Server is yielded so a test can look at its connections."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, **{"log_level": "warning", **UVICORN_OPTIONS, **options}
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"the {name} server did not start")
            thread.join(0.01)
        yield server
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def running_echo() -> Iterator[EchoServer]:
    """The echo app with a small message size limit."""
    app = Echo()
    with running_uvicorn(app, "echo", lifespan="off", ws_max_size=MAX_SIZE) as server:
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        yield EchoServer(f"ws://{host}:{port}/socket", host, port, app, server)


@pytest.fixture
def echo() -> Iterator[EchoServer]:
    with running_echo() as server:
        yield server


@asynccontextmanager
async def connect(echo: EchoServer) -> AsyncIterator[ClientConnection]:
    async with websockets.connect(
        echo.url, subprotocols=[Subprotocol("graphql-ws")], ping_interval=None
    ) as socket:
        yield socket


async def ended(echo: EchoServer) -> dict[str, Any]:
    """How the server's side of the (only) socket ended."""
    await asyncio.to_thread(echo.app.ended.wait, 10)
    assert len(echo.app.disconnects) == 1
    return echo.app.disconnects[0]


def test_serve_runs_this_protocol() -> None:
    # Through `websocket_protocol`, which makes a `WSProtocol` and imports it by the first
    # upgrade (tests/unit/appsync/realtime/test_uvicorn_options.py).
    maker = websocket_protocol
    assert UVICORN_OPTIONS["ws"] == f"{maker.__module__}:{maker.__qualname__}"


@pytest.mark.anyio
async def test_text_and_binary_messages_travel_both_ways(echo: EchoServer) -> None:
    async with connect(echo) as socket:
        assert socket.subprotocol == "graphql-ws"
        await socket.send('{"type":"connection_init","é":"ü"}')
        assert await socket.recv() == '{"type":"connection_init","é":"ü"}'
        await socket.send(bytes(range(256)) * 3)
        assert await socket.recv() == bytes(range(256)) * 3
        # The same socket goes on after a burst.
        for n in range(20):
            await socket.send(str(n))
        assert [await socket.recv() for _ in range(20)] == [str(n) for n in range(20)]


@pytest.mark.anyio
async def test_a_fragmented_message_arrives_whole(echo: EchoServer) -> None:
    async with connect(echo) as socket:
        await socket.send(["frag", "ment", "é"])
        assert await socket.recv() == "fragmenté"


@pytest.mark.anyio
async def test_a_ping_is_answered_with_a_pong(echo: EchoServer) -> None:
    async with connect(echo) as socket:
        pong = await socket.ping(b"are you there")
        await asyncio.wait_for(pong, 10)
        await socket.send("after the ping")
        assert await socket.recv() == "after the ping"


@pytest.mark.anyio
async def test_the_apps_close_code_and_reason_reach_the_client(echo: EchoServer) -> None:
    async with connect(echo) as socket:
        await socket.send("close 4400 too many subscriptions")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.recv()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4400, "too many subscriptions")


@pytest.mark.anyio
async def test_the_clients_close_code_and_reason_reach_the_app(echo: EchoServer) -> None:
    async with connect(echo) as socket:
        await socket.close(4001, "going away now")
    assert await ended(echo) == {
        "type": "websocket.disconnect",
        "code": 4001,
        "reason": "going away now",
    }


@pytest.mark.anyio
async def test_a_message_over_the_size_limit_closes_with_1009(echo: EchoServer) -> None:
    async with connect(echo) as socket:
        await socket.send("x" * MAX_SIZE)
        assert await socket.recv() == "x" * MAX_SIZE
        await socket.send("x" * (MAX_SIZE + 1))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009
    assert (await ended(echo))["code"] == 1009


async def _raw_upgrade(echo: EchoServer) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection(echo.host, echo.port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET /socket HTTP/1.1\r\nHost: {echo.host}:{echo.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: graphql-ws\r\n\r\n"
        ).encode()
    )
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    assert head.startswith(b"HTTP/1.1 101 ")
    return reader, writer


@pytest.mark.anyio
async def test_an_unmasked_client_frame_is_a_protocol_error(echo: EchoServer) -> None:
    reader, writer = await _raw_upgrade(echo)
    try:
        # FIN + text, no mask bit: RFC 6455 5.1 makes the server fail the connection.
        writer.write(b"\x81\x02hi")
        # As uvicorn's own wsproto protocol does: the socket is closed without a close frame,
        # and the app is told 1002 (protocol error).
        assert await asyncio.wait_for(reader.read(), 10) == b""
    finally:
        writer.close()
    assert (await ended(echo))["code"] == 1002


@pytest.mark.anyio
async def test_a_masked_raw_frame_is_read_and_answered(echo: EchoServer) -> None:
    reader, writer = await _raw_upgrade(echo)
    try:
        mask = b"\x01\x02\x03\x04"
        payload = bytes(byte ^ mask[i % 4] for i, byte in enumerate(b"hello"))
        writer.write(b"\x81\x85" + mask + payload)
        frame = await asyncio.wait_for(reader.readexactly(7), 10)
    finally:
        writer.close()
    # The server's frames are not masked.
    assert frame == b"\x81\x05hello"


@pytest.mark.anyio
async def test_an_accepted_socket_keeps_no_wsproto_state_until_a_frame_needs_it(
    echo: EchoServer,
) -> None:
    async with connect(echo) as socket:
        await socket.send("ready")
        assert await socket.recv() == "ready"
        (protocol,) = echo.server.server_state.connections
        assert isinstance(protocol, WSProtocol)
        # wsproto's handshake state (its h11 connection and the upgrade request) is gone, and
        # whole text frames both ways needed no frame-level Connection either.
        assert vars(protocol)["_conn"] is _OPEN
        # Few enough attributes for CPython to share the instance dict's keys (30 at most).
        assert len(vars(protocol)) < 30
        # A ping needs wsproto: the socket keeps a frame-level Connection from then on.
        await asyncio.wait_for(await socket.ping(b"p"), 10)
        conn: object = vars(protocol)["_conn"]
        assert type(conn) is wsproto.connection.Connection
        await socket.send("still here")
        assert await socket.recv() == "still here"


@pytest.mark.anyio
async def test_a_server_shutting_down_closes_open_sockets_with_1012(echo: EchoServer) -> None:
    async with connect(echo) as socket:
        await socket.send("ready")
        assert await socket.recv() == "ready"
        echo.server.should_exit = True
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1012
    assert (await ended(echo))["code"] == 1012


@pytest.mark.anyio
async def test_several_texts_sent_at_once_arrive_as_frames_in_order(echo: EchoServer) -> None:
    async with connect(echo) as socket:
        await socket.send("twice é")
        assert [await socket.recv(), await socket.recv()] == ["é", "é!"]
        # The same once wsproto holds the connection (after a ping): the frames it writes.
        await asyncio.wait_for(await socket.ping(b"p"), 10)
        await socket.send("twice x" * 100)
        assert [await socket.recv(), await socket.recv()] == [
            "x" + "twice x" * 99,
            "x" + "twice x" * 99 + "!",
        ]


@pytest.mark.anyio
async def test_a_text_written_from_its_utf8_parts_arrives_whole_at_each_length_form(
    echo: EchoServer,
) -> None:
    """`write_utf8` (the delivery pass's data frames) frames the joined parts as one text frame
    with the 7-bit, 16-bit and 64-bit lengths of RFC 6455 5.2 at their edges, as wsproto
    frames the same text; the websockets client reads each."""
    async with connect(echo) as socket:
        for size in (3, 125, 126, 127, 0xFFFF, 0x10000, 0x10001):
            await socket.send(f"utf8 {size}")
            received = await socket.recv()
            assert isinstance(received, str)
            assert len(received.encode()) == size
            assert received == "é" * (size // 2) + "x" * (size % 2)


class _ShutdownWhileClosing(WSProtocol):
    """The protocol, with the server's shutdown landing where it did in a CI run (a
    `--tls` `serve` exited 1 on SIGTERM): after a client's close is answered, before the
    socket's `connection_lost` takes it out of the server's connections."""

    errors: ClassVar[list[BaseException]] = []

    def handle_close(self, event: Any) -> None:
        super().handle_close(event)
        try:
            self.shutdown()
        except Exception as error:  # what uvicorn's Server.shutdown would have raised
            self.errors.append(error)


@pytest.mark.anyio
async def test_a_shutdown_after_a_clients_close_sends_no_second_close() -> None:
    app = Echo()
    _ShutdownWhileClosing.errors = []
    with running_uvicorn(app, "closing", lifespan="off", ws=_ShutdownWhileClosing) as server:
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        async with websockets.connect(f"ws://{host}:{port}/", ping_interval=None) as socket:
            await socket.send("ready")
            assert await socket.recv() == "ready"
            await socket.close(1000, "done")
        # The client's close was answered with its own code (RFC 6455 5.5.1), and only once.
        assert socket.close_code == 1000
        await asyncio.to_thread(app.ended.wait, 10)
    assert _ShutdownWhileClosing.errors == []
    assert app.disconnects == [{"type": "websocket.disconnect", "code": 1000, "reason": "done"}]
