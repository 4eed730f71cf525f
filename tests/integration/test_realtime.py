"""Realtime connection protocol on a real uvicorn socket, with real clients: the handshake
(credentials, subprotocols), start/data/stop/complete frames, keep-alives, start errors,
the per-socket subscription limit and frame order.

The test app and server are in realtime_support.py. Expected frames and texts are AppSync's
(reference/appsync.md 3.3, 3.4 and 6).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import websockets
from gql import Client
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from gql.transport.async_transport import AsyncTransport
from gql.transport.exceptions import TransportServerError
from gql.transport.websockets import WebsocketsTransport
from websockets.typing import Subprotocol

from appsync.realtime.endpoint import RealtimeSettings
from tests.fixtures.realtime_errors import CONNECTION_UNAUTHORIZED, HEADERS_MISSING
from tests.integration.realtime_support import (
    ADD_ANN,
    API_KEY,
    ON_ADD,
    RealtimeServer,
    api_key_header,
    b64url,
    mutate,
    raw_client,
    received_through_gql,
    serve,
    wait_for_subscribers,
)

# Imported for its side: it registers the module's `server` fixture.
from tests.integration.realtime_support import realtime_server as realtime_server


@pytest.mark.anyio
async def test_gql_appsync_transport_receives_a_mutation(server: RealtimeServer) -> None:
    auth = AppSyncApiKeyAuthentication(host=f"{server.host}:{server.port}", api_key=API_KEY)
    transport = AppSyncWebsocketsTransport(url=server.graphql_url.replace("http", "ws"), auth=auth)
    received = await received_through_gql(
        server, transport, "subscription { onAddTodo { id name owner } }"
    )
    assert received == [{"onAddTodo": {"id": "1", "name": "milk", "owner": "ann"}}]


@pytest.mark.anyio
@pytest.mark.parametrize(
    "subprotocol_auth", [True, False], ids=["header-subprotocol", "query-string"]
)
async def test_raw_frames_start_data_stop_complete(
    server: RealtimeServer, subprotocol_auth: bool
) -> None:
    async with raw_client(server, subprotocol_auth=subprotocol_auth) as client:
        ack = await client.start("s1", ON_ADD, {}, api_key_header(server))
        assert ack == {"type": "start_ack", "id": "s1"}
        await mutate(server, ADD_ANN)
        assert await client.receive() == {
            "type": "data",
            "id": "s1",
            "payload": {"data": {"onAddTodo": {"id": "1", "name": "milk", "owner": "ann"}}},
        }
        await client.send({"type": "stop", "id": "s1"})
        assert await client.receive() == {"type": "complete", "id": "s1"}
        await wait_for_subscribers(server, 0)


@pytest.mark.anyio
async def test_start_with_an_invalid_document_is_a_validation_error(server: RealtimeServer) -> None:
    async with raw_client(server) as client:
        frame = await client.start(
            "s", "subscription { onAddTodo { nope } }", {}, api_key_header(server)
        )
        assert frame["type"] == "error"
        assert frame["id"] == "s"
        [error] = frame["payload"]["errors"]
        # amplify-swift#1589: graphql-java's validation wording, without an errorType.
        assert error["message"].startswith("Validation error of type FieldUndefined:")
        assert "errorType" not in error


@pytest.mark.anyio
async def test_a_query_is_not_supported_through_the_realtime_channel(
    server: RealtimeServer,
) -> None:
    async with raw_client(server) as client:
        frame = await client.start("q", '{ getTodo(id: "1") { id } }', {}, api_key_header(server))
        assert frame["payload"]["errors"] == [
            {
                "errorType": "UnsupportedOperation",
                "message": "query not supported through the realtime channel",
            }
        ]


@pytest.mark.anyio
async def test_one_socket_carries_up_to_100_subscriptions(server: RealtimeServer) -> None:
    async with raw_client(server) as client:
        for index in range(100):
            assert (await client.start(f"s{index}", ON_ADD, {}, api_key_header(server)))[
                "type"
            ] == "start_ack"
        refused = await client.start("s100", ON_ADD, {}, api_key_header(server))
        assert refused == {
            "type": "error",
            "id": "s100",
            "payload": {
                "errors": {
                    "errorType": "MaxSubscriptionsReachedError",
                    "message": "Max number of 100 subscriptions reached",
                }
            },
        }
        await mutate(server, ADD_ANN)
        ids = {(await client.receive())["id"] for _ in range(100)}
        assert ids == {f"s{index}" for index in range(100)}
    await wait_for_subscribers(server, 0)


@pytest.mark.anyio
async def test_a_handshake_without_credentials_is_accepted_then_told_headers_are_missing(
    server: RealtimeServer,
) -> None:
    # The upgrade succeeds (no HTTP 401): the client learns why from its first frame's answer.
    answer = await _first_frame_answer(server, [Subprotocol("graphql-ws")])
    assert answer == {"type": "connection_error", "payload": {"errors": [HEADERS_MISSING]}}


async def _first_frame_answer(
    server: RealtimeServer, subprotocols: list[Subprotocol]
) -> dict[str, Any]:
    """The answer to `connection_init` on a socket opened with these subprotocols; the server
    closes the socket after it."""
    async with websockets.connect(server.realtime_url, subprotocols=subprotocols) as socket:
        assert socket.subprotocol == "graphql-ws"
        await socket.send('{"type":"connection_init"}')
        answer: dict[str, Any] = json.loads(await socket.recv())
        with pytest.raises(websockets.ConnectionClosed):
            await socket.recv()
    return answer


@pytest.mark.anyio
async def test_gql_without_credentials_gets_the_headers_missing_connection_error(
    server: RealtimeServer,
) -> None:
    # gql's plain graphql-ws transport: a real client that sends no AppSync auth at all.
    transport = WebsocketsTransport(url=server.realtime_url, subprotocols=["graphql-ws"])
    assert repr({"errors": [HEADERS_MISSING]}) in await _gql_connection_error(transport)


async def _gql_connection_error(transport: AsyncTransport) -> str:
    """What gql raises when the server answers its `connection_init` with connection_error."""
    with pytest.raises(TransportServerError) as refused:
        async with Client(transport=transport):
            pass
    return str(refused.value)


@pytest.mark.anyio
async def test_a_handshake_with_a_wrong_key_gets_connection_error(server: RealtimeServer) -> None:
    headers = {**api_key_header(server), "x-api-key": "da2-wrong"}
    protocols = [Subprotocol("graphql-ws"), Subprotocol(f"header-{b64url(headers)}")]
    answer = await _first_frame_answer(server, protocols)
    assert answer == {"type": "connection_error", "payload": {"errors": [CONNECTION_UNAUTHORIZED]}}


@pytest.mark.anyio
async def test_gql_appsync_transport_with_a_wrong_key_gets_unauthorized_401(
    server: RealtimeServer,
) -> None:
    auth = AppSyncApiKeyAuthentication(host=f"{server.host}:{server.port}", api_key="da2-wrong")
    transport = AppSyncWebsocketsTransport(url=server.graphql_url.replace("http", "ws"), auth=auth)
    assert repr({"errors": [CONNECTION_UNAUTHORIZED]}) in await _gql_connection_error(transport)


@pytest.mark.anyio
async def test_the_first_ka_follows_connection_ack_at_once(server: RealtimeServer) -> None:
    # The server's keep-alive period is an hour here: only the ka sent with the ack can come.
    headers = api_key_header(server)
    protocols = [Subprotocol("graphql-ws"), Subprotocol(f"header-{b64url(headers)}")]
    async with websockets.connect(server.realtime_url, subprotocols=protocols) as socket:
        await socket.send('{"type":"connection_init"}')
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "ka"}


@pytest.mark.anyio
async def test_keep_alive_frames_flow(tmp_path: Path) -> None:
    settings = RealtimeSettings(keep_alive_interval_seconds=0.05)
    with serve(tmp_path, settings=settings) as fast:
        async with raw_client(fast) as client:
            # Beyond the one that came with the ack: the periodic ones.
            assert await client.receive(skip_ka=False) == {"type": "ka"}
            assert await client.receive(skip_ka=False) == {"type": "ka"}


@pytest.mark.anyio
async def test_a_handshake_without_the_graphql_ws_subprotocol_is_refused(
    server: RealtimeServer,
) -> None:
    entry = Subprotocol(f"header-{b64url(api_key_header(server))}")
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(server.realtime_url, subprotocols=[entry]):
            pass
    assert refused.value.response.status_code == 400
    # Compact JSON, as every other body the server writes.
    assert refused.value.response.body == (
        b'{"errors":[{"errorType":"BadRequestException","message":"Unsupported subprotocol"}]}'
    )


@pytest.mark.anyio
async def test_data_frames_keep_the_order_of_the_mutations(server: RealtimeServer) -> None:
    async with raw_client(server) as client:
        await client.start("o", ON_ADD, {"owner": "order"}, api_key_header(server))
        for n in range(20):
            await mutate(
                server,
                f'mutation {{ addTodo(id: "{n}", name: "n", owner: "order") {{ id name owner }} }}',
            )
        frames = [await client.receive() for _ in range(20)]
    assert [frame["payload"]["data"]["onAddTodo"]["id"] for frame in frames] == [
        str(n) for n in range(20)
    ]
