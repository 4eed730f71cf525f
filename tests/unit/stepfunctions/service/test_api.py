"""The service edge: operation dispatch, bodies, wire errors and dates; and the helpers the other
service tests use to call it as the HTTP endpoint does (an operation name and a JSON body)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from stepfunctions.store.sqlite import SqliteStore

ROLE = "arn:aws:iam::123456789012:role/sfn"
PASS_MACHINE = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}


async def call(
    service: StepFunctionsService, operation: str, **body: Any
) -> tuple[int, dict[str, Any]]:
    """One operation; the body goes through JSON both ways, as on the wire."""
    status, response = await service.handle(operation, json.dumps(body).encode())
    return status, json.loads(json.dumps(response))


async def ok(service: StepFunctionsService, operation: str, **body: Any) -> dict[str, Any]:
    status, response = await call(service, operation, **body)
    assert status == 200, response
    return response


async def create(
    service: StepFunctionsService, name: str = "m", definition: Any = None, **extra: Any
) -> dict[str, Any]:
    text = json.dumps(PASS_MACHINE if definition is None else definition)
    return await ok(
        service, "CreateStateMachine", name=name, definition=text, roleArn=ROLE, **extra
    )


async def finished(service: StepFunctionsService, execution_arn: str) -> dict[str, Any]:
    """DescribeExecution once the execution has left RUNNING (when idle, the FakeClock jumps)."""
    for _ in range(2000):
        described = await ok(service, "DescribeExecution", executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        await asyncio.sleep(0.001)
    raise AssertionError(f"{execution_arn} still RUNNING")


# The edge itself: operations, bodies and the wire errors.


@pytest.mark.anyio
async def test_unknown_operation_is_rejected(service: StepFunctionsService) -> None:
    assert await call(service, "MakeCoffee") == (
        400,
        {"__type": "UnknownOperationException", "message": "Unknown operation MakeCoffee"},
    )


@pytest.mark.anyio
async def test_a_body_that_is_not_a_json_object_is_a_serialization_error(
    service: StepFunctionsService,
) -> None:
    status, body = await service.handle("ListStateMachines", b"[1, 2]")
    assert status == 400
    assert body["__type"] == "SerializationException"


@pytest.mark.anyio
async def test_an_empty_body_is_an_empty_request(service: StepFunctionsService) -> None:
    assert await call(service, "ListStateMachines") == (200, {"stateMachines": []})


@pytest.mark.anyio
async def test_a_missing_required_field_is_a_validation_error(
    service: StepFunctionsService,
) -> None:
    status, body = await call(service, "DescribeStateMachine")
    assert status == 400
    assert body == {
        "__type": "ValidationException",
        "message": "1 validation error detected: Value 'None' at 'stateMachineArn' failed to "
        "satisfy "
        "constraint: Member must not be null",
    }


@pytest.mark.anyio
async def test_dates_are_epoch_seconds_on_the_wire() -> None:
    clock = FakeClock(datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC))
    engine = StepFunctionsService(clock, TaskRegistry())
    async with engine.running():
        created = await create(engine)
    assert created["creationDate"] == datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC).timestamp()


@pytest.mark.anyio
async def test_starting_an_execution_needs_the_running_service() -> None:
    engine = StepFunctionsService(FakeClock(), TaskRegistry())
    machine = await create(engine)
    status, body = await call(engine, "StartExecution", stateMachineArn=machine["stateMachineArn"])
    assert (status, body["__type"]) == (503, "ServiceUnavailable")


@pytest.mark.anyio
async def test_an_operation_answers_once_what_it_changed_is_written(tmp_path: Path) -> None:
    """StopExecution's answer comes after the stopped record is in the store's file, not at
    the end of the loop's turn: a process killed right after the answer keeps the stop."""
    database = tmp_path / "engine.sqlite"
    store = SqliteStore(str(database))
    engine = StepFunctionsService(FakeClock(), TaskRegistry(), store=store)
    waiting = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}
    async with engine.running():
        machine = await create(engine, definition=waiting)
        started = await ok(engine, "StartExecution", stateMachineArn=machine["stateMachineArn"])
        arn = started["executionArn"]
        await ok(engine, "StopExecution", executionArn=arn)
        # Read at once, by another connection, before the loop turns again.
        with sqlite3.connect(database) as db:
            row = db.execute("SELECT status FROM executions WHERE arn = ?", (arn,)).fetchone()
        assert row == ("ABORTED",)
    store.close()


WAIT_A_DAY = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "End": True}}}


@pytest.mark.anyio
async def test_reset_cancels_running_executions_and_forgets_everything() -> None:
    # A manual clock: the day-long Wait stays RUNNING until the reset comes.
    engine = StepFunctionsService(FakeClock(auto_advance=False), TaskRegistry())
    async with engine.running():
        machine = await create(engine, definition=WAIT_A_DAY)
        await ok(engine, "CreateActivity", name="queue")
        started = await ok(engine, "StartExecution", stateMachineArn=machine["stateMachineArn"])
        described = await ok(engine, "DescribeExecution", executionArn=started["executionArn"])
        assert described["status"] == "RUNNING"
        await engine.reset()
        assert await ok(engine, "ListStateMachines") == {"stateMachines": []}
        assert await ok(engine, "ListActivities") == {"activities": []}
        status, body = await call(engine, "DescribeExecution", executionArn=started["executionArn"])
        assert (status, body["__type"]) == (400, "ExecutionDoesNotExist")
        # The engine runs on: a machine made after the reset runs as before.
        again = await create(engine)
        rerun = await ok(engine, "StartExecution", stateMachineArn=again["stateMachineArn"])
        assert (await finished(engine, rerun["executionArn"]))["status"] == "SUCCEEDED"
