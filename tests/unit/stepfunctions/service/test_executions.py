"""Executions through the service: ARNs, idempotent starts, sync Express runs, listing, stopping,
history paging and AWS's errors (API reference texts; LocalStack's AWS-validated snapshots)."""

from __future__ import annotations

import json

import pytest

from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from tests.unit.stepfunctions.service.test_api import call, create, finished, ok

pytestmark = pytest.mark.anyio

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
WAIT_A_YEAR = {
    "StartAt": "W",
    "States": {"W": {"Type": "Wait", "Seconds": 31_536_000, "End": True}},
}
FAIL = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "it broke"}}}


async def test_start_forms_the_execution_arn_and_runs_to_success(
    service: StepFunctionsService,
) -> None:
    await create(service)
    started = await ok(
        service, "StartExecution", stateMachineArn=MACHINE, name="e1", input='{"a": 1}'
    )
    assert started["executionArn"] == "arn:aws:states:us-east-1:123456789012:execution:m:e1"
    described = await finished(service, started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"a": 1}
    assert described["stateMachineArn"] == MACHINE
    assert described["redriveStatus"] == "NOT_REDRIVABLE"


async def test_a_start_without_name_or_input_gets_a_uuid_name_and_empty_object(
    service: StepFunctionsService,
) -> None:
    await create(service)
    started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
    described = await finished(service, started["executionArn"])
    assert len(described["name"]) == 36
    assert described["input"] == "{}"


async def test_same_name_and_input_while_running_returns_the_same_execution(
    service: StepFunctionsService,
) -> None:
    await create(service, definition=WAIT_A_YEAR)
    first = await ok(service, "StartExecution", stateMachineArn=MACHINE, name="e", input="{}")
    again = await ok(service, "StartExecution", stateMachineArn=MACHINE, name="e", input="{}")
    assert again == first


async def test_same_name_with_other_input_already_exists(service: StepFunctionsService) -> None:
    await create(service, definition=WAIT_A_YEAR)
    first = await ok(service, "StartExecution", stateMachineArn=MACHINE, name="e", input="{}")
    status, body = await call(
        service, "StartExecution", stateMachineArn=MACHINE, name="e", input='{"x": 1}'
    )
    assert (status, body) == (
        400,
        {
            "__type": "ExecutionAlreadyExists",
            "message": f"Execution Already Exists: '{first['executionArn']}'",
        },
    )


async def test_a_finished_execution_name_cannot_be_reused(service: StepFunctionsService) -> None:
    await create(service)
    first = await ok(service, "StartExecution", stateMachineArn=MACHINE, name="e")
    await finished(service, first["executionArn"])
    status, body = await call(service, "StartExecution", stateMachineArn=MACHINE, name="e")
    assert (status, body["__type"]) == (400, "ExecutionAlreadyExists")


async def test_input_that_is_not_json_is_invalid(service: StepFunctionsService) -> None:
    await create(service)
    status, body = await call(service, "StartExecution", stateMachineArn=MACHINE, input="{nope")
    assert (status, body["__type"]) == (400, "InvalidExecutionInput")


async def test_starting_a_missing_machine_fails(service: StepFunctionsService) -> None:
    assert await call(service, "StartExecution", stateMachineArn=MACHINE) == (
        400,
        {
            "__type": "StateMachineDoesNotExist",
            "message": f"State Machine Does Not Exist: '{MACHINE}'",
        },
    )


async def test_a_failed_execution_reports_error_and_cause(service: StepFunctionsService) -> None:
    await create(service, definition=FAIL)
    started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
    described = await finished(service, started["executionArn"])
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "Boom",
        "it broke",
    )
    assert described["redriveStatus"] == "REDRIVABLE"


async def test_a_missing_execution_does_not_exist(service: StepFunctionsService) -> None:
    arn = "arn:aws:states:us-east-1:123456789012:execution:m:nope"
    assert await call(service, "DescribeExecution", executionArn=arn) == (
        400,
        {"__type": "ExecutionDoesNotExist", "message": f"Execution Does Not Exist: '{arn}'"},
    )


async def test_sync_start_needs_an_express_machine(service: StepFunctionsService) -> None:
    await create(service)
    assert await call(service, "StartSyncExecution", stateMachineArn=MACHINE) == (
        400,
        {
            "__type": "StateMachineTypeNotSupported",
            "message": "This operation is not supported by this type of state machine",
        },
    )


async def test_sync_express_execution_returns_its_result_and_billing(
    service: StepFunctionsService,
) -> None:
    await create(service, type="EXPRESS")
    result = await ok(
        service, "StartSyncExecution", stateMachineArn=MACHINE, name="s", input='{"k": "v"}'
    )
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"k": "v"}
    assert result["executionArn"].startswith("arn:aws:states:us-east-1:123456789012:express:m:s:")
    assert result["billingDetails"] == {
        "billedMemoryUsedInMB": 64,
        "billedDurationInMilliseconds": 100,
    }
    status, body = await call(service, "DescribeExecution", executionArn=result["executionArn"])
    assert (status, body) == (
        400,
        {
            "__type": "InvalidArn",
            "message": "Invalid Arn: 'Resource type not valid in this context: express'",
        },
    )


