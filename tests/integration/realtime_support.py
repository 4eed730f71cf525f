"""Shared pieces of the realtime test modules (test_realtime*.py): the test app and server.

The app is built from the real pieces (schema loader, Authorizer with API key and a Lambda
authorizer, the Executor running PYTHON resolvers on a NONE data source with the
`RealtimeRuntime` as its publisher, the realtime routes): the Executor publishes each mutation's
result and each resolver's `extensions.invalidateSubscriptions` calls, as in the server. The
whole server (`appsync.app.build_app`) is driven in test_realtime_server.py. Expected frames
and texts are AppSync's (reference/appsync.md 3.3, 3.4 and 6).

The module-scoped `server` fixture is `realtime_server` here; a test module uses it by importing
`realtime_server` (each module then runs its own server).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from gql import Client, gql
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from graphql import Source, parse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from appsync.execution import ExecutionLimits, Executor, GraphQLRequest, ResolverBinding
from appsync.pubsub import Broker, InMemoryBroker
from appsync.realtime.endpoint import RealtimeRuntime, RealtimeSettings
from auth.api_key import ApiKey, ApiKeyConfig
from auth.clock import SystemClock
from auth.errors import UnauthorizedError
from auth.lambda_authorizer import LambdaAuthorizerConfig
from auth.request import AuthRequest
from auth.rules import Authorizer
from auth.sigv4 import IamConfig, IamCredential
from resolvers.datasources.none import NoneDataSource
from resolvers.runtimes.python import load_python_code
from resolvers.runtimes.vtl import load_vtl_code
from resolvers.unit import UnitResolver
from schema.loader import build_schema_document
from tests.integration.conftest import running

API_KEY = "da2-realtimetestkey0000000000"
LAMBDA_TOKEN = "let-me-in"
IAM_KEY = IamCredential(
    access_key_id="AKIAREALTIMETEST0001",
    secret_access_key="realtime-test-secret-key",
    account_id="123456789012",
    user_arn="arn:aws:iam::123456789012:user/realtime",
)
IAM_REGION = "us-east-1"

SDL = """
type Todo @aws_api_key @aws_lambda @aws_iam {
  id: ID!
  name: String!
  owner: String
  priority: Int
  secret: String @aws_lambda
}
type Query { getTodo(id: ID!): Todo }
type Mutation @aws_api_key @aws_lambda {
  addTodo(id: ID!, name: String!, owner: String, priority: Int, secret: String): Todo
  removeOwner(owner: String!): Todo
  removeOwners(owners: [String!]!): Todo
  invalidateBadly(owner: String!): Todo
}
type Subscription {
  onAddTodo(id: ID, owner: String): Todo @aws_subscribe(mutations: ["addTodo"])
  onImportantTodo(owner: String): Todo @aws_subscribe(mutations: ["addTodo"])
  onOwnerTodo(owner: String!): Todo @aws_subscribe(mutations: ["addTodo"])
  onLambdaTodo: Todo @aws_subscribe(mutations: ["addTodo"]) @aws_lambda
  onIamTodo: Todo @aws_subscribe(mutations: ["addTodo"]) @aws_iam
  onGroupTodo(group: String!): Todo @aws_subscribe(mutations: ["addTodo"])
}
"""

CODE = {
    "add_todo.py": """
def request(ctx):
    return {"payload": ctx.args}

def response(ctx):
    return ctx.result
""",
    "remove_owner.py": """
def request(ctx):
    return {"payload": {"id": "0", "name": "removed", "owner": ctx.args["owner"]}}

def response(ctx):
    extensions.invalidateSubscriptions(
        {"subscriptionField": "onOwnerTodo", "payload": {"owner": ctx.args["owner"]}}
    )
    return ctx.result
""",
    "remove_owners.py": """
def request(ctx):
    return {"payload": {"id": "0", "name": "removed"}}

def response(ctx):
    for owner in ctx.args["owners"]:
        extensions.invalidateSubscriptions(
            {"subscriptionField": "onOwnerTodo", "payload": {"owner": owner}}
        )
    return ctx.result
""",
    # A call without its payload, after a well-formed one.
    "invalidate_badly.py": """
def request(ctx):
    return {"payload": {"id": "0", "name": "bad"}}

def response(ctx):
    extensions.invalidateSubscriptions(
        {"subscriptionField": "onOwnerTodo", "payload": {"owner": ctx.args["owner"]}}
    )
    extensions.invalidateSubscriptions({"subscriptionField": "onOwnerTodo"})
    return ctx.result
""",
    # The Extensions reference's VTL form, on a NONE data source.
    "group.request.vtl": """{"version": "2018-05-29", "payload": {}}""",
    "group.response.vtl": """
