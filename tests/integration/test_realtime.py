"""Realtime subscriptions on a real uvicorn socket, with real clients.

The app is built from the real pieces (schema loader, Authorizer with API key and a Lambda
authorizer, the Executor running PYTHON resolvers on a NONE data source with the
`RealtimeRuntime` as its publisher, the realtime routes): the Executor publishes each mutation's
result and each resolver's `extensions.invalidateSubscriptions` calls, as in the server. The
whole server (`appsync.app.build_app`) is driven in test_realtime_server.py. Expected frames
and texts are AppSync's (reference/appsync.md 3.3, 3.4 and 6).
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import websockets
from botocore.credentials import Credentials
from gql import Client, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication, AppSyncIAMAuthentication
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
from appsync.realtime.endpoint import UVICORN_OPTIONS, RealtimeRuntime, RealtimeSettings
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


def build_app(code_dir: Path, broker: Broker, settings: RealtimeSettings) -> Starlette:
    schema = build_schema_document(parse(Source(SDL, "realtime.graphql")), "realtime.graphql")
    authorizer = Authorizer(
        ApiKeyConfig(keys=(ApiKey(API_KEY, None, 4_000_000_000),)),
        [
            LambdaAuthorizerConfig(handler="tests.integration.test_realtime:lambda_authorizer"),
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
        return JSONResponse(await executor.execute(graphql_request, principal, headers))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with broker.running():
            yield

    app = Starlette(
        routes=[Route("/graphql", graphql, methods=["POST"]), *runtime.routes()],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app


@contextmanager
def serve(
    code_dir: Path, broker: Broker | None = None, settings: RealtimeSettings | None = None
) -> Iterator[RealtimeServer]:
    app = build_app(
        code_dir,
        broker or InMemoryBroker(),
        settings or RealtimeSettings(keep_alive_interval_seconds=3600),
    )
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="on",
            **UVICORN_OPTIONS,
        )
    )
    thread = threading.Thread(target=server.run, name="realtime-test-server", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the test server did not start")
            thread.join(0.01)
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        yield RealtimeServer(host, port, app.state.runtime)
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealtimeServer]:
    with serve(tmp_path_factory.mktemp("realtime")) as running:
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


ON_ADD = "subscription S($owner: String) { onAddTodo(owner: $owner) { id name owner } }"
ADD_ANN = 'mutation { addTodo(id: "1", name: "milk", owner: "ann") { id name owner } }'


@pytest.mark.anyio
async def test_gql_appsync_transport_receives_a_mutation(server: RealtimeServer) -> None:
    auth = AppSyncApiKeyAuthentication(host=f"{server.host}:{server.port}", api_key=API_KEY)
    transport = AppSyncWebsocketsTransport(url=server.graphql_url.replace("http", "ws"), auth=auth)
    received: list[dict[str, Any]] = []
    async with Client(transport=transport) as session:
        document = gql("subscription { onAddTodo { id name owner } }")

        async def listen() -> None:
            async for result in session.subscribe(document):
                received.append(result)
                return

        listener = asyncio.ensure_future(listen())
        await wait_for_subscribers(server, 1)
        await mutate(server, ADD_ANN)
        await asyncio.wait_for(listener, 10)
    assert received == [{"onAddTodo": {"id": "1", "name": "milk", "owner": "ann"}}]


@pytest.mark.anyio
async def test_gql_iam_signed_handshake_and_start(server: RealtimeServer) -> None:
    # The connection is signed as POST <graphql url>/connect with body {}, the start as
    # POST <graphql url> with the data string as body (gql's AppSyncIAMAuthentication).
    auth = AppSyncIAMAuthentication(
        host=f"{server.host}:{server.port}",
        region_name=IAM_REGION,
        credentials=Credentials(IAM_KEY.access_key_id, IAM_KEY.secret_access_key),
    )
    transport = AppSyncWebsocketsTransport(url=server.realtime_url, auth=auth)
    received: list[dict[str, Any]] = []
    async with Client(transport=transport) as session:
        document = gql("subscription { onIamTodo { id name } }")

        async def listen() -> None:
            async for result in session.subscribe(document):
                received.append(result)
                return

        listener = asyncio.ensure_future(listen())
        await wait_for_subscribers(server, 1)
        await mutate(server, ADD_ANN)
        await asyncio.wait_for(listener, 10)
    assert received == [{"onIamTodo": {"id": "1", "name": "milk"}}]


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
async def test_argument_filter_matches_the_mutation_result(server: RealtimeServer) -> None:
    async with raw_client(server) as client:
        await client.start("bob", ON_ADD, {"owner": "bob"}, api_key_header(server))
        await client.start("all", ON_ADD, {}, api_key_header(server))
        await mutate(server, ADD_ANN)
        await mutate(
            server, 'mutation { addTodo(id: "2", name: "eggs", owner: "bob") { id name owner } }'
        )
        got = [await client.receive() for _ in range(3)]
        by_id = [(frame["id"], frame["payload"]["data"]["onAddTodo"]["id"]) for frame in got]
        assert sorted(by_id) == [("all", "1"), ("all", "2"), ("bob", "2")]


@pytest.mark.anyio
async def test_subscribers_get_only_what_the_mutation_selected(server: RealtimeServer) -> None:
    async with raw_client(server) as client:
        await client.start(
            "s", "subscription { onAddTodo { id name owner priority } }", {}, api_key_header(server)
        )
        await mutate(
            server,
            'mutation { addTodo(id: "3", name: "tea", owner: "cy", priority: 9) { id name } }',
        )
        frame = await client.receive()
        assert frame["payload"] == {
            "data": {"onAddTodo": {"id": "3", "name": "tea", "owner": None, "priority": None}}
        }
        await mutate(server, 'mutation { addTodo(id: "4", name: "jam") { id } }')
        frame = await client.receive()
        # amplify-cli#6450: the non-null field the mutation did not select is an error.
        assert frame["payload"] == {
            "data": {"onAddTodo": None},
            "errors": [
                {
                    "message": "Cannot return null for non-nullable type: 'String' "
                    "within parent 'Todo' (/onAddTodo/name)",
                    "path": ["onAddTodo", "name"],
                }
            ],
        }


@pytest.mark.anyio
async def test_aliases_in_the_mutation_do_not_hide_fields(server: RealtimeServer) -> None:
    async with raw_client(server) as client:
        await client.start(
            "s", "subscription { onAddTodo { id name } }", {}, api_key_header(server)
        )
        await mutate(server, 'mutation { made: addTodo(id: "5", name: "oil") { key: id name } }')
        frame = await client.receive()
        assert frame["payload"] == {"data": {"onAddTodo": {"id": "5", "name": "oil"}}}


@pytest.mark.anyio
async def test_enhanced_filter_set_by_the_subscription_resolver(server: RealtimeServer) -> None:
    async with raw_client(server) as client:
        await client.start(
            "s", "subscription { onImportantTodo { id priority } }", {}, api_key_header(server)
        )
        await mutate(
            server, 'mutation { addTodo(id: "6", name: "a", priority: 1) { id name priority } }'
        )
        await mutate(
            server, 'mutation { addTodo(id: "7", name: "b", priority: 5) { id name priority } }'
        )
        frame = await client.receive()
        assert frame["payload"] == {"data": {"onImportantTodo": {"id": "7", "priority": 5}}}


@pytest.mark.anyio
async def test_invalidation_completes_only_the_matching_subscriptions(
    server: RealtimeServer,
) -> None:
    query = "subscription S($owner: String!) { onOwnerTodo(owner: $owner) { id owner } }"
    async with raw_client(server) as client:
        assert (await client.start("bob", query, {"owner": "bob"}, api_key_header(server)))[
            "type"
        ] == "start_ack"
        assert (await client.start("ann", query, {"owner": "ann"}, api_key_header(server)))[
            "type"
        ] == "start_ack"
        await mutate(server, 'mutation { removeOwner(owner: "bob") { id } }')
        assert await client.receive() == {"type": "complete", "id": "bob"}
        await mutate(
            server, 'mutation { addTodo(id: "8", name: "c", owner: "ann") { id name owner } }'
        )
        frame = await client.receive()
        assert frame["id"] == "ann"
        assert frame["payload"] == {"data": {"onOwnerTodo": {"id": "8", "owner": "ann"}}}


@pytest.mark.anyio
async def test_subscription_resolver_can_refuse_the_start(server: RealtimeServer) -> None:
    query = 'subscription { onOwnerTodo(owner: "mallory") { id } }'
    async with raw_client(server) as client:
        assert await client.start("m", query, {}, api_key_header(server)) == {
            "type": "error",
            "id": "m",
            "payload": {
                "errors": [
                    {
                        "message": "Not Authorized to access onOwnerTodo on type Subscription",
                        "errorType": "Unauthorized",
                    }
                ]
            },
        }


@pytest.mark.anyio
async def test_a_start_may_use_another_auth_mode_than_the_connection(
    server: RealtimeServer,
) -> None:
    lambda_auth = {"Authorization": LAMBDA_TOKEN, "host": f"{server.host}:{server.port}"}
    query = "subscription { onLambdaTodo { id secret } }"
    async with raw_client(server) as client:
        refused = await client.start("key", query, {}, api_key_header(server))
        assert refused["type"] == "error"
        assert refused["payload"]["errors"] == [
            {
                "errorType": "Unauthorized",
                "message": "Not Authorized to access onLambdaTodo on type Subscription",
            }
        ]
        assert await client.start("lambda", query, {}, lambda_auth) == {
            "type": "start_ack",
            "id": "lambda",
        }
        await client.start(
            "key2", "subscription { onAddTodo { id secret } }", {}, api_key_header(server)
        )
        # The Lambda caller may read `secret`, so the mutation's result carries it.
        await mutate(
            server,
            'mutation { addTodo(id: "9", name: "s", secret: "x") { id name secret } }',
            {"authorization": LAMBDA_TOKEN},
        )
        frames = {
            frame["id"]: frame["payload"]
            for frame in [await client.receive(), await client.receive()]
        }
        assert frames["lambda"] == {"data": {"onLambdaTodo": {"id": "9", "secret": "x"}}}
        # Field-level auth applies to what the API-key subscriber receives.
        assert frames["key2"] == {
            "data": {"onAddTodo": {"id": "9", "secret": None}},
            "errors": [
                {
                    "message": "Not Authorized to access secret on type Todo",
                    "path": ["onAddTodo", "secret"],
                    "errorType": "Unauthorized",
                }
            ],
        }


@pytest.mark.anyio
async def test_start_with_a_wrong_key_is_an_unauthorized_error(server: RealtimeServer) -> None:
    bad = {**api_key_header(server), "x-api-key": "da2-wrong"}
    async with raw_client(server) as client:
        frame = await client.start("s", ON_ADD, {}, bad)
        assert frame == {
            "type": "error",
            "id": "s",
            "payload": {
                "errors": [
                    {
                        "errorType": "UnauthorizedException",
                        "message": "You are not authorized to make this call.",
                    }
                ]
            },
        }


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
async def test_a_handshake_without_credentials_is_refused_with_401(server: RealtimeServer) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(
            server.realtime_url, subprotocols=[Subprotocol("graphql-ws")]
        ):
            pass
    assert refused.value.response.status_code == 401
    assert refused.value.response.headers["x-amzn-errortype"] == "UnauthorizedException"


@pytest.mark.anyio
async def test_a_handshake_with_a_wrong_key_gets_connection_error(server: RealtimeServer) -> None:
    headers = {**api_key_header(server), "x-api-key": "da2-wrong"}
    protocols = [Subprotocol("graphql-ws"), Subprotocol(f"header-{b64url(headers)}")]
    async with websockets.connect(server.realtime_url, subprotocols=protocols) as socket:
        await socket.send('{"type":"connection_init"}')
        assert json.loads(await socket.recv()) == {
            "type": "connection_error",
            "payload": {
                "errors": [
                    {
                        "errorType": "com.amazonaws.deepdish.graphql.auth#UnauthorizedException",
                        "message": "You are not authorized to make this call.",
                        "errorCode": 400,
                    }
                ]
            },
        }
        with pytest.raises(websockets.ConnectionClosed):
            await socket.recv()


@pytest.mark.anyio
async def test_keep_alive_frames_flow(tmp_path: Path) -> None:
    settings = RealtimeSettings(keep_alive_interval_seconds=0.05)
    with serve(tmp_path, settings=settings) as fast:
        async with raw_client(fast) as client:
            assert await client.receive(skip_ka=False) == {"type": "ka"}


@pytest.mark.anyio
async def test_at_most_five_unique_invalidations_per_request(server: RealtimeServer) -> None:
    query = "subscription S($owner: String!) { onOwnerTodo(owner: $owner) { id owner } }"
    async with raw_client(server) as client:
        await client.start("a", query, {"owner": "a"}, api_key_header(server))
        # The same call twice counts once: five unique calls are allowed.
        five = '["a", "b", "c", "d", "e", "a"]'
        body = await mutate(server, f"mutation {{ removeOwners(owners: {five}) {{ id }} }}")
        assert "errors" not in body
        assert await client.receive() == {"type": "complete", "id": "a"}
        await client.start("f", query, {"owner": "f"}, api_key_header(server))
        six = '["a", "b", "c", "d", "e", "f"]'
        body = await mutate(server, f"mutation {{ removeOwners(owners: {six}) {{ id }} }}")
        assert body["data"] == {"removeOwners": None}
        assert body["errors"][0]["path"] == ["removeOwners"]
        await client.send({"type": "stop", "id": "f"})
        # Nothing was invalidated: the next frame is the stop's complete.
        assert await client.receive() == {"type": "complete", "id": "f"}


@pytest.mark.anyio
async def test_an_enhanced_filter_replaces_the_argument_filter(server: RealtimeServer) -> None:
    # "With enhanced filtering, you write your filters in your resolver and the client filters
    # are not applied" (the AppSync team in aws-appsync-community#89).
    query = 'subscription { onImportantTodo(owner: "zed") { id owner } }'
    async with raw_client(server) as client:
        await client.start("s", query, {}, api_key_header(server))
        await mutate(
            server,
            'mutation { addTodo(id: "10", name: "d", owner: "ann", priority: 7) '
            "{ id owner priority } }",
        )
        frame = await client.receive()
        assert frame["payload"] == {"data": {"onImportantTodo": {"id": "10", "owner": "ann"}}}


@pytest.mark.anyio
async def test_a_vtl_subscription_resolver_sets_the_enhanced_filter(server: RealtimeServer) -> None:
    query = 'subscription { onGroupTodo(group: "g1") { id owner } }'
    async with raw_client(server) as client:
        assert await client.start("s", query, {}, api_key_header(server)) == {
            "type": "start_ack",
            "id": "s",
        }
        await mutate(server, 'mutation { addTodo(id: "11", name: "x", owner: "g2") { id owner } }')
        await mutate(server, 'mutation { addTodo(id: "12", name: "y", owner: "g1") { id owner } }')
        frame = await client.receive()
        assert frame["payload"] == {"data": {"onGroupTodo": {"id": "12", "owner": "g1"}}}


@pytest.mark.anyio
async def test_a_handshake_without_the_graphql_ws_subprotocol_is_refused(
    server: RealtimeServer,
) -> None:
    entry = Subprotocol(f"header-{b64url(api_key_header(server))}")
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(server.realtime_url, subprotocols=[entry]):
            pass
    assert refused.value.response.status_code == 400


@pytest.mark.anyio
async def test_a_malformed_invalidation_is_a_field_error_and_invalidates_nothing(
    server: RealtimeServer,
) -> None:
    query = "subscription S($owner: String!) { onOwnerTodo(owner: $owner) { id owner } }"
    async with raw_client(server) as client:
        await client.start("m", query, {"owner": "m"}, api_key_header(server))
        body = await mutate(server, 'mutation { invalidateBadly(owner: "m") { id } }')
        assert body["data"] == {"invalidateBadly": None}
        assert body["errors"][0]["path"] == ["invalidateBadly"]
        assert "subscriptionField" in body["errors"][0]["message"]
        # The well-formed call before the malformed one was not published either.
        await client.send({"type": "stop", "id": "m"})
        assert await client.receive() == {"type": "complete", "id": "m"}


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
