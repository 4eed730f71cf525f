"""DynamoDB streams reach Lambda functions through a template's event source mappings, as Lambda
delivers them (AWS Lambda Developer Guide, "Using AWS Lambda with Amazon DynamoDB": the record
shape, batches in stream order, a failed batch retried until MaximumRetryAttempts and then
skipped). The real server on loopback; the API's writes made with httpx, the functions run in the
local Lambda runtime and write with boto3 through the AWS endpoint, where the test reads with
boto3 too."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import httpx
import pytest

from appsync.app import build_app
from definition.formats import read_definition
from tests.integration.conftest import APIS, running

STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/{}/stream/1970-01-01T00:00:00.000"
# How long a delivery may take on a loaded machine: a bound, not waited for when all is well.
DEADLINE_SECONDS = 60


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, str, Any]]:
    definition = read_definition(APIS / "stream_mappings" / "template.yaml")
    with running(build_app(definition), "appsync-local-stream-mappings") as (host, port):
        endpoint = f"http://{host}:{port}"
        dynamodb = boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        yield endpoint, definition.api_keys[0].id, dynamodb


def _mutate(endpoint: str, key: str, query: str) -> None:
    answer = httpx.post(f"{endpoint}/graphql", json={"query": query}, headers={"x-api-key": key})
    assert "errors" not in answer.json(), answer.json()


def _until(found: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("not delivered in time")


def _index(dynamodb: Any, prefix: str) -> list[dict[str, Any]]:
    items = dynamodb.scan(TableName="Index")["Items"]
    return sorted(
        (item for item in items if item["id"]["S"].startswith(prefix)),
        key=lambda item: int(item["id"]["S"].split("#")[1]),
    )


def test_each_change_reaches_the_function_as_lambda_delivers_it(
    served: tuple[str, str, Any],
) -> None:
    endpoint, key, dynamodb = served
    _mutate(endpoint, key, 'mutation { putPost(id: "p1", title: "Hello") { id } }')
    _mutate(endpoint, key, 'mutation { putPost(id: "p1", title: "Hello again") { id } }')
    _mutate(endpoint, key, 'mutation { deletePost(id: "p1") { id } }')
    changes = _until(lambda: len(found := _index(dynamodb, "p1#")) >= 3 and found)
    shapes = [json.loads(item["shape"]["S"]) for item in changes]
    common: dict[str, Any] = {
        "eventSource": "aws:dynamodb",
        "eventVersion": "1.1",
        "eventSourceARN": STREAM.format("Posts"),
        "awsRegion": "us-east-1",
        "keys": {"id": {"S": "p1"}},
        "viewType": "NEW_AND_OLD_IMAGES",
        "created": "int",
    }
    first = {"id": {"S": "p1"}, "title": {"S": "Hello"}}
    second = {"id": {"S": "p1"}, "title": {"S": "Hello again"}}
    expected: list[dict[str, Any]] = [
        {"eventName": "INSERT", "new": first, "old": None},
        {"eventName": "MODIFY", "new": second, "old": first},
        {"eventName": "REMOVE", "new": None, "old": second},
    ]
    assert [{k: v for k, v in shape.items() if k != "batch"} for shape in shapes] == [
        {**common, **each} for each in expected
    ]
    # In stream order, in batches of at most BatchSize (10).
    assert all(1 <= shape["batch"] <= 10 for shape in shapes)


def test_a_failing_batch_is_retried_then_dropped_and_later_ones_go_on(
    served: tuple[str, str, Any],
) -> None:
    _, _, dynamodb = served
    dynamodb.put_item(TableName="Jobs", Item={"id": {"S": "bad"}, "fail": {"BOOL": True}})
    dynamodb.put_item(TableName="Jobs", Item={"id": {"S": "good"}})

    def calls(job: str) -> int:
        item = dynamodb.get_item(TableName="Index", Key={"id": {"S": f"job#{job}"}}).get("Item")
        return 0 if item is None else int(item["calls"]["N"])

    _until(lambda: calls("good") == 1)
    # The first call and one retry (MaximumRetryAttempts: 1); then `good` in its turn.
    assert calls("bad") == 2
