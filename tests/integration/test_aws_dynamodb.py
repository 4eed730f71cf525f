"""DynamoDB's API on the AWS endpoint answers as moto_server does, to the same requests.

The same sequence of DynamoDB JSON requests goes to moto_server (`python -m moto.server`, in a
process of its own, so that nothing of ours touches its moto) and to the server's AWS endpoint;
status and JSON body must be equal once the region and the creation time (which differ by
construction) are set aside. Item operations take our own path (`appsync.aws.dynamodb`, Query
with its partition hook), the rest moto's handler: both are covered.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from resolvers.datasources.dynamodb_moto import MotoDynamoDB
from tests.fixtures.aws_signing import JSON_1_0, signed_headers
from tests.integration.conftest import Server, serve, write_whoami_api

OURS, THEIRS = "eu-north-1", "eu-south-1"
TABLE = {
    "TableName": "Diff",
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
        {"AttributeName": "gsi", "AttributeType": "S"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "byGsi",
            "KeySchema": [{"AttributeName": "gsi", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
}
KEY = {"pk": {"S": "a"}, "sk": {"N": "1"}}
ITEM = {
    **KEY,
    "gsi": {"S": "g"},
    "blob": {"B": "aGVsbG8="},
    "blobs": {"BS": ["aGVsbG8=", "d29ybGQ="]},
    "nested": {"M": {"list": {"L": [{"N": "1.50"}, {"NULL": True}, {"BOOL": False}]}}},
    "tags": {"SS": ["x", "y"]},
}
# (operation, request): item operations with their options, errors, and table operations.
REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("CreateTable", TABLE),
    ("CreateTable", TABLE),  # ResourceInUseException
    ("PutItem", {"TableName": "Diff", "Item": ITEM, "ReturnValues": "ALL_OLD"}),
    ("PutItem", {"TableName": "Diff", "Item": ITEM, "ReturnValues": "ALL_OLD",
                 "ReturnConsumedCapacity": "TOTAL"}),
    ("PutItem", {"TableName": "Diff", "Item": ITEM,
                 "ConditionExpression": "attribute_not_exists(pk)",
                 "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}),
    ("PutItem", {"TableName": "Diff", "Item": {"pk": {"S": ""}, "sk": {"N": "1"}}}),
    ("GetItem", {"TableName": "Diff", "Key": KEY}),
    ("GetItem", {"TableName": "Diff", "Key": KEY, "ProjectionExpression": "#b, nested.list[0]",
                 "ExpressionAttributeNames": {"#b": "blob"}}),
    ("GetItem", {"TableName": "Diff", "Key": KEY, "ReturnConsumedCapacity": "TOTAL"}),
    ("GetItem", {"TableName": "Diff", "Key": {"pk": {"S": "a"}}}),
    ("GetItem", {"TableName": "Absent", "Key": KEY}),
    ("UpdateItem", {"TableName": "Diff", "Key": KEY, "UpdateExpression": "SET n = :n ADD tags :t",
                    "ExpressionAttributeValues": {":n": {"N": "3"}, ":t": {"SS": ["z"]}},
                    "ReturnValues": "ALL_NEW"}),
    ("UpdateItem", {"TableName": "Diff", "Key": KEY, "UpdateExpression": "SET = broken"}),
    ("Query", {"TableName": "Diff", "KeyConditionExpression": "pk = :p",
               "ExpressionAttributeValues": {":p": {"S": "a"}}}),
    ("Query", {"TableName": "Diff", "IndexName": "byGsi", "KeyConditionExpression": "gsi = :g",
               "ExpressionAttributeValues": {":g": {"S": "g"}}, "Limit": 1,
               "ReturnConsumedCapacity": "INDEXES"}),
    ("Query", {"TableName": "Diff", "KeyConditionExpression": "pk = :p AND sk > :s",
               "ExpressionAttributeValues": {":p": {"S": "a"}, ":s": {"N": "0"}},
               "ScanIndexForward": False, "ProjectionExpression": "gsi, nested"}),
    ("Query", {"TableName": "Diff", "KeyConditionExpression": "pk = :p",
               "ExpressionAttributeValues": {":p": {"S": "nobody"}}}),
    ("Query", {"TableName": "Diff", "KeyConditionExpression": "nonsense"}),
    ("Scan", {"TableName": "Diff", "FilterExpression": "attribute_exists(blob)",
              "Select": "COUNT"}),
    ("BatchWriteItem", {"RequestItems": {"Diff": [
        {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "2"}}}},
        {"DeleteRequest": {"Key": {"pk": {"S": "c"}, "sk": {"N": "3"}}}}]}}),
    ("BatchGetItem", {"RequestItems": {"Diff": {"Keys": [
        KEY, {"pk": {"S": "b"}, "sk": {"N": "2"}}]}}}),
    ("TransactWriteItems", {"TransactItems": [{"ConditionCheck": {
        "TableName": "Diff", "Key": KEY, "ConditionExpression": "attribute_not_exists(pk)"}}]}),
    ("TransactGetItems", {"TransactItems": [{"Get": {"TableName": "Diff", "Key": KEY}}]}),
    ("DeleteItem", {"TableName": "Diff", "Key": {"pk": {"S": "b"}, "sk": {"N": "2"}},
                    "ReturnValues": "ALL_OLD"}),
    ("DescribeTable", {"TableName": "Diff"}),
    ("UpdateTimeToLive", {"TableName": "Diff",
                          "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": True}}),
    ("DescribeTimeToLive", {"TableName": "Diff"}),
    ("ListTables", {}),
    ("ExecuteStatement", {"Statement": "SELECT * FROM Diff WHERE pk = 'a'"}),
    ("DeleteTable", {"TableName": "Diff"}),
    ("DescribeTable", {"TableName": "Diff"}),
]  # fmt: skip
_REGIONS = re.compile(f"{OURS}|{THEIRS}")
_VOLATILE = frozenset({"CreationDateTime", "LastDecreaseDateTime", "LastIncreaseDateTime"})


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "moto.server", "-p", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("dynamodb_diff")
    with serve(write_whoami_api(folder, "diff", {"authenticationType": "API_KEY"})) as server:
        yield server


def _post(url: str, region: str, operation: str, request: dict[str, Any]) -> httpx.Response:
    body = json.dumps(request).encode()
    headers = {"content-type": JSON_1_0, "x-amz-target": f"DynamoDB_20120810.{operation}"}
    signed = signed_headers("POST", url, "dynamodb", body, headers, region=region)
    return httpx.post(url, content=body, headers=signed, timeout=10)


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, str):
        return _REGIONS.sub("<region>", value)
    return value


def test_the_endpoint_answers_every_request_as_moto_server_does(
    moto_server: str, ours: Server
) -> None:
    our_url = f"http://{ours.host}:{ours.port}/"
    for operation, request in REQUESTS:
        theirs = _post(moto_server + "/", THEIRS, operation, request)
        mine = _post(our_url, OURS, operation, request)
        where = f"{operation} {json.dumps(request)[:120]}"
        assert mine.status_code == theirs.status_code, where
        assert _comparable(mine.json()) == _comparable(theirs.json()), where
        assert mine.headers["x-amz-crc32"] == str(zlib.crc32(mine.content)), where


def test_an_unknown_operation_is_dynamodbs_own_answer(ours: Server) -> None:
    # moto_server fails on it (NotImplementedError); DynamoDB answers with the type alone.
    answer = _post(f"http://{ours.host}:{ours.port}/", OURS, "FlyToTheMoon", {})
    assert answer.status_code == 400
    assert answer.json() == {"__type": "com.amazon.coral.service#UnknownOperationException"}


def test_a_body_that_is_not_json_is_a_serialization_exception(ours: Server) -> None:
    url = f"http://{ours.host}:{ours.port}/"
    headers = {"content-type": JSON_1_0, "x-amz-target": "DynamoDB_20120810.ListTables"}
    answer = httpx.post(
        url, content=b"{", headers=signed_headers("POST", url, "dynamodb", b"{", headers)
    )
    assert answer.status_code == 400
    assert answer.json()["__type"] == "com.amazon.coral.service#SerializationException"


def test_the_tables_are_the_resolvers_own(ours: Server) -> None:
    url = f"http://{ours.host}:{ours.port}/"
    create = {**TABLE, "TableName": "Shared"}
    assert _post(url, "ap-northeast-3", "CreateTable", create).status_code == 200
    described = MotoDynamoDB("ap-northeast-3").call_now("DescribeTable", {"TableName": "Shared"})
    assert described["Table"]["TableName"] == "Shared"
