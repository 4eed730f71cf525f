"""Where mutations meet subscriptions: the Broker protocol, in memory or over Redis.

A mutation's result is published under its mutation field's name; an
`extensions.invalidateSubscriptions({subscriptionField, payload})` call under the subscription
field's name. Each subscription owns an `Inbox` and subscribes it to the topics its
`@aws_subscribe` names.

Delivery policy (the same for both brokers):
- order is preserved per subscription: an inbox is a FIFO filled in publication order;
- a slow subscriber never blocks a publisher or the other subscribers: `publish` only appends
  to inboxes, without awaiting any of them;
- memory stays bounded: an inbox holds at most `capacity` publications (1,000 by default);
  when a new one arrives at a full inbox the **oldest** is dropped, counted in
  `Inbox.dropped` and logged. AppSync itself makes no delivery guarantee to a client that does
  not keep up; dropping the oldest keeps the newest state flowing.

`InMemoryBroker` serves one process. `RedisBroker` lets several server processes behind one
endpoint share mutations: every publication goes through one Redis pub/sub channel pattern and
each process fans what it reads out to its own inboxes, so a process sees its own publications
in the same order as the others do.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from appsync.errors import BrokerError

# redis-py is imported by RedisBroker alone: importing it cost every start a twentieth of its
# time to the first answer, Redis configured or not (issue 19).
if TYPE_CHECKING:
    import redis.asyncio as aioredis

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_INBOX_CAPACITY = 1000
DEFAULT_CHANNEL_PREFIX = "appsync-local:"


class PublicationKind(StrEnum):
    MUTATION = "mutation"
    INVALIDATION = "invalidation"


@dataclass(frozen=True, slots=True)
class Publication:
    """One event: a mutation field's result, or an invalidation of a subscription field.

    `rendered` memoises what subscribers make of it (the data frame per subscription document
    and caller), so N subscribers of the same document render it once per process.
    """

    kind: PublicationKind
    field_name: str
    payload: dict[str, Any]
    rendered: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def topic(self) -> str:
        return topic_name(self.kind, self.field_name)

    def to_json(self) -> str:
        return json.dumps(
            {"kind": self.kind.value, "field": self.field_name, "payload": self.payload}
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Publication:
        try:
            raw = json.loads(text)
            return cls(PublicationKind(raw["kind"]), str(raw["field"]), dict(raw["payload"]))
        except (ValueError, KeyError, TypeError) as error:
            raise BrokerError(f"malformed publication: {error}") from None


def topic_name(kind: PublicationKind, field_name: str) -> str:
    # Interned: every subscription to a field holds the same string, not a copy each.
    return sys.intern(f"{kind.value}:{field_name}")


class ReceiveQueue(Generic[T]):
    """A FIFO for one reader at a time, with no deque block while it is empty: an idle
    subscription's inbox, or an idle websocket's queue of received events (uvicorn calls
    `put_nowait`, `get` and `empty`; see `appsync.realtime.wsproto_protocol`)."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: deque[T] | None = None
        self._waiter: asyncio.Future[None] | None = None

    def __len__(self) -> int:
        return len(self._items) if self._items is not None else 0

    def empty(self) -> bool:
        return not self._items

    def put_nowait(self, item: T) -> None:
        if self._items is None:
            self._items = deque()
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> T:
        """The oldest item, waiting for one if none is queued."""
        while not self._items:
            waiter = asyncio.get_running_loop().create_future()
            self._waiter = waiter
            try:
                await waiter
            finally:
                self._waiter = None
        item = self._items.popleft()
        if not self._items:
            self._items = None
        return item

    def pop(self) -> T:
        """The oldest item, without waiting; IndexError when none is queued."""
        items = self._items
        if not items:
            raise IndexError("the queue is empty")
        item = items.popleft()
        if not items:
            self._items = None
        return item


