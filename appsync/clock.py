"""The clock a test moves: `serve --clock manual`.

Every time-dependent part of the server reads one injected clock: auth (API key expiry, token
lifetimes, the Lambda authorizer's result cache) through `time()`, the resolvers (`$util.time`,
`util.time`, time-based ids, `_lastChangedAt`) and the Step Functions engine (Wait states,
TimeoutSeconds, HeartbeatSeconds, retry backoff, GetActivityTask's long poll) through `now()`
and `sleep_until()`. `ManualClock` is the engine's own virtual clock (`FakeClock`) without its
jumps: time moves only when the control API says so (`appsync.control`), and `settle()` waits
for what the move woke to run until it waits again.

What stays on the wall clock, because it guards the transport rather than the API's logic: a
SigV4 request's date (clients sign with the wall clock), the realtime keep-alive and idle
limits, request body and execution timeouts.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from auth.clock import Clock
from stepfunctions.runtime.clock import FakeClock

# How long `settle` lets woken work run before it answers anyway: a workflow that keeps the
# loop busy (a large Map) must not hold the control API's caller forever.
SETTLE_LIMIT_SECONDS = 5.0
# Turns of the loop in a row with nothing runnable after which the work counts as settled: a
# few, so that I/O callbacks the loop polls between turns get their chance.
_QUIET_TURNS = 3


class ManualClock(FakeClock):
    """Time that moves only when told to (`advance`, `set`), from `start`."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start, auto_advance=False)
        self.start = start

    def time(self) -> float:
        return self.now().timestamp()

    async def settle(self, limit_seconds: float = SETTLE_LIMIT_SECONDS) -> None:
        """Return once nothing on the event loop is runnable and no work runs in a thread under
        `busy()` (a Task's AWS call, a local Lambda handler), or after `limit_seconds`.

        Work waiting on a socket (an HTTP Task calling out) is not waited for: it is neither
        runnable nor busy.
        """
        loop = asyncio.get_running_loop()
        ends = loop.time() + limit_seconds
        quiet = 0
        while quiet < _QUIET_TURNS and loop.time() < ends:
            await asyncio.sleep(0)
            # The base event loop keeps runnable callbacks in `_ready` (as FakeClock reads it);
            # another loop is taken as idle after the quiet turns alone.
            ready = getattr(loop, "_ready", None)
            if self.working:
                quiet = 0
                await asyncio.sleep(0.001)
            elif ready is not None and len(ready) > 0:
                quiet = 0
            else:
                quiet += 1


class ResolverTime:
    """The server's clock (epoch seconds) as the resolvers read it: `$util.time.nowISO8601()`,
    `autoUlid`, and the `_lastChangedAt` of versioned DynamoDB writes."""

    __slots__ = ("_clock",)

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._clock.time(), UTC)
