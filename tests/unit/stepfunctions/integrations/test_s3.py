"""S3ObjectStore: a Distributed Map reads its items from moto's S3 (dg "ItemReader (Map)")."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from stepfunctions.errors import StatesError
from stepfunctions.integrations.aws import AwsClients, IntegrationEndpoints
from stepfunctions.integrations.catalog import register_integrations
from stepfunctions.integrations.s3 import S3ObjectStore
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.integrations.conftest import START, client, run


def _bucket(moto_url: str) -> str:
    name = f"b-{uuid.uuid4().hex[:12]}"
    client(moto_url, "s3").create_bucket(Bucket=name)
    return name


@pytest.mark.anyio
async def test_objects_and_listings_come_from_s3(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    bucket = _bucket(moto_url)
    s3 = client(moto_url, "s3")
    s3.put_object(Bucket=bucket, Key="in/items.json", Body=b'[{"n": 1}, {"n": 2}]')
    s3.put_object(Bucket=bucket, Key="other.txt", Body=b"x")
    store = S3ObjectStore(AwsClients(endpoints), FakeClock(START))
    assert await store.get_object(bucket, "in/items.json") == b'[{"n": 1}, {"n": 2}]'
    listed = await store.list_objects(bucket, "in/")
    assert [item["Key"] for item in listed] == ["in/items.json"]
    assert listed[0]["Size"] == len(b'[{"n": 1}, {"n": 2}]')
    assert listed[0]["StorageClass"] == "STANDARD"
    with pytest.raises(StatesError) as raised:
        await store.get_object(bucket, "missing.json")
    assert raised.value.error == "States.ItemReaderFailed"
    assert "Error Code: NoSuchKey;" in raised.value.cause


@pytest.mark.anyio
async def test_a_distributed_map_reads_a_json_array_from_s3(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    bucket = _bucket(moto_url)
    client(moto_url, "s3").put_object(
        Bucket=bucket, Key="items.json", Body=json.dumps([{"n": 1}, {"n": 2}, {"n": 3}]).encode()
    )
    clock = FakeClock(START)
    tasks = TaskRegistry()
    # The store holds the engine's virtual time back while S3 answers.
    tasks.register_object_store(S3ObjectStore(AwsClients(endpoints), clock))
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSON"},
                    "Parameters": {"Bucket": bucket, "Key": "items.json"},
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Double",
                    "States": {
                        "Double": {
                            "Type": "Pass",
                            "Parameters": {"m.$": "States.MathAdd($.n, $.n)"},
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        },
    }
    result = await run(tasks, definition, clock=clock)
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    assert result.output == [{"m": 2}, {"m": 4}, {"m": 6}]


@pytest.mark.anyio
async def test_sdk_list_objects_answers_keys_and_iso_dates(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    bucket = _bucket(moto_url)
    client(moto_url, "s3").put_object(Bucket=bucket, Key="a.txt", Body=b"abc")
    tasks = TaskRegistry()
    register_integrations(tasks, AwsClients(endpoints))
    definition = {
        "StartAt": "List",
        "States": {
            "List": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
                "Parameters": {"Bucket": bucket},
                "End": True,
            }
        },
    }
    result = await run(tasks, definition)
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    contents = result.output["Contents"]
    assert [entry["Key"] for entry in contents] == ["a.txt"]
    assert contents[0]["Size"] == 3
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z", contents[0]["LastModified"])