class Inbox(ReceiveQueue[Publication]):
    """One subscription's bounded FIFO of publications (see the module's delivery policy).
    `on_put`, when set, is called after each publication is put, so a reader need not wait in
    `get` (a task) while the inbox is empty."""

    __slots__ = ("_capacity", "dropped", "name", "on_put")

    def __init__(self, capacity: int = DEFAULT_INBOX_CAPACITY, name: str = "") -> None:
        if capacity < 1:
            raise ValueError("an inbox holds at least one publication")
        super().__init__()
        self._capacity = capacity
        self.dropped = 0
        self.name = name
        self.on_put: Callable[[], None] | None = None

    def put(self, publication: Publication) -> None:
        """Append without waiting; a full inbox drops its oldest publication."""
        items = self._items
        if items is not None and len(items) >= self._capacity:
            items.popleft()
            self.dropped += 1
            logger.warning(
                "subscription %s is %d publications behind; dropped its oldest (%d so far)",
                self.name,
                self._capacity,
                self.dropped,
            )
        self.put_nowait(publication)
        if self.on_put is not None:
            self.on_put()


class Broker(Protocol):
    """Carries publications from mutations to the inboxes subscribed to their topics."""

    def subscribe(self, topics: Iterable[str], inbox: Inbox) -> None: ...

    def unsubscribe(self, topics: Iterable[str], inbox: Inbox) -> None: ...

    async def publish(self, publication: Publication) -> None: ...

    def subscriber_count(self, topic_name: str) -> int:
        """How many inboxes of this process listen to a topic."""
        ...

    def running(self) -> AbstractAsyncContextManager[None]:
        """Held open for the server's lifetime (the app's lifespan): background readers."""
        ...


class InMemoryBroker:
    """The default: topics and inboxes of one process."""

    def __init__(self) -> None:
        self._topics: dict[str, dict[Inbox, None]] = {}

    def subscribe(self, topics: Iterable[str], inbox: Inbox) -> None:
        for name in topics:
            self._topics.setdefault(name, {})[inbox] = None

    def unsubscribe(self, topics: Iterable[str], inbox: Inbox) -> None:
        for name in topics:
            inboxes = self._topics.get(name)
            if inboxes is not None:
                inboxes.pop(inbox, None)
                if not inboxes:
                    del self._topics[name]

    def subscriber_count(self, topic_name: str) -> int:
        return len(self._topics.get(topic_name, ()))

    async def publish(self, publication: Publication) -> None:
        self.deliver(publication)

    def deliver(self, publication: Publication) -> None:
        """Append to every inbox of the publication's topic, in subscription order."""
        for inbox in tuple(self._topics.get(publication.topic, ())):
            inbox.put(publication)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        yield


