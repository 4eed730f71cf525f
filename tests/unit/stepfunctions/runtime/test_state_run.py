"""One state run: its history events (ids, details, compact JSON) and the 256 KiB payload quota.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

import pytest

from tests.unit.stepfunctions.runtime.runs import (
    run,
    types,
)


@pytest.mark.anyio
async def test_an_output_over_256_kib_fails_with_data_limit_exceeded() -> None:
    # corpus error_handling/test_states_errors::test_start_large_input
    execution = await run(
        {"StartAt": "State_1", "States": {"State_1": {"Type": "Pass", "End": True}}},
        {"big": "x" * 262_144},
    )
    assert execution.error == "States.DataLimitExceeded"
    assert execution.cause == (
        "The state/task 'State_1' returned a result with a size exceeding the maximum number "
        "of bytes service limit."
    )
    assert types(execution) == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]


@pytest.mark.anyio
async def test_history_ids_details_and_compact_json() -> None:
    execution = await run(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}, {"a": 1}
    )
    events = [event.to_wire() for event in execution.history]
    assert [(e["id"], e["previousEventId"]) for e in events] == [(1, 0), (2, 1), (3, 2), (4, 3)]
    assert events[1]["stateEnteredEventDetails"] == {
        "name": "A",
        "input": '{"a":1}',
        "inputDetails": {"truncated": False},
    }
    assert events[3]["executionSucceededEventDetails"]["output"] == '{"a":1}'
    assert execution.output == '{"a":1}'
