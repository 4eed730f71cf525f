"""Client frames read by `WSProtocol` (its own reading of whole text frames, `frames.py`, and
wsproto for anything else) against uvicorn's wsproto protocol: the same raw frames, sent after
the same upgrade to one uvicorn server running each, get the same bytes back, and the app
receives the same messages and the same disconnect. Frames are sent in one write or in pieces
(a pause between them), so a frame split across reads, several frames in one read, and frames
after a split one are each read."""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.types import Receive, Scope, Send

from appsync.realtime.endpoint import UVICORN_OPTIONS
from tests.integration.test_realtime_wsproto import running_uvicorn

UVICORN = "uvicorn.protocols.websockets.wsproto_impl:WSProtocol"
OURS = str(UVICORN_OPTIONS["ws"])
MAX_SIZE = 70_000
MASK = b"\x37\xfa\x21\x3d"
UPGRADE = (
    "GET /socket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-ws\r\n\r\n"
).encode()


@dataclass(slots=True)
class Echo:
    """Accepts, sends every message back, and records what it received, the disconnect last."""

    received: list[list[Any]] = field(default_factory=list)
    ended: threading.Event = field(default_factory=threading.Event)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept", "subprotocol": "graphql-ws"})
        record: list[Any] = []
        self.received.append(record)
        try:
            while True:
                message = await receive()
                record.append({k: v for k, v in message.items() if k != "reason" or v})
                if message["type"] == "websocket.disconnect":
                    return
                if message.get("text") is not None:
                    await send({"type": "websocket.send", "text": message["text"]})
                else:
                    await send({"type": "websocket.send", "bytes": message["bytes"]})
        except Exception as error:  # the edge: how sending failed is part of what is compared
            record.append(type(error).__name__)
        finally:
            self.ended.set()


@contextmanager
def running(ws: str) -> Iterator[tuple[int, Echo]]:
    app = Echo()
    options = {"ws": ws, "date_header": False, "ws_max_size": MAX_SIZE, "log_level": "critical"}
    with running_uvicorn(app, ws, **options) as server:
        yield server.servers[0].sockets[0].getsockname()[1], app


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[tuple[int, Echo], tuple[int, Echo]]]:
    with running(UVICORN) as theirs, running(OURS) as ours:
        yield theirs, ours


def frame(payload: bytes, first: int = 0x81, masked: bool = True, length: bytes = b"") -> bytes:
    """A client frame (RFC 6455 5.2): `first` is FIN, RSV and opcode; `length` overrides the
    length field (for a length not in its shortest form)."""
    size = len(payload)
    mask_bit = 0x80 if masked else 0
    if length:
        head = bytes([first, mask_bit | length[0]]) + length[1:]
    elif size <= 125:
        head = bytes([first, mask_bit | size])
    elif size <= 0xFFFF:
        head = bytes([first, mask_bit | 126]) + struct.pack("!H", size)
    else:
        head = bytes([first, mask_bit | 127]) + struct.pack("!Q", size)
    if not masked:
        return head + payload
    return head + MASK + bytes(byte ^ MASK[i % 4] for i, byte in enumerate(payload))


def text(value: str) -> bytes:
    return frame(value.encode())


CLOSE = frame(struct.pack("!H", 1000) + b"bye", first=0x88)
START = '{"id":"1","type":"start","payload":{"data":"{\\"query\\":\\"subscription { s }\\"}"}}'
# Each case: the pieces written after the upgrade, a pause between pieces.
CASES: dict[str, list[bytes]] = {
    "one text frame": [text(START), CLOSE],
    "three text frames in one read": [text("a") + text(START) + text("é" * 40), CLOSE],
    "an empty text frame": [text(""), CLOSE],
    "16-bit and 64-bit lengths": [text("x" * 300) + text("y" * 66_000), CLOSE],
    "a frame at the size limit": [text("z" * MAX_SIZE), CLOSE],
    "a frame over the size limit": [text("z" * (MAX_SIZE + 1)), CLOSE],
    "a frame split across reads, then more": [
        text(START)[:9],
        text(START)[9:] + text("after"),
        text("later"),
        CLOSE,
    ],
    "a header split across reads": [text("x" * 300)[:3], text("x" * 300)[3:], CLOSE],
    "a binary frame": [frame(b"\x00\x01", first=0x82), text("then text"), CLOSE],
    "a fragmented message": [
        frame(b"frag", first=0x01) + frame("menté".encode(), first=0x80),
        text("whole"),
        CLOSE,
    ],
    "a ping between texts": [text("one") + frame(b"hi", first=0x89) + text("two"), CLOSE],
    "a close after a text, one read": [text("last") + CLOSE],
    "invalid UTF-8": [text("ok") + frame(b"\xc3\x28"), CLOSE],
    "invalid UTF-8 alone": [frame(b"\xed\xa0\x80"), CLOSE],
    "an unmasked frame": [frame(b"hi", masked=False), CLOSE],
    "reserved bits set": [frame(b"hi", first=0xC1), CLOSE],
    "an unknown opcode": [frame(b"hi", first=0x83), CLOSE],
    "a 16-bit length not in its shortest form": [
        frame(b"hi", length=b"\x7e\x00\x02"),
        CLOSE,
    ],
    "a 64-bit length not in its shortest form": [
        frame(b"hi", length=b"\x7f" + struct.pack("!Q", 2)),
        CLOSE,
    ],
    "a continuation with nothing to continue": [frame(b"hi", first=0x80), CLOSE],
    "a client that leaves mid-frame": [text(START)[:12]],
}


async def _exchange(port: int, app: Echo, pieces: list[bytes]) -> tuple[bytes, list[Any]]:
    """Everything the server writes after the 101 until it closes, and what the app got."""
    app.received.clear()
    app.ended.clear()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(UPGRADE)
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        assert head.startswith(b"HTTP/1.1 101 ")
        for piece in pieces:
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(0.05)
        if pieces[-1] != CLOSE and not pieces[-1].endswith(CLOSE):
            writer.close()
        received = b""
        while chunk := await asyncio.wait_for(reader.read(1 << 17), 10):
            received += chunk
    except ConnectionResetError:
        received = b"(reset)"
    finally:
        writer.close()
    assert await asyncio.to_thread(app.ended.wait, 10)
    return received, app.received


@pytest.mark.anyio
@pytest.mark.parametrize("case", sorted(CASES))
async def test_the_same_frames_get_the_same_answer_and_messages(
    servers: tuple[tuple[int, Echo], tuple[int, Echo]], case: str
) -> None:
    (their_port, their_app), (our_port, our_app) = servers
    theirs = await _exchange(their_port, their_app, CASES[case])
    ours = await _exchange(our_port, our_app, CASES[case])
    assert ours == theirs


@pytest.mark.anyio
async def test_whole_text_frames_are_read_in_order_and_echoed(
    servers: tuple[tuple[int, Echo], tuple[int, Echo]],
) -> None:
    """What the comparison above compares, so a change to both would still be caught."""
    _, (our_port, our_app) = servers
    pieces = CASES["three text frames in one read"]
    answer, (received,) = await _exchange(our_port, our_app, pieces)
    assert received == [
        {"type": "websocket.receive", "text": "a"},
        {"type": "websocket.receive", "text": START},
        {"type": "websocket.receive", "text": "é" * 40},
        {"type": "websocket.disconnect", "code": 1000, "reason": "bye"},
    ]
    # Unmasked server frames, the 80-byte text with no 16-bit length, then the close echoed.
    assert answer.startswith(b"\x81\x01a\x81" + bytes([len(START)]) + START.encode())
    assert answer.endswith(b"\x88\x05\x03\xe8bye")
