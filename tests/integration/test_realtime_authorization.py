"""Realtime subscriptions: authorization of starts. IAM-signed handshake and start, a start
in another auth mode than the connection, field-level auth on published data, refusals by a
wrong key or by the subscription resolver.

The test app and server are in realtime_support.py.
"""

from __future__ import annotations

import pytest
from botocore.credentials import Credentials
from gql.transport.appsync_auth import AppSyncIAMAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport

from tests.integration.realtime_support import (
    IAM_KEY,
    IAM_REGION,
    LAMBDA_TOKEN,
    ON_ADD,
    RealtimeServer,
    api_key_header,
    mutate,
    raw_client,
    received_through_gql,
)
from tests.integration.realtime_support import (
    realtime_server as realtime_server,
)


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
    received = await received_through_gql(
        server, transport, "subscription { onIamTodo { id name } }"
    )
    assert received == [{"onIamTodo": {"id": "1", "name": "milk"}}]


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
