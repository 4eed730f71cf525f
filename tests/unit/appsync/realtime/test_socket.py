"""One realtime socket (`RealtimeSocket`) behind the endpoint, driven in-process by ASGI
messages: frames in a row written together where the server offers it, and publications
written at once to the sockets that take them now."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from appsync.realtime.endpoint import RealtimeRuntime
from appsync.realtime.wsproto_protocol import SEND_TEXTS
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


async def _subscribed(
    runtime: RealtimeRuntime, client: AsgiClient, write: Any
) -> asyncio.Task[None]:
    """A socket whose server writes data frames through `write` (SEND_TEXTS), subscribed to
    `onAddPost(id: "p1")`."""
    client.to_app.put_nowait({"type": "websocket.connect"})
    scope = socket_scope(HEADERS)
    scope["extensions"] = {**scope["extensions"], SEND_TEXTS: {"write": write}}
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
