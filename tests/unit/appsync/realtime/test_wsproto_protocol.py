"""uvicorn's wsproto protocol, lighter: the queue and flag that replace asyncio's, and the
attributes its `__init__` mirrors from uvicorn's (frames over a real socket are in
tests/integration/test_realtime_wsproto.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import anyio
import pytest
import uvicorn
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.websockets.wsproto_impl import WSProtocol as UvicornWSProtocol
from uvicorn.server import ServerState
from wsproto import ConnectionType
from wsproto.connection import Connection
from wsproto.events import BytesMessage, CloseConnection, Message, TextMessage

from appsync.pubsub import ReceiveQueue
from appsync.realtime.wsproto_protocol import WritableFlag, WSProtocol, _Events, _frame_connection


@pytest.mark.anyio
async def test_the_receive_queue_hands_out_events_in_order() -> None:
    queue: ReceiveQueue[dict[str, object]] = ReceiveQueue()
    assert queue.empty()
    for n in range(3):
        queue.put_nowait({"n": n})
    assert not queue.empty()
    assert [(await queue.get())["n"] for _ in range(3)] == [0, 1, 2]
    assert queue.empty()


@pytest.mark.anyio
async def test_a_waiting_reader_gets_the_next_event() -> None:
    queue: ReceiveQueue[dict[str, object]] = ReceiveQueue()
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


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("never called")


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def test_every_attribute_uvicorns_protocol_sets_starts_with_the_same_value(
    loop: asyncio.AbstractEventLoop,
) -> None:
    config = uvicorn.Config(_app, log_config=None, ws_max_size=4096, ws_ping_interval=None)
    config.load()
    state = ServerState()
    theirs = UvicornWSProtocol(config, state, {}, _loop=loop)
    ours = WSProtocol(config, state, {}, _loop=loop)
    for name, value in vars(theirs).items():
        assert hasattr(ours, name), name
        if value is None or isinstance(value, (bool, int, float, str)):
            assert getattr(ours, name) == value, name
    assert ours.logger is theirs.logger
    assert ours.buffer.max_length == 4096
    assert ours.app is config.loaded_app
    # Fewer than the 30 keys past which CPython stops sharing an instance dict's keys.
    assert len(vars(ours)) < 30


def test_a_frame_connection_with_the_lighter_queue_hands_out_events_in_order() -> None:
    """wsproto's frame-level Connection with `_Events` in place of its deque: frames a client
    sent (masked, one of them in two fragments) come out as wsproto's own events, in order."""
    client = Connection(ConnectionType.CLIENT)
    server = _frame_connection(Connection(ConnectionType.SERVER))
    queue: object = server._events
    assert isinstance(queue, _Events)
    data = client.send(Message(data="one")) + client.send(Message(data=b"two"))
    data += client.send(Message(data="thr", message_finished=False))
    data += client.send(Message(data="ee"))
    server.receive_data(data[:5])
    server.receive_data(data[5:])
    received = [
        (type(event).__name__, event.data, event.message_finished)
        for event in server.events()
        if isinstance(event, TextMessage | BytesMessage)
    ]
    assert received == [
        ("TextMessage", "one", True),
        ("BytesMessage", b"two", True),
        ("TextMessage", "thr", False),
        ("TextMessage", "ee", True),
    ]
    assert list(server.events()) == []
    server.receive_data(client.send(CloseConnection(code=4000, reason="bye")))
    (closed,) = server.events()
    assert isinstance(closed, CloseConnection)
    assert (closed.code, closed.reason) == (4000, "bye")


def test_the_lighter_queue_is_a_fifo_that_empties() -> None:
    queue = _Events()
    assert not queue
    with pytest.raises(IndexError):
        queue.popleft()
    first, second = Message(data="a"), Message(data="b")
    queue.append(first)
    queue.append(second)
    assert queue
    assert queue.popleft() is first
    assert queue.popleft() is second
    assert not queue
