"""A worker's way to the primary's services (`appsync.aws.forward`): AWS API requests forwarded
unchanged to a real AWS endpoint on loopback (the primary's, here one serving Step Functions),
signatures verified there; and the DynamoDB operations a worker's data sources get."""

from __future__ import annotations

import httpx
import pytest

from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.forward import ForwardedAws, PrimaryServices
from appsync.aws.listener import AwsOnlyApp, extra_listener
from appsync.aws.states import StepFunctionsRoute
from appsync.aws.vended_credentials import SIGNING_NAME as WORKERS
from appsync.aws.vended_credentials import TARGET
from appsync.hosts import HostPolicy
from appsync.stepfunctions_embedded import build_step_functions
from auth.clock import SystemClock
from auth.signature import IamCredential, SigV4Verifier
from definition.model import TEST_ACCESS_KEY, DynamoDBConfig, StepFunctionsSettings
from resolvers.datasources.dynamodb_boto import BotoDynamoDB
from tests.fixtures.aws_signing import json_call_headers, signed_headers
from tests.fixtures.loopback import free_port

KEY = IamCredential("testing", "testing", "123456789012", "arn:aws:iam::123456789012:root")

pytestmark = pytest.mark.anyio


def _primary() -> AwsOnlyApp:
    service = build_step_functions(StepFunctionsSettings(), "a.yaml").service
    endpoint = AwsEndpoint(
        SigV4Verifier((KEY,), SystemClock()), {"states": StepFunctionsRoute(service)}
    )
    return AwsOnlyApp(endpoint, HostPolicy())


async def _through_worker(primary_url: str, headers: dict[str, str]) -> httpx.Response:
    forwarded = ForwardedAws(PrimaryServices(primary_url, TEST_ACCESS_KEY))
    transport = httpx.ASGITransport(app=forwarded)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            return await client.post("/", content=b"{}", headers=headers)
    finally:
        await forwarded.close()


@pytest.mark.timeout(20)
async def test_a_signed_call_is_answered_by_the_primary() -> None:
    async with extra_listener(_primary(), "127.0.0.1", 0) as url:
        # Signed for the worker's Host, which the forwarded request keeps.
        answer = await _through_worker(url, json_call_headers("http://localhost/", "states"))
    assert answer.status_code == 200
    assert answer.json() == {"stateMachines": []}


@pytest.mark.timeout(20)
async def test_the_primary_refusal_comes_back_unchanged() -> None:
    headers = json_call_headers("http://localhost/", "states", key=("testing", "wrong"))
    async with extra_listener(_primary(), "127.0.0.1", 0) as url:
        answer = await _through_worker(url, headers)
        async with httpx.AsyncClient() as client:
            direct = await client.post(url + "/", content=b"{}", headers=headers)
    # The same refusal (its message quotes the canonical request, whose Host differs).
    assert answer.status_code == direct.status_code == 400
    assert answer.json()["__type"] == direct.json()["__type"] == "InvalidSignatureException"


@pytest.mark.timeout(20)
async def test_a_primary_that_does_not_answer_is_a_503() -> None:
    headers = json_call_headers("http://localhost/", "states")
    answer = await _through_worker(f"http://127.0.0.1:{free_port()}", headers)
    assert answer.status_code == 503
    assert answer.json()["__type"] == "ServiceUnavailableException"


@pytest.mark.timeout(20)
async def test_the_workers_channel_to_vended_credentials_is_not_forwarded() -> None:
    # Nothing listens at the primary's URL: a forwarded call would be a 503.
    headers = signed_headers(
        "POST",
        "http://localhost/",
        WORKERS,
        b"{}",
        {"content-type": "application/x-amz-json-1.0", "x-amz-target": TARGET},
    )
    answer = await _through_worker(f"http://127.0.0.1:{free_port()}", headers)
    # As a server without workers answers a service it does not serve.
    assert answer.status_code == 400
    assert answer.json() == {
        "__type": "UnknownOperationException",
        "message": "appsync-local does not serve the AWS service 'appsync-local-workers'",
    }


def test_claims_as_the_endpoint_does() -> None:
    scope = {"type": "http", "path": "/", "query_string": b"", "method": "POST"}
    forwarded = ForwardedAws(PrimaryServices("http://127.0.0.1:1", TEST_ACCESS_KEY))
    assert forwarded.claims({**scope, "headers": [(b"x-amz-target", b"DynamoDB_20120810.X")]})
    assert not forwarded.claims({**scope, "headers": [(b"content-type", b"application/json")]})


def test_dynamodb_data_sources_reach_the_primary_unless_they_name_an_endpoint() -> None:
    primary = PrimaryServices("http://127.0.0.1:4567", TEST_ACCESS_KEY)
    embedded = primary.dynamodb(DynamoDBConfig("Posts"))
    external = primary.dynamodb(DynamoDBConfig("Posts", endpoint="http://127.0.0.1:8000"))
    assert isinstance(embedded, BotoDynamoDB)
    assert isinstance(external, BotoDynamoDB)
    assert embedded.endpoint == "http://127.0.0.1:4567"
    assert external.endpoint == "http://127.0.0.1:8000"
