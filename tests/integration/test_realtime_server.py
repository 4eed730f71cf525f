"""Realtime through the whole server (`appsync.app.build_app` from an API definition): the
Executor publishes mutations and `extensions.invalidateSubscriptions` calls to the realtime
runtime the app built, with AppSync's limit of five unique calls per request (Extensions
reference: past that "you will receive a GraphQL error")."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from appsync.app import build_app
from definition.appsync_yaml.api import read_appsync_yaml
from tests.integration.conftest import Server, serve
from tests.integration.test_realtime_wsproto import running_uvicorn

API_KEY = "da2-realtimeservertestkey0000"

SDL = """
type Todo {
  id: ID!
  owner: String
}
type Query { getTodo(id: ID!): Todo }
type Mutation {
  addTodo(id: ID!, owner: String): Todo
  removeOwners(owners: [String!]!): Todo
  invalidateBadly(owner: String!): Todo
}
type Subscription {
  onAddTodo(owner: String): Todo @aws_subscribe(mutations: ["addTodo"])
  onOwnerTodo(owner: String!): Todo @aws_subscribe(mutations: ["addTodo"])
}
"""

DEFINITION = f"""
name: realtime-server
schema: schema.graphql
authenticationType: API_KEY
apiKeys:
  - id: {API_KEY}
dataSources:
  - {{name: Local, type: NONE}}
resolvers:
  - {{typeName: Mutation, fieldName: addTodo, dataSourceName: Local, code: add_todo.py}}
  - {{typeName: Mutation, fieldName: removeOwners, dataSourceName: Local, code: remove_owners.py}}
  - {{typeName: Mutation, fieldName: invalidateBadly, dataSourceName: Local, code: badly.py}}
  - {{typeName: Subscription, fieldName: onOwnerTodo, dataSourceName: Local, code: owner.py}}
"""

CODE = {
    "add_todo.py": """
def request(ctx):
    return {"payload": ctx.args}

def response(ctx):
    return ctx.result
""",
    "remove_owners.py": """
def request(ctx):
    return {"payload": {"id": "0"}}

def response(ctx):
    for owner in ctx.args["owners"]:
        extensions.invalidateSubscriptions(
            {"subscriptionField": "onOwnerTodo", "payload": {"owner": owner}}
        )
    return ctx.result
""",
    "badly.py": """
def request(ctx):
    return {"payload": {"id": "0"}}

def response(ctx):
    extensions.invalidateSubscriptions(
        {"subscriptionField": "onOwnerTodo", "payload": {"owner": ctx.args["owner"]}}
    )
    extensions.invalidateSubscriptions({"subscriptionField": "onOwnerTodo", "owner": "x"})
    return ctx.result
""",
    # The Extensions reference's invalidation example, on the subscription's own argument.
    "owner.py": """
def request(ctx):
    return {"payload": None}

def response(ctx):
    extensions.setSubscriptionInvalidationFilter(
        {"filterGroup": [{"filters": [
            {"fieldName": "owner", "operator": "eq", "value": ctx.args["owner"]}
        ]}]}
    )
    return None
