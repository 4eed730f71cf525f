"""Map states, inline and distributed.

History and error expectations are AWS recordings from the shared corpus
(scenarios/test_base_scenarios::test_map_state_*, test_max_concurrency_path); the ItemBatcher
input shape and the failure threshold come from the developer guide ("ItemBatcher",
"Setting failure thresholds for Distributed Map states").
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from stepfunctions.records.execution import Execution, ExecutionStatus, MapRunStatus
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.runtime.runs import START, make_execution, output, run, types

PASS_PROCESSOR = {"StartAt": "HandleItem", "States": {"HandleItem": {"Type": "Pass", "End": True}}}


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


def distributed(processor: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "MapState",
        "States": {
            "MapState": {
                "Type": "Map",
                "ItemProcessor": {
                    **processor,
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                },
                "End": True,
                **fields,
            }
        },
    }


@pytest.mark.anyio
async def test_distributed_map_runs_child_executions_in_a_map_run() -> None:
    # corpus scenarios/test_base_scenarios::test_map_state_legacy_config_distributed
    execution = await run(distributed(PASS_PROCESSOR, Label="Batch1"), ["Hello", "World"])
    assert output(execution) == ["Hello", "World"]
    assert types(execution) == [
        "ExecutionStarted",
        "MapStateEntered",
        "MapStateStarted",
        "MapRunStarted",
        "MapRunSucceeded",
        "MapStateSucceeded",
        "MapStateExited",
        "ExecutionSucceeded",
    ]
    (map_run,) = execution.map_runs
    assert map_run.status is MapRunStatus.SUCCEEDED
    assert map_run.map_run_arn.startswith("arn:aws:states:us-east-1:123456789012:mapRun:sm/Batch1:")
    assert map_run.execution_counts["succeeded"] == 2
    assert map_run.item_counts["total"] == 2
    children = execution.child_executions
    assert [child.status for child in children] == [ExecutionStatus.SUCCEEDED] * 2
    assert all(child.parent_map_run_arn == map_run.map_run_arn for child in children)
    started = execution.history[3].to_wire()["mapRunStartedEventDetails"]
    assert started == {"mapRunArn": map_run.map_run_arn}


FAIL_ODD = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$", "NumericGreaterThan": 1, "Next": "Bad"}],
            "Default": "Good",
        },
        "Bad": {"Type": "Fail", "Error": "Bad"},
        "Good": {"Type": "Pass", "End": True},
    },
}


@pytest.mark.anyio
async def test_failures_within_the_tolerated_count_let_the_map_succeed() -> None:
    execution = await run(distributed(FAIL_ODD, ToleratedFailureCount=1), [0, 1, 2])
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert execution.map_runs[0].execution_counts["failed"] == 1


@pytest.mark.anyio
async def test_failures_beyond_the_threshold_fail_the_map() -> None:
    execution = await run(distributed(FAIL_ODD, ToleratedFailurePercentage=10), [0, 1, 2, 3])
    assert execution.error == "States.ExceedToleratedFailureThreshold"
    assert execution.map_runs[0].status is MapRunStatus.FAILED
    assert types(execution)[-4:] == [
        "MapRunStarted",
        "MapRunFailed",
        "MapStateFailed",
        "ExecutionFailed",
    ]


@pytest.mark.anyio
async def test_item_batcher_groups_items_with_the_batch_input() -> None:
    execution = await run(
        distributed(
            PASS_PROCESSOR,
            ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"factCheck": "December 2022"}},
        ),
        [1, 2, 3],
    )
    assert output(execution) == [
        {"BatchInput": {"factCheck": "December 2022"}, "Items": [1, 2]},
        {"BatchInput": {"factCheck": "December 2022"}, "Items": [3]},
    ]


class MemoryS3:
    """S3 stand-in for the ItemReader seam (the engine reaches S3 only through ObjectStore)."""

    def __init__(self, objects: dict[tuple[str, str], bytes]) -> None:
        self.objects = objects

    async def get_object(self, bucket: str, key: str) -> bytes:
        return self.objects[(bucket, key)]

    async def list_objects(self, bucket: str, prefix: str) -> list[dict[str, Any]]:
        return [
            {
                "Etag": '"e"',
                "Key": key,
                "LastModified": 1,
                "Size": len(body),
                "StorageClass": "STANDARD",
            }
            for (b, key), body in sorted(self.objects.items())
            if b == bucket and key.startswith(prefix)
        ]


async def run_reader(reader: dict[str, Any], store: MemoryS3) -> Execution:
    clock = FakeClock(START)
    tasks = TaskRegistry()
    tasks.register_object_store(store)
    definition = distributed(PASS_PROCESSOR, ItemReader=reader)
    execution = make_execution(definition, {}, clock)
    await asyncio.wait_for(Interpreter(clock, tasks).run(execution), timeout=20)
    return execution


@pytest.mark.anyio
async def test_item_reader_reads_csv_rows_as_objects_of_strings() -> None:
    # dg "ItemReader (Map)": with CSVHeaderLocation FIRST_ROW each row becomes an object.
    store = MemoryS3({("b", "data.csv"): b"name,count\nann,1\nbob,2\n"})
    execution = await run_reader(
        {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
            "Parameters": {"Bucket": "b", "Key": "data.csv"},
        },
        store,
    )
    assert output(execution) == [{"name": "ann", "count": "1"}, {"name": "bob", "count": "2"}]


@pytest.mark.anyio
async def test_item_reader_json_with_max_items() -> None:
    store = MemoryS3({("b", "items.json"): b"[1, 2, 3, 4]"})
    execution = await run_reader(
        {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSON", "MaxItems": 2},
            "Parameters": {"Bucket": "b", "Key": "items.json"},
        },
        store,
    )
    assert output(execution) == [1, 2]


@pytest.mark.anyio
async def test_item_reader_lists_objects_under_a_prefix() -> None:
    store = MemoryS3({("b", "in/a"): b"x", ("b", "in/b"): b"yy", ("b", "out/c"): b""})
    execution = await run_reader(
        {
            "Resource": "arn:aws:states:::s3:listObjectsV2",
            "Parameters": {"Bucket": "b", "Prefix": "in/"},
        },
        store,
    )
    assert [item["Key"] for item in output(execution)] == ["in/a", "in/b"]
    assert output(execution)[1]["Size"] == 2


@pytest.mark.anyio
async def test_an_unreadable_object_fails_with_item_reader_failed() -> None:
    store = MemoryS3({("b", "bad.json"): b'{"not": "an array"}'})
    execution = await run_reader(
        {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSON"},
            "Parameters": {"Bucket": "b", "Key": "bad.json"},
        },
        store,
    )
    assert execution.error == "States.ItemReaderFailed"
