"""The realtime websocket against hostile clients (issue 12, items 6 to 9): AppSync's limits on
client frames, everything a socket held released when it closes, AppSync's connection timeouts,
one client's data never breaking another client's socket, and deep JSON answered with
AppSync's error frame. Each while another client is still served (probes.py).

The server is the whole one (`build_app`, the fuzz API) on loopback, except for the timeouts,
which use the realtime test app (realtime_support.py) with short settings.
"""

from __future__ import annotations

import asyncio
import gc
import json
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from appsync.realtime.endpoint import RealtimeRuntime, RealtimeSettings
from appsync.realtime.messages import MAX_SUBSCRIPTION_PAYLOAD_BYTES
from schema.json_text import MAX_JSON_DEPTH
from tests.integration.conftest import APIS, Server, serve
from tests.integration.probes import Probe, served_meanwhile
from tests.integration.realtime_support import (
    API_KEY,
    Raw,
    RealtimeServer,
    api_key_header,
    b64url,
)
from tests.integration.realtime_support import serve as serve_realtime

FUZZ_CONFIG = APIS / "fuzz" / "appsync.yaml"
KEY = "da2-fuzztestkey000000000000000"
ON_PUT = "subscription S($id: ID) { onPutItem(id: $id) { id text } }"
UNSUPPORTED = {
    "type": "error",
    "id": "",
    "payload": {
        "errors": [
            {
                "errorType": "UnsupportedOperation",
                "message": "unknown not supported through the realtime channel",
            }
        ]
    },
}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serve(FUZZ_CONFIG) as running:
        yield running


def _probe(server: Server) -> Probe:
    return Probe(
        server.url,
        {"x-api-key": KEY},
        {"query": '{ echo(text: "probe") }'},
        {"data": {"echo": "probe"}},
    )


def _runtime(server: Server) -> RealtimeRuntime:
    runtime: RealtimeRuntime = server.app.state.api.realtime
    return runtime


@asynccontextmanager
async def _socket(server: Server) -> AsyncIterator[Raw]:
    """An acknowledged realtime socket to the fuzz API (API key in the subprotocol)."""
    headers = {"host": f"{server.host}:{server.port}", "x-api-key": KEY}
    url = f"ws://{server.host}:{server.port}/graphql/realtime"
    protocols = [Subprotocol("graphql-ws"), Subprotocol(f"header-{b64url(headers)}")]
    async with websockets.connect(url, subprotocols=protocols, max_size=None) as socket:
        client = Raw(socket)
        await client.send({"type": "connection_init"})
        assert (await client.receive())["type"] == "connection_ack"
        yield client


def _start(subscription_id: str, query: str, variables: dict[str, Any] | None = None) -> str:
    data = json.dumps({"query": query, "variables": variables or {}})
    authorization = {"x-api-key": KEY, "host": "local"}
    return json.dumps(
        {
            "id": subscription_id,
            "type": "start",
            "payload": {"data": data, "extensions": {"authorization": authorization}},
        }
    )


async def _subscribers(server: Server, count: int) -> None:
    for _ in range(1000):
        if _runtime(server).broker.subscriber_count("mutation:putItem") == count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"expected {count} subscribers")


@pytest.mark.anyio
async def test_a_frame_past_240_kb_closes_the_socket_with_1009(server: Server) -> None:
    """AppSync's one documented realtime message size (the 240 KB subscription payload quota)
    bounds client frames too: a 10 MB `start` was buffered whole and parsed."""

    async def oversized() -> ConnectionClosed:
        async with _socket(server) as client:
            # One byte past the limit: the server sees it only once the whole frame is in, so it
            # closes a connection with nothing left in flight and the client reads the code.
            size = len(_start("big", ON_PUT + " # ").encode())
            big = _start("big", ON_PUT + " # " + "x" * (MAX_SUBSCRIPTION_PAYLOAD_BYTES + 1 - size))
            assert len(big.encode()) == MAX_SUBSCRIPTION_PAYLOAD_BYTES + 1
            await client.socket.send(big)
            with pytest.raises(ConnectionClosed) as closed:
                await client.receive()
            return closed.value

    closed, _ = await served_meanwhile(_probe(server), oversized())
    assert closed.rcvd is not None
    assert closed.rcvd.code == 1009


