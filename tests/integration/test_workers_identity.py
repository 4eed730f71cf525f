"""`serve --workers 2` and the credentials Cognito identity pools vend: the primary mints them,
every worker verifies them (`appsync.aws.vended_credentials`), with a real redis-server between
the workers.

A guest gets credentials through boto3's `cognito-identity` client on the shared port (GetId and
GetCredentialsForIdentity are unsigned, as AWS answers them; the workers forward them to the
primary), or the basic flow's role session (GetOpenIdToken, then STS's AssumeRoleWithWebIdentity),
then signs GraphQL requests with botocore's SigV4Auth, as Amplify's `iam` mode does.
`$ctx.identity` under AWS_IAM names the pool, the identity, its kind and the assumed role's
session (AppSync's resolver context reference; "Identity pools (federated identities)
authentication flow", Amazon Cognito Developer Guide), whichever worker answers
(`x-appsync-local-worker`). Expiry, on an injected clock, is tested where the clock can be
injected: tests/unit/appsync/aws/test_vended_credentials.py.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
import websockets
from botocore.credentials import Credentials
from gql.transport.appsync_auth import AppSyncIAMAuthentication
from websockets.typing import Subprotocol

from appsync.workers import WORKER_HEADER
from tests.fixtures.aws_signing import aws_client, signed_headers
from tests.fixtures.redis_server import running_redis
from tests.integration.conftest import request_error
from tests.integration.realtime_support import next_frame
from tests.integration.server_process import ServerProcess, serve_process

UNAUTH_ROLE = "arn:aws:iam::123456789012:role/guests-unauthRole"
SCHEMA = """
type Identity {
  accountId: String, userArn: String, username: String, cognitoIdentityPoolId: String,
  cognitoIdentityId: String, cognitoIdentityAuthType: String, cognitoIdentityAuthProvider: String
}
type Item { id: ID!, name: String }
type Query { whoami: Identity }
type Mutation { putItem(id: ID!, name: String): Item }
type Subscription { onPutItem: Item @aws_subscribe(mutations: ["putItem"]) }
"""
TEMPLATES = {
    "whoami.vtl": '{"version": "2018-05-29", "payload": $util.toJson($ctx.identity)}',
    "put.vtl": '{"version": "2018-05-29", "payload": $util.toJson($ctx.args)}',
    "result.vtl": "$util.toJson($ctx.result)",
}
DEFINITION = """
name: workers-identity
schema: schema.graphql
authenticationType: AWS_IAM
dataSources:
  - {name: Local, type: NONE}
resolvers:
  - {typeName: Query, fieldName: whoami, dataSourceName: Local,
     requestMappingTemplate: whoami.vtl, responseMappingTemplate: result.vtl}
  - {typeName: Mutation, fieldName: putItem, dataSourceName: Local,
     requestMappingTemplate: put.vtl, responseMappingTemplate: result.vtl}
server:
  realtime: {redisUrl: "%(redis)s"}
"""
WHOAMI = json.dumps(
    {
        "query": "{ whoami { accountId userArn username cognitoIdentityPoolId cognitoIdentityId"
        " cognitoIdentityAuthType cognitoIdentityAuthProvider } }"
    }
)
ON_PUT = "subscription { onPutItem { id name } }"


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("workers-identity")
    (folder / "schema.graphql").write_text(SCHEMA, encoding="utf-8")
    for name, text in TEMPLATES.items():
        (folder / name).write_text(text, encoding="utf-8")
    config = folder / "appsync.yaml"
    extra = ("--workers", "2", "--no-reload", "--log-level", "info")
    with running_redis() as redis:
        config.write_text(DEFINITION % {"redis": redis}, encoding="utf-8")
        with serve_process(config, Path(folder), extra, start_seconds=90) as server:
            yield server


@pytest.fixture(scope="module")
def pool_id(workers: ServerProcess) -> str:
    """A pool that lets guests in, made with the endpoint's keys through a worker."""
    identity = aws_client("cognito-identity", _endpoint(workers))
    made = identity.create_identity_pool(
        IdentityPoolName="guests", AllowUnauthenticatedIdentities=True
    )
    identity.set_identity_pool_roles(
        IdentityPoolId=made["IdentityPoolId"], Roles={"unauthenticated": UNAUTH_ROLE}
    )
    pool: str = made["IdentityPoolId"]
    return pool


