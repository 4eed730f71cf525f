"""The realtime websocket endpoint: the runtime an API's sockets share, and its ASGI app.

`RealtimeRuntime` is what the server builds once per API. It serves the websocket on
`/graphql/realtime` and on `/graphql` (a `graphql-ws` upgrade), and it is what the mutation
path calls to publish (`publish_result`, `publish_mutation`, `invalidate_calls`).

Per connection: the handshake's header JSON (the `header` query parameter, standard base64, or a
`header-<base64url>` Sec-WebSocket-Protocol entry) is authenticated as AppSync does it
(`AuthRequest.realtime_connect`). As the service does, the upgrade is accepted either way: a
handshake without one is answered with `connection_error` "Required headers are missing.", one
whose credentials fail with `connection_error` `UnauthorizedException` (errorCode 401). The
open socket is a `socket.RealtimeSocket`, whose client messages come either from this ASGI app's
`receive` (`__call__`, under any ASGI server) or, under `serve`, straight from the connection's
protocol object (`native.py`); the handshake (`handshake`, `connection`) is the same for both.
What a `start` becomes, and how a publication is rendered for it, is `subscriptions.py`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.types import Receive, Scope, Send

from appsync.metrics import ApiMetrics
from appsync.pubsub import (
    Broker,
    Publication,
    PublicationKind,
)
from appsync.realtime import messages
from appsync.realtime.delivery import DeliveryPass
from appsync.realtime.filters import published_payloads
from appsync.realtime.frames import SEND_TEXTS
from appsync.realtime.keepalive import KeepAliveWheel
from appsync.realtime.messages import ErrorJson
from appsync.realtime.protocol import (
    RealtimeConnection,
    handshake_headers,
)

# Re-exported: the server and the tests build the endpoint with it from here.
from appsync.realtime.settings import RealtimeSettings as RealtimeSettings
from appsync.realtime.socket import RealtimeSocket
from appsync.realtime.start_log import LogSource
from appsync.realtime.subscriptions import (
    SubscriptionPlanner,
    SubscriptionResolver,
)
from appsync.realtime.upgrade import connection_error, deny, query_parameter

# Re-exported: `serve`, its workers and the testing kit run uvicorn with them from here.
from appsync.realtime.uvicorn_options import UVICORN_OPTIONS as UVICORN_OPTIONS
from auth.errors import UnauthorizedError
from auth.request import AuthRequest
from auth.rules import Authorizer
from resolvers.errors import ResolverError
from schema.loader import AppSyncSchema

logger = logging.getLogger(__name__)

MAX_INVALIDATIONS_PER_REQUEST = 5


class RealtimeRuntime:
    """One API's realtime side: its routes, and the publishing entry points."""

    def __init__(
        self,
        schema: AppSyncSchema,
        authorizer: Authorizer,
        broker: Broker,
        subscription_resolvers: Mapping[str, SubscriptionResolver] | None = None,
        settings: RealtimeSettings | None = None,
        domain_name: str | None = None,
        metrics: ApiMetrics | None = None,
    ) -> None:
        self.settings = settings or RealtimeSettings()
        self.metrics = metrics
        self.broker = broker
        self.keep_alive = KeepAliveWheel(self.settings.keep_alive_interval_seconds)
        self.delivery_pass = DeliveryPass(metrics)
        # The group of the tasks of every socket served without ASGI (`native.py`), while the
        # server runs (`serving`); None: every socket goes through the ASGI app.
        self.native_group: asyncio.TaskGroup | None = None
        # Where each start finds the API's log (the GraphQL endpoint: `start_log`), if anywhere.
        self.log_source: LogSource | None = None
        self._authorizer = authorizer
        self.planner = SubscriptionPlanner(
            schema,
            authorizer,
            subscription_resolvers or {},
            self.settings.graphql_path,
            domain_name,
        )

    async def adopt(self, api: RealtimeRuntime) -> None:
        """Serve `api`'s schema, auth rules and subscription resolvers from now on (a reload,
        `AppSyncApp.install`), keeping this runtime's sockets, settings and broker. Handshakes
        and starts from now on use `api`'s; each subscription already started moves to it
        (`SubscriptionPlanner.rebind`), or ends with an `error` when `api` no longer serves it
        (its field gone or no longer allowed to its caller)."""
        self._authorizer = api._authorizer
        self.planner = api.planner
        for member in self.keep_alive.members():
            if isinstance(member, RealtimeSocket):
                await member.rebind(self.planner)

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[None]:
        """While the server runs (its lifespan): the group of the tasks of sockets served
        without ASGI, which their protocol objects start (`native.py`)."""
        async with asyncio.TaskGroup() as group:
            self.native_group = group
            try:
                yield
            finally:
                self.native_group = None

    def paths(self) -> tuple[str, str]:
        """Where the websocket is served: `/graphql/realtime`, and `/graphql` (a websocket
        upgrade there, beside its HTTP route)."""
        path = self.settings.graphql_path
        return path.rstrip("/") + "/realtime", path

    def routes(self) -> list[BaseRoute]:
        """The websocket on `paths()` as Starlette routes, for an app that routes it through
        Starlette's router (`AppSyncApp` answers them before the router)."""
        return [WebSocketRoute(path, self) for path in self.paths()]

    async def publish_mutation(self, mutation_field: str, payload: dict[str, Any]) -> None:
        """A mutation field's result, already cut to the mutation's selection set and keyed by
        field names, for the subscriptions whose `@aws_subscribe` names the field."""
        await self.broker.publish(Publication(PublicationKind.MUTATION, mutation_field, payload))

    async def publish_result(
        self, document: DocumentNode, operation_name: str | None, data: Mapping[str, Any] | None
    ) -> None:
        """Publish every top-level field of a mutation's response (`data`), each cut to the
        mutation's own selection set (of `document`, the request's validated document);
        nothing for queries."""
        for mutation_field, payload in published_payloads(document, operation_name, data):
            await self.publish_mutation(mutation_field, payload)

    async def invalidate(self, subscription_field: str, payload: dict[str, Any]) -> None:
        """`extensions.invalidateSubscriptions({subscriptionField, payload})` from a mutation."""
        await self.broker.publish(
            Publication(PublicationKind.INVALIDATION, subscription_field, payload)
        )

    async def invalidate_calls(self, calls: Sequence[Any], published: set[tuple[str, str]]) -> None:
        """One resolver's `extensions.invalidateSubscriptions` calls, as it recorded them
        (`ResolverContext.extensions["invalidateSubscriptions"]`); `published` holds the calls
        the request's earlier resolvers published, and gains these. At most 5 unique calls per
        request (Extensions reference: past that "you will receive a GraphQL error"): the
        resolver whose calls would pass 5 gets the error. Every call of a resolver is checked
        before any is published, so a refused resolver invalidates nothing; a call the request
        already published is not sent again."""
        unique: dict[tuple[str, str], dict[str, Any]] = {}
        for call in calls:
            target = call.get("subscriptionField") if isinstance(call, Mapping) else None
            payload = call.get("payload") if isinstance(call, Mapping) else None
            try:
                if not isinstance(target, str) or not isinstance(payload, Mapping):
                    raise TypeError
                identity = json.dumps(payload, sort_keys=True, default=str)
            except TypeError:
                # AWS differs: the error's wording is not documented.
                raise ResolverError(
                    "invalidateSubscriptions expects {subscriptionField: String, payload: Object}"
                ) from None
            if (target, identity) not in published:
                unique.setdefault((target, identity), dict(payload))
        if len(published) + len(unique) > MAX_INVALIDATIONS_PER_REQUEST:
            # AWS differs: the error's wording is not documented.
            raise ResolverError(
                f"At most {MAX_INVALIDATIONS_PER_REQUEST} unique invalidateSubscriptions calls "
                "are allowed per request"
            )
        published.update(unique)
        for (target, _), payload in unique.items():
            await self.invalidate(target, payload)

    async def close_connections(self, code: int, reason: str) -> int:
        """Close every open socket with `code` and end its subscriptions (a test's reset: no
        subscriber outlives it); returns how many were open."""
        sockets = [
            member for member in self.keep_alive.members() if isinstance(member, RealtimeSocket)
        ]
        for socket in sockets:
            await socket.close(code, reason)
        return len(sockets)

    def handshake(self, offered: list[str], header_param: str | None) -> Handshake | None:
        """What an upgrade offering these subprotocols, with this `header` query parameter,
        is answered with; None when it is refused (credentials without `graphql-ws`)."""
        headers = handshake_headers(offered, header_param)
        if headers is not None and messages.SUBPROTOCOL not in offered:
            return None
        # A client that offered no subprotocol is answered without one (a browser fails the
        # upgrade when the server names a subprotocol it did not offer).
        subprotocol = messages.SUBPROTOCOL if messages.SUBPROTOCOL in offered else None
        return Handshake(headers, subprotocol)

    async def connection(self, handshake: Handshake, source_ip: str | None) -> RealtimeConnection:
        """The protocol state of an accepted upgrade: its credentials authenticated, or the
        `connection_error` its first frame is answered with. As the service does, the upgrade
        is accepted either way (reference/appsync.md 3.3): no client sees an HTTP 401 at the
        upgrade any more."""
        metrics = self.metrics
        if metrics is not None:
            metrics.connect_requests.inc()
        rejection: list[ErrorJson] | None = None
        if handshake.headers is None:
            rejection = [messages.required_headers_missing()]
        else:
            try:
                await self._authorizer.authenticate(
                    AuthRequest.realtime_connect(
                        handshake.headers, self.settings.graphql_path, source_ip
                    )
                )
            except UnauthorizedError as error:
                rejection = [connection_error(error)]
        if rejection is not None and metrics is not None:
            metrics.connect_client_error.inc()
        return RealtimeConnection(
            rejection=rejection,
            connection_timeout_ms=self.settings.connection_timeout_ms,
            max_subscriptions=self.settings.max_subscriptions,
            max_payload_bytes=self.settings.max_payload_bytes,
            idle_limit=self.settings.idle_limit,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The websocket's ASGI app. An ASGI callable rather than a function, so a Starlette
        route mounts it as it is instead of wrapping each connection in `websocket_session`
        and a second exception handler, whose frames lived as long as the socket. ASGI
        messages rather than Starlette's WebSocket, whose state checks and query parsing cost
        every socket (what its `accept` does: wait for `websocket.connect`, then accept)."""
        offered: list[str] = list(scope.get("subprotocols") or [])
        handshake = self.handshake(offered, query_parameter(scope, "header"))
        if handshake is None:
            if self.metrics is not None:
                self.metrics.connect_requests.inc()
                self.metrics.connect_client_error.inc()
            await deny(scope, receive, send)
            return
        client = scope.get("client")
        source_ip = client[0] if client else None
        connection = await self.connection(handshake, source_ip)
        subprotocol = handshake.subprotocol
        # The handshake's header JSON need not live as long as the socket.
        del handshake
        connect = await receive()
        if connect["type"] != "websocket.connect":
            raise RuntimeError(
                f'Expected ASGI message "websocket.connect", but got {connect["type"]!r}'
            )
        await send({"type": "websocket.accept", "subprotocol": subprotocol, "headers": []})
        writes = (scope.get("extensions") or {}).get(SEND_TEXTS, {})
        socket = RealtimeSocket(
            self,
            receive,
            send,
            connection,
            source_ip,
            write_now=writes.get("write"),
            write_data=writes.get("write_utf8"),
        )
        await socket.run()


@dataclass(frozen=True, slots=True)
class Handshake:
    """An upgrade the endpoint accepts: the header JSON it carried (None: none that reads)
    and the subprotocol it is answered with."""

    headers: dict[str, str] | None
    subprotocol: str | None
