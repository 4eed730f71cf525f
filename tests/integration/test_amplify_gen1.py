"""An Amplify Gen 1 project served from its build folder, as the GraphQL transformer wrote it
for one `@model` type (apis/amplify-todos, built by apis/iac/amplify-cli/build.sh): the
transformer's own pipeline resolvers and VTL answer create, get, list with a filter, a
conditional update and delete, with AppSync's errors, and its subscription delivers, through
gql over HTTP and the realtime websocket (the client Amplify's own libraries speak)."""

from __future__ import annotations

import asyncio
from typing import Any

from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

from appsync.app import build_app
from definition.formats import read_definition
from tests.integration.conftest import APIS, running

TODOS = APIS / "amplify-todos"


async def _exercise() -> dict[str, Any]:
    definition = read_definition(TODOS)
    app = build_app(definition)
    answers: dict[str, Any] = {}
    with running(app, "appsync-local-amplify-todos") as (host, port):
        auth = AppSyncApiKeyAuthentication(host=f"{host}:{port}", api_key=definition.api_keys[0].id)
        url = f"http://{host}:{port}/graphql"
        transport = AppSyncWebsocketsTransport(url=url.replace("http", "ws"), auth=auth)
        async with Client(transport=transport) as realtime:
            subscription = GraphQLRequest(gql("subscription { onCreateTodo { id name } }"))

            async def listen() -> dict[str, Any]:
                async for event in realtime.subscribe(subscription):
                    return dict(event)
                raise AssertionError("the subscription ended without an event")

            async with asyncio.TaskGroup() as group:
                listener = group.create_task(listen())
                broker = app.state.api.realtime.broker
                for _ in range(1000):
                    if broker.subscriber_count("mutation:createTodo") >= 1:
                        break
                    await asyncio.sleep(0.01)
                http = HTTPXAsyncTransport(url=url, headers=auth.get_headers())
                async with Client(transport=http) as session:

                    async def run(query: str) -> Any:
                        try:
                            return await session.execute(GraphQLRequest(gql(query)))
                        except TransportQueryError as error:
                            return {"data": error.data, "errors": error.errors}

                    answers["create"] = await run(
                        'mutation { createTodo(input: {id: "t1", name: "Write tests"}) '
                        "{ id name done __typename } }"
                    )
                    answers["event"] = await asyncio.wait_for(listener, timeout=10)
                    await run('mutation { createTodo(input: {id: "t2", name: "Ship"}) { id } }')
                    answers["duplicate"] = await run(
                        'mutation { createTodo(input: {id: "t1", name: "Again"}) { id } }'
                    )
                    answers["update"] = await run(
                        'mutation { updateTodo(input: {id: "t1", done: true}) { id name done } }'
                    )
                    answers["refused"] = await run(
                        'mutation { updateTodo(input: {id: "t2", done: true}, '
                        'condition: {name: {eq: "Other"}}) { id } }'
                    )
                    answers["get"] = await run('{ getTodo(id: "t1") { id name done } }')
                    answers["done"] = await run(
                        "{ listTodos(filter: {done: {eq: true}}) { items { id } nextToken } }"
                    )
                    answers["delete"] = await run(
                        'mutation { deleteTodo(input: {id: "t2"}) { id } }'
                    )
                    answers["all"] = await run("{ listTodos { items { id name } } }")
    return answers


def test_the_transformer_s_resolvers_answer_as_appsync_does() -> None:
    answers = asyncio.run(_exercise())
    assert answers["create"] == {
        "createTodo": {"id": "t1", "name": "Write tests", "done": None, "__typename": "Todo"}
    }
    assert answers["event"] == {"onCreateTodo": {"id": "t1", "name": "Write tests"}}
    # The transformer's create resolver puts with attribute_not_exists(id): a second create of
    # the same id fails as DynamoDB's conditional check.
    [duplicate] = answers["duplicate"]["errors"]
    assert duplicate["errorType"] == "DynamoDB:ConditionalCheckFailedException"
    assert duplicate["path"] == ["createTodo"]
    assert answers["update"] == {"updateTodo": {"id": "t1", "name": "Write tests", "done": True}}
    [refused] = answers["refused"]["errors"]
    assert refused["errorType"] == "DynamoDB:ConditionalCheckFailedException"
    assert answers["get"] == {"getTodo": {"id": "t1", "name": "Write tests", "done": True}}
    assert answers["done"] == {"listTodos": {"items": [{"id": "t1"}], "nextToken": None}}
    assert answers["delete"] == {"deleteTodo": {"id": "t2"}}
    assert answers["all"] == {"listTodos": {"items": [{"id": "t1", "name": "Write tests"}]}}
