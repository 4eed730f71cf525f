"""The realtime websocket as an ASGI app, driven in-process by ASGI messages (no socket): the
handshake's refusal or acceptance (graphql-ws), a subscription from `start` to `data`, and the
publishing entry points the mutation path calls (reference/appsync.md 3.3, 3.4 and 6)."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from graphql import parse

from appsync.pubsub import Inbox, PublicationKind, topic_name
from appsync.realtime.endpoint import RealtimeRuntime
from appsync.realtime.wsproto_protocol import SEND_TEXTS
from resolvers.errors import ResolverError
from tests.fixtures.realtime_errors import CONNECTION_UNAUTHORIZED, HEADERS_MISSING
from tests.unit.appsync.api_support import API_KEY, load_test_api

HEADERS = {"host": "example1234567890000.appsync-api.us-east-1.amazonaws.com", "x-api-key": API_KEY}


class _Client:
    """The client's side of one websocket: what it sends the app, and what the app sends it."""

    def __init__(self) -> None:
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def receive(self) -> dict[str, Any]:
        return await self.to_app.get()

    async def send(self, message: MutableMapping[str, Any]) -> None:
        await self.from_app.put(dict(message))

    def frame(self, frame: dict[str, Any]) -> None:
        self.to_app.put_nowait({"type": "websocket.receive", "text": json.dumps(frame)})

    async def next_frame(self) -> dict[str, Any]:
        message = await asyncio.wait_for(self.from_app.get(), 5)
        assert message["type"] == "websocket.send", message
        frame: dict[str, Any] = json.loads(message["text"])
        return frame


def _scope(header: dict[str, str] | None) -> dict[str, Any]:
    query = b""
    if header is not None:
        query = b"header=" + base64.b64encode(json.dumps(header).encode()) + b"&payload=e30="
    return {
        "type": "websocket",
        "path": "/graphql/realtime",
        "raw_path": b"/graphql/realtime",
        "query_string": query,
        "headers": [],
        "subprotocols": ["graphql-ws"],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 20002),
        "extensions": {"websocket.http.response": {}},
    }


def _start(client: _Client, query: str) -> None:
    """The client's `start` of subscription `s1`."""
    payload = {
        "data": json.dumps({"query": query, "variables": {}}),
        "extensions": {"authorization": HEADERS},
    }
    client.frame({"id": "s1", "type": "start", "payload": payload})


def _runtime(folder: Path) -> RealtimeRuntime:
    return load_test_api(folder).realtime


async def _first_frame_answer(folder: Path, header: dict[str, str] | None) -> dict[str, Any]:
    """The upgrade of a socket with this handshake header (None: no auth header at all) is
    accepted with graphql-ws; returns the answer to its `connection_init`, after which the
    server closes the socket with 1000."""
    client = _Client()
    client.to_app.put_nowait({"type": "websocket.connect"})
    socket = asyncio.create_task(_runtime(folder)(_scope(header), client.receive, client.send))
    accepted = await asyncio.wait_for(client.from_app.get(), 5)
    assert accepted == {"type": "websocket.accept", "subprotocol": "graphql-ws", "headers": []}
    client.frame({"type": "connection_init"})
    answer = await client.next_frame()
    closed = await asyncio.wait_for(client.from_app.get(), 5)
    assert (closed["type"], closed["code"]) == ("websocket.close", 1000)
    client.to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(socket, 5)
    return answer


@pytest.mark.anyio
async def test_a_handshake_without_credentials_is_accepted_then_told_headers_are_missing(
    tmp_path: Path,
) -> None:
    # graphql-dotnet/graphql-client#662 (2024): the service opens a socket that carries no auth
    # header at all, and answers its first frame with this connection_error.
    assert await _first_frame_answer(tmp_path, None) == {
        "type": "connection_error",
        "payload": {"errors": [HEADERS_MISSING]},
    }


@pytest.mark.anyio
async def test_a_plain_websocket_without_subprotocol_or_credentials_is_told_the_same(
    tmp_path: Path,
) -> None:
    # Accepted without naming a subprotocol it did not offer (a browser would fail the upgrade).
    client = _Client()
    client.to_app.put_nowait({"type": "websocket.connect"})
    scope = {**_scope(None), "subprotocols": []}
    socket = asyncio.create_task(_runtime(tmp_path)(scope, client.receive, client.send))
    accepted = await asyncio.wait_for(client.from_app.get(), 5)
    assert accepted == {"type": "websocket.accept", "subprotocol": None, "headers": []}
    client.frame({"type": "connection_init"})
    assert await client.next_frame() == {
        "type": "connection_error",
        "payload": {"errors": [HEADERS_MISSING]},
    }
    client.to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(socket, 5)