# Allocations that outlive a request but belong to no socket: CPython's attribute-lookup cache
# keeps (a bounded number of) the method names graphql-core's visitors build per lookup.
_NOT_HELD_BY_SOCKETS = (
    tracemalloc.Filter(False, "*/graphql/language/visitor.py"),
    tracemalloc.Filter(False, "*/graphql/utilities/type_info.py"),
)


def _traced() -> int:
    snapshot = tracemalloc.take_snapshot().filter_traces(_NOT_HELD_BY_SOCKETS)
    return sum(stat.size for stat in snapshot.statistics("filename"))


@pytest.mark.anyio
async def test_a_closed_socket_leaves_none_of_its_documents_behind(server: Server) -> None:
    """100 subscriptions with distinct documents (the issue's were 1 MB each, and 188 MB stayed
    after the socket closed): held while the socket is open, all released when it closes, by
    the planner's own accounting and by tracemalloc."""
    documents = _runtime(server).planner.documents
    padding = "x" * 10_000
    gc.collect()
    tracemalloc.start()
    try:
        baseline = _traced()
        async with _socket(server) as client:
            for n in range(100):
                await client.socket.send(_start(f"s{n}", f"{ON_PUT} # {n} {padding}"))
                assert await client.receive() == {"type": "start_ack", "id": f"s{n}"}
            assert len(documents) == 100
            held = _traced() - baseline
        for _ in range(500):
            if _runtime(server).broker.subscriber_count("mutation:putItem") == 0:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        gc.collect()
        left = _traced() - baseline
    finally:
        tracemalloc.stop()
    assert len(documents) == 0
    assert held > 100 * 10_000
    assert left < held * 0.05, (held, left)


@pytest.mark.anyio
async def test_a_lone_surrogate_in_a_mutation_reaches_every_subscriber_escaped(
    server: Server,
) -> None:
    """A String holding "\\ud800" answered 500 in plain text after the mutation ran, and closed
    every subscriber's socket. Java's JSON writer escapes it (`\\uD800`); so does the server,
    in the HTTP answer and in each subscriber's frame, and every socket stays open."""
    async with _socket(server) as a, _socket(server) as b, _socket(server) as c:
        clients = [a, b, c]
        for index, client in enumerate(clients):
            await client.socket.send(_start(f"s{index}", ON_PUT))
            assert (await client.receive())["type"] == "start_ack"
        await _subscribers(server, 3)
        headers = {"x-api-key": KEY, "content-type": "application/json"}
        mutation = {
            "query": 'mutation M($t: String) { putItem(id: "1", text: $t) { id text } }',
            "variables": {"t": "lone \ud800 surrogate"},
        }

        async def mutate() -> httpx.Response:
            # Sent as most clients send it: `\ud800` escaped in the JSON text.
            async with httpx.AsyncClient() as http:
                return await http.post(server.url, content=json.dumps(mutation), headers=headers)

        response, _ = await served_meanwhile(_probe(server), mutate())
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert b"lone \\uD800 surrogate" in response.content
        assert response.json() == {
            "data": {"putItem": {"id": "1", "text": "lone \ud800 surrogate"}}
        }
        for index, client in enumerate(clients):
            raw = await asyncio.wait_for(client.socket.recv(), 10)
            assert isinstance(raw, str)
            assert "lone \\uD800 surrogate" in raw
            assert json.loads(raw) == {
                "type": "data",
                "id": f"s{index}",
                "payload": {"data": {"onPutItem": {"id": "1", "text": "lone \ud800 surrogate"}}},
            }
        # Every socket is still open and served.
        mutation["variables"] = {"t": "after"}
        async with httpx.AsyncClient() as http:
            await http.post(server.url, content=json.dumps(mutation), headers=headers)
        for client in clients:
            frame = await client.receive()
            assert frame["payload"] == {"data": {"onPutItem": {"id": "1", "text": "after"}}}


