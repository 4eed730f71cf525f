"""The delivery pass on real sockets (`realtime/delivery.py`, `RealtimeSocket.deliver_now`): a
burst of publications reaches many sockets, each subscription's frames filtered (argument,
PYTHON and VTL enhanced filters) and in publication order, byte for byte AppSync's data frame;
sockets closing while a publication is delivered stop no other; a subscriber that reads nothing
holds up no one and holds at most its inbox's capacity of publications on the server (the
oldest dropped, logged). Each on the server's native sockets and through the ASGI app.

AppSync's frame and filter behaviour: reference/appsync.md 3.3 and 3.4 ("Building a real-time
WebSocket client", the `data` message; "Enhanced subscription filtering").
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets
from websockets.typing import Subprotocol

from appsync.realtime.endpoint import RealtimeSettings
from tests.integration.realtime_support import (
    API_KEY,
    Raw,
    RealtimeServer,
    api_key_header,
    b64url,
    raw_client,
    serve,
    wait_for_subscribers,
)
from tests.integration.realtime_support import (
    realtime_server as realtime_server,
)

TODO = "{ id name owner priority }"
# Subscriptions of each kind, by the id their frames carry: ids of several shapes (a UUID as
# Amplify sends, quotes and backslashes, non-ASCII) so each frame's id is written as JSON.
SUBSCRIPTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "0f8fad5b-d9cb-469f-a165-70867728950e": (
        "subscription S { onAddTodo " + TODO + " }",
        {},
    ),
    'ann "quoted" \\': (
        "subscription S($owner: String) { onAddTodo(owner: $owner) " + TODO + " }",
        {"owner": "ann"},
    ),
    "bob-é": (
        "subscription S($owner: String) { onAddTodo(owner: $owner) " + TODO + " }",
        {"owner": "bob"},
    ),
    "important": ("subscription S { onImportantTodo " + TODO + " }", {}),
    "group-ann": (
        "subscription S($group: String!) { onGroupTodo(group: $group) " + TODO + " }",
        {"group": "ann"},
    ),
}
# Who gets what: the argument filter (equality on the subscription's non-null arguments), the
# PYTHON resolver's enhanced filter (priority >= 5), the VTL one (owner == group).
RECEIVES: dict[str, Callable[[dict[str, Any]], bool]] = {
    "0f8fad5b-d9cb-469f-a165-70867728950e": lambda todo: True,
    'ann "quoted" \\': lambda todo: todo["owner"] == "ann",
    "bob-é": lambda todo: todo["owner"] == "bob",
    "important": lambda todo: todo["priority"] >= 5,
    "group-ann": lambda todo: todo["owner"] == "ann",
}
FIELD = {"important": "onImportantTodo", "group-ann": "onGroupTodo"}
# The burst, then one for ann and one for bob at priority 9 that every subscription gets one of
# (so a frame that should not have come would show before them).
BURST = [("ann", 1), ("bob", 7), ("cy", 5), ("ann", 6), ("bob", 2), ("cy", 0)]
TODOS = [
    {"id": str(index), "name": f"n{index}", "owner": owner, "priority": priority}
    for index, (owner, priority) in enumerate([*BURST, ("ann", 9), ("bob", 9)])
]
ADD = (
    "mutation A($id: ID!, $name: String!, $owner: String, $priority: Int) "
    "{ addTodo(id: $id, name: $name, owner: $owner, priority: $priority) " + TODO + " }"
)


def _expected(subscription_id: str) -> list[dict[str, Any]]:
    field = FIELD.get(subscription_id, "onAddTodo")
    return [
        {"type": "data", "id": subscription_id, "payload": {"data": {field: todo}}}
        for todo in TODOS
        if RECEIVES[subscription_id](todo)
    ]


async def _publish(server: RealtimeServer, todos: list[dict[str, Any]]) -> None:
    """Each todo's mutation, one after the other, without waiting for any delivery."""
    async with httpx.AsyncClient(timeout=30) as http:
        for todo in todos:
            response = await http.post(
                server.graphql_url,
                json={"query": ADD, "variables": todo},
                headers={"x-api-key": API_KEY},
            )
            assert response.status_code == 200
            assert "errors" not in response.json()


async def _frames(client: Raw, count: int) -> list[str]:
    """The next `count` data frames' texts, as they came."""
    texts: list[str] = []
    while len(texts) < count:
        text = await asyncio.wait_for(client.socket.recv(), 10)
        assert isinstance(text, str)
        if json.loads(text)["type"] != "ka":
            texts.append(text)
    return texts


@pytest.mark.anyio
async def test_a_burst_reaches_every_socket_filtered_in_order_as_appsyncs_frames(
    server: RealtimeServer,
) -> None:
    sockets = 12
    async with AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(raw_client(server)) for _ in range(sockets)]
        for client in clients:
            for subscription_id, (query, variables) in SUBSCRIPTIONS.items():
                ack = await client.start(subscription_id, query, variables, api_key_header(server))
                assert ack == {"type": "start_ack", "id": subscription_id}
        await wait_for_subscribers(server, sockets * len(SUBSCRIPTIONS))
        await _publish(server, TODOS)
        expected = {subscription_id: _expected(subscription_id) for subscription_id in RECEIVES}
        total = sum(len(frames) for frames in expected.values())
        for client in clients:
            texts = await _frames(client, total)
            got: dict[str, list[dict[str, Any]]] = {}
            for text in texts:
                frame = json.loads(text)
                # The data frame as AppSync writes it: compact JSON, type, id, payload.
                assert text == json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
                got.setdefault(frame["id"], []).append(frame)
            assert got == expected