@pytest.mark.anyio
async def test_a_handshake_with_a_wrong_key_is_accepted_then_unauthorized_401(
    tmp_path: Path,
) -> None:
    # amplify-flutter#2763: AppSync's connection_error for refused handshake credentials.
    wrong = {**HEADERS, "x-api-key": "da2-wrong"}
    assert await _first_frame_answer(tmp_path, wrong) == {
        "type": "connection_error",
        "payload": {"errors": [CONNECTION_UNAUTHORIZED]},
    }


@pytest.mark.anyio
async def test_a_handshake_without_graphql_ws_is_refused_with_compact_json(
    tmp_path: Path,
) -> None:
    client = _Client()
    client.to_app.put_nowait({"type": "websocket.connect"})
    scope = {**_scope(HEADERS), "subprotocols": []}
    await _runtime(tmp_path)(scope, client.receive, client.send)
    start = client.from_app.get_nowait()
    body = client.from_app.get_nowait()
    assert (start["type"], start["status"]) == ("websocket.http.response.start", 400)
    assert (b"x-amzn-errortype", b"BadRequestException") in start["headers"]
    # Compact, as every other answer of the server (and AppSync's own bodies) is written.
    assert body["body"] == (
        b'{"errors":[{"errorType":"BadRequestException","message":"Unsupported subprotocol"}]}'
    )


@pytest.mark.anyio
async def test_a_subscription_receives_the_mutations_its_arguments_match(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path)
    client = _Client()
    client.to_app.put_nowait({"type": "websocket.connect"})
    socket = asyncio.create_task(runtime(_scope(HEADERS), client.receive, client.send))
    accepted = await asyncio.wait_for(client.from_app.get(), 5)
    assert accepted == {"type": "websocket.accept", "subprotocol": "graphql-ws", "headers": []}
    client.frame({"type": "connection_init"})
    assert await client.next_frame() == {
        "type": "connection_ack",
        "payload": {"connectionTimeoutMs": 300000},
    }
    assert await client.next_frame() == {"type": "ka"}
    _start(client, 'subscription { onAddPost(id: "p1") { id title } }')
    assert await client.next_frame() == {"type": "start_ack", "id": "s1"}
    await runtime.publish_mutation("addPost", {"id": "p2", "title": "Other"})
    await runtime.publish_mutation("addPost", {"id": "p1", "title": "Mine"})
    # p2's publication does not match `id: "p1"`: the next frame is p1's.
    assert await client.next_frame() == {
        "type": "data",
        "id": "s1",
        "payload": {"data": {"onAddPost": {"id": "p1", "title": "Mine"}}},
    }
    client.to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(socket, 5)
    assert runtime.broker.subscriber_count(topic_name(PublicationKind.MUTATION, "addPost")) == 0


@pytest.mark.anyio
async def test_closing_every_connection_ends_its_subscriptions(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path)
    client = _Client()
    client.to_app.put_nowait({"type": "websocket.connect"})
    socket = asyncio.create_task(runtime(_scope(HEADERS), client.receive, client.send))
    await asyncio.wait_for(client.from_app.get(), 5)
    client.frame({"type": "connection_init"})
    assert await client.next_frame() == {"type": "connection_ack", "payload": ANY}
    assert await client.next_frame() == {"type": "ka"}  # sent right after the ack
    _start(client, 'subscription { onAddPost(id: "p1") { id } }')
    assert await client.next_frame() == {"type": "start_ack", "id": "s1"}
    topic = topic_name(PublicationKind.MUTATION, "addPost")
    assert await runtime.close_connections(1000, "reset") == 1
    closed = await asyncio.wait_for(client.from_app.get(), 5)
    assert closed == {"type": "websocket.close", "code": 1000, "reason": "reset"}
    # The subscription is gone at once; the socket's loop ends when the client answers.
    await asyncio.sleep(0)
    assert runtime.broker.subscriber_count(topic) == 0
    client.to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(socket, 5)
    assert await runtime.close_connections(1000, "reset") == 0


def test_the_websocket_is_served_beside_graphql(tmp_path: Path) -> None:
    assert _runtime(tmp_path).paths() == ("/graphql/realtime", "/graphql")