def _endpoint(server: ServerProcess) -> str:
    return f"http://127.0.0.1:{server.port}"


def _guest(server: ServerProcess, pool: str) -> dict[str, Any]:
    """A guest's GetId and GetCredentialsForIdentity, unsigned, as Amplify sends them."""
    client = boto3.client(
        "cognito-identity",
        endpoint_url=_endpoint(server),
        region_name="us-east-1",
        config=_unsigned(),
    )
    identity_id = client.get_id(IdentityPoolId=pool)["IdentityId"]
    vended: dict[str, Any] = client.get_credentials_for_identity(IdentityId=identity_id)
    return vended


def _unsigned() -> Any:
    from botocore import UNSIGNED
    from botocore.config import Config

    return Config(signature_version=UNSIGNED)


def _key(vended: dict[str, Any], secret: str | None = None) -> tuple[str, str, str]:
    credentials = vended["Credentials"]
    return (
        credentials["AccessKeyId"],
        secret or credentials["SecretKey"],
        credentials["SessionToken"],
    )


async def _signed_post(
    server: ServerProcess, body: str, key: tuple[str, str, str]
) -> httpx.Response:
    """`body` on a connection of its own, signed for `appsync` with `key`."""
    headers = signed_headers(
        "POST", server.url, "appsync", body.encode(), {"content-type": "application/json"}, key
    )
    async with httpx.AsyncClient(timeout=10) as http:
        return await http.post(server.url, content=body, headers=headers)


@pytest.mark.anyio
async def test_every_worker_verifies_a_guest_s_credentials_with_its_identity(
    workers: ServerProcess, pool_id: str
) -> None:
    vended = await asyncio.to_thread(_guest, workers, pool_id)
    assert vended["Credentials"]["AccessKeyId"].startswith("ASIA")
    expected = {
        "accountId": "123456789012",
        "userArn": "arn:aws:sts::123456789012:assumed-role/guests-unauthRole/"
        "CognitoIdentityCredentials",
        "cognitoIdentityPoolId": pool_id,
        "cognitoIdentityId": vended["IdentityId"],
        "cognitoIdentityAuthType": "unauthenticated",
        "cognitoIdentityAuthProvider": None,
    }
    answered: set[int] = set()
    # New connections until both workers have answered (the kernel picks the worker).
    for _ in range(200):
        response = await _signed_post(workers, WHOAMI, _key(vended))
        assert response.status_code == 200, response.text
        who = response.json()["data"]["whoami"]
        assert who["username"].startswith("AROA")
        assert who["username"].endswith(":CognitoIdentityCredentials")
        assert {k: v for k, v in who.items() if k != "username"} == expected
        answered.add(int(response.headers[WORKER_HEADER]))
        if len(answered) == 2:
            break
    assert answered == set(workers.worker_pids())


def _basic_flow(server: ServerProcess, pool: str) -> dict[str, Any]:
    """A guest's GetOpenIdToken, then STS's AssumeRoleWithWebIdentity with it (unsigned)."""
    config = _unsigned()
    endpoint = _endpoint(server)
    identity = boto3.client(
        "cognito-identity", endpoint_url=endpoint, region_name="us-east-1", config=config
    )
    identity_id = identity.get_id(IdentityPoolId=pool)["IdentityId"]
    token = identity.get_open_id_token(IdentityId=identity_id)["Token"]
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", config=config)
    assumed = sts.assume_role_with_web_identity(
        RoleArn=UNAUTH_ROLE, RoleSessionName="web", WebIdentityToken=token
    )
    credentials = assumed["Credentials"]
    return {
        "IdentityId": identity_id,
        "Credentials": {
            "AccessKeyId": credentials["AccessKeyId"],
            "SecretKey": credentials["SecretAccessKey"],
            "SessionToken": credentials["SessionToken"],
        },
    }


