"""The clock auth reads: key expiry, token lifetimes, SigV4 skew, authorizer result caching.

auth may not import the Step Functions engine's clock, so it states its own small protocol. Any
object with a `time()` method returning epoch seconds fits, the engine's clock included.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float:
        """Seconds since the Unix epoch."""
        ...


class SystemClock:
    """The wall clock."""

    def time(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told to: tests run expiry and TTLs without sleeping."""

    def __init__(self, start: float) -> None:
        self._now = start

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds

    def set(self, epoch_seconds: float) -> None:
        self._now = epoch_seconds
