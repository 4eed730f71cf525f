"""`arn:aws:states:::aws-sdk:sfn:<action>`: the AWS SDK integration answered by this engine.

A refusal is `Sfn.<Code>Exception`, the AWS SDK for Java v2 client's exception name, with the cause
`<message> (Service: Sfn, Status Code: <status>, Request ID: <id>)`, as every SDK integration
words a service error (dg "Handling errors in Step Functions workflows", AWS SDK integrations).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from stepfunctions.errors import StatesError
from stepfunctions.integrations.engine_sdk import EngineSdkIntegration
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.service_integration import Pattern, TaskCall
from stepfunctions.service.api import OPERATIONS
from tests.unit.stepfunctions.integrations.conftest import ACCOUNT, REGION, START, Engine
from tests.unit.stepfunctions.integrations.test_states import CHILD_WAITS


@pytest.mark.anyio
async def test_aws_sdk_sfn_calls_reach_this_engine(engine: Engine) -> None:
    child = await engine.machine("child", CHILD_WAITS)
    missing = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:child:missing"
    parent = {
        "StartAt": "Start",
        "States": {
            "Start": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution",
                "Parameters": {"StateMachineArn": child, "Name": "child-run", "Input": "{}"},
                "ResultPath": "$.started",
                "Next": "Describe",
            },
            "Describe": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
                "Parameters": {"ExecutionArn": missing},
                "Catch": [
                    {
                        "ErrorEquals": ["Sfn.ExecutionDoesNotExistException"],
                        "ResultPath": "$.error",
                        "Next": "Done",
                    }
                ],
                "End": True,
            },
            "Done": {"Type": "Pass", "End": True},
        },
    }
    described = await engine.run(parent)
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert (
        output["started"]["ExecutionArn"]
        == f"arn:aws:states:{REGION}:{ACCOUNT}:execution:child:child-run"
    )
    assert output["started"]["StartDate"] == "2024-05-01T00:00:00Z"
    assert output["error"]["Error"] == "Sfn.ExecutionDoesNotExistException"
    assert "(Service: Sfn, Status Code: 400, Request ID: " in output["error"]["Cause"]
    events = await engine.history(described["executionArn"])
    scheduled = next(e for e in events if e["type"] == "TaskScheduled")
    assert scheduled["taskScheduledEventDetails"]["resourceType"] == "aws-sdk:sfn"


def _integration(engine: Engine) -> EngineSdkIntegration:
    return EngineSdkIntegration(engine.service, frozenset(OPERATIONS))


def _call(action: str, parameters: Any) -> TaskCall:
    return TaskCall(
        service="sfn",
        action=action,
        pattern=Pattern.REQUEST_RESPONSE,
        sdk=True,
        parameters=parameters,
        clock=FakeClock(START),
        region=REGION,
        account_id=ACCOUNT,
        execution_arn=f"arn:aws:states:{REGION}:{ACCOUNT}:execution:parent:p",
        submitted=lambda answer: None,
    )


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("action", "pattern", "sdk", "supported"),
    [
        ("startExecution", Pattern.REQUEST_RESPONSE, True, True),
        ("sendTaskSuccess", Pattern.WAIT_FOR_TASK_TOKEN, True, True),
        ("startExecution", Pattern.SYNC, True, False),
        ("startExecution", Pattern.REQUEST_RESPONSE, False, False),
        ("StartExecution", Pattern.REQUEST_RESPONSE, True, False),
        ("startJob", Pattern.REQUEST_RESPONSE, True, False),
    ],
)
async def test_sdk_actions_are_the_apis_operations_in_camel_case(
    engine: Engine, action: str, pattern: Pattern, sdk: bool, supported: bool
) -> None:
    assert _integration(engine).supports(action, pattern, sdk) is supported


@pytest.mark.anyio
async def test_parameters_go_in_camel_case_and_the_answer_comes_back_in_pascal_case(
    engine: Engine,
) -> None:
    machine = await engine.machine("listed", CHILD_WAITS)
    answer = await _integration(engine).call(_call("listStateMachines", {"MaxResults": 1}))
    assert answer == {
        "StateMachines": [
            {
                "StateMachineArn": machine,
                "Name": "listed",
                "Type": "STANDARD",
                # The API's epoch seconds, written as the SDK v2 writes an Instant.
                "CreationDate": "2024-05-01T00:00:00Z",
            }
        ]
    }


@pytest.mark.anyio
async def test_a_refusal_is_named_as_the_java_sdk_v2_names_it(engine: Engine) -> None:
    with pytest.raises(StatesError) as caught:
        await _integration(engine).call(_call("listExecutions", {}))
    # The code already ends in Exception (ValidationException): it is not doubled.
    assert caught.value.error == "Sfn.ValidationException"
    assert caught.value.prefixed
    assert re.fullmatch(
        r"Must provide a StateMachine ARN or MapRun ARN \(Service: Sfn, Status Code: 400, "
        r"Request ID: [0-9a-f-]{36}\)",
        caught.value.cause,
    )