@pytest.mark.anyio
async def test_a_mutation_result_is_published_per_field_and_a_query_not_at_all(
    tmp_path: Path,
) -> None:
    runtime = _runtime(tmp_path)
    inbox = Inbox()
    runtime.broker.subscribe([topic_name(PublicationKind.MUTATION, "addPost")], inbox)
    data = {"addPost": {"id": "p1", "title": "T"}}
    query = parse('{ getPost(id: "p1") { id } }')
    await runtime.publish_result(query, None, {"getPost": {"id": "p1"}})
    await runtime.publish_result(parse("mutation { addPost(id: 1) { id title } }"), None, data)
    publication = await inbox.get()
    assert (publication.field_name, publication.payload) == ("addPost", {"id": "p1", "title": "T"})
    assert inbox.empty()


@pytest.mark.anyio
async def test_invalidations_are_sent_once_and_at_most_five_per_request(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path)
    inbox = Inbox()
    runtime.broker.subscribe([topic_name(PublicationKind.INVALIDATION, "onAddPost")], inbox)
    published: set[tuple[str, str]] = set()
    call = {"subscriptionField": "onAddPost", "payload": {"id": "p1"}}
    await runtime.invalidate_calls([call, call], published)
    await runtime.invalidate_calls([call], published)
    assert len(inbox) == 1
    five_more = [{"subscriptionField": "onAddPost", "payload": {"n": n}} for n in range(5)]
    # Extensions reference: past 5 unique calls per request "you will receive a GraphQL error".
    with pytest.raises(ResolverError, match="At most 5 unique"):
        await runtime.invalidate_calls(five_more, published)
    assert len(inbox) == 1
    with pytest.raises(ResolverError, match="expects"):
        await runtime.invalidate_calls([{"subscriptionField": "onAddPost"}], published)


@pytest.mark.anyio
async def test_frames_in_a_row_go_out_in_one_send_where_the_server_offers_it(
    tmp_path: Path,
) -> None:
    """`connection_ack` and the first `ka` in one SEND_TEXTS message when the scope names the
    extension (`wsproto_protocol.WSProtocol` writes them in one write), one by one otherwise
    (the tests above)."""
    client = _Client()
    client.to_app.put_nowait({"type": "websocket.connect"})
    scope = _scope(HEADERS)
    scope["extensions"] = {**scope["extensions"], SEND_TEXTS: {"write": lambda texts: False}}
    socket = asyncio.create_task(_runtime(tmp_path)(scope, client.receive, client.send))
    await asyncio.wait_for(client.from_app.get(), 5)
    client.frame({"type": "connection_init"})
    together = await asyncio.wait_for(client.from_app.get(), 5)
    assert together["type"] == SEND_TEXTS
    assert [json.loads(text) for text in together["texts"]] == [
        {"type": "connection_ack", "payload": {"connectionTimeoutMs": 300000}},
        {"type": "ka"},
    ]
    # A lone frame is still a plain websocket.send.
    _start(client, 'subscription { onAddPost(id: "p1") { id } }')
    assert await client.next_frame() == {"type": "start_ack", "id": "s1"}
    client.to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(socket, 5)


async def _subscribed(runtime: RealtimeRuntime, client: _Client, write: Any) -> asyncio.Task[None]:
    """A socket whose server writes data frames through `write` (SEND_TEXTS), subscribed to
    `onAddPost(id: "p1")`."""
    client.to_app.put_nowait({"type": "websocket.connect"})
    scope = _scope(HEADERS)
    scope["extensions"] = {**scope["extensions"], SEND_TEXTS: {"write": write}}
    socket = asyncio.create_task(runtime(scope, client.receive, client.send))
    await asyncio.wait_for(client.from_app.get(), 5)
    client.frame({"type": "connection_init"})
    assert (await asyncio.wait_for(client.from_app.get(), 5))["type"] == SEND_TEXTS
    _start(client, 'subscription { onAddPost(id: "p1") { id title } }')
    assert await client.next_frame() == {"type": "start_ack", "id": "s1"}
    return socket


@pytest.mark.anyio
async def test_publications_are_written_at_once_to_sockets_that_take_them_and_sent_to_others(
    tmp_path: Path,
) -> None:
    """The delivery pass writes each subscriber's frame at once where its socket takes it now;
    a socket that does not (a paused transport: `write` says False) gets the same frames, in
    order, through `send` from a task of its own, and holds up no one."""
    runtime = _runtime(tmp_path)
    written: list[str] = []

    def takes(texts: list[str]) -> bool:
        written.extend(texts)
        return True

    fast, slow = _Client(), _Client()
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
