"""Subscriptions authorised by IAM and by a JWT, through the real server, with gql's AppSync
classes (`AppSyncWebsocketsTransport` with `AppSyncIAMAuthentication` /
`AppSyncJWTAuthentication`), and the same directive rules as HTTP for the subscription field.

Protocol facts from AppSync's "Building a real-time WebSocket client" (the handshake's `header`,
the `start` message's `extensions.authorization`, `connection_error`); a subscription field
the caller's mode may not reach is refused with "Not Authorized to access <field> on type
Subscription" (the same field-level rule as queries, security-authz.html). Amplify does not
retry a `connection_error` whose errorCode is 400, 401 or 403 (the reference's section 6).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.credentials import Credentials
from gql import Client, gql
from gql.transport.appsync_auth import (
    AppSyncApiKeyAuthentication,
    AppSyncAuthentication,
    AppSyncIAMAuthentication,
    AppSyncJWTAuthentication,
)
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from gql.transport.exceptions import TransportQueryError, TransportServerError
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from tests.fixtures import keys
from tests.fixtures.realtime_errors import CONNECTION_UNAUTHORIZED
from tests.integration.conftest import Server, serve, write_realtime_auth_api

REGION = "us-east-1"
API_KEY = "da2-authrealtimetestkey00000"
ISSUER = "https://realtime-oidc.example.com"
ACCOUNT = "777788889999"
ADD = 'mutation { addItem(id: "7", name: "lamp") { id name } }'


@pytest.fixture(scope="module")
def iam() -> Credentials:
    return Credentials(keys.access_key_id(), keys.secret_access_key())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, iam: Credentials) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("auth_realtime")
    (folder / "jwks.json").write_text(
        json.dumps(keys.jwks(("realtime-oidc", "rt-1"))), encoding="utf-8"
    )
    credential = {
        "accessKeyId": iam.access_key,
        "secretAccessKey": iam.secret_key,
        "accountId": ACCOUNT,
        "userArn": f"arn:aws:iam::{ACCOUNT}:user/listener",
    }
    path = write_realtime_auth_api(folder, "auth-realtime", API_KEY, credential, ISSUER)
    with serve(path) as running:
        yield running


def host(server: Server) -> str:
    return f"{server.host}:{server.port}"


def realtime_url(server: Server) -> str:
    return f"ws://{host(server)}/graphql/realtime"


def oidc_token() -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "listener", "aud": "web", "iat": now, "exp": now + 300}
    return keys.rs256_token(claims, "realtime-oidc", "rt-1")


async def wait_for_subscribers(server: Server, count: int) -> None:
    """gql does not wait for `start_ack` before the test mutates: wait for the registration."""
    broker = server.app.state.api.realtime.broker
    for _ in range(1000):
        if broker.subscriber_count("mutation:addItem") >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the subscription was not registered")


async def mutate(server: Server) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            server.url, json={"query": ADD}, headers={"x-api-key": API_KEY}
        )
    assert response.json() == {"data": {"addItem": {"id": "7", "name": "lamp"}}}


async def first_event(server: Server, auth: AppSyncAuthentication, field: str) -> Any:
    transport = AppSyncWebsocketsTransport(url=realtime_url(server), auth=auth)
    async with Client(transport=transport) as session:
        received: list[Any] = []

        async def listen() -> None:
            async for result in session.subscribe(gql(f"subscription {{ {field} {{ id name }} }}")):
                received.append(result)
                return

        listener = asyncio.ensure_future(listen())
        await wait_for_subscribers(server, 1)
        await mutate(server)
        await asyncio.wait_for(listener, 10)
    return received


@pytest.mark.anyio
async def test_a_subscription_authorised_by_iam_receives_the_mutation(
    server: Server, iam: Credentials
) -> None:
    auth = AppSyncIAMAuthentication(host=host(server), region_name=REGION, credentials=iam)
    received = await first_event(server, auth, "onIamItem")
    assert received == [{"onIamItem": {"id": "7", "name": "lamp"}}]


@pytest.mark.anyio
async def test_a_subscription_authorised_by_a_jwt_receives_the_mutation(server: Server) -> None:
    auth = AppSyncJWTAuthentication(host=host(server), jwt=oidc_token())
    received = await first_event(server, auth, "onOidcItem")
    assert received == [{"onOidcItem": {"id": "7", "name": "lamp"}}]


async def start_refusal(server: Server, auth: AppSyncAuthentication, field: str) -> Any:
    """The error a `start` of `field` is answered with (the subscription must not deliver)."""
    transport = AppSyncWebsocketsTransport(url=realtime_url(server), auth=auth)
    async with Client(transport=transport) as session:
        try:
            async for result in session.subscribe(gql(f"subscription {{ {field} {{ id }} }}")):
                raise AssertionError(f"an unauthorized subscription delivered {result}")
        except TransportQueryError as refused:
            [payload] = refused.errors or []
            return payload["errors"][0]
    raise AssertionError("the subscription ended without an error")


@pytest.mark.anyio
async def test_a_jwt_may_not_start_an_iam_only_subscription(server: Server) -> None:
    auth = AppSyncJWTAuthentication(host=host(server), jwt=oidc_token())
    error = await start_refusal(server, auth, "onIamItem")
    assert (error["errorType"], error["message"]) == (
        "Unauthorized",
        "Not Authorized to access onIamItem on type Subscription",
    )


@pytest.mark.anyio
async def test_the_api_key_may_not_start_subscriptions_that_name_other_modes(
    server: Server,
) -> None:
    auth = AppSyncApiKeyAuthentication(host=host(server), api_key=API_KEY)
    error = await start_refusal(server, auth, "onOidcItem")
    assert (error["errorType"], error["message"]) == (
        "Unauthorized",
        "Not Authorized to access onOidcItem on type Subscription",
    )


@pytest.fixture
def wrong_secret(server: Server, iam: Credentials) -> AppSyncIAMAuthentication:
    """SigV4 signing with the right access key and a wrong secret."""
    wrong = Credentials(iam.access_key, keys.secret_access_key())
    return AppSyncIAMAuthentication(host=host(server), region_name=REGION, credentials=wrong)


@pytest.mark.anyio
async def test_a_handshake_signed_with_a_wrong_secret_gets_a_final_connection_error(
    server: Server, wrong_secret: AppSyncIAMAuthentication
) -> None:
    url = wrong_secret.get_auth_url(realtime_url(server))
    async with connect(url, subprotocols=[Subprotocol("graphql-ws")], open_timeout=10) as socket:
        await socket.send(json.dumps({"type": "connection_init"}))
        frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
    # Not HTTP's 403 InvalidSignatureException: on the socket AppSync answers a handshake whose
    # signature fails as any refused credentials, UnauthorizedException with errorCode 401
    # (aws-appsync-community#373 for SigV4, amplify-flutter#2763 for the frame), a code Amplify
    # treats as final.
    assert frame == {"type": "connection_error", "payload": {"errors": [CONNECTION_UNAUTHORIZED]}}


@pytest.mark.anyio
async def test_gql_iam_transport_signed_with_a_wrong_secret_gets_unauthorized_401(
    server: Server, wrong_secret: AppSyncIAMAuthentication
) -> None:
    transport = AppSyncWebsocketsTransport(url=realtime_url(server), auth=wrong_secret)
    with pytest.raises(TransportServerError) as refused:
        async with Client(transport=transport):
            pass
    assert "'errorType': 'UnauthorizedException'" in str(refused.value)
    assert "'errorCode': 401" in str(refused.value)


@pytest.mark.anyio
async def test_a_start_signed_with_a_wrong_secret_is_a_bad_request(
    server: Server, wrong_secret: AppSyncIAMAuthentication
) -> None:
    # The socket is the API key's; the `start` carries its own SigV4 headers, signed over its
    # `data` with a wrong secret. AppSync refuses such a start with BadRequestException and the
    # signature's text (aws-mobile-appsync-sdk-js#619 and #750), not HTTP's 403 error type.
    connect_auth = AppSyncApiKeyAuthentication(host=host(server), api_key=API_KEY)
    data = json.dumps({"query": "subscription { onIamItem { id } }", "variables": {}})
    url = connect_auth.get_auth_url(realtime_url(server))
    async with connect(url, subprotocols=[Subprotocol("graphql-ws")], open_timeout=10) as socket:
        await socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10))["type"] == "connection_ack"
        start = {
            "id": "signed",
            "type": "start",
            "payload": {
                "data": data,
                "extensions": {"authorization": wrong_secret.get_headers(data)},
            },
        }
        await socket.send(json.dumps(start))
        frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
        while frame["type"] == "ka":
            frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert (frame["type"], frame["id"]) == ("error", "signed")
    [error] = frame["payload"]["errors"]
    assert error["errorType"] == "BadRequestException"
    assert error["message"].startswith("The request signature we calculated does not match")
