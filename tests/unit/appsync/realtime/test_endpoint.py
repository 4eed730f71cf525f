"""The realtime websocket as an ASGI app, driven in-process by ASGI messages (no socket): the
handshake's refusal or acceptance (graphql-ws), a subscription from `start` to `data`, and the
publishing entry points the mutation path calls (reference/appsync.md 3.3, 3.4 and 6)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from graphql import parse

from appsync.pubsub import Inbox, PublicationKind, topic_name
from resolvers.errors import ResolverError
from tests.fixtures.realtime_errors import CONNECTION_UNAUTHORIZED, HEADERS_MISSING
from tests.unit.appsync.realtime.asgi_socket import (
    HEADERS,
    AsgiClient,
    runtime_of,
    socket_scope,
    start,
)


async def _first_frame_answer(folder: Path, header: dict[str, str] | None) -> dict[str, Any]:
    """The upgrade of a socket with this handshake header (None: no auth header at all) is
    accepted with graphql-ws; returns the answer to its `connection_init`, after which the
    server closes the socket with 1000."""
    client = AsgiClient()
    client.to_app.put_nowait({"type": "websocket.connect"})
    socket = asyncio.create_task(
        runtime_of(folder)(socket_scope(header), client.receive, client.send)
    )
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
    client = AsgiClient()
    client.to_app.put_nowait({"type": "websocket.connect"})
    scope = {**socket_scope(None), "subprotocols": []}
    socket = asyncio.create_task(runtime_of(tmp_path)(scope, client.receive, client.send))
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
    client = AsgiClient()
    client.to_app.put_nowait({"type": "websocket.connect"})
    scope = {**socket_scope(HEADERS), "subprotocols": []}
    await runtime_of(tmp_path)(scope, client.receive, client.send)
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
    runtime = runtime_of(tmp_path)
    client = AsgiClient()
    client.to_app.put_nowait({"type": "websocket.connect"})
    socket = asyncio.create_task(runtime(socket_scope(HEADERS), client.receive, client.send))
    accepted = await asyncio.wait_for(client.from_app.get(), 5)
    assert accepted == {"type": "websocket.accept", "subprotocol": "graphql-ws", "headers": []}
    client.frame({"type": "connection_init"})
    assert await client.next_frame() == {
        "type": "connection_ack",
        "payload": {"connectionTimeoutMs": 300000},
    }
    assert await client.next_frame() == {"type": "ka"}
    start(client, 'subscription { onAddPost(id: "p1") { id title } }')
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
    runtime = runtime_of(tmp_path)
    client = AsgiClient()
    client.to_app.put_nowait({"type": "websocket.connect"})
    socket = asyncio.create_task(runtime(socket_scope(HEADERS), client.receive, client.send))
    await asyncio.wait_for(client.from_app.get(), 5)
    client.frame({"type": "connection_init"})
    assert await client.next_frame() == {"type": "connection_ack", "payload": ANY}
    assert await client.next_frame() == {"type": "ka"}  # sent right after the ack
    start(client, 'subscription { onAddPost(id: "p1") { id } }')
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
    assert runtime_of(tmp_path).paths() == ("/graphql/realtime", "/graphql")


@pytest.mark.anyio
async def test_a_mutation_result_is_published_per_field_and_a_query_not_at_all(
    tmp_path: Path,
) -> None:
    runtime = runtime_of(tmp_path)
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
    runtime = runtime_of(tmp_path)
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
