"""A mapping's poller with a real table, real declared functions (the local Lambda runtime) and a
real SQS queue (moto's) as on-failure destination: the records it delivers, in batches of at most
BatchSize, a failing batch retried MaximumRetryAttempts times and then dropped (AWS Lambda
Developer Guide, "Using AWS Lambda with Amazon DynamoDB"); FilterCriteria dropping what no filter
matches (invocation-eventfiltering.html); a partial batch response retried from its first failed
record (services-ddb-batchfailurereporting.html); BisectBatchOnFunctionError splitting a failed
batch without spending retries, MaximumRecordAgeInSeconds and the on-failure destination
(services-dynamodb-errors.html). The whole server's delivery is
tests/integration/test_stream_mappings.py."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.dynamodb.models import dynamodb_backends
from moto.sqs.models import sqs_backends

from appsync.functions_embedded import EmbeddedFunctions, running
from appsync.stream_destinations import EmbeddedDestinations
from appsync.stream_mappings import StreamMappings
from auth.clock import ManualClock
from definition.event_filters import parse_pattern
from definition.model import StartingPosition, StreamMappingSpec
from resolvers.datasources.dynamodb_moto import MotoDynamoDB
from resolvers.datasources.dynamodb_wire import DEFAULT_ACCOUNT_ID
from tests.fixtures.declared_functions import declared_functions

pytestmark = pytest.mark.anyio

REGION = "eu-central-1"
ARN = f"arn:aws:dynamodb:{REGION}:123456789012:table/Streamed/stream/1970-01-01T00:00:00.000"
QUEUE = "failed-records"
# Each appends its batch's keys to a file; `handler` fails on a batch holding the key "bad",
# `partial` reports the records whose key starts with "bad" as failed.
CODE = """
import json, os

def _keys(event):
    keys = [r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]]
    with open(os.environ["OUT"], "a") as out:
        out.write(json.dumps(keys) + "\\n")
    return keys

def handler(event, context):
    if "bad" in _keys(event):
        raise ValueError("bad batch")

