"""The HTTP side of `appsync-local serve`'s connections (the `http=` in `UVICORN_OPTIONS`).

`HttpProtocol` is what uvicorn makes for each accepted connection. It reads the connection's
first bytes itself: when they are exactly one well-formed websocket upgrade to the realtime
paths that `native.py` answers, the upgrade is served there (no HTTP parser, no request scope,
no uvicorn HTTP protocol object for that connection: about 5 us of CPU less per subscribe,
measured in-process, of 130 to 180 in all; docs/performance.md, "Fourth round"). Anything
else - any other request, a request split across reads or followed by more bytes, anything
the recognizer does not take (odd spacing, characters outside the plain ones, a body header,
HTTP/1.0), any upgrade the native path does not answer (proxy headers, deflate, a refused
handshake, a Host not answered) - hands the connection, with the bytes read, to uvicorn's
httptools protocol (`HttpToolsProtocol` below) before it has written anything, so it is
answered exactly as uvicorn answers it: the same status and bytes, limits and timeouts
(uvicorn's httptools protocol has no timeout before a first request either). The recognizer
is deliberately narrower than httptools: what it takes, httptools reads to the same method,
target and headers; whatever it does not take is delegated.

`HttpToolsProtocol` is uvicorn's, letting go of itself once a websocket takes the connection.
On an upgrade, uvicorn's hands the transport to the websocket protocol and is done, but it is
not freed then: its httptools parser refers back to it (the parser's callbacks), and that cycle
waits for the collector, which `serve` runs seldom (`GC_THRESHOLDS` in appsync/app.py). Until
then each upgraded connection leaves its parser, its request's scope and headers, its flow
control with an `asyncio.Event`, and an empty pipeline deque behind: about 1.3 KB per socket in
a tracemalloc of 1,000 subscribes. Here the upgrade drops the parser and the request state, so
the protocol is freed at once. An upgrade to the realtime paths that `native.py` answers is
handed to the websocket protocol as read (its method, target and headers) rather than as bytes
to read again, and served without ASGI. Every request that is not an upgrade is uvicorn's,
unchanged.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

from uvicorn.config import Config
from uvicorn.logging import TRACE_LOG_LEVEL
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _UvicornHttpToolsProtocol
from uvicorn.protocols.utils import is_ssl
from uvicorn.server import ServerState

from appsync.realtime.uvicorn_options import websocket_protocol

if TYPE_CHECKING:
    from appsync.realtime.native import NativeUpgrade
    from appsync.realtime.wsproto_protocol import WSProtocol

# One whole upgrade request as the recognizer takes it, and nothing after it: `GET`, an origin-
# form target of RFC 3986's characters, HTTP/1.1, then headers each `name: value` with one space,
# a token name (RFC 9110 5.1) and a value of visible ASCII with inner spaces (no tabs, no
# obs-text, no empty value, no trailing space), CRLF line ends. Whatever else is delegated.
_REQUEST = re.compile(
    rb"GET (/[-A-Za-z0-9._~!$&'()*+,;=:@/?%]*) HTTP/1\.1\r\n"
    rb"((?:[-!#$%&'*+.^_`|~0-9A-Za-z]+: [\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?\r\n)+)\r\n"
)
_HEADER = re.compile(rb"([^:\r\n]+): ([^\r\n]*)\r\n")
# A first read larger than this is not looked at (an upgrade with a long token is a few KiB).
_MAX_REQUEST_BYTES = 64 * 1024
# The logger uvicorn's protocols log connections to (at trace level, when it is set so).
_UVICORN_LOGGER = logging.getLogger("uvicorn.error")


class HttpProtocol(asyncio.Protocol):
    """The protocol of each accepted connection: a realtime upgrade it recognizes is served
    without an HTTP parser (`native.py`), anything else by uvicorn's httptools protocol."""

    __slots__ = ("app_state", "config", "loop", "server_state", "transport")

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        if not config.loaded:
            config.load()
        self.config = config
        self.server_state = server_state
        self.app_state = app_state
        self.loop = _loop
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self.transport = transport
        if _UVICORN_LOGGER.level <= TRACE_LOG_LEVEL:
            # uvicorn logs each connection at trace level: its protocol from the start.
            self._delegate(b"")
            return
        # uvicorn types its connections by its own protocols; it calls `shutdown` on each.
        self.server_state.connections.add(self)  # type: ignore[arg-type]

    def data_received(self, data: bytes) -> None:
        transport = self.transport
        assert transport is not None
        native = self._native(data, transport)
        if native is None:
            self._delegate(data)
            return
        self.server_state.connections.discard(self)
        upgrade, scope = native
        upgrade.serve(transport, self._websocket_protocol(), scope)

    def connection_lost(self, exc: Exception | None) -> None:
        # uvicorn's: out of the server's connections, the transport closed.
        self.server_state.connections.discard(self)
        if exc is None and self.transport is not None:
            self.transport.close()

    def shutdown(self) -> None:
        """The server is shutting down: a connection that sent no request yet is closed, as
        uvicorn closes one between requests."""
        if self.transport is not None:
            self.transport.close()

    def _native(
        self, data: bytes, transport: asyncio.Transport
    ) -> tuple[NativeUpgrade, dict[str, Any]] | None:
        """The upgrade `data` is, if it is one whole request the recognizer takes and
        `native.py` answers."""
        config = self.config
        if len(data) > _MAX_REQUEST_BYTES or config.limit_concurrency is not None:
            return None
        # Before the protocol is looked at: what is not an upgrade (a first request to /graphql)
        # does not import it.
        request = _REQUEST.fullmatch(data)
        if request is None or _native_class(config.ws_protocol_class) is None:
            return None
        target, block = request.groups()
        headers = [(name.lower(), value) for name, value in _HEADER.findall(block)]
        # One Connection and one Upgrade: uvicorn reads the last of each, httptools' parser all
        # of them, and with one each they agree.
        names = [name for name, _ in headers]
        if names.count(b"connection") != 1 or names.count(b"upgrade") != 1:
            return None
        http_scope = {
            "method": "GET",
            "scheme": "https" if is_ssl(transport) else "http",
            "server": _address(transport, "sockname"),
            "client": _address(transport, "peername"),
            "headers": headers,
        }
        from appsync.realtime.native import native_upgrade

        return native_upgrade(config.loaded_app, config, http_scope, target, well_formed=True)

    def _websocket_protocol(self) -> WSProtocol:
        """What `config.ws_protocol_class` makes (`_native` found it ours), made directly."""
        protocol_class = _native_class(self.config.ws_protocol_class)
        assert protocol_class is not None
        return protocol_class(
            config=self.config, server_state=self.server_state, app_state=self.app_state
        )

    def _delegate(self, data: bytes) -> None:
        """uvicorn's httptools protocol takes the connection, with what was read of it."""
        transport = self.transport
        assert transport is not None
        protocol = HttpToolsProtocol(
            config=self.config,
            server_state=self.server_state,
            app_state=self.app_state,
            _loop=self.loop,
        )
        self.server_state.connections.discard(self)
        protocol.connection_made(transport)
        # Before it reads: an upgrade in `data` sets the websocket protocol as the transport's.
        transport.set_protocol(protocol)
        if data:
            protocol.data_received(data)