@pytest.mark.anyio
async def test_a_subscriber_that_stops_reading_holds_up_no_other(server: Server) -> None:
    """Large publications to two subscribers, one of which reads nothing: the server's writes
    to it back up (its transport pauses past a few MB on loopback), and the other still gets
    every frame, in order, at once; the slow one then gets them all too, in order."""
    count, size = 40, 200_000
    headers = {"host": f"{server.host}:{server.port}", "x-api-key": KEY}
    url = f"ws://{server.host}:{server.port}/graphql/realtime"
    protocols = [Subprotocol("graphql-ws"), Subprotocol(f"header-{b64url(headers)}")]
    # max_queue=1: the client stops reading its socket once a frame waits unread.
    async with (
        _socket(server) as fast,
        websockets.connect(url, subprotocols=protocols, max_size=None, max_queue=1) as raw,
    ):
        slow = Raw(raw)
        await slow.send({"type": "connection_init"})
        assert (await slow.receive())["type"] == "connection_ack"
        for client in (fast, slow):
            await client.socket.send(_start("s", ON_PUT))
            assert (await client.receive())["type"] == "start_ack"
        await _subscribers(server, 2)
        request = {"x-api-key": KEY, "content-type": "application/json"}
        async with httpx.AsyncClient(timeout=30) as http:
            for index in range(count):
                mutation = {
                    "query": 'mutation M($t: String) { putItem(id: "1", text: $t) { id text } }',
                    "variables": {"t": f"{index}:" + "x" * size},
                }
                response = await http.post(server.url, json=mutation, headers=request)
                assert response.status_code == 200
                frame = await fast.receive()
                assert frame["payload"]["data"]["onPutItem"]["text"].startswith(f"{index}:")
        received = [(await slow.receive())["payload"] for _ in range(count)]
        texts = [payload["data"]["onPutItem"]["text"] for payload in received]
        assert [text.split(":")[0] for text in texts] == [str(index) for index in range(count)]


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "frame",
    [
        DEEP,
        _start("deep", ON_PUT).replace('"data": ', '"data": ' + json.dumps(DEEP) + ', "x": ', 1),
    ],
    ids=["frame", "payload.data"],
)
@pytest.mark.anyio
async def test_a_100000_deep_frame_gets_an_error_frame_and_the_socket_stays(
    server: Server, frame: str
) -> None:
    """It raised RecursionError and dropped the sender's socket with a traceback."""

    async def deep() -> dict[str, Any]:
        async with _socket(server) as client:
            await client.socket.send(frame)
            answer = await client.receive()
            await client.socket.send(_start("after", ON_PUT))
            assert await client.receive() == {"type": "start_ack", "id": "after"}
            return answer

    answer, _ = await served_meanwhile(_probe(server), deep())
    assert answer == UNSUPPORTED


@pytest.mark.anyio
async def test_json_nested_past_the_bound_in_a_start_is_refused_like_malformed_json(
    server: Server,
) -> None:
    # `payload.data` is {"query", "variables": {"id": lists}}: two levels around the lists.
    nested = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    within = "[" * (MAX_JSON_DEPTH - 2) + "]" * (MAX_JSON_DEPTH - 2)
    async with _socket(server) as client:
        await client.socket.send(_start("over", ON_PUT, {"id": json.loads(nested)}))
        assert await client.receive() == UNSUPPORTED
        await client.socket.send(_start("within", ON_PUT, {"id": json.loads(within)}))
        answer = await client.receive()
        assert answer["type"] == "error"
        assert answer["id"] == "within"  # parsed; the variable is then refused as an ID


@pytest.mark.anyio
async def test_a_100000_deep_awsjson_argument_is_appsyncs_invalid_json_error(
    server: Server,
) -> None:
    """It answered 500 InternalFailureException."""

    async def deep_variable() -> httpx.Response:
        async with httpx.AsyncClient() as http:
            return await http.post(
                server.url,
                json={
                    "query": "query Q($v: AWSJSON) { json(value: $v) }",
                    "variables": {"v": DEEP},
                },
                headers={"x-api-key": KEY},
            )

    response, _ = await served_meanwhile(_probe(server), deep_variable())
    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["message"] == (
        f"Variable 'v' has an invalid value. Unable to parse `{DEEP}` as valid JSON."
    )
    async with httpx.AsyncClient() as http:
        literal = await http.post(
            server.url,
            json={"query": f'{{ json(value: "{DEEP}") }}'},
            headers={"x-api-key": KEY},
        )
    (error,) = literal.json()["errors"]
    assert error["message"] == (
        "Validation error of type WrongType: argument 'value' with value "
        f"'StringValue{{value='{DEEP}'}}' is not a valid 'AWSJSON' @ 'json'"
    )


