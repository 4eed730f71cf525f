"""uvicorn's wsproto websocket protocol, lighter per idle socket.

uvicorn's `WSProtocol` keeps an `asyncio.Queue` of received events and an `asyncio.Event` for
write flow control on every socket. Empty, they hold five `collections.deque`s (the queue's
items, getters, putters and its `finished` event's waiters, the event's waiters) of about
760 bytes each: 3.7 KiB of an idle socket's 25. Here the same two attributes are a queue that
creates its deque on the first event and drops it when drained, and an event whose waiters
list exists only while someone waits. uvicorn uses nothing else of them (`put_nowait`, `get`,
`empty`; `set`, `clear`, `wait`), and it is pinned to one version (pyproject.toml).

`appsync-local serve` names this class in `UVICORN_OPTIONS` (`ws=`).
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from uvicorn.protocols.websockets.wsproto_impl import WSProtocol as _UvicornWSProtocol


class ReceiveQueue:
    """The events uvicorn hands to the app's `receive`, for one reader at a time (an ASGI app
    reads its websocket from one task)."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: deque[Any] | None = None
        self._waiter: asyncio.Future[None] | None = None

    def empty(self) -> bool:
        return not self._items

    def put_nowait(self, item: Any) -> None:
        if self._items is None:
            self._items = deque()
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> Any:
        while not self._items:
            waiter = asyncio.get_running_loop().create_future()
            self._waiter = waiter
            try:
                await waiter
            finally:
                self._waiter = None
        item = self._items.popleft()
        if not self._items:
            # An idle socket keeps no deque block.
            self._items = None
        return item


class WritableFlag:
    """`asyncio.Event`'s set / clear / wait, without a deque while nobody waits."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        if self._set:
            return True
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        await waiter
        return True


class WSProtocol(_UvicornWSProtocol):
    """uvicorn's wsproto protocol with the lighter queue and flag."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = ReceiveQueue()  # type: ignore[assignment]
        self.writable = WritableFlag()  # type: ignore[assignment]
        self.writable.set()
