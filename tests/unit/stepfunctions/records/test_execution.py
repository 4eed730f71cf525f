"""Executions and Map Runs as the service stores and describes them.

Statuses and the Map Run's counts are the API's own (API reference, DescribeExecution and
DescribeMapRun), checked against botocore's model of the Step Functions API.
"""

from __future__ import annotations

from stepfunctions.records.execution import Execution, ExecutionStatus, MapRunStatus
from tests.unit.stepfunctions.records.records_support import api_enum, api_members
from tests.unit.stepfunctions.store.store_support import stored_execution, stored_map_run

EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:m:e"


def test_statuses_are_the_apis_values() -> None:
    assert [status.value for status in ExecutionStatus] == api_enum("ExecutionStatus")
    assert [status.value for status in MapRunStatus] == api_enum("MapRunStatus")
    # StrEnum: a status is written to the wire as its plain value.
    assert f"{ExecutionStatus.TIMED_OUT}" == "TIMED_OUT"


def test_a_map_run_starts_with_every_count_of_describe_map_run_at_zero() -> None:
    map_run = stored_map_run(EXECUTION, "r1")
    assert list(map_run.item_counts) == api_members("MapRunItemCounts")
    assert list(map_run.execution_counts) == api_members("MapRunExecutionCounts")
    assert set(map_run.item_counts.values()) == set(map_run.execution_counts.values()) == {0}
    assert (map_run.redrive_count, map_run.redrive_date, map_run.label) == (0, None, None)


def test_each_map_run_counts_on_its_own() -> None:
    first, second = stored_map_run(EXECUTION, "r1"), stored_map_run(EXECUTION, "r2")
    first.item_counts["succeeded"] += 1
    first.execution_counts["running"] += 1
    assert (second.item_counts["succeeded"], second.execution_counts["running"]) == (0, 0)
    assert first.item_counts is not first.execution_counts


def test_a_new_execution_is_running_with_nothing_recorded() -> None:
    execution = stored_execution(1)
    assert execution.status is ExecutionStatus.RUNNING
    assert (execution.stop_date, execution.output, execution.error, execution.cause) == (
        None,
        None,
        None,
        None,
    )
    assert (execution.history, execution.map_runs, execution.child_executions) == ([], [], [])
    assert (execution.redrive_count, execution.redrive_state, execution.terminating) == (
        0,
        None,
        False,
    )


def test_executions_keep_their_own_history_map_runs_and_children() -> None:
    first, second = stored_execution(1), stored_execution(2)
    first.map_runs.append(stored_map_run(EXECUTION, "r1"))
    child: Execution = stored_execution(3)
    first.child_executions.append(child)
    first.redrive_partial[0] = {"done": True}
    assert (second.map_runs, second.child_executions, second.redrive_partial) == ([], [], {})
    # child_executions is the record's own list, in start order.
    assert first.child_executions == [child]
