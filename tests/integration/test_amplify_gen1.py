"""An Amplify Gen 1 project served from its build folder, as the GraphQL transformer wrote it
for one `@model` type (apis/amplify-todos, built by apis/iac/amplify-cli/build.sh): the
transformer's own pipeline resolvers and VTL answer create, get, list with a filter, a
conditional update and delete, with AppSync's errors, and its subscription delivers, through
gql over HTTP and the realtime websocket (the client Amplify's own libraries speak). And an API
authorized by the project's auth category (apis/amplify-notes): users sign up to that
category's user pool in the embedded Cognito, the transformer's owner rules hold for them, and
an @function field runs the project's function category's function, and the auth category's
PreSignup trigger (a function-category function) is called at sign-up."""

from __future__ import annotations

import asyncio
from typing import Any

from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication, AppSyncJWTAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from starlette.applications import Starlette

from appsync.app import build_app
from definition.formats import read_definition
from definition.model import ApiDefinition
from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import APIS, running

TODOS = APIS / "amplify-todos"


async def _first_event(realtime: Any, subscription: GraphQLRequest) -> dict[str, Any]:
    async for event in realtime.subscribe(subscription):
        return dict(event)
    raise AssertionError("the subscription ended without an event")


async def _subscribed(app: Starlette, topic: str) -> None:
    """gql does not wait for `start_ack`: wait until the broker has the subscriber."""
    broker = app.state.api.realtime.broker
    for _ in range(1000):
        if broker.subscriber_count(topic) >= 1:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no subscriber on {topic}")


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
            async with asyncio.TaskGroup() as group:
                listener = group.create_task(_first_event(realtime, subscription))
                await _subscribed(app, "mutation:createTodo")
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


NOTES = APIS / "amplify-notes"


def _signed_in(endpoint: str, pool_id: str, client_id: str, user: str) -> str:
    """A user of the auth category's pool, signed up through the AWS endpoint as Amplify's
    Auth.signUp does, confirmed, signed in; their ID token."""
    idp = aws_client("cognito-idp", endpoint, region="eu-west-1")
    idp.sign_up(
        ClientId=client_id,
        Username=user,
        Password="Correct-Horse-9",
        UserAttributes=[{"Name": "email", "Value": f"{user}@example.com"}],
    )
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=user)
    answer = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": "Correct-Horse-9"},
    )
    return str(answer["AuthenticationResult"]["IdToken"])


async def _owners(definition: ApiDefinition) -> dict[str, Any]:
    [pool] = definition.server.user_pools
    web = next(c for c in pool.clients if c.client_name.endswith("Web"))
    app = build_app(definition)
    answers: dict[str, Any] = {}
    with running(app, "appsync-local-amplify-notes") as (host, port):
        url = f"http://{host}:{port}/graphql"
        ada, grace = (
            _signed_in(f"http://{host}:{port}", pool.user_pool_id, web.client_id, user)
            for user in ("ada", "grace")
        )
        idp = aws_client("cognito-idp", f"http://{host}:{port}", region="eu-west-1")
        try:
            idp.sign_up(
                ClientId=web.client_id,
                Username="mallory",
                Password="Correct-Horse-9",
                UserAttributes=[{"Name": "email", "Value": "mallory@spam.example"}],
            )
        except idp.exceptions.UserLambdaValidationException as error:
            answers["denied"] = error.response["Error"]["Message"]
        auth = AppSyncJWTAuthentication(host=f"{host}:{port}", jwt=ada)
        transport = AppSyncWebsocketsTransport(url=url.replace("http", "ws"), auth=auth)
        async with Client(transport=transport) as realtime:
            subscription = GraphQLRequest(
                gql('subscription { onCreateNote(owner: "ada") { content owner } }')
            )
            async with asyncio.TaskGroup() as group:
                listener = group.create_task(_first_event(realtime, subscription))
                await _subscribed(app, "mutation:createNote")

                async def run(token: str, query: str) -> Any:
                    headers = AppSyncJWTAuthentication(host=f"{host}:{port}", jwt=token)
                    http = HTTPXAsyncTransport(url=url, headers=headers.get_headers())
                    async with Client(transport=http) as session:
                        try:
                            return await session.execute(GraphQLRequest(gql(query)))
                        except TransportQueryError as error:
                            return {"data": error.data, "errors": error.errors}

                answers["create"] = await run(
                    ada,
                    'mutation { createNote(input: {id: "n1", content: "Mine"}) { content owner } }',
                )
                answers["event"] = await asyncio.wait_for(listener, timeout=10)
                answers["own"] = await run(ada, '{ getNote(id: "n1") { content owner } }')
                answers["other"] = await run(grace, '{ getNote(id: "n1") { content } }')
                answers["others_list"] = await run(grace, "{ listNotes { items { id } } }")
                answers["function"] = await run(
                    grace, '{ wordCount(text: "one two  three") { words env owner } }'
                )
    return answers


def test_a_cognito_api_serves_with_the_auth_category_s_user_pool() -> None:
    # The API's parameters.json gives AuthCognitoUserPoolId as the auth category's output: the
    # pool of amplify/backend/auth/notesauth/build is created in the embedded Cognito, users
    # sign up to it, and the transformer's owner rules (@auth(rules: [{allow: owner}]), owner
    # "<sub>::<username>", the owner field's resolver answering the username) hold for them.
    definition = read_definition(NOTES)
    [pool] = definition.server.user_pools
    assert definition.authentication.user_pool_config is not None
    assert definition.authentication.user_pool_config.user_pool_id == pool.user_pool_id
    answers = asyncio.run(_owners(definition))
    assert answers["create"] == {"createNote": {"content": "Mine", "owner": "ada"}}
    assert answers["event"] == {"onCreateNote": {"content": "Mine", "owner": "ada"}}
    assert answers["own"] == {"getNote": {"content": "Mine", "owner": "ada"}}
    [refused] = answers["other"]["errors"]
    assert (refused["errorType"], refused["message"]) == (
        "Unauthorized",
        "Not Authorized to access getNote on type Query",
    )
    assert answers["others_list"] == {"listNotes": {"items": []}}
    # @function(name: "wordcount-${env}"): the function category's wordcount, run by the local
    # Lambda runtime as wordcount-dev with AppSync's event (arguments, identity).
    assert answers["function"] == {"wordCount": {"words": 3, "env": "dev", "owner": "grace"}}
    # The auth category's PreSignup trigger, a function-category function attached by the CLI's
    # auth-trigger stack (`Custom::CustomAuthTriggerResourceOutputs`), refuses a denied domain
    # with its error, as Cognito answers a trigger's failure; ada and grace passed it.
    assert answers["denied"] == "PreSignUp failed with error Invalid email domain: spam.example."
