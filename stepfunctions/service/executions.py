"""Executions, their history and map runs: StartExecution, StartSyncExecution, Describe/List/Stop,
RedriveExecution, GetExecutionHistory, DescribeStateMachineForExecution and the map-run APIs.

Shapes and texts follow the API reference. Standard executions are idempotent by name: the same
name and input while RUNNING returns the running execution, anything else is
ExecutionAlreadyExists. Express executions are not describable (the ARN's resource type `express`
is "not valid in this context") and StartSyncExecution is for Express machines only.
"""

from __future__ import annotations

import asyncio
import json
import math
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from stepfunctions.records.execution import Execution, ExecutionStatus, MapRun
from stepfunctions.records.execution_log import LoggedHistory, logs_anything
from stepfunctions.records.history import HistoryEvent
from stepfunctions.records.machines import StateMachine, StateMachineVersion
from stepfunctions.service.aliases import pick_version
from stepfunctions.service.dependencies import ServiceDependencies
from stepfunctions.service.errors import ApiError
from stepfunctions.service.machines import (
    Operation,
    check_not_deleting,
    forget_if_deleted,
    machine_not_found,
)
from stepfunctions.service.requests import (
    Request,
    arn_of_type,
    check_name,
    check_sensitive_size,
    paginate,
    validation_error,
)

MAX_PAYLOAD_BYTES = 262_144
_STATUSES = tuple(status.value for status in ExecutionStatus)
_CLOSED_REDRIVABLE = (ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED)
# Executions that stopped in the last 14 days can be redriven (API reference: RedriveExecution).
REDRIVABLE_PERIOD = timedelta(days=14)


def execution_not_found(arn: str) -> ApiError:
    return ApiError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")


def _input_text(request: Request) -> str:
    text = request.optional_text("input")
    if text is None:
        return "{}"
    check_sensitive_size(text, "input", MAX_PAYLOAD_BYTES)
    try:
        json.loads(text)
    except ValueError as exc:
        # AWS differs: AWS quotes its Jackson parser's message; ours is Python's json error.
        raise ApiError(
            "InvalidExecutionInput", f"Invalid State Machine Execution Input: '{exc}'"
        ) from None
    return text


def _target(
    deps: ServiceDependencies, text: str
) -> tuple[StateMachine, StateMachineVersion | None, str | None]:
    """The machine a start targets: unqualified, a version (`:N`) or an alias (`:name`)."""
    arn = arn_of_type(text, "stateMachine")
    machine = deps.store.machine(":".join(text.split(":")[:7]))
    if machine is None or len(arn.parts) > 2:
        raise machine_not_found(text)
    check_not_deleting(machine)
    if len(arn.parts) == 1:
        return machine, None, None
    qualifier = arn.parts[1]
    if qualifier.isdigit():
        version = machine.versions.get(int(qualifier))
        if version is None:
            raise machine_not_found(text)
        return machine, version, None
    alias = machine.aliases.get(qualifier)
    if alias is None:
        raise machine_not_found(text)
    return machine, pick_version(alias, machine), alias.arn


def _new_execution(
    deps: ServiceDependencies, request: Request
) -> tuple[Execution, Execution | None]:
    """The execution a start request asks for, and an existing one under the same ARN."""
    machine, version, alias_arn = _target(deps, request.text("stateMachineArn"))
    name = check_name(request.optional_text("name") or str(uuid.uuid4()))
    text = _input_text(request)
    machine_type = version.type if version is not None else machine.type
    if machine_type == "EXPRESS":
        arn = deps.arn(f"express:{machine.name}:{name}:{uuid.uuid4()}")
    else:
        arn = deps.arn(f"execution:{machine.name}:{name}")
    execution = Execution(
        execution_arn=arn,
        name=name,
        state_machine_arn=machine.arn,
        state_machine_name=machine.name,
        definition=version.definition if version is not None else machine.definition,
        role_arn=version.role_arn if version is not None else machine.role_arn,
        input=text,
        type=machine_type,
        start_date=deps.clock.now(),
        state_machine_version_arn=version.arn if version is not None else None,
        state_machine_alias_arn=alias_arn,
        trace_header=request.optional_text("traceHeader"),
    )
    logging = (
        version.logging_configuration if version is not None else machine.logging_configuration
    )
    if deps.execution_log is not None and logs_anything(logging):
        execution.history = LoggedHistory(arn, logging, deps.execution_log)
    return execution, deps.store.execution(arn)


