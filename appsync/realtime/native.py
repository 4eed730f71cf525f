"""AppSync's realtime sockets served in the socket's own protocol object, without ASGI.

Under `appsync-local serve` (its uvicorn protocols: `UVICORN_OPTIONS`), an upgrade to the
realtime paths is answered by the connection's websocket protocol object
(`wsproto_protocol.WSProtocol`) and the socket (`socket.RealtimeSocket`) directly: no ASGI
scope, no task running the app for each socket, no queue of received messages read by it, no
TaskGroup per socket. Client frames read in `data_received` go to the socket's protocol state
machine at once (`RealtimeSocket.receive_now`), its answers are written at once, and its tasks
(a `start` being planned, a delivery that must wait for a slow reader) belong to one group the
runtime holds while the server runs (`RealtimeRuntime.serving`). What the socket does with each
message (auth per mode at connect and start, limits, subscriptions, invalidation, reload
withdrawal, the Redis broker, close codes, metrics) is the same code the ASGI path runs
(`RealtimeRuntime.handshake` and `connection`, `RealtimeSocket`); only how messages reach it
differs. In a subscribe storm of 10,000 sockets the ASGI machinery per socket (the scope, the
task, the receive queue and its pause and resume of reading, the first frame's timeout, the
TaskGroup) was about a fifth of the server's CPU (py-spy of bench/fanout.py).

An upgrade is served the ASGI way (uvicorn's path, then `RealtimeRuntime.__call__`) whenever
this path would answer differently or cannot tell: a request wsproto must judge, a handshake
the endpoint refuses, a Host the server does not answer, proxy headers uvicorn would apply, a
root path, permessage-deflate, or a server whose lifespan did not run (no group).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol
from urllib.parse import unquote

from uvicorn._types import WebSocketAcceptEvent
from uvicorn.config import Config
from uvicorn.protocols.utils import ClientDisconnected

from appsync.realtime.endpoint import Handshake, RealtimeRuntime
from appsync.realtime.pushed import PushedMessages
from appsync.realtime.socket import RealtimeSocket
from appsync.realtime.upgrade import query_parameter
from appsync.realtime.wsproto_protocol import PendingUpgrade, WSProtocol, pending_upgrade

logger = logging.getLogger(__name__)

# The headers uvicorn's ProxyHeadersMiddleware reads: a request with them goes the ASGI way,
# where the middleware sets the client's address and scheme from them.
_PROXY_HEADERS = (b"x-forwarded-for", b"x-forwarded-proto")


class RealtimeUpgrades(Protocol):
    """The app's side (`AppSyncApp.realtime_upgrade`): the realtime runtime an upgrade
    request is for, if it may be answered without ASGI."""

    def realtime_upgrade(self, scope: Mapping[str, Any]) -> RealtimeRuntime | None: ...


def _upgrades(app: Any) -> RealtimeUpgrades | None:
    """The app under uvicorn's middleware (each holds the next as `app`), if it serves
    realtime upgrades this way."""
    while app is not None:
        if callable(getattr(app, "realtime_upgrade", None)):
            upgrades: RealtimeUpgrades = app
            return upgrades
        app = getattr(app, "app", None)
    return None


@dataclass(frozen=True, slots=True)
class NativeUpgrade:
    """An upgrade request this path answers: its runtime, the request, and the handshake."""

    runtime: RealtimeRuntime
    group: asyncio.TaskGroup
    upgrade: PendingUpgrade
    handshake: Handshake

    def serve(
        self, transport: asyncio.Transport, protocol: WSProtocol, scope: Mapping[str, Any]
    ) -> None:
        """Serve the upgrade on `protocol` (made for the connection, not yet its transport's),
        the transport's protocol from now on: its credentials are authenticated, then it is
        accepted and its messages pushed."""
        protocol.connection_made_with(transport, scope)
        messages = PushedMessages()
        protocol.push_messages(self.upgrade, scope, messages)
        client = protocol.client
        self.group.create_task(_open(self, protocol, messages, client[0] if client else None))
        transport.set_protocol(protocol)


def native_upgrade(
    app: Any,
    config: Config,
    http_scope: Mapping[str, Any],
    target: bytes,
    *,
    well_formed: bool = False,
) -> tuple[NativeUpgrade, dict[str, Any]] | None:
    """The upgrade request an HTTP protocol read (`http_scope`, its raw `target`), if this
    path answers it, with its websocket scope (what uvicorn's websocket protocol would give the
    app, as much of it as the Host check and the log lines read); None: uvicorn's websocket
    protocol and the ASGI app answer it. `well_formed`: as `pending_upgrade` takes it."""
    if config.ws_per_message_deflate or config.root_path:
        return None
    headers: list[tuple[bytes, bytes]] = http_scope["headers"]
    if config.proxy_headers and any(name in _PROXY_HEADERS for name, _ in headers):
        return None
    upgrades = _upgrades(app)
    if upgrades is None:
        return None
    upgrade = pending_upgrade(
        http_scope["method"].encode(), target, headers, well_formed=well_formed
    )
    if upgrade is None:
        return None
    # The path and query as uvicorn's websocket protocol reads them (its `handle_connect`).
    raw_path, _, query_string = target.partition(b"?")
    scope = {
        "type": "websocket",
        "scheme": "wss" if http_scope["scheme"] == "https" else "ws",
        "server": http_scope["server"],
        "client": http_scope["client"],
        "root_path": "",
        "path": unquote(raw_path.decode("ascii")),
        "query_string": query_string,
        "headers": headers,
    }
    runtime = upgrades.realtime_upgrade(scope)
    if runtime is None or runtime.native_group is None:
        return None
    handshake = runtime.handshake(upgrade.subprotocols, query_parameter(scope, "header"))
    if handshake is None:
        return None
    return NativeUpgrade(runtime, runtime.native_group, upgrade, handshake), scope


async def _open(
    native: NativeUpgrade, protocol: WSProtocol, messages: PushedMessages, source_ip: str | None
) -> None:
    """Authenticate the handshake, accept the upgrade, and give the socket its messages."""
    runtime = native.runtime
    try:
        connection = await runtime.connection(native.handshake, source_ip)
        accept: WebSocketAcceptEvent = {
            "type": "websocket.accept",
            "subprotocol": native.handshake.subprotocol,
            "headers": [],
        }
        await protocol.send(accept)
    except ClientDisconnected:
        return  # the client left before the accept
    except Exception:  # the edge: what uvicorn does when an ASGI app fails before accepting
        logger.exception("realtime upgrade failed")
        protocol.send_500_response()
        protocol.transport.close()
        return
    if not protocol.handshake_complete:
        return  # the connection closed meanwhile (the server shutting down)
    # The upgrade request's scope named the socket in the accept's log line; no longer needed.
    protocol.scope = None  # type: ignore[assignment]
    socket = RealtimeSocket(
        runtime,
        None,
        protocol.send,  # type: ignore[arg-type]
        connection,
        source_ip,
        write_now=protocol.write_texts,
        write_data=protocol.write_utf8,
        on_fault=partial(_end, protocol),
    )
    socket.push_to(native.group, asyncio.get_running_loop())
    messages.attach(socket)


def _end(protocol: WSProtocol) -> None:
    """A socket's task failed: its connection ends, as uvicorn ends an ASGI app's that raised."""
    if protocol.close_timer is None:
        protocol.transport.close()
