"""Reading a table's stream in the embedded DynamoDB: GetShardIterator's LATEST and TRIM_HORIZON
positions, records from a position in order, in pages, the shard's id, and none for a table
without a stream or one that is gone (moto's backend, real tables)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto.dynamodbstreams.models import dynamodbstreams_backends

from appsync.dynamodb_streams import (
    stream_end,
    stream_records,
    stream_shard_id,
    stream_start,
    wire_record,
)
from resolvers.datasources.dynamodb_moto import MotoDynamoDB
from resolvers.datasources.dynamodb_wire import DEFAULT_ACCOUNT_ID

REGION = "eu-central-1"
TABLE = {
    "TableName": "Streamed",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
}


@pytest.fixture
def dynamodb() -> Iterator[MotoDynamoDB]:
    operations = MotoDynamoDB(REGION)
    operations.call_now("CreateTable", TABLE)
    yield operations
    for name in operations.call_now("ListTables", {})["TableNames"]:
        operations.call_now("DeleteTable", {"TableName": name})


def _put(dynamodb: MotoDynamoDB, key: str) -> None:
    dynamodb.call_now("PutItem", {"TableName": "Streamed", "Item": {"id": {"S": key}}})


def test_positions_and_pages(dynamodb: MotoDynamoDB) -> None:
    _put(dynamodb, "a")
    latest = stream_end(REGION, "Streamed")
    _put(dynamodb, "b")
    _put(dynamodb, "c")
    oldest = stream_start(REGION, "Streamed")
    keys = [
        r["dynamodb"]["Keys"]["id"]["S"] for r in stream_records(REGION, "Streamed", oldest, 10)
    ]
    assert keys == ["a", "b", "c"]
    after = stream_records(REGION, "Streamed", latest, 1)
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in after] == ["b"]
    assert stream_end(REGION, "Streamed") == latest + 2


def test_the_wire_record_has_epoch_seconds(dynamodb: MotoDynamoDB) -> None:
    _put(dynamodb, "a")
    [record] = stream_records(REGION, "Streamed", stream_start(REGION, "Streamed"), 10)
    wired = wire_record(record)
    assert isinstance(wired["dynamodb"]["ApproximateCreationDateTime"], float)
    assert wired["dynamodb"]["NewImage"] == {"id": {"S": "a"}}


def test_no_stream_no_records(dynamodb: MotoDynamoDB) -> None:
    plain = {**TABLE, "TableName": "Plain"}
    del plain["StreamSpecification"]
    dynamodb.call_now("CreateTable", plain)
    assert (stream_end(REGION, "Plain"), stream_records(REGION, "Plain", 0, 10)) == (0, [])
    assert stream_records(REGION, "Gone", 0, 10) == []
    assert (stream_shard_id(REGION, "Plain"), stream_shard_id(REGION, "Gone")) == ("", "")


def test_the_shard_id_is_describe_stream_s(dynamodb: MotoDynamoDB) -> None:
    arn = dynamodb.call_now("DescribeTable", {"TableName": "Streamed"})["Table"]["LatestStreamArn"]
    streams = dynamodbstreams_backends[DEFAULT_ACCOUNT_ID][REGION]
    [shard] = streams.describe_stream(arn)["Shards"]
    assert stream_shard_id(REGION, "Streamed") == shard["ShardId"]
