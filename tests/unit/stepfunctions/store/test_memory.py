"""MemoryStore: bounded retention of finished executions, listing order, machines and tags."""

from __future__ import annotations

import pytest

from stepfunctions.records.execution import Execution, ExecutionStatus
from stepfunctions.store.memory import MemoryStore
from tests.unit.stepfunctions.store.store_support import MACHINE_ARN, stored_execution


def _finish(store: MemoryStore, execution: Execution) -> None:
    execution.status = ExecutionStatus.SUCCEEDED
    store.execution_finished(execution)


def test_hundred_thousand_finished_executions_stay_within_the_bound() -> None:
    store = MemoryStore(retention=500)
    for number in range(100_000):
        execution = stored_execution(number)
        store.put_execution(execution)
        _finish(store, execution)
        assert len(store) <= 500
    assert len(store) == 500
    assert store.execution(stored_execution(0).execution_arn) is None
    newest = stored_execution(99_999).execution_arn
    assert store.execution(newest) is not None
    assert len(list(store.executions(MACHINE_ARN))) == 500


def test_running_executions_are_never_dropped() -> None:
    store = MemoryStore(retention=2)
    running = stored_execution(0)
    store.put_execution(running)
    for number in range(1, 10):
        execution = stored_execution(number)
        store.put_execution(execution)
        _finish(store, execution)
    assert store.execution(running.execution_arn) is running
    assert len(store) == 3


def test_the_oldest_finished_execution_goes_first() -> None:
    store = MemoryStore(retention=2)
    first, second, third = (stored_execution(n) for n in range(3))
    for execution in (first, second, third):
        store.put_execution(execution)
    # Finishing order, not start order, decides which finished execution is the oldest.
    for execution in (second, first, third):
        _finish(store, execution)
    assert store.execution(second.execution_arn) is None
    assert store.execution(first.execution_arn) is first
    assert store.execution(third.execution_arn) is third


def test_a_redriven_execution_leaves_the_finished_queue() -> None:
    store = MemoryStore(retention=1)
    redriven = stored_execution(0)
    store.put_execution(redriven)
    _finish(store, redriven)
    store.put_execution(redriven)  # RedriveExecution puts it back as running
    later = stored_execution(1)
    store.put_execution(later)
    _finish(store, later)
    assert store.execution(redriven.execution_arn) is redriven


def test_negative_retention_is_refused() -> None:
    with pytest.raises(ValueError, match="retention"):
        MemoryStore(retention=-1)
