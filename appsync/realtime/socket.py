"""One open realtime websocket: its protocol state (`protocol.RealtimeConnection`), its
subscriptions, and the tasks that plan and deliver them (`RealtimeRuntime` in `endpoint.py`
builds it for each accepted socket)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from starlette.types import Message, Receive, Send

from appsync.metrics import ApiMetrics
from appsync.pubsub import Broker, Inbox, Publication, PublicationKind
from appsync.realtime.delivery import Delivery, DeliveryPass
from appsync.realtime.frames import SEND_TEXTS
from appsync.realtime.keepalive import KeepAliveWheel
from appsync.realtime.protocol import (
    Action,
    CloseSocket,
    ConnectionState,
    EncodedPayload,
    RealtimeConnection,
    SendFrame,
    Subscribe,
    Unsubscribe,
    data_utf8,
    subscription_identifier,
)
from appsync.realtime.settings import RealtimeSettings
from appsync.realtime.start_log import REFUSED, STARTED, LogSource, start_log
from appsync.realtime.subscriptions import ActiveSubscription, SubscriptionPlanner

logger = logging.getLogger(__name__)

# Read on every client message: module names, not enum members read off their class (about
# 0.4 us each on Python 3.11).
_CLOSED = ConnectionState.CLOSED
_ACKNOWLEDGED = ConnectionState.ACKNOWLEDGED
# Read for every subscriber of every publication.
_MUTATION = PublicationKind.MUTATION


class SocketHost(Protocol):
    """What a socket uses of its API's realtime side (`endpoint.RealtimeRuntime`)."""

    settings: RealtimeSettings
    metrics: ApiMetrics | None
    broker: Broker
    keep_alive: KeepAliveWheel
    delivery_pass: DeliveryPass
    log_source: LogSource | None
    planner: SubscriptionPlanner


