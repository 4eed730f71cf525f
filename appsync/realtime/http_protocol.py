"""uvicorn's httptools HTTP protocol, letting go of itself once a websocket takes the connection.

On an upgrade, uvicorn's `HttpToolsProtocol` hands the transport to the websocket protocol and
is done, but it is not freed then: its httptools parser refers back to it (the parser's
callbacks), and that cycle waits for the collector, which `serve` runs seldom (`GC_THRESHOLDS`
in appsync/app.py). Until then each upgraded connection leaves its parser, its request's scope
and headers, its flow control with an `asyncio.Event`, and an empty pipeline deque behind:
about 1.3 KB per socket in a tracemalloc of 1,000 subscribes, on top of what the open socket
holds. Here the upgrade drops the parser and the request state, so the protocol is freed at
once. An upgrade to the realtime paths that `native.py` answers is handed to the websocket
protocol as read (its method, target and headers) rather than as bytes to read again, and
served without ASGI. Every request that is not an upgrade is uvicorn's, unchanged.

`appsync-local serve` names this class in `UVICORN_OPTIONS` (`http=`).
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _UvicornHttpToolsProtocol

from appsync.realtime.native import native_upgrade
from appsync.realtime.wsproto_protocol import WSProtocol


class HttpToolsProtocol(_UvicornHttpToolsProtocol):
    """uvicorn's httptools protocol, freed as soon as a websocket upgrade takes over."""

    def handle_websocket_upgrade(self) -> None:
        protocol_class = self.ws_protocol_class
        native = None
        if isinstance(protocol_class, type) and issubclass(protocol_class, WSProtocol):
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
            protocol.connection_made(self.transport)
            upgrade, scope = native
            upgrade.start(protocol, scope)
            self.transport.set_protocol(protocol)
        # The transport is the websocket protocol's now, and nothing calls this one again.
        self.parser = None  # type: ignore[assignment]
        self.scope = None  # type: ignore[assignment]
        self.headers = None  # type: ignore[assignment]
        self.flow = None  # type: ignore[assignment]
        self.pipeline.clear()
