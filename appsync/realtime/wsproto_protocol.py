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
  same `send`, `receive_data`, `events` and `state`, so the protocol keeps that one alone.

uvicorn and wsproto are pinned to one version each (pyproject.toml); `__init__` mirrors
uvicorn's, and a test checks that every attribute uvicorn's sets exists here too.
`appsync-local serve` names this class in `UVICORN_OPTIONS` (`ws=`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import wsproto
from uvicorn._types import ASGISendEvent
from uvicorn.config import Config
from uvicorn.protocols.websockets.wsproto_impl import WebsocketBuffer
from uvicorn.protocols.websockets.wsproto_impl import WSProtocol as _UvicornWSProtocol
from uvicorn.server import ServerState

from appsync.pubsub import ReceiveQueue


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
        self.queue = ReceiveQueue[Any]()  # type: ignore[assignment]
        self.handshake_complete = False
        self.close_sent = False
        self.disconnected = False
        self.response_started = False
        self.conn = wsproto.WSConnection(connection_type=wsproto.ConnectionType.SERVER)
        self.read_paused = False
        self.writable = WritableFlag()  # type: ignore[assignment]
        self.writable.set()
        self.ping_interval = config.ws_ping_interval
        self.ping_timeout = config.ws_ping_timeout
        self.buffer = WebsocketBuffer(config.ws_max_size)
        self.scope = None  # type: ignore[assignment]

    async def send(self, message: ASGISendEvent) -> None:
        await super().send(message)
        conn = self.conn
        if isinstance(conn, wsproto.WSConnection) and conn.connection is not None:
            # The upgrade is accepted: from here on uvicorn only frames messages.
            self.conn = conn.connection  # type: ignore[assignment]
