"""The console API on the real server, with real clients: gql over HTTP and over
graphql-transport-ws (the protocol of the front end's graphql-ws client), and a bare websocket
client for the refusals a browser page on another origin, or a client without the token, gets.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets
from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.conftest import REPO_ROOT
from tests.integration.conftest import BLOG_CONFIG, BLOG_KEY, Server, serve, subscribed

pytestmark = pytest.mark.anyio
TRANSPORT_WS = "graphql-transport-ws"
TASKS_CONFIG = REPO_ROOT / "examples" / "tasks" / "appsync.yaml"
TASKS_KEY = "da2-localtasksexamplekey00000"
LOGGED_REQUEST = """
  query Log { resolverLog(limit: 5) {
    operationName query variables statusCode errors
    entries { logType parentType fieldName path transformedTemplate context fieldInError }
  } }
"""


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


@pytest.fixture(scope="module")
def tasks() -> Iterator[Server]:
    with serve(TASKS_CONFIG) as server:
        yield server


async def _resolver_log(server: Server) -> list[dict[str, Any]]:
    transport = HTTPXAsyncTransport(
        url=_console(server), headers={"authorization": f"Bearer {_token(server)}"}
    )
    async with Client(transport=transport) as session:
        logged = await session.execute(gql(LOGGED_REQUEST))
    requests: list[dict[str, Any]] = logged["resolverLog"]
    return requests


async def test_a_subscription_start_is_logged_with_its_resolver(tasks: Server) -> None:
    """A `start` over AppSync's realtime protocol is in the resolver log as a request: AppSync
    logs "subscription registrations" at request level, and the subscription field's resolver
    runs then (appsync/realtime/start_log.py cites both). Its JavaScript request handler sets
    the filter and returns `{payload: null}`."""
    async with httpx.AsyncClient(timeout=10) as http:
        opened = await http.get(f"http://{tasks.host}:{tasks.port}/console/config.json")
    assert opened.status_code == 200  # a console opened: the log is armed
    auth = AppSyncApiKeyAuthentication(host=f"{tasks.host}:{tasks.port}", api_key=TASKS_KEY)
    transport = AppSyncWebsocketsTransport(url=tasks.url.replace("http", "ws"), auth=auth)
    started = GraphQLRequest(
        "subscription Created($project: ID!) "
        "{ onTaskCreated(projectId: $project, minPriority: 2) { title } }",
        variable_values={"project": "engine"},
        operation_name="Created",
    )
    async with Client(transport=transport) as session:
        stream = session.subscribe(started)
        waiting = asyncio.ensure_future(anext(stream))
        await subscribed(tasks, "mutation:createTask")
        logged = await _resolver_log(tasks)
        waiting.cancel()
        refused = GraphQLRequest(
            "subscription Nothing { onTaskCreated { title } }", operation_name="Nothing"
        )
        with pytest.raises(TransportQueryError):
            async for _ in session.subscribe(refused):
                pass
    [start] = [request for request in logged if request["operationName"] == "Created"]
    assert "onTaskCreated(projectId: $project" in start["query"]
    assert start["variables"] == {"project": "engine"}
    assert (start["statusCode"], start["errors"]) == (200, [])
    assert [entry["logType"] for entry in start["entries"]] == [
        "RequestMapping",
        "ResponseMapping",
        "Tracing",
    ]
    request_mapping = start["entries"][0]
    assert (request_mapping["parentType"], request_mapping["fieldName"]) == (
        "Subscription",
        "onTaskCreated",
    )
    assert request_mapping["path"] == ["onTaskCreated"]
    assert json.loads(request_mapping["transformedTemplate"]) == {"payload": None}
    assert request_mapping["context"]["arguments"] == {"projectId": "engine", "minPriority": 2}
    assert request_mapping["fieldInError"] is False
    [failed] = [
        request for request in await _resolver_log(tasks) if request["operationName"] == "Nothing"
    ]
    # Refused at validation (projectId is required): the request, without field events.
    assert (failed["statusCode"], failed["entries"]) == (400, [])
