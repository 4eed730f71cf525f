"""One realtime socket (`RealtimeSocket`), driven in-process by ASGI messages: frames in a row
written together where the server offers it, publications written at once to the sockets that
take them now, and a socket whose messages are pushed to it (the native path)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from appsync.realtime.endpoint import Handshake, RealtimeRuntime, RealtimeSettings
from appsync.realtime.frames import SEND_TEXTS
from appsync.realtime.socket import RealtimeSocket
from tests.unit.appsync.realtime.asgi_socket import (
    HEADERS,
    AsgiClient,
    runtime_of,
    socket_scope,
    start,
)


@pytest.mark.anyio
async def test_frames_in_a_row_go_out_in_one_send_where_the_server_offers_it(
    tmp_path: Path,
) -> None:
    """`connection_ack` and the first `ka` in one SEND_TEXTS message when the scope names the
    extension (`wsproto_protocol.WSProtocol` writes them in one write), one by one otherwise
    (the tests above)."""
    client = AsgiClient()
    client.to_app.put_nowait({"type": "websocket.connect"})
    scope = socket_scope(HEADERS)
    scope["extensions"] = {**scope["extensions"], SEND_TEXTS: {"write": lambda texts: False}}
    socket = asyncio.create_task(runtime_of(tmp_path)(scope, client.receive, client.send))
    await asyncio.wait_for(client.from_app.get(), 5)
    client.frame({"type": "connection_init"})
    together = await asyncio.wait_for(client.from_app.get(), 5)
    assert together["type"] == SEND_TEXTS
    assert [json.loads(text) for text in together["texts"]] == [
        {"type": "connection_ack", "payload": {"connectionTimeoutMs": 300000}},
        {"type": "ka"},
    ]
    # A lone frame is still a plain websocket.send.
    start(client, 'subscription { onAddPost(id: "p1") { id } }')
    assert await client.next_frame() == {"type": "start_ack", "id": "s1"}
    client.to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(socket, 5)


def _write_utf8(write: Any, parts: tuple[bytes, ...], size: int) -> bool:
    """The extension's `write_utf8` as `WSProtocol` offers it, in terms of `write`: one text
    frame of `size` bytes whose UTF-8 text is `parts` joined."""
    text = b"".join(parts)
    assert len(text) == size
    written: bool = write([text.decode()])
    return written


async def _subscribed(
    runtime: RealtimeRuntime, client: AsgiClient, write: Any
) -> asyncio.Task[None]:
    """A socket whose server writes data frames through `write` (SEND_TEXTS), subscribed to
    `onAddPost(id: "p1")`."""
    client.to_app.put_nowait({"type": "websocket.connect"})
    scope = socket_scope(HEADERS)
    scope["extensions"] = {
        **scope["extensions"],
        SEND_TEXTS: {"write": write, "write_utf8": partial(_write_utf8, write)},
    }
    socket = asyncio.create_task(runtime(scope, client.receive, client.send))
    await asyncio.wait_for(client.from_app.get(), 5)
    client.frame({"type": "connection_init"})
    assert (await asyncio.wait_for(client.from_app.get(), 5))["type"] == SEND_TEXTS
    start(client, 'subscription { onAddPost(id: "p1") { id title } }')
    assert await client.next_frame() == {"type": "start_ack", "id": "s1"}
    return socket


@pytest.mark.anyio
async def test_publications_are_written_at_once_to_sockets_that_take_them_and_sent_to_others(
    tmp_path: Path,
) -> None:
    """The delivery pass writes each subscriber's frame at once where its socket takes it now;
    a socket that does not (a paused transport: `write` says False) gets the same frames, in
    order, through `send` from a task of its own, and holds up no one."""
    runtime = runtime_of(tmp_path)
    written: list[str] = []

    def takes(texts: list[str]) -> bool:
        written.extend(texts)
        return True

    fast, slow = AsgiClient(), AsgiClient()
    sockets = [
        await _subscribed(runtime, fast, takes),
        await _subscribed(runtime, slow, lambda texts: False),
    ]
    for title in ("one", "two", "three"):
        await runtime.publish_mutation("addPost", {"id": "p1", "title": title})
    await runtime.publish_mutation("addPost", {"id": "p2", "title": "not theirs"})
    expected = [
        {"type": "data", "id": "s1", "payload": {"data": {"onAddPost": {"id": "p1", "title": t}}}}
        for t in ("one", "two", "three")
    ]
    assert [await slow.next_frame() for _ in expected] == expected
    for _ in range(100):
        if len(written) == len(expected):
            break
        await asyncio.sleep(0.01)
    assert [json.loads(text) for text in written] == expected
    assert fast.from_app.empty()
    for client in (fast, slow):
        client.to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(asyncio.gather(*sockets), 5)


class _Wire:
    """What a pushed socket writes at once (`write_now`), while `open`, and what it sends
    through `send` otherwise."""

    def __init__(self) -> None:
        self.open = True
        self.written: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []

    def write(self, texts: list[str]) -> bool:
        if self.open:
            self.written.extend(json.loads(text) for text in texts)
        return self.open

    async def send(self, message: MutableMapping[str, Any]) -> None:
        self.sent.append(dict(message))


async def _pushed(runtime: RealtimeRuntime, wire: _Wire) -> RealtimeSocket:
    connection = await runtime.connection(Handshake(HEADERS, "graphql-ws"), "127.0.0.1")
    return RealtimeSocket(runtime, None, wire.send, connection, "127.0.0.1", write_now=wire.write)


def _text(frame: dict[str, Any]) -> dict[str, Any]:
    return {"type": "websocket.receive", "text": json.dumps(frame)}


@pytest.mark.anyio
async def test_a_pushed_socket_answers_at_once_and_in_order_when_it_must_wait(
    tmp_path: Path,
) -> None:
    """Messages pushed to a socket (the native path) are answered before `receive_now`
    returns, where the socket takes the frames now; a frame it cannot take now, and every
    frame after it, goes out through `send` from a task, in order."""
    runtime, wire = runtime_of(tmp_path), _Wire()
    socket = await _pushed(runtime, wire)
    async with asyncio.TaskGroup() as group:
        socket.push_to(group, asyncio.get_running_loop())
        socket.receive_now(_text({"type": "connection_init"}))
        assert wire.written == [
            {"type": "connection_ack", "payload": {"connectionTimeoutMs": 300000}},
            {"type": "ka"},
        ]
        wire.open = False
        socket.keep_alive_due()
        socket.receive_now(_text({"type": "no such thing"}))
        wire.open = True
        socket.keep_alive_due()
        for _ in range(100):
            if wire.sent:
                break
            await asyncio.sleep(0.01)
        # Together, in one message of several texts (SEND_TEXTS), as the ASGI path sends them.
        assert [message["type"] for message in wire.sent] == [SEND_TEXTS]
        assert [json.loads(text)["type"] for text in wire.sent[0]["texts"]] == ["ka", "error", "ka"]
        assert len(wire.written) == 2
        socket.receive_now({"type": "websocket.disconnect", "code": 1000})
        assert socket.finished
        assert socket not in runtime.keep_alive.members()


@pytest.mark.anyio
async def test_a_pushed_socket_that_says_nothing_is_closed_after_the_first_frame_wait(
    tmp_path: Path,
) -> None:
    """As the ASGI path closes it (`run`): no first frame within
    `first_frame_timeout_seconds`, and the socket is closed with 1000."""
    runtime, wire = runtime_of(tmp_path), _Wire()
    runtime.settings = RealtimeSettings(first_frame_timeout_seconds=0.01)
    socket = await _pushed(runtime, wire)
    async with asyncio.TaskGroup() as group:
        socket.push_to(group, asyncio.get_running_loop())
        for _ in range(100):
            if wire.sent:
                break
            await asyncio.sleep(0.01)
    assert wire.sent == [{"type": "websocket.close", "code": 1000, "reason": "no connection_init"}]
    assert not socket.open


@pytest.mark.anyio
async def test_a_pushed_socket_that_is_closing_takes_no_more_frames(tmp_path: Path) -> None:
    """A handshake whose credentials failed: the first frame is answered with
    `connection_error` and the close; a frame the client sent right behind it is not read (as
    the ASGI path reads nothing after the close), and gets no answer."""
    runtime, wire = runtime_of(tmp_path), _Wire()
    wrong = {**HEADERS, "x-api-key": "da2-not-a-key"}
    connection = await runtime.connection(Handshake(wrong, "graphql-ws"), "127.0.0.1")
    socket = RealtimeSocket(runtime, None, wire.send, connection, "127.0.0.1", write_now=wire.write)
    async with asyncio.TaskGroup() as group:
        socket.push_to(group, asyncio.get_running_loop())
        socket.receive_now(_text({"type": "connection_init"}))
        socket.receive_now(_text({"type": "connection_init"}))
        for _ in range(100):
            if wire.sent:
                break
            await asyncio.sleep(0.01)
        socket.receive_now({"type": "websocket.disconnect", "code": 1000})
    assert [frame["type"] for frame in wire.written] == ["connection_error"]
    assert wire.sent == [{"type": "websocket.close", "code": 1000, "reason": "connection_error"}]


class _DataWire(_Wire):
    """A `_Wire` that also takes data frames as their UTF-8 parts (`write_utf8`), and calls
    `on_data` after each it takes."""

    def __init__(self) -> None:
        super().__init__()
        self.on_data: Any = None

    def write_utf8(self, parts: tuple[bytes, ...], size: int) -> bool:
        text = b"".join(parts)
        assert len(text) == size
        if not self.write([text.decode()]):
            return False
        if self.on_data is not None:
            self.on_data()
        return True


async def _subscribed_pushed(
    runtime: RealtimeRuntime, group: asyncio.TaskGroup, wire: _DataWire
) -> RealtimeSocket:
    connection = await runtime.connection(Handshake(HEADERS, "graphql-ws"), "127.0.0.1")
    socket = RealtimeSocket(
        runtime,
        None,
        wire.send,
        connection,
        "127.0.0.1",
        write_now=wire.write,
        write_data=wire.write_utf8,
    )
    socket.push_to(group, asyncio.get_running_loop())
    socket.receive_now(_text({"type": "connection_init"}))
    payload = {
        "data": json.dumps({"query": 'subscription { onAddPost(id: "p1") { id title } }'}),
        "extensions": {"authorization": HEADERS},
    }
    socket.receive_now(_text({"id": "s1", "type": "start", "payload": payload}))
    # The start's task sends its `start_ack` (through `send`, as the ASGI path does).
    for _ in range(100):
        if wire.sent:
            assert wire.sent == [
                {"type": "websocket.send", "text": '{"type":"start_ack","id":"s1"}'}
            ]
            wire.sent.clear()
            return socket
        await asyncio.sleep(0.01)
    raise AssertionError("no start_ack")


@pytest.mark.anyio
async def test_a_socket_finished_during_a_delivery_pass_gets_nothing_more_and_stops_no_other(
    tmp_path: Path,
) -> None:
    """Three pushed sockets; while the pass writes the first one's frame, the second socket
    closes (its client gone). The pass skips it, the third gets every frame in order, and the
    closed one leaves the broker."""
    runtime = runtime_of(tmp_path)
    wires = [_DataWire(), _DataWire(), _DataWire()]
    async with asyncio.TaskGroup() as group:
        sockets = [await _subscribed_pushed(runtime, group, wire) for wire in wires]
        wires[0].on_data = sockets[1].finish
        for title in ("one", "two"):
            await runtime.publish_mutation("addPost", {"id": "p1", "title": title})
        for _ in range(100):
            if len(wires[2].written) == 4:  # connection_ack, ka, two data
                break
            await asyncio.sleep(0.01)
        expected = [
            {
                "type": "data",
                "id": "s1",
                "payload": {"data": {"onAddPost": {"id": "p1", "title": t}}},
            }
            for t in ("one", "two")
        ]
        for wire in (wires[0], wires[2]):
            assert wire.written[2:] == expected, wire.written
        assert not [frame for frame in wires[1].written if frame["type"] == "data"]
        assert runtime.broker.subscriber_count("mutation:addPost") == 2
        assert wires[1].sent == []
        for socket in sockets:
            socket.finish()