""",
}

ON_OWNER = "subscription S($owner: String!) { onOwnerTodo(owner: $owner) { id owner } }"


def write_api(folder: Path) -> Path:
    (folder / "schema.graphql").write_text(SDL)
    (folder / "appsync.yaml").write_text(DEFINITION)
    for name, text in CODE.items():
        (folder / name).write_text(text)
    return folder / "appsync.yaml"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(write_api(tmp_path_factory.mktemp("realtime-server"))) as server:
        yield server


class Socket:
    def __init__(self, socket: ClientConnection, host: str) -> None:
        self.socket = socket
        self.host = host

    async def receive(self) -> dict[str, Any]:
        while True:
            frame: dict[str, Any] = json.loads(await asyncio.wait_for(self.socket.recv(), 10))
            if frame.get("type") != "ka":
                return frame

    async def start(self, subscription_id: str, owner: str) -> dict[str, Any]:
        data = json.dumps({"query": ON_OWNER, "variables": {"owner": owner}})
        authorization = {"host": self.host, "x-api-key": API_KEY}
        start = {"data": data, "extensions": {"authorization": authorization}}
        await self.socket.send(
            json.dumps({"id": subscription_id, "type": "start", "payload": start})
        )
        return await self.receive()

    async def stop(self, subscription_id: str) -> dict[str, Any]:
        await self.socket.send(json.dumps({"id": subscription_id, "type": "stop"}))
        return await self.receive()


@asynccontextmanager
async def connect(server: Server) -> AsyncIterator[Socket]:
    host = f"{server.host}:{server.port}"
    header = base64.urlsafe_b64encode(json.dumps({"host": host, "x-api-key": API_KEY}).encode())
    protocols = [Subprotocol("graphql-ws"), Subprotocol(f"header-{header.decode().rstrip('=')}")]
    url = f"ws://{host}/graphql/realtime"
    async with websockets.connect(url, subprotocols=protocols) as socket:
        client = Socket(socket, host)
        await socket.send(json.dumps({"type": "connection_init"}))
        assert (await client.receive())["type"] == "connection_ack"
        yield client


async def mutate(server: Server, query: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            server.url, json={"query": query}, headers={"x-api-key": API_KEY}
        )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def still_subscribed(server: Server, client: Socket, owner: str) -> None:
    await mutate(server, f'mutation {{ addTodo(id: "{owner}", owner: "{owner}") {{ id owner }} }}')
    assert await client.receive() == {
        "type": "data",
        "id": owner,
        "payload": {"data": {"onOwnerTodo": {"id": owner, "owner": owner}}},
    }


def remove(*owners: str) -> str:
    return f"mutation {{ removeOwners(owners: {json.dumps(list(owners))}) {{ id }} }}"


@pytest.mark.anyio
async def test_invalidation_through_the_server_completes_the_matching_subscription(
    api: Server,
) -> None:
    async with connect(api) as client:
        assert await client.start("ann", "ann") == {"type": "start_ack", "id": "ann"}
        assert await client.start("bob", "bob") == {"type": "start_ack", "id": "bob"}
        body = await mutate(api, remove("ann"))
        assert body == {"data": {"removeOwners": {"id": "0"}}}
        assert await client.receive() == {"type": "complete", "id": "ann"}
        # bob's subscription still delivers.
        await mutate(api, 'mutation { addTodo(id: "1", owner: "bob") { id owner } }')
        frame = await client.receive()
        assert frame == {
            "type": "data",
            "id": "bob",
            "payload": {"data": {"onOwnerTodo": {"id": "1", "owner": "bob"}}},
        }


@pytest.mark.anyio
async def test_five_unique_invalidations_pass_and_a_sixth_fails_the_field(api: Server) -> None:
    async with connect(api) as client:
        await client.start("e", "e")
        # The same call twice counts once.
        body = await mutate(api, remove("a", "b", "c", "d", "e", "a"))
        assert "errors" not in body
        assert await client.receive() == {"type": "complete", "id": "e"}
        await client.start("f", "f")
        body = await mutate(api, remove("a", "b", "c", "d", "e", "f"))
        assert body["data"] == {"removeOwners": None}
        assert [error["path"] for error in body["errors"]] == [["removeOwners"]]
        # Nothing was invalidated: f still receives its data.
        await still_subscribed(api, client, "f")


@pytest.mark.anyio
async def test_a_malformed_invalidation_call_is_a_field_error(api: Server) -> None:
    async with connect(api) as client:
        await client.start("m", "m")
        body = await mutate(api, 'mutation { invalidateBadly(owner: "m") { id } }')
        assert body["data"] == {"invalidateBadly": None}
        assert [error["path"] for error in body["errors"]] == [["invalidateBadly"]]
        # Its well-formed sibling was not published: the subscription is still there.
        await still_subscribed(api, client, "m")
        # And the server still serves.
        assert (await mutate(api, remove("z")))["data"] == {"removeOwners": {"id": "0"}}


@pytest.mark.anyio
async def test_the_graphql_path_also_serves_the_realtime_protocol(api: Server) -> None:
    host = f"{api.host}:{api.port}"
    header = base64.b64encode(json.dumps({"host": host, "x-api-key": API_KEY}).encode()).decode()
    url = f"ws://{host}/graphql?header={header}&payload=e30="
    async with websockets.connect(url, subprotocols=[Subprotocol("graphql-ws")]) as socket:
        assert socket.subprotocol == "graphql-ws"
        client = Socket(socket, host)
        await socket.send(json.dumps({"type": "connection_init"}))
        assert (await client.receive())["type"] == "connection_ack"
        assert await client.start("g", "g") == {"type": "start_ack", "id": "g"}
        await still_subscribed(api, client, "g")


@pytest.mark.anyio
async def test_a_websocket_on_another_path_is_refused_by_the_router(api: Server) -> None:
    url = f"ws://{api.host}:{api.port}/graphql/elsewhere"
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(url, subprotocols=[Subprotocol("graphql-ws")])
    assert refused.value.response.status_code == 403


@pytest.mark.anyio
async def test_a_realtime_handshake_without_credentials_opens_then_gets_connection_error(
    api: Server,
) -> None:
    # The served app as a whole: the upgrade is accepted, and the first frame is answered with
    # AppSync's "Required headers are missing." (graphql-dotnet/graphql-client#662).
    url = f"ws://{api.host}:{api.port}/graphql/realtime"
    async with websockets.connect(url, subprotocols=[Subprotocol("graphql-ws")]) as socket:
        await socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await socket.recv()) == {
            "type": "connection_error",
            "payload": {"errors": [{"message": "Required headers are missing.", "errorCode": 400}]},
        }


@pytest.mark.anyio
async def test_under_a_root_path_the_router_still_serves_the_realtime_socket(
    tmp_path: Path,
) -> None:
    # uvicorn puts the root path in front of the scope's path; Starlette's router strips it.
    app = build_app(read_appsync_yaml(write_api(tmp_path)))
    with running_uvicorn(app, "root-path", root_path="/api") as server:
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        prefixed = Server(host, port, app)
        async with connect(prefixed) as client:
            assert await client.start("r", "r") == {"type": "start_ack", "id": "r"}
