"""DynamoDB's route on the embedded backend: item operations on the resolvers' path cut to the
output shape (as moto's serializer does), table operations through moto's own handler, and
DynamoDB's answers to targets and bodies it does not take. The comparison with moto_server's
answers is in tests/integration/test_aws_dynamodb.py."""

from __future__ import annotations

import json
import uuid
import zlib
from typing import Any

import pytest
from moto.dynamodb.models.table import Table

from appsync.aws.dynamodb import DynamoDBRoute, original_table_query, query_by_partition
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall, WireProtocol
from resolvers.datasources.dynamodb_moto import MotoDynamoDB
from resolvers.errors import DynamoDBServiceError

REGION = "sa-east-1"

pytestmark = pytest.mark.anyio


async def _call(operation: str, body: bytes | dict[str, Any]) -> AwsResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    call = ServiceCall("dynamodb", "dynamodb", operation, WireProtocol.JSON, REGION, True)
    return await DynamoDBRoute().handle(AwsRequest("POST", "/", "", {}, raw), call)


def _create(name: str) -> dict[str, Any]:
    return {
        "TableName": name,
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }


async def _table() -> str:
    name = f"Route-{uuid.uuid4().hex[:8]}"
    created = await _call("CreateTable", _create(name))
    assert created.status == 200
    return name


async def test_tables_made_through_the_route_are_remembered_until_deleted() -> None:
    route = DynamoDBRoute()
    call = ServiceCall("dynamodb", "dynamodb", "CreateTable", WireProtocol.JSON, REGION, True)
    name = f"Made-{uuid.uuid4().hex[:8]}"
    request = AwsRequest("POST", "/", "", {}, json.dumps(_create(name)).encode())
    assert (await route.handle(request, call)).status == 200
    # A refused CreateTable (the table exists) adds nothing new.
    assert (await route.handle(request, call)).status == 400
    assert route.created_tables == {(REGION, name)}
    delete = ServiceCall("dynamodb", "dynamodb", "DeleteTable", WireProtocol.JSON, REGION, True)
    body = json.dumps({"TableName": name}).encode()
    assert (await route.handle(AwsRequest("POST", "/", "", {}, body), delete)).status == 200
    assert route.created_tables == set()


async def test_items_written_here_are_the_resolvers_own() -> None:
    table = await _table()
    written = await _call(
        "PutItem", {"TableName": table, "Item": {"id": {"S": "1"}, "b": {"B": "aGk="}}}
    )
    assert (written.status, json.loads(written.body)) == (200, {})
    stored = MotoDynamoDB(REGION).call_now(
        "GetItem", {"TableName": table, "Key": {"id": {"S": "1"}}}
    )
    assert stored == {"Item": {"id": {"S": "1"}, "b": {"B": "aGk="}}}
    read = await _call("GetItem", {"TableName": table, "Key": {"id": {"S": "1"}}})
    assert json.loads(read.body) == stored
    assert ("x-amz-crc32", str(zlib.crc32(read.body))) in read.headers


async def test_results_keep_only_the_members_of_the_output_shape() -> None:
    table = await _table()
    await _call("PutItem", {"TableName": table, "Item": {"id": {"S": "2"}}})
    # moto's DeleteItem result carries ConsumedCapacityUnits, which DeleteItemOutput lacks.
    deleted = await _call(
        "DeleteItem", {"TableName": table, "Key": {"id": {"S": "2"}}, "ReturnValues": "ALL_OLD"}
    )
    assert json.loads(deleted.body) == {"Attributes": {"id": {"S": "2"}}}


async def test_table_operations_are_serialized_by_moto() -> None:
    table = await _table()
    described = json.loads((await _call("DescribeTable", {"TableName": table})).body)
    # A timestamp, as moto's serializer writes DynamoDB's epoch seconds.
    assert isinstance(described["Table"]["CreationDateTime"], float)


async def test_a_call_without_http_answers_as_the_route_does() -> None:
    # What the console's DynamoDB pages use: the same status and body, parsed.
    table = await _table()
    item = {"TableName": table, "Item": {"id": {"S": "a"}, "n": {"N": "1"}}}
    route = DynamoDBRoute()
    assert route.call(REGION, "PutItem", item) == (200, {})
    read = {"TableName": table, "Key": {"id": {"S": "a"}}}
    answered = await _call("GetItem", read)
    assert route.call(REGION, "GetItem", read) == (200, json.loads(answered.body))
    described = route.call(REGION, "DescribeTable", {"TableName": table})
    assert isinstance(described[1]["Table"]["CreationDateTime"], float)
    assert route.call(REGION, "GetItem", {"TableName": "Absent", "Key": read["Key"]}) == (
        400,
        {
            "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
            "message": "Requested resource not found",
        },
    )
    assert route.call(REGION, "Nothing", {}) == (
        400,
        {"__type": "com.amazon.coral.service#UnknownOperationException"},
    )


