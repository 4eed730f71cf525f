"""`WSProtocol`'s own reading of the upgrade and writing of data frames, against uvicorn's
wsproto protocol (wsproto's h11 handshake and frame serializer): the same raw requests sent to
one uvicorn server running each, over real loopback sockets, get the same bytes back, and the
app sees the same scope. Requests wsproto refuses, and answers other than an accept (a refusal,
a denial response, an app that fails), go through wsproto itself and must still read the same."""

from __future__ import annotations

import asyncio
import base64
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.types import Receive, Scope, Send

from appsync.realtime.endpoint import UVICORN_OPTIONS
from appsync.realtime.frames import SEND_TEXTS
from tests.integration.test_realtime_wsproto import running_uvicorn

UVICORN = "uvicorn.protocols.websockets.wsproto_impl:WSProtocol"
OURS = str(UVICORN_OPTIONS["ws"])
KEY = base64.b64encode(os.urandom(16)).decode()
# One text frame per size class of RFC 6455 5.2's length field (7 bits, 16 bits, 64 bits).
SIZES = (5, 125, 126, 300, 65535, 65536, 70_000)
# Close 4000 "done": how `/accept` ends.
CLOSE_FRAME = b"\x88\x06\x0f\xa0done"


@dataclass(slots=True)
class Judge:
    """Answers by path: accept (with the subprotocol the query names, then one text and one
    binary frame per size), refuse, deny with a body, or fail; records each scope."""

    scopes: list[dict[str, Any]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert (await receive())["type"] == "websocket.connect"
        self.scopes.append(
            {k: v for k, v in scope.items() if k not in ("client", "server", "state")}
        )
        path = scope["path"]
        if path == "/accept":
            query = scope["query_string"].decode()
            subprotocol = query.removeprefix("subprotocol=") or None
            await send({"type": "websocket.accept", "subprotocol": subprotocol, "headers": []})
            for size in SIZES:
                await send({"type": "websocket.send", "text": "é" * (size // 2) + "x" * (size % 2)})
                await send({"type": "websocket.send", "bytes": bytes(size)})
            await send({"type": "websocket.close", "code": 4000, "reason": "done"})
        elif path == "/refuse":
            await send({"type": "websocket.close", "code": 1008})
        elif path == "/deny":
            await send(
                {
                    "type": "websocket.http.response.start",
                    "status": 400,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "websocket.http.response.body", "body": b'{"errors":[]}'})
        else:
            raise RuntimeError("the app fails")


@contextmanager
def running(ws: str) -> Iterator[tuple[int, Judge]]:
    app = Judge()
    options = {"ws": ws, "date_header": False, "ws_max_size": 1 << 20, "log_level": "critical"}
    with running_uvicorn(app, ws, **options) as server:
        yield server.servers[0].sockets[0].getsockname()[1], app


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[tuple[int, Judge], tuple[int, Judge]]]:
    with running(UVICORN) as theirs, running(OURS) as ours:
        yield theirs, ours


async def _exchange(port: int, request: bytes) -> bytes:
    """Everything the server writes back until it closes the connection or sends the close
    frame that ends `/accept`."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    received = b""
    try:
        while not received.endswith(CLOSE_FRAME):
            chunk = await asyncio.wait_for(reader.read(1 << 16), 10)
            if not chunk:
                break
            received += chunk
    finally:
        writer.close()
    return received


def _request(
    path: str, *, omit: tuple[str, ...] = (), extra: str = "", method: str = "GET"
) -> bytes:
    headers = {
        "Host": "localhost:20002",
        "Upgrade": "websocket",
        "Connection": "keep-alive, Upgrade",
        "Sec-WebSocket-Key": KEY,
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Protocol": "graphql-ws, header-eyJob3N0IjoieCJ9",
        "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
        "X-Api-Key": "da2-key",
    }
    lines = [f"{name}: {value}" for name, value in headers.items() if name not in omit]
    text = f"{method} {path} HTTP/1.1\r\n" + "\r\n".join(lines) + "\r\n" + extra + "\r\n"
    return text.encode()


REQUESTS = {
    "accepted with a subprotocol": _request("/accept?subprotocol=graphql-ws"),
    "accepted without one": _request("/accept", omit=("Sec-WebSocket-Protocol",)),
    "a path that needs unquoting": _request("/accept%2Fx?subprotocol=graphql-ws"),
    "an unoffered subprotocol": _request("/accept?subprotocol=mqtt"),
    "refused by the app": _request("/refuse"),
    "denied with a body": _request("/deny"),
    "an app that fails": _request("/fail"),
    "no version": _request("/accept", omit=("Sec-WebSocket-Version",)),
    "another version": _request(
        "/accept", omit=("Sec-WebSocket-Version",), extra="Sec-WebSocket-Version: 8\r\n"
    ),
    "no key": _request("/accept", omit=("Sec-WebSocket-Key",)),
    "two keys": _request("/accept", extra=f"Sec-WebSocket-Key: {KEY}\r\n"),
    "not a GET": _request("/accept", method="POST"),
    "a body announced": _request("/accept", extra="Content-Length: 0\r\n"),
}


@pytest.mark.anyio
@pytest.mark.parametrize("case", sorted(REQUESTS))
async def test_the_same_request_gets_the_same_bytes_and_scope(
    servers: tuple[tuple[int, Judge], tuple[int, Judge]], case: str
) -> None:
    (their_port, their_app), (our_port, our_app) = servers
    their_app.scopes.clear()
    our_app.scopes.clear()
    theirs = await _exchange(their_port, REQUESTS[case])
    ours = await _exchange(our_port, REQUESTS[case])
    # Every case is answered, but an accept naming a subprotocol the client did not offer: the
    # app fails after uvicorn marked the handshake done, and the socket is just closed.
    assert bool(theirs) is (case != "an unoffered subprotocol")
    assert ours == theirs
    # The same scope, but for the extension that lets the app write several frames at once.
    for scope in our_app.scopes:
        assert callable(scope["extensions"].pop(SEND_TEXTS)["write"])
    assert our_app.scopes == their_app.scopes


@pytest.mark.anyio
async def test_the_accept_is_a_101_with_the_key_answered(
    servers: tuple[tuple[int, Judge], tuple[int, Judge]],
) -> None:
    """What the comparison above compares, so a change to both would still be caught."""
    _, (our_port, _) = servers
    request = REQUESTS["accepted with a subprotocol"].replace(
        KEY.encode(), b"dGhlIHNhbXBsZSBub25jZQ=="
    )
    answer = await _exchange(our_port, request)
    head, _, frames = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101 Switching Protocols\r\n")
    # RFC 6455 1.3's sample key and its answer.
    assert b"\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" in head
    assert re.search(rb"\r\nSec-WebSocket-Protocol: graphql-ws(\r\n|$)", head)
    # permessage-deflate was offered; `serve` turns it off.
    assert b"\r\nSec-WebSocket-Extensions" not in head
    # Unmasked frames (RFC 6455 5.2): FIN + text, 5 bytes of UTF-8; FIN + binary, 5 zeros.
    assert frames.startswith(b"\x81\x05\xc3\xa9\xc3\xa9x\x82\x05\x00\x00\x00\x00\x00")
    # 126 bytes take the 16-bit length, 65,536 the 64-bit one.
    assert b"\x81\x7e\x00\x7e" in frames
    assert b"\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00" in frames
    assert frames.endswith(CLOSE_FRAME)
