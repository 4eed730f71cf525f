"""Standard executions resume after a restart from what their SQLite store recorded.

A "crash" is a copy of the database file taken at one moment, as SIGKILL would leave it (what
was committed, nothing else); a second service opens the copy on a later clock. Expectations:
a Wait keeps its deadline, an activity or `.waitForTaskToken` task waits again on the same
token, and no state is entered twice (issue 7; dg "Standard vs. Express": Standard executions
run each state exactly once, tasks at least once).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from stepfunctions.language.parse import parse_definition
from stepfunctions.records.execution import Execution
from stepfunctions.records.history import History
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from stepfunctions.store.sqlite import SqliteStore
from tests.unit.stepfunctions.runtime.runs import ACTIVITY_SUCCEEDED_HISTORY
from tests.unit.stepfunctions.service.test_api import call, create, ok

pytestmark = pytest.mark.anyio

START = datetime(2024, 1, 1, tzinfo=UTC)
ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:queue"
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
CALLBACK = "arn:aws:lambda:us-east-1:123456789012:function:callback"


class ManualClock:
    """Time that moves only when the test says so (no jump when the loop is idle)."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._moved = asyncio.Event()

    def now(self) -> datetime:
        return self._now

    def busy(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    async def sleep_until(self, deadline: datetime) -> None:
        while self._now < deadline:
            moved = self._moved
            await moved.wait()
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
        moved, self._moved = self._moved, asyncio.Event()
        moved.set()


async def settle() -> None:
    """Let every runnable task (and the store's end-of-turn flush) run."""
    for _ in range(50):
        await asyncio.sleep(0)


def crash_copy(source: Path, target: Path) -> None:
    """The database as a process killed now would leave it: committed transactions only."""
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)


@asynccontextmanager
async def engine(
    path: Path, clock: ManualClock, tasks: TaskRegistry | None = None
) -> AsyncIterator[StepFunctionsService]:
    store = SqliteStore(str(path))
    service = StepFunctionsService(clock, tasks or TaskRegistry(), store=store)
    async with service.running():
        yield service
    store.close()


