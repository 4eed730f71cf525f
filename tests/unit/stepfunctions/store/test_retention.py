"""The default retention is what a store keeps when given none."""

from __future__ import annotations

from stepfunctions.records.execution import ExecutionStatus
from stepfunctions.store.memory import MemoryStore
from stepfunctions.store.retention import DEFAULT_RETENTION
from tests.unit.stepfunctions.store.store_support import MACHINE_ARN, stored_execution


def test_a_store_given_no_retention_keeps_the_default_number_of_finished_executions() -> None:
    store = MemoryStore()
    for number in range(DEFAULT_RETENTION + 3):
        execution = stored_execution(number)
        store.put_execution(execution)
        execution.status = ExecutionStatus.SUCCEEDED
        store.execution_finished(execution)
    assert len(list(store.executions(MACHINE_ARN))) == DEFAULT_RETENTION
    assert store.execution(stored_execution(2).execution_arn) is None
    assert store.execution(stored_execution(3).execution_arn) is not None
