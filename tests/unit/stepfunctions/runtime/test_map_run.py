"""StopExecution on a Distributed Map's child or parent.

A stopped child ends ABORTED and counts as a failed item against the tolerated failures while
its siblings go on; stopping the parent aborts its running children and its map run (API
reference, StopExecution and DescribeMapRun: `aborted` counts).
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
from tests.unit.stepfunctions.runtime.runs import make_execution
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
