"""The AWS endpoint as `serve` builds it: the route table, and while running the transport on
the server's loop and the embedded user pools signing with the data directory's key."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from pathlib import Path

import pytest

from appsync.aws.cognito import signing_with
from appsync.aws.cognito_srp import BAD_SRP_A
from appsync.aws.local import LocalAws, build_local_aws, running
from appsync.aws.requests import AwsRequest, AwsResponse
from appsync.data_directory import DataDirectory
from appsync.evaluation import RUNTIME
from appsync.stepfunctions_embedded import build_step_functions
from auth.clock import SystemClock
from definition.model import AwsEndpointSettings, StepFunctionsSettings
from definition.problems import Problem
from definition.service_resources import QueueSpec, ServiceResources
from tests.fixtures.aws_signing import signed_headers

pytestmark = pytest.mark.anyio


async def test_running_attaches_the_transport_and_signs_with_the_installations_key() -> None:
    import moto.cognitoidp.models as models

    original = vars(models)["jwt"]
    service = build_step_functions(StepFunctionsSettings(), "a.yaml").service
    data = DataDirectory.ephemeral()
    local = build_local_aws(AwsEndpointSettings(), "eu-west-1", service, data, SystemClock())
    assert local.region == "eu-west-1"
    async with running(local):
        assert vars(models)["jwt"] is not original
        # The engine's clients are answered on the server's loop.
        assert local.transport._loop is asyncio.get_running_loop()
    assert vars(models)["jwt"] is original


def test_the_signing_hook_is_undone_even_when_nested() -> None:
    import moto.cognitoidp.models as models

    original = vars(models)["jwt"]
    with signing_with(DataDirectory.ephemeral()):
        with signing_with(DataDirectory.ephemeral()):
            pass
        assert vars(models)["jwt"] is not original
    assert vars(models)["jwt"] is original


async def test_the_route_table_answers_appsyncs_evaluate_code() -> None:
    service = build_step_functions(StepFunctionsSettings(), "a.yaml").service
    data = DataDirectory.ephemeral()
    local = build_local_aws(AwsEndpointSettings(), "us-east-1", service, data, SystemClock())
    path = "/v1/dataplane-evaluatecode"
    code = "export function request(ctx) { return ctx.args; }"
    body = json.dumps({"runtime": RUNTIME, "code": code, "context": '{"arguments":{"a":1}}'})
    headers = signed_headers("POST", "http://localhost" + path, "appsync", body.encode())
    # What the socket adds: the Host header the signature covers.
    headers = {"host": "localhost", **{k.lower(): v for k, v in headers.items()}}
    answer = await local.endpoint.handle(AwsRequest("POST", path, "", headers, body.encode()))
    assert answer.status == 200, answer.body
    assert json.loads(json.loads(answer.body)["evaluationResult"]) == {"a": 1}


async def _cognito(local: LocalAws, operation: str, body: dict[str, object]) -> AwsResponse:
    """A `cognito-idp` call through the endpoint, signed as boto3 signs it."""
    data = json.dumps(body).encode()
    target = {"x-amz-target": f"AWSCognitoIdentityProviderService.{operation}"}
    headers = signed_headers(
        "POST",
        "http://localhost/",
        "cognito-idp",
        data,
        {**target, "content-type": "application/x-amz-json-1.1"},
    )
    headers = {"host": "localhost", **{k.lower(): v for k, v in headers.items()}}
    return await local.endpoint.handle(AwsRequest("POST", "/", "", headers, data))


async def test_the_cognito_route_made_by_its_first_call_is_moto_with_srp_verified() -> None:
    service = build_step_functions(StepFunctionsSettings(), "a.yaml").service
    data = DataDirectory.ephemeral()
    local = build_local_aws(AwsEndpointSettings(), "us-east-1", service, data, SystemClock())
    async with running(local):
        created = await _cognito(local, "CreateUserPool", {"PoolName": "lazy"})
        assert created.status == 200, created.body
        pool = json.loads(created.body)["UserPool"]["Id"]
        client = await _cognito(
            local, "CreateUserPoolClient", {"UserPoolId": pool, "ClientName": "app"}
        )
        client_id = json.loads(client.body)["UserPoolClient"]["ClientId"]
        # SRP's own check (cognito_srp), in front of moto's: an A of 0 mod N is refused.
        refused = await _cognito(
            local,
            "InitiateAuth",
            {
                "AuthFlow": "USER_SRP_AUTH",
                "ClientId": client_id,
                "AuthParameters": {"USERNAME": "someone", "SRP_A": "0"},
            },
        )
    assert refused.status == 400
    assert json.loads(refused.body) == {
        "__type": "InvalidParameterException",
        "message": BAD_SRP_A,
    }


async def test_a_template_s_queues_are_put_back_and_kept_off_the_event_loop(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Putting a large bucket back reads its files: the loop answers other requests meanwhile.
    caplog.set_level(logging.DEBUG, "appsync.aws.resource_journal")
    service = build_step_functions(StepFunctionsSettings(), "a.yaml").service
    queue = QueueSpec("local-kept", "eu-west-1", "123456789012")
    local = build_local_aws(
        AwsEndpointSettings(),
        "eu-west-1",
        service,
        DataDirectory(tmp_path / "data"),
        SystemClock(),
        resources=(ServiceResources(queues=(queue,)), lambda path, text: Problem("", path, text)),
    )
    async with running(local):
        pass
    [restored] = [r for r in caplog.records if r.getMessage().startswith("kept queues")]
    assert restored.thread != threading.get_ident()
    assert (tmp_path / "data" / "resources.json").exists()