class HttpToolsProtocol(_UvicornHttpToolsProtocol):
    """uvicorn's httptools protocol, freed as soon as a websocket upgrade takes over."""

    def handle_websocket_upgrade(self) -> None:
        from appsync.realtime.native import native_upgrade
        from appsync.realtime.wsproto_protocol import WSProtocol

        protocol_class = self.ws_protocol_class
        native = None
        if _ours(protocol_class):
            native = native_upgrade(self.app, self.config, self.scope, self.url)
        if native is None or protocol_class is None:
            super().handle_websocket_upgrade()
        else:
            # uvicorn's upgrade, with the request handed over as read, not as bytes to read again.
            self.connections.discard(self)
            protocol = protocol_class(  # type: ignore[call-arg]
                config=self.config, server_state=self.server_state, app_state=self.app_state
            )
            assert isinstance(protocol, WSProtocol)
            upgrade, scope = native
            upgrade.serve(self.transport, protocol, scope)
        # The transport is the websocket protocol's now, and nothing calls this one again.
        self.parser = None  # type: ignore[assignment]
        self.scope = None  # type: ignore[assignment]
        self.headers = None  # type: ignore[assignment]
        self.flow = None  # type: ignore[assignment]
        self.pipeline.clear()


def _address(transport: asyncio.Transport, name: str) -> tuple[str, int | None] | None:
    """The connection's own (`sockname`) or its client's (`peername`) address as uvicorn's
    `get_local_addr` and `get_remote_addr` give it for a TCP socket, `(host, port)`, from the
    addresses the transport read when it connected (uvloop's and asyncio's transports both keep
    them). uvicorn asks the transport's socket object instead, which under uvloop makes a
    socket object per question and asks the kernel again: five system calls per connection
    (getsockname, getpeername), measured with strace, where none is needed."""
    info = transport.get_extra_info(name)
    if isinstance(info, tuple | list) and len(info) >= 2:
        return (str(info[0]), int(info[1]))
    if isinstance(info, str) and name == "sockname":
        return (info, None)  # a Unix socket's path, as uvicorn names the server then
    return None


def _ours(protocol_class: object) -> bool:
    """Whether uvicorn's websocket protocol is this project's: `websocket_protocol`, or
    `wsproto_protocol.WSProtocol` (or a subclass) given as the class itself, as
    bench/fanout.py gives it. Those upgrades `native.py` answers. Imports the class (on an
    upgrade)."""
    return _native_class(protocol_class) is not None


# `_native_class`'s answers by uvicorn's `ws_protocol_class` (a server has one).
_NATIVE_CLASSES: dict[object, type[WSProtocol] | None] = {}


def _native_class(protocol_class: object) -> type[WSProtocol] | None:
    """The class `protocol_class` (uvicorn's `ws_protocol_class`) makes if it is ours (`_ours`),
    else None; asked once per class, not per connection (the import and the subclass check)."""
    if protocol_class in _NATIVE_CLASSES:
        return _NATIVE_CLASSES[protocol_class]
    from appsync.realtime.wsproto_protocol import WSProtocol

    native: type[WSProtocol] | None = None
    if protocol_class is websocket_protocol:
        native = WSProtocol
    elif isinstance(protocol_class, type) and issubclass(protocol_class, WSProtocol):
        native = protocol_class
    _NATIVE_CLASSES[protocol_class] = native
    return native
