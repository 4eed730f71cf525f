"""FakeClock: virtual time that jumps when every coroutine waits; SystemClock basics."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepfunctions.runtime.clock import FakeClock, SystemClock

START = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.anyio
async def test_a_wait_of_a_year_finishes_at_once_on_virtual_time() -> None:
    clock = FakeClock(START)
    deadline = START + timedelta(days=365)
    await asyncio.wait_for(clock.sleep_until(deadline), timeout=5)
    assert clock.now() == deadline


@pytest.mark.anyio
async def test_sleepers_wake_in_deadline_order() -> None:
    clock = FakeClock(START)
    woke: list[tuple[str, datetime]] = []

    async def sleeper(name: str, seconds: int) -> None:
        await clock.sleep_until(START + timedelta(seconds=seconds))
        woke.append((name, clock.now()))

    async with asyncio.TaskGroup() as group:
        group.create_task(sleeper("late", 300))
        group.create_task(sleeper("early", 10))
        group.create_task(sleeper("middle", 60))
    assert woke == [
        ("early", START + timedelta(seconds=10)),
        ("middle", START + timedelta(seconds=60)),
        ("late", START + timedelta(seconds=300)),
    ]


@pytest.mark.anyio
async def test_time_does_not_jump_while_another_coroutine_can_run() -> None:
    clock = FakeClock(START)
    observed: list[datetime] = []

    async def busy() -> None:
        for _ in range(50):
            observed.append(clock.now())
            await asyncio.sleep(0)

    async with asyncio.TaskGroup() as group:
        group.create_task(clock.sleep_until(START + timedelta(hours=1)))
        group.create_task(busy())
    assert observed == [START] * 50
    assert clock.now() == START + timedelta(hours=1)


@pytest.mark.anyio
async def test_a_deadline_in_the_past_returns_without_moving_time() -> None:
    clock = FakeClock(START)
    await clock.sleep_until(START - timedelta(days=1))
    assert clock.now() == START


@pytest.mark.anyio
async def test_advance_wakes_the_sleepers_that_are_due() -> None:
    clock = FakeClock(START)
    task = asyncio.get_running_loop().create_future()

    async def sleeper() -> None:
        await clock.sleep_until(START + timedelta(seconds=30))
        task.set_result(clock.now())

    async with asyncio.TaskGroup() as group:
        group.create_task(sleeper())
        await asyncio.sleep(0)
        clock.advance(45)
    assert task.result() == START + timedelta(seconds=45)


@pytest.mark.anyio
async def test_a_manual_clock_does_not_jump_while_every_coroutine_waits() -> None:
    clock = FakeClock(START, auto_advance=False)
    sleeping = asyncio.ensure_future(clock.sleep_until(START + timedelta(seconds=10)))
    # A real pause: the loop is idle for many iterations and would have jumped on auto-advance.
    await asyncio.sleep(0.05)
    assert not sleeping.done()
    assert clock.now() == START
    clock.advance(9)
    await asyncio.sleep(0)
    assert not sleeping.done()
    clock.advance(1)
    await asyncio.wait_for(sleeping, timeout=5)
    assert clock.now() == START + timedelta(seconds=10)


@pytest.mark.anyio
async def test_a_manual_advance_wakes_only_the_sleepers_that_are_due_in_order() -> None:
    clock = FakeClock(START, auto_advance=False)
    woke: list[int] = []

    async def sleeper(seconds: int) -> None:
        await clock.sleep_until(START + timedelta(seconds=seconds))
        woke.append(seconds)

    async with asyncio.TaskGroup() as group:
        for seconds in (30, 10, 20):
            group.create_task(sleeper(seconds))
        await asyncio.sleep(0)
        clock.advance(25)
        for _ in range(5):
            await asyncio.sleep(0)
        assert woke == [10, 20]
        clock.advance(5)
    assert woke == [10, 20, 30]
    assert clock.now() == START + timedelta(seconds=30)


@pytest.mark.anyio
async def test_a_cancelled_sleeper_on_a_manual_clock_is_not_woken_later() -> None:
    clock = FakeClock(START, auto_advance=False)
    sleeping = asyncio.ensure_future(clock.sleep_until(START + timedelta(seconds=5)))
    await asyncio.sleep(0)
    sleeping.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sleeping
    clock.advance(10)
    assert sleeping.cancelled()
    assert clock.now() == START + timedelta(seconds=10)


@pytest.mark.anyio
async def test_set_moves_time_to_an_instant_and_wakes_the_sleepers_due_by_then() -> None:
    clock = FakeClock(START, auto_advance=False)
    woke: list[str] = []

    async def sleeper(name: str, deadline: datetime) -> None:
        await clock.sleep_until(deadline)
        woke.append(name)

    async with asyncio.TaskGroup() as group:
        group.create_task(sleeper("march", datetime(2024, 3, 1, tzinfo=UTC)))
        group.create_task(sleeper("june", datetime(2024, 6, 1, tzinfo=UTC)))
        await asyncio.sleep(0)
        clock.set(datetime(2024, 4, 1, tzinfo=UTC))
        await asyncio.sleep(0)
        assert woke == ["march"]
        # Back in time: the June sleeper keeps its deadline and waits the longer.
        clock.set(datetime(2024, 2, 1, tzinfo=UTC))
        await asyncio.sleep(0)
        assert clock.now() == datetime(2024, 2, 1, tzinfo=UTC)
        assert woke == ["march"]
        clock.set(datetime(2024, 6, 1, tzinfo=UTC))
    assert woke == ["march", "june"]


def test_set_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FakeClock(START).set(datetime(2024, 1, 1))


def test_working_is_true_only_inside_busy() -> None:
    clock = FakeClock(START)
    seen = [clock.working]
    with clock.busy():
        seen.append(clock.working)
        with clock.busy():
            seen.append(clock.working)
        seen.append(clock.working)
    seen.append(clock.working)
    assert seen == [False, True, True, True, False]


def test_fake_clock_needs_an_aware_start() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FakeClock(datetime(2024, 1, 1))


@pytest.mark.anyio
async def test_system_clock_is_utc_and_returns_for_a_past_deadline() -> None:
    clock = SystemClock()
    now = clock.now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    await asyncio.wait_for(clock.sleep_until(now - timedelta(seconds=1)), timeout=5)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=12))
def test_any_set_of_sleepers_wakes_in_deadline_order(offsets: list[int]) -> None:
    async def scenario() -> list[int]:
        clock = FakeClock(START)
        woke: list[int] = []

        async def sleeper(seconds: int) -> None:
            await clock.sleep_until(START + timedelta(seconds=seconds))
            assert clock.now() == START + timedelta(seconds=seconds)
            woke.append(seconds)

        async with asyncio.TaskGroup() as group:
            for seconds in offsets:
                group.create_task(sleeper(seconds))
        return woke

    assert asyncio.run(scenario()) == sorted(offsets)
