"""The console API's Step Functions fields: one root field per AWS API operation, named as the
AWS SDK for JavaScript names it, answered by the embedded engine's service layer (the operations
behind its AWS JSON API, in process), with AWS's own answers and error codes.

Live views: the engine keeps no change feed, so a subscription reads the engine again every
`poll_seconds` while someone watches (nothing runs when no one does). `onExecutionUpdated`
sends the whole history first and then the events appended since, and ends after the update
whose execution is no longer RUNNING; `onExecutionsChanged` sends each execution among the
machine's newest 100 whose status or redrive count changed, or that appeared.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from appsync.console.context import ConsoleInfo, ConsoleServices
from appsync.console.schema import SchemaPart
from appsync.console.stepfunctions_types import (
    DescribeExecutionInput,
    DescribeExecutionOutput,
    DescribeStateMachineForExecutionInput,
    DescribeStateMachineForExecutionOutput,
    DescribeStateMachineInput,
    DescribeStateMachineOutput,
    ExecutionListItem,
    ExecutionUpdate,
    GetExecutionHistoryInput,
    GetExecutionHistoryOutput,
    HistoryEvent,
    ListExecutionsInput,
    ListExecutionsOutput,
    ListStateMachineAliasesInput,
    ListStateMachineAliasesOutput,
    ListStateMachinesInput,
    ListStateMachinesOutput,
    ListStateMachineVersionsInput,
    ListStateMachineVersionsOutput,
    RedriveExecutionInput,
    RedriveExecutionOutput,
    StartExecutionInput,
    StartExecutionOutput,
    StateMachineAliasListItem,
    StateMachineListItem,
    StateMachineVersionListItem,
    StopExecutionInput,
    StopExecutionOutput,
    from_wire,
    to_wire,
)

# GetExecutionHistory's largest page.
_MAX_PAGE = 1000
# The executions `onExecutionsChanged` watches: ListExecutions' default page, newest first.
_WATCHED = 100


def _services(info: ConsoleInfo) -> ConsoleServices:
    return info.context.services


@strawberry.type
class StepFunctionsQuery:
    @strawberry.field
    async def listStateMachines(
        self, info: ConsoleInfo, input: ListStateMachinesInput
    ) -> ListStateMachinesOutput:
        wire = await _services(info).states("ListStateMachines", to_wire(input))
        return ListStateMachinesOutput(
            stateMachines=[from_wire(StateMachineListItem, m) for m in wire["stateMachines"]],
            nextToken=wire.get("nextToken"),
        )

    @strawberry.field
    async def describeStateMachine(
        self, info: ConsoleInfo, input: DescribeStateMachineInput
    ) -> DescribeStateMachineOutput:
        wire = await _services(info).states("DescribeStateMachine", to_wire(input))
        return from_wire(DescribeStateMachineOutput, wire)

    @strawberry.field
    async def listStateMachineVersions(
        self, info: ConsoleInfo, input: ListStateMachineVersionsInput
    ) -> ListStateMachineVersionsOutput:
        wire = await _services(info).states("ListStateMachineVersions", to_wire(input))
        return ListStateMachineVersionsOutput(
            stateMachineVersions=[
                from_wire(StateMachineVersionListItem, v) for v in wire["stateMachineVersions"]
            ],
            nextToken=wire.get("nextToken"),
        )

    @strawberry.field
    async def listStateMachineAliases(
        self, info: ConsoleInfo, input: ListStateMachineAliasesInput
    ) -> ListStateMachineAliasesOutput:
        wire = await _services(info).states("ListStateMachineAliases", to_wire(input))
        return ListStateMachineAliasesOutput(
            stateMachineAliases=[
                from_wire(StateMachineAliasListItem, a) for a in wire["stateMachineAliases"]
            ],
            nextToken=wire.get("nextToken"),
        )

    @strawberry.field
    async def listExecutions(
        self, info: ConsoleInfo, input: ListExecutionsInput
    ) -> ListExecutionsOutput:
        wire = await _services(info).states("ListExecutions", to_wire(input))
        return ListExecutionsOutput(
            executions=[from_wire(ExecutionListItem, e) for e in wire["executions"]],
            nextToken=wire.get("nextToken"),
        )

    @strawberry.field
    async def describeExecution(
        self, info: ConsoleInfo, input: DescribeExecutionInput
    ) -> DescribeExecutionOutput:
        wire = await _services(info).states("DescribeExecution", to_wire(input))
        return from_wire(DescribeExecutionOutput, wire)

    @strawberry.field
    async def describeStateMachineForExecution(
        self, info: ConsoleInfo, input: DescribeStateMachineForExecutionInput
    ) -> DescribeStateMachineForExecutionOutput:
        wire = await _services(info).states("DescribeStateMachineForExecution", to_wire(input))
        return from_wire(DescribeStateMachineForExecutionOutput, wire)

    @strawberry.field
    async def getExecutionHistory(
        self, info: ConsoleInfo, input: GetExecutionHistoryInput
    ) -> GetExecutionHistoryOutput:
        request = to_wire(input)
        services = _services(info)
        if input.nextToken is not None or input.maxResults is not None:
            wire = await services.states("GetExecutionHistory", request)
            return GetExecutionHistoryOutput(
                events=[from_wire(HistoryEvent, e) for e in wire["events"]],
                nextToken=wire.get("nextToken"),
            )
        return GetExecutionHistoryOutput(events=await _whole_history(services, request))


@strawberry.type
class StepFunctionsMutation:
    @strawberry.mutation
    async def startExecution(
        self, info: ConsoleInfo, input: StartExecutionInput
    ) -> StartExecutionOutput:
        wire = await _services(info).states("StartExecution", to_wire(input))
        return from_wire(StartExecutionOutput, wire)

    @strawberry.mutation
    async def stopExecution(
        self, info: ConsoleInfo, input: StopExecutionInput
    ) -> StopExecutionOutput:
        wire = await _services(info).states("StopExecution", to_wire(input))
        return from_wire(StopExecutionOutput, wire)

    @strawberry.mutation
    async def redriveExecution(
        self, info: ConsoleInfo, input: RedriveExecutionInput
    ) -> RedriveExecutionOutput:
        wire = await _services(info).states("RedriveExecution", to_wire(input))
        return from_wire(RedriveExecutionOutput, wire)


@strawberry.type
class StepFunctionsSubscription:
    @strawberry.subscription
    async def onExecutionsChanged(
        self, info: ConsoleInfo, stateMachineArn: str
    ) -> AsyncGenerator[ExecutionListItem, None]:
        services = _services(info)
        request = {"stateMachineArn": stateMachineArn, "maxResults": _WATCHED}
        seen = {
            _change(e) for e in (await services.states("ListExecutions", request))["executions"]
        }
        while True:
            await asyncio.sleep(services.poll_seconds)
            listed = (await services.states("ListExecutions", request))["executions"]
            changed = [e for e in reversed(listed) if _change(e) not in seen]
            seen = {_change(e) for e in listed}
            for execution in changed:
                yield from_wire(ExecutionListItem, execution)

    @strawberry.subscription
    async def onExecutionUpdated(
        self, info: ConsoleInfo, executionArn: str
    ) -> AsyncGenerator[ExecutionUpdate, None]:
        services = _services(info)
        request = {"executionArn": executionArn}
        last_id = 0
        status: str | None = None
        while True:
            # DescribeExecution first: the history read after it holds at least the events
            # that led to the status it gives, so the last update carries the last event.
            described = await services.states("DescribeExecution", request)
            events = await _events_after(services, executionArn, last_id)
            if events or described["status"] != status:
                yield ExecutionUpdate(
                    execution=from_wire(DescribeExecutionOutput, described),
                    events=[from_wire(HistoryEvent, e) for e in events],
                )
            last_id = events[-1]["id"] if events else last_id
            status = described["status"]
            if status != "RUNNING":
                return
            await asyncio.sleep(services.poll_seconds)


def _change(execution: dict[str, Any]) -> tuple[str, str, int]:
    """What makes an execution's list item news: its status, and each redrive."""
    return execution["executionArn"], execution["status"], execution.get("redriveCount", 0)


