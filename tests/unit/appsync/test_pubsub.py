"""The in-memory broker and the bounded inbox: order per subscription, isolation, the full-inbox
policy (drop the oldest). The Redis broker is tested against a real redis-server in
tests/integration/test_realtime_redis.py."""

from __future__ import annotations

import asyncio

import pytest

from appsync.errors import BrokerError
from appsync.pubsub import (
    Inbox,
    InMemoryBroker,
    Publication,
    PublicationKind,
    topic_name,
)


def mutation(field: str, n: int) -> Publication:
    return Publication(PublicationKind.MUTATION, field, {"n": n})


@pytest.mark.anyio
async def test_publications_arrive_in_order_on_every_subscribed_topic() -> None:
    broker = InMemoryBroker()
    inbox = Inbox()
    broker.subscribe([topic_name(PublicationKind.MUTATION, "a"), "mutation:b"], inbox)
    for n in range(5):
        await broker.publish(mutation("a" if n % 2 else "b", n))
    await broker.publish(mutation("c", 99))
    assert [(await inbox.get()).payload["n"] for _ in range(5)] == [0, 1, 2, 3, 4]
    assert len(inbox) == 0


@pytest.mark.anyio
async def test_a_full_inbox_drops_its_oldest_and_keeps_order() -> None:
    broker = InMemoryBroker()
    slow, other = Inbox(capacity=3), Inbox(capacity=100)
    broker.subscribe(["mutation:a"], slow)
    broker.subscribe(["mutation:a"], other)
    for n in range(10):
        await broker.publish(mutation("a", n))
    assert slow.dropped == 7
    assert [(await slow.get()).payload["n"] for _ in range(3)] == [7, 8, 9]
    assert len(other) == 10
    assert other.dropped == 0


@pytest.mark.anyio
async def test_get_waits_for_the_next_publication() -> None:
    broker = InMemoryBroker()
    inbox = Inbox()
    broker.subscribe(["mutation:a"], inbox)
    waiting = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    assert not waiting.done()
    await broker.publish(mutation("a", 1))
    assert (await waiting).payload == {"n": 1}


@pytest.mark.anyio
async def test_unsubscribed_inboxes_receive_nothing_more() -> None:
    broker = InMemoryBroker()
    inbox = Inbox()
    broker.subscribe(["mutation:a"], inbox)
    broker.unsubscribe(["mutation:a"], inbox)
    await broker.publish(mutation("a", 1))
    assert len(inbox) == 0
    assert broker.subscriber_count("mutation:a") == 0
    broker.unsubscribe(["mutation:never"], inbox)


@pytest.mark.anyio
async def test_in_memory_broker_running_is_a_no_op_context() -> None:
    async with InMemoryBroker().running():
        pass


def test_publications_round_trip_through_json() -> None:
    original = Publication(PublicationKind.INVALIDATION, "onX", {"groupId": "g", "n": [1]})
    again = Publication.from_json(original.to_json())
    assert again == original
    assert again.topic == "invalidation:onX"


@pytest.mark.parametrize("text", ["nope", "{}", '{"kind":"other","field":"a","payload":{}}'])
def test_malformed_publications_are_refused(text: str) -> None:
    with pytest.raises(BrokerError):
        Publication.from_json(text)


def test_an_inbox_holds_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Inbox(capacity=0)


@pytest.mark.anyio
async def test_an_inbox_tells_its_reader_of_each_publication_and_hands_them_out_in_order() -> None:
    """`on_put` lets a subscription hold no waiting task while its inbox is empty: it is told
    of each publication and takes what is queued with `pop`, oldest first; a full inbox still
    drops its oldest."""
    broker = InMemoryBroker()
    inbox = Inbox(capacity=2)
    told: list[int] = []
    inbox.on_put = lambda: told.append(len(inbox))
    broker.subscribe(["mutation:a"], inbox)
    for n in range(3):
        await broker.publish(mutation("a", n))
    assert told == [1, 2, 2]
    assert inbox.dropped == 1
    assert [inbox.pop().payload["n"] for _ in range(2)] == [1, 2]
    with pytest.raises(IndexError):
        inbox.pop()
    inbox.on_put = None
    await broker.publish(mutation("a", 3))
    assert told == [1, 2, 2]
    assert inbox.pop().payload["n"] == 3
