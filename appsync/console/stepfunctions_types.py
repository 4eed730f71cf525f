"""The console API's Step Functions types: the AWS JSON API's own request and response members
(API reference 2016-11-23), spelled as the wire spells them, with timestamps as epoch seconds.

Each output type is filled from the engine's wire answer by `from_wire`, which keeps the members
the type declares and turns enum members' strings into the enums. History event details are
AWS's details objects, carried as the JSON scalar.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

import strawberry
from strawberry.scalars import JSON

T = TypeVar("T")


def from_wire(cls: type[T], wire: Mapping[str, Any]) -> T:
    """An output type from a wire object: the members `cls` declares, absent ones left out."""
    kind: type = cls
    enums = _enum_members(kind)
    values = {}
    for name in _member_names(kind):
        if name in wire:
            value = wire[name]
            enum = enums.get(name)
            values[name] = value if enum is None or value is None else enum(value)
    return cls(**values)


@functools.cache
def _member_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


@functools.cache
def _enum_members(cls: type) -> dict[str, type[Enum]]:
    """The members of `cls` whose type is an enum (alone or with None)."""
    found: dict[str, type[Enum]] = {}
    for name, hint in typing.get_type_hints(cls).items():
        options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        for option in options:
            if isinstance(option, type) and issubclass(option, Enum):
                found[name] = option
    return found


def to_wire(request: object) -> dict[str, Any]:
    """An input's members as the JSON API takes them: enums by value, unset members left out."""
    wire: dict[str, Any] = {}
    for field in dataclasses.fields(request):  # type: ignore[arg-type]
        value = getattr(request, field.name)
        if value is None or value is strawberry.UNSET:
            continue
        wire[field.name] = value.value if isinstance(value, Enum) else value
    return wire


@strawberry.enum
class StateMachineType(Enum):
    STANDARD = "STANDARD"
    EXPRESS = "EXPRESS"


@strawberry.enum
class StateMachineStatus(Enum):
    ACTIVE = "ACTIVE"
    DELETING = "DELETING"


