"""uvicorn's wsproto websocket protocol, lighter per idle socket.

Three things of uvicorn's `WSProtocol` weigh on an idle socket, and this subclass trims each:

- An `asyncio.Queue` of received events and an `asyncio.Event` for write flow control. Empty,
  they hold five `collections.deque`s (the queue's items, getters, putters and its `finished`
  event's waiters, the event's waiters) of about 760 bytes each. Here the same two attributes
  are a queue that creates its deque on the first event and drops it when drained, and an event
  whose waiters list exists only while someone waits. uvicorn uses nothing else of them
  (`put_nowait`, `get`, `empty`; `set`, `clear`, `wait`).
- Its 33 instance attributes. Past 29, CPython stops sharing an instance dict's keys with its
  class and gives each instance a dict of its own, about 1.6 KiB instead of 0.3. Here the
  logger, which every socket shares, and the attributes that only pings and the closing
  handshake change are class defaults, so an open socket sets 25.
- wsproto's `WSConnection` keeps the opening handshake's state for the socket's life: an h11
  connection, the upgrade request with its headers, an empty deque of handshake events, about
  3 KiB. Once the upgrade is accepted only its frame-level `Connection` is used, which has the
  same `send`, `receive_data`, `events` and `state`, so the protocol keeps that one alone, and
  its queue of received events (a deque, about 600 bytes empty) is one that holds a deque only
  while events wait (`_Events`; wsproto 1.3.2 uses `append`, `popleft` and truth of it).
- Even that frame-level `Connection` (its frame and message decoders, buffer and generator,
  about 1 KiB) holds nothing until a frame needs it: an accepted socket keeps `_OPEN` in its
  place, and `conn` makes a fresh `Connection` the first time something reads it (a frame that
  is not a whole text frame, a close, a ping, uvicorn's shutdown). A fresh one is what wsproto
  would have had then: no frame had been parsed by it, and data frames sent without it
  (below) leave none of its state behind.

Two things cost CPU on every socket, and this subclass takes a shorter way for each while
putting the same bytes on the wire:

- The upgrade request, which httptools has already parsed, is parsed again by wsproto through
  h11 (about a third of the server's CPU per subscribe in a profile of a subscribe storm).
  Here a well-formed upgrade (what wsproto accepts: GET, `Connection: Upgrade`,
  `Upgrade: websocket`, version 13, a key, a host) is read from the request uvicorn hands over
  and answered with the 101 wsproto writes, byte for byte. Anything else, and any answer but an
  accept (a refusal, a denial response, a 500), goes through wsproto's handshake as before: the
  request is fed to a `WSConnection` then (`PendingUpgrade.connection`).
- Each text frame sent went through wsproto's frame serializer (a bytearray copy, its
  extension loop). Without permessage-deflate a server frame is a two-to-ten-byte header and
  the payload (RFC 6455 5.2), written here directly.
- Each text frame received went through wsproto's frame parser (its buffer, header, masker and
  message decoder objects, a generator per read) and uvicorn's message buffer. A read holding
  only whole text frames is read by `frames.text_messages` instead, and its messages queued as
  uvicorn's `handle_message` queues them; anything else goes to wsproto (`_OPEN` then becomes a
  `Connection`, for good).

A socket served without ASGI (`native.py`: an upgrade to the realtime paths under `serve`) is
this protocol too, with the request read by the HTTP protocol handed over as read
(`read_upgrade`), and uvicorn's receive queue replaced by one that gives each message to the
socket at once (`push_messages`, `pushed.PushedMessages`); frames, pings, closes, the size
limit and the shutdown are handled here as for any socket.

uvicorn and wsproto are pinned to one version each (pyproject.toml); `__init__` mirrors
uvicorn's, and a test checks that every attribute uvicorn's sets exists here too.
`appsync-local serve` names this class in `UVICORN_OPTIONS` (`ws=`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import struct
from collections import deque
from dataclasses import dataclass
from typing import Any

import wsproto
from uvicorn._types import ASGISendEvent
from uvicorn.config import Config
from uvicorn.logging import TRACE_LOG_LEVEL
from uvicorn.protocols.utils import (
    ClientDisconnected,
    get_client_addr,
    get_path_with_query_string,
)
from uvicorn.protocols.websockets.wsproto_impl import WebsocketBuffer
from uvicorn.protocols.websockets.wsproto_impl import WSProtocol as _UvicornWSProtocol
from uvicorn.server import ServerState
from wsproto import events
from wsproto.connection import Connection, ConnectionState
from wsproto.utilities import generate_accept_token, split_comma_header

from appsync.pubsub import ReceiveQueue
from appsync.realtime.frames import SEND_TEXTS, text_messages
from appsync.realtime.pushed import PushedMessages

_WEBSOCKET_VERSION = b"13"
_STATE_OPEN = ConnectionState.OPEN
_STATE_CLOSED = ConnectionState.CLOSED
# A text frame, whole (FIN and opcode 1); a server's frames are not masked (RFC 6455 5.1, 5.2).
_TEXT_FIN = 0x81
_BINARY_FIN = 0x82
_FRAME_LENGTHS = (struct.Struct("!BB"), struct.Struct("!BBH"), struct.Struct("!BBQ"))
# What h11 lets through in a request target, a header name and a header value (RFC 9110 5.1,
# 5.5; h11/_abnf.py): anything else goes to wsproto, which answers it as it always did.
_TARGET = re.compile(rb"[\x21-\x7e]+")
_NAME = re.compile(rb"[-!#$%&'*+.^_`|~0-9a-z]+")
_VALUE = re.compile(rb"([\x21-\x7e\x80-\xff]([\x20\x09\x21-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?")
# Headers that give the request a body, which an upgrade has not: wsproto judges those.
_BODY_HEADERS = (b"content-length", b"transfer-encoding")


class _Open:
    """An accepted socket whose frame-level wsproto `Connection` is not made yet."""

    __slots__ = ()


_OPEN = _Open()


@dataclass(slots=True)
class PendingUpgrade:
    """A well-formed upgrade request not answered yet: its key, the subprotocols it offered,
    and its target and headers (for wsproto, should the answer be anything but an accept)."""

    key: bytes
    subprotocols: list[str]
    target: bytes
    headers: list[tuple[bytes, bytes]]
    # The request's bytes as uvicorn handed them over, when it did.
    request: bytes | None = None

    def connection(self) -> wsproto.WSConnection:
        """wsproto's handshake state for the same request, as if it had parsed it."""
        request = self.request
        if request is None:
            lines = [b"GET ", self.target, b" HTTP/1.1\r\n"]
            for name, value in self.headers:
                lines += [name, b": ", value, b"\r\n"]
            lines.append(b"\r\n")
            request = b"".join(lines)
        conn = wsproto.WSConnection(connection_type=wsproto.ConnectionType.SERVER)
        conn.receive_data(request)
        for _ in conn.events():
            pass  # the Request event, already handled
        return conn


