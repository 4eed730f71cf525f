"""The console API on the real server, with real clients: gql over HTTP and over
graphql-transport-ws (the protocol of the front end's graphql-ws client), and a bare websocket
client for the refusals a browser page on another origin, or a client without the token, gets.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from gql import Client, GraphQLRequest, gql
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.integration.conftest import BLOG_CONFIG, BLOG_KEY, Server, serve

pytestmark = pytest.mark.anyio
TRANSPORT_WS = "graphql-transport-ws"


@pytest.fixture(scope="module")
def blog() -> Iterator[Server]:
    with serve(BLOG_CONFIG) as server:
        yield server


def _token(server: Server) -> str:
    token: str = server.app.state.console.token.value
    return token


def _console(server: Server) -> str:
    return f"http://{server.host}:{server.port}/console/graphql"


async def test_a_gql_client_reads_the_api_definition(blog: Server) -> None:
    transport = HTTPXAsyncTransport(
        url=_console(blog), headers={"authorization": f"Bearer {_token(blog)}"}
    )
    async with Client(transport=transport, fetch_schema_from_transport=True) as session:
        listed = await session.execute(gql("{ listGraphqlApis { graphqlApis { name uris } } }"))
    [api] = listed["listGraphqlApis"]["graphqlApis"]
    assert api == {
        "name": "blog",
        "uris": {
            "GRAPHQL": f"http://{blog.host}:{blog.port}/graphql",
            "REALTIME": f"ws://{blog.host}:{blog.port}/graphql/realtime",
        },
    }


async def test_the_resolver_log_streams_each_request(blog: Server) -> None:
    transport = WebsocketsTransport(
        url=_console(blog).replace("http", "ws"),
        subprotocols=[TRANSPORT_WS],
        init_payload={"authorization": f"Bearer {_token(blog)}"},
    )
    subscription = gql("subscription { onResolverLog { operationName query entries { logType } } }")
    async with Client(transport=transport) as session:
        stream = session.subscribe(subscription)
        first = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.2)
        api = Client(transport=HTTPXAsyncTransport(url=blog.url, headers={"x-api-key": BLOG_KEY}))
        async with api as client:
            ping = GraphQLRequest('query Ping { echo(message: "logged") }', operation_name="Ping")
            answered = await client.execute(ping)
        assert answered == {"echo": "logged"}
        logged: dict[str, Any] = await asyncio.wait_for(first, 10)
        await stream.aclose()
    request = logged["onResolverLog"]
    assert request["operationName"] == "Ping"
    assert "echo" in request["query"]
    assert [entry["logType"] for entry in request["entries"]] == [
        "RequestMapping",
        "ResponseMapping",
        "Tracing",
    ]


async def test_a_socket_without_the_token_is_closed(blog: Server) -> None:
    url = _console(blog).replace("http", "ws")
    for payload in ({}, {"authorization": "Bearer not-it"}):
        async with websockets.connect(url, subprotocols=[TRANSPORT_WS]) as socket:  # type: ignore[list-item]
            await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
            with pytest.raises(ConnectionClosed) as closed:
                await socket.recv()
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "Forbidden")


async def test_a_socket_from_another_origin_is_refused(blog: Server) -> None:
    # A page on another origin can open a websocket anywhere (no CORS for websockets); the
    # handshake is refused before the token could even be tried.
    url = _console(blog).replace("http", "ws")
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(
            url,
            subprotocols=[TRANSPORT_WS],  # type: ignore[list-item]
            origin="http://evil.example",  # type: ignore[arg-type]
        )
    assert refused.value.response.status_code == 403
    same = f"http://{blog.host}:{blog.port}"
    async with websockets.connect(url, subprotocols=[TRANSPORT_WS], origin=same) as socket:  # type: ignore[list-item, arg-type]
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {_token(blog)}"}}
        await socket.send(json.dumps(init))
        assert json.loads(await socket.recv()) == {"type": "connection_ack"}
