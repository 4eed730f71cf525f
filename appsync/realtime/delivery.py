"""Publications delivered to the subscriptions they woke: one pass for a burst of them rather
than a task per subscription.

A publication reaches every subscribed inbox at once (`Broker.publish`), and each inbox with
no delivery under way wakes its socket (`Inbox.on_put`). A task per woken subscription was
about a quarter of the server's CPU in a fan-out to 10,000 (creating, scheduling and finishing
each task). Instead the woken subscriptions join a `DeliveryPass`, and one task takes them in
order: each publication is rendered (once for every subscriber with the same rendering,
`SubscriptionPlanner.encoded`) and its frame written at once where the socket takes it now.
What a socket cannot take now (its transport paused by a slow reader, or a server without the
`SEND_TEXTS` extension), and an invalidation, goes to a task of that socket's own as before,
so no socket holds up the others (`socket.RealtimeSocket.deliver_now`).

A subscriber's turn is a plain call, not a coroutine: once the first subscriber of a rendering
has awaited it, every other finds it made, and a coroutine per subscriber (made, run, finished)
was about as much of a fan-out's CPU as the subscriber's own work. Only a turn that must await
(a rendering not yet made) hands the pass an awaitable.

The pass's task belongs to the TaskGroup of the socket that woke it (every task belongs to a
group); that socket's own ASGI task, if it closes meanwhile, ends once the pass has nothing
left to deliver. If that group is cancelled (the server shutting down), the subscriptions the
pass had not reached go to tasks of their own sockets.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Protocol

from appsync.metrics import ApiMetrics
from appsync.pubsub import Inbox
from appsync.realtime.subscriptions import ActiveSubscription, SubscriptionPlanner

logger = logging.getLogger(__name__)


@dataclass(slots=True, eq=False)
class Delivery:
    """A started subscription as its socket holds it: what it is (replaced when a reload
    moves it to the new API), the planner that renders it, its inbox, and whether it counts
    in the active-subscriptions metric."""

    subscription: ActiveSubscription
    planner: SubscriptionPlanner
    inbox: Inbox
    # The subscription id as its data frames write it (`protocol.subscription_identifier`).
    identifier: bytes
    counted: bool = False


class Subscriber(Protocol):
    """The socket's side of a delivery pass (`socket.RealtimeSocket`)."""

    def deliver_now(self, delivery: Delivery) -> Awaitable[None] | None:
        """Deliver what the inbox holds that the socket takes now, leaving the rest to a task of
        the socket's own; or return what must be awaited first (a rendering to make), which
        then delivers the rest."""
        ...

    def spawn_delivery(self, delivery: Delivery) -> None:
        """Leave the inbox to a task of the socket's own."""
        ...


class DeliveryPass:
    """The subscriptions woken since the pass's task last ran out of them, and that task."""

    __slots__ = ("_metrics", "_running", "_sizes", "_woken")

    def __init__(self, metrics: ApiMetrics | None = None) -> None:
        self._woken: list[tuple[Subscriber, Delivery]] = []
        self._running = False
        self._metrics = metrics
        # Data frames the pass wrote since it last counted them, by size in bytes.
        self._sizes: dict[int, int] = {}

    def published(self, size: int) -> None:
        """A data frame of `size` bytes written: counted in the metrics once the pass has
        been through the subscriptions woken so far (`ApiMetrics.published`)."""
        if self._metrics is not None:
            self._sizes[size] = self._sizes.get(size, 0) + 1

    def _count(self) -> None:
        if self._sizes and self._metrics is not None:
            sizes, self._sizes = self._sizes, {}
            self._metrics.published(sizes)

    def wake(self, subscriber: Subscriber, delivery: Delivery, group: asyncio.TaskGroup) -> None:
        """Queue a woken subscription; the pass's task starts in `group` (the waking socket's)
        if none is running."""
        self._woken.append((subscriber, delivery))
        if not self._running:
            self._running = True
            group.create_task(self._run())

    async def _run(self) -> None:
        woken: list[tuple[Subscriber, Delivery]] = []
        at = 0
        try:
            while self._woken:
                woken, self._woken = self._woken, []
                for at in range(len(woken)):
                    subscriber, delivery = woken[at]
                    try:
                        waiting = subscriber.deliver_now(delivery)
                        if waiting is not None:
                            await waiting
                    except Exception:  # the edge: one subscription's fault stops no other
                        logger.exception("delivering to a subscription failed")
                woken = []
                self._count()
        except asyncio.CancelledError:
            # The task's group is closing (its socket's): the others go on in tasks of their own.
            rest, self._woken = woken[at:] + self._woken, []
            for subscriber, delivery in rest:
                subscriber.spawn_delivery(delivery)
            raise
        finally:
            self._running = False
            self._count()