async def _whole_history(services: ConsoleServices, request: dict[str, Any]) -> list[HistoryEvent]:
    events: list[HistoryEvent] = []
    page: dict[str, Any] = {**request, "maxResults": _MAX_PAGE}
    while True:
        wire = await services.states("GetExecutionHistory", page)
        events.extend(from_wire(HistoryEvent, e) for e in wire["events"])
        token = wire.get("nextToken")
        if token is None:
            return events
        page = {**page, "nextToken": token}


async def _events_after(
    services: ConsoleServices, execution_arn: str, last_id: int
) -> list[dict[str, Any]]:
    """The history events after `last_id`, oldest first, read newest first until reached."""
    newer: list[dict[str, Any]] = []
    page: dict[str, Any] = {
        "executionArn": execution_arn,
        "reverseOrder": True,
        "maxResults": _MAX_PAGE,
        "includeExecutionData": True,
    }
    while True:
        wire = await services.states("GetExecutionHistory", page)
        for event in wire["events"]:
            if event["id"] <= last_id:
                return newer[::-1]
            newer.append(event)
        token = wire.get("nextToken")
        if token is None:
            return newer[::-1]
        page = {**page, "nextToken": token}


STEP_FUNCTIONS = SchemaPart(StepFunctionsQuery, StepFunctionsMutation, StepFunctionsSubscription)
