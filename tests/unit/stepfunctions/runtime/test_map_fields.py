"""The numbers a Map reads from its definition: MaxConcurrencyPath must select an integer (corpus
scenarios/test_base_scenarios::test_max_concurrency_path)."""

from __future__ import annotations

import pytest

from tests.unit.stepfunctions.runtime.runs import (
    PASS_PROCESSOR,
    run,
    types,
)


@pytest.mark.anyio
async def test_max_concurrency_path_must_select_an_integer() -> None:
    # corpus scenarios/test_base_scenarios::test_max_concurrency_path[NoNumber]
    execution = await run(
        {
            "StartAt": "MapState",
            "States": {
                "MapState": {
                    "Type": "Map",
                    "ItemsPath": "$.Values",
                    "MaxConcurrencyPath": "$.MaxConcurrencyValue",
                    "ItemProcessor": PASS_PROCESSOR,
                    "End": True,
                }
            },
        },
        {"MaxConcurrencyValue": "NoNumber", "Values": ["HelloWorld"]},
    )
    assert execution.error == "States.Runtime"
    assert execution.cause == (
        "An error occurred while executing the state 'MapState' (entered at the event id #2). "
        'The MaxConcurrencyPath field refers to value "NoNumber" which is not a valid integer: '
        "$.MaxConcurrencyValue"
    )
    assert types(execution) == ["ExecutionStarted", "MapStateEntered", "ExecutionFailed"]
