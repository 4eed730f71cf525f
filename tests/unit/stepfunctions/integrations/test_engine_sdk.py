"""`arn:aws:states:::aws-sdk:sfn:<action>`: the AWS SDK integration answered by this engine."""

from __future__ import annotations

import json

import pytest

from tests.unit.stepfunctions.integrations.conftest import ACCOUNT, REGION, Engine
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
