"""The service's dependencies: what every operation reads (clock, tasks, store, interpreter)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from stepfunctions.records.execution import Execution
from stepfunctions.records.execution_log import ExecutionLogSink
from stepfunctions.runtime.clock import Clock
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.store.protocol import Store

Spawn = Callable[[Coroutine[Any, Any, None]], None]
"""Runs a coroutine in the service's TaskGroup (an execution that outlives its request)."""


class ExecutionObserver(Protocol):
    """Told when an execution starts and when it ends (the server's metrics)."""

    def started(self, execution: Execution) -> None: ...

    def finished(self, execution: Execution) -> None: ...


@dataclass(frozen=True, slots=True)
class ServiceDependencies:
    """Built once by `StepFunctionsService`; every operation gets them as `deps`."""

    clock: Clock
    tasks: TaskRegistry
    store: Store
    interpreter: Interpreter
    region: str
    account_id: str
    spawn: Spawn
    # Where executions of machines with a `loggingConfiguration` write their events.
    execution_log: ExecutionLogSink | None = None
    execution_observer: ExecutionObserver | None = None

    def arn(self, resource: str) -> str:
        """`arn:aws:states:<region>:<account>:<resource>`."""
        return f"arn:aws:states:{self.region}:{self.account_id}:{resource}"
