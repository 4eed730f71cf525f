"""A request waits at the start gate until the deferred services run, and learns when their
start failed instead."""

from __future__ import annotations

import asyncio

import pytest

from appsync.start_gate import StartGate


@pytest.mark.anyio
async def test_an_open_gate_lets_requests_through_at_once() -> None:
    gate = StartGate()
    assert gate.is_open
    assert await asyncio.wait_for(gate.wait(), 1)


@pytest.mark.anyio
async def test_requests_wait_until_the_services_run() -> None:
    gate = StartGate(opened=False)
    waiting = asyncio.ensure_future(gate.wait())
    await asyncio.sleep(0)
    assert not waiting.done()
    assert not gate.is_open
    gate.open()
    assert await asyncio.wait_for(waiting, 1)
    assert gate.is_open


@pytest.mark.anyio
async def test_a_failed_start_is_said_to_every_waiting_request() -> None:
    gate = StartGate(opened=False)
    waiting = [asyncio.ensure_future(gate.wait()) for _ in range(3)]
    await asyncio.sleep(0)
    gate.fail()
    assert await asyncio.gather(*waiting) == [False, False, False]
    assert not gate.is_open
    assert not await gate.wait()
