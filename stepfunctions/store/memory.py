"""Where the service keeps state machines, versions, aliases, executions and map runs.

`Store` is the seam: `MemoryStore` holds everything in dicts with a bounded number of finished
executions (the oldest finished ones are dropped first), so memory stays flat however many
executions run; `store_sqlite.SqliteStore` keeps Standard executions, their history and open task
tokens in SQLite behind the same Protocol, so they resume after a restart. Running executions are
never dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from stepfunctions.language.model import StateMachineDefinition
from stepfunctions.records.execution import Execution, MapRun
from stepfunctions.records.tokens import TokenJournal

DEFAULT_RETENTION = 10_000


@dataclass(frozen=True, slots=True)
class StateMachineVersion:
    """A published, immutable snapshot of a state machine (`<machine arn>:<number>`)."""

    arn: str
    machine_arn: str
    number: int
    definition_text: str
    definition: StateMachineDefinition
    role_arn: str
    type: str
    creation_date: datetime
    revision_id: str
    description: str | None
    logging_configuration: dict[str, Any]
    tracing_configuration: dict[str, Any]


@dataclass(slots=True)
class StateMachineAlias:
    """A name (`<machine arn>:<alias>`) routing starts over one or two versions by weight."""

    arn: str
    machine_arn: str
    name: str
    description: str | None
    routing: list[tuple[str, int]]
    creation_date: datetime
    update_date: datetime


@dataclass(slots=True)
class StateMachine:
    """The unqualified state machine: its latest revision, tags, versions and aliases."""

    arn: str
    name: str
    definition_text: str
    definition: StateMachineDefinition
    role_arn: str
    type: str
    creation_date: datetime
    revision_id: str
    logging_configuration: dict[str, Any]
    tracing_configuration: dict[str, Any]
    description: str | None = None
    update_date: datetime | None = None
    # ACTIVE, or DELETING between DeleteStateMachine and the end of its last running execution.
    status: str = "ACTIVE"
    tags: dict[str, str] = field(default_factory=dict)
    versions: dict[int, StateMachineVersion] = field(default_factory=dict)
    next_version: int = 1
    aliases: dict[str, StateMachineAlias] = field(default_factory=dict)


@dataclass(slots=True)
class Activity:
    """An activity (`arn:aws:states:<region>:<account>:activity:<name>`) workers poll for tasks."""

    arn: str
    name: str
    creation_date: datetime
    tags: dict[str, str] = field(default_factory=dict)


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

    def resumable(self) -> list[Execution]:
        """Standard executions left RUNNING by an earlier process, to resume at start."""
        ...

    def token_journal(self) -> TokenJournal | None:
        """Where open task tokens are journaled, when the store outlives the process."""
        ...


class MemoryStore:
    """Dicts in memory; at most `retention` finished executions (and their map runs) kept."""

    def __init__(self, retention: int = DEFAULT_RETENTION) -> None:
        if retention < 0:
            raise ValueError("retention must be >= 0")
        self.retention = retention
        self._machines: dict[str, StateMachine] = {}
        self._executions: dict[str, Execution] = {}
        # machine arn (unqualified) -> execution arns in start order; values unused.
        self._by_machine: dict[str, OrderedDict[str, None]] = {}
        self._finished: OrderedDict[str, None] = OrderedDict()
        self._activities: dict[str, Activity] = {}
        # map run arn -> the execution that ran it; filled lazily from Execution.map_runs.
        self._map_run_owner: dict[str, str] = {}

    def put_machine(self, machine: StateMachine) -> None:
        self._machines[machine.arn] = machine

    def machine(self, arn: str) -> StateMachine | None:
        return self._machines.get(arn)

    def delete_machine(self, arn: str) -> None:
        """Forget the machine; its executions stay describable but are no longer listed."""
        self._machines.pop(arn, None)
        self._by_machine.pop(arn, None)

    def machines(self) -> Iterable[StateMachine]:
        return sorted(self._machines.values(), key=lambda m: m.creation_date)

    def put_execution(self, execution: Execution) -> None:
        """Add a new execution, or take back a redriven one from the finished ones."""
        self._executions[execution.execution_arn] = execution
        self._finished.pop(execution.execution_arn, None)
        owner = _unqualified(execution.state_machine_arn)
        self._by_machine.setdefault(owner, OrderedDict())[execution.execution_arn] = None

    def execution(self, arn: str) -> Execution | None:
        found = self._executions.get(arn)
        if found is None and "/" in arn:
            # A Distributed Map's child (`execution:<machine>/<label>:<id>`) lives on its parent.
            found = self._child(arn)
        return found

    def _child(self, arn: str) -> Execution | None:
        for parent in self._executions.values():
            if parent.map_runs:
                for child in parent._child_executions:
                    if child.execution_arn == arn:
                        return child
        return None

    def executions(self, machine_arn: str) -> Iterator[Execution]:
        arns = self._by_machine.get(_unqualified(machine_arn))
        if not arns:
            return
        for arn in reversed(list(arns)):
            execution = self._executions.get(arn)
            if execution is not None:
                yield execution

    def execution_finished(self, execution: Execution) -> None:
        arn = execution.execution_arn
        if arn not in self._executions:
            return
        self._finished[arn] = None
        self._finished.move_to_end(arn)
        while len(self._finished) > self.retention:
            oldest, _ = self._finished.popitem(last=False)
            self._forget(oldest)

    def _forget(self, arn: str) -> None:
        execution = self._executions.pop(arn, None)
        if execution is None:
            return
        owner = self._by_machine.get(_unqualified(execution.state_machine_arn))
        if owner is not None:
            owner.pop(arn, None)
            if not owner:
                del self._by_machine[_unqualified(execution.state_machine_arn)]
        for map_run in execution.map_runs:
            self._map_run_owner.pop(map_run.map_run_arn, None)

    def map_run(self, arn: str) -> tuple[Execution, MapRun] | None:
        owner = self._executions.get(self._map_run_owner.get(arn, ""))
        if owner is None:
            # The interpreter appends map runs to running executions; index them on first lookup.
            for execution in self._executions.values():
                for map_run in execution.map_runs:
                    self._map_run_owner[map_run.map_run_arn] = execution.execution_arn
            owner = self._executions.get(self._map_run_owner.get(arn, ""))
        if owner is None:
            return None
        for map_run in owner.map_runs:
            if map_run.map_run_arn == arn:
                return owner, map_run
        return None

    def put_activity(self, activity: Activity) -> None:
        self._activities[activity.arn] = activity

    def activity(self, arn: str) -> Activity | None:
        return self._activities.get(arn)

    def delete_activity(self, arn: str) -> None:
        self._activities.pop(arn, None)

    def activities(self) -> Iterable[Activity]:
        return sorted(self._activities.values(), key=lambda a: a.creation_date)

    def tags(self, resource_arn: str) -> dict[str, str] | None:
        machine = self._machines.get(resource_arn)
        if machine is not None:
            return machine.tags
        activity = self._activities.get(resource_arn)
        return None if activity is None else activity.tags

    def commit(self) -> None:
        """Nothing to write: everything lives in memory."""

    def resumable(self) -> list[Execution]:
        return []

    def token_journal(self) -> TokenJournal | None:
        return None

    def __len__(self) -> int:
        """How many executions are held (running and retained finished ones)."""
        return len(self._executions)


def _unqualified(machine_arn: str) -> str:
    """`arn:aws:states:r:a:stateMachine:name[:version|:alias]` -> the machine's own ARN."""
    parts = machine_arn.split(":")
    return ":".join(parts[:7])