@strawberry.enum
class ExecutionStatus(Enum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"
    PENDING_REDRIVE = "PENDING_REDRIVE"


@strawberry.enum
class ExecutionRedriveStatus(Enum):
    REDRIVABLE = "REDRIVABLE"
    NOT_REDRIVABLE = "NOT_REDRIVABLE"
    REDRIVABLE_BY_MAP_RUN = "REDRIVABLE_BY_MAP_RUN"


# --- Inputs: the operations' request members -------------------------------------------------


@strawberry.input
class ListStateMachinesInput:
    maxResults: int | None = None
    nextToken: str | None = None


@strawberry.input
class DescribeStateMachineInput:
    stateMachineArn: str


@strawberry.input
class ListStateMachineVersionsInput:
    stateMachineArn: str
    maxResults: int | None = None
    nextToken: str | None = None


@strawberry.input
class ListStateMachineAliasesInput:
    stateMachineArn: str
    maxResults: int | None = None
    nextToken: str | None = None


@strawberry.input
class ListExecutionsInput:
    stateMachineArn: str
    statusFilter: ExecutionStatus | None = None
    maxResults: int | None = None
    nextToken: str | None = None


@strawberry.input
class DescribeExecutionInput:
    executionArn: str


@strawberry.input
class DescribeStateMachineForExecutionInput:
    executionArn: str


@strawberry.input(
    description="Without nextToken and maxResults, getExecutionHistory reads every page and "
    "returns every event."
)
class GetExecutionHistoryInput:
    executionArn: str
    maxResults: int | None = None
    reverseOrder: bool | None = None
    nextToken: str | None = None
    includeExecutionData: bool | None = None


@strawberry.input
class StartExecutionInput:
    stateMachineArn: str
    name: str | None = None
    input: str | None = None
    traceHeader: str | None = None


@strawberry.input
class StopExecutionInput:
    executionArn: str
    error: str | None = None
    cause: str | None = None


@strawberry.input
class RedriveExecutionInput:
    executionArn: str
    clientToken: str | None = None


# --- Outputs: the operations' response members -----------------------------------------------


@strawberry.type
class StateMachineListItem:
    stateMachineArn: str
    name: str
    type: StateMachineType
    creationDate: float


@strawberry.type
class ListStateMachinesOutput:
    stateMachines: list[StateMachineListItem]
    nextToken: str | None = None


@strawberry.type
class DescribeStateMachineOutput:
    stateMachineArn: str
    name: str
    definition: str
    roleArn: str
    type: StateMachineType
    creationDate: float
    status: StateMachineStatus | None = None
    label: str | None = None
    revisionId: str | None = None
    description: str | None = None


@strawberry.type
class StateMachineVersionListItem:
    stateMachineVersionArn: str
    creationDate: float


@strawberry.type
class ListStateMachineVersionsOutput:
    stateMachineVersions: list[StateMachineVersionListItem]
    nextToken: str | None = None


@strawberry.type
class StateMachineAliasListItem:
    stateMachineAliasArn: str
    creationDate: float


@strawberry.type
class ListStateMachineAliasesOutput:
    stateMachineAliases: list[StateMachineAliasListItem]
    nextToken: str | None = None


@strawberry.type
class ExecutionListItem:
    executionArn: str
    stateMachineArn: str
    name: str
    status: ExecutionStatus
    startDate: float
    stopDate: float | None = None
    mapRunArn: str | None = None
    itemCount: int | None = None
    stateMachineVersionArn: str | None = None
    stateMachineAliasArn: str | None = None
    redriveCount: int | None = None
    redriveDate: float | None = None


@strawberry.type
class ListExecutionsOutput:
    executions: list[ExecutionListItem]
    nextToken: str | None = None


@strawberry.type
class DescribeExecutionOutput:
    executionArn: str
    stateMachineArn: str
    name: str
    status: ExecutionStatus
    startDate: float
    stopDate: float | None = None
    input: str | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    mapRunArn: str | None = None
    stateMachineVersionArn: str | None = None
    stateMachineAliasArn: str | None = None
    redriveCount: int | None = None
    redriveDate: float | None = None
    redriveStatus: ExecutionRedriveStatus | None = None
    redriveStatusReason: str | None = None


@strawberry.type
class DescribeStateMachineForExecutionOutput:
    stateMachineArn: str
    name: str
    definition: str
    roleArn: str
    updateDate: float
    mapRunArn: str | None = None
    label: str | None = None
    revisionId: str | None = None


@strawberry.type(
    description="A GetExecutionHistory event; each `*EventDetails` member is AWS's details object."
)
class HistoryEvent:
    timestamp: float
    type: str
    id: int
    previousEventId: int | None = None
    activityFailedEventDetails: JSON | None = None
    activityScheduleFailedEventDetails: JSON | None = None
    activityScheduledEventDetails: JSON | None = None
    activityStartedEventDetails: JSON | None = None
    activitySucceededEventDetails: JSON | None = None
    activityTimedOutEventDetails: JSON | None = None
    taskFailedEventDetails: JSON | None = None
    taskScheduledEventDetails: JSON | None = None
    taskStartFailedEventDetails: JSON | None = None
    taskStartedEventDetails: JSON | None = None
    taskSubmitFailedEventDetails: JSON | None = None
    taskSubmittedEventDetails: JSON | None = None
    taskSucceededEventDetails: JSON | None = None
    taskTimedOutEventDetails: JSON | None = None
    executionFailedEventDetails: JSON | None = None
    executionStartedEventDetails: JSON | None = None
    executionSucceededEventDetails: JSON | None = None
    executionAbortedEventDetails: JSON | None = None
    executionTimedOutEventDetails: JSON | None = None
    executionRedrivenEventDetails: JSON | None = None
    mapStateStartedEventDetails: JSON | None = None
    mapIterationStartedEventDetails: JSON | None = None
    mapIterationSucceededEventDetails: JSON | None = None
    mapIterationFailedEventDetails: JSON | None = None
    mapIterationAbortedEventDetails: JSON | None = None
    lambdaFunctionFailedEventDetails: JSON | None = None
    lambdaFunctionScheduleFailedEventDetails: JSON | None = None
    lambdaFunctionScheduledEventDetails: JSON | None = None
    lambdaFunctionStartFailedEventDetails: JSON | None = None
    lambdaFunctionSucceededEventDetails: JSON | None = None
    lambdaFunctionTimedOutEventDetails: JSON | None = None
    stateEnteredEventDetails: JSON | None = None
    stateExitedEventDetails: JSON | None = None
    mapRunStartedEventDetails: JSON | None = None
    mapRunFailedEventDetails: JSON | None = None
    mapRunRedrivenEventDetails: JSON | None = None
    evaluationFailedEventDetails: JSON | None = None


@strawberry.type
class GetExecutionHistoryOutput:
    events: list[HistoryEvent]
    nextToken: str | None = None


@strawberry.type
class StartExecutionOutput:
    executionArn: str
    startDate: float


@strawberry.type
class StopExecutionOutput:
    stopDate: float


@strawberry.type
class RedriveExecutionOutput:
    redriveDate: float


@strawberry.type(
    description="One execution as it changes: the history events appended since the previous "
    "update (all of them in the first), and the execution as DescribeExecution then describes it."
)
class ExecutionUpdate:
    execution: DescribeExecutionOutput
    events: list[HistoryEvent]
