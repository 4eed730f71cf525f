"""One timer for every connection's `ka` frames: a timer wheel.

AppSync sends `ka` on every open connection periodically (reference/appsync.md 3.3; clients
close a socket that heard none for `connectionTimeoutMs`). A loop timer handle per connection
costs about 200 bytes each, with the loop's heap entry; here a connection is one entry in one
of `slots` buckets, and one loop timer, armed only while some connection is registered, fires
the buckets in turn. A bucket fires every `interval` seconds, so a connection's `ka` comes
between `interval - interval / slots` and `interval` seconds after it joined, then every
`interval` seconds.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

KEEP_ALIVE_SLOTS = 20


class KeepAliveMember(Protocol):
    """A connection that wants a `ka` frame every interval."""

    def keep_alive_due(self) -> None: ...


class KeepAliveWheel:
    """Buckets of connections, fired in turn by one loop timer."""

    __slots__ = ("_buckets", "_position", "_tick_seconds", "_timer")

    def __init__(self, interval: float, slots: int = KEEP_ALIVE_SLOTS) -> None:
        if interval <= 0 or slots < 1:
            raise ValueError("a keep-alive wheel needs a positive interval and a slot")
        self._tick_seconds = interval / slots
        # Dicts rather than sets: a bucket fires in the order its connections joined.
        self._buckets: list[dict[KeepAliveMember, None]] = [{} for _ in range(slots)]
        self._position = 0  # the bucket the next tick fires
        self._timer: asyncio.TimerHandle | None = None

    @property
    def armed(self) -> bool:
        """Whether the loop timer is set (it is only while a connection is registered)."""
        return self._timer is not None

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._buckets)

    def members(self) -> list[KeepAliveMember]:
        """Every registered connection (a copy: closing one while iterating is safe)."""
        return [member for bucket in self._buckets for member in bucket]

    def add(self, member: KeepAliveMember) -> None:
        """Register a connection: its first `ka` comes one full turn of the wheel from now.
        Called on the event loop that is to send the frames."""
        # The bucket just behind the next one fires after `slots` ticks.
        self._buckets[self._position - 1][member] = None
        if self._timer is None:
            self._arm()

    def discard(self, member: KeepAliveMember) -> None:
        """Forget a connection (closed); the timer stops with the last one."""
        for bucket in self._buckets:
            if bucket.pop(member, 0) is None:
                break
        if self._timer is not None and not any(self._buckets):
            self._timer.cancel()
            self._timer = None

    def tick(self) -> None:
        """Fire the next bucket and move on (the timer's callback; tests call it directly)."""
        bucket = self._buckets[self._position]
        self._position = (self._position + 1) % len(self._buckets)
        for member in tuple(bucket):
            member.keep_alive_due()

    def _arm(self) -> None:
        self._timer = asyncio.get_running_loop().call_later(self._tick_seconds, self._fire)

    def _fire(self) -> None:
        self._timer = None
        self.tick()
        if self._timer is None and any(self._buckets):
            self._arm()