async def test_moto_errors_keep_their_wire_json() -> None:
    missing = await _call("GetItem", {"TableName": "Absent", "Key": {"id": {"S": "x"}}})
    assert missing.status == 400
    assert json.loads(missing.body) == {
        "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "message": "Requested resource not found",
    }
    table = await _table()
    again = await _call("CreateTable", _create(table))
    assert again.status == 400
    assert json.loads(again.body) == {
        "__type": "com.amazonaws.dynamodb.v20120810#ResourceInUseException",
        "message": f"Table already exists: {table}",
    }


async def test_a_moto_failure_is_an_internal_server_error_not_a_traceback() -> None:
    # moto 5.2.5 fails on a CreateTable without KeySchema (DynamoDB: ValidationException).
    answer = await _call("CreateTable", {"TableName": "NoKeys"})
    assert answer.status == 500
    assert json.loads(answer.body)["__type"] == "com.amazon.coral.service#InternalServerError"


@pytest.mark.parametrize("target", ["FlyToTheMoon", "SetupClass", "Dispatch", "get_item", ""])
async def test_only_dynamodbs_own_operations_are_run(target: str) -> None:
    # The handler has other methods (setup_class, dispatch ...): a target never reaches them.
    answer = await _call(target, {})
    assert answer.status == 400
    assert json.loads(answer.body) == {
        "__type": "com.amazon.coral.service#UnknownOperationException"
    }


@pytest.mark.parametrize("body", [b"{", b"[]", b"\xff"])
async def test_a_body_that_is_no_json_object_is_a_serialization_exception(body: bytes) -> None:
    answer = await _call("ListTables", body)
    assert answer.status == 400
    assert json.loads(answer.body)["__type"] == "com.amazon.coral.service#SerializationException"


QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}},
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}},
     "ScanIndexForward": False, "Limit": 2},
    {"KeyConditionExpression": "pk = :p AND sk BETWEEN :l AND :h",
     "ExpressionAttributeValues": {":p": {"S": "a"}, ":l": {"N": "2"}, ":h": {"N": "10"}}},
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}},
     "Limit": 2, "ExclusiveStartKey": {"pk": {"S": "a"}, "sk": {"N": "2"}}},
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "none"}}},
    {"KeyConditionExpression": "pk = :p", "FilterExpression": "odd = :t",
     "ExpressionAttributeValues": {":p": {"S": "a"}, ":t": {"S": "True"}}, "Select": "COUNT"},
    {"IndexName": "byOdd", "KeyConditionExpression": "odd = :t",
     "ExpressionAttributeValues": {":t": {"S": "True"}}},
    {"KeyConditionExpression": "#k = :p", "ExpressionAttributeNames": {"#k": "pk"},
     "ExpressionAttributeValues": {":p": {"N": "1"}}},
]  # fmt: skip


def _queries(table: str) -> list[Any]:
    moto = MotoDynamoDB(REGION)
    answers: list[Any] = []
    for query in QUERIES:
        try:
            answers.append(moto.call_now("Query", {"TableName": table, **query}))
        except DynamoDBServiceError as error:
            answers.append((error.code, error.message))
    return answers


async def test_a_query_reads_its_partition_with_motos_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    query_by_partition()
    table = f"Partitioned-{uuid.uuid4().hex[:8]}"
    create = {
        "TableName": table,
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "odd", "AttributeType": "S"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "byOdd",
                "KeySchema": [{"AttributeName": "odd", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
    assert (await _call("CreateTable", create)).status == 200
    for pk in ("a", "b", "c"):
        for sk in (1, 2, 3, 10, 11):
            item = {"pk": {"S": pk}, "sk": {"N": str(sk)}, "odd": {"S": str(sk % 2 == 1)}}
            await _call("PutItem", {"TableName": table, "Item": item})
    hooked = _queries(table)
    assert hooked[0]["Count"] == 5
    assert hooked[-2]["Count"] == 9  # through the index: the odd items of every partition
    monkeypatch.setattr(Table, "query", original_table_query())
    assert _queries(table) == hooked
