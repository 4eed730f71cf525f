"""The `Store` protocol: what the service needs from storage.

`memory.MemoryStore` keeps everything in memory with a bounded number of finished executions;
`sqlite.SqliteStore` writes Standard executions, their history and open task tokens through to
SQLite behind the same protocol, so they resume after a restart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from stepfunctions.records.activities import Activity
from stepfunctions.records.execution import Execution, MapRun
from stepfunctions.records.machines import StateMachine
from stepfunctions.records.tokens import TokenJournal


class Store(Protocol):
    """What the service needs from storage."""

    def put_machine(self, machine: StateMachine) -> None: ...

    def machine(self, arn: str) -> StateMachine | None: ...

    def delete_machine(self, arn: str) -> None: ...

    def machines(self) -> Iterable[StateMachine]: ...

    def put_execution(self, execution: Execution) -> None: ...

    def execution(self, arn: str) -> Execution | None: ...

    def executions(self, machine_arn: str) -> Iterator[Execution]:
        """The executions of one state machine (or version/alias), newest first."""
        ...

    def execution_finished(self, execution: Execution) -> None:
        """Count a finished execution against the retention bound."""
        ...

    def map_run(self, arn: str) -> tuple[Execution, MapRun] | None:
        """A map run and the execution that ran it."""
        ...

    def put_activity(self, activity: Activity) -> None: ...

    def activity(self, arn: str) -> Activity | None: ...

    def delete_activity(self, arn: str) -> None: ...

    def activities(self) -> Iterable[Activity]: ...

    def tags(self, resource_arn: str) -> dict[str, str] | None:
        """The tag map of a taggable resource (state machine or activity), or None."""
        ...

    def commit(self) -> None:
        """Persist machines and activities changed in place by an operation (no-op in memory)."""
        ...

    def flush(self) -> None:
        """Write the execution records and history events changed so far, before the operation
        that changed them answers (no-op in memory)."""
        ...

    def resumable(self) -> list[Execution]:
        """Standard executions left RUNNING by an earlier process, to resume at start."""
        ...

    def token_journal(self) -> TokenJournal | None:
        """Where open task tokens are journaled, when the store outlives the process."""
        ...

    def clear(self) -> None:
        """Forget every machine, activity and execution (a test's reset); nothing may be
        running."""
        ...
