"""The interpreter drives executions to their end: StopExecution, RedriveExecution (of a
state, and of only the failed branches or iterations), the execution's TimeoutSeconds and the
25,000-event history limit.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
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
    run,
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
