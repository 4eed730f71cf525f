"""Inline Map states: items in order, many items, an iteration failure and its catcher, JSONata
Items.

History and error expectations are AWS recordings from the shared corpus
(scenarios/test_base_scenarios::test_map_state_*).
"""

from __future__ import annotations

import pytest

from tests.unit.stepfunctions.runtime.runs import (
    PASS_PROCESSOR,
    output,
    run,
    types,
)


@pytest.mark.anyio
async def test_inline_map_runs_every_item_in_order() -> None:
    execution = await run(
        {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "ItemsPath": "$.items",
                    "ItemSelector": {
                        "value.$": "$$.Map.Item.Value",
                        "index.$": "$$.Map.Item.Index",
                    },
                    "MaxConcurrency": 1,
                    "ItemProcessor": PASS_PROCESSOR,
                    "End": True,
                }
            },
        },
        {"items": ["a", "b"]},
    )
    assert output(execution) == [{"value": "a", "index": 0}, {"value": "b", "index": 1}]
    assert types(execution) == [
        "ExecutionStarted",
        "MapStateEntered",
        "MapStateStarted",
        "MapIterationStarted",
        "PassStateEntered",
        "PassStateExited",
        "MapIterationSucceeded",
        "MapIterationStarted",
        "PassStateEntered",
        "PassStateExited",
        "MapIterationSucceeded",
        "MapStateSucceeded",
        "MapStateExited",
        "ExecutionSucceeded",
    ]
    started = execution.history[2].to_wire()
    assert started["mapStateStartedEventDetails"] == {"length": 2}
    assert execution.history[3].to_wire()["mapIterationStartedEventDetails"] == {
        "name": "M",
        "index": 0,
    }


@pytest.mark.anyio
async def test_a_large_inline_map_keeps_every_result() -> None:
    execution = await run(
        {
            "StartAt": "M",
            "States": {"M": {"Type": "Map", "ItemProcessor": PASS_PROCESSOR, "End": True}},
        },
        list(range(1000)),
    )
    assert output(execution) == list(range(1000))
    assert types(execution).count("MapIterationSucceeded") == 1000


@pytest.mark.anyio
async def test_an_iteration_failure_fails_the_map_and_catch_takes_it() -> None:
    # corpus scenarios/test_base_scenarios::test_map_state_catch
    execution = await run(
        {
            "StartAt": "StartState",
            "States": {
                "StartState": {
                    "Type": "Pass",
                    "Result": [1],
                    "ResultPath": "$.arr",
                    "Next": "MapState",
                },
                "MapState": {
                    "Type": "Map",
                    "ResultPath": None,
                    "InputPath": "$.arr",
                    "MaxConcurrency": 1,
                    "ItemProcessor": {
                        "ProcessorConfig": {"Mode": "INLINE"},
                        "StartAt": "HandleItemFail",
                        "States": {
                            "HandleItemFail": {
                                "Type": "Fail",
                                "Error": "HandleItemFailError",
                                "Cause": "HandleItemFailCause",
                            }
                        },
                    },
                    "Catch": [{"ErrorEquals": ["HandleItemFailError"], "Next": "FinalCaught"}],
                    "Next": "Final",
                },
                "FinalCaught": {"Type": "Pass", "End": True},
                "Final": {"Type": "Pass", "End": True},
            },
        }
    )
    assert output(execution) == {"Error": "HandleItemFailError", "Cause": "HandleItemFailCause"}
    assert types(execution) == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "MapStateEntered",
        "MapStateStarted",
        "MapIterationStarted",
        "FailStateEntered",
        "MapIterationFailed",
        "MapStateFailed",
        "MapStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


@pytest.mark.anyio
async def test_jsonata_items_must_be_an_array() -> None:
    # corpus scenarios/test_base_scenarios::test_map_state_items_eval_jsonata_fail[number]
    execution = await run(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "MapIterateState",
            "States": {
                "MapIterateState": {
                    "Type": "Map",
                    "Items": "{% 1 %}",
                    "ItemProcessor": PASS_PROCESSOR,
                    "End": True,
                }
            },
        }
    )
    assert execution.error == "States.QueryEvaluationError"
    assert execution.cause == (
        "An error occurred while executing the state 'MapIterateState' (entered at the event "
        "id #2). The JSONata expression '1' specified for the field 'Items' returned an "
        "unexpected result type. Expected 'array', but was 'number' for value: 1"
    )
    assert types(execution) == [
        "ExecutionStarted",
        "MapStateEntered",
        "EvaluationFailed",
        "MapStateFailed",
        "ExecutionFailed",
    ]
