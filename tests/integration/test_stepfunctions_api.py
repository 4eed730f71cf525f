"""The Step Functions API on a real loopback server, driven by boto3 and raw HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient

from stepfunctions.runtime.task_registry import TaskRegistry
from tests.conformance.asl.server import ServerThread
from tests.fixtures.aws_signing import signed_headers

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

ROLE = "arn:aws:iam::123456789012:role/sfn"
DOUBLE = "arn:aws:lambda:us-east-1:123456789012:function:double"


def _double(event: Any, context: Any) -> Any:
    return {"value": event["value"] * 2}


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    tasks = TaskRegistry()
    tasks.register_lambda(DOUBLE, _double)
    running = ServerThread(tasks)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def sfn(server: ServerThread) -> SFNClient:
    return server.client()


def _wait(sfn: SFNClient, arn: str) -> Any:
    deadline = time.monotonic() + 30
    described = sfn.describe_execution(executionArn=arn)
    while described["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.01)
        described = sfn.describe_execution(executionArn=arn)
    return described


def test_boto3_creates_runs_and_reads_an_execution(sfn: SFNClient) -> None:
    definition = {
        "StartAt": "Double",
        "States": {
            "Double": {"Type": "Task", "Resource": DOUBLE, "Next": "Wait"},
            "Wait": {"Type": "Wait", "Seconds": 3600, "End": True},
        },
    }
    machine = sfn.create_state_machine(
        name="doubler", definition=json.dumps(definition), roleArn=ROLE
    )
    started = sfn.start_execution(
        stateMachineArn=machine["stateMachineArn"], name="run-1", input='{"value": 21}'
    )
    described = _wait(sfn, started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"value": 42}
    assert described["startDate"] <= described["stopDate"]
    events = sfn.get_execution_history(executionArn=started["executionArn"])["events"]
    assert events[0]["type"] == "ExecutionStarted"
    assert events[-1]["type"] == "ExecutionSucceeded"
    assert "LambdaFunctionSucceeded" in [e["type"] for e in events]
    listed = sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    assert [e["name"] for e in listed] == ["run-1"]


def test_boto3_raises_the_modeled_error_classes(sfn: SFNClient) -> None:
    missing = "arn:aws:states:us-east-1:123456789012:stateMachine:missing"
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist) as raised:
        sfn.describe_state_machine(stateMachineArn=missing)
    assert raised.value.response["Error"]["Message"] == f"State Machine Does Not Exist: '{missing}'"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_execution(executionArn="arn:aws:states:us-east-1:123456789012:stateMachine:x")


def test_boto3_runs_a_synchronous_express_execution(sfn: SFNClient) -> None:
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "done", "End": True}}}
    machine = sfn.create_state_machine(
        name="express-sync", definition=json.dumps(definition), roleArn=ROLE, type="EXPRESS"
    )
    result = sfn.start_sync_execution(stateMachineArn=machine["stateMachineArn"], input="{}")
    assert result["status"] == "SUCCEEDED"
    assert result["output"] == '"done"'
    assert result["billingDetails"]["billedMemoryUsedInMB"] == 64


def test_a_request_without_target_is_an_unknown_operation(server: ServerThread) -> None:
    url = f"http://127.0.0.1:{server.port}/"
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    response = httpx.post(
        url, content=b"{}", headers=signed_headers("POST", url, "states", b"{}", headers)
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/x-amz-json-1.0"
    assert response.json()["__type"] == "UnknownOperationException"


def test_an_unsigned_request_without_target_is_no_aws_call(server: ServerThread) -> None:
    response = httpx.post(f"http://127.0.0.1:{server.port}/", content=b"{}")
    assert (response.status_code, response.json()) == (404, {"message": "Not Found"})


@pytest.fixture(scope="module")
def wall_clock_sfn() -> Iterator[SFNClient]:
    """A server on the wall clock: on virtual time a Task waiting for a worker would time out
    as soon as the server idles between requests."""
    running = ServerThread(virtual_time=False)
    running.start()
    yield running.client()
    running.stop()


def test_a_boto3_activity_worker_completes_a_task(wall_clock_sfn: SFNClient) -> None:
    sfn = wall_clock_sfn
    activity = sfn.create_activity(name="integration-worker")["activityArn"]
    definition = {
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": activity, "End": True}},
    }
    machine = sfn.create_state_machine(
        name="with-worker", definition=json.dumps(definition), roleArn=ROLE
    )
    started = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input='{"n": 1}')
    task = sfn.get_activity_task(activityArn=activity, workerName="it")
    assert json.loads(task["input"]) == {"n": 1}
    sfn.send_task_success(taskToken=task["taskToken"], output='{"n": 2}')
    described = _wait(sfn, started["executionArn"])
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"n": 2})
    with pytest.raises(sfn.exceptions.TaskDoesNotExist):
        sfn.send_task_heartbeat(taskToken=task["taskToken"])


def test_boto3_paginators_walk_every_page(sfn: SFNClient) -> None:
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    machine = sfn.create_state_machine(
        name="paged", definition=json.dumps(definition), roleArn=ROLE
    )
    arns = [
        sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name=f"p{n}")[
            "executionArn"
        ]
        for n in range(7)
    ]
    for arn in arns:
        _wait(sfn, arn)
    pages = sfn.get_paginator("list_executions").paginate(
        stateMachineArn=machine["stateMachineArn"], PaginationConfig={"PageSize": 3}
    )
    names = [item["name"] for page in pages for item in page["executions"]]
    assert names == [f"p{n}" for n in reversed(range(7))]
    history = sfn.get_paginator("get_execution_history").paginate(
        executionArn=arns[0], PaginationConfig={"PageSize": 1}
    )
    types = [event["type"] for page in history for event in page["events"]]
    assert types == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
