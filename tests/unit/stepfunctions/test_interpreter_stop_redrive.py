"""Interpreter stop and redrive: aborting a running execution, resuming the failed state,
and rerunning only the failed branches or iterations.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from stepfunctions.records.execution import ExecutionStatus
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.runtime.runs import (
    FUNCTION,
    START,
    make_execution,
    output,
    types,
)


@pytest.mark.anyio
async def test_stop_aborts_a_running_execution() -> None:
    clock = FakeClock(START)
    interpreter = Interpreter(clock, TaskRegistry())
    execution = make_execution(
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}, {}, clock
    )
    async with asyncio.TaskGroup() as group:
        group.create_task(interpreter.run(execution))
        for _ in range(5):
            await asyncio.sleep(0)
        running = execution.status
        interpreter.stop(execution, "Stopped", "by test")
    assert running is ExecutionStatus.RUNNING
    assert execution.status.value == "ABORTED"
    assert (execution.error, execution.cause) == ("Stopped", "by test")
    assert types(execution) == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]


@pytest.mark.anyio
async def test_redrive_resumes_at_the_failed_state() -> None:
    clock = FakeClock(START)
    calls: list[Any] = []

    def once_broken(event: Any, context: Any) -> Any:
        calls.append(event)
        if len(calls) == 1:
            raise RuntimeError("first time")
        return "fixed"

    tasks = TaskRegistry()
    tasks.register_lambda(FUNCTION, once_broken)
    interpreter = Interpreter(clock, tasks)
    execution = make_execution(
        {
            "StartAt": "Before",
            "States": {
                "Before": {"Type": "Pass", "Result": {"step": 1}, "Next": "T"},
                "T": {"Type": "Task", "Resource": FUNCTION, "End": True},
            },
        },
        {},
        clock,
    )
    await interpreter.run(execution)
    first_status = execution.status
    await interpreter.redrive(execution)
    assert first_status is ExecutionStatus.FAILED
    assert execution.status.value == "SUCCEEDED"
    assert execution.output == '"fixed"'
    assert execution.redrive_count == 1
    assert calls == [{"step": 1}, {"step": 1}]
    assert types(execution).count("PassStateEntered") == 1
    assert "ExecutionRedriven" in types(execution)


def branch_task(tag: str) -> dict[str, Any]:
    return {
        "StartAt": f"T{tag}",
        "States": {
            f"T{tag}": {
                "Type": "Task",
                "Resource": FUNCTION,
                "Parameters": {"tag": tag},
                "End": True,
            }
        },
    }


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["Parallel", "Map"])
async def test_redrive_reruns_only_the_failed_branches_or_iterations(kind: str) -> None:
    # API reference, RedriveExecution: "For workflows that include an Inline Map or Parallel
    # state, RedriveExecution ... redrives only the iterations and branches that failed".
    clock = FakeClock(START)
    calls: list[str] = []

    def work(event: Any, context: Any) -> Any:
        tag = str(event["tag"])
        calls.append(tag)
        if tag == "B" and calls.count("B") == 1:
            raise RuntimeError("B fails once")
        return tag.lower()

    tasks = TaskRegistry()
    tasks.register_lambda(FUNCTION, work)
    if kind == "Parallel":
        # B waits a (virtual) second first, so A has finished before B fails.
        delayed_b = branch_task("B")
        delayed_b["States"]["Pause"] = {"Type": "Wait", "Seconds": 1, "Next": "TB"}
        delayed_b["StartAt"] = "Pause"
        state: dict[str, Any] = {
            "Type": "Parallel",
            "Branches": [branch_task("A"), delayed_b],
            "End": True,
        }
    else:
        state = {
            "Type": "Map",
            "MaxConcurrency": 1,
            "ItemSelector": {"tag.$": "$$.Map.Item.Value"},
            "ItemProcessor": {
                "StartAt": "T",
                "States": {"T": {"Type": "Task", "Resource": FUNCTION, "End": True}},
            },
            "End": True,
        }
    interpreter = Interpreter(clock, tasks)
    execution = make_execution({"StartAt": "S", "States": {"S": state}}, ["A", "B", "C"], clock)
    await interpreter.run(execution)
    first = execution.status
    await interpreter.redrive(execution)
    assert first is ExecutionStatus.FAILED
    assert execution.status.value == "SUCCEEDED"
    if kind == "Parallel":
        assert calls == ["A", "B", "B"]
        assert output(execution) == ["a", "b"]
    else:
        assert calls == ["A", "B", "B", "C"]
        assert output(execution) == ["a", "b", "c"]