def partial(event, context):
    _keys(event)
    failed = [r for r in event["Records"] if r["dynamodb"]["Keys"]["id"]["S"].startswith("bad")]
    return {"batchItemFailures": [
        {"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in failed
    ]}
"""


@pytest.fixture
def dynamodb() -> Iterator[MotoDynamoDB]:
    operations = MotoDynamoDB(REGION)
    operations.call_now(
        "CreateTable",
        {
            "TableName": "Streamed",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        },
    )
    yield operations
    operations.call_now("DeleteTable", {"TableName": "Streamed"})


def _functions(tmp_path: Path) -> EmbeddedFunctions:
    out = tmp_path / "batches.jsonl"
    environment = f"Environment: {{Variables: {{OUT: '{out}'}}}}"
    return declared_functions(
        tmp_path,
        CODE,
        [
            "{FunctionName: sink, Runtime: python3.12, Handler: app.handler,"
            f" CodeUri: code, {environment}}}",
            "{FunctionName: partial, Runtime: python3.12, Handler: app.partial,"
            f" CodeUri: code, {environment}}}",
        ],
    )


def _batches(tmp_path: Path) -> list[list[str]]:
    out = tmp_path / "batches.jsonl"
    lines = out.read_text().splitlines() if out.exists() else []
    return [json.loads(line) for line in lines]


async def _until(tmp_path: Path, count: int) -> list[list[str]]:
    for _ in range(600):
        if len(batches := _batches(tmp_path)) >= count:
            return batches
        await asyncio.sleep(0.05)
    raise AssertionError(f"{_batches(tmp_path)} after 30 s")


async def test_batches_in_order_and_a_failing_one_dropped_after_its_retries(
    tmp_path: Path, dynamodb: MotoDynamoDB
) -> None:
    for key in ("a", "b", "c", "bad", "d"):
        dynamodb.call_now("PutItem", {"TableName": "Streamed", "Item": {"id": {"S": key}}})
    spec = StreamMappingSpec(
        "sink",
        "Streamed",
        ARN,
        StartingPosition.TRIM_HORIZON,
        batch_size=2,
        maximum_retry_attempts=2,
    )
    functions = _functions(tmp_path)
    mappings = StreamMappings(
        [spec], functions, EmbeddedDestinations(), poll_seconds=0.01, retry_pauses=(0.01,)
    )
    async with running(functions), mappings.running():
        await _until(tmp_path, 5)
        # Long enough for a fourth try of the failing batch, were there one.
        await asyncio.sleep(0.3)
    # [a, b], then [c, bad] tried three times (the call and 2 retries), dropped, then [d].
    assert _batches(tmp_path) == [["a", "b"], ["c", "bad"], ["c", "bad"], ["c", "bad"], ["d"]]


async def test_a_disabled_mapping_reads_nothing(tmp_path: Path, dynamodb: MotoDynamoDB) -> None:
    spec = StreamMappingSpec("sink", "Streamed", ARN, StartingPosition.TRIM_HORIZON, enabled=False)
    functions = _functions(tmp_path)
    dynamodb.call_now("PutItem", {"TableName": "Streamed", "Item": {"id": {"S": "a"}}})
    async with (
        running(functions),
        StreamMappings([spec], functions, EmbeddedDestinations(), poll_seconds=0.01).running(),
    ):
        await asyncio.sleep(0.3)
    assert _batches(tmp_path) == []


@pytest.fixture
def queue() -> Iterator[str]:
    sqs = sqs_backends[DEFAULT_ACCOUNT_ID][REGION]
    sqs.create_queue(QUEUE)
    yield f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT_ID}:{QUEUE}"
    sqs.delete_queue(QUEUE)


def _spec(function_name: str, **settings: Any) -> StreamMappingSpec:
    """A mapping of the Streamed table to the function from TRIM_HORIZON."""
    return StreamMappingSpec(
        function_name, "Streamed", ARN, StartingPosition.TRIM_HORIZON, **settings
    )


def _failed_records() -> list[dict[str, Any]]:
    messages = sqs_backends[DEFAULT_ACCOUNT_ID][REGION].get_queue(QUEUE).messages
    return [json.loads(message.body) for message in messages]


def _put(dynamodb: MotoDynamoDB, *keys: str) -> list[str]:
    """The items' sequence numbers in the stream."""
    for key in keys:
        dynamodb.call_now("PutItem", {"TableName": "Streamed", "Item": {"id": {"S": key}}})
    shard = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table("Streamed").stream_shard
    assert shard is not None
    return [str(item.record["dynamodb"]["SequenceNumber"]) for item in shard.items][-len(keys) :]


async def _run(
    tmp_path: Path, spec: StreamMappingSpec, count: int, clock: ManualClock | None = None
) -> list[list[str]]:
    functions = _functions(tmp_path)
    mappings = StreamMappings(
        [spec],
        functions,
        EmbeddedDestinations(),
        clock=clock,
        poll_seconds=0.01,
        retry_pauses=(0.01,),
    )
    async with running(functions), mappings.running():
        await _until(tmp_path, count)
        # Long enough for one more invocation, were there one.
        await asyncio.sleep(0.3)
    return _batches(tmp_path)


async def test_records_no_filter_matches_are_dropped(
    tmp_path: Path, dynamodb: MotoDynamoDB
) -> None:
    _put(dynamodb, "keep-1", "drop-1", "keep-2", "other")
    spec = _spec(
        "sink",
        batch_size=2,
        filters=(
            parse_pattern('{"dynamodb": {"Keys": {"id": {"S": [{"prefix": "keep"}]}}}}'),
            parse_pattern('{"dynamodb": {"Keys": {"id": {"S": ["other"]}}}}'),
        ),
    )
    # Batches are filled with records that pass: drop-1 takes no place in the first.
    assert await _run(tmp_path, spec, 2) == [["keep-1", "keep-2"], ["other"]]


async def test_a_partial_batch_response_retries_from_the_first_failed_record(
    tmp_path: Path, dynamodb: MotoDynamoDB, queue: str
) -> None:
    sequences = _put(dynamodb, "a", "bad-1", "c", "bad-2")
    spec = _spec(
        "partial",
        batch_size=4,
        maximum_retry_attempts=1,
        report_batch_item_failures=True,
        on_failure_destination=queue,
    )
    # The whole batch, then from bad-1 on (one retry), then those three are discarded.
    assert await _run(tmp_path, spec, 2) == [["a", "bad-1", "c", "bad-2"], ["bad-1", "c", "bad-2"]]
    [record] = _failed_records()
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["requestContext"]["functionArn"] == (
        f"arn:aws:lambda:{REGION}:123456789012:function:partial"
    )
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    info = record["DDBStreamBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"]) == (sequences[1], sequences[3])
    assert (info["batchSize"], info["streamArn"]) == (3, ARN)
    assert info["shardId"].startswith("shardId-")