async def history(service: StepFunctionsService, arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = (
        await ok(service, "GetExecutionHistory", executionArn=arn, maxResults=1000)
    )["events"]
    return events


async def start(
    service: StepFunctionsService, machine: dict[str, Any], data: str
) -> dict[str, Any]:
    """Create `machine` as MACHINE and start an execution of it on `data`."""
    await create(service, definition=machine)
    started: dict[str, Any] = await ok(
        service, "StartExecution", stateMachineArn=MACHINE, input=data
    )
    return started


async def start_activity_task(
    service: StepFunctionsService, data: str, machine: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Create the activity ACTIVITY and start `machine` (by default ACTIVITY_MACHINE) on `data`."""
    await ok(service, "CreateActivity", name="queue")
    return await start(service, ACTIVITY_MACHINE if machine is None else machine, data)


async def start_taken_activity_task(
    service: StepFunctionsService, data: str, machine: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start an activity task as `start_activity_task` does and have worker w1 take it.

    Returns StartExecution's and GetActivityTask's answers.
    """
    started = await start_activity_task(service, data, machine)
    task: dict[str, Any] = await ok(
        service, "GetActivityTask", activityArn=ACTIVITY, workerName="w1"
    )
    return started, task


async def finished(
    service: StepFunctionsService, arn: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The execution once it has stopped running, and its history."""
    return await until_done(service, arn), await history(service, arn)


async def start_then_crash(
    paths: tuple[Path, Path],
    machine: dict[str, Any],
    data: str,
    tasks: TaskRegistry | None = None,
) -> dict[str, Any]:
    """Start `machine`, let it run a turn, and copy the database as a crash would leave it."""
    before, after = paths
    async with engine(before, ManualClock(START), tasks) as service:
        started = await start(service, machine, data)
        await settle()
        crash_copy(before, after)
    return started


async def take_then_crash(
    paths: tuple[Path, Path], data: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start an activity task, have worker w1 take it, and crash as `start_then_crash` does.

    Returns StartExecution's and GetActivityTask's answers.
    """
    before, after = paths
    async with engine(before, ManualClock(START)) as service:
        started, task = await start_taken_activity_task(service, data)
        await settle()
        crash_copy(before, after)
    return started, task


@asynccontextmanager
async def resumed_after_crash(
    paths: tuple[Path, Path], machine: dict[str, Any], data: str, seconds: float
) -> AsyncIterator[tuple[StepFunctionsService, str]]:
    """Start `machine` and crash; resume 5 s later and let `seconds` more pass.

    Yields the resumed service and the execution's ARN.
    """
    started = await start_then_crash(paths, machine, data)
    later = ManualClock(START + timedelta(seconds=5))
    async with engine(paths[1], later) as service:
        await settle()
        later.advance(seconds)
        yield service, started["executionArn"]


def entered(events: list[dict[str, Any]]) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("Entered")]


async def until_done(service: StepFunctionsService, arn: str) -> dict[str, Any]:
    for _ in range(200):
        described = await ok(service, "DescribeExecution", executionArn=arn)
        if described["status"] != "RUNNING":
            return described
        await settle()
    raise AssertionError(f"{arn} still RUNNING")


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "before.db", tmp_path / "after.db"


WAIT_MACHINE = {
    "StartAt": "Remember",
    "States": {
        "Remember": {"Type": "Pass", "Assign": {"greeting": "hello"}, "Next": "Nap"},
        "Nap": {"Type": "Wait", "Seconds": 100, "Next": "Done"},
        "Done": {
            "Type": "Pass",
            "Parameters": {"said.$": "$greeting", "in.$": "$"},
            "End": True,
        },
    },
}


async def test_a_wait_resumes_with_its_remaining_time_and_variables(
    paths: tuple[Path, Path],
) -> None:
    before, after = paths
    clock = ManualClock(START)
    async with engine(before, clock) as service:
        started = await start(service, WAIT_MACHINE, '{"n": 1}')
        await settle()
        clock.advance(30)
        await settle()
        crash_copy(before, after)
    later = ManualClock(START + timedelta(seconds=60))
    async with engine(after, later) as service:
        await settle()
        arn = started["executionArn"]
        assert (await ok(service, "DescribeExecution", executionArn=arn))["status"] == "RUNNING"
        later.advance(39)
        await settle()
        assert (await ok(service, "DescribeExecution", executionArn=arn))["status"] == "RUNNING"
        later.advance(1)
        described = await until_done(service, arn)
        assert described["status"] == "SUCCEEDED"
        assert json.loads(described["output"]) == {"said": "hello", "in": {"n": 1}}
        events = await history(service, arn)
    assert entered(events) == ["Remember", "Nap", "Done"]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    exited = next(e for e in events if e["type"] == "WaitStateExited")
    assert exited["timestamp"] == (START + timedelta(seconds=100)).timestamp()


ACTIVITY_MACHINE = {
    "StartAt": "Work",
    "States": {
        "Work": {"Type": "Task", "Resource": ACTIVITY, "TimeoutSeconds": 600, "End": True},
    },
}


async def test_an_activity_taken_before_the_crash_is_answered_after_it(
    paths: tuple[Path, Path],
) -> None:
    after = paths[1]
    started, task = await take_then_crash(paths, '{"j": 7}')
    later = ManualClock(START + timedelta(seconds=5))
    async with engine(after, later) as service:
        await settle()
        await ok(service, "SendTaskSuccess", taskToken=task["taskToken"], output='{"done": 7}')
        described, events = await finished(service, started["executionArn"])
        # The task was not queued again: its worker already had it. The poll ends empty.
        poll = asyncio.ensure_future(
            call(service, "GetActivityTask", activityArn=ACTIVITY, workerName="w2")
        )
        await settle()
        later.advance(60)
        status, body = await poll
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"done": 7}
    assert [e["type"] for e in events] == ACTIVITY_SUCCEEDED_HISTORY
    assert events[3]["activityStartedEventDetails"] == {"workerName": "w1"}
    assert (status, body.get("taskToken")) == (200, None)


async def test_an_activity_not_yet_taken_is_handed_out_with_the_same_token(
    paths: tuple[Path, Path],
) -> None:
    before, after = paths
    async with engine(before, ManualClock(START)) as service:
        started = await start_activity_task(service, '{"j": 8}')
        await settle()
        crash_copy(before, after)
        first = await ok(service, "GetActivityTask", activityArn=ACTIVITY, workerName="w1")
    async with engine(after, ManualClock(START + timedelta(seconds=5))) as service:
        await settle()
        again = await ok(service, "GetActivityTask", activityArn=ACTIVITY, workerName="w2")
        await ok(service, "SendTaskSuccess", taskToken=again["taskToken"], output='"ok"')
        described, events = await finished(service, started["executionArn"])
    assert again["taskToken"] == first["taskToken"]
    assert json.loads(again["input"]) == {"j": 8}
    assert described["status"] == "SUCCEEDED"
    assert [e["type"] for e in events].count("ActivityScheduled") == 1
    assert [e["type"] for e in events].count("TaskStateEntered") == 1


async def test_an_answer_sent_just_before_the_crash_is_not_lost(
    paths: tuple[Path, Path],
) -> None:
    before, after = paths
    async with engine(before, ManualClock(START)) as service:
        started, task = await start_taken_activity_task(service, "{}")
        await settle()
        await ok(service, "SendTaskSuccess", taskToken=task["taskToken"], output='{"v": 1}')
        # Killed before the execution recorded ActivitySucceeded.
        crash_copy(before, after)
    async with engine(after, ManualClock(START + timedelta(seconds=5))) as service:
        described, events = await finished(service, started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"v": 1}
    assert [e["type"] for e in events].count("ActivitySucceeded") == 1


async def test_a_task_timeout_counts_from_the_recorded_start(paths: tuple[Path, Path]) -> None:
    after = paths[1]
    started, _ = await take_then_crash(paths, "{}")
    later = ManualClock(START + timedelta(seconds=590))
    async with engine(after, later) as service:
        await settle()
        later.advance(10)
        described, events = await finished(service, started["executionArn"])
    assert (described["status"], described["error"]) == ("FAILED", "States.Timeout")
    timed_out = next(e for e in events if e["type"] == "ActivityTimedOut")
    assert timed_out["timestamp"] == (START + timedelta(seconds=600)).timestamp()


async def test_a_heartbeat_sent_before_the_crash_still_counts(paths: tuple[Path, Path]) -> None:
    before, after = paths
    machine = {
        "StartAt": "Work",
        "States": {
            "Work": {"Type": "Task", "Resource": ACTIVITY, "HeartbeatSeconds": 10, "End": True}
        },
    }
    clock = ManualClock(START)
    async with engine(before, clock) as service:
        started, task = await start_taken_activity_task(service, "{}", machine)
        await settle()
        clock.advance(8)
        await settle()
        await ok(service, "SendTaskHeartbeat", taskToken=task["taskToken"])
        crash_copy(before, after)
    later = ManualClock(START + timedelta(seconds=12))
    async with engine(after, later) as service:
        await settle()
        later.advance(5)  # 17 s: 9 s after the heartbeat
        await settle()
        arn = started["executionArn"]
        assert (await ok(service, "DescribeExecution", executionArn=arn))["status"] == "RUNNING"
        later.advance(1)  # 18 s: HeartbeatSeconds after the heartbeat
        described = await until_done(service, arn)
    assert (described["status"], described["error"]) == ("FAILED", "States.HeartbeatTimeout")


async def test_a_wait_for_task_token_call_is_repeated_with_the_same_token(
    paths: tuple[Path, Path],
) -> None:
    tokens: list[str] = []

    def callback(event: Any, context: Any) -> Any:
        tokens.append(event["token"])
        return {}

    tasks = TaskRegistry()
    tasks.register_lambda(CALLBACK, callback)
    machine = {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {"FunctionName": CALLBACK, "Payload": {"token.$": "$$.Task.Token"}},
                "End": True,
            }
        },
    }
    before, after = paths
    async with engine(before, ManualClock(START), tasks) as service:
        started = await start(service, machine, "{}")
        for _ in range(20):
            await settle()
            if tokens:
                break
        crash_copy(before, after)
    async with engine(after, ManualClock(START + timedelta(seconds=5)), tasks) as service:
        for _ in range(20):
            await settle()
            if len(tokens) == 2:
                break
        await ok(service, "SendTaskSuccess", taskToken=tokens[0], output='{"answer": 42}')
        described, events = await finished(service, started["executionArn"])
    # At least once: the callback ran again after the restart, with the same token.
    assert tokens == [tokens[0], tokens[0]]
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"answer": 42}
    assert entered(events) == ["Ask"]
    types = [e["type"] for e in events]
    assert (types.count("TaskScheduled"), types.count("TaskSubmitted")) == (1, 1)


