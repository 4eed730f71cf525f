"""What `start`s of the same document share: planned once per distinct (query, operation name,
variables), shared while any subscription holds it, planned by one `start` at a time.

A subscribe storm sends one document from thousands of sockets; parsing, validating and
coercing it once per socket was most of the planner's cost, and when they all arrived before
the first was planned each parsed it in a worker thread of its own. `StartPlans` hands every
`start` of a key the plan a live subscription already holds, and a `start` that finds its key
being planned waits for that plan instead of making its own.

The plans are held by the subscriptions, not by this cache (weak references): a plan, and the
document it holds, is freed with the last subscription of it, so what the cache keeps is
bounded by the subscriptions that are open (100 per socket) and a closed socket leaves none of
its documents behind. A plan nobody holds (a refusal) is made again by the next `start`.

What is kept depends on the document and the variables only, never on the caller: the planner
authenticates every `start` and checks its caller's access to the field before it uses a plan
(`SubscriptionPlanner.plan`). A planner serves one version of the API, so a reload, which
builds a new planner, starts with no plans.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar
from weakref import WeakValueDictionary

T = TypeVar("T")


class StartPlans(Generic[T]):
    """Plans in use, by key, each planned by one caller at a time. `T` must take weak
    references (a slotted dataclass with `weakref_slot=True`)."""

    __slots__ = ("_planning", "_plans")

    def __init__(self) -> None:
        self._plans: WeakValueDictionary[Hashable, T] = WeakValueDictionary()
        self._planning: dict[Hashable, asyncio.Future[T]] = {}

    def __len__(self) -> int:
        return len(self._plans)

    async def get(self, key: Hashable, plan: Callable[[], Awaitable[T]]) -> T:
        """The plan of `key`: one in use, one being planned by another caller (awaited), or
        planned now by `plan()`."""
        while True:
            kept = self._plans.get(key)
            if kept is not None:
                return kept
            waiter = self._planning.get(key)
            if waiter is None:
                break
            try:
                return await asyncio.shield(waiter)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not waiter.cancelled() or (task is not None and task.cancelling()):
                    raise
                # The caller that was planning it went away (its socket closed): plan it here.
        waiter = asyncio.get_running_loop().create_future()
        self._planning[key] = waiter
        try:
            result = await plan()
        except BaseException as error:
            if isinstance(error, asyncio.CancelledError):
                waiter.cancel()
            else:
                waiter.set_exception(error)
                # Retrieved here, so a plan nobody waited for logs no "never retrieved".
                waiter.exception()
            raise
        finally:
            del self._planning[key]
        waiter.set_result(result)
        self._plans[key] = result
        return result