async def _run(
    deps: ServiceDependencies, execution: Execution, done: asyncio.Event | None = None
) -> None:
    observer = deps.execution_observer
    if observer is not None:
        observer.started(execution)
    try:
        await deps.interpreter.run(execution)
    finally:
        deps.store.execution_finished(execution)
        if observer is not None:
            observer.finished(execution)
        forget_if_deleted(deps, execution.state_machine_arn)
        if done is not None:
            done.set()


async def resume_execution(deps: ServiceDependencies, execution: Execution) -> None:
    """Continue a Standard execution the store held as RUNNING when the service started."""
    machine = deps.store.machine(execution.state_machine_arn)
    execution.terminating = machine is not None and machine.status == "DELETING"
    try:
        await deps.interpreter.resume(execution)
    finally:
        deps.store.execution_finished(execution)
        forget_if_deleted(deps, execution.state_machine_arn)


async def start_execution(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    execution, existing = _new_execution(deps, request)
    if existing is not None:
        same = existing.input == execution.input and existing.status is ExecutionStatus.RUNNING
        if existing.type == "STANDARD" and same:
            return {"executionArn": existing.execution_arn, "startDate": existing.start_date}
        raise ApiError(
            "ExecutionAlreadyExists", f"Execution Already Exists: '{existing.execution_arn}'"
        )
    deps.store.put_execution(execution)
    deps.spawn(_run(deps, execution))
    # One turn of the loop records ExecutionStarted before the answer, so a GetExecutionHistory
    # right after StartExecution sees it, as on AWS.
    await asyncio.sleep(0)
    return {"executionArn": execution.execution_arn, "startDate": execution.start_date}


async def start_sync_execution(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    execution, _ = _new_execution(deps, request)
    if execution.type != "EXPRESS":
        raise ApiError(
            "StateMachineTypeNotSupported",
            "This operation is not supported by this type of state machine",
        )
    done = asyncio.Event()
    # The execution runs in the service's TaskGroup, so a dropped connection does not orphan it.
    deps.spawn(_run(deps, execution, done))
    await done.wait()
    stop = execution.stop_date or deps.clock.now()
    elapsed_ms = (stop - execution.start_date).total_seconds() * 1000
    response = _describe(deps, execution)
    for field in ("redriveCount", "redriveStatus", "redriveStatusReason", "redriveDate"):
        response.pop(field, None)
    # Express is billed in 100 ms increments with a 64 MB minimum.
    response["billingDetails"] = {
        "billedMemoryUsedInMB": 64,
        "billedDurationInMilliseconds": max(100, math.ceil(elapsed_ms / 100) * 100),
    }
    return response


def _execution(deps: ServiceDependencies, text: str, *, standard_only: bool = True) -> Execution:
    arn = arn_of_type(text, "execution", "express")
    if standard_only and arn.type == "express":
        raise ApiError(
            "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: express'"
        )
    execution = deps.store.execution(text)
    if execution is None:
        raise execution_not_found(text)
    return execution


def _redrive_status(deps: ServiceDependencies, execution: Execution) -> tuple[str, str | None]:
    """redriveStatus and redriveStatusReason, in the API reference's words (DescribeExecution)."""
    if execution.status not in _CLOSED_REDRIVABLE:
        return "NOT_REDRIVABLE", f"Execution is {execution.status.value} and cannot be redriven."
    machine = deps.store.machine(execution.state_machine_arn)
    if machine is None or machine.status == "DELETING":
        return "NOT_REDRIVABLE", "State machine is in DELETING status."
    stopped = execution.stop_date or execution.start_date
    if deps.clock.now() - stopped > REDRIVABLE_PERIOD:
        return "NOT_REDRIVABLE", "Execution redrivable period exceeded."
    return "REDRIVABLE", None


def _describe(deps: ServiceDependencies, execution: Execution) -> dict[str, Any]:
    status, reason = _redrive_status(deps, execution)
    response: dict[str, Any] = {
        "executionArn": execution.execution_arn,
        "stateMachineArn": execution.state_machine_arn,
        "name": execution.name,
        "status": execution.status.value,
        "startDate": execution.start_date,
        "stopDate": execution.stop_date,
        "input": execution.input,
        "inputDetails": {"included": True},
        "output": execution.output,
        "outputDetails": {"included": True} if execution.output is not None else None,
        "error": execution.error,
        "cause": execution.cause,
        "traceHeader": execution.trace_header,
        "mapRunArn": execution.parent_map_run_arn,
        "stateMachineVersionArn": execution.state_machine_version_arn,
        "stateMachineAliasArn": execution.state_machine_alias_arn,
        "redriveCount": execution.redrive_count,
        "redriveDate": execution.redrive_date,
        "redriveStatus": status,
        "redriveStatusReason": reason,
    }
    return response


async def describe_execution(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    return _describe(deps, _execution(deps, request.text("executionArn")))


def _list_item(execution: Execution) -> dict[str, Any]:
    return {
        "executionArn": execution.execution_arn,
        "stateMachineArn": execution.state_machine_arn,
        "name": execution.name,
        "status": execution.status.value,
        "startDate": execution.start_date,
        "stopDate": execution.stop_date,
        "mapRunArn": execution.parent_map_run_arn,
        "stateMachineVersionArn": execution.state_machine_version_arn,
        "stateMachineAliasArn": execution.state_machine_alias_arn,
        "redriveCount": execution.redrive_count,
        "redriveDate": execution.redrive_date,
    }


async def list_executions(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    status_filter = request.optional_text("statusFilter")
    if status_filter is not None and status_filter not in _STATUSES:
        raise validation_error(
            status_filter,
            "statusFilter",
            f"Member must satisfy enum value set: [{', '.join(_STATUSES)}]",
        )
    redrive_filter = request.optional_text("redriveFilter")
    size = request.page_size()
    machine_text = request.optional_text("stateMachineArn")
    map_run_text = request.optional_text("mapRunArn")
    candidates: list[Execution]
    if map_run_text is not None:
        arn_of_type(map_run_text, "mapRun")
        found = deps.store.map_run(map_run_text)
        if found is None:
            raise ApiError("ResourceNotFound", f"Resource not found: '{map_run_text}'")
        owner, _ = found
        children = owner._child_executions
        candidates = [c for c in reversed(children) if c.parent_map_run_arn == map_run_text]
    elif machine_text is not None:
        arn = arn_of_type(machine_text, "stateMachine")
        machine = deps.store.machine(":".join(machine_text.split(":")[:7]))
        if machine is None:
            raise machine_not_found(machine_text)
        if machine.type != "STANDARD":
            raise ApiError(
                "StateMachineTypeNotSupported",
                "This operation is not supported by this type of state machine",
            )
        candidates = list(deps.store.executions(machine.arn))
        if len(arn.parts) == 2:
            candidates = [
                e
                for e in candidates
                if machine_text in (e.state_machine_version_arn, e.state_machine_alias_arn)
            ]
    else:
        raise ApiError("ValidationException", "Must provide a StateMachine ARN or MapRun ARN")
    if status_filter is not None:
        candidates = [e for e in candidates if e.status.value == status_filter]
    if redrive_filter == "REDRIVEN":
        candidates = [e for e in candidates if e.redrive_count > 0]
    elif redrive_filter == "NOT_REDRIVEN":
        candidates = [e for e in candidates if e.redrive_count == 0]
    page, token = paginate(
        candidates, lambda e: e.execution_arn, size, request.optional_text("nextToken")
    )
    return {"executions": [_list_item(e) for e in page], "nextToken": token}


async def stop_execution(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    execution = _execution(deps, request.text("executionArn"))
    if execution.status is ExecutionStatus.RUNNING:
        deps.interpreter.stop(
            execution, request.optional_text("error"), request.optional_text("cause")
        )
    return {"stopDate": execution.stop_date or deps.clock.now()}


async def get_execution_history(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    execution = _execution(deps, request.text("executionArn"))
    include = request.flag("includeExecutionData", default=True)
    events: Sequence[HistoryEvent] = execution.history
    if request.flag("reverseOrder"):
        events = events[::-1]
    page, token = paginate(
        events, lambda e: str(e.id), request.page_size(), request.optional_text("nextToken")
    )
    return {"events": [event.to_wire(include) for event in page], "nextToken": token}


async def describe_state_machine_for_execution(
    deps: ServiceDependencies, request: Request
) -> dict[str, Any]:
    execution = _execution(deps, request.text("executionArn"), standard_only=False)
    machine = deps.store.machine(execution.state_machine_arn)
    definition_text = json.dumps(execution.definition.raw)
    revision_id = None
    if machine is not None:
        version = machine.versions.get(_version_number(execution.state_machine_version_arn))
        if version is not None and version.definition is execution.definition:
            definition_text, revision_id = version.definition_text, version.revision_id
        elif machine.definition is execution.definition:
            definition_text, revision_id = machine.definition_text, machine.revision_id
    return {
        "stateMachineArn": execution.state_machine_version_arn or execution.state_machine_arn,
        "name": execution.state_machine_name,
        "definition": definition_text,
        "roleArn": execution.role_arn,
        "updateDate": (machine.update_date or machine.creation_date)
        if machine
        else execution.start_date,
        "loggingConfiguration": machine.logging_configuration if machine else None,
        "tracingConfiguration": machine.tracing_configuration if machine else None,
        "mapRunArn": execution.parent_map_run_arn,
        "revisionId": revision_id,
        "encryptionConfiguration": {"type": "AWS_OWNED_KEY"},
    }


def _version_number(version_arn: str | None) -> int:
    return int(version_arn.rsplit(":", 1)[1]) if version_arn else 0


async def redrive_execution(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    execution = _execution(deps, request.text("executionArn"))
    status, reason = _redrive_status(deps, execution)
    if status != "REDRIVABLE":
        raise ApiError("ExecutionNotRedrivable", reason or "Execution cannot be redriven")
    deps.store.put_execution(execution)

    async def redrive() -> None:
        try:
            await deps.interpreter.redrive(execution)
        finally:
            deps.store.execution_finished(execution)
            forget_if_deleted(deps, execution.state_machine_arn)

    deps.spawn(redrive())
    # One turn of the loop lets the redrive start (status RUNNING, redriveDate set) before the
    # answer, as AWS's DescribeExecution right after RedriveExecution shows it running.
    await asyncio.sleep(0)
    return {"redriveDate": execution.redrive_date or deps.clock.now()}


def _map_run(deps: ServiceDependencies, text: str) -> tuple[Execution, MapRun]:
    arn_of_type(text, "mapRun")
    found = deps.store.map_run(text)
    if found is None:
        raise ApiError("ResourceNotFound", f"Resource not found: '{text}'")
    return found


def _map_run_machine_arn(map_run_arn: str) -> str:
    """`...:mapRun:<machine>/<label>:<id>` -> `...:stateMachine:<machine>/<label>`."""
    head, _, _ = map_run_arn.rpartition(":")
    return head.replace(":mapRun:", ":stateMachine:", 1)


async def describe_map_run(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    _, run = _map_run(deps, request.text("mapRunArn"))
    return {
        "mapRunArn": run.map_run_arn,
        "executionArn": run.execution_arn,
        "status": run.status.value,
        "startDate": run.start_date,
        "stopDate": run.stop_date,
        "maxConcurrency": run.max_concurrency,
        "toleratedFailurePercentage": run.tolerated_failure_percentage,
        "toleratedFailureCount": run.tolerated_failure_count,
        "itemCounts": dict(run.item_counts),
        "executionCounts": dict(run.execution_counts),
        "redriveCount": run.redrive_count,
        "redriveDate": run.redrive_date,
    }


async def list_map_runs(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    execution = _execution(deps, request.text("executionArn"))
    runs = list(execution.map_runs)
    page, token = paginate(
        runs, lambda r: r.map_run_arn, request.page_size(), request.optional_text("nextToken")
    )
    items = [
        {
            "executionArn": r.execution_arn,
            "mapRunArn": r.map_run_arn,
            "stateMachineArn": _map_run_machine_arn(r.map_run_arn),
            "startDate": r.start_date,
            "stopDate": r.stop_date,
        }
        for r in page
    ]
    return {"mapRuns": items, "nextToken": token}


async def update_map_run(deps: ServiceDependencies, request: Request) -> dict[str, Any]:
    _, run = _map_run(deps, request.text("mapRunArn"))
    concurrency = request.integer("maxConcurrency")
    count = request.integer("toleratedFailureCount")
    percentage = request.body.get("toleratedFailurePercentage")
    if concurrency is None and count is None and percentage is None:
        raise ApiError(
            "ValidationException",
            "At least one of the parameters maxConcurrency, toleratedFailurePercentage or "
            "toleratedFailureCount must be specified",
        )
    if concurrency is not None:
        run.max_concurrency = concurrency
    if count is not None:
        run.tolerated_failure_count = count
    if isinstance(percentage, int | float) and not isinstance(percentage, bool):
        if not 0 <= percentage <= 100:
            raise validation_error(
                percentage,
                "toleratedFailurePercentage",
                "Member must have value less than or equal to 100",
            )
        run.tolerated_failure_percentage = float(percentage)
    return {}


OPERATIONS: dict[str, Operation] = {
    "StartExecution": start_execution,
    "StartSyncExecution": start_sync_execution,
    "DescribeExecution": describe_execution,
    "ListExecutions": list_executions,
    "StopExecution": stop_execution,
    "GetExecutionHistory": get_execution_history,
    "DescribeStateMachineForExecution": describe_state_machine_for_execution,
    "RedriveExecution": redrive_execution,
    "DescribeMapRun": describe_map_run,
    "ListMapRuns": list_map_runs,
    "UpdateMapRun": update_map_run,
}