@asynccontextmanager
async def _subscribed(server: RealtimeServer, subscription_id: str) -> AsyncIterator[Raw]:
    async with raw_client(server) as client:
        query, variables = SUBSCRIPTIONS[subscription_id]
        ack = await client.start(subscription_id, query, variables, api_key_header(server))
        assert ack["type"] == "start_ack"
        yield client


@pytest.mark.anyio
async def test_sockets_closing_while_a_publication_is_delivered_stop_no_other(
    server: RealtimeServer,
) -> None:
    """Half the sockets are dropped (no close handshake) right after each mutation is sent, as
    the pass may be writing to them; the others get every frame in order, the dropped ones
    leave the broker, and the next publication reaches the rest."""
    everyone = "0f8fad5b-d9cb-469f-a165-70867728950e"
    count = 40
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(_subscribed(server, everyone)) for _ in range(count)
        ]
        await wait_for_subscribers(server, count)
        staying = clients[::2]
        dropping = iter(clients[1::2])
        async with httpx.AsyncClient(timeout=30) as http:
            for todo in TODOS:
                sent = asyncio.ensure_future(
                    http.post(
                        server.graphql_url,
                        json={"query": ADD, "variables": todo},
                        headers={"x-api-key": API_KEY},
                    )
                )
                for _ in range(3):
                    dropped = next(dropping, None)
                    if dropped is not None:
                        dropped.socket.transport.abort()
                    await asyncio.sleep(0)
                assert (await sent).status_code == 200
        expected = _expected(everyone)
        for client in staying:
            assert [json.loads(text) for text in await _frames(client, len(expected))] == expected
        await wait_for_subscribers(server, len(staying))
        await _publish(server, TODOS[:1])
        for client in staying:
            (text,) = await _frames(client, 1)
            assert json.loads(text)["payload"]["data"]["onAddTodo"] == TODOS[0]


CAPACITY = 4


@pytest.fixture(scope="module", params=["native", "asgi"])
def small_inboxes(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[RealtimeServer]:
    """A server whose subscriptions each hold at most CAPACITY publications undelivered."""
    settings = RealtimeSettings(keep_alive_interval_seconds=3600, inbox_capacity=CAPACITY)
    folder = tmp_path_factory.mktemp("realtime-delivery")
    with serve(folder, settings=settings, native=request.param == "native") as running:
        yield running


@pytest.mark.anyio
async def test_a_subscriber_that_reads_nothing_holds_up_no_one_and_its_inbox_stays_bounded(
    small_inboxes: RealtimeServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Publications of about 200 KB to subscribers of which one reads nothing: once the kernel's
    buffers and the transport's fill, its socket waits, the others get every frame at once and in
    order; the stalled one's inbox keeps at most CAPACITY publications, dropping the oldest (the
    server's memory for it stays bounded), and once it reads it gets what was kept, in order."""
    server, everyone = small_inboxes, "0f8fad5b-d9cb-469f-a165-70867728950e"
    headers = api_key_header(server)
    protocols = [Subprotocol("graphql-ws"), Subprotocol(f"header-{b64url(headers)}")]
    # max_queue=1: the client stops reading its socket once a frame waits unread.
    async with (
        _subscribed(server, everyone) as first,
        _subscribed(server, everyone) as second,
        websockets.connect(
            server.realtime_url, subprotocols=protocols, max_size=None, max_queue=1
        ) as raw,
    ):
        stalled = Raw(raw)
        await stalled.send({"type": "connection_init"})
        assert (await stalled.receive())["type"] == "connection_ack"
        query, variables = SUBSCRIPTIONS[everyone]
        assert (await stalled.start(everyone, query, variables, headers))["type"] == "start_ack"
        await wait_for_subscribers(server, 3)
        count = 80
        todos = [
            {"id": str(index), "name": f"{index}:" + "x" * 200_000, "owner": "o", "priority": 0}
            for index in range(count)
        ]
        for todo in todos:
            await _publish(server, [todo])
            for client in (first, second):
                (text,) = await _frames(client, 1)
                assert json.loads(text)["payload"]["data"]["onAddTodo"]["id"] == todo["id"]
        behind = [record for record in caplog.records if "publications behind" in record.message]
        assert behind, "the stalled subscriber's inbox never filled"
        assert all(f"is {CAPACITY} publications behind" in r.message for r in behind)
        received: list[int] = []
        while not received or received[-1] != count - 1:
            frame = await stalled.receive()
            received.append(int(frame["payload"]["data"]["onAddTodo"]["id"]))
        # In order, the last one there, and some in between dropped.
        assert received == sorted(set(received))
        assert len(received) < count
