"""Interpreter time: Wait states, execution and task timeouts on the fake clock.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

from datetime import timedelta
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
@pytest.mark.parametrize(
    ("seconds", "cause"),
    [
        (-1, "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1"),
        (
            1.5,
            "The SecondsPath parameter cannot be parsed as a long value: "
            "$.input.waitSeconds == 1.5",
        ),
    ],
)
async def test_wait_seconds_path_errors_carry_the_state_prefix(seconds: float, cause: str) -> None:
    # corpus base/test_wait::test_base_wait_seconds_path[-1] and [1.5]
    execution = await run(
        {
            "StartAt": "WaitState",
            "States": {
                "WaitState": {"Type": "Wait", "SecondsPath": "$.input.waitSeconds", "End": True}
            },
        },
        {"input": {"waitSeconds": seconds}},
    )
    assert execution.error == "States.Runtime"
    assert execution.cause == (
        "An error occurred while executing the state 'WaitState' (entered at the event id #2). "
        + cause
    )
    assert types(execution) == ["ExecutionStarted", "WaitStateEntered", "ExecutionFailed"]


@pytest.mark.anyio
async def test_a_wait_of_a_year_finishes_at_once_on_the_fake_clock() -> None:
    clock = FakeClock(START)
    execution = await run(
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 31_536_000, "End": True}}},
        clock=clock,
    )
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert clock.now() == START + timedelta(days=365)


@pytest.mark.anyio
async def test_a_timestamp_too_far_ahead_fails_at_once() -> None:
    # corpus base/test_wait::test_timestamp_too_far_in_future_boundary[24856]
    far = (START + timedelta(days=24856)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    execution = await run(
        {
            "StartAt": "State_1",
            "States": {"State_1": {"Type": "Wait", "TimestampPath": "$.start_at", "End": True}},
        },
        {"start_at": far},
    )
    assert execution.error == "States.Runtime"
    assert execution.cause is not None
    assert execution.cause.endswith("Wait state delay is too long.")


@pytest.mark.anyio
async def test_execution_timeout_stops_a_long_wait() -> None:
    # corpus timeouts/test_timeouts::test_global_timeout: TIMED_OUT, no error or cause.
    clock = FakeClock(START)
    execution = await run(
        {
            "TimeoutSeconds": 5,
            "StartAt": "State_1",
            "States": {
                "State_1": {"Type": "Wait", "Seconds": 60, "Next": "State_2"},
                "State_2": {"Type": "Pass", "End": True},
            },
        },
        clock=clock,
    )
    assert execution.status is ExecutionStatus.TIMED_OUT
    assert (execution.error, execution.cause) == (None, None)
    assert types(execution) == ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]
    assert execution.stop_date == START + timedelta(seconds=5)
    # AWS recording (floci-io/floci#2733): the event carries States.Timeout, previousEventId 0.
    timed_out = execution.history[-1].to_wire()
    assert timed_out["previousEventId"] == 0
    assert timed_out["executionTimedOutEventDetails"] == {"error": "States.Timeout"}


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
