"""Nested workflows: `arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]`.

The child runs on the same engine, reached through the `NestedExecutions` protocol (the service
fills it; `ServiceNestedExecutions` adapts a `StepFunctionsService`). Shapes follow AWS
recordings (localstack `test_sfn_task_service` snapshots; floci's measured nested tests):
* request-response (and `.waitForTaskToken`, whose TaskSubmitted shows it): StartExecution's
  answer in PascalCase, `{"ExecutionArn", "SdkHttpMetadata", "SdkResponseMetadata",
  "StartDate"}` with StartDate in epoch milliseconds;
* `.sync`: the child's DescribeExecution in PascalCase, keys sorted, dates in epoch milliseconds,
  `Input` and `Output` as JSON text; `.sync:2`: the same with `Input` and `Output` as JSON values.
  The start answer is recorded as TaskSubmitted first. A child that does not succeed fails the
  task with States.TaskFailed and that description as JSON text for cause;
* a refused start is `StepFunctions.<Code>Exception` (e.g. StateMachineDoesNotExistException);
* when the waiting task ends early (TimeoutSeconds, the parent stopped or timed out), the child
  is stopped with the cause AWS gives: "The Task state in AWS Step Functions execution [<parent
  ARN>] which was managing this resource was aborted".
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

from stepfunctions.errors import StatesError
from stepfunctions.integrations.base import (
    epoch_millis,
    json_headers,
    new_request_id,
    parameters_of,
    required_text,
    sdk_metadata,
)
from stepfunctions.integrations.errors import IntegrationCallError
from stepfunctions.records.execution import Execution, ExecutionStatus
from stepfunctions.runtime.service_integration import Pattern, TaskCall
from stepfunctions.service.api import StepFunctionsService

_FIELDS = frozenset({"StateMachineArn", "Input", "Name"})
_DATES = frozenset({"startDate", "stopDate", "redriveDate"})
_ABORT_CAUSE = (
    "The Task state in AWS Step Functions execution [{parent}] which was managing this "
    "resource was aborted"
)


class NestedExecutions(Protocol):
    """Starting, awaiting and stopping executions of this engine (a Task's child workflows)."""

    async def start(
        self, state_machine_arn: str, input_text: str, name: str | None
    ) -> Mapping[str, Any]:
        """StartExecution's answer (`executionArn`, `startDate` in epoch seconds).

        Raises IntegrationCallError with the API's error code when the start is refused.
        """
        ...

    async def wait(self, execution_arn: str) -> Mapping[str, Any]:
        """DescribeExecution's answer once the execution is no longer RUNNING."""
        ...

    async def stop(self, execution_arn: str, error: str | None, cause: str | None) -> None:
        """StopExecution; an execution that has already ended is left as it is."""
        ...


class StatesIntegration:
    """`states:startExecution` with all three patterns."""

    def __init__(self, executions: NestedExecutions) -> None:
        self._executions = executions

    def supports(self, action: str, pattern: Pattern, sdk: bool) -> bool:
        return not sdk and action == "startExecution"

    async def call(self, request: TaskCall) -> Any:
        parameters = parameters_of(request)
        for field in parameters:
            if field not in _FIELDS:
                # AWS differs: AWS refuses such a definition at creation; here the state fails.
                raise StatesError(
                    "States.Runtime", f"The field '{field}' is not supported by Step Functions"
                )
        machine = required_text(request, "StateMachineArn")
        name = parameters.get("Name")
        if name is not None and not isinstance(name, str):
            raise StatesError("States.Runtime", "The value for the field 'Name' must be a STRING")
        raw_input = parameters.get("Input")
        # A JSON value goes as its text; a string is the input text itself (the API's member
        # is a string); no Input is "{}" (API reference, StartExecution: include the braces).
        if raw_input is None:
            input_text = "{}"
        elif isinstance(raw_input, str):
            input_text = raw_input
        else:
            input_text = json.dumps(raw_input, separators=(",", ":"))
        try:
            started = await self._executions.start(machine, input_text, name)
        except IntegrationCallError as error:
            raise _start_refused(error) from error
        answer = _start_answer(started, request)
        if request.pattern not in (Pattern.SYNC, Pattern.SYNC2):
            return answer
        request.submitted(answer)
        child = str(started["executionArn"])
        try:
            described = await self._executions.wait(child)
        except asyncio.CancelledError:
            cause = _ABORT_CAUSE.format(parent=request.execution_arn)
            await asyncio.shield(self._executions.stop(child, None, cause))
            raise
        envelope = _envelope(described, as_values=request.pattern is Pattern.SYNC2)
        if described.get("status") != "SUCCEEDED":
            raise StatesError(
                "States.TaskFailed", json.dumps(envelope, separators=(",", ":")), prefixed=True
            )
        return envelope


def _start_refused(error: IntegrationCallError) -> StatesError:
    code = error.code if error.code.endswith("Exception") else f"{error.code}Exception"
    cause = (
        f"{error.message} (Service: AWSStepFunctions; Status Code: {error.status}; Error Code: "
        f"{error.code}; Request ID: {error.request_id}; Proxy: null)"
    )
    return StatesError(f"StepFunctions.{code}", cause, prefixed=True)


def _start_answer(started: Mapping[str, Any], request: TaskCall) -> dict[str, Any]:
    body = {
        "executionArn": started["executionArn"],
        "startDate": started.get("startDate"),
    }
    request_id = new_request_id()
    answer: dict[str, Any] = {
        "ExecutionArn": started["executionArn"],
        "StartDate": epoch_millis(started.get("startDate")),
    }
    answer.update(
        sdk_metadata(json_headers(request.clock.now(), body, request_id), 200, request_id)
    )
    return dict(sorted(answer.items()))


def _envelope(described: Mapping[str, Any], *, as_values: bool) -> dict[str, Any]:
    """DescribeExecution as `.sync` (JSON text) or `.sync:2` (JSON values) reports it."""
    envelope: dict[str, Any] = {}
    for key, value in described.items():
        if value is None:
            continue
        if key in _DATES:
            value = epoch_millis(value)
        elif key in ("inputDetails", "outputDetails") and isinstance(value, Mapping):
            value = {_pascal(inner): item for inner, item in value.items()}
        elif as_values and key in ("input", "output") and isinstance(value, str):
            value = json.loads(value)
        envelope[_pascal(key)] = value
    return dict(sorted(envelope.items()))


def _pascal(key: str) -> str:
    return key[:1].upper() + key[1:]


class ServiceNestedExecutions:
    """`NestedExecutions` over a `StepFunctionsService` (the same engine and store)."""

    def __init__(self, service: StepFunctionsService) -> None:
        self._service = service

    async def start(
        self, state_machine_arn: str, input_text: str, name: str | None
    ) -> Mapping[str, Any]:
        body: dict[str, Any] = {"stateMachineArn": state_machine_arn, "input": input_text}
        if name is not None:
            body["name"] = name
        return await self._call("StartExecution", body)

    async def wait(self, execution_arn: str) -> Mapping[str, Any]:
        service = self._service
        express = ":express:" in execution_arn
        while True:
            execution = service.store.execution(execution_arn)
            if express:
                # DescribeExecution refuses Express ARNs; the engine's record says the same.
                if execution is None:
                    raise IntegrationCallError(
                        "ExecutionDoesNotExist",
                        f"Execution Does Not Exist: '{execution_arn}'",
                        400,
                        new_request_id(),
                    )
                if execution.status is not ExecutionStatus.RUNNING:
                    return _express_description(execution)
            else:
                described = await self._call("DescribeExecution", {"executionArn": execution_arn})
                if described.get("status") != "RUNNING":
                    return described
            running = execution._task if execution is not None else None
            if running is not None and not running.done():
                # Woken when the child's run ends; its status is final a step later.
                await asyncio.wait({running})
            elif running is not None:
                await asyncio.sleep(0)
            else:
                # Not started yet (or just finishing): look again a second later.
                clock = service.clock
                await clock.sleep_until(clock.now() + timedelta(seconds=1))

    async def stop(self, execution_arn: str, error: str | None, cause: str | None) -> None:
        body: dict[str, Any] = {"executionArn": execution_arn}
        if error is not None:
            body["error"] = error
        if cause is not None:
            body["cause"] = cause
        await self._call("StopExecution", body)

    async def _call(self, operation: str, body: Mapping[str, Any]) -> dict[str, Any]:
        status, answer = await self._service.handle(operation, json.dumps(body).encode())
        if status != 200:
            raise IntegrationCallError(
                str(answer.get("__type", "")),
                str(answer.get("message", "")),
                status,
                new_request_id(),
            )
        return answer


def _express_description(execution: Execution) -> dict[str, Any]:
    """An Express execution's outcome in DescribeExecution's shape (epoch-second dates)."""
    described: dict[str, Any] = {
        "executionArn": execution.execution_arn,
        "stateMachineArn": execution.state_machine_arn,
        "name": execution.name,
        "status": execution.status.value,
        "startDate": execution.start_date.timestamp(),
        "input": execution.input,
        "inputDetails": {"included": True},
    }
    if execution.stop_date is not None:
        described["stopDate"] = execution.stop_date.timestamp()
    if execution.output is not None:
        described["output"] = execution.output
        described["outputDetails"] = {"included": True}
    if execution.error is not None:
        described["error"] = execution.error
    if execution.cause is not None:
        described["cause"] = execution.cause
    return described
