"""`DeliveryPass`: woken subscriptions are delivered by one task, in the order they woke, with
those woken while it runs; a fault in one stops no other; and when the pass's task is cancelled
(its socket's group closing), the subscriptions it had not reached go to tasks of their own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field

import pytest

from appsync.metrics import ApiMetrics
from appsync.pubsub import Inbox
from appsync.realtime.delivery import Delivery, DeliveryPass


@dataclass(eq=False)
class Recorder:
    """A subscriber that records its turns; `hold` makes a turn wait until it is set."""

    name: str
    turns: list[str]
    hold: asyncio.Event | None = None
    fail: bool = False
    fail_later: bool = False
    spawned: list[Delivery] = field(default_factory=list)

    def deliver_now(self, delivery: Delivery) -> Awaitable[None] | None:
        """A turn done at once, or (held, or failing after a wait) one the pass awaits."""
        self.turns.append(self.name)
        if self.hold is not None or self.fail_later:
            return self._later()
        if self.fail:
            raise RuntimeError("a fault in one subscription")
        return None

    async def _later(self) -> None:
        if self.hold is not None:
            await self.hold.wait()
        if self.fail_later:
            raise RuntimeError("a fault in one subscription, awaited")

    def spawn_delivery(self, delivery: Delivery) -> None:
        self.spawned.append(delivery)


def _delivery() -> Delivery:
    # The pass hands deliveries back and forth without reading them.
    return Delivery(None, None, Inbox(4), b'"s1"')  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_one_task_takes_the_woken_in_order_and_those_woken_meanwhile() -> None:
    turns: list[str] = []
    hold = asyncio.Event()
    first, second, third = (Recorder("a", turns, hold), Recorder("b", turns), Recorder("c", turns))
    delivery_pass = DeliveryPass()
    async with asyncio.TaskGroup() as group:
        delivery_pass.wake(first, _delivery(), group)
        delivery_pass.wake(second, _delivery(), group)
        await asyncio.sleep(0)
        assert turns == ["a"]
        # Woken while the pass runs: no second task, the running one takes it after b.
        delivery_pass.wake(third, _delivery(), group)
        assert len(group._tasks) == 1
        hold.set()
    assert turns == ["a", "b", "c"]
    # Once done, a new wake starts a new task.
    async with asyncio.TaskGroup() as group:
        delivery_pass.wake(second, _delivery(), group)
    assert turns == ["a", "b", "c", "b"]


@pytest.mark.anyio
async def test_a_fault_in_one_subscription_stops_no_other() -> None:
    turns: list[str] = []
    delivery_pass = DeliveryPass()
    async with asyncio.TaskGroup() as group:
        delivery_pass.wake(Recorder("a", turns, fail=True), _delivery(), group)
        delivery_pass.wake(Recorder("b", turns, fail_later=True), _delivery(), group)
        delivery_pass.wake(Recorder("c", turns), _delivery(), group)
    assert turns == ["a", "b", "c"]


@pytest.mark.anyio
async def test_a_cancelled_pass_leaves_the_rest_to_their_own_tasks() -> None:
    turns: list[str] = []
    hold = asyncio.Event()
    first, second = Recorder("a", turns, hold), Recorder("b", turns)
    held, waiting = _delivery(), _delivery()
    delivery_pass = DeliveryPass()

    async def socket_closing() -> None:
        async with asyncio.TaskGroup() as group:
            delivery_pass.wake(first, held, group)
            delivery_pass.wake(second, waiting, group)
            await asyncio.sleep(0)
            raise OSError("gone")

    with pytest.raises(ExceptionGroup):
        await socket_closing()
    # The one it was at, and the one it had not reached, each to its socket's own task.
    assert first.spawned == [held]
    assert second.spawned == [waiting]
    assert turns == ["a"]
    # And the pass starts again on the next wake.
    async with asyncio.TaskGroup() as group:
        delivery_pass.wake(second, waiting, group)
    assert turns == ["a", "b"]


@dataclass(eq=False)
class Writer:
    """A subscriber whose turn writes one data frame of `size` bytes."""

    delivery_pass: DeliveryPass
    size: int
    counted_before: list[float] = field(default_factory=list)
    metrics: ApiMetrics | None = None

    def deliver_now(self, delivery: Delivery) -> None:
        if self.metrics is not None:
            self.counted_before.append(_published(self.metrics))
        self.delivery_pass.published(self.size)

    def spawn_delivery(self, delivery: Delivery) -> None:
        raise AssertionError("nothing is left to a task of its own here")


def _published(metrics: ApiMetrics, name: str = "Success_total") -> float:
    labels = {"GraphQLAPIId": "api"}
    value = metrics.registry.get_sample_value(f"appsync_PublishDataMessage{name}", labels)
    return value or 0.0


@pytest.mark.anyio
async def test_the_frames_a_pass_wrote_are_counted_once_it_is_through_them() -> None:
    """Counted by size once the pass has been through the subscriptions woken (`published`),
    not one metric update per frame: all of them by the time the pass ends."""
    metrics = ApiMetrics("api")
    delivery_pass = DeliveryPass(metrics)
    writers = [
        Writer(delivery_pass, 120, metrics=metrics),
        Writer(delivery_pass, 120, metrics=metrics),
        Writer(delivery_pass, 4_000, metrics=metrics),
    ]
    async with asyncio.TaskGroup() as group:
        for writer in writers:
            delivery_pass.wake(writer, _delivery(), group)
    assert [writer.counted_before[0] for writer in writers] == [0, 0, 0]
    assert _published(metrics) == 3
    assert _published(metrics, "Size_sum") == 120 * 2 + 4_000
