"""Executions run on the interpreter under a fake clock, for the runtime's tests: an execution
factory, a runner, readers of the result, and the Map definitions the Map tests share."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from stepfunctions.language.parse import parse_definition
from stepfunctions.records.execution import Execution
from stepfunctions.runtime.clock import Clock, FakeClock
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.task_registry import LambdaHandler, TaskRegistry

START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
ACCOUNT = "123456789012"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:work"

# A Task on an activity that a worker answers with SendTaskSuccess: its place in the execution's
# history (dg, "Step Functions history events").
ACTIVITY_SUCCEEDED_HISTORY = [
    "ExecutionStarted",
    "TaskStateEntered",
    "ActivityScheduled",
    "ActivityStarted",
    "ActivitySucceeded",
    "TaskStateExited",
    "ExecutionSucceeded",
]


def make_execution(definition: dict[str, Any], data: Any, clock: Clock) -> Execution:
    return Execution(
        execution_arn=f"arn:aws:states:us-east-1:{ACCOUNT}:execution:sm:run",
        name="run",
        state_machine_arn=f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:sm",
        state_machine_name="sm",
        definition=parse_definition(json.dumps(definition)),
        role_arn=f"arn:aws:iam::{ACCOUNT}:role/r",
        input=json.dumps(data),
        type="STANDARD",
        start_date=clock.now(),
    )


async def run(
    definition: dict[str, Any],
    data: Any = None,
    handler: LambdaHandler | None = None,
    clock: FakeClock | None = None,
) -> Execution:
    clock = clock or FakeClock(START)
    tasks = TaskRegistry()
    if handler is not None:
        tasks.register_lambda(FUNCTION, handler)
    execution = make_execution(definition, {} if data is None else data, clock)
    await asyncio.wait_for(Interpreter(clock, tasks, seed=1).run(execution), timeout=10)
    return execution


def types(execution: Execution) -> list[str]:
    return [event.type for event in execution.history]


def output(execution: Execution) -> Any:
    assert execution.output is not None
    return json.loads(execution.output)


PASS_PROCESSOR = {"StartAt": "HandleItem", "States": {"HandleItem": {"Type": "Pass", "End": True}}}


def distributed(processor: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "MapState",
        "States": {
            "MapState": {
                "Type": "Map",
                "ItemProcessor": {
                    **processor,
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                },
                "End": True,
                **fields,
            }
        },
    }
