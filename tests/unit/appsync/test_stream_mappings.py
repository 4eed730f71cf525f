"""A mapping's poller with a real table and a real declared function (the local Lambda runtime):
the records it delivers, in batches of at most BatchSize, and a failing batch retried
MaximumRetryAttempts times and then dropped (AWS Lambda Developer Guide, "Using AWS Lambda with
Amazon DynamoDB"). The whole server's delivery is tests/integration/test_stream_mappings.py."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from appsync.functions_embedded import EmbeddedFunctions, build_functions, running
from appsync.stepfunctions_embedded import SelfRoutes
from appsync.stream_mappings import StreamMappings
from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import AccessKey, StartingPosition, StreamMappingSpec
from resolvers.datasources.dynamodb_moto import MotoDynamoDB

pytestmark = pytest.mark.anyio

REGION = "eu-central-1"
ARN = f"arn:aws:dynamodb:{REGION}:123456789012:table/Streamed/stream/1970-01-01T00:00:00.000"
# Appends each batch's keys to a file; fails on a batch holding the key "bad".
CODE = """
import json, os

def handler(event, context):
    keys = [r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]]
    with open(os.environ["OUT"], "a") as out:
        out.write(json.dumps(keys) + "\\n")
    if "bad" in keys:
        raise ValueError("bad batch")
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
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "app.py").write_text(CODE)
    (tmp_path / "schema.graphql").write_text("type Query { a: String }\n")
    out = tmp_path / "batches.jsonl"
    (tmp_path / "appsync.yaml").write_text(
        "schema: schema.graphql\nauthenticationType: API_KEY\nserver:\n  lambda:\n"
        "    functions:\n"
        "      - {FunctionName: sink, Runtime: python3.12, Handler: app.handler,"
        f" CodeUri: code, Environment: {{Variables: {{OUT: '{out}'}}}}}}\n"
    )
    problems: list[str] = []
    functions = build_functions(
        read_appsync_yaml(tmp_path / "appsync.yaml"),
        REGION,
        AccessKey("AKIDLOCAL", "local-secret"),
        SelfRoutes(None),
        lambda *where: problems.append(":".join(where)),
    )
    assert problems == []
    return functions


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
    mappings = StreamMappings([spec], functions, poll_seconds=0.01, retry_pauses=(0.01,))
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
    async with running(functions), StreamMappings([spec], functions, poll_seconds=0.01).running():
        await asyncio.sleep(0.3)
    assert _batches(tmp_path) == []
