"""Wire objects in, GraphQL types out, and inputs back to the wire: members kept as AWS spells
them, enums as their wire strings."""

from __future__ import annotations

from appsync.console.stepfunctions_types import (
    ExecutionListItem,
    ExecutionStatus,
    ListExecutionsInput,
    StartExecutionInput,
    from_wire,
    to_wire,
)


def test_from_wire_keeps_the_declared_members() -> None:
    wire = {
        "executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:e",
        "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m",
        "name": "e",
        "status": "RUNNING",
        "startDate": 1.5,
        "somethingNewer": True,
    }
    item = from_wire(ExecutionListItem, wire)
    assert item.name == "e"
    assert item.status is ExecutionStatus.RUNNING
    assert item.stopDate is None
    assert not hasattr(item, "somethingNewer")


def test_to_wire_drops_unset_members_and_sends_enums_by_value() -> None:
    listed = ListExecutionsInput(stateMachineArn="arn", statusFilter=ExecutionStatus.TIMED_OUT)
    assert to_wire(listed) == {"stateMachineArn": "arn", "statusFilter": "TIMED_OUT"}
    started = StartExecutionInput(stateMachineArn="arn", input='{"a": 1}')
    assert to_wire(started) == {"stateMachineArn": "arn", "input": '{"a": 1}'}
