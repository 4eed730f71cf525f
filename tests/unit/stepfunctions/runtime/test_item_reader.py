"""A Distributed Map's ItemReader through the ObjectStore seam: CSV rows, JSON with MaxItems, an S3
listing, and States.ItemReaderFailed (dg "ItemReader (Map)")."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from stepfunctions.records.execution import Execution
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.runtime.runs import (
    PASS_PROCESSOR,
    START,
    distributed,
    make_execution,
    output,
)


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
