"""The console API's Step Functions fields against the embedded engine: each answers what the
engine's AWS JSON API answers for the same request, errors carry AWS's codes, and the live views
follow an execution from start to end."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from stepfunctions.service.api import StepFunctionsService
from tests.unit.appsync.console.support import (
    ROLE,
    data,
    engine,
    execute,
    services,
    states,
    subscribe,
)

PASS_MACHINE = {
    "StartAt": "First",
    "States": {
        "First": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.first", "Next": "Last"},
        "Last": {"Type": "Pass", "End": True},
    },
}
HISTORY = """
query ($executionArn: String!) {
  describeExecution(input: {executionArn: $executionArn}) { status input output stopDate }
  describeStateMachineForExecution(input: {executionArn: $executionArn}) { name definition }
  getExecutionHistory(input: {executionArn: $executionArn, includeExecutionData: true}) {
    events { id type previousEventId timestamp stateEnteredEventDetails
             executionSucceededEventDetails }
    nextToken
  }
}
"""


async def _machine(service: StepFunctionsService, name: str, definition: dict[str, Any]) -> str:
    created = await states(
        service,
        "CreateStateMachine",
        {"name": name, "definition": json.dumps(definition), "roleArn": ROLE},
    )
    return str(created["stateMachineArn"])


async def _finished(service: StepFunctionsService, execution_arn: str) -> dict[str, Any]:
    for _ in range(500):
        described = await states(service, "DescribeExecution", {"executionArn": execution_arn})
        if described["status"] != "RUNNING":
            return dict(described)
        await asyncio.sleep(0.01)
    raise AssertionError("the execution did not end")


def _wire_event(event: dict[str, Any]) -> dict[str, Any]:
    """An event as the console API gives it: the members the query selected, absent ones null."""
    keys = ("id", "type", "previousEventId", "timestamp")
    details = ("stateEnteredEventDetails", "executionSucceededEventDetails")
    return {**{key: event[key] for key in keys}, **{key: event.get(key) for key in details}}


@pytest.mark.anyio
async def test_state_machines_and_their_execution_read_as_the_engine_answers() -> None:
    service = engine()
    served = services(service)
    async with service.running():
        arn = await _machine(service, "orders", PASS_MACHINE)
        listed = await data(
            served,
            "{ listStateMachines(input: {}) { stateMachines { stateMachineArn name type "
            "creationDate } nextToken } }",
        )
        wire = await states(service, "ListStateMachines", {})
        assert listed["listStateMachines"] == {**wire, "nextToken": None}
        started = await data(
            served,
            "mutation ($input: StartExecutionInput!) { startExecution(input: $input) "
            "{ executionArn startDate } }",
            {"input": {"stateMachineArn": arn, "name": "first", "input": '{"a": 1}'}},
        )
        execution_arn = started["startExecution"]["executionArn"]
        assert execution_arn.endswith(":orders:first")
        finished = await _finished(service, execution_arn)
        shown = await data(served, HISTORY, {"executionArn": execution_arn})
    assert shown["describeExecution"] == {
        "status": "SUCCEEDED",
        "input": '{"a": 1}',
        "output": finished["output"],
        "stopDate": finished["stopDate"],
    }
    assert json.loads(shown["describeStateMachineForExecution"]["definition"]) == PASS_MACHINE
    history = await states(
        service, "GetExecutionHistory", {"executionArn": execution_arn, "maxResults": 1000}
    )
    events = shown["getExecutionHistory"]["events"]
    assert events == [_wire_event(event) for event in history["events"]]
    assert [event["type"] for event in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


@pytest.mark.anyio
async def test_a_history_is_read_whole_unless_a_page_is_asked_for() -> None:
    service = engine()
    served = services(service)
    steps = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(600)}
    steps["S600"] = {"Type": "Succeed"}
    async with service.running():
        arn = await _machine(service, "long", {"StartAt": "S0", "States": steps})
        started = await states(service, "StartExecution", {"stateMachineArn": arn})
        await _finished(service, started["executionArn"])
        query = (
            "query ($input: GetExecutionHistoryInput!) { getExecutionHistory(input: $input) "
            "{ events { id } nextToken } }"
        )
        whole = await data(served, query, {"input": {"executionArn": started["executionArn"]}})
        page = await data(
            served, query, {"input": {"executionArn": started["executionArn"], "maxResults": 10}}
        )
    # ExecutionStarted, an entered and exited event per Pass, SucceedStateEntered/Exited, the end.
    ids = [event["id"] for event in whole["getExecutionHistory"]["events"]]
    assert ids == list(range(1, 1205))
    assert whole["getExecutionHistory"]["nextToken"] is None
    assert [event["id"] for event in page["getExecutionHistory"]["events"]] == list(range(1, 11))
    assert page["getExecutionHistory"]["nextToken"] is not None


@pytest.mark.anyio
async def test_engine_errors_carry_aws_codes() -> None:
    served = services()
    missing = "arn:aws:states:us-east-1:123456789012:execution:absent:nothing"
    result = await execute(
        served,
        "query ($arn: String!) { describeExecution(input: {executionArn: $arn}) { status } }",
        {"arn": missing},
    )
    assert result.errors is not None
    [error] = result.errors
    assert error.extensions == {"errorType": "ExecutionDoesNotExist"}
    assert missing in error.message


@pytest.mark.anyio
async def test_versions_aliases_and_filtered_executions() -> None:
    service = engine()
    served = services(service)
    async with service.running():
        arn = await _machine(service, "versioned", PASS_MACHINE)
        version = await states(service, "PublishStateMachineVersion", {"stateMachineArn": arn})
        alias = await states(
            service,
            "CreateStateMachineAlias",
            {
                "name": "live",
                "routingConfiguration": [
                    {"stateMachineVersionArn": version["stateMachineVersionArn"], "weight": 100}
                ],
            },
        )
        started = await states(
            service, "StartExecution", {"stateMachineArn": alias["stateMachineAliasArn"]}
        )
        await _finished(service, started["executionArn"])
        shown = await data(
            served,
            """query ($arn: String!) {
              describeStateMachine(input: {stateMachineArn: $arn}) { name status revisionId }
              listStateMachineVersions(input: {stateMachineArn: $arn}) {
                stateMachineVersions { stateMachineVersionArn } }
              listStateMachineAliases(input: {stateMachineArn: $arn}) {
                stateMachineAliases { stateMachineAliasArn } }
              succeeded: listExecutions(input: {stateMachineArn: $arn, statusFilter: SUCCEEDED}) {
                executions { executionArn status stateMachineAliasArn stateMachineVersionArn } }
              running: listExecutions(input: {stateMachineArn: $arn, statusFilter: RUNNING}) {
                executions { executionArn } }
            }""",
            {"arn": arn},
        )
    assert shown["describeStateMachine"]["status"] == "ACTIVE"
    assert shown["listStateMachineVersions"]["stateMachineVersions"] == [
        {"stateMachineVersionArn": version["stateMachineVersionArn"]}
    ]
    assert shown["listStateMachineAliases"]["stateMachineAliases"] == [
        {"stateMachineAliasArn": alias["stateMachineAliasArn"]}
    ]
    assert shown["succeeded"]["executions"] == [
        {
            "executionArn": started["executionArn"],
            "status": "SUCCEEDED",
            "stateMachineAliasArn": alias["stateMachineAliasArn"],
            "stateMachineVersionArn": version["stateMachineVersionArn"],
        }
    ]
    assert shown["running"]["executions"] == []


ACTIVITY_MACHINE = {
    "StartAt": "Wait for a worker",
    "States": {
        "Wait for a worker": {"Type": "Task", "Resource": "", "Next": "Done"},
        "Done": {"Type": "Pass", "End": True},
    },
}


async def _activity_machine(service: StepFunctionsService) -> tuple[str, str]:
    """A machine that runs until a worker answers its activity task."""
    activity = await states(service, "CreateActivity", {"name": "worker"})
    definition = json.loads(json.dumps(ACTIVITY_MACHINE))
    definition["States"]["Wait for a worker"]["Resource"] = activity["activityArn"]
    return await _machine(service, "held", definition), str(activity["activityArn"])


async def _work(service: StepFunctionsService, activity_arn: str, output: Any) -> None:
    task = await states(service, "GetActivityTask", {"activityArn": activity_arn})
    await states(
        service, "SendTaskSuccess", {"taskToken": task["taskToken"], "output": json.dumps(output)}
    )


UPDATES = """subscription ($arn: String!) {
  onExecutionUpdated(executionArn: $arn) { execution { status output } events { id type } }
}"""


@pytest.mark.anyio
async def test_an_execution_is_followed_until_it_ends() -> None:
    service = engine()
    served = services(service)
    async with service.running():
        arn, activity = await _activity_machine(service)
        started = await states(service, "StartExecution", {"stateMachineArn": arn})
        stream = await subscribe(served, UPDATES, {"arn": started["executionArn"]})
        first = await anext(stream)
        assert first.errors is None
        assert first.data is not None
        # The first update: the whole history so far, the execution still running.
        assert first.data["onExecutionUpdated"]["execution"]["status"] == "RUNNING"
        assert first.data["onExecutionUpdated"]["events"][0] == {
            "id": 1,
            "type": "ExecutionStarted",
        }
        await _work(service, activity, {"done": True})
        updates = [first.data["onExecutionUpdated"]]
        async for result in stream:
            assert result.errors is None
            assert result.data is not None
            updates.append(result.data["onExecutionUpdated"])
        history = await states(
            service, "GetExecutionHistory", {"executionArn": started["executionArn"]}
        )
    # Every event once, in order, across the updates; the stream ended with the execution.
    followed = [event for update in updates for event in update["events"]]
    assert followed == [{"id": e["id"], "type": e["type"]} for e in history["events"]]
    assert updates[-1]["execution"] == {"status": "SUCCEEDED", "output": '{"done":true}'}
    assert all(update["execution"]["status"] == "RUNNING" for update in updates[:-1])


@pytest.mark.anyio
async def test_the_executions_list_hears_of_starts_and_ends() -> None:
    service = engine()
    served = services(service)
    query = """subscription ($arn: String!) {
      onExecutionsChanged(stateMachineArn: $arn) { executionArn status }
    }"""
    async with service.running():
        arn, activity = await _activity_machine(service)
        stream = await subscribe(served, query, {"arn": arn})
        # The subscription reads the list once before it waits for changes.
        listening = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.05)
        started = await states(service, "StartExecution", {"stateMachineArn": arn})
        news = await asyncio.wait_for(listening, 5)
        assert news.data == {
            "onExecutionsChanged": {"executionArn": started["executionArn"], "status": "RUNNING"}
        }
        await _work(service, activity, {})
        ended = await asyncio.wait_for(anext(stream), 5)
        assert ended.data == {
            "onExecutionsChanged": {"executionArn": started["executionArn"], "status": "SUCCEEDED"}
        }
        await stream.aclose()


@pytest.mark.anyio
async def test_stop_goes_through_the_engine() -> None:
    service = engine()
    served = services(service)
    async with service.running():
        arn, _ = await _activity_machine(service)
        started = await states(service, "StartExecution", {"stateMachineArn": arn})
        stopped = await data(
            served,
            "mutation ($input: StopExecutionInput!) { stopExecution(input: $input) { stopDate } }",
            {"input": {"executionArn": started["executionArn"], "error": "Stop", "cause": "hand"}},
        )
        described = await states(
            service, "DescribeExecution", {"executionArn": started["executionArn"]}
        )
    assert (described["status"], described["error"], described["cause"]) == (
        "ABORTED",
        "Stop",
        "hand",
    )
    assert stopped["stopExecution"]["stopDate"] == described["stopDate"]


@pytest.mark.anyio
async def test_a_failed_execution_is_redriven() -> None:
    service = engine()
    served = services(service)
    redrive = (
        "mutation ($input: RedriveExecutionInput!) { redriveExecution(input: $input) "
        "{ redriveDate } }"
    )
    async with service.running():
        arn, activity = await _activity_machine(service)
        started = await states(service, "StartExecution", {"stateMachineArn": arn})
        execution = {"executionArn": started["executionArn"]}
        task = await states(service, "GetActivityTask", {"activityArn": activity})
        await states(service, "SendTaskFailure", {"taskToken": task["taskToken"], "error": "Boom"})
        failed = await _finished(service, started["executionArn"])
        redriven = await data(served, redrive, {"input": execution})
        again = await states(service, "DescribeExecution", execution)
        await _work(service, activity, {"second": True})
        ended = await _finished(service, started["executionArn"])
        # A succeeded execution cannot be redriven: AWS's own refusal, by its code.
        refused = await execute(served, redrive, {"input": execution})
    assert failed["status"] == "FAILED"
    assert again["redriveCount"] == 1
    assert again["redriveDate"] == redriven["redriveExecution"]["redriveDate"]
    assert ended["status"] == "SUCCEEDED"
    assert refused.errors is not None
    assert refused.errors[0].extensions == {"errorType": "ExecutionNotRedrivable"}
