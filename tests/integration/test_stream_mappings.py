"""DynamoDB streams reach Lambda functions through a template's event source mappings, as Lambda
delivers them (AWS Lambda Developer Guide, "Using AWS Lambda with Amazon DynamoDB": the record
shape, batches in stream order, a failed batch retried until MaximumRetryAttempts and then
skipped; "Control which events Lambda sends to your function": FilterCriteria; "Configuring
partial batch response with DynamoDB and Lambda": ReportBatchItemFailures; "Retain discarded
records for a DynamoDB event source": the on-failure SQS destination's invocation record). The
real server on loopback; the API's writes made with httpx, the functions run in the local Lambda
runtime (Python with boto3, Node.js with the AWS SDK for JavaScript v3) and write through the AWS
endpoint, where the test reads with boto3 too."""

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
SESSION = boto3.Session(
    region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
)
# How long a delivery may take on a loaded machine: a bound, not waited for when all is well.
DEADLINE_SECONDS = 60


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, str, Any]]:
    definition = read_definition(APIS / "stream_mappings" / "template.yaml")
    with running(build_app(definition), "appsync-local-stream-mappings") as (host, port):
        endpoint = f"http://{host}:{port}"
        dynamodb = SESSION.client("dynamodb", endpoint_url=endpoint)
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


def test_filtered_partial_and_discarded_records_of_a_node_function(
    served: tuple[str, str, Any],
) -> None:
    endpoint, _, dynamodb = served
    sqs = SESSION.client("sqs", endpoint_url=endpoint)
    # The template's queue, created at start.
    queue = sqs.get_queue_url(QueueName="order-failures")["QueueUrl"]
    paid = {"status": {"S": "paid"}}
    # One BatchWriteItem: the four records are in the stream before the mapping's next read.
    orders = [
        {"id": {"S": "o1"}, **paid},
        {"id": {"S": "o2"}, "status": {"S": "pending"}},
        {"id": {"S": "o3"}, **paid, "broken": {"BOOL": True}},
        {"id": {"S": "o4"}, "status": {"S": "paid-twice"}},
    ]
    dynamodb.batch_write_item(
        RequestItems={"Orders": [{"PutRequest": {"Item": item}} for item in orders]}
    )
    messages = _until(lambda: sqs.receive_message(QueueUrl=queue).get("Messages"))

    def calls(order: str) -> int:
        key = {"id": {"S": f"order#{order}"}}
        item = dynamodb.get_item(TableName="Index", Key=key).get("Item")
        return 0 if item is None else int(item["calls"]["N"])

    # [o1, o3, o4] (o2 filtered out), then from o3 on: [o3, o4] once more (MaximumRetryAttempts
    # 1), then o3 and o4 are discarded and recorded.
    assert [calls(order) for order in ("o1", "o2", "o3", "o4")] == [1, 0, 2, 2]
    [message] = messages
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["requestContext"]["functionArn"] == (
        "arn:aws:lambda:us-east-1:123456789012:function:orders"
    )
    info = record["DDBStreamBatchInfo"]
    assert (info["batchSize"], info["streamArn"]) == (2, STREAM.format("Orders"))
    assert int(info["endSequenceNumber"]) > int(info["startSequenceNumber"])
