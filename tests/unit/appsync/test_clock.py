"""ManualClock: time that moves only when told, in the three forms the server's parts read it,
and `settle`, which waits for woken work to run until it waits again."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import pytest

from appsync.clock import ManualClock, ResolverTime

START = datetime(2024, 1, 1, tzinfo=UTC)


def test_time_now_and_start_agree_and_move_only_when_told() -> None:
    clock = ManualClock(START)
    assert (clock.now(), clock.time(), clock.start) == (START, START.timestamp(), START)
    clock.advance(90)
    assert clock.time() == START.timestamp() + 90
    clock.set(datetime(2030, 1, 1, tzinfo=UTC))
    assert clock.now() == datetime(2030, 1, 1, tzinfo=UTC)
    assert clock.start == START


@pytest.mark.anyio
async def test_settle_returns_once_woken_work_waits_again() -> None:
    clock = ManualClock(START)
    steps: list[str] = []

    async def workflow() -> None:
        await clock.sleep_until(START + timedelta(hours=1))
        for turn in range(20):  # work spread over many turns of the loop
            steps.append(f"turn {turn}")
            await asyncio.sleep(0)
        await clock.sleep_until(START + timedelta(hours=2))
        steps.append("second wait over")

    async with asyncio.TaskGroup() as group:
        group.create_task(workflow())
        await clock.settle()
        clock.advance(3600)
        await clock.settle()
        assert steps == [f"turn {turn}" for turn in range(20)]
        clock.advance(3600)
        await clock.settle()
        assert steps[-1] == "second wait over"


@pytest.mark.anyio
async def test_settle_waits_for_work_in_a_thread() -> None:
    clock = ManualClock(START)
    release = threading.Event()
    finished: list[bool] = []

    def slow() -> None:
        release.wait(5)
        finished.append(True)

    async def task_state() -> None:
        with clock.busy():
            await asyncio.to_thread(slow)

    async with asyncio.TaskGroup() as group:
        group.create_task(task_state())
        await asyncio.sleep(0)
        threading.Timer(0.05, release.set).start()
        await clock.settle()
        assert finished == [True]


@pytest.mark.anyio
async def test_settle_gives_up_after_its_limit() -> None:
    clock = ManualClock(START)
    spins = 0

    async def spinning() -> None:
        # Always runnable for 100,000 turns: far longer than the limit lets settle wait.
        nonlocal spins
        for _ in range(100_000):
            spins += 1
            await asyncio.sleep(0)

    async with asyncio.TaskGroup() as group:
        spinner = group.create_task(spinning())
        await asyncio.sleep(0)
        await asyncio.wait_for(clock.settle(limit_seconds=0.05), timeout=5)
        assert 0 < spins < 100_000
        spinner.cancel()


def test_resolvers_read_the_servers_clock_as_a_utc_datetime() -> None:
    clock = ManualClock(datetime(2024, 2, 29, 23, 59, 30, tzinfo=UTC))
    time = ResolverTime(clock)
    assert time.now() == datetime(2024, 2, 29, 23, 59, 30, tzinfo=UTC)
    clock.advance(45)
    assert time.now() == datetime(2024, 3, 1, 0, 0, 15, tzinfo=UTC)
