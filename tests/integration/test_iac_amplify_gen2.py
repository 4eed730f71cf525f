"""An Amplify Gen 2 backend served from what `ampx sandbox` synthesizes (apis/iac/amplify-gen2:
`project/amplify/` written with @aws-amplify/backend, `cdk.out` from `project/synth.sh`), unchanged.

The data stack is a nested stack of the root stack; its model table is Amplify's
`Custom::AmplifyDynamoDBTable` (`Todo-<apiId>-NONE`), its model resolvers are the VTL the
Amplify transformer writes, `sayHello` is a TypeScript function Gen 2 bundles with esbuild
(`a.handler.function`), `countTodos` an APPSYNC_JS custom handler (`a.handler.custom`), and auth
is the `auth` stack's user pool and identity pool. Real clients: pycognito's SRP sign-in over
boto3 (unsigned, as Amplify's), httpx with the user's token, boto3's `cognito-identity` for a
guest and botocore's SigV4 signer with its credentials, gql over the realtime websocket.

What the Amplify docs say the rules do ("Customize your auth rules", docs.amplify.aws/react/
build-a-backend/data/customize-authz/): `allow.owner()` lets the creator read and write their
own records and no one else's; `allow.guest().to(["read"])` lets unauthenticated users read,
through the identity pool's unauthenticated role (IAM), and nothing else.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from botocore.credentials import Credentials
from gql import Client, gql
from gql.transport.appsync_auth import AppSyncJWTAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport

from appsync.__main__ import main
from appsync.app import build_app
from definition.formats import read_definition
from tests.fixtures.amplify_gen2 import (
    PASSWORD,
    REGION,
    as_iam,
    as_user,
    guest_credentials,
    sign_up_and_in,
)
from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import APIS, running

ASSEMBLY = APIS / "iac" / "amplify-gen2" / "cdk.out"
CLIENT = APIS / "iac" / "amplify-gen2" / "client" / "models.cjs"
CREATE = "mutation($i: CreateTodoInput!) { createTodo(input: $i) { id content done owner } }"
LIST = "{ listTodos { items { id content owner } } }"


# The ids the server creates its pools and table under. moto's backends are the process's, so
# the tests name them rather than list what the process holds (other tests' pools too).
DEFINITION = read_definition(ASSEMBLY)
[USER_POOL] = DEFINITION.server.user_pools
[IDENTITY_POOL] = DEFINITION.server.identity_pools
[TABLE] = DEFINITION.server.dynamodb.tables


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, Any]]:
    app = build_app(DEFINITION)
    with running(app, "appsync-local-gen2") as (host, port):
        yield f"http://{host}:{port}", app


@pytest.fixture(scope="module")
def endpoint(served: tuple[str, Any]) -> str:
    return served[0]


def _sign_in(endpoint: str, email: str, groups: tuple[str, ...] = ()) -> str:
    """A new user of the auth stack's pool, in `groups`, signed in with SRP: its access token."""
    return sign_up_and_in(endpoint, USER_POOL, email, groups)["AccessToken"]


def _guest_credentials(endpoint: str) -> Credentials:
    return guest_credentials(endpoint, IDENTITY_POOL)


def test_the_model_table_is_the_one_amplifys_table_manager_makes(endpoint: str) -> None:
    dynamodb = aws_client("dynamodb", endpoint, region=REGION)
    name = TABLE.table_name
    assert name in dynamodb.list_tables()["TableNames"]
    table = dynamodb.describe_table(TableName=name)["Table"]
    # `tableName: Todo-<apiId>-NONE` (the API's id, 26 lowercase letters and digits as AppSync
    # makes them, then the environment, NONE in Gen 2).
    assert re.fullmatch(r"Todo-[a-z0-9]{26}-NONE", name)
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }


def test_an_owner_sees_and_changes_only_their_own_todos(endpoint: str) -> None:
    ada = _sign_in(endpoint, "ada@example.test")
    bo = _sign_in(endpoint, "bo@example.test")
    created = as_user(endpoint, ada, CREATE, i={"content": "milk", "done": False})
    todo = created["data"]["createTodo"]
    assert (todo["content"], todo["done"]) == ("milk", False)
    listed = as_user(endpoint, ada, LIST)["data"]["listTodos"]["items"]
    assert [item["id"] for item in listed] == [todo["id"]]
    # The owner field reads as the owner's username (here the pool's generated one, as email
    # is the sign-in attribute); another user's list filters it out.
    assert as_user(endpoint, bo, LIST)["data"]["listTodos"]["items"] == []
    refused = as_user(
        endpoint,
        bo,
        "mutation($i: UpdateTodoInput!) { updateTodo(input: $i) { id } }",
        i={"id": todo["id"], "done": True},
    )
    # The update's auth function reads the item first and refuses another's
    # ($util.unauthorized(): AppSync's Unauthorized error).
    assert refused["data"] == {"updateTodo": None}
    assert [(e["errorType"], e["message"]) for e in refused["errors"]] == [
        ("Unauthorized", "Not Authorized to access updateTodo on type Mutation")
    ]


