"""Pass, Wait, Choice, Succeed and Fail in an execution: Wait's seconds and timestamps on the
fake clock, Fail's error and cause.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from stepfunctions.records.execution import ExecutionStatus
from stepfunctions.runtime.clock import FakeClock
from tests.unit.stepfunctions.runtime.runs import (
    START,
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
