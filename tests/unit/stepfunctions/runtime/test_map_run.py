"""A Distributed Map's run: child executions in a Map Run, tolerated failures, ItemBatcher, and
StopExecution on a child or the parent.

A stopped child ends ABORTED and counts as a failed item against the tolerated failures while
its siblings go on; stopping the parent aborts its running children and its map run (API
reference, StopExecution and DescribeMapRun: `aborted` counts). The ItemBatcher input shape and
the failure threshold come from the developer guide ("ItemBatcher", "Setting failure thresholds
for Distributed Map states").
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from stepfunctions.records.execution import Execution, ExecutionStatus, MapRunStatus
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.runtime.runs import (
    PASS_PROCESSOR,
    distributed,
    make_execution,
    output,
    run,
    types,
)
from tests.unit.stepfunctions.runtime.test_replay import ManualClock, settle

pytestmark = pytest.mark.anyio

START = datetime(2024, 5, 1, tzinfo=UTC)
NAP = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 100, "End": True}}}


def _map(tolerated: int) -> dict[str, Any]:
    return {
        "StartAt": "Map",
        "States": {
            "Map": {
                "Type": "Map",
                "ToleratedFailureCount": tolerated,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    **NAP,
                },
                "End": True,
            }
        },
    }


def _parent(definition: dict[str, Any], clock: ManualClock) -> Execution:
    return make_execution(definition, [1, 2, 3], clock)


async def _children_waiting(parent: Execution) -> list[Execution]:
    for _ in range(20):
        await settle()
        children = parent.child_executions
        if len(children) == 3 and all(len(child.history) >= 2 for child in children):
            return children
    raise AssertionError("the children did not start")


async def test_a_stopped_child_is_aborted_and_its_siblings_finish() -> None:
    clock = ManualClock(START)
    interpreter = Interpreter(clock, TaskRegistry())
    parent = _parent(_map(tolerated=1), clock)
    running = asyncio.ensure_future(interpreter.run(parent))
    children = await _children_waiting(parent)
    interpreter.stop(children[1], "Manual", "stopped by the test")
    await settle()
    clock.advance(100)
    await asyncio.wait_for(running, 5)
    assert parent.status is ExecutionStatus.SUCCEEDED
    assert json.loads(parent.output or "") == [
        1,
        {"Error": "Manual", "Cause": "stopped by the test"},
        3,
    ]
    assert [child.status for child in children] == [
        ExecutionStatus.SUCCEEDED,
        ExecutionStatus.ABORTED,
        ExecutionStatus.SUCCEEDED,
    ]
    counts = parent.map_runs[0].execution_counts
    assert (counts["succeeded"], counts["aborted"], counts["running"]) == (2, 1, 0)


async def test_stopping_the_parent_aborts_its_children_and_map_run() -> None:
    clock = ManualClock(START)
    interpreter = Interpreter(clock, TaskRegistry())
    parent = _parent(_map(tolerated=0), clock)
    running = asyncio.ensure_future(interpreter.run(parent))
    children = await _children_waiting(parent)
    interpreter.stop(parent, None, None)
    await asyncio.wait_for(running, 5)
    assert parent.status is ExecutionStatus.ABORTED
    assert [child.status for child in children] == [ExecutionStatus.ABORTED] * 3
    assert [child.history[-1].type for child in children] == ["ExecutionAborted"] * 3
    assert parent.map_runs[0].status is MapRunStatus.ABORTED
    assert parent.history[-1].type == "ExecutionAborted"


@pytest.mark.anyio
async def test_distributed_map_runs_child_executions_in_a_map_run() -> None:
    # corpus scenarios/test_base_scenarios::test_map_state_legacy_config_distributed
    execution = await run(distributed(PASS_PROCESSOR, Label="Batch1"), ["Hello", "World"])
    assert output(execution) == ["Hello", "World"]
    assert types(execution) == [
        "ExecutionStarted",
        "MapStateEntered",
        "MapStateStarted",
        "MapRunStarted",
        "MapRunSucceeded",
        "MapStateSucceeded",
        "MapStateExited",
        "ExecutionSucceeded",
    ]
    (map_run,) = execution.map_runs
    assert map_run.status is MapRunStatus.SUCCEEDED
    assert map_run.map_run_arn.startswith("arn:aws:states:us-east-1:123456789012:mapRun:sm/Batch1:")
    assert map_run.execution_counts["succeeded"] == 2
    assert map_run.item_counts["total"] == 2
    children = execution.child_executions
    assert [child.status for child in children] == [ExecutionStatus.SUCCEEDED] * 2
    assert all(child.parent_map_run_arn == map_run.map_run_arn for child in children)
    started = execution.history[3].to_wire()["mapRunStartedEventDetails"]
    assert started == {"mapRunArn": map_run.map_run_arn}


FAIL_ODD = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$", "NumericGreaterThan": 1, "Next": "Bad"}],
            "Default": "Good",
        },
        "Bad": {"Type": "Fail", "Error": "Bad"},
        "Good": {"Type": "Pass", "End": True},
    },
}


@pytest.mark.anyio
async def test_failures_within_the_tolerated_count_let_the_map_succeed() -> None:
    execution = await run(distributed(FAIL_ODD, ToleratedFailureCount=1), [0, 1, 2])
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert execution.map_runs[0].execution_counts["failed"] == 1


@pytest.mark.anyio
async def test_failures_beyond_the_threshold_fail_the_map() -> None:
    execution = await run(distributed(FAIL_ODD, ToleratedFailurePercentage=10), [0, 1, 2, 3])
    assert execution.error == "States.ExceedToleratedFailureThreshold"
    assert execution.map_runs[0].status is MapRunStatus.FAILED
    assert types(execution)[-4:] == [
        "MapRunStarted",
        "MapRunFailed",
        "MapStateFailed",
        "ExecutionFailed",
    ]


@pytest.mark.anyio
async def test_item_batcher_groups_items_with_the_batch_input() -> None:
    execution = await run(
        distributed(
            PASS_PROCESSOR,
            ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"factCheck": "December 2022"}},
        ),
        [1, 2, 3],
    )
    assert output(execution) == [
        {"BatchInput": {"factCheck": "December 2022"}, "Items": [1, 2]},
        {"BatchInput": {"factCheck": "December 2022"}, "Items": [3]},
    ]
