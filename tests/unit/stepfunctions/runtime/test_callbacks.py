"""Interpreter callbacks: activity workers, heartbeats, long polls and waitForTaskToken task tokens.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest

from stepfunctions.errors import TaskTokenError
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.runtime.runs import (
    ACCOUNT,
    ACTIVITY_SUCCEEDED_HISTORY,
    FUNCTION,
    START,
    make_execution,
    output,
    types,
)

ACTIVITY = f"arn:aws:states:us-east-1:{ACCOUNT}:activity:work"


def activity_machine(**task_fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": ACTIVITY, "End": True, **task_fields}},
    }


@pytest.mark.anyio
async def test_an_activity_worker_takes_the_task_and_reports_success() -> None:
    clock = FakeClock(START)
    interpreter = Interpreter(clock, TaskRegistry())
    execution = make_execution(activity_machine(), {"job": 7}, clock)

    async def worker() -> None:
        task = await interpreter.get_activity_task(ACTIVITY, "worker-1")
        assert task is not None
        token, task_input = task
        assert json.loads(task_input) == {"job": 7}
        interpreter.send_task_success(token, '{"done": true}')

    async with asyncio.TaskGroup() as group:
        group.create_task(interpreter.run(execution))
        group.create_task(worker())
    assert output(execution) == {"done": True}
    assert types(execution) == ACTIVITY_SUCCEEDED_HISTORY
    assert execution.history[3].to_wire()["activityStartedEventDetails"] == {
        "workerName": "worker-1"
    }


@pytest.mark.anyio
async def test_a_missed_heartbeat_times_the_activity_out() -> None:
    clock = FakeClock(START)
    interpreter = Interpreter(clock, TaskRegistry())
    execution = make_execution(activity_machine(HeartbeatSeconds=10), {}, clock)

    async def silent_worker() -> None:
        assert await interpreter.get_activity_task(ACTIVITY, "w") is not None

    async with asyncio.TaskGroup() as group:
        group.create_task(interpreter.run(execution))
        group.create_task(silent_worker())
    assert execution.error == "States.HeartbeatTimeout"
    assert types(execution)[-2:] == ["ActivityTimedOut", "ExecutionFailed"]
    assert clock.now() == START + timedelta(seconds=10)


@pytest.mark.anyio
async def test_wait_for_task_token_passes_the_token_and_waits_for_the_callback() -> None:
    clock = FakeClock(START)
    tokens: list[str] = []
    handed_over = asyncio.Event()

    async def remember(event: Any, context: Any) -> Any:
        tokens.append(event["token"])
        handed_over.set()
        return "queued"

    tasks = TaskRegistry()
    tasks.register_lambda(FUNCTION, remember)
    interpreter = Interpreter(clock, tasks)
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {"FunctionName": FUNCTION, "Payload": {"token.$": "$$.Task.Token"}},
                "Catch": [{"ErrorEquals": ["Rejected"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    execution = make_execution(definition, {}, clock)

    async def approver() -> None:
        await handed_over.wait()
        interpreter.send_task_failure(tokens[0], "Rejected", "no")

    async with asyncio.TaskGroup() as group:
        group.create_task(interpreter.run(execution))
        group.create_task(approver())
    assert output(execution) == {"Error": "Rejected", "Cause": "no"}
    assert types(execution)[:7] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskFailed",
        "TaskStateExited",
    ]


@pytest.mark.anyio
async def test_task_token_calls_fail_as_the_api_does() -> None:
    interpreter = Interpreter(FakeClock(START), TaskRegistry())
    with pytest.raises(TaskTokenError) as invalid:
        interpreter.send_task_success("not-a-token", "{}")
    assert invalid.value.code == "InvalidToken"
    with pytest.raises(TaskTokenError) as unknown:
        interpreter.send_task_heartbeat(interpreter.callbacks.new_token())
    assert unknown.value.code == "TaskDoesNotExist"


@pytest.mark.anyio
async def test_get_activity_task_answers_nothing_after_the_long_poll() -> None:
    # API reference, GetActivityTask: with no task within 60 seconds, an empty answer.
    clock = FakeClock(START)
    interpreter = Interpreter(clock, TaskRegistry())
    assert await interpreter.get_activity_task(ACTIVITY, "w") is None
    assert clock.now() == START + timedelta(seconds=60)


@pytest.mark.anyio
async def test_ending_the_polls_answers_a_waiting_poll_at_once_and_later_ones_too() -> None:
    # The server is stopping: a worker's poll gets the answer of a poll that found no task
    # (API reference, GetActivityTask), without waiting out its 60 seconds.
    clock = FakeClock(START, auto_advance=False)
    interpreter = Interpreter(clock, TaskRegistry())
    waiting = asyncio.ensure_future(interpreter.get_activity_task(ACTIVITY, "w"))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not waiting.done()
    interpreter.end_activity_polls()
    assert await asyncio.wait_for(waiting, 5) is None
    assert await interpreter.get_activity_task(ACTIVITY, "w") is None
    assert clock.now() == START


@pytest.mark.anyio
async def test_a_task_is_not_handed_out_once_the_polls_ended() -> None:
    clock = FakeClock(START, auto_advance=False)
    interpreter = Interpreter(clock, TaskRegistry())
    interpreter.callbacks.open("AQ" + "t" * 90, "{}", ACTIVITY)
    interpreter.end_activity_polls()
    assert await interpreter.get_activity_task(ACTIVITY, "w") is None


@pytest.mark.anyio
async def test_released_workers_leave_later_tasks_queued_for_the_next_poll() -> None:
    clock = FakeClock(START, auto_advance=False)
    interpreter = Interpreter(clock, TaskRegistry())
    waiting = asyncio.ensure_future(interpreter.callbacks.get_activity_task(ACTIVITY, "w"))
    for _ in range(5):
        await asyncio.sleep(0)
    interpreter.callbacks.release_workers()
    assert await asyncio.wait_for(waiting, 5) is None
    # The released poll's place is gone: a task opened now waits for the next poll.
    interpreter.callbacks.open("AQ" + "u" * 90, '{"n": 1}', ACTIVITY)
    task = await interpreter.callbacks.get_activity_task(ACTIVITY, "w2")
    assert task == ("AQ" + "u" * 90, '{"n": 1}')


@pytest.mark.anyio
async def test_clear_forgets_open_tokens_and_queued_activity_tasks() -> None:
    interpreter = Interpreter(FakeClock(START), TaskRegistry())
    callbacks = interpreter.callbacks
    token = callbacks.new_token()
    callbacks.open(token, '{"n": 1}', activity_arn=ACTIVITY)
    callbacks.clear()
    with pytest.raises(TaskTokenError) as unknown:
        interpreter.send_task_success(token, "{}")
    assert unknown.value.code == "TaskDoesNotExist"
    # The queued activity task is gone too: a worker's poll waits out the minute empty-handed.
    assert await interpreter.get_activity_task(ACTIVITY, "w") is None
