"""A real moto server on 127.0.0.1 for the integrations, a runner for executions, and the engine
with its own integrations registered (nested executions and `aws-sdk:sfn`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from stepfunctions.integrations.aws import AwsClients, IntegrationEndpoints
from stepfunctions.integrations.catalog import register_integrations
from stepfunctions.integrations.states import ServiceNestedExecutions
from stepfunctions.language.parse import parse_definition
from stepfunctions.records.execution import Execution
from stepfunctions.records.history import details_key
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from tests.fixtures.loopback import free_port

START = datetime(2024, 5, 1, tzinfo=UTC)
REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sfn"
# A Task whose call answers at once and whose result comes later (`.waitForTaskToken`, `.sync`):
# TaskSubmitted holds the call's answer, TaskSucceeded the result (AWS recordings: localstack
# `test_callback::test_sqs_wait_for_task_token`, floci's `.sync` tests).
SUBMITTED_TASK_HISTORY = [
    "ExecutionStarted",
    "TaskStateEntered",
    "TaskScheduled",
    "TaskStarted",
    "TaskSubmitted",
    "TaskSucceeded",
    "TaskStateExited",
    "ExecutionSucceeded",
]


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def endpoints(moto_url: str) -> IntegrationEndpoints:
    return IntegrationEndpoints(embedded_url=moto_url, region=REGION)


def client(moto_url: str, service: str) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=moto_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@dataclass
class Run:
    execution: Execution
    interpreter: Interpreter

    @property
    def output(self) -> Any:
        return json.loads(self.execution.output or "null")

    def types(self) -> list[str]:
        return [event.type for event in self.execution.history]

    def details(self, event_type: str) -> dict[str, Any]:
        event = next(e for e in self.execution.history if e.type == event_type)
        assert event.details is not None
        return dict(event.details[details_key(event_type)])


def new_execution(definition: dict[str, Any], data: Any, clock: FakeClock, name: str) -> Execution:
    return Execution(
        execution_arn=f"arn:aws:states:{REGION}:{ACCOUNT}:execution:sm:{name}",
        name=name,
        state_machine_arn=f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:sm",
        state_machine_name="sm",
        definition=parse_definition(json.dumps(definition)),
        role_arn=f"arn:aws:iam::{ACCOUNT}:role/r",
        input=json.dumps({} if data is None else data),
        type="STANDARD",
        start_date=clock.now(),
    )


async def run(
    tasks: TaskRegistry,
    definition: dict[str, Any],
    data: Any = None,
    clock: FakeClock | None = None,
) -> Run:
    clock = clock if clock is not None else FakeClock(START)
    execution = new_execution(definition, data, clock, "run")
    interpreter = Interpreter(clock, tasks)
    await asyncio.wait_for(interpreter.run(execution), timeout=30)
    return Run(execution, interpreter)


class Engine:
    def __init__(self, service: StepFunctionsService) -> None:
        self.service = service
        self.nested = ServiceNestedExecutions(service)

    async def call(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        status, answer = await self.service.handle(operation, json.dumps(body).encode())
        assert status == 200, answer
        return answer

    async def machine(self, name: str, definition: dict[str, Any]) -> str:
        created = await self.call(
            "CreateStateMachine",
            {"name": name, "definition": json.dumps(definition), "roleArn": ROLE},
        )
        return str(created["stateMachineArn"])

    async def run(self, definition: dict[str, Any], data: Any = None) -> dict[str, Any]:
        arn = await self.machine("parent", definition)
        started = await self.call(
            "StartExecution", {"stateMachineArn": arn, "input": json.dumps(data or {"k": 0})}
        )
        return dict(await self.nested.wait(started["executionArn"]))

    async def history(self, execution_arn: str) -> list[dict[str, Any]]:
        answer = await self.call("GetExecutionHistory", {"executionArn": execution_arn})
        events: list[dict[str, Any]] = answer["events"]
        return events


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    tasks = TaskRegistry(REGION, ACCOUNT)
    service = StepFunctionsService(FakeClock(START), tasks, region=REGION, account_id=ACCOUNT)
    register_integrations(
        tasks,
        AwsClients(IntegrationEndpoints(region=REGION)),
        nested=ServiceNestedExecutions(service),
        engine=service,
    )
    async with service.running():
        yield Engine(service)