def test_the_auth_stacks_group_exists_and_its_members_see_every_todo(endpoint: str) -> None:
    # `defineAuth({ groups: ["ADMINS"] })` is an AWS::Cognito::UserPoolGroup of the pool, and
    # `allow.groups(["ADMINS"])` lets its members read and change every record.
    owner = _sign_in(endpoint, "gil@example.test")
    todo = as_user(endpoint, owner, CREATE, i={"content": "jam"})["data"]["createTodo"]
    admin = _sign_in(endpoint, "hal@example.test", groups=("ADMINS",))
    claims = jwt.decode(admin, options={"verify_signature": False})
    assert claims["cognito:groups"] == ["ADMINS"]
    listed = as_user(endpoint, admin, LIST)["data"]["listTodos"]["items"]
    assert todo["id"] in [item["id"] for item in listed]
    updated = as_user(
        endpoint,
        admin,
        "mutation($i: UpdateTodoInput!) { updateTodo(input: $i) { id done } }",
        i={"id": todo["id"], "done": True},
    )
    assert updated == {"data": {"updateTodo": {"id": todo["id"], "done": True}}}


def test_a_guest_reads_through_the_identity_pool_and_cannot_write(endpoint: str) -> None:
    owner = _sign_in(endpoint, "cy@example.test")
    todo = as_user(endpoint, owner, CREATE, i={"content": "bread"})["data"]["createTodo"]
    guest = _guest_credentials(endpoint)
    read = as_iam(endpoint, guest, "{ listTodos { items { id content } } }")
    assert {"id": todo["id"], "content": "bread"} in read["data"]["listTodos"]["items"]
    written = as_iam(endpoint, guest, 'mutation { createTodo(input: {content: "x"}) { id } }')
    assert written["data"] == {"createTodo": None}
    assert written["errors"][0]["errorType"] == "Unauthorized"


def test_the_function_and_custom_handlers_answer(endpoint: str) -> None:
    user = _sign_in(endpoint, "di@example.test")
    hello = as_user(endpoint, user, '{ sayHello(name: "Di") }')
    # The bundled TypeScript handler, run as Lambda runs it (its function name is set).
    assert hello == {"data": {"sayHello": "Hello, Di! (in Lambda)"}}
    guest = as_iam(endpoint, _guest_credentials(endpoint), "{ sayHello }")
    assert guest == {"data": {"sayHello": "Hello, stranger! (in Lambda)"}}
    before = as_user(endpoint, user, "{ countTodos(done: true) }")["data"]["countTodos"]
    as_user(endpoint, user, CREATE, i={"content": "tea", "done": True})
    after = as_user(endpoint, user, "{ countTodos(done: true) }")["data"]["countTodos"]
    assert after == before + 1


def test_an_owner_receives_their_creation_over_the_realtime_websocket(
    served: tuple[str, Any],
) -> None:
    endpoint, app = served
    token = _sign_in(endpoint, "ed@example.test")
    host = endpoint.removeprefix("http://")
    broker = app.state.api.realtime.broker

    async def scenario() -> dict[str, Any]:
        auth = AppSyncJWTAuthentication(host=host, jwt=token)
        transport = AppSyncWebsocketsTransport(url=f"ws://{host}/graphql", auth=auth)
        async with Client(transport=transport) as session:
            request = gql("subscription { onCreateTodo { id content owner } }")

            async def listen() -> dict[str, Any]:
                async for event in session.subscribe(request):
                    return dict(event)
                raise AssertionError("the subscription ended without an event")

            listener = asyncio.ensure_future(listen())
            # gql does not wait for start_ack: wait until the broker holds the subscriber.
            for _ in range(1000):
                if broker.subscriber_count("mutation:createTodo") >= 1:
                    break
                await asyncio.sleep(0.01)
            await asyncio.to_thread(
                as_user, endpoint, token, CREATE, i={"content": "eggs", "done": False}
            )
            return await asyncio.wait_for(listener, 10)

    event = asyncio.run(scenario())["onCreateTodo"]
    assert event["content"] == "eggs"


def test_an_amplify_app_configured_from_the_written_outputs_uses_its_models(
    endpoint: str, tmp_path: Path
) -> None:
    """aws-amplify 6 (tests/fixtures/aws-amplify, installed by scripts/node-deps), configured
    from the amplify_outputs.json `appsync-local amplify-outputs` writes: `generateClient()`'s
    `client.models.Todo` and `client.queries.sayHello` come from its model_introspection."""
    outputs = tmp_path / "amplify_outputs.json"
    command = ["amplify-outputs", "--config", str(ASSEMBLY), "--endpoint", endpoint]
    assert main([*command, "--out", str(outputs)]) == 0
    idp = aws_client("cognito-idp", endpoint, region=REGION)
    pool_id = json.loads(outputs.read_text())["auth"]["user_pool_id"]
    idp.admin_create_user(UserPoolId=pool_id, Username="flo@example.test", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="flo@example.test", Password=PASSWORD, Permanent=True
    )
    finished = subprocess.run(
        ["node", str(CLIENT), str(outputs), endpoint, "flo@example.test", PASSWORD],
        env={**os.environ, "NODE_PATH": str(Path(sys.prefix) / "aws-amplify" / "node_modules")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    seen = json.loads(finished.stdout.strip().splitlines()[-1])
    assert seen["created"] == {"content": "milk", "done": False}
    assert seen["createErrors"] is None
    # Flo's list holds Flo's todos only (the owner rule), the new one among them.
    assert seen["listed"] == ["milk"]
    assert seen["hello"] == "Hello, Ada! (in Lambda)"
    # A guest may read (allow.guest().to(["read"])) but not create.
    assert seen["guestCreate"] == ["Unauthorized"]