async def test_partial_responses_are_ignored_unless_turned_on(
    tmp_path: Path, dynamodb: MotoDynamoDB
) -> None:
    _put(dynamodb, "a", "bad-1")
    spec = _spec("partial")
    assert await _run(tmp_path, spec, 1) == [["a", "bad-1"]]


async def test_bisecting_isolates_the_failing_record_without_spending_retries(
    tmp_path: Path, dynamodb: MotoDynamoDB, queue: str
) -> None:
    sequences = _put(dynamodb, "a", "b", "bad", "d")
    spec = _spec(
        "sink",
        batch_size=4,
        maximum_retry_attempts=0,
        bisect_batch_on_function_error=True,
        on_failure_destination=queue,
    )
    assert await _run(tmp_path, spec, 5) == [
        ["a", "b", "bad", "d"],
        ["a", "b"],
        ["bad", "d"],
        ["bad"],
        ["d"],
    ]
    [record] = _failed_records()
    # The calls that held `bad`: the whole batch, its second half, then `bad` alone.
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["responseContext"]["functionError"] == "Unhandled"
    info = record["DDBStreamBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"]) == (sequences[2],) * 2


async def test_records_older_than_the_maximum_age_are_discarded_uninvoked(
    tmp_path: Path, dynamodb: MotoDynamoDB, queue: str
) -> None:
    _put(dynamodb, "old-1", "old-2")
    # The injected clock says the records were written two minutes ago.
    clock = ManualClock(time.time() + 120)
    spec = _spec(
        "sink",
        maximum_record_age_seconds=60,
        on_failure_destination=queue,
    )
    functions = _functions(tmp_path)
    mappings = StreamMappings(
        [spec], functions, EmbeddedDestinations(), clock=clock, poll_seconds=0.01
    )
    async with running(functions), mappings.running():
        for _ in range(600):
            if _failed_records():
                break
            await asyncio.sleep(0.05)
    assert _batches(tmp_path) == []
    [record] = _failed_records()
    assert record["requestContext"]["condition"] == "RecordAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert record["DDBStreamBatchInfo"]["batchSize"] == 2


async def test_a_function_that_cannot_be_invoked_fails_the_batch(
    tmp_path: Path, dynamodb: MotoDynamoDB, queue: str
) -> None:
    _put(dynamodb, "a")
    spec = _spec("undeclared", maximum_retry_attempts=0, on_failure_destination=queue)
    functions = _functions(tmp_path)
    mappings = StreamMappings([spec], functions, EmbeddedDestinations(), poll_seconds=0.01)
    async with running(functions), mappings.running():
        for _ in range(600):
            if _failed_records():
                break
            await asyncio.sleep(0.05)
    [record] = _failed_records()
    # Invoke never answered: no response to report.
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responseContext"] == {}
