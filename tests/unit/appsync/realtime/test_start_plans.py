"""`StartPlans`: one plan per key while something holds it, planned once however many starts
arrive together, and a start whose planner went away plans it itself."""

from __future__ import annotations

import asyncio
import gc
from dataclasses import dataclass

import pytest

from appsync.realtime.start_plans import StartPlans


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Plan:
    key: str
    serial: int


class Planner:
    """Makes plans, counting them; each waits on `gate` until it is set."""

    def __init__(self) -> None:
        self.made = 0
        self.gate = asyncio.Event()
        self.gate.set()

    async def plan(self, key: str) -> Plan:
        self.made += 1
        serial = self.made
        await self.gate.wait()
        return Plan(key, serial)


@pytest.mark.anyio
async def test_starts_arriving_together_share_one_planning() -> None:
    plans: StartPlans[Plan] = StartPlans()
    planner = Planner()
    planner.gate.clear()
    starts = [
        asyncio.ensure_future(plans.get("doc", lambda: planner.plan("doc"))) for _ in range(50)
    ]
    await asyncio.sleep(0)
    planner.gate.set()
    results = await asyncio.gather(*starts)
    assert planner.made == 1
    assert all(result is results[0] for result in results)
    # Another key is another plan.
    other = await plans.get("other", lambda: planner.plan("other"))
    assert other.key == "other"
    assert planner.made == 2


@pytest.mark.anyio
async def test_a_plan_is_kept_while_held_and_let_go_with_its_last_holder() -> None:
    plans: StartPlans[Plan] = StartPlans()
    planner = Planner()
    held = await plans.get("doc", lambda: planner.plan("doc"))
    assert await plans.get("doc", lambda: planner.plan("doc")) is held
    assert len(plans) == 1
    del held
    gc.collect()
    assert len(plans) == 0
    again = await plans.get("doc", lambda: planner.plan("doc"))
    assert again.serial == 2


@pytest.mark.anyio
async def test_a_waiter_plans_itself_when_the_planning_start_is_cancelled() -> None:
    plans: StartPlans[Plan] = StartPlans()
    planner = Planner()
    planner.gate.clear()
    first = asyncio.ensure_future(plans.get("doc", lambda: planner.plan("doc")))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(plans.get("doc", lambda: planner.plan("doc")))
    await asyncio.sleep(0)
    first.cancel()  # its socket closed while the document was being planned
    await asyncio.sleep(0)
    planner.gate.set()
    with pytest.raises(asyncio.CancelledError):
        await first
    plan = await second
    assert plan.serial == 2
    assert len(plans) == 1


@pytest.mark.anyio
async def test_a_failed_planning_fails_its_waiters_and_is_not_kept() -> None:
    plans: StartPlans[Plan] = StartPlans()
    gate = asyncio.Event()

    async def failing() -> Plan:
        await gate.wait()
        raise LookupError("planning failed")

    first = asyncio.ensure_future(plans.get("doc", failing))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(plans.get("doc", failing))
    await asyncio.sleep(0)
    gate.set()
    for start in (first, second):
        with pytest.raises(LookupError):
            await start
    planner = Planner()
    assert (await plans.get("doc", lambda: planner.plan("doc"))).serial == 1
