"""The Step Functions AWS JSON 1.0 API: an operation name and a JSON body in, a status and JSON out.

This is the engine's edge: the only module that renders wire errors (`{"__type", "message"}` with
AWS's HTTP status). It owns the TaskGroup in which executions run, so nothing outlives it:

    service = StepFunctionsService(clock, tasks)
    async with service.running():
        status, body = await service.handle("StartExecution", b'{"stateMachineArn": ...}')
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from stepfunctions.errors import StepFunctionsError
from stepfunctions.records.execution_log import ExecutionLogSink
from stepfunctions.runtime.clock import Clock
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.activities import OPERATIONS as ACTIVITY_OPERATIONS
from stepfunctions.service.aliases import OPERATIONS as ALIAS_OPERATIONS
from stepfunctions.service.dependencies import ExecutionObserver, ServiceDependencies
from stepfunctions.service.errors import ApiError
from stepfunctions.service.executions import OPERATIONS as EXECUTION_OPERATIONS
from stepfunctions.service.executions import resume_execution
from stepfunctions.service.machines import OPERATIONS as MACHINE_OPERATIONS
from stepfunctions.service.machines import Operation
from stepfunctions.service.requests import Request, to_wire
from stepfunctions.service.test_state_api import test_state
from stepfunctions.store.memory import MemoryStore
from stepfunctions.store.protocol import Store
from stepfunctions.store.retention import DEFAULT_RETENTION

logger = logging.getLogger(__name__)

OPERATIONS: dict[str, Operation] = {
    **MACHINE_OPERATIONS,
    **ALIAS_OPERATIONS,
    **EXECUTION_OPERATIONS,
    **ACTIVITY_OPERATIONS,
    "TestState": test_state,
}


class StepFunctionsService:
    """The AWS Step Functions API over the embedded engine."""

    def __init__(
        self,
        clock: Clock,
        tasks: TaskRegistry,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        retention: int = DEFAULT_RETENTION,
        store: Store | None = None,
        execution_log: ExecutionLogSink | None = None,
        execution_observer: ExecutionObserver | None = None,
    ) -> None:
        self.clock = clock
        self.tasks = tasks
        self.region = region
        self.account_id = account_id
        self.store: Store = store if store is not None else MemoryStore(retention)
        self.interpreter = Interpreter(clock, tasks, journal=self.store.token_journal())
        self._group: asyncio.TaskGroup | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.dependencies = ServiceDependencies(
            clock=clock,
            tasks=tasks,
            store=self.store,
            interpreter=self.interpreter,
            region=region,
            account_id=account_id,
            spawn=self._spawn,
            execution_log=execution_log,
            execution_observer=execution_observer,
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[StepFunctionsService]:
        """Run executions in a TaskGroup for the duration; running ones are cancelled on exit.

        Standard executions a persistent store holds as RUNNING (the process that ran them
        ended) continue first, from their last recorded event.
        """
        async with asyncio.TaskGroup() as group:
            self._group = group
            for execution in self.store.resumable():
                self._spawn(resume_execution(self.dependencies, execution))
            try:
                yield self
            finally:
                self._group = None
                for task in list(self._tasks):
                    task.cancel()

    def end_long_polls(self) -> None:
        """Answer the GetActivityTask long polls now (empty, as after 60 s without a task) and
        any later one at once: the server that serves this API is stopping."""
        self.interpreter.end_activity_polls()

    async def reset(self) -> None:
        """Forget every state machine, activity and execution, as a fresh engine would have
        none (a test's reset): running executions are cancelled and awaited first."""
        running = list(self._tasks)
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running)
        self.store.clear()
        self.interpreter.callbacks.clear()

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        if self._group is None:
            coroutine.close()
            raise ApiError("ServiceUnavailable", "The Step Functions engine is not running", 503)
        task = self._group.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def handle(self, operation: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """Run one API operation; returns the HTTP status and the JSON body."""
        handler = OPERATIONS.get(operation)
        if handler is None:
            return 400, _error("UnknownOperationException", f"Unknown operation {operation}")
        try:
            decoded = json.loads(body) if body.strip() else {}
        except ValueError:
            return 400, _error(
                "SerializationException", "Start of structure or map found where not expected."
            )
        if not isinstance(decoded, dict):
            return 400, _error(
                "SerializationException", "Start of structure or map found where not expected."
            )
        try:
            result = await handler(self.dependencies, Request(decoded))
        except ApiError as exc:
            return exc.status, _error(exc.code, exc.message)
        except StepFunctionsError as exc:
            logger.exception("%s failed in the engine", operation)
            return 500, _error("InternalFailure", str(exc))
        except Exception:
            # The edge answers every request in AWS's error shape, even for an engine bug.
            logger.exception("%s failed unexpectedly", operation)
            return 500, _error("InternalFailure", "An internal error occurred")
        if operation.startswith(_CHANGES):
            # Machines and activities change in place (tags, status, versions, aliases).
            self.store.commit()
        # What the operation changed of executions (a stop, a task's outcome) is written before
        # it answers, not at the end of the loop's turn: a killed process loses no answered write.
        self.store.flush()
        wire: dict[str, Any] = to_wire(result)
        return 200, wire


_CHANGES = ("Create", "Update", "Delete", "Publish", "Tag", "Untag")


def _error(code: str, message: str) -> dict[str, Any]:
    return {"__type": code, "message": message}
