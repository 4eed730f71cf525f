"""What a request waits for when `serve` listens before all of its services run (issue 19).

`serve` answers GraphQL as soon as the API is built, and starts what only some requests need
(the embedded DynamoDB's data restored from the data directory, the AWS endpoint's Cognito and
user pools) right after it listens: `appsync.deferred_start`. A request that needs them (an AWS
API call, the console, a reload) waits at the `StartGate` until they run; when their start
fails, it learns so (`wait` is false) and is answered as a server that is stopping.
"""

from __future__ import annotations

import asyncio

# What a request that waited at a gate whose start failed is told (HTTP 503,
# ServiceUnavailableException), wherever it waited.
STOPPING = "The server did not start; it is stopping."


class StartGate:
    """Open once the deferred services run (at once when nothing is deferred); failed when
    their start failed."""

    __slots__ = ("_event", "_failed")

    def __init__(self, opened: bool = True) -> None:
        self._event = asyncio.Event()
        self._failed = False
        if opened:
            self._event.set()

    @property
    def is_open(self) -> bool:
        return self._event.is_set() and not self._failed

    def open(self) -> None:
        self._event.set()

    def fail(self) -> None:
        self._failed = True
        self._event.set()

    async def wait(self) -> bool:
        """Whether the services run, once their start has ended either way."""
        if not self._event.is_set():
            await self._event.wait()
        return not self._failed