@pytest.mark.anyio
async def test_the_basic_flow_s_role_session_is_verified_by_the_workers(
    workers: ServerProcess, pool_id: str
) -> None:
    vended = await asyncio.to_thread(_basic_flow, workers, pool_id)
    answered: set[int] = set()
    for _ in range(200):
        response = await _signed_post(workers, WHOAMI, _key(vended))
        who = response.json()["data"]["whoami"]
        assert who["userArn"] == "arn:aws:sts::123456789012:assumed-role/guests-unauthRole/web"
        assert (who["cognitoIdentityId"], who["cognitoIdentityAuthType"]) == (
            vended["IdentityId"],
            "unauthenticated",
        )
        answered.add(int(response.headers[WORKER_HEADER]))
        if len(answered) == 2:
            break
    assert answered == set(workers.worker_pids())


@pytest.mark.anyio
async def test_refusals_on_a_worker_are_one_process_s(workers: ServerProcess, pool_id: str) -> None:
    vended = await asyncio.to_thread(_guest, workers, pool_id)
    wrong = await _signed_post(workers, WHOAMI, _key(vended, secret="not-the-secret" * 3))
    status, header, error_type, message = request_error(wrong)
    assert (status, header, error_type) == (
        403,
        "InvalidSignatureException",
        "InvalidSignatureException",
    )
    assert message.startswith("The request signature we calculated does not match")
    assert int(wrong.headers[WORKER_HEADER]) in workers.worker_pids()
    key, secret, _ = _key(vended)
    forged = await _signed_post(workers, WHOAMI, (key, secret, "not-the-session-token"))
    unknown = await _signed_post(workers, WHOAMI, ("ASIA" + "X" * 16, secret, "token"))
    for refused in (forged, unknown):
        assert request_error(refused) == (
            403,
            "UnrecognizedClientException",
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )


@pytest.mark.anyio
async def test_a_guest_s_subscription_on_one_worker_receives_a_mutation_through_the_other(
    workers: ServerProcess, pool_id: str
) -> None:
    vended = await asyncio.to_thread(_guest, workers, pool_id)
    host = f"127.0.0.1:{workers.port}"
    auth = AppSyncIAMAuthentication(
        host=host, region_name="us-east-1", credentials=Credentials(*_key(vended))
    )
    url = auth.get_auth_url(workers.realtime_url)
    async with websockets.connect(url, subprotocols=[Subprotocol("graphql-ws")]) as socket:
        assert socket.response is not None
        subscriber = int(socket.response.headers[WORKER_HEADER])
        await socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        data = json.dumps({"query": ON_PUT, "variables": {}}, separators=(",", ":"))
        start = {"data": data, "extensions": {"authorization": auth.get_headers(data)}}
        await socket.send(json.dumps({"id": "s", "type": "start", "payload": start}))
        assert await next_frame(socket) == {"type": "start_ack", "id": "s"}
        for attempt in range(200):
            mutation = json.dumps(
                {"query": f'mutation {{ putItem(id: "{attempt}", name: "n") {{ id name }} }}'}
            )
            response = await _signed_post(workers, mutation, _key(vended))
            assert response.json() == {"data": {"putItem": {"id": str(attempt), "name": "n"}}}
            frame = await next_frame(socket)
            assert frame["payload"] == {"data": {"onPutItem": {"id": str(attempt), "name": "n"}}}
            if int(response.headers[WORKER_HEADER]) != subscriber:
                break
        else:
            raise AssertionError("200 connections all reached the subscriber's worker")


@pytest.mark.anyio
async def test_the_public_port_does_not_reach_the_workers_channel(workers: ServerProcess) -> None:
    # Even signed with the endpoint's keys: only the workers ask the primary for credentials.
    body = b'{"AccessKeyId": "ASIAXXXXXXXXXXXXXXXX"}'
    headers = {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "AppSyncLocalWorkers.GetVendedCredentials",
    }
    url = _endpoint(workers) + "/"
    signed = signed_headers("POST", url, "appsync-local-workers", body, headers)
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(url, content=body, headers=signed)
    assert response.status_code == 400
    assert response.json()["__type"] == "UnknownOperationException"