# The timeouts, on the realtime test app with short settings.
@asynccontextmanager
async def _acknowledged(server: RealtimeServer) -> AsyncIterator[Raw]:
    protocols = [
        Subprotocol("graphql-ws"),
        Subprotocol(f"header-{b64url(api_key_header(server))}"),
    ]
    async with websockets.connect(server.realtime_url, subprotocols=protocols) as socket:
        client = Raw(socket)
        await client.send({"type": "connection_init"})
        assert await client.receive() == {
            "type": "connection_ack",
            "payload": {"connectionTimeoutMs": 300},
        }
        yield client


SHORT = RealtimeSettings(
    keep_alive_interval_seconds=0.05, connection_timeout_ms=300, first_frame_timeout_seconds=0.3
)


@pytest.fixture(scope="module")
def impatient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealtimeServer]:
    with serve_realtime(tmp_path_factory.mktemp("impatient"), settings=SHORT) as running:
        yield running


def _realtime_probe(server: RealtimeServer) -> Probe:
    return Probe(
        server.graphql_url,
        {"x-api-key": API_KEY},
        {"query": "{ __typename }"},
        {"data": {"__typename": "Query"}},
    )


async def _closed(socket: ClientConnection) -> tuple[list[dict[str, Any]], int | None]:
    """The frames a socket receives until the server closes it, and the close code."""
    frames: list[dict[str, Any]] = []
    try:
        async for text in socket:
            frames.append(json.loads(text))
    except ConnectionClosed:
        pass
    return frames, socket.close_code


@pytest.mark.anyio
async def test_a_socket_that_says_nothing_is_closed(impatient: RealtimeServer) -> None:
    async def silent() -> tuple[list[dict[str, Any]], int | None]:
        protocols = [
            Subprotocol("graphql-ws"),
            Subprotocol(f"header-{b64url(api_key_header(impatient))}"),
        ]
        async with websockets.connect(impatient.realtime_url, subprotocols=protocols) as socket:
            return await asyncio.wait_for(_closed(socket), 10)

    (frames, code), _ = await served_meanwhile(_realtime_probe(impatient), silent())
    assert {frame["type"] for frame in frames} <= {"ka"}
    assert code == 1000


@pytest.mark.anyio
async def test_a_socket_whose_credentials_were_refused_is_closed_after_its_connection_error(
    impatient: RealtimeServer,
) -> None:
    """Without sending a frame: the connection_error comes once the wait for one is over."""

    async def refused() -> tuple[list[dict[str, Any]], int | None]:
        header = {**api_key_header(impatient), "x-api-key": "da2-notakeyatall00000000000000"}
        protocols = [Subprotocol("graphql-ws"), Subprotocol(f"header-{b64url(header)}")]
        async with websockets.connect(impatient.realtime_url, subprotocols=protocols) as socket:
            return await asyncio.wait_for(_closed(socket), 10)

    (frames, code), _ = await served_meanwhile(_realtime_probe(impatient), refused())
    assert [frame["type"] for frame in frames] == ["connection_error"]
    assert frames[0]["payload"]["errors"][0]["errorType"].endswith("UnauthorizedException")
    assert code == 1000


@pytest.mark.anyio
async def test_a_socket_without_subscriptions_is_closed_after_connection_timeout(
    impatient: RealtimeServer,
) -> None:
    """One acknowledged socket holding no subscription, one holding one: past
    connectionTimeoutMs the first is closed, the second still gets its `ka`."""
    async with _acknowledged(impatient) as idle, _acknowledged(impatient) as subscribed:
        await subscribed.send(
            {
                "id": "held",
                "type": "start",
                "payload": {
                    "data": json.dumps({"query": "subscription { onAddTodo { id } }"}),
                    "extensions": {"authorization": api_key_header(impatient)},
                },
            }
        )
        assert await subscribed.receive() == {"type": "start_ack", "id": "held"}
        (frames, code), _ = await served_meanwhile(
            _realtime_probe(impatient), asyncio.wait_for(_closed(idle.socket), 10)
        )
        assert {frame["type"] for frame in frames} <= {"ka"}
        assert code == 1000
        await asyncio.sleep(0.4)  # past connectionTimeoutMs again
        assert await subscribed.receive(skip_ka=False) == {"type": "ka"}
