"""Step Functions' route: the target's operation to the engine, AWS JSON 1.0 back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from appsync.aws.requests import AwsRequest, ServiceCall, WireProtocol
from appsync.aws.states import StepFunctionsRoute

pytestmark = pytest.mark.anyio


class _Engine:
    def __init__(self) -> None:
        self.seen: list[tuple[str, bytes]] = []

    async def handle(self, operation: str, body: bytes) -> tuple[int, dict[str, Any]]:
        self.seen.append((operation, body))
        if operation == "DescribeActivity":
            return 400, {"__type": "ActivityDoesNotExist", "message": "Activity Does Not Exist"}
        return 200, {"activities": []}


def _call(operation: str | None) -> ServiceCall:
    return ServiceCall("states", "states", operation, WireProtocol.JSON, "us-east-1", True)


async def test_the_operation_and_body_reach_the_engine() -> None:
    engine = _Engine()
    request = AwsRequest("POST", "/", "", {}, b'{"maxResults": 1}')
    answer = await StepFunctionsRoute(engine).handle(request, _call("ListActivities"))
    assert engine.seen == [("ListActivities", b'{"maxResults": 1}')]
    assert (answer.status, json.loads(answer.body)) == (200, {"activities": []})
    assert ("content-type", "application/x-amz-json-1.0") in answer.headers


async def test_an_error_names_its_type_in_a_header_too() -> None:
    request = AwsRequest("POST", "/", "", {}, b"{}")
    answer = await StepFunctionsRoute(_Engine()).handle(request, _call("DescribeActivity"))
    assert answer.status == 400
    assert ("x-amzn-errortype", "ActivityDoesNotExist") in answer.headers


async def test_without_a_target_the_operation_is_unknown() -> None:
    engine = _Engine()
    answer = await StepFunctionsRoute(engine).handle(AwsRequest("POST", "/", "", {}), _call(None))
    assert json.loads(answer.body)["__type"] == "UnknownOperationException"
    assert engine.seen == []
