"""Activities and task tokens through the service: a worker polls, answers, fails or beats.

Operation shapes and error codes are the API reference's (CreateActivity, GetActivityTask,
SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat).
"""

from __future__ import annotations

import asyncio
import json

import pytest

from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from tests.unit.stepfunctions.service.test_api import call, create, finished, ok

pytestmark = pytest.mark.anyio

ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:worker-queue"
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
ON_ACTIVITY = {
    "StartAt": "Work",
    "States": {"Work": {"Type": "Task", "Resource": ACTIVITY, "End": True}},
}


async def test_create_forms_the_arn_and_is_idempotent(service: StepFunctionsService) -> None:
    created = await ok(service, "CreateActivity", name="worker-queue")
    assert created["activityArn"] == ACTIVITY
    assert await ok(service, "CreateActivity", name="worker-queue") == created
    described = await ok(service, "DescribeActivity", activityArn=ACTIVITY)
    assert (described["name"], described["creationDate"]) == (
        "worker-queue",
        created["creationDate"],
    )
    listed = await ok(service, "ListActivities")
    assert [a["activityArn"] for a in listed["activities"]] == [ACTIVITY]


async def test_a_missing_activity_does_not_exist(service: StepFunctionsService) -> None:
    assert await call(service, "DescribeActivity", activityArn=ACTIVITY) == (
        400,
        {"__type": "ActivityDoesNotExist", "message": f"Activity Does Not Exist: '{ACTIVITY}'"},
    )
    status, body = await call(service, "GetActivityTask", activityArn=ACTIVITY)
    assert (status, body["__type"]) == (400, "ActivityDoesNotExist")


async def test_a_worker_takes_the_task_and_its_output_ends_the_execution(
    service: StepFunctionsService,
) -> None:
    await ok(service, "CreateActivity", name="worker-queue")
    await create(service, definition=ON_ACTIVITY)
    started = await ok(service, "StartExecution", stateMachineArn=MACHINE, input='{"job": 7}')
    task = await ok(service, "GetActivityTask", activityArn=ACTIVITY, workerName="w1")
    assert json.loads(task["input"]) == {"job": 7}
    await ok(service, "SendTaskHeartbeat", taskToken=task["taskToken"])
    await ok(service, "SendTaskSuccess", taskToken=task["taskToken"], output='{"done": true}')
    described = await finished(service, started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"done": True}
    history = await ok(service, "GetExecutionHistory", executionArn=started["executionArn"])
    assert "ActivitySucceeded" in [event["type"] for event in history["events"]]


async def test_a_worker_failure_fails_the_execution(service: StepFunctionsService) -> None:
    await ok(service, "CreateActivity", name="worker-queue")
    await create(service, definition=ON_ACTIVITY)
    started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
    task = await ok(service, "GetActivityTask", activityArn=ACTIVITY)
    await ok(service, "SendTaskFailure", taskToken=task["taskToken"], error="Oops", cause="broken")
    described = await finished(service, started["executionArn"])
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "Oops",
        "broken",
    )


async def test_an_answered_token_cannot_be_used_again(service: StepFunctionsService) -> None:
    await ok(service, "CreateActivity", name="worker-queue")
    await create(service, definition=ON_ACTIVITY)
    await ok(service, "StartExecution", stateMachineArn=MACHINE)
    task = await ok(service, "GetActivityTask", activityArn=ACTIVITY)
    await ok(service, "SendTaskSuccess", taskToken=task["taskToken"], output="{}")
    status, body = await call(service, "SendTaskSuccess", taskToken=task["taskToken"], output="{}")
    assert (status, body["__type"]) == (400, "TaskDoesNotExist")


async def test_a_malformed_token_is_invalid(service: StepFunctionsService) -> None:
    status, body = await call(service, "SendTaskHeartbeat", taskToken="not-a-token")
    assert (status, body["__type"]) == (400, "InvalidToken")


async def test_output_that_is_not_json_is_invalid(service: StepFunctionsService) -> None:
    await ok(service, "CreateActivity", name="worker-queue")
    await create(service, definition=ON_ACTIVITY)
    await ok(service, "StartExecution", stateMachineArn=MACHINE)
    task = await ok(service, "GetActivityTask", activityArn=ACTIVITY)
    status, body = await call(
        service, "SendTaskSuccess", taskToken=task["taskToken"], output="{nope"
    )
    assert (status, body["__type"]) == (400, "InvalidOutput")


async def test_a_poll_without_work_answers_empty_after_the_long_poll(
    service: StepFunctionsService,
) -> None:
    await ok(service, "CreateActivity", name="worker-queue")
    # The 60-second long poll passes at once on the FakeClock.
    assert await ok(service, "GetActivityTask", activityArn=ACTIVITY) == {}


async def test_activities_take_tags(service: StepFunctionsService) -> None:
    await ok(service, "CreateActivity", name="worker-queue", tags=[{"key": "team", "value": "a"}])
    listed = await ok(service, "ListTagsForResource", resourceArn=ACTIVITY)
    assert listed["tags"] == [{"key": "team", "value": "a"}]
    await ok(service, "DeleteActivity", activityArn=ACTIVITY)
    status, body = await call(service, "DescribeActivity", activityArn=ACTIVITY)
    assert (status, body["__type"]) == (400, "ActivityDoesNotExist")


async def test_a_poll_waiting_when_the_long_polls_end_gets_the_empty_answer() -> None:
    # Time moves only by hand here: the poll can end only because the polls were ended.
    service = StepFunctionsService(FakeClock(auto_advance=False), TaskRegistry())
    async with service.running():
        await ok(service, "CreateActivity", name="worker-queue")
        poll = asyncio.ensure_future(call(service, "GetActivityTask", activityArn=ACTIVITY))
        for _ in range(5):
            await asyncio.sleep(0)
        assert not poll.done()
        service.end_long_polls()
        # What a poll that found no task gets (API reference, GetActivityTask): 200, no token.
        assert await asyncio.wait_for(poll, 5) == (200, {})
        assert await call(service, "GetActivityTask", activityArn=ACTIVITY) == (200, {})
