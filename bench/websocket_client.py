"""A websocket client light enough that 10,000 of them in one process do not hide the server.

With the `websockets` library, this process's own reading of N sockets (a parser per socket, a
queue, a task woken per frame, the frame decoded as JSON) took longer than the servers'
sending, so every peer's delivery time was mostly the client's. Here a socket is an
`asyncio.Protocol` that splits frames itself (RFC 6455 5.2: a server's frames are not masked),
hands frames out one by one while a test is setting it up (`next_frame`), and during a delivery
only counts data frames into the round it belongs to (`Round`), without decoding them. The
frames it sends are masked, as a client's must be (RFC 6455 5.3).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct
from collections import deque
from typing import Any
from urllib.parse import urlsplit

_TEXT, _CLOSE, _PING = 0x1, 0x8, 0x9


class Round:
    """One delivery: done once `expected` sockets have had a data frame."""

    __slots__ = ("done", "remaining")

    def __init__(self, expected: int) -> None:
        self.remaining = expected
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if expected == 0:
            self.done.set_result(None)

    def arrived(self) -> None:
        self.remaining -= 1
        if self.remaining == 0 and not self.done.done():
            self.done.set_result(None)


class WebSocket(asyncio.Protocol):
    """One client socket: the upgrade, then frames."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upgraded: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self.frames: deque[Any] = deque()
        self.waiter: asyncio.Future[None] | None = None
        self.round: Round | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.upgraded.done():
            self.upgraded.set_exception(ConnectionError("closed during the upgrade"))
        self._wake()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.upgraded.done():
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end])
            del self.buffer[: end + 4]
            if not head.startswith(b"HTTP/1.1 101"):
                self.upgraded.set_exception(ConnectionError(head.decode(errors="replace")))
                return
            self.upgraded.set_result(head)
        self._frames()

    def _frames(self) -> None:
        buffer = self.buffer
        while len(buffer) >= 2:
            opcode, length = buffer[0] & 0x0F, buffer[1] & 0x7F
            start = 2
            if length == 126:
                if len(buffer) < 4:
                    return
                (length,) = struct.unpack_from("!H", buffer, 2)
                start = 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                (length,) = struct.unpack_from("!Q", buffer, 2)
                start = 10
            if len(buffer) < start + length:
                return
            payload = bytes(buffer[start : start + length])
            del buffer[: start + length]
            self._frame(opcode, payload)

    def _frame(self, opcode: int, payload: bytes) -> None:
        if opcode == _PING:
            self._send(0xA, payload)
            return
        if opcode == _CLOSE:
            self.closed = True
            self._wake()
            return
        if opcode != _TEXT:
            return
        current = self.round
        if current is not None and b'"data"' in payload[:24]:
            current.arrived()
            return
        self.frames.append(json.loads(payload))
        self._wake()

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next_frame(self) -> Any:
        """The next text frame, decoded (outside a delivery round)."""
        while not self.frames:
            if self.closed:
                raise ConnectionError("the server closed the socket")
            self.waiter = asyncio.get_running_loop().create_future()
            await self.waiter
        return self.frames.popleft()

    def send_text(self, text: str) -> None:
        self._send(0x1, text.encode())

    def _send(self, opcode: int, payload: bytes) -> None:
        assert self.transport is not None
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        mask = os.urandom(4)
        repeated = (mask * (length // 4 + 1))[:length]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
            length, "big"
        )
        self.transport.write(header + mask + masked)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def connect(url: str, subprotocol: str = "graphql-ws") -> WebSocket:
    """A socket upgraded at `url` (`ws://host:port/path?query`)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    loop = asyncio.get_running_loop()
    _, socket = await loop.create_connection(WebSocket, host, port)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Protocol: {subprotocol}\r\n\r\n"
    )
    assert socket.transport is not None
    socket.transport.write(request.encode())
    await socket.upgraded
    return socket
