"""Activities and task tokens: CreateActivity, DescribeActivity, DeleteActivity, ListActivities,
GetActivityTask, SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat.

Shapes and error codes are the API reference's. GetActivityTask long-polls for up to 60 seconds
and then answers without a token; the token calls fail with InvalidToken, TaskDoesNotExist or
TaskTimedOut as the engine decides.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from stepfunctions.errors import TaskTokenError
from stepfunctions.records.activities import Activity
from stepfunctions.service.dependencies import ServiceDependencies
from stepfunctions.service.errors import ApiError
from stepfunctions.service.machines import Operation, request_tags
from stepfunctions.service.requests import (
    Request,
    arn_of_type,
    check_name,
    check_sensitive_size,
    paginate,
)

logger = logging.getLogger(__name__)

MAX_OUTPUT_BYTES = 262_144


def _activity(deps: ServiceDependencies, text: str) -> Activity:
    arn_of_type(text, "activity")
    activity = deps.store.activity(text)
    if activity is None:
        raise ApiError("ActivityDoesNotExist", f"Activity Does Not Exist: '{text}'")
    return activity


async def create_activity(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    name = check_name(request.text("name"))
    arn = deps.arn(f"activity:{name}")
    existing = deps.store.activity(arn)
    if existing is not None:
        # CreateActivity is idempotent: the same name answers with the existing activity.
        return {"activityArn": existing.arn, "creationDate": existing.creation_date}
    activity = Activity(arn, name, deps.clock.now(), request_tags(request))
    deps.store.put_activity(activity)
    return {"activityArn": arn, "creationDate": activity.creation_date}


async def describe_activity(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    activity = _activity(deps, request.text("activityArn"))
    return {
        "activityArn": activity.arn,
        "name": activity.name,
        "creationDate": activity.creation_date,
        "encryptionConfiguration": {"type": "AWS_OWNED_KEY"},
    }


async def delete_activity(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    text = request.text("activityArn")
    arn_of_type(text, "activity")
    deps.store.delete_activity(text)
    return {}


async def list_activities(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    activities = list(deps.store.activities())
    page, token = paginate(
        activities, lambda a: a.arn, request.page_size(), request.optional_text("nextToken")
    )
    items = [{"activityArn": a.arn, "name": a.name, "creationDate": a.creation_date} for a in page]
    return {"activities": items, "nextToken": token}


async def get_activity_task(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    activity = _activity(deps, request.text("activityArn"))
    logger.debug("GetActivityTask %s: a worker polls for a task", activity.arn)
    task = await deps.interpreter.get_activity_task(
        activity.arn, request.optional_text("workerName")
    )
    if task is None:
        # After the long poll AWS answers 200 without a token (API reference, GetActivityTask).
        return {}
    token, task_input = task
    return {"taskToken": token, "input": task_input}


def _token_call(request: Request) -> str:
    return request.text("taskToken")


@contextmanager
def _token_errors() -> Iterator[None]:
    """The engine refusing a token (InvalidToken, TaskDoesNotExist, TaskTimedOut) as an ApiError."""
    try:
        yield
    except TaskTokenError as exc:
        raise ApiError(exc.code, exc.message) from None


async def send_task_success(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    token = _token_call(request)
    output = request.text("output")
    check_sensitive_size(output, "output", MAX_OUTPUT_BYTES)
    try:
        json.loads(output)
    except ValueError:
        raise ApiError("InvalidOutput", "The provided JSON output data is not valid.") from None
    with _token_errors():
        deps.interpreter.send_task_success(token, output)
    return {}


async def send_task_failure(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    token = _token_call(request)
    with _token_errors():
        deps.interpreter.send_task_failure(
            token, request.optional_text("error"), request.optional_text("cause")
        )
    return {}


async def send_task_heartbeat(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    token = _token_call(request)
    with _token_errors():
        deps.interpreter.send_task_heartbeat(token)
    return {}


OPERATIONS: dict[str, Operation] = {
    "CreateActivity": create_activity,
    "DescribeActivity": describe_activity,
    "DeleteActivity": delete_activity,
    "ListActivities": list_activities,
    "GetActivityTask": get_activity_task,
    "SendTaskSuccess": send_task_success,
    "SendTaskFailure": send_task_failure,
    "SendTaskHeartbeat": send_task_heartbeat,
}
