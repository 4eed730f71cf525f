"""The Step Functions AWS JSON 1.0 endpoint: `X-Amz-Target` picks the operation, answers and
errors carry AWS's content type, request id and `x-amzn-ErrorType` (botocore reads `__type`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.requests import Request

from appsync.stepfunctions_api import build_stepfunctions_app, is_stepfunctions_request
from appsync.stepfunctions_embedded import build_step_functions
from definition.model import StepFunctionsSettings

JSON_1_0 = "application/x-amz-json-1.0"


async def _call(target: str | None, body: dict[str, Any]) -> httpx.Response:
    service = build_step_functions(StepFunctionsSettings(), "appsync.yaml").service
    transport = httpx.ASGITransport(app=build_stepfunctions_app(service))
    headers = {"content-type": JSON_1_0}
    if target is not None:
        headers["x-amz-target"] = target
    async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
        return await client.post("/", json=body, headers=headers)


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
async def test_a_request_without_the_target_is_an_unknown_operation() -> None:
    response = await _call(None, {})
    assert response.status_code == 400
    assert response.json() == {
        "__type": "UnknownOperationException",
        "message": "Unknown operation (no X-Amz-Target)",
    }


def test_only_the_step_functions_target_marks_a_request_as_its_own() -> None:
    def request(target: bytes) -> Request:
        return Request({"type": "http", "headers": [(b"x-amz-target", target)]})

    assert is_stepfunctions_request(request(b"AWSStepFunctions.ListActivities"))
    assert not is_stepfunctions_request(request(b"DynamoDB_20120810.GetItem"))
