"""`MemoryStore`: state machines, versions, aliases, activities, executions and map runs in dicts.

At most a bounded number of finished executions is kept (the oldest finished ones are dropped
first), so memory stays flat however many executions run; running executions are never dropped.
`sqlite.SqliteStore` extends it to write through to SQLite.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator

from stepfunctions.records.activities import Activity
from stepfunctions.records.execution import Execution, MapRun
from stepfunctions.records.machines import StateMachine
from stepfunctions.records.tokens import TokenJournal
from stepfunctions.store.retention import DEFAULT_RETENTION


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

    def flush(self) -> None:
        """Nothing to write: everything lives in memory."""

    def resumable(self) -> list[Execution]:
        return []

    def token_journal(self) -> TokenJournal | None:
        return None

    def clear(self) -> None:
        self._machines.clear()
        self._executions.clear()
        self._by_machine.clear()
        self._finished.clear()
        self._activities.clear()
        self._map_run_owner.clear()

    def __len__(self) -> int:
        """How many executions are held (running and retained finished ones)."""
        return len(self._executions)


def _unqualified(machine_arn: str) -> str:
    """`arn:aws:states:r:a:stateMachine:name[:version|:alias]` -> the machine's own ARN."""
    parts = machine_arn.split(":")
    return ":".join(parts[:7])
