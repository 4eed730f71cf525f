"""Parallel states: branch order, failures, Retry and Catch, variable scope.

History expectations are AWS recordings from the shared corpus
(scenarios/test_base_scenarios::test_parallel_state_*, assign/test_assign_base).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from stepfunctions.records.execution import ExecutionStatus
from tests.unit.stepfunctions.runtime.runs import run, types


def failing_parallel(fields: dict[str, Any], **others: dict[str, Any]) -> dict[str, Any]:
    """A machine that starts at ParallelState, whose one branch fails with FailureType.

    `fields` completes ParallelState (its End or Next, Retry, Catch); `others` are further states.
    """
    branch = {
        "StartAt": "Branch1",
        "States": {
            "Branch1": {"Type": "Fail", "Error": "FailureType", "Cause": "Cause description"}
        },
    }
    parallel = {"Type": "Parallel", "Branches": [branch], **fields}
    return {"StartAt": "ParallelState", "States": {"ParallelState": parallel, **others}}


@pytest.mark.anyio
async def test_results_are_in_branch_order() -> None:
    branches = [
        {"StartAt": f"B{i}", "States": {f"B{i}": {"Type": "Pass", "Result": i, "End": True}}}
        for i in range(10)
    ]
    execution = await run(
        {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": branches, "End": True}}}
    )
    assert json.loads(execution.output or "") == list(range(10))
    events = types(execution)
    assert events[:3] == ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted"]
    assert events[-3:] == ["ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded"]
    started = execution.history[2].id
    first_in_branches = [e for e in execution.history if e.type == "PassStateEntered"]
    assert all(e.previous_event_id == started for e in first_in_branches)


@pytest.mark.anyio
async def test_a_failing_branch_fails_the_state() -> None:
    execution = await run(failing_parallel({"End": True}))
    assert (execution.status, execution.error) == (ExecutionStatus.FAILED, "FailureType")
    assert types(execution) == [
        "ExecutionStarted",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "FailStateEntered",
        "ParallelStateFailed",
        "ExecutionFailed",
    ]


@pytest.mark.anyio
async def test_catch_takes_a_branch_error() -> None:
    execution = await run(
        failing_parallel(
            {"Catch": [{"ErrorEquals": ["FailureType"], "Next": "FinalCaught"}], "Next": "Final"},
            FinalCaught={"Type": "Pass", "End": True},
            Final={"Type": "Pass", "End": True},
        )
    )
    assert json.loads(execution.output or "") == {
        "Error": "FailureType",
        "Cause": "Cause description",
    }
    assert types(execution) == [
        "ExecutionStarted",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "FailStateEntered",
        "ParallelStateFailed",
        "ParallelStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


@pytest.mark.anyio
async def test_retry_runs_the_branches_again() -> None:
    execution = await run(
        failing_parallel(
            {"Retry": [{"ErrorEquals": ["FailureType"], "MaxAttempts": 2}], "Next": "Final"},
            Final={"Type": "Pass", "End": True},
        )
    )
    assert (execution.error, execution.cause) == ("FailureType", "Cause description")
    assert types(execution) == [
        "ExecutionStarted",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "FailStateEntered",
        "ParallelStateStarted",
        "FailStateEntered",
        "ParallelStateStarted",
        "FailStateEntered",
        "ParallelStateFailed",
        "ExecutionFailed",
    ]


@pytest.mark.anyio
async def test_branches_read_outer_variables_and_keep_their_own() -> None:
    branch = {
        "StartAt": "Inner",
        "States": {
            "Inner": {"Type": "Pass", "Assign": {"innerX.$": "$x"}, "Next": "Read"},
            "Read": {"Type": "Pass", "Parameters": {"inner.$": "$innerX"}, "End": True},
        },
    }
    execution = await run(
        {
            "StartAt": "State0",
            "States": {
                "State0": {"Type": "Pass", "Assign": {"x": 42}, "Next": "State1"},
                "State1": {"Type": "Parallel", "Branches": [branch, branch], "Next": "After"},
                "After": {
                    "Type": "Pass",
                    "Parameters": {"x.$": "$x", "branches.$": "$"},
                    "End": True,
                },
            },
        }
    )
    assert json.loads(execution.output or "") == {
        "x": 42,
        "branches": [{"inner": 42}, {"inner": 42}],
    }
    # A branch's variables do not leak out: referencing one after the Parallel fails.
    leaked = await run(
        {
            "StartAt": "State0",
            "States": {
                "State0": {"Type": "Pass", "Assign": {"x": 42}, "Next": "State1"},
                "State1": {"Type": "Parallel", "Branches": [branch], "Next": "After"},
                "After": {"Type": "Pass", "Parameters": {"v.$": "$innerX"}, "End": True},
            },
        },
    )
    assert leaked.status is ExecutionStatus.FAILED
    assert leaked.error == "States.Runtime"
    assert "ParallelStateSucceeded" in types(leaked)
