"""Time for the engine: the wall clock in production, virtual time in tests.

Every Wait state, retry interval and TimeoutSeconds goes through a `Clock`, so tests run a Wait of a
year or a retry schedule of hours on `FakeClock` instantly and in deadline order.
`race_deadline` races work against a deadline on a clock (TimeoutSeconds, HeartbeatSeconds,
GetActivityTask's long poll).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar

from stepfunctions.errors import StatesError
from stepfunctions.runtime.errors import DeadlineReachedError, UncaughtError

T = TypeVar("T")


class Clock(Protocol):
    """The engine's only source of time."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    async def sleep_until(self, deadline: datetime) -> None:
        """Return at `deadline` (at once when it has passed); cancellable."""
        ...

    def busy(self) -> contextlib.AbstractContextManager[None]:
        """Mark work running outside the event loop (a thread); virtual time waits for it."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def busy(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    async def sleep_until(self, deadline: datetime) -> None:
        delay = (deadline - datetime.now(UTC)).total_seconds()
        # asyncio's timer wheel is coarse for huge delays; sleeping in slices keeps a wait of a year
        # (AWS's limit) representable and makes it honour a changed system time eventually.
        while delay > 0:
            await asyncio.sleep(min(delay, 3600.0))
            delay = (deadline - datetime.now(UTC)).total_seconds()


@dataclass(order=True, slots=True)
class _Sleeper:
    deadline: datetime
    seq: int
    future: asyncio.Future[None] = field(compare=False)


class FakeClock:
    """Virtual time for tests.

    Sleepers wake in deadline order. When the event loop has nothing else ready to run (every
    coroutine is waiting), time jumps to the earliest deadline, so long waits finish instantly while
    the ordering between, say, a state's TimeoutSeconds and a Wait is kept. Work in a thread holds
    virtual time back while it runs inside `busy()` (local Lambda handlers do), so a slow sync
    handler never sees its TimeoutSeconds fire early. `advance(seconds)` moves time by hand.

    With `auto_advance=False` time never jumps on its own: only `advance` moves it. Tests whose
    actors live outside the event loop (an activity worker in another thread, idle between its
    HTTP calls) need this, since an idle loop would otherwise time their task out at once.
    `set(moment)` puts time at a given instant (a test's "it is now the first of March").
    """

    def __init__(self, start: datetime | None = None, *, auto_advance: bool = True) -> None:
        self._now = start if start is not None else datetime(2024, 1, 1, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._auto_advance = auto_advance
        self._sleepers: list[_Sleeper] = []
        self._seq = itertools.count()
        self._check_scheduled = False
        self._busy = 0

    def now(self) -> datetime:
        return self._now

    @property
    def working(self) -> bool:
        """Whether work runs outside the event loop (inside `busy()`) right now."""
        return self._busy > 0

    @contextlib.contextmanager
    def busy(self) -> Iterator[None]:
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1

    async def sleep_until(self, deadline: datetime) -> None:
        if deadline <= self._now:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        sleeper = _Sleeper(deadline, next(self._seq), loop.create_future())
        heapq.heappush(self._sleepers, sleeper)
        if self._auto_advance:
            self._schedule_check(loop)
        try:
            await sleeper.future
        finally:
            if not sleeper.future.done():
                sleeper.future.cancel()

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds` and wake every sleeper whose deadline has come.

        Call it on the event loop's thread (from another thread, via `call_soon_threadsafe`):
        waking a sleeper resolves an asyncio future.
        """
        self._now += timedelta(seconds=seconds)
        self._wake_due()

    def set(self, moment: datetime) -> None:
        """Put time at `moment` (timezone-aware) and wake every sleeper whose deadline has come.

        Time may also go back: sleepers keep their deadlines, so they wait the longer. Called as
        `advance` is, on the event loop's thread.
        """
        if moment.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware time")
        self._now = moment
        self._wake_due()

    def _schedule_check(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._check_scheduled:
            self._check_scheduled = True
            loop.call_soon(self._check_idle, loop)

    def _check_idle(self, loop: asyncio.AbstractEventLoop) -> None:
        self._check_scheduled = False
        self._drop_cancelled()
        if not self._sleepers:
            return
        # The base event loop keeps runnable callbacks in `_ready`; when it is empty every task is
        # blocked, which is the moment virtual time may jump.
        ready = getattr(loop, "_ready", None)
        if ready is not None and len(ready) > 0:
            self._schedule_check(loop)
            return
        if self._busy:
            # A thread is working: look again shortly instead of spinning the loop.
            self._check_scheduled = True
            loop.call_later(0.001, self._check_idle, loop)
            return
        earliest = self._sleepers[0].deadline
        if earliest > self._now:
            self._now = earliest
        self._wake_due()
        if self._sleepers:
            self._schedule_check(loop)

    def _drop_cancelled(self) -> None:
        while self._sleepers and self._sleepers[0].future.done():
            heapq.heappop(self._sleepers)

    def _wake_due(self) -> None:
        while self._sleepers and self._sleepers[0].deadline <= self._now:
            sleeper = heapq.heappop(self._sleepers)
            if not sleeper.future.done():
                sleeper.future.set_result(None)


async def race_deadline(clock: Clock, deadline: datetime, work: Callable[[], Awaitable[T]]) -> T:
    """`work()`'s result, or DeadlineReachedError (with the work cancelled) once `deadline` passes.

    Failures of the work propagate unchanged (not as an ExceptionGroup).
    """
    outcome: list[T] = []
    failure: list[BaseException] = []

    async def run_work() -> None:
        try:
            outcome.append(await work())
        except (StatesError, UncaughtError) as error:
            failure.append(error)
        finally:
            timer.cancel()

    async def run_timer() -> None:
        await clock.sleep_until(deadline)
        worker.cancel()

    async with asyncio.TaskGroup() as group:
        worker = group.create_task(run_work())
        timer = group.create_task(run_timer())
    if failure:
        raise failure[0]
    if not outcome:
        raise DeadlineReachedError
    return outcome[0]