async def test_a_parallel_state_keeps_its_finished_branches_and_reruns_the_others(
    paths: tuple[Path, Path],
) -> None:
    machine = {
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Quick", "States": {"Quick": {"Type": "Pass", "End": True}}},
                    {
                        "StartAt": "Slow",
                        "States": {
                            "Slow": {"Type": "Wait", "Seconds": 50, "Next": "Late"},
                            "Late": {"Type": "Pass", "Result": "late", "End": True},
                        },
                    },
                ],
                "Next": "After",
            },
            "After": {"Type": "Pass", "End": True},
        },
    }
    # 50 s after the resume: the unfinished branch starts again, its Wait counted from the resume.
    async with resumed_after_crash(paths, machine, '"in"', 50) as (service, arn):
        described, events = await finished(service, arn)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == ["in", "late"]
    names = entered(events)
    assert (names.count("Both"), names.count("Quick"), names.count("After")) == (1, 1, 1)
    # The unfinished branch's first state was entered before the restart and again after it.
    assert names.count("Slow") == 2
    types = [e["type"] for e in events]
    assert (types.count("ParallelStateStarted"), types.count("ParallelStateSucceeded")) == (1, 1)


async def test_an_inline_map_keeps_its_finished_iterations(paths: tuple[Path, Path]) -> None:
    machine = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "Pick",
                    "States": {
                        "Pick": {
                            "Type": "Choice",
                            "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Nap"}],
                            "Default": "Done",
                        },
                        "Nap": {"Type": "Wait", "Seconds": 30, "Next": "Done"},
                        "Done": {"Type": "Pass", "End": True},
                    },
                },
                "End": True,
            }
        },
    }
    async with resumed_after_crash(paths, machine, "[1, 2, 3]", 30) as (service, arn):
        described, events = await finished(service, arn)
    assert json.loads(described["output"]) == [1, 2, 3]
    types = [e["type"] for e in events]
    assert (types.count("MapStateEntered"), types.count("MapStateSucceeded")) == (1, 1)
    # Items 1 and 3 had finished: only item 2's iteration started again.
    assert types.count("MapIterationSucceeded") == 3
    assert types.count("MapIterationStarted") == 4


