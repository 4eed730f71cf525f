"""Retry and Catch around a state's attempts: a retry schedule of hours on the fake clock, a
catcher's ResultPath.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from stepfunctions.records.execution import ExecutionStatus
from stepfunctions.runtime.clock import FakeClock
from tests.unit.stepfunctions.runtime.runs import (
    FUNCTION,
    START,
    output,
    run,
    types,
)


@pytest.mark.anyio
async def test_a_retry_schedule_of_hours_finishes_at_once_and_backs_off() -> None:
    clock = FakeClock(START)
    attempts: list[datetime] = []

    def flaky(event: Any, context: Any) -> Any:
        attempts.append(clock.now())
        raise RuntimeError("down")

    execution = await run(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": FUNCTION,
                    "Retry": [
                        {"ErrorEquals": ["RuntimeError"], "IntervalSeconds": 3600, "MaxAttempts": 3}
                    ],
                    "End": True,
                }
            },
        },
        handler=flaky,
        clock=clock,
    )
    # IntervalSeconds * BackoffRate^n with the default BackoffRate 2.0: 1h, 2h, 4h.
    offsets = [attempt - START for attempt in attempts]
    assert offsets == [timedelta(hours=h) for h in (0, 1, 3, 7)]
    assert execution.status is ExecutionStatus.FAILED
    assert execution.error == "RuntimeError"
    assert json.loads(execution.cause or "")["errorMessage"] == "down"
    assert types(execution).count("LambdaFunctionFailed") == 4


@pytest.mark.anyio
async def test_catch_puts_the_error_output_at_its_result_path() -> None:
    def fail(event: Any, context: Any) -> Any:
        raise KeyError("missing")

    execution = await run(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": FUNCTION,
                    "Catch": [
                        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "P"}
                    ],
                    "End": True,
                },
                "P": {"Type": "Pass", "End": True},
            },
        },
        {"keep": 1},
        handler=fail,
    )
    result = output(execution)
    assert result["keep"] == 1
    assert result["error"]["Error"] == "KeyError"
    assert json.loads(result["error"]["Cause"])["errorType"] == "KeyError"