async def test_an_express_execution_times_out_after_five_minutes(
    service: StepFunctionsService,
) -> None:
    # dg "Standard vs. Express workflows": an Express execution runs at most five minutes.
    await create(service, definition=WAIT_A_YEAR, type="EXPRESS")
    result = await ok(service, "StartSyncExecution", stateMachineArn=MACHINE)
    assert result["status"] == "TIMED_OUT"
    assert result["billingDetails"]["billedDurationInMilliseconds"] == 300_000
    assert result["stopDate"] - result["startDate"] == 300


async def test_stop_aborts_a_running_execution(service: StepFunctionsService) -> None:
    await create(service, definition=WAIT_A_YEAR)
    started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
    await ok(service, "StopExecution", executionArn=started["executionArn"], error="E", cause="C")
    described = await finished(service, started["executionArn"])
    assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "E", "C")
    history = await ok(service, "GetExecutionHistory", executionArn=started["executionArn"])
    assert history["events"][-1]["type"] == "ExecutionAborted"


async def test_list_executions_filters_by_status_and_pages(service: StepFunctionsService) -> None:
    await create(service)
    arns = []
    for number in range(3):
        arns.append(
            (await ok(service, "StartExecution", stateMachineArn=MACHINE, name=f"e{number}"))[
                "executionArn"
            ]
        )
    for arn in arns:
        await finished(service, arn)
    page = await ok(
        service, "ListExecutions", stateMachineArn=MACHINE, maxResults=2, statusFilter="SUCCEEDED"
    )
    assert [e["name"] for e in page["executions"]] == ["e2", "e1"]
    rest = await ok(
        service,
        "ListExecutions",
        stateMachineArn=MACHINE,
        maxResults=2,
        nextToken=page["nextToken"],
    )
    assert [e["name"] for e in rest["executions"]] == ["e0"]
    running = await ok(service, "ListExecutions", stateMachineArn=MACHINE, statusFilter="RUNNING")
    assert running["executions"] == []


async def test_an_unknown_status_filter_fails_validation(service: StepFunctionsService) -> None:
    await create(service)
    status, body = await call(
        service, "ListExecutions", stateMachineArn=MACHINE, statusFilter="DONE"
    )
    assert status == 400
    assert body["message"] == (
        "1 validation error detected: Value 'DONE' at 'statusFilter' failed to satisfy constraint: "
        "Member must satisfy enum value set: "
        "[RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]"
    )


async def test_history_pages_in_either_order_and_can_hide_data(
    service: StepFunctionsService,
) -> None:
    await create(service)
    started = await ok(service, "StartExecution", stateMachineArn=MACHINE, input='{"secret": 1}')
    arn = started["executionArn"]
    await finished(service, arn)
    everything = await ok(service, "GetExecutionHistory", executionArn=arn)
    types = [e["type"] for e in everything["events"]]
    assert types == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    first = await ok(
        service, "GetExecutionHistory", executionArn=arn, maxResults=3, reverseOrder=True
    )
    assert [e["type"] for e in first["events"]] == types[::-1][:3]
    rest = await ok(
        service,
        "GetExecutionHistory",
        executionArn=arn,
        maxResults=3,
        reverseOrder=True,
        nextToken=first["nextToken"],
    )
    assert [e["type"] for e in rest["events"]] == ["ExecutionStarted"]
    hidden = await ok(service, "GetExecutionHistory", executionArn=arn, includeExecutionData=False)
    assert "input" not in hidden["events"][0]["executionStartedEventDetails"]


async def test_describe_state_machine_for_execution_returns_the_definition_it_ran(
    service: StepFunctionsService,
) -> None:
    await create(service)
    started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
    await ok(service, "UpdateStateMachine", stateMachineArn=MACHINE, definition=json.dumps(FAIL))
    described = await ok(
        service, "DescribeStateMachineForExecution", executionArn=started["executionArn"]
    )
    assert described["stateMachineArn"] == MACHINE
    assert json.loads(described["definition"])["StartAt"] == "A"


async def test_a_succeeded_execution_cannot_be_redriven(service: StepFunctionsService) -> None:
    await create(service)
    started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
    await finished(service, started["executionArn"])
    status, body = await call(service, "RedriveExecution", executionArn=started["executionArn"])
    assert (status, body["__type"]) == (400, "ExecutionNotRedrivable")


async def test_a_version_start_is_recorded_with_its_version(service: StepFunctionsService) -> None:
    await create(service, publish=True)
    started = await ok(service, "StartExecution", stateMachineArn=f"{MACHINE}:1")
    described = await finished(service, started["executionArn"])
    assert described["stateMachineVersionArn"] == f"{MACHINE}:1"
    listed = await ok(service, "ListExecutions", stateMachineArn=f"{MACHINE}:1")
    assert [e["executionArn"] for e in listed["executions"]] == [started["executionArn"]]


