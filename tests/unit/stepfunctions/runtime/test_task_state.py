"""Task states: a Lambda task's result through ResultSelector, and TimeoutSeconds around a task
that waits.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from stepfunctions.runtime.clock import FakeClock
from tests.unit.stepfunctions.runtime.runs import (
    FUNCTION,
    START,
    output,
    run,
    types,
)


@pytest.mark.anyio
async def test_task_timeout_fires_before_a_longer_wait_inside_the_task() -> None:
    clock = FakeClock(START)

    async def slow(event: Any, context: Any) -> Any:
        await clock.sleep_until(clock.now() + timedelta(seconds=100))
        return "late"

    execution = await run(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": FUNCTION,
                    "TimeoutSeconds": 10,
                    "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Caught"}],
                    "End": True,
                },
                "Caught": {"Type": "Pass", "End": True},
            },
        },
        handler=slow,
        clock=clock,
    )
    assert output(execution) == {"Error": "States.Timeout", "Cause": ""}
    assert clock.now() == START + timedelta(seconds=10)
    assert types(execution)[:5] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionTimedOut",
    ]


@pytest.mark.anyio
async def test_lambda_invoke_result_and_result_selector() -> None:
    def double(event: Any, context: Any) -> Any:
        return {"n": event["n"] * 2}

    execution = await run(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": FUNCTION, "Payload": {"n.$": "$.n"}},
                    "ResultSelector": {"value.$": "$.Payload.n", "code.$": "$.StatusCode"},
                    "ResultPath": "$.out",
                    "End": True,
                }
            },
        },
        {"n": 21},
        handler=double,
    )
    assert output(execution) == {"n": 21, "out": {"value": 42, "code": 200}}
    assert types(execution) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    scheduled = execution.history[2].to_wire()["taskScheduledEventDetails"]
    assert (scheduled["resourceType"], scheduled["resource"]) == ("lambda", "invoke")
