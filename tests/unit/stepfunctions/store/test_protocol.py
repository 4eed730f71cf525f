"""The Store protocol: what the service needs from storage, run against every store.

`MemoryStore` and `SqliteStore` (on an in-memory database here; what survives a reopen is
test_sqlite's) are both handed to the service as a `Store`: mypy checks that each satisfies the
protocol where the factories below are typed, and each test runs the same behaviour on both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from stepfunctions.records.activities import Activity
from stepfunctions.records.execution import Execution, ExecutionStatus
from stepfunctions.store.memory import MemoryStore
from stepfunctions.store.protocol import Store
from stepfunctions.store.sqlite import MEMORY, SqliteStore
from tests.unit.stepfunctions.store.store_support import (
    MACHINE_ARN,
    START,
    stored_execution,
    stored_machine,
    stored_map_run,
)

STORES: dict[str, Callable[[], Store]] = {
    "memory": MemoryStore,
    "sqlite": lambda: SqliteStore(MEMORY),
}
ACTIVITY_ARN = "arn:aws:states:us-east-1:123456789012:activity:queue"


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    made = STORES[request.param]()
    yield made
    if isinstance(made, SqliteStore):
        made.close()


def _finish(store: Store, execution: Execution) -> None:
    execution.status = ExecutionStatus.SUCCEEDED
    store.execution_finished(execution)


def test_machines_are_found_listed_by_creation_and_deleted(store: Store) -> None:
    later = stored_machine(f"{MACHINE_ARN}2")
    later.creation_date = START.replace(year=2025)
    store.put_machine(later)
    store.put_machine(stored_machine())
    assert [m.arn for m in store.machines()] == [MACHINE_ARN, f"{MACHINE_ARN}2"]
    assert store.machine(MACHINE_ARN) is not None
    store.delete_machine(MACHINE_ARN)
    assert store.machine(MACHINE_ARN) is None
    assert [m.arn for m in store.machines()] == [f"{MACHINE_ARN}2"]


def test_an_execution_is_found_by_its_arn(store: Store) -> None:
    execution = stored_execution(1)
    store.put_execution(execution)
    assert store.execution(execution.execution_arn) is execution
    assert store.execution(stored_execution(2).execution_arn) is None


def test_activities_are_found_listed_and_deleted(store: Store) -> None:
    store.put_activity(Activity(ACTIVITY_ARN, "queue", START, {"team": "b"}))
    assert [a.name for a in store.activities()] == ["queue"]
    found = store.activity(ACTIVITY_ARN)
    assert found is not None
    assert found.tags == {"team": "b"}
    assert store.tags(ACTIVITY_ARN) == {"team": "b"}
    store.delete_activity(ACTIVITY_ARN)
    assert store.activity(ACTIVITY_ARN) is None
    assert list(store.activities()) == []


def test_a_map_run_is_found_with_the_execution_that_ran_it(store: Store) -> None:
    execution = stored_execution(1)
    store.put_execution(execution)
    map_run = stored_map_run(execution.execution_arn, "r1")
    map_run_arn = map_run.map_run_arn
    # The interpreter appends map runs to the execution record it already stored.
    execution.map_runs.append(map_run)
    assert store.map_run(map_run_arn) == (execution, map_run)
    assert store.map_run(f"{map_run_arn}-other") is None


def test_finished_executions_stay_describable_within_the_retention(store: Store) -> None:
    execution = stored_execution(1)
    store.put_execution(execution)
    _finish(store, execution)
    assert store.execution(execution.execution_arn) is execution
    assert [e.name for e in store.executions(MACHINE_ARN)] == ["e1"]


def test_tags_changed_in_place_are_the_stored_tags_after_commit(store: Store) -> None:
    store.put_machine(stored_machine(tags={"team": "a"}))
    machine = store.machine(MACHINE_ARN)
    assert machine is not None
    machine.tags["stage"] = "prod"  # TagResource changes the record, then commits
    store.commit()
    assert store.tags(MACHINE_ARN) == {"team": "a", "stage": "prod"}


def test_a_new_store_has_nothing_to_resume(store: Store) -> None:
    assert store.resumable() == []


def test_only_a_store_that_outlives_the_process_journals_task_tokens(store: Store) -> None:
    assert (store.token_journal() is not None) is isinstance(store, SqliteStore)


def test_executions_are_listed_newest_first_per_machine(store: Store) -> None:
    other = "arn:aws:states:us-east-1:123456789012:stateMachine:other"
    mine = [stored_execution(n) for n in range(3)]
    for execution in [*mine, stored_execution(9, other)]:
        store.put_execution(execution)
    assert [e.name for e in store.executions(MACHINE_ARN)] == ["e2", "e1", "e0"]
    # A version or alias ARN lists through its machine.
    assert [e.name for e in store.executions(f"{MACHINE_ARN}:1")] == ["e2", "e1", "e0"]
    assert [e.name for e in store.executions(other)] == ["e9"]


def test_tags_belong_to_a_stored_machine(store: Store) -> None:
    assert store.tags(MACHINE_ARN) is None
    machine = stored_machine(tags={"team": "a"})
    store.put_machine(machine)
    assert store.tags(MACHINE_ARN) == {"team": "a"}
    store.delete_machine(MACHINE_ARN)
    assert store.machine(MACHINE_ARN) is None


def test_a_deleted_machine_lists_no_executions_but_they_stay_describable(store: Store) -> None:
    execution = stored_execution(1)
    store.put_execution(execution)
    store.delete_machine(MACHINE_ARN)
    assert list(store.executions(MACHINE_ARN)) == []
    assert store.execution(execution.execution_arn) is execution
    _finish(store, execution)
    assert store.execution(execution.execution_arn) is execution


def test_clear_forgets_machines_activities_and_executions(store: Store) -> None:
    store.put_machine(stored_machine())
    store.put_activity(Activity(ACTIVITY_ARN, "queue", START, {}))
    execution = stored_execution(1)
    store.put_execution(execution)
    _finish(store, execution)
    store.clear()
    assert list(store.machines()) == []
    assert list(store.activities()) == []
    assert store.execution(execution.execution_arn) is None
    assert list(store.executions(MACHINE_ARN)) == []
    # The store still works afterwards.
    store.put_machine(stored_machine())
    assert store.machine(MACHINE_ARN) is not None