DISTRIBUTED = {
    "StartAt": "Map",
    "States": {
        "Map": {
            "Type": "Map",
            "Label": "Fanout",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Item",
                "States": {"Item": {"Type": "Pass", "End": True}},
            },
            "End": True,
        }
    },
}


async def test_a_distributed_map_run_is_listed_described_and_updated(
    service: StepFunctionsService,
) -> None:
    await create(service, definition=DISTRIBUTED)
    started = await ok(service, "StartExecution", stateMachineArn=MACHINE, input="[1, 2, 3]")
    described = await finished(service, started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    runs = (await ok(service, "ListMapRuns", executionArn=started["executionArn"]))["mapRuns"]
    assert len(runs) == 1
    run_arn = runs[0]["mapRunArn"]
    assert run_arn.startswith("arn:aws:states:us-east-1:123456789012:mapRun:m/Fanout:")
    assert runs[0]["stateMachineArn"] == f"{MACHINE}/Fanout"
    run = await ok(service, "DescribeMapRun", mapRunArn=run_arn)
    assert run["status"] == "SUCCEEDED"
    assert run["executionArn"] == started["executionArn"]
    assert (run["itemCounts"]["total"], run["itemCounts"]["succeeded"]) == (3, 3)
    children = (await ok(service, "ListExecutions", mapRunArn=run_arn))["executions"]
    assert len(children) == 3
    assert {child["mapRunArn"] for child in children} == {run_arn}
    child = await ok(service, "DescribeExecution", executionArn=children[0]["executionArn"])
    assert child["status"] == "SUCCEEDED"
    await ok(service, "UpdateMapRun", mapRunArn=run_arn, maxConcurrency=5)
    assert (await ok(service, "DescribeMapRun", mapRunArn=run_arn))["maxConcurrency"] == 5


async def test_a_missing_map_run_is_resource_not_found(service: StepFunctionsService) -> None:
    arn = (
        "arn:aws:states:us-east-1:123456789012:mapRun:m/Fanout:00000000-0000-0000-0000-000000000000"
    )
    status, body = await call(service, "DescribeMapRun", mapRunArn=arn)
    assert (status, body["__type"]) == (400, "ResourceNotFound")


async def test_a_failed_execution_is_redriven_from_the_failed_state(
    service: StepFunctionsService,
) -> None:
    await create(service, definition=FAIL)
    started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
    await finished(service, started["executionArn"])
    redriven = await ok(service, "RedriveExecution", executionArn=started["executionArn"])
    assert "redriveDate" in redriven
    described = await finished(service, started["executionArn"])
    assert described["redriveCount"] == 1
    assert described["status"] == "FAILED"
    types = [
        e["type"]
        for e in (await ok(service, "GetExecutionHistory", executionArn=started["executionArn"]))[
            "events"
        ]
    ]
    assert types.count("ExecutionRedriven") == 1


async def test_history_shows_execution_started_as_soon_as_start_returns(
    service: StepFunctionsService,
) -> None:
    await create(service, definition=WAIT_A_YEAR)
    started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
    history = await ok(service, "GetExecutionHistory", executionArn=started["executionArn"])
    assert history["events"][0]["type"] == "ExecutionStarted"
    assert history["events"][0]["executionStartedEventDetails"]["input"] == "{}"


async def test_redrive_is_refused_after_fourteen_days() -> None:
    clock = FakeClock()
    engine = StepFunctionsService(clock, TaskRegistry())
    async with engine.running():
        await create(engine, definition=FAIL)
        started = await ok(engine, "StartExecution", stateMachineArn=MACHINE)
        assert (await finished(engine, started["executionArn"]))["redriveStatus"] == "REDRIVABLE"
        clock.advance(15 * 24 * 3600)
        described = await ok(engine, "DescribeExecution", executionArn=started["executionArn"])
        assert (described["redriveStatus"], described["redriveStatusReason"]) == (
            "NOT_REDRIVABLE",
            "Execution redrivable period exceeded.",
        )
        status, body = await call(engine, "RedriveExecution", executionArn=started["executionArn"])
        assert (status, body["__type"]) == (400, "ExecutionNotRedrivable")


async def test_a_succeeded_execution_says_why_it_is_not_redrivable(
    service: StepFunctionsService,
) -> None:
    await create(service)
    started = await ok(service, "StartExecution", stateMachineArn=MACHINE)
    described = await finished(service, started["executionArn"])
    assert described["redriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven."


async def test_input_over_256_kib_fails_validation(service: StepFunctionsService) -> None:
    await create(service)
    big = json.dumps({"blob": "x" * 262_144})
    status, body = await call(service, "StartExecution", stateMachineArn=MACHINE, input=big)
    assert (status, body["__type"]) == (400, "ValidationException")
    assert "x" * 10 not in body["message"]
