"""The resolver log's stream: the sink that follows the API's own log for the console.

`ResolverLogStream` is a `LogSink` (`appsync.api_log`) that keeps the latest requests' events
and hands each new request to every follower; `appsync.console.resolver_log` reads a request's
events as the console shows them. An API with a `logConfig` has its log already: the stream
joins its destination (`joined`). An API without one logs nothing, at no cost per request, until
a console opens (its page reads `config.json`, or it calls the console API): `arm` then turns
on the API's log at level ALL with verbose content, written to this stream alone, for the rest
of the server's life.

The stream keeps each request's events as they were written and reads them when the console
asks: the console's types are Strawberry's, and `serve` imports Strawberry only once the
console's API is first called (issue 19: it cost a sixth of the time to the first answer).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Protocol

from appsync.api_log import ApiLog, LogEvent, LogSink, api_id
from definition.model import FieldLogLevel, LogConfig

if TYPE_CHECKING:
    from appsync.console.resolver_log import ResolverLogRequest

logger = logging.getLogger(__name__)

# The requests kept for `resolverLog` (the console's list keeps 500 once it streams).
CAPACITY = 200
# Requests a slow console may fall behind by before it misses some.
_BACKLOG = 256

# One request's events, as the API's log wrote them.
_Events = tuple[LogEvent, ...]


class LogTarget(Protocol):
    """What owns the API's log: the GraphQL endpoint (`GraphQLEndpoint.log`)."""

    log: ApiLog | None


class _Both:
    """A `LogSink` writing to the API's destination and to the console's stream."""

    __slots__ = ("_first", "_second")

    def __init__(self, first: LogSink, second: LogSink) -> None:
        self._first = first
        self._second = second

    def write(self, events: Sequence[LogEvent]) -> None:
        self._first.write(events)
        self._second.write(events)


class ResolverLogStream:
    """A `LogSink` that keeps the latest requests and hands each new one to every follower."""

    def __init__(self, name: str, region: str, account_id: str, capacity: int = CAPACITY) -> None:
        self._name = name
        self._region = region
        self._account_id = account_id
        self._requests: deque[_Events] = deque(maxlen=capacity)
        self._followers: set[asyncio.Queue[_Events]] = set()
        self._target: LogTarget | None = None

    def joined(self, target: LogTarget) -> None:
        """Follow `target`'s log: its `logConfig` log when it has one (the stream is added to
        its destination), else the one `arm` turns on."""
        self._target = target
        if target.log is not None:
            target.log = _with_sink(target.log, _Both(target.log.sink, self))

    def rejoined(self, target: LogTarget, name: str, region: str, account_id: str) -> None:
        """Follow the log of a reloaded API's endpoint, armed again if a console had armed the
        one it replaces (the kept requests and the followers stay)."""
        armed = self.armed
        self._name, self._region, self._account_id = name, region, account_id
        self.joined(target)
        if armed:
            self.arm()

    @property
    def armed(self) -> bool:
        return self._target is not None and self._target.log is not None

    def arm(self) -> None:
        """A console has opened: log every request at level ALL if nothing logs yet."""
        target = self._target
        if target is None or target.log is not None:
            return
        identifier = api_id(self._name)
        arn = f"arn:aws:appsync:{self._region}:{self._account_id}:apis/{identifier}"
        target.log = ApiLog(LogConfig(FieldLogLevel.ALL), self, identifier, arn)
        logger.info("the console is open: each GraphQL request is logged for its resolver log")

    def write(self, events: Sequence[LogEvent]) -> None:
        request = tuple(events)
        if not request:
            return
        self._requests.append(request)
        for queue in self._followers:
            try:
                queue.put_nowait(request)
            except asyncio.QueueFull:
                logger.debug("a console follows the resolver log too slowly: request dropped")

    def latest(self, limit: int | None = None) -> list[ResolverLogRequest]:
        """The kept requests, newest first."""
        from appsync.console.resolver_log import logged_request

        newest = (logged_request(events) for events in reversed(self._requests))
        requests = [request for request in newest if request is not None]
        return requests if limit is None else requests[: max(limit, 0)]

    async def follow(self, latest: int = 0) -> AsyncIterator[ResolverLogRequest]:
        """The `latest` kept requests (oldest first), then each request that ends from now on,
        until the caller stops iterating. The follower joins and the kept ones are read in one
        step, so no request falls between the two (a page that read the list, then followed,
        could miss one served meanwhile)."""
        from appsync.console.resolver_log import logged_request

        queue: asyncio.Queue[_Events] = asyncio.Queue(maxsize=_BACKLOG)
        self._followers.add(queue)
        kept = list(self._requests)[-latest:] if latest > 0 else []
        try:
            for events in kept:
                request = logged_request(events)
                if request is not None:
                    yield request
            while True:
                request = logged_request(await queue.get())
                if request is not None:
                    yield request
        finally:
            self._followers.discard(queue)


def _with_sink(log: ApiLog, sink: LogSink) -> ApiLog:
    return ApiLog(log.config, sink, log.api_id, log.api_arn)
