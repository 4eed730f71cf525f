"""The records the service stores and describes: executions and Distributed Map runs.

They live apart from the interpreter so that state executors can create child executions
without importing the interpreter.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from stepfunctions.language.model import StateMachineDefinition
from stepfunctions.records.history import HistoryEvent


class ExecutionStatus(StrEnum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"
    PENDING_REDRIVE = "PENDING_REDRIVE"


class MapRunStatus(StrEnum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    ABORTED = "ABORTED"


def _zero_counts() -> dict[str, int]:
    return {
        "pending": 0,
        "running": 0,
        "succeeded": 0,
        "failed": 0,
        "timedOut": 0,
        "aborted": 0,
        "total": 0,
        "resultsWritten": 0,
        "failuresNotRedrivable": 0,
        "pendingRedrive": 0,
    }


@dataclass(slots=True)
class MapRun:
    """A Distributed Map's run (DescribeMapRun / ListMapRuns).

    `item_counts` and `execution_counts` use DescribeMapRun's camelCase keys (`pending`,
    `running`, `succeeded`, `failed`, `timedOut`, `aborted`, `total`, `resultsWritten`, ...).
    """

    map_run_arn: str
    execution_arn: str
    status: MapRunStatus
    start_date: datetime
    stop_date: datetime | None
    max_concurrency: int
    tolerated_failure_percentage: float
    tolerated_failure_count: int
    item_counts: dict[str, int] = field(default_factory=_zero_counts)
    execution_counts: dict[str, int] = field(default_factory=_zero_counts)
    redrive_count: int = 0
    redrive_date: datetime | None = None
    label: str | None = None
    # The Map Run's own state machine ARN (`<machine arn>/<label>`), as ListMapRuns shows it.
    state_machine_arn: str = ""


@dataclass(slots=True)
class Execution:
    """The mutable record of one execution, as the service stores and describes it.

    A Distributed Map's child executions are Executions too, with `parent_map_run_arn` set.
    """

    execution_arn: str
    name: str
    state_machine_arn: str
    state_machine_name: str
    definition: StateMachineDefinition
    role_arn: str
    input: str  # JSON text
    type: str  # "STANDARD" | "EXPRESS"
    start_date: datetime
    status: ExecutionStatus = ExecutionStatus.RUNNING
    stop_date: datetime | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    history: list[HistoryEvent] = field(default_factory=list)
    map_runs: list[MapRun] = field(default_factory=list)
    redrive_count: int = 0
    redrive_date: datetime | None = None
    state_machine_version_arn: str | None = None
    state_machine_alias_arn: str | None = None
    parent_map_run_arn: str | None = None
    trace_header: str | None = None
    # Where a redrive resumes: the state that failed the execution and its input, or None.
    redrive_state: str | None = None
    redrive_input: Any = None
    # The outputs of the branches / iterations that succeeded in that state when it is a
    # Parallel or Map: a redrive runs only the others (API reference, RedriveExecution).
    redrive_partial: dict[int, Any] = field(default_factory=dict)
    # DeleteStateMachine: the execution ends at its next state transition.
    terminating: bool = False
    # Set while `run` drives the execution; `stop` cancels it.
    _task: asyncio.Task[None] | None = field(default=None, repr=False)
    _child_executions: list[Execution] = field(default_factory=list, repr=False)

    @property
    def child_executions(self) -> list[Execution]:
        """The child executions of this execution's Distributed Map runs, in start order."""
        return self._child_executions