@dataclass(slots=True, eq=False)
class RealtimeSocket:
    """One open websocket: its protocol state, its subscriptions, and a task for each that is
    being planned or has publications to deliver.

    What an idle subscribed socket holds is what limits how many one process serves, so each
    subscription is one task (planning, then delivery) that keeps only its ActiveSubscription
    and Inbox, the `ka` timer is a slot in the runtime's KeepAliveWheel, and no frame of a
    waiting coroutine keeps the last client message alive.
    """

    runtime: SocketHost
    # Where client messages come from on the ASGI path (`run`); None for a socket whose
    # messages are pushed to it (`receive_now`: `native.NativeRealtime`).
    receive: Receive | None
    send: Send
    connection: RealtimeConnection
    source_ip: str | None
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    open: bool = True
    group: asyncio.TaskGroup | None = None
    # When `connection_ack` was sent (monotonic seconds), for the connection metrics.
    acknowledged_at: float | None = None
    # Writes frames at once if the socket takes them now (the scope's SEND_TEXTS extension:
    # `WSProtocol.write_texts`, and `write_utf8` for a data frame's UTF-8 parts and size); None
    # where the server offers no such thing.
    write_now: Callable[[list[str]], bool] | None = None
    write_data: Callable[[tuple[bytes, ...], int], bool] | None = None
    # What ends the socket's connection when one of its tasks fails, for a socket whose tasks
    # share a group with every other socket's (pushed messages): a fault there must end this
    # socket alone, as an ASGI app's exception ends its own connection.
    on_fault: Callable[[], None] | None = None
    # Actions waiting for a task to perform them (a frame the socket could not take at once),
    # ahead of any that come later.
    backlog: list[Action] | None = None
    first_frame_timer: asyncio.TimerHandle | None = None
    finished: bool = False

    def attach(self, group: asyncio.TaskGroup) -> None:
        """The socket is open: its tasks go to `group`, its `ka` frames come from the wheel."""
        self.group = group
        self.runtime.keep_alive.add(self)

    async def run(self) -> None:
        """The ASGI path: read client messages until the socket is done."""
        async with asyncio.TaskGroup() as group:
            self.attach(group)
            try:
                if await self._first_frame():
                    while self.open and await self._receive():
                        pass
            finally:
                self.finish()

    def push_to(self, group: asyncio.TaskGroup, loop: asyncio.AbstractEventLoop) -> None:
        """The pushed path: client messages come through `receive_now`, the first within
        `first_frame_timeout_seconds` (else the socket is closed, as `run` closes it)."""
        self.attach(group)
        timeout = self.runtime.settings.first_frame_timeout_seconds
        self.first_frame_timer = loop.call_later(timeout, self._first_frame_due)

    def receive_now(self, message: Message) -> None:
        """One client message (or the disconnect), pushed; acted on at once, and what cannot
        be written now is left to a task."""
        if self.finished:
            return
        if self.first_frame_timer is not None:
            self.first_frame_timer.cancel()
            self.first_frame_timer = None
        if self.connection.state is _CLOSED and message["type"] != "websocket.disconnect":
            # Closing (a `connection_error`, an idle or silent socket): the close is on its
            # way, and the ASGI path reads nothing more from such a socket either.
            return
        actions = self._actions(message)
        if actions is None:
            self.finish()
        else:
            self.perform_soon(actions)

    def _first_frame_due(self) -> None:
        self.first_frame_timer = None
        if not self.finished:
            self.perform_soon(self.connection.first_frame_timed_out())

    def finish(self) -> None:
        """The socket is done: its subscriptions end, and it leaves the wheel and the metrics."""
        if self.finished:
            return
        self.finished = True
        self.open = False
        if self.first_frame_timer is not None:
            self.first_frame_timer.cancel()
            self.first_frame_timer = None
        self.runtime.keep_alive.discard(self)
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
        assert self.receive is not None
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
        assert self.receive is not None
        return await self._act(await self.receive())

    async def _act(self, message: Message) -> bool:
        actions = self._actions(message)
        if actions is None:
            return False
        await self._perform(actions)
        return True

    def _actions(self, message: Message) -> list[Action] | None:
        """What the protocol makes of a client message; None for the disconnect."""
        if message["type"] == "websocket.disconnect":
            return None
        text = message.get("text")
        actions = (
            self.connection.receive(text) if text is not None else self.connection.receive_binary()
        )
        metrics = self.runtime.metrics
        if (
            metrics is not None
            and self.acknowledged_at is None
            and self.connection.state is _ACKNOWLEDGED
        ):
            self.acknowledged_at = time.monotonic()
            metrics.connect_success.inc()
            metrics.active_connections.inc()
        return actions

    async def close(self, code: int, reason: str) -> None:
        """Close the socket from the server's side; its subscriptions end with it."""
        await self._perform([CloseSocket(code, reason)])
        self._stop_all([])

    def keep_alive_due(self) -> None:
        """The wheel's turn for this socket: `ka`, written at once where the socket takes it."""
        if not self.open or self.group is None:
            return
        actions = self.connection.keep_alive()
        if actions:
            self.perform_soon(actions)

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """A task of this socket's, in its group."""
        assert self.group is not None
        return self.group.create_task(work if self.on_fault is None else self._guarded(work))

    async def _guarded(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception:  # the edge of a socket whose tasks share a group with others
            logger.exception("realtime socket: a task failed; the socket is closed")
            self.finish()
            if self.on_fault is not None:
                self.on_fault()

    def perform_soon(self, actions: list[Action]) -> None:
        """`actions` performed now where they can be (frames the socket takes at once, the
        subscriptions' starts and stops); the rest, and any after them, by a task in order."""
        if self.backlog is not None:
            self.backlog.extend(actions)
            return
        rest = self._perform_now(actions)
        if rest:
            self.backlog = rest
            self.spawn(self._drain())

    async def _drain(self) -> None:
        try:
            while self.backlog:
                actions, self.backlog = self.backlog, []
                await self._perform(actions)
        finally:
            self.backlog = None

    def _perform_now(self, actions: list[Action]) -> list[Action]:
        """Perform `actions` until one must be awaited (a frame the socket cannot take now, a
        close); returns that one and those after it."""
        at, count = 0, len(actions)
        while at < count:
            action = actions[at]
            if isinstance(action, CloseSocket):
                return actions[at:]
            if not isinstance(action, SendFrame):
                self._apply(action)
                at += 1
                continue
            end = at + 1
            while end < count and isinstance(actions[end], SendFrame):
                end += 1
            if self.open:
                texts = [frame.text for frame in actions[at:end] if isinstance(frame, SendFrame)]
                if self.write_now is None or not self.write_now(texts):
                    return actions[at:]
            at = end
        return []

    def _apply(self, action: Subscribe | Unsubscribe) -> None:
        """A subscription's start (its task) or stop."""
        if isinstance(action, Subscribe):
            self.tasks[action.subscription_id] = self.spawn(self._subscription(action))
            return
        known = action.subscription_id in self.tasks or action.subscription_id in self.deliveries
        if self.runtime.metrics is not None and known:
            self.runtime.metrics.unsubscribe_success.inc()
        self._stop(action.subscription_id)

    async def _perform(self, actions: list[Action]) -> None:
        texts: list[str] = []
        for action in actions:
            if isinstance(action, SendFrame):
                texts.append(action.text)
                continue
            if texts:
                await self._send_texts(texts)
                texts = []
            if isinstance(action, CloseSocket):
                await self._send(
                    {"type": "websocket.close", "code": action.code, "reason": action.reason}
                )
                self.open = False
            else:
                self._apply(action)
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
            outcome,
            planner,
            Inbox(self.runtime.settings.inbox_capacity, subscription_id),
            subscription_identifier(subscription_id),
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
        self.tasks[subscription_id] = self.spawn(self._deliver(delivery, first))

    def deliver_now(self, delivery: Delivery) -> Coroutine[Any, Any, None] | None:
        """The delivery pass's turn (`delivery.DeliveryPass`): each queued publication whose
        rendering is made already has its frame written now, while the socket takes it, with no
        coroutine for the subscriber. Returned: what must be awaited first, a publication to be
        rendered (once for every subscriber with the same rendering), which then goes on as
        this does. An invalidation, or a frame the socket cannot take now (a slow reader, a
        server without the `SEND_TEXTS` extension), is left to a task of the socket's own."""
        subscription_id = delivery.subscription.subscription_id
        inbox = delivery.inbox
        while (
            self.open
            and len(inbox)
            and subscription_id not in self.tasks
            and self.deliveries.get(subscription_id) is delivery
        ):
            publication = inbox.pop()
            if self.write_data is None or publication.kind is not _MUTATION:
                self.spawn_delivery(delivery, publication)
                return None
            # Read at each publication: a reload may have moved the subscription.
            subscription = delivery.subscription
            if not subscription.receives(publication.payload):
                continue
            payload = delivery.planner.cached(subscription, publication)
            if payload is None:
                return self._render_then_deliver(delivery, publication)
            if not self._write_data(delivery, payload):
                self.spawn_delivery(delivery, publication)
                return None
        return None

    async def _render_then_deliver(self, delivery: Delivery, publication: Publication) -> None:
        """`publication` rendered for the subscription, its frame written now if the socket
        takes it, then the rest of the inbox as `deliver_now` delivers it."""
        subscription_id = delivery.subscription.subscription_id
        payload: EncodedPayload | None
        try:
            payload = await delivery.planner.encoded(delivery.subscription, publication)
        except asyncio.CancelledError:
            self.spawn_delivery(delivery, publication)
            raise
        except Exception:  # the edge: a fault here drops one publication, not the socket
            logger.exception("subscription %s: rendering a publication failed", subscription_id)
            payload = None
        if not self.open or self.deliveries.get(subscription_id) is not delivery:
            return
        if payload is not None and not self._write_data(delivery, payload):
            self.spawn_delivery(delivery, publication)
            return
        rest = self.deliver_now(delivery)
        if rest is not None:
            await rest

    def _write_data(self, delivery: Delivery, payload: EncodedPayload) -> bool:
        """The subscription's data frame for `payload` written now (counted by the pass), or
        none where the protocol sends none (`RealtimeConnection.data_size`); False: the socket
        does not take it now."""
        identifier = delivery.identifier
        subscription_id = delivery.subscription.subscription_id
        size = self.connection.data_size(subscription_id, len(identifier), payload)
        if size:
            assert self.write_data is not None
            if not self.write_data(data_utf8(identifier, payload), size):
                return False
            self.runtime.delivery_pass.published(size)
        return True

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
