"""MemoryStore: bounded retention of finished executions, listing order, machines and tags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stepfunctions.language.model import StateMachineDefinition
from stepfunctions.language.parse import parse_definition
from stepfunctions.records.execution import Execution, ExecutionStatus
from stepfunctions.records.machines import StateMachine
from stepfunctions.store.memory import MemoryStore

MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
START = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def definition() -> StateMachineDefinition:
    return parse_definition('{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}')


def _execution(
    definition: StateMachineDefinition, number: int, machine_arn: str = MACHINE_ARN
) -> Execution:
    name = machine_arn.rsplit(":", 1)[1]
    return Execution(
        execution_arn=f"arn:aws:states:us-east-1:123456789012:execution:{name}:e{number}",
        name=f"e{number}",
        state_machine_arn=machine_arn,
        state_machine_name=name,
        definition=definition,
        role_arn="arn:aws:iam::123456789012:role/r",
        input="{}",
        type="STANDARD",
        start_date=START + timedelta(seconds=number),
    )


def _finish(store: MemoryStore, execution: Execution) -> None:
    execution.status = ExecutionStatus.SUCCEEDED
    store.execution_finished(execution)


def test_hundred_thousand_finished_executions_stay_within_the_bound(
    definition: StateMachineDefinition,
) -> None:
    store = MemoryStore(retention=500)
    for number in range(100_000):
        execution = _execution(definition, number)
        store.put_execution(execution)
        _finish(store, execution)
        assert len(store) <= 500
    assert len(store) == 500
    assert store.execution(_execution(definition, 0).execution_arn) is None
    newest = _execution(definition, 99_999).execution_arn
    assert store.execution(newest) is not None
    assert len(list(store.executions(MACHINE_ARN))) == 500


def test_running_executions_are_never_dropped(definition: StateMachineDefinition) -> None:
    store = MemoryStore(retention=2)
    running = _execution(definition, 0)
    store.put_execution(running)
    for number in range(1, 10):
        execution = _execution(definition, number)
        store.put_execution(execution)
        _finish(store, execution)
    assert store.execution(running.execution_arn) is running
    assert len(store) == 3


def test_the_oldest_finished_execution_goes_first(definition: StateMachineDefinition) -> None:
    store = MemoryStore(retention=2)
    first, second, third = (_execution(definition, n) for n in range(3))
    for execution in (first, second, third):
        store.put_execution(execution)
    # Finishing order, not start order, decides which finished execution is the oldest.
    for execution in (second, first, third):
        _finish(store, execution)
    assert store.execution(second.execution_arn) is None
    assert store.execution(first.execution_arn) is first
    assert store.execution(third.execution_arn) is third


def test_a_redriven_execution_leaves_the_finished_queue(definition: StateMachineDefinition) -> None:
    store = MemoryStore(retention=1)
    redriven = _execution(definition, 0)
    store.put_execution(redriven)
    _finish(store, redriven)
    store.put_execution(redriven)  # RedriveExecution puts it back as running
    later = _execution(definition, 1)
    store.put_execution(later)
    _finish(store, later)
    assert store.execution(redriven.execution_arn) is redriven


def test_executions_are_listed_newest_first_per_machine(definition: StateMachineDefinition) -> None:
    store = MemoryStore()
    other = "arn:aws:states:us-east-1:123456789012:stateMachine:other"
    mine = [_execution(definition, n) for n in range(3)]
    for execution in [*mine, _execution(definition, 9, other)]:
        store.put_execution(execution)
    assert [e.name for e in store.executions(MACHINE_ARN)] == ["e2", "e1", "e0"]
    # A version or alias ARN lists through its machine.
    assert [e.name for e in store.executions(f"{MACHINE_ARN}:1")] == ["e2", "e1", "e0"]
    assert [e.name for e in store.executions(other)] == ["e9"]


def test_tags_belong_to_a_stored_machine(definition: StateMachineDefinition) -> None:
    store = MemoryStore()
    assert store.tags(MACHINE_ARN) is None
    machine = StateMachine(
        arn=MACHINE_ARN,
        name="m",
        definition_text="{}",
        definition=definition,
        role_arn="arn:aws:iam::123456789012:role/r",
        type="STANDARD",
        creation_date=START,
        revision_id="r1",
        logging_configuration={},
        tracing_configuration={},
        tags={"team": "a"},
    )
    store.put_machine(machine)
    assert store.tags(MACHINE_ARN) == {"team": "a"}
    store.delete_machine(MACHINE_ARN)
    assert store.machine(MACHINE_ARN) is None


def test_negative_retention_is_refused() -> None:
    with pytest.raises(ValueError, match="retention"):
        MemoryStore(retention=-1)


def test_a_deleted_machine_lists_no_executions_but_they_stay_describable(
    definition: StateMachineDefinition,
) -> None:
    store = MemoryStore()
    execution = _execution(definition, 1)
    store.put_execution(execution)
    store.delete_machine(MACHINE_ARN)
    assert list(store.executions(MACHINE_ARN)) == []
    assert store.execution(execution.execution_arn) is execution
    _finish(store, execution)
    assert store.execution(execution.execution_arn) is execution