class _Events:
    """The deque wsproto's `Connection` queues received events in, without a deque while it is
    empty (an idle socket's)."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: deque[events.Event] | None = None

    def __bool__(self) -> bool:
        return bool(self._items)

    def append(self, event: events.Event) -> None:
        if self._items is None:
            self._items = deque()
        self._items.append(event)

    def popleft(self) -> events.Event:
        items = self._items
        if items is None:
            raise IndexError("pop from an empty deque")
        event = items.popleft()
        if not items:
            self._items = None
        return event


def _frame_connection(conn: Connection) -> Connection:
    """`conn` with the lighter event queue, unless events wait in its own."""
    if not conn._events:
        conn._events = _Events()  # type: ignore[assignment]
    return conn


def _read_upgrade(data: bytes) -> tuple[events.Request, PendingUpgrade] | None:
    """The upgrade request uvicorn's HTTP protocol hands over, as wsproto's Request event, if
    wsproto would accept it; None when wsproto must judge it (a refusal, an odd request)."""
    head, separator, rest = data.partition(b"\r\n\r\n")
    if not separator or rest:
        return None
    lines = head.split(b"\r\n")
    request_line = lines[0].split(b" ")
    if len(request_line) != 3 or request_line[2] != b"HTTP/1.1":
        return None
    headers: list[tuple[bytes, bytes]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(b": ")
        if not colon:
            return None
        headers.append((name, value))
    return read_upgrade(request_line[0], request_line[1], headers, data)


def read_upgrade(
    method: bytes, target: bytes, headers: list[tuple[bytes, bytes]], request: bytes | None = None
) -> tuple[events.Request, PendingUpgrade] | None:
    """An upgrade request (its method, target and headers, names in lower case, as uvicorn's
    HTTP protocol read them; `request`: its bytes, when at hand) as wsproto's Request event, if
    wsproto would accept it; None when wsproto must judge it (a refusal, an odd request)."""
    upgrade = pending_upgrade(method, target, headers, request)
    if upgrade is None:
        return None
    # wsproto's own reading of the rest (wsproto.handshake._process_connection_request).
    host = ""
    extensions: list[str] = []
    extra_headers: list[tuple[bytes, bytes]] = []
    for name, value in headers:
        if name == b"host":
            host = value.decode("idna")
        elif name == b"sec-websocket-extensions":
            extensions.extend(split_comma_header(value))
        elif name != b"sec-websocket-protocol":
            extra_headers.append((name, value))
    event = events.Request(
        host=host,
        target=target.decode("ascii"),
        extensions=extensions,
        extra_headers=extra_headers,
        subprotocols=upgrade.subprotocols,
    )
    return event, upgrade


def pending_upgrade(
    method: bytes,
    target: bytes,
    headers: list[tuple[bytes, bytes]],
    request: bytes | None = None,
    *,
    well_formed: bool = False,
) -> PendingUpgrade | None:
    """`read_upgrade`'s judgement without wsproto's Request event, which a socket served
    without ASGI (`native.py`) never reads: the upgrade, if wsproto would accept it.
    `well_formed`: the target, names and values are known to be in h11's grammar already
    (`http_protocol`'s recognizer reads only a narrower one), so they are not checked again."""
    if method != b"GET" or not (well_formed or _TARGET.fullmatch(target)):
        return None
    connection_tokens: list[str] = []
    host = False
    key: bytes | None = None
    keys = 0
    version: bytes | None = None
    upgrade = b""
    subprotocols: list[str] = []
    for name, value in headers:
        if name in _BODY_HEADERS or not (
            well_formed or (_NAME.fullmatch(name) and _VALUE.fullmatch(value))
        ):
            return None
        # wsproto's own reading (wsproto.handshake._process_connection_request).
        if name == b"connection":
            connection_tokens = split_comma_header(value)
        elif name == b"host":
            if not value.isascii() or b"xn--" in value.lower():
                # wsproto's decoding, for its error (ASCII without punycode decodes as it is).
                value.decode("idna")
            host = True
        elif name == b"sec-websocket-key":
            key = value
            keys += 1
        elif name == b"sec-websocket-protocol":
            subprotocols.extend(split_comma_header(value))
        elif name == b"sec-websocket-version":
            version = value
        elif name == b"upgrade":
            upgrade = value
    if (
        not any(token.lower() == "upgrade" for token in connection_tokens)
        or version != _WEBSOCKET_VERSION
        or key is None
        or keys != 1
        or upgrade.lower() != b"websocket"
        or not host
    ):
        return None
    return PendingUpgrade(key, subprotocols, target, headers, request)


def _frame(data: str | bytes) -> bytes:
    """One whole unmasked data frame (RFC 6455 5.2), as wsproto writes it without extensions."""
    if isinstance(data, str):
        payload, first = data.encode(), _TEXT_FIN
    else:
        payload, first = bytes(data), _BINARY_FIN
    return _frame_header(first, len(payload)) + payload


def _frame_header(first: int, length: int) -> bytes:
    if length <= 125:
        return _FRAME_LENGTHS[0].pack(first, length)
    if length <= 0xFFFF:
        return _FRAME_LENGTHS[1].pack(first, 126, length)
    return _FRAME_LENGTHS[2].pack(first, 127, length)


class WritableFlag:
    """`asyncio.Event`'s set / clear / wait, without a deque while nobody waits."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        if self._set:
            return True
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        await waiter
        return True


class WSProtocol(_UvicornWSProtocol):
    """uvicorn's wsproto protocol with the lighter queue and flag, fewer instance attributes,
    and no handshake state once the upgrade is accepted."""

    # Until a ping or the closing handshake sets them on an instance (uvicorn's initial values).
    logger = logging.getLogger("uvicorn.error")
    close_timer = None
    close_timeout = 10.0
    ping_timer = None
    pong_timer = None
    pending_ping_payload = None
    ping_sent_at = 0.0
    last_ping_rtt = 0.0

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        # uvicorn's __init__, in its order, without the class defaults above and with `scope`
        # set here, so every socket inserts the same keys in the same order (a shared dict).
        if not config.loaded:
            config.load()
        self.config = config
        self.app = config.loaded_app
        self.loop = _loop or asyncio.get_event_loop()
        self.root_path = config.root_path
        self.asgi_version = config.asgi_version
        self.app_state = app_state
        self.connections = server_state.connections
        self.tasks = server_state.tasks
        self.default_headers = server_state.default_headers
        self.transport = None  # type: ignore[assignment]
        self.server = None
        self.client = None
        self.scheme = None  # type: ignore[assignment]
        # Not `ReceiveQueue[Any]()`: calling a subscripted generic costs a typing lookup per socket.
        self.queue: Any = ReceiveQueue()
        self.handshake_complete = False
        self.close_sent = False
        self.disconnected = False
        self.response_started = False
        # A WSConnection only when wsproto must see the handshake (`data_received`).
        # wsproto's state, or what stands for it: None (no data yet), a PendingUpgrade, _OPEN
        # (accepted, no frame parsed by wsproto), a WSConnection (a handshake wsproto judges),
        # or its frame-level Connection. uvicorn's code reads it as `conn` (the property).
        self._conn: object = None
        self.read_paused = False
        self.writable = WritableFlag()  # type: ignore[assignment]
        self.writable.set()
        self.ping_interval = config.ws_ping_interval
        self.ping_timeout = config.ws_ping_timeout
        self.buffer = WebsocketBuffer(config.ws_max_size)
        self.scope = None  # type: ignore[assignment]

    @property
    def conn(self) -> Any:
        """uvicorn's `conn`: wsproto's connection, made now if the accepted socket has none."""
        conn = self._conn
        if conn is _OPEN:
            conn = self._conn = _frame_connection(Connection(wsproto.ConnectionType.SERVER))
        return conn

    @conn.setter
    def conn(self, value: Any) -> None:
        self._conn = value

    def data_received(self, data: bytes) -> None:
        conn = self._conn
        if conn is _OPEN:
            if not self.close_sent and (texts := text_messages(data, self.config.ws_max_size)):
                # uvicorn's handle_message for each, without wsproto's parser.
                queue = self.queue
                for text in texts:
                    queue.put_nowait({"type": "websocket.receive", "text": text})
                if not self.read_paused and not isinstance(queue, PushedMessages):
                    self.read_paused = True
                    self.transport.pause_reading()
                return
        elif conn is None:
            upgrade = None if self.config.ws_per_message_deflate else _read_upgrade(data)
            if upgrade is not None:
                request, pending = upgrade
                self._conn = pending
                self.handle_connect(request)
                return
            self._conn = wsproto.WSConnection(connection_type=wsproto.ConnectionType.SERVER)
        elif isinstance(conn, PendingUpgrade):
            # A frame before the accept: wsproto holds it until then, as it always did.
            self._conn = conn.connection()
        super().data_received(data)
        if self.read_paused and isinstance(self.queue, PushedMessages):
            # uvicorn paused reading for an ASGI app's `receive`; the message went on at once.
            self.read_paused = False
            self.transport.resume_reading()

    def connection_made_with(self, transport: asyncio.Transport, scope: Any) -> None:
        """uvicorn's `connection_made`, with the addresses and scheme of `scope` (the websocket
        scope `native.py` made from what the HTTP protocol read) rather than asked of the
        transport again (two system calls per socket)."""
        self.connections.add(self)
        self.transport = transport
        self.server = scope["server"]
        self.client = scope["client"]
        self.scheme = scope["scheme"]
        if self.logger.level <= TRACE_LOG_LEVEL:
            prefix = f"{self.client[0]}:{self.client[1]} - " if self.client else ""
            self.logger.log(TRACE_LOG_LEVEL, "%sWebSocket connection made", prefix)

    def push_messages(self, upgrade: PendingUpgrade, scope: Any, queue: PushedMessages) -> None:
        """Answer `upgrade` without an ASGI app (`native.py`): what uvicorn would queue for the
        app's `receive` goes to `queue`, and `send` takes the accept when it comes. `scope`
        (the upgrade request's, from the HTTP protocol) names the socket in the accept's log
        line until then."""
        self._conn = upgrade
        self.scope = scope
        self.queue = queue

    def send_500_response(self) -> None:
        self._wsproto_handshake()
        super().send_500_response()

    def shutdown(self) -> None:
        """uvicorn's shutdown, which sends 1012 to an open socket. A socket whose client
        closed it has already answered that close (uvicorn's `handle_close`) and is closing,
        but stays among the server's connections until its `connection_lost` runs: a second
        close there is wsproto's LocalProtocolError ("cannot be sent in state CLOSED"), and
        `serve` exited 1 on SIGTERM. Its transport is only closed (again), as uvicorn does for
        a socket whose own close was sent."""
        if self.handshake_complete and getattr(self._conn, "state", None) is _STATE_CLOSED:
            self.stop_keepalive()
            self.transport.close()
            return
        super().shutdown()

    def _wsproto_handshake(self) -> None:
        """Hand a pending upgrade to wsproto, for an answer other than an accept."""
        conn = self._conn
        if isinstance(conn, PendingUpgrade):
            self._conn = conn.connection()

    def handle_connect(self, event: events.Request) -> None:
        super().handle_connect(event)
        # Before the app's task first runs: it reads the scope then.
        self.scope["extensions"][SEND_TEXTS] = {
            "write": self.write_texts,
            "write_utf8": self.write_utf8,
        }

    def _writes_frames(self, conn: object) -> bool:
        """Whether a data message can be framed and written here, as uvicorn would write it."""
        open_ = isinstance(conn, _Open) or (
            isinstance(conn, Connection) and conn.state is _STATE_OPEN
        )
        return (
            open_
            and self.writable.is_set()
            and not self.close_sent
            and not self.disconnected
            and not self.config.ws_per_message_deflate
        )

    def write_texts(self, texts: list[str]) -> bool:
        """Text frames written at once, as `send` would write them without waiting; False
        (nothing written) when `send` would wait (a paused transport) or go through wsproto."""
        if not self._writes_frames(self._conn):
            return False
        if not self.transport.is_closing():
            self.transport.write(b"".join(_frame(text) for text in texts))
        return True

    def write_utf8(self, parts: tuple[bytes, ...], size: int) -> bool:
        """One text frame whose UTF-8 text is `parts` joined (`size` bytes), written at once as
        `write_texts` writes it, without a text to encode (a data frame, `protocol.data_utf8`)."""
        if not self._writes_frames(self._conn):
            return False
        if not self.transport.is_closing():
            self.transport.write(b"".join((_frame_header(_TEXT_FIN, size), *parts)))
        return True

    async def send(self, message: ASGISendEvent) -> None:
        conn = self._conn
        kind = message["type"]
        if kind == "websocket.send" and self._writes_frames(conn):
            # What uvicorn's send does for a data message, without wsproto's serializer.
            text = message.get("text")
            data = message.get("bytes")
            if not self.transport.is_closing():
                self.transport.write(_frame(text if data is None else data))  # type: ignore[arg-type]
            return
        if kind == SEND_TEXTS:
            texts: list[str] = message["texts"]  # type: ignore[typeddict-item]
            if not self.write_texts(texts):
                for text in texts:
                    await self.send({"type": "websocket.send", "text": text, "bytes": None})
            return
        if isinstance(conn, PendingUpgrade):
            if kind == "websocket.accept":
                await self._accept(conn, message)
                return
            self._wsproto_handshake()
        await self._send_through_uvicorn(message)

    async def _accept(self, upgrade: PendingUpgrade, message: ASGISendEvent) -> None:
        """uvicorn's accept (`WSProtocol.send`), writing the 101 wsproto writes for it."""
        await self.writable.wait()
        if self.disconnected:
            raise ClientDisconnected()
        if self.logger.isEnabledFor(logging.INFO):
            # The line's arguments only when it is written (quoting the path is not free).
            self.logger.info(
                '%s - "WebSocket %s" [accepted]',
                get_client_addr(self.scope),
                get_path_with_query_string(self.scope),
            )
        subprotocol: str | None = message.get("subprotocol")  # type: ignore[assignment]
        if subprotocol is not None and subprotocol not in upgrade.subprotocols:
            # wsproto's LocalProtocolError for it, raised from the same place.
            self._wsproto_handshake()
            await self._send_through_uvicorn(message)
            return
        if self.transport.is_closing():
            return
        self.handshake_complete = True
        lines = [
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + generate_accept_token(upgrade.key) + b"\r\n"
        ]
        if subprotocol is not None:
            lines.append(b"Sec-WebSocket-Protocol: " + subprotocol.encode("ascii") + b"\r\n")
        extra_headers = self.default_headers + list(message.get("headers", []))  # type: ignore[call-overload]
        lines.extend(name + b": " + value + b"\r\n" for name, value in extra_headers)
        lines.append(b"\r\n")
        self._conn = _OPEN
        self.transport.write(b"".join(lines))
        self.start_keepalive()

    async def _send_through_uvicorn(self, message: ASGISendEvent) -> None:
        await super().send(message)
        conn = self._conn
        if isinstance(conn, wsproto.WSConnection) and conn.connection is not None:
            # The upgrade is accepted: from here on uvicorn only frames messages.
            self._conn = _frame_connection(conn.connection)
