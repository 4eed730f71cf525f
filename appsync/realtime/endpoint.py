"""The realtime websocket endpoint: the socket glue around `protocol.RealtimeConnection`.

`RealtimeRuntime` is what the server builds once per API. It serves the websocket on
`/graphql/realtime` and on `/graphql` (a `graphql-ws` upgrade), and it is what the mutation
path calls to publish (`publish_result`, `publish_mutation`, `invalidate_calls`).

Per connection: the handshake's header JSON (the `header` query parameter, standard base64, or a
`header-<base64url>` Sec-WebSocket-Protocol entry) is authenticated as AppSync does it
(`AuthRequest.realtime_connect`). As the service does, the upgrade is accepted either way: a
handshake without one is answered with `connection_error` "Required headers are missing.", one
whose credentials fail with `connection_error` `UnauthorizedException` (errorCode 401). The
receive loop also keeps the `ka`
timer; one TaskGroup holds each `start` being authorized, then its subscription's delivery.
What a `start` becomes, and how a publication is rendered for it, is `subscriptions.py`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graphql import DocumentNode
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.types import Message, Receive, Scope, Send

from appsync.metrics import ApiMetrics
from appsync.pubsub import (
    Broker,
    Inbox,
    Publication,
    PublicationKind,
)
from appsync.realtime import messages
from appsync.realtime.delivery import Delivery, DeliveryPass
from appsync.realtime.filters import published_payloads
from appsync.realtime.keepalive import KeepAliveWheel
from appsync.realtime.messages import ErrorJson
from appsync.realtime.protocol import (
    Action,
    CloseSocket,
    ConnectionState,
    RealtimeConnection,
    SendFrame,
    Subscribe,
    Unsubscribe,
    handshake_headers,
)

# Re-exported: the server and the tests build the endpoint with it from here.
from appsync.realtime.settings import RealtimeSettings as RealtimeSettings
from appsync.realtime.start_log import REFUSED, STARTED, LogSource, start_log
from appsync.realtime.subscriptions import (
    ActiveSubscription,
    SubscriptionPlanner,
    SubscriptionResolver,
)
from appsync.realtime.upgrade import connection_error, deny, query_parameter

# Re-exported: `serve`, its workers and the testing kit run uvicorn with them from here.
from appsync.realtime.uvicorn_options import UVICORN_OPTIONS as UVICORN_OPTIONS
from appsync.realtime.wsproto_protocol import SEND_TEXTS
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
        self.delivery_pass = DeliveryPass()
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
            if isinstance(member, _Socket):
                await member.rebind(self.planner)

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
        sockets = [member for member in self.keep_alive.members() if isinstance(member, _Socket)]
        for socket in sockets:
            await socket.close(code, reason)
        return len(sockets)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The websocket's ASGI app. An ASGI callable rather than a function, so a Starlette
        route mounts it as it is instead of wrapping each connection in `websocket_session`
        and a second exception handler, whose frames lived as long as the socket."""
        if self.metrics is not None:
            self.metrics.connect_requests.inc()
        connection = await self._handshake(scope, receive, send)
        refused = connection is None or connection.state is ConnectionState.REJECTED
        if refused and self.metrics is not None:
            self.metrics.connect_client_error.inc()
        if connection is not None:
            client = scope.get("client")
            source_ip = client[0] if client else None
            write_now = (scope.get("extensions") or {}).get(SEND_TEXTS, {}).get("write")
            await _Socket(self, receive, send, connection, source_ip, write_now=write_now).run()

    async def _handshake(
        self, scope: Scope, receive: Receive, send: Send
    ) -> RealtimeConnection | None:
        """Authenticate and accept the upgrade, or refuse it (None). Apart from `__call__`, so
        the handshake's header JSON is not kept alive for as long as the socket is open. ASGI
        messages rather than Starlette's WebSocket, whose state checks and query parsing cost
        every socket (what its `accept` does: wait for `websocket.connect`, then accept)."""
        offered: list[str] = list(scope.get("subprotocols") or [])
        headers = handshake_headers(offered, query_parameter(scope, "header"))
        rejection: list[ErrorJson] | None = None
        if headers is None:
            # The service opens the socket and says why in its first frame (reference/
            # appsync.md 3.3): no client sees an HTTP 401 at the upgrade any more.
            rejection = [messages.required_headers_missing()]
        elif messages.SUBPROTOCOL not in offered:
            await deny(scope, receive, send)
            return None
        else:
            client = scope.get("client")
            source_ip = client[0] if client else None
            try:
                await self._authorizer.authenticate(
                    AuthRequest.realtime_connect(headers, self.settings.graphql_path, source_ip)
                )
            except UnauthorizedError as error:
                rejection = [connection_error(error)]
        # A client that offered no subprotocol is answered without one (a browser fails the
        # upgrade when the server names a subprotocol it did not offer).
        subprotocol = messages.SUBPROTOCOL if messages.SUBPROTOCOL in offered else None
        connect = await receive()
        if connect["type"] != "websocket.connect":
            raise RuntimeError(
                f'Expected ASGI message "websocket.connect", but got {connect["type"]!r}'
            )
        await send({"type": "websocket.accept", "subprotocol": subprotocol, "headers": []})
        return RealtimeConnection(
            rejection=rejection,
            connection_timeout_ms=self.settings.connection_timeout_ms,
            max_subscriptions=self.settings.max_subscriptions,
            max_payload_bytes=self.settings.max_payload_bytes,
            idle_limit=self.settings.idle_limit,
        )


