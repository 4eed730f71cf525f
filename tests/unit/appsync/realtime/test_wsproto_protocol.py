"""The lighter queue and flag that replace asyncio's in uvicorn's wsproto protocol."""

from __future__ import annotations

import anyio
import pytest

from appsync.realtime.wsproto_protocol import ReceiveQueue, WritableFlag


@pytest.mark.anyio
async def test_the_receive_queue_hands_out_events_in_order() -> None:
    queue = ReceiveQueue()
    assert queue.empty()
    for n in range(3):
        queue.put_nowait({"n": n})
    assert not queue.empty()
    assert [(await queue.get())["n"] for _ in range(3)] == [0, 1, 2]
    assert queue.empty()


@pytest.mark.anyio
async def test_a_waiting_reader_gets_the_next_event() -> None:
    queue = ReceiveQueue()
    received: list[object] = []

    async def read() -> None:
        received.append(await queue.get())

    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            group.start_soon(read)
            await anyio.wait_all_tasks_blocked()
            assert received == []
            queue.put_nowait({"type": "websocket.connect"})
    assert received == [{"type": "websocket.connect"}]


@pytest.mark.anyio
async def test_the_writable_flag_releases_its_waiters_when_set() -> None:
    flag = WritableFlag()
    flag.set()
    assert await flag.wait()
    flag.clear()
    assert not flag.is_set()
    woken: list[bool] = []

    async def wait() -> None:
        woken.append(await flag.wait())

    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            group.start_soon(wait)
            group.start_soon(wait)
            await anyio.wait_all_tasks_blocked()
            assert woken == []
            flag.set()
    assert woken == [True, True]
