"""`appsync-local stepfunctions`'s app: the Step Functions AWS JSON 1.0 API behind the one AWS
endpoint's verification. `X-Amz-Target` picks the operation; answers and errors carry AWS's
content type, request id and `x-amzn-ErrorType` (botocore reads `__type`); unsigned or wrongly
signed calls are refused before the engine sees them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from appsync.console.access import ConsoleToken
from appsync.stepfunctions_api import build_stepfunctions_app
from appsync.stepfunctions_embedded import build_step_functions
from definition.model import AccessKey, AwsEndpointSettings, StepFunctionsSettings
from tests.fixtures.aws_signing import JSON_1_0, signed_headers

URL = "http://localhost/"


async def _call(
    target: str | None,
    body: dict[str, Any],
    *,
    key: tuple[str, str] | None = ("testing", "testing"),
    settings: AwsEndpointSettings | None = None,
    service_name: str = "states",
) -> httpx.Response:
    service = build_step_functions(StepFunctionsSettings(), "appsync.yaml").service
    app = build_stepfunctions_app(service, settings)
    data = json.dumps(body).encode()
    headers = {"content-type": JSON_1_0}
    if target is not None:
        headers["x-amz-target"] = target
    if key is not None:
        headers = signed_headers("POST", URL, service_name, data, headers, key)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        return await client.post("/", content=data, headers=headers)


@pytest.mark.anyio
async def test_an_operation_answers_aws_json() -> None:
    response = await _call("AWSStepFunctions.ListStateMachines", {})
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON_1_0
    assert response.headers["x-amzn-requestid"]
    assert response.json() == {"stateMachines": []}


@pytest.mark.anyio
async def test_an_error_names_its_type_in_the_body_and_the_header() -> None:
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:absent"
    response = await _call("AWSStepFunctions.DescribeStateMachine", {"stateMachineArn": arn})
    assert response.status_code == 400
    assert response.json()["__type"] == "StateMachineDoesNotExist"
    assert response.headers["x-amzn-errortype"] == "StateMachineDoesNotExist"


@pytest.mark.anyio
async def test_an_unsigned_call_is_refused_before_the_engine() -> None:
    response = await _call("AWSStepFunctions.ListStateMachines", {}, key=None)
    assert response.status_code == 400
    assert response.json() == {
        "__type": "MissingAuthenticationTokenException",
        "message": "Request is missing Authentication Token",
    }


@pytest.mark.anyio
async def test_a_declared_key_replaces_the_testing_pair() -> None:
    settings = AwsEndpointSettings((AccessKey("AKIALOCALSFN0000001", "sfn-secret"),))
    target = "AWSStepFunctions.ListStateMachines"
    refused = await _call(target, {}, settings=settings)
    assert refused.json()["__type"] == "UnrecognizedClientException"
    accepted = await _call(target, {}, key=("AKIALOCALSFN0000001", "sfn-secret"), settings=settings)
    assert accepted.status_code == 200


@pytest.mark.anyio
async def test_a_call_of_another_service_is_not_served() -> None:
    # `appsync-local stepfunctions` routes `states` only; DynamoDB is `serve`'s.
    response = await _call("DynamoDB_20120810.ListTables", {}, service_name="dynamodb")
    assert response.status_code == 400
    assert response.json() == {
        "__type": "UnknownOperationException",
        "message": "appsync-local does not serve the AWS service 'dynamodb'",
    }


@pytest.mark.anyio
async def test_a_signature_for_another_service_is_refused() -> None:
    response = await _call("AWSStepFunctions.ListStateMachines", {}, service_name="dynamodb")
    assert response.status_code == 400
    assert response.json()["__type"] == "InvalidSignatureException"
    assert (
        response.json()["message"] == "Credential should be scoped to correct service: 'states'. "
    )


@pytest.mark.anyio
async def test_the_console_serves_the_step_functions_pages_alone() -> None:
    service = build_step_functions(StepFunctionsSettings(), "appsync.yaml").service
    token = ConsoleToken("stepfunctions-console-token")
    app = build_stepfunctions_app(service, console_token=token)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8083") as client:
        config = (await client.get("/console/config.json")).json()
        answered = await client.post(
            "/console/graphql",
            json={"query": "{ listTables(input: {}) { TableNames } }"},
            headers={"authorization": "Bearer stepfunctions-console-token"},
        )
        unsigned = await client.post("/console/graphql", json={"query": "{ __typename }"})
    assert config["sections"] == ["stepfunctions"]
    assert config["apiName"] == "Step Functions"
    assert config["endpoints"] == {
        "graphql": None,
        "realtime": None,
        "aws": "http://127.0.0.1:8083",
        "console": "/console/graphql",
    }
    # No DynamoDB here: the schema has no such field.
    assert answered.json()["errors"][0]["message"].startswith("Cannot query field 'listTables'")
    assert unsigned.status_code == 401


@pytest.mark.anyio
async def test_without_a_console_token_only_the_api_is_served() -> None:
    service = build_step_functions(StepFunctionsSettings(), "appsync.yaml").service
    transport = httpx.ASGITransport(app=build_stepfunctions_app(service))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8083") as client:
        response = await client.get("/console/config.json")
    assert response.status_code == 404