@dataclass(slots=True, eq=False)
class _Socket:
    """One open websocket: its protocol state, its subscriptions, and a task for each that is
    being planned or has publications to deliver.

    What an idle subscribed socket holds is what limits how many one process serves, so each
    subscription is one task (planning, then delivery) that keeps only its ActiveSubscription
    and Inbox, the `ka` timer is a slot in the runtime's KeepAliveWheel, and no frame of a
    waiting coroutine keeps the last client message alive.
    """

    runtime: RealtimeRuntime
    receive: Receive
    send: Send
    connection: RealtimeConnection
    source_ip: str | None
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    open: bool = True
    group: asyncio.TaskGroup | None = None
    # When `connection_ack` was sent (monotonic seconds), for the connection metrics.
    acknowledged_at: float | None = None
    # Writes data frames at once if the socket takes them now (the scope's SEND_TEXTS
    # extension, `WSProtocol.write_texts`); None where the server offers no such thing.
    write_now: Callable[[list[str]], bool] | None = None

    async def run(self) -> None:
        wheel = self.runtime.keep_alive
        async with asyncio.TaskGroup() as group:
            self.group = group
            wheel.add(self)
            try:
                if await self._first_frame():
                    while self.open and await self._receive():
                        pass
            finally:
                self.open = False
                wheel.discard(self)
                self._stop_all(self.connection.closed())
                metrics = self.runtime.metrics
                if metrics is not None and self.acknowledged_at is not None:
                    metrics.disconnect_success.inc()
                    metrics.active_connections.dec()
                    duration = time.monotonic() - self.acknowledged_at
                    metrics.connection_duration.observe(duration * 1000)

    async def _first_frame(self) -> bool:
        """The first frame, awaited for `first_frame_timeout_seconds`: a socket that says
        nothing (a rejected one included) is closed then. False once the socket is done."""
        try:
            async with asyncio.timeout(self.runtime.settings.first_frame_timeout_seconds):
                message = await self.receive()
        except TimeoutError:
            await self._perform(self.connection.first_frame_timed_out())
            return False
        return await self._act(message)

    async def _receive(self) -> bool:
        """Read and act on one client frame; False once the client is gone. A coroutine of
        its own so that, while the loop waits for the next frame, the last one (a `start`'s
        text and parsed request) is not held by a live frame."""
        return await self._act(await self.receive())

    async def _act(self, message: Message) -> bool:
        if message["type"] == "websocket.disconnect":
            return False
        text = message.get("text")
        actions = (
            self.connection.receive(text) if text is not None else self.connection.receive_binary()
        )
        metrics = self.runtime.metrics
        if (
            metrics is not None
            and self.acknowledged_at is None
            and self.connection.state is ConnectionState.ACKNOWLEDGED
        ):
            self.acknowledged_at = time.monotonic()
            metrics.connect_success.inc()
            metrics.active_connections.inc()
        await self._perform(actions)
        return True

    async def close(self, code: int, reason: str) -> None:
        """Close the socket from the server's side; its subscriptions end with it."""
        await self._perform([CloseSocket(code, reason)])
        self._stop_all([])

    def keep_alive_due(self) -> None:
        """The wheel's turn for this socket: `ka`, sent from a task of the connection's group."""
        if not self.open or self.group is None:
            return
        actions = self.connection.keep_alive()
        if actions:
            self.group.create_task(self._perform(actions))

    async def _perform(self, actions: list[Action]) -> None:
        texts: list[str] = []
        for action in actions:
            if isinstance(action, SendFrame):
                texts.append(action.text)
                continue
            if texts:
                await self._send_texts(texts)
                texts = []
            if isinstance(action, Subscribe):
                assert self.group is not None
                task = self.group.create_task(self._subscription(action))
                self.tasks[action.subscription_id] = task
            elif isinstance(action, Unsubscribe):
                known = action.subscription_id in self.tasks or (
                    action.subscription_id in self.deliveries
                )
                if self.runtime.metrics is not None and known:
                    self.runtime.metrics.unsubscribe_success.inc()
                self._stop(action.subscription_id)
            elif isinstance(action, CloseSocket):
                await self._send(
                    {"type": "websocket.close", "code": action.code, "reason": action.reason}
                )
                self.open = False
        if texts:
            await self._send_texts(texts)

    async def _send_texts(self, texts: list[str]) -> None:
        """Frames in a row, in one write where the server takes several (`SEND_TEXTS`)."""
        if len(texts) > 1 and self.write_now is not None:
            await self._send({"type": SEND_TEXTS, "texts": texts})
            return
        for text in texts:
            await self._send({"type": "websocket.send", "text": text})

    async def _send(self, message: Message) -> None:
        if not self.open:
            return
        try:
            await self.send(message)
        except (RuntimeError, OSError):
            # The client went away mid-send; the receive loop sees the disconnect and stops.
            self.open = False

    async def _subscription(self, request: Subscribe) -> None:
        """A `start`, from its authorization to its `start_ack`. Then the subscription holds
        no task while its inbox is empty: a publication put there starts one (`_wake`) that
        delivers what is queued and ends (an idle subscription is what a socket mostly holds,
        and a waiting task with its frames was about 1.2 KiB of it)."""
        subscription_id = request.subscription_id
        planner = self.runtime.planner
        log = start_log(self.runtime.log_source, request)
        outcome = await planner.plan(request, self.source_ip, log)
        # The start's text and headers need not live as long as the subscription.
        del request
        if isinstance(outcome, ActiveSubscription) and planner is not self.runtime.planner:
            # The API was reloaded while this start was planned.
            planner = self.runtime.planner
            outcome = await planner.rebind(outcome)
        if log is not None:
            log.finish(STARTED if isinstance(outcome, ActiveSubscription) else REFUSED, ())
        metrics = self.runtime.metrics
        if not isinstance(outcome, ActiveSubscription):
            self.tasks.pop(subscription_id, None)
            if metrics is not None:
                metrics.subscribe_client_error.inc()
            await self._perform(self.connection.subscription_failed(subscription_id, outcome))
            return
        delivery = Delivery(
            outcome, planner, Inbox(self.runtime.settings.inbox_capacity, subscription_id)
        )
        # Subscribed before `start_ack`, so a mutation the client makes after the ack is seen.
        self.runtime.broker.subscribe(outcome.topics, delivery.inbox)
        self.deliveries[subscription_id] = delivery
        handed_over = False
        try:
            actions = self.connection.subscription_started(subscription_id)
            if any(isinstance(action, Unsubscribe) for action in actions):
                return
            if metrics is not None:
                metrics.subscribe_success.inc()
                metrics.active_subscriptions.inc()
                delivery.counted = True
            await self._perform(actions)
            handed_over = True
        finally:
            if self.tasks.get(subscription_id) is asyncio.current_task():
                del self.tasks[subscription_id]
            if not handed_over:
                self._end(subscription_id, delivery)
        if self.open and self.deliveries.get(subscription_id) is delivery:
            delivery.inbox.on_put = partial(self._wake, delivery)
            if len(delivery.inbox):
                self._wake(delivery)

    def _wake(self, delivery: Delivery) -> None:
        """A publication reached an idle subscription's inbox: the runtime's delivery pass
        delivers it, unless a task of this socket's is at it already."""
        if delivery.subscription.subscription_id in self.tasks or not self.open:
            return
        if self.group is not None:
            self.runtime.delivery_pass.wake(self, delivery, self.group)

    def spawn_delivery(self, delivery: Delivery, first: Publication | None = None) -> None:
        """A task of this socket's delivers `first` (taken from the inbox already), then what
        the inbox holds."""
        subscription_id = delivery.subscription.subscription_id
        if subscription_id in self.tasks or not self.open or self.group is None:
            return
        self.tasks[subscription_id] = self.group.create_task(self._deliver(delivery, first))

    async def deliver_queued(self, delivery: Delivery) -> None:
        """The delivery pass's turn (`delivery.DeliveryPass`): each queued publication rendered
        and its frame written now, while the socket takes it; an invalidation, or a frame the
        socket cannot take now (a slow reader), is left to a task of the socket's own."""
        subscription_id = delivery.subscription.subscription_id
        inbox = delivery.inbox
        while (
            self.open
            and len(inbox)
            and subscription_id not in self.tasks
            and self.deliveries.get(subscription_id) is delivery
        ):
            publication = inbox.pop()
            subscription, planner = delivery.subscription, delivery.planner
            if self.write_now is None or publication.kind is not PublicationKind.MUTATION:
                self.spawn_delivery(delivery, publication)
                return
            if not subscription.receives(publication.payload):
                continue
            try:
                payload = await planner.encoded(subscription, publication)
            except asyncio.CancelledError:
                self.spawn_delivery(delivery, publication)
                raise
            except Exception:  # the edge: a fault here drops one publication, not the socket
                logger.exception("subscription %s: rendering a publication failed", subscription_id)
                continue
            if not self.open or self.deliveries.get(subscription_id) is not delivery:
                return
            actions = self.connection.data(subscription_id, payload)
            frames = [action for action in actions if isinstance(action, SendFrame)]
            if frames and not self.write_now([frame.text for frame in frames]):
                self.spawn_delivery(delivery, publication)
                return
            self._count_published(frames)

    def _count_published(self, frames: list[SendFrame]) -> None:
        metrics = self.runtime.metrics
        if metrics is not None:
            for frame in frames:
                metrics.publish_success.inc()
                metrics.publish_size.observe(frame.size)

    def _end(self, subscription_id: str, delivery: Delivery) -> None:
        """The subscription is over (stopped, invalidated, withdrawn, or its socket closed):
        out of the broker, the socket and the metrics."""
        delivery.inbox.on_put = None
        self.runtime.broker.unsubscribe(delivery.subscription.topics, delivery.inbox)
        if self.deliveries.get(subscription_id) is delivery:
            del self.deliveries[subscription_id]
        metrics = self.runtime.metrics
        if delivery.counted and metrics is not None:
            delivery.counted = False
            metrics.active_subscriptions.dec()

    async def rebind(self, planner: SubscriptionPlanner) -> None:
        """Move each started subscription to `planner` (a reload), or end it with the errors
        `planner` gives (`RealtimeRuntime.adopt`)."""
        broker = self.runtime.broker
        for subscription_id, delivery in list(self.deliveries.items()):
            if delivery.planner is planner:
                continue  # planned or moved on `planner` already
            outcome = await planner.rebind(delivery.subscription)
            if self.deliveries.get(subscription_id) is not delivery:
                continue  # stopped meanwhile
            if isinstance(outcome, ActiveSubscription):
                broker.unsubscribe(delivery.subscription.topics, delivery.inbox)
                broker.subscribe(outcome.topics, delivery.inbox)
                delivery.subscription, delivery.planner = outcome, planner
            else:
                await self._perform(
                    self.connection.subscription_withdrawn(subscription_id, outcome)
                )

    async def _deliver(self, delivery: Delivery, first: Publication | None = None) -> None:
        """`first`, then what the subscription's inbox holds, in order; the task ends once it
        is empty (a publication put later wakes the delivery pass again, `_wake`)."""
        inbox = delivery.inbox
        subscription_id = delivery.subscription.subscription_id
        try:
            if first is not None and self.open and self.deliveries.get(subscription_id) is delivery:
                await self._deliver_one(delivery, first)
            while self.open and len(inbox) and self.deliveries.get(subscription_id) is delivery:
                await self._deliver_one(delivery, inbox.pop())
        finally:
            if self.tasks.get(subscription_id) is asyncio.current_task():
                del self.tasks[subscription_id]

    async def _deliver_one(self, delivery: Delivery, publication: Publication) -> None:
        """One publication: the subscription's end when it invalidates it, a data frame when
        its filters let it through."""
        # Read at each publication: a reload may have moved the subscription.
        subscription, planner = delivery.subscription, delivery.planner
        if publication.kind is PublicationKind.INVALIDATION:
            if subscription.invalidated_by(publication.payload):
                if self.runtime.metrics is not None:
                    self.runtime.metrics.invalidation_success.inc()
                await self._perform(
                    self.connection.subscription_ended(subscription.subscription_id)
                )
            return
        if not subscription.receives(publication.payload):
            return
        try:
            payload = await planner.encoded(subscription, publication)
            actions = self.connection.data(subscription.subscription_id, payload)
        except Exception:  # the edge: a fault here drops one publication, not the socket
            logger.exception(
                "subscription %s: rendering a publication failed", subscription.subscription_id
            )
            return
        self._count_published([action for action in actions if isinstance(action, SendFrame)])
        await self._perform(actions)

    def _stop(self, subscription_id: str) -> None:
        """Cancel the subscription's task (planning it, or delivering to it), and end it."""
        task = self.tasks.pop(subscription_id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        delivery = self.deliveries.get(subscription_id)
        if delivery is not None:
            self._end(subscription_id, delivery)

    def _stop_all(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Unsubscribe):
                self._stop(action.subscription_id)
        for subscription_id in [*self.tasks, *self.deliveries]:
            self._stop(subscription_id)
