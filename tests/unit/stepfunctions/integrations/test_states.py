"""Nested executions through `states:startExecution` on the same engine.

Expected shapes: AWS recordings in localstack's `test_sfn_task_service` snapshots (request-response
answer with SDK metadata, resourceType `states`, resource `startExecution`), and floci's tests
measured on AWS (`.sync` envelope with Input/Output as JSON text, `.sync:2` as JSON values, keys
sorted, dates in epoch milliseconds; `StepFunctions.<Code>Exception`; the abort cause).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.unit.stepfunctions.integrations.conftest import (
    ACCOUNT,
    REGION,
    ROLE,
    START,
    SUBMITTED_TASK_HISTORY,
    Engine,
)

CHILD_OK = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
CHILD_FAILS = {
    "StartAt": "Boom",
    "States": {"Boom": {"Type": "Fail", "Error": "ChildError", "Cause": "it broke"}},
}
CHILD_WAITS = {
    "StartAt": "Sleep",
    "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": True}},
}


def _parent(resource: str, child_arn: str, **more: Any) -> dict[str, Any]:
    states: dict[str, Any] = {
        "Nest": {
            "Type": "Task",
            "Resource": resource,
            "Parameters": {
                "StateMachineArn": child_arn,
                "Input": {"k.$": "$.k"},
                "Name": "child-run",
            },
            **more,
            "End": True,
        },
    }
    if "Catch" in more:
        states["Recover"] = {"Type": "Pass", "End": True}
    return {"StartAt": "Nest", "States": states}


def _child_arn(name: str) -> str:
    return f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{name}:child-run"


@pytest.mark.anyio
async def test_start_execution_answers_the_arn_and_start_date(engine: Engine) -> None:
    child = await engine.machine("child", CHILD_WAITS)
    parent = _parent("arn:aws:states:::states:startExecution", child)
    described = await engine.run(parent, {"k": 1})
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert list(output) == ["ExecutionArn", "SdkHttpMetadata", "SdkResponseMetadata", "StartDate"]
    assert output["ExecutionArn"] == _child_arn("child")
    assert output["StartDate"] == round(START.timestamp() * 1000)
    headers = output["SdkHttpMetadata"]["HttpHeaders"]
    assert headers["Content-Type"] == "application/x-amz-json-1.0"
    assert headers["x-amzn-RequestId"] == output["SdkResponseMetadata"]["RequestId"]
    # Request-response does not wait: the child is still running.
    child_state = await engine.call("DescribeExecution", {"executionArn": _child_arn("child")})
    assert child_state["status"] == "RUNNING"
    assert json.loads(child_state["input"]) == {"k": 1}
    events = await engine.history(described["executionArn"])
    scheduled = next(e for e in events if e["type"] == "TaskScheduled")
    details = scheduled["taskScheduledEventDetails"]
    assert (details["resourceType"], details["resource"]) == ("states", "startExecution")
    assert "TaskSubmitted" not in [e["type"] for e in events]


@pytest.mark.anyio
async def test_sync_answers_the_child_description_with_json_text(engine: Engine) -> None:
    child = await engine.machine("child", CHILD_OK)
    described = await engine.run(
        _parent("arn:aws:states:::states:startExecution.sync", child), {"k": 2}
    )
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert list(output) == sorted(output)
    assert output["ExecutionArn"] == _child_arn("child")
    assert output["Input"] == '{"k":2}'
    assert json.loads(output["Output"]) == {"k": 2}
    assert output["InputDetails"] == {"Included": True}
    assert output["Status"] == "SUCCEEDED"
    assert output["Name"] == "child-run"
    assert output["StartDate"] == round(START.timestamp() * 1000)
    assert isinstance(output["StopDate"], int)
    events = await engine.history(described["executionArn"])
    types = [e["type"] for e in events]
    assert types == SUBMITTED_TASK_HISTORY
    submitted = events[4]["taskSubmittedEventDetails"]
    assert submitted["resource"] == "startExecution.sync"
    assert json.loads(submitted["output"])["ExecutionArn"] == _child_arn("child")


@pytest.mark.anyio
async def test_sync2_answers_input_and_output_as_json_values(engine: Engine) -> None:
    child = await engine.machine("child", CHILD_OK)
    described = await engine.run(
        _parent("arn:aws:states:::states:startExecution.sync:2", child), {"k": 3}
    )
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert output["Input"] == {"k": 3}
    assert output["Output"] == {"k": 3}


@pytest.mark.anyio
async def test_a_failed_child_fails_the_task_and_catch_takes_it(engine: Engine) -> None:
    child = await engine.machine("child", CHILD_FAILS)
    catch = [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error", "Next": "Recover"}]
    parent = _parent("arn:aws:states:::states:startExecution.sync:2", child, Catch=catch)
    described = await engine.run(parent, {"k": 4})
    assert described["status"] == "SUCCEEDED", described
    error = json.loads(described["output"])["error"]
    assert error["Error"] == "States.TaskFailed"
    cause = json.loads(error["Cause"])
    assert cause["Status"] == "FAILED"
    assert (cause["Error"], cause["Cause"]) == ("ChildError", "it broke")
    assert cause["ExecutionArn"] == _child_arn("child")


@pytest.mark.anyio
async def test_a_missing_machine_is_a_step_functions_error_that_retry_sees(
    engine: Engine,
) -> None:
    missing = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:missing"
    retry = [
        {
            "ErrorEquals": ["StepFunctions.StateMachineDoesNotExistException"],
            "IntervalSeconds": 1,
            "MaxAttempts": 1,
        }
    ]
    described = await engine.run(
        _parent("arn:aws:states:::states:startExecution.sync", missing, Retry=retry)
    )
    assert described["status"] == "FAILED"
    assert described["error"] == "StepFunctions.StateMachineDoesNotExistException"
    assert (
        "(Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist;"
        in (described["cause"])
    )
    events = await engine.history(described["executionArn"])
    assert [e["type"] for e in events].count("TaskScheduled") == 2


@pytest.mark.anyio
async def test_a_sync_timeout_stops_the_child_with_aws_abort_cause(engine: Engine) -> None:
    child = await engine.machine("child", CHILD_WAITS)
    catch = [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "Recover"}]
    parent = _parent(
        "arn:aws:states:::states:startExecution.sync", child, TimeoutSeconds=60, Catch=catch
    )
    described = await engine.run(parent)
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"])["error"]["Error"] == "States.Timeout"
    child_state = await engine.call("DescribeExecution", {"executionArn": _child_arn("child")})
    assert child_state["status"] == "ABORTED"
    assert child_state["cause"] == (
        f"The Task state in AWS Step Functions execution [{described['executionArn']}] which was "
        "managing this resource was aborted"
    )
    assert "error" not in child_state


@pytest.mark.anyio
async def test_wait_for_task_token_passes_the_token_to_the_child(engine: Engine) -> None:
    # The child reports back to its parent with the token it got in its input.
    child = await engine.machine("child", CHILD_WAITS)
    parent = {
        "StartAt": "Nest",
        "States": {
            "Nest": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
                "Parameters": {
                    "StateMachineArn": child,
                    "Input": {"TaskToken.$": "$$.Task.Token"},
                    "Name": "child-run",
                },
                "End": True,
            }
        },
    }
    arn = await engine.machine("parent", parent)
    started = await engine.call("StartExecution", {"stateMachineArn": arn, "input": "{}"})
    child_arn = _child_arn("child")
    body = json.dumps({"executionArn": child_arn}).encode()
    status, child_state = await engine.service.handle("DescribeExecution", body)
    while status != 200:
        # The parent's task starts the child a few loop turns after the parent starts.
        await asyncio.sleep(0)
        status, child_state = await engine.service.handle("DescribeExecution", body)
    token = json.loads(child_state["input"])["TaskToken"]
    await engine.call("SendTaskSuccess", {"taskToken": token, "output": '{"done": true}'})
    described = await engine.nested.wait(started["executionArn"])
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {"done": True}
    events = await engine.history(started["executionArn"])
    submitted = next(e for e in events if e["type"] == "TaskSubmitted")
    details = submitted["taskSubmittedEventDetails"]
    assert details["resource"] == "startExecution.waitForTaskToken"
    assert json.loads(details["output"])["ExecutionArn"] == child_arn


@pytest.mark.anyio
async def test_stopping_the_parent_stops_a_sync_child(engine: Engine) -> None:
    child = await engine.machine("child", CHILD_WAITS)
    arn = await engine.machine(
        "parent", _parent("arn:aws:states:::states:startExecution.sync", child)
    )
    started = await engine.call("StartExecution", {"stateMachineArn": arn, "input": '{"k": 5}'})
    body = json.dumps({"executionArn": _child_arn("child")}).encode()
    status, _ = await engine.service.handle("DescribeExecution", body)
    while status != 200:
        await asyncio.sleep(0)
        status, _ = await engine.service.handle("DescribeExecution", body)
    await engine.call("StopExecution", {"executionArn": started["executionArn"]})
    child_state = await engine.nested.wait(_child_arn("child"))
    assert child_state["status"] == "ABORTED"
    assert child_state["cause"] == (
        f"The Task state in AWS Step Functions execution [{started['executionArn']}] which was "
        "managing this resource was aborted"
    )
    parent_state = await engine.call("DescribeExecution", {"executionArn": started["executionArn"]})
    assert parent_state["status"] == "ABORTED"


@pytest.mark.anyio
async def test_sync2_waits_for_an_express_child(engine: Engine) -> None:
    created = await engine.call(
        "CreateStateMachine",
        {
            "name": "express-child",
            "definition": json.dumps(CHILD_OK),
            "roleArn": ROLE,
            "type": "EXPRESS",
        },
    )
    parent = {
        "StartAt": "Nest",
        "States": {
            "Nest": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": {"StateMachineArn": created["stateMachineArn"], "Input.$": "$"},
                "End": True,
            }
        },
    }
    described = await engine.run(parent, {"k": 6})
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert ":express:express-child:" in output["ExecutionArn"]
    assert output["Output"] == {"k": 6}
    assert output["Status"] == "SUCCEEDED"