async def test_a_distributed_map_runs_its_items_again_in_a_new_map_run(
    paths: tuple[Path, Path],
) -> None:
    machine = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "W",
                    "States": {"W": {"Type": "Wait", "Seconds": 50, "End": True}},
                },
                "End": True,
            }
        },
    }
    async with resumed_after_crash(paths, machine, "[1, 2]", 50) as (service, arn):
        described, events = await finished(service, arn)
        runs = (await ok(service, "ListMapRuns", executionArn=arn))["mapRuns"]
        statuses = [
            (await ok(service, "DescribeMapRun", mapRunArn=run["mapRunArn"]))["status"]
            for run in runs
        ]
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", [1, 2])
    types = [e["type"] for e in events]
    assert (types.count("MapStateEntered"), types.count("MapRunStarted")) == (1, 2)
    assert types.count("MapRunSucceeded") == 1
    assert sorted(statuses) == ["ABORTED", "SUCCEEDED"]


async def test_a_task_that_had_not_finished_is_called_again(paths: tuple[Path, Path]) -> None:
    # Step Functions runs a Task at least once: one left unfinished by a crash runs again.
    calls: list[tuple[str, Any]] = []
    never = asyncio.Event()

    async def hanging(event: Any, context: Any) -> Any:
        calls.append(("before", event))
        await never.wait()

    def answering(event: Any, context: Any) -> Any:
        calls.append(("after", event))
        return {"seen": event["n"]}

    machine = {
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": CALLBACK, "End": True}},
    }
    after = paths[1]
    first = TaskRegistry()
    first.register_lambda(CALLBACK, hanging)
    started = await start_then_crash(paths, machine, '{"n": 3}', first)
    second = TaskRegistry()
    second.register_lambda(CALLBACK, answering)
    async with engine(after, ManualClock(START + timedelta(seconds=5)), second) as service:
        described, events = await finished(service, started["executionArn"])
    assert calls == [("before", {"n": 3}), ("after", {"n": 3})]
    assert json.loads(described["output"]) == {"seen": 3}
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]


async def test_a_choice_entered_but_not_exited_runs_again(tmp_path: Path) -> None:
    # A history that ends at ChoiceStateEntered (written in the store by hand, as a process
    # killed right after that event would leave it): the pure state runs again, entered once.
    machine = {
        "StartAt": "Pick",
        "States": {
            "Pick": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.go", "BooleanEquals": True, "Next": "Yes"}],
                "Default": "No",
            },
            "Yes": {"Type": "Pass", "Result": "yes", "End": True},
            "No": {"Type": "Pass", "Result": "no", "End": True},
        },
    }
    path = tmp_path / "sfn.db"
    async with engine(path, ManualClock(START)) as service:
        await create(service, definition=machine)
    store = SqliteStore(str(path))
    definition = parse_definition(json.dumps(machine))
    arn = "arn:aws:states:us-east-1:123456789012:execution:m:by-hand"
    execution = Execution(
        execution_arn=arn,
        name="by-hand",
        state_machine_arn=MACHINE,
        state_machine_name="m",
        definition=definition,
        role_arn="arn:aws:iam::123456789012:role/sfn",
        input='{"go": true}',
        type="STANDARD",
        start_date=START,
    )
    store.put_execution(execution)
    recorded = History(execution.history)
    recorded.add("ExecutionStarted", START, {"input": '{"go": true}'}, previous_event_id=0)
    recorded.add("ChoiceStateEntered", START, {"name": "Pick", "input": '{"go": true}'})
    store.close()
    async with engine(path, ManualClock(START + timedelta(seconds=1))) as service:
        described, events = await finished(service, arn)
    assert json.loads(described["output"]) == "yes"
    assert entered(events) == ["Pick", "Yes"]
    assert [e["previousEventId"] for e in events] == [0, 1, 2, 3, 4, 5]
