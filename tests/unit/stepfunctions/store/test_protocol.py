"""The Store protocol: what the service needs from storage."""

from __future__ import annotations

from stepfunctions.records.execution import Execution, ExecutionStatus
from stepfunctions.store.memory import MemoryStore
from tests.unit.stepfunctions.store.store_support import (
    MACHINE_ARN,
    stored_execution,
    stored_machine,
)


def _finish(store: MemoryStore, execution: Execution) -> None:
    execution.status = ExecutionStatus.SUCCEEDED
    store.execution_finished(execution)


def test_executions_are_listed_newest_first_per_machine() -> None:
    store = MemoryStore()
    other = "arn:aws:states:us-east-1:123456789012:stateMachine:other"
    mine = [stored_execution(n) for n in range(3)]
    for execution in [*mine, stored_execution(9, other)]:
        store.put_execution(execution)
    assert [e.name for e in store.executions(MACHINE_ARN)] == ["e2", "e1", "e0"]
    # A version or alias ARN lists through its machine.
    assert [e.name for e in store.executions(f"{MACHINE_ARN}:1")] == ["e2", "e1", "e0"]
    assert [e.name for e in store.executions(other)] == ["e9"]


def test_tags_belong_to_a_stored_machine() -> None:
    store = MemoryStore()
    assert store.tags(MACHINE_ARN) is None
    machine = stored_machine(tags={"team": "a"})
    store.put_machine(machine)
    assert store.tags(MACHINE_ARN) == {"team": "a"}
    store.delete_machine(MACHINE_ARN)
    assert store.machine(MACHINE_ARN) is None


def test_a_deleted_machine_lists_no_executions_but_they_stay_describable() -> None:
    store = MemoryStore()
    execution = stored_execution(1)
    store.put_execution(execution)
    store.delete_machine(MACHINE_ARN)
    assert list(store.executions(MACHINE_ARN)) == []
    assert store.execution(execution.execution_arn) is execution
    _finish(store, execution)
    assert store.execution(execution.execution_arn) is execution
