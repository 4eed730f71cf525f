"""Executions of a machine with a `loggingConfiguration` write their history events as Step
Functions writes them to CloudWatch Logs (https://docs.aws.amazon.com/step-functions/latest/dg/
cw-logs.html): the level decides which, `includeExecutionData` whether inputs and outputs stay."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from tests.unit.stepfunctions.service.test_api import create, ok

pytestmark = pytest.mark.anyio

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/m:*"
FAILING = {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "E", "Cause": "c"}}}
# The example event of the page's "Log levels" section, field for field.
DOC_EVENT_FIELDS = {
    "id",
    "type",
    "details",
    "previous_event_id",
    "event_timestamp",
    "execution_arn",
}


class _Collected:
    """The events written, as PutLogEvents would receive them."""

    def __init__(self) -> None:
        self.events: list[tuple[int, str]] = []

    def write(self, events: Sequence[tuple[int, str]]) -> None:
        self.events.extend(events)

    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(message) for _, message in self.events]


async def _run(level: str, include_data: bool, definition: Any = None) -> list[dict[str, Any]]:
    sink = _Collected()
    service = StepFunctionsService(FakeClock(), TaskRegistry(), execution_log=sink)
    async with service.running():
        logging = {
            "level": level,
            "includeExecutionData": include_data,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": GROUP}}],
        }
        await create(service, definition=definition, type="EXPRESS", loggingConfiguration=logging)
        await ok(service, "StartSyncExecution", stateMachineArn=MACHINE, input='{"k": "v"}')
    return sink.messages()


async def test_all_writes_every_event_with_the_documented_fields() -> None:
    events = await _run("ALL", include_data=True)
    assert [event["type"] for event in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    first = events[0]
    assert set(first) >= DOC_EVENT_FIELDS
    assert (first["id"], first["previous_event_id"]) == ("1", "0")
    assert first["event_timestamp"].isdigit()
    assert first["execution_arn"].startswith("arn:aws:states:us-east-1:123456789012:express:m:")
    assert json.loads(first["details"]["input"]) == {"k": "v"}
    assert json.loads(events[-1]["details"]["output"]) == {"k": "v"}


async def test_without_execution_data_inputs_and_outputs_are_left_out() -> None:
    events = await _run("ALL", include_data=False)
    assert all("input" not in e["details"] and "output" not in e["details"] for e in events)


async def test_error_and_fatal_write_only_failures() -> None:
    error = await _run("ERROR", include_data=True, definition=FAILING)
    assert [event["type"] for event in error] == ["FailStateEntered", "ExecutionFailed"]
    fatal = await _run("FATAL", include_data=True, definition=FAILING)
    assert [event["type"] for event in fatal] == ["ExecutionFailed"]
    assert fatal[0]["details"] == {"error": "E", "cause": "c"}
    assert await _run("ERROR", include_data=True) == []


async def test_off_writes_nothing() -> None:
    sink = _Collected()
    service = StepFunctionsService(FakeClock(), TaskRegistry(), execution_log=sink)
    async with service.running():
        await create(service, type="EXPRESS")
        await ok(service, "StartSyncExecution", stateMachineArn=MACHINE)
    assert sink.events == []
