"""Interpreter errors: Fail states, Catch, Retry back-off, payload size and history length limits.

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
async def test_fail_state_fails_the_execution_with_its_error_and_cause() -> None:
    # corpus base/test_base::test_state_fail
    execution = await run(
        {
            "StartAt": "F",
            "States": {
                "F": {
                    "Type": "Fail",
                    "Error": "SomeFailure",
                    "Cause": "This state machines raises a 'SomeFailure' failure.",
                }
            },
        }
    )
    assert execution.status is ExecutionStatus.FAILED
    assert execution.error == "SomeFailure"
    assert execution.cause == "This state machines raises a 'SomeFailure' failure."
    assert types(execution) == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]


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


@pytest.mark.anyio
async def test_an_output_over_256_kib_fails_with_data_limit_exceeded() -> None:
    # corpus error_handling/test_states_errors::test_start_large_input
    execution = await run(
        {"StartAt": "State_1", "States": {"State_1": {"Type": "Pass", "End": True}}},
        {"big": "x" * 262_144},
    )
    assert execution.error == "States.DataLimitExceeded"
    assert execution.cause == (
        "The state/task 'State_1' returned a result with a size exceeding the maximum number "
        "of bytes service limit."
    )
    assert types(execution) == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]


@pytest.mark.anyio
async def test_an_endless_loop_fails_at_the_25000th_event() -> None:
    # Recorded against AWS (floci-io/floci#2734): event 25,000 is ExecutionFailed with
    # States.Runtime, and event 24,999 is the loop's last ChoiceStateExited.
    execution = await run(
        {
            "StartAt": "Loop",
            "States": {
                "Loop": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.spin", "BooleanEquals": True, "Next": "Loop"}],
                    "Default": "Done",
                },
                "Done": {"Type": "Succeed"},
            },
        },
        {"spin": True},
    )
    assert execution.status is ExecutionStatus.FAILED
    last, before = execution.history[-1].to_wire(), execution.history[-2].to_wire()
    assert (last["id"], last["previousEventId"], last["type"]) == (25000, 24999, "ExecutionFailed")
    assert last["executionFailedEventDetails"] == {
        "error": "States.Runtime",
        "cause": "The execution reached the maximum number of history events (25000).",
    }
    assert (before["id"], before["type"]) == (24999, "ChoiceStateExited")