$extensions.setSubscriptionFilter({
    "filterGroup": [
        {"filters": [{"fieldName": "owner", "operator": "eq", "value": $ctx.args.group}]}
    ]
})
$util.toJson($context.result)
""",
    "important.py": """
def request(ctx):
    return {"payload": None}

def response(ctx):
    extensions.setSubscriptionFilter(
        {"filterGroup": [{"filters": [{"fieldName": "priority", "operator": "ge", "value": 5}]}]}
    )
    return None
""",
    "owner.py": """
def request(ctx):
    if ctx.args["owner"] == "mallory":
        util.unauthorized()
    return {"payload": None}

def response(ctx):
    owner = ctx.args["owner"]
    extensions.setSubscriptionInvalidationFilter(
        {"filterGroup": [{"filters": [{"fieldName": "owner", "operator": "eq", "value": owner}]}]}
    )
    return None
""",
}


def lambda_authorizer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The API's AWS_LAMBDA authorizer (imported by `handler` name)."""
    return {"isAuthorized": event["authorizationToken"] == LAMBDA_TOKEN, "resolverContext": {}}


@dataclass(frozen=True, slots=True)
class RealtimeServer:
    """A running server; `runtime` is None when it runs in another process."""

    host: str
    port: int
    runtime: RealtimeRuntime | None = None

    @property
    def graphql_url(self) -> str:
        return f"http://{self.host}:{self.port}/graphql"

    @property
    def realtime_url(self) -> str:
        return f"ws://{self.host}:{self.port}/graphql/realtime"

    def subscribers(self, mutation_field: str = "addTodo") -> int:
        assert self.runtime is not None
        return self.runtime.broker.subscriber_count(f"mutation:{mutation_field}")


