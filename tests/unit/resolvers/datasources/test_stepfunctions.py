"""The direct Step Functions data source over the real embedded engine.

The engine is reached through `EngineRunner`, the adapter `appsync/app.py` also needs: the
StateMachineRunner protocol filled with `StepFunctionsService.handle`. Expected answers are the
Step Functions API reference's: StartExecution answers `executionArn` and `startDate`;
StartSyncExecution answers `status`, `output` (a JSON string) and `billingDetails`; an unknown
machine is `StateMachineDoesNotExist`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from resolvers.datasources.stepfunctions import StepFunctionsDataSource
from resolvers.errors import DataSourceError, ResolverError
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from tests.unit.resolvers.contexts import field_context

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sfn"
ECHO = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
FAIL = {
    "StartAt": "Reject",
    "States": {"Reject": {"Type": "Fail", "Error": "OrderRejected", "Cause": "out of stock"}},
}


class EngineRunner:
    """The embedded engine as a StateMachineRunner: the body crosses JSON as on the wire."""

    def __init__(self, service: StepFunctionsService) -> None:
        self.service = service
        self.calls: list[str] = []

    async def call(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.calls.append(operation)
        status, answer = await self.service.handle(operation, json.dumps(body).encode())
        return status, json.loads(json.dumps(answer))


async def create_machine(
    runner: EngineRunner, name: str, definition: dict[str, Any], kind: str = "STANDARD"
) -> str:
    status, body = await runner.call(
        "CreateStateMachine",
        {"name": name, "definition": json.dumps(definition), "roleArn": ROLE, "type": kind},
    )
    assert status == 200, body
    arn = body["stateMachineArn"]
    assert isinstance(arn, str)
    return arn


async def finished(runner: EngineRunner, execution_arn: str) -> dict[str, Any]:
    for _ in range(2000):
        status, described = await runner.call("DescribeExecution", {"executionArn": execution_arn})
        assert status == 200, described
        if described["status"] != "RUNNING":
            return described
        await asyncio.sleep(0.001)
    raise AssertionError(f"{execution_arn} still RUNNING")


@pytest.fixture
async def runner() -> AsyncIterator[EngineRunner]:
    service = StepFunctionsService(FakeClock(), TaskRegistry(), region=REGION, account_id=ACCOUNT)
    async with service.running():
        yield EngineRunner(service)


@pytest.mark.anyio
async def test_start_execution_returns_the_execution_arn(runner: EngineRunner) -> None:
    machine = await create_machine(runner, "orders", ECHO)
    source = StepFunctionsDataSource("Orders", runner)
    result = await source.invoke(
        {
            "version": "2018-05-29",
            "operation": "StartExecution",
            "stateMachineArn": machine,
            "name": "order-1",
            "input": '{"orderId":"1"}',
        },
        field_context("startOrder", "Mutation"),
    )
    assert result["executionArn"] == f"arn:aws:states:{REGION}:{ACCOUNT}:execution:orders:order-1"
    assert isinstance(result["startDate"], float)
    described = await finished(runner, result["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"orderId": "1"}


@pytest.mark.anyio
async def test_an_input_that_is_not_a_string_is_sent_as_its_json(runner: EngineRunner) -> None:
    machine = await create_machine(runner, "orders", ECHO)
    source = StepFunctionsDataSource("Orders", runner, state_machine_arn=machine)
    result = await source.invoke(
        {"operation": "StartExecution", "input": {"orderId": "2", "items": [1, 2]}},
        field_context("startOrder", "Mutation"),
    )
    described = await finished(runner, result["executionArn"])
    assert json.loads(described["input"]) == {"orderId": "2", "items": [1, 2]}


@pytest.mark.anyio
async def test_start_sync_execution_answers_with_the_output(runner: EngineRunner) -> None:
    machine = await create_machine(runner, "quote", ECHO, kind="EXPRESS")
    source = StepFunctionsDataSource("Quote", runner, state_machine_arn=machine)
    result = await source.invoke(
        {"version": "2018-05-29", "operation": "StartSyncExecution", "input": {"sku": "A"}},
        field_context("startOrder", "Mutation"),
    )
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"sku": "A"}
    assert result["stateMachineArn"] == machine
    assert "billingDetails" in result


@pytest.mark.anyio
async def test_a_failed_sync_execution_is_a_result_not_an_error(runner: EngineRunner) -> None:
    machine = await create_machine(runner, "reject", FAIL, kind="EXPRESS")
    source = StepFunctionsDataSource("Reject", runner, state_machine_arn=machine)
    result = await source.invoke(
        {"operation": "StartSyncExecution"}, field_context("startOrder", "Mutation")
    )
    assert (result["status"], result["error"], result["cause"]) == (
        "FAILED",
        "OrderRejected",
        "out of stock",
    )


@pytest.mark.anyio
async def test_describe_execution_reads_the_execution(runner: EngineRunner) -> None:
    machine = await create_machine(runner, "orders", ECHO)
    source = StepFunctionsDataSource("Orders", runner, state_machine_arn=machine)
    started = await source.invoke(
        {"operation": "StartExecution", "input": "{}"}, field_context("startOrder", "Mutation")
    )
    await finished(runner, started["executionArn"])
    described = await source.invoke(
        {"operation": "DescribeExecution", "executionArn": started["executionArn"]},
        field_context("startOrder", "Mutation"),
    )
    assert described["status"] == "SUCCEEDED"
    assert described["stateMachineArn"] == machine


@pytest.mark.anyio
async def test_an_api_error_is_a_data_source_error_named_for_step_functions(
    runner: EngineRunner,
) -> None:
    source = StepFunctionsDataSource("Orders", runner)
    missing = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:missing"
    with pytest.raises(DataSourceError) as raised:
        await source.invoke(
            {"operation": "StartExecution", "stateMachineArn": missing},
            field_context("startOrder", "Mutation"),
        )
    assert raised.value.error_type == "StepFunctions:StateMachineDoesNotExist"
    assert missing in raised.value.message


@pytest.mark.anyio
async def test_an_operation_outside_the_three_is_a_mapping_template_error(
    runner: EngineRunner,
) -> None:
    source = StepFunctionsDataSource("Orders", runner)
    with pytest.raises(ResolverError) as raised:
        await source.invoke(
            {"operation": "DeleteStateMachine"}, field_context("startOrder", "Mutation")
        )
    assert raised.value.error_type == "MappingTemplate"
    assert runner.calls == []