class RedisBroker:
    """Publications travel through Redis pub/sub (`<prefix><topic>` channels), so every
    process behind one endpoint delivers every mutation to its own subscribers.

    When Redis drops, the broker reconnects with a bounded exponential backoff (logged) and
    the server keeps serving. While it is disconnected a publication reaches this process's
    own subscribers only, and publications made elsewhere during the outage are not seen
    here (Redis pub/sub keeps nothing for a reader that is away). At start the broker waits
    up to `connect_timeout` seconds for Redis before it fails the server's start.
    """

    def __init__(
        self,
        url: str,
        channel_prefix: str = DEFAULT_CHANNEL_PREFIX,
        *,
        connect_timeout: float = 10.0,
        backoff_initial: float = 0.1,
        backoff_max: float = 5.0,
    ) -> None:
        import redis.asyncio as aioredis
        from redis.exceptions import RedisError

        self._redis = aioredis
        # What a Redis that does not answer raises.
        self._failures: tuple[type[Exception], ...] = (RedisError, OSError)
        # What ends a connection the supervisor then makes again.
        self._drops: tuple[type[Exception], ...] = (RedisError, OSError, BrokerError)
        try:
            aioredis.ConnectionPool.from_url(url)
        except ValueError as error:
            raise BrokerError(f"not a Redis URL: {url!r} ({error})") from None
        self._url = url
        self._prefix = channel_prefix
        self._local = InMemoryBroker()
        self._client: aioredis.Redis | None = None
        self._connect_timeout = connect_timeout
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._outage_logged = False
        self.reconnects = 0

    @property
    def connected(self) -> bool:
        """Whether the pattern subscription is confirmed and publications go through Redis."""
        return self._client is not None

    def subscribe(self, topics: Iterable[str], inbox: Inbox) -> None:
        self._local.subscribe(topics, inbox)

    def unsubscribe(self, topics: Iterable[str], inbox: Inbox) -> None:
        self._local.unsubscribe(topics, inbox)

    def subscriber_count(self, topic_name: str) -> int:
        return self._local.subscriber_count(topic_name)

    async def publish(self, publication: Publication) -> None:
        client = self._client
        if client is not None:
            try:
                await client.publish(self._prefix + publication.topic, publication.to_json())
                return
            except self._failures as error:
                logger.warning("Redis at %s refused a publication: %s", self._url, error)
        if not self._outage_logged:
            self._outage_logged = True
            logger.warning(
                "Redis at %s is unreachable: publications reach this process's subscribers only",
                self._url,
            )
        self._local.deliver(publication)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        connected = asyncio.Event()
        started = False
        async with asyncio.TaskGroup() as tasks:
            supervisor = tasks.create_task(self._supervise(connected))
            try:
                async with asyncio.timeout(self._connect_timeout):
                    await connected.wait()
                started = True
            except TimeoutError:
                supervisor.cancel()
            if started:
                try:
                    yield
                finally:
                    supervisor.cancel()
        if not started:
            # Raised outside the TaskGroup, which would wrap it in an ExceptionGroup.
            raise BrokerError(
                f"Redis at {self._url} did not answer within {self._connect_timeout:g} s"
            )

    async def _supervise(self, connected: asyncio.Event) -> None:
        """Connect, read until Redis drops, wait, connect again: forever (until cancelled)."""
        delay = self._backoff_initial
        while True:
            client = self._redis.Redis.from_url(self._url)
            pubsub = client.pubsub()
            try:
                await self._subscribe(pubsub)
                if connected.is_set():
                    self.reconnects += 1
                    logger.info("reconnected to Redis at %s", self._url)
                self._client = client
                self._outage_logged = False
                connected.set()
                delay = self._backoff_initial
                await self._read(pubsub)
                raise BrokerError("the Redis subscription ended")
            except self._drops as error:
                logger.warning(
                    "Redis at %s: %s: %s; reconnecting in %.1f s",
                    self._url,
                    type(error).__name__,
                    error,
                    delay,
                )
            finally:
                self._client = None
                await self._close(pubsub, client)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._backoff_max)

    async def _subscribe(self, pubsub: Any) -> None:
        await pubsub.psubscribe(self._prefix + "*")
        # Publications sent before Redis confirmed the subscription would be lost.
        while True:
            message = await pubsub.get_message(timeout=5.0)
            if message is None:
                raise BrokerError("the pattern subscription was not confirmed")
            if message.get("type") == "psubscribe":
                return

    async def _read(self, pubsub: Any) -> None:
        async for message in pubsub.listen():
            if message.get("type") != "pmessage":
                continue
            try:
                publication = Publication.from_json(message["data"])
            except BrokerError:
                logger.warning("ignored a malformed publication on %s", message.get("channel"))
                continue
            self._local.deliver(publication)

    async def _close(self, pubsub: Any, client: aioredis.Redis) -> None:
        """Close after a drop too: a closing socket may itself fail, which changes nothing."""
        try:
            await pubsub.aclose()
            await client.aclose()
        except self._failures as error:
            logger.debug("closing the Redis connection: %s", error)