class RealtimeApp(Starlette):
    """The test app; with `native`, its realtime upgrades are served in the socket's protocol
    object as `serve` serves them (`AppSyncApp.realtime_upgrade`, `realtime/native.py`), else
    through the runtime's ASGI app (any other ASGI server's way)."""

    def __init__(self, runtime: RealtimeRuntime, native: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime
        self.native = native

    def realtime_upgrade(self, scope: Mapping[str, Any]) -> RealtimeRuntime | None:
        if self.native and scope["path"] in self.runtime.paths():
            return self.runtime
        return None


def build_app(
    code_dir: Path, broker: Broker, settings: RealtimeSettings, native: bool = True
) -> RealtimeApp:
    schema = build_schema_document(parse(Source(SDL, "realtime.graphql")), "realtime.graphql")
    authorizer = Authorizer(
        ApiKeyConfig(keys=(ApiKey(API_KEY, None, 4_000_000_000),)),
        [
            LambdaAuthorizerConfig(handler="tests.integration.realtime_support:lambda_authorizer"),
            IamConfig(credentials=(IAM_KEY,), region=IAM_REGION),
        ],
        SystemClock(),
    )
    for name, text in CODE.items():
        (code_dir / name).write_text(text)
    none = NoneDataSource("none")

    def unit(name: str) -> UnitResolver:
        return UnitResolver(load_python_code(code_dir / name), none)

    runtime = RealtimeRuntime(
        schema,
        authorizer,
        broker,
        {
            "onImportantTodo": unit("important.py"),
            "onOwnerTodo": unit("owner.py"),
            "onGroupTodo": UnitResolver(
                load_vtl_code(code_dir / "group.request.vtl", code_dir / "group.response.vtl"),
                none,
            ),
        },
        settings,
    )
    resolvers = {
        ("Mutation", "addTodo"): ResolverBinding(unit("add_todo.py"), False),
        ("Mutation", "removeOwner"): ResolverBinding(unit("remove_owner.py"), False),
        ("Mutation", "removeOwners"): ResolverBinding(unit("remove_owners.py"), False),
        ("Mutation", "invalidateBadly"): ResolverBinding(unit("invalidate_badly.py"), False),
    }
    executor = Executor(schema, authorizer, resolvers, ExecutionLimits(), publisher=runtime)

    async def graphql(request: Request) -> JSONResponse:
        body = await request.body()
        raw = json.loads(body)
        headers = {name.lower(): value for name, value in request.headers.items()}
        try:
            principal = await authorizer.authenticate(
                AuthRequest("POST", "/graphql", headers, body)
            )
        except UnauthorizedError as error:
            return JSONResponse({"errors": [{"message": error.message}]}, 401)
        graphql_request = GraphQLRequest(raw["query"], raw.get("variables"), None)
        prepared = await executor.prepare(graphql_request)
        result = await executor.execute(graphql_request, prepared, principal, headers)
        return JSONResponse(result.body)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with broker.running(), runtime.serving():
            yield

    return RealtimeApp(
        runtime,
        native,
        routes=[Route("/graphql", graphql, methods=["POST"]), *runtime.routes()],
        lifespan=lifespan,
    )


@contextmanager
def serve(
    code_dir: Path,
    broker: Broker | None = None,
    settings: RealtimeSettings | None = None,
    native: bool = True,
) -> Iterator[RealtimeServer]:
    app = build_app(
        code_dir,
        broker or InMemoryBroker(),
        settings or RealtimeSettings(keep_alive_interval_seconds=3600),
        native,
    )
    with running(app, "realtime-test-server") as (host, port):
        yield RealtimeServer(host, port, app.runtime)


@pytest.fixture(scope="module", name="server", params=["native", "asgi"])
def realtime_server(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[RealtimeServer]:
    """Each test module's server, once with its sockets served in their protocol objects (as
    `serve` serves them) and once through the ASGI app: the same tests hold for both."""
    folder = tmp_path_factory.mktemp("realtime")
    with serve(folder, native=request.param == "native") as running:
        yield running


def api_key_header(server: RealtimeServer) -> dict[str, str]:
    return {
        "host": f"{server.host}:{server.port}",
        "x-amz-date": "20261121T193651Z",
        "x-api-key": API_KEY,
    }


def b64(headers: dict[str, str]) -> str:
    return base64.b64encode(json.dumps(headers).encode()).decode()


def b64url(headers: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(headers).encode()).decode().rstrip("=")


class Raw:
    """A client speaking raw frames with the `websockets` library."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    async def send(self, frame: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(frame))

    async def receive(self, *, skip_ka: bool = True) -> dict[str, Any]:
        while True:
            frame: dict[str, Any] = json.loads(await asyncio.wait_for(self.socket.recv(), 10))
            if not (skip_ka and frame.get("type") == "ka"):
                return frame

    async def start(
        self,
        subscription_id: str,
        query: str,
        variables: dict[str, Any] | None = None,
        authorization: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        data = json.dumps({"query": query, "variables": variables or {}})
        payload: dict[str, Any] = {"data": data}
        if authorization is not None:
            payload["extensions"] = {"authorization": authorization}
        await self.send({"id": subscription_id, "type": "start", "payload": payload})
        return await self.receive()


@asynccontextmanager
async def raw_client(
    server: RealtimeServer, *, subprotocol_auth: bool = True
) -> AsyncIterator[Raw]:
    headers = api_key_header(server)
    if subprotocol_auth:
        url = server.realtime_url
        protocols = [Subprotocol("graphql-ws"), Subprotocol(f"header-{b64url(headers)}")]
    else:
        url = f"{server.realtime_url}?header={b64(headers)}&payload=e30="
        protocols = [Subprotocol("graphql-ws")]
    async with websockets.connect(url, subprotocols=protocols) as socket:
        assert socket.subprotocol == "graphql-ws"
        client = Raw(socket)
        await client.send({"type": "connection_init"})
        assert await client.receive() == {
            "type": "connection_ack",
            "payload": {"connectionTimeoutMs": 300000},
        }
        yield client


async def mutate(
    server: RealtimeServer, query: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            server.graphql_url, json={"query": query}, headers=headers or {"x-api-key": API_KEY}
        )
    body: dict[str, Any] = response.json()
    return body


async def wait_for_subscribers(server: RealtimeServer, count: int) -> None:
    """Subscriptions are registered with the broker before `start_ack`; gql's transport does
    not wait for that ack before the test mutates, so the test waits for the registration."""
    for _ in range(1000):
        if server.subscribers() == count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"expected {count} subscribers, found {server.subscribers()}")


async def received_through_gql(
    server: RealtimeServer, transport: AppSyncWebsocketsTransport, subscription: str
) -> list[dict[str, Any]]:
    """What a gql client on `transport` receives on `subscription` (its first result) when
    ADD_ANN is sent once the server holds the subscription."""
    received: list[dict[str, Any]] = []
    async with Client(transport=transport) as session:
        document = gql(subscription)

        async def listen() -> None:
            async for result in session.subscribe(document):
                received.append(result)
                return

        listener = asyncio.ensure_future(listen())
        await wait_for_subscribers(server, 1)
        await mutate(server, ADD_ANN)
        await asyncio.wait_for(listener, 10)
    return received


ON_ADD = "subscription S($owner: String) { onAddTodo(owner: $owner) { id name owner } }"
ADD_ANN = 'mutation { addTodo(id: "1", name: "milk", owner: "ann") { id name owner } }'


async def next_frame(socket: websockets.ClientConnection) -> dict[str, Any]:
    """The next frame that is not a keep-alive (10 s at most)."""
    while True:
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), 10))
        if frame["type"] != "ka":
            return frame
