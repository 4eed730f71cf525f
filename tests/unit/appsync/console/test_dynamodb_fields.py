"""The console API's DynamoDB fields against the embedded DynamoDB: each answers what the AWS
endpoint answers boto3 for the same request (items in DynamoDB JSON), errors carry DynamoDB's
codes, and a table with a stream is followed record by record."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from appsync.aws.dynamodb import DynamoDBRoute
from appsync.console.context import ConsoleServices
from tests.unit.appsync.console.support import data, engine, execute, services, subscribe

ROUTE = DynamoDBRoute()
REGION = "us-east-1"


def _create(name: str, stream: bool = False) -> None:
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [
            {"AttributeName": "customer", "KeyType": "HASH"},
            {"AttributeName": "orderId", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "orderId", "AttributeType": "S"},
            {"AttributeName": "status", "AttributeType": "S"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "byStatus",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if stream:
        request["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        }
    status, body = ROUTE.call(REGION, "CreateTable", request)
    assert status == 200, body


def _order(customer: str, order: str, status: str, total: int) -> dict[str, Any]:
    return {
        "customer": {"S": customer},
        "orderId": {"S": order},
        "status": {"S": status},
        "total": {"N": str(total)},
    }


PUT = "mutation ($input: PutItemInput!) { putItem(input: $input) { Attributes } }"
GET = "query ($input: GetItemInput!) { getItem(input: $input) { Item } }"
PAGE = "Items Count ScannedCount LastEvaluatedKey"


@pytest.fixture(scope="module")
def orders() -> str:
    _create("ConsoleOrders")
    for number in range(5):
        status, body = ROUTE.call(
            REGION,
            "PutItem",
            {"TableName": "ConsoleOrders", "Item": _order("ada", f"o-{number}", "OPEN", number)},
        )
        assert status == 200, body
    return "ConsoleOrders"


@pytest.mark.anyio
async def test_a_table_is_described_as_dynamodb_describes_it(orders: str) -> None:
    shown = await data(
        services(),
        """query ($name: String!) {
          listTables(input: {}) { TableNames LastEvaluatedTableName }
          describeTable(input: {TableName: $name}) { Table {
            TableName TableArn TableStatus CreationDateTime ItemCount
            BillingModeSummary { BillingMode }
            KeySchema { AttributeName KeyType }
            AttributeDefinitions { AttributeName AttributeType }
            GlobalSecondaryIndexes { IndexName KeySchema { AttributeName KeyType }
                                     Projection { ProjectionType NonKeyAttributes } }
            LocalSecondaryIndexes { IndexName }
            StreamSpecification { StreamEnabled }
          } }
        }""",
        {"name": orders},
    )
    assert orders in shown["listTables"]["TableNames"]
    _, wire = ROUTE.call(REGION, "DescribeTable", {"TableName": orders})
    table = shown["describeTable"]["Table"]
    expected = wire["Table"]
    for member in ("TableName", "TableArn", "TableStatus", "CreationDateTime", "ItemCount"):
        assert table[member] == expected[member]
    assert table["KeySchema"] == expected["KeySchema"]
    assert table["AttributeDefinitions"] == expected["AttributeDefinitions"]
    assert table["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    assert table["GlobalSecondaryIndexes"] == [
        {
            "IndexName": "byStatus",
            "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
        }
    ]
    assert isinstance(table["CreationDateTime"], float)


@pytest.mark.anyio
async def test_items_are_read_in_pages(orders: str) -> None:
    served = services()
    query = f"query ($input: ScanInput!) {{ scan(input: $input) {{ {PAGE} }} }}"
    seen: list[dict[str, Any]] = []
    start = None
    for _ in range(4):
        page = (
            await data(
                served,
                query,
                {"input": {"TableName": orders, "Limit": 2, "ExclusiveStartKey": start}},
            )
        )["scan"]
        seen.extend(page["Items"])
        start = page["LastEvaluatedKey"]
        if start is None:
            break
    _, wire = ROUTE.call(REGION, "Scan", {"TableName": orders})
    assert seen == wire["Items"]
    queried = await data(
        served,
        f"query ($input: QueryInput!) {{ query(input: $input) {{ {PAGE} }} }}",
        {
            "input": {
                "TableName": orders,
                "KeyConditionExpression": "customer = :c AND orderId > :o",
                "ExpressionAttributeValues": {":c": {"S": "ada"}, ":o": {"S": "o-2"}},
                "ScanIndexForward": False,
            }
        },
    )
    assert [item["orderId"] for item in queried["query"]["Items"]] == [{"S": "o-4"}, {"S": "o-3"}]
    assert queried["query"]["Count"] == 2


@pytest.mark.anyio
async def test_an_item_is_written_updated_and_deleted(orders: str) -> None:
    served = services()
    key = {"customer": {"S": "grace"}, "orderId": {"S": "g-1"}}
    item = {**_order("grace", "g-1", "OPEN", 3), "lines": {"L": [{"N": "1"}, {"BOOL": True}]}}
    await data(served, PUT, {"input": {"TableName": orders, "Item": item}})
    assert (await data(served, GET, {"input": {"TableName": orders, "Key": key}}))["getItem"] == {
        "Item": item
    }
    updated = await data(
        served,
        "mutation ($input: UpdateItemInput!) { updateItem(input: $input) { Attributes } }",
        {
            "input": {
                "TableName": orders,
                "Key": key,
                "UpdateExpression": "SET #s = :s",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":s": {"S": "SHIPPED"}},
                "ReturnValues": "UPDATED_NEW",
            }
        },
    )
    assert updated["updateItem"]["Attributes"] == {"status": {"S": "SHIPPED"}}
    deleted = await data(
        served,
        "mutation ($input: DeleteItemInput!) { deleteItem(input: $input) { Attributes } }",
        {"input": {"TableName": orders, "Key": key, "ReturnValues": "ALL_OLD"}},
    )
    assert deleted["deleteItem"]["Attributes"]["status"] == {"S": "SHIPPED"}
    assert (await data(served, GET, {"input": {"TableName": orders, "Key": key}}))["getItem"] == {
        "Item": None
    }


@pytest.mark.anyio
async def test_dynamodb_errors_carry_dynamodb_codes(orders: str) -> None:
    served = services()
    missing = await execute(served, GET, {"input": {"TableName": "NoSuchTable", "Key": {}}})
    assert missing.errors is not None
    assert missing.errors[0].extensions == {"errorType": "ResourceNotFoundException"}
    refused = await execute(
        served,
        PUT,
        {
            "input": {
                "TableName": orders,
                "Item": _order("ada", "o-1", "OPEN", 1),
                "ConditionExpression": "attribute_not_exists(customer)",
            }
        },
    )
    assert refused.errors is not None
    assert refused.errors[0].extensions == {"errorType": "ConditionalCheckFailedException"}


@pytest.mark.anyio
async def test_a_table_with_a_stream_is_followed() -> None:
    _create("ConsoleStreamed", stream=True)
    served = services()
    stream = await subscribe(
        served,
        """subscription { onTableRecord(TableName: "ConsoleStreamed") {
          eventName dynamodb { Keys NewImage OldImage StreamViewType ApproximateCreationDateTime }
        } }""",
    )
    first = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.05)  # the subscription notes where the stream ends, then waits
    item = _order("alan", "a-1", "OPEN", 7)
    await data(served, PUT, {"input": {"TableName": "ConsoleStreamed", "Item": item}})
    inserted = (await asyncio.wait_for(first, 5)).data
    changed = {**item, "status": {"S": "SHIPPED"}}
    ROUTE.call(REGION, "PutItem", {"TableName": "ConsoleStreamed", "Item": changed})
    modified = (await asyncio.wait_for(anext(stream), 5)).data
    await stream.aclose()
    assert inserted is not None
    assert modified is not None
    keys = {"customer": {"S": "alan"}, "orderId": {"S": "a-1"}}
    record = inserted["onTableRecord"]
    assert record["eventName"] == "INSERT"
    assert record["dynamodb"]["Keys"] == keys
    assert record["dynamodb"]["NewImage"] == item
    assert record["dynamodb"]["OldImage"] is None
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], float)
    assert modified["onTableRecord"]["eventName"] == "MODIFY"
    assert modified["onTableRecord"]["dynamodb"]["OldImage"] == item
    assert modified["onTableRecord"]["dynamodb"]["NewImage"] == changed


@pytest.mark.anyio
async def test_a_table_without_a_stream_cannot_be_followed(orders: str) -> None:
    stream = await subscribe(
        services(), 'subscription { onTableRecord(TableName: "ConsoleOrders") { eventID } }'
    )
    refused = await anext(stream)
    assert refused.errors is not None
    assert refused.errors[0].extensions == {"errorType": "ResourceNotFoundException"}
    assert "has no stream" in refused.errors[0].message


@pytest.mark.anyio
async def test_a_server_without_dynamodb_says_so() -> None:
    served = ConsoleServices(step_functions=engine(), version="9.9.9")
    result = await execute(served, "{ listTables(input: {}) { TableNames } }")
    assert result.errors is not None
    assert result.errors[0].extensions == {"errorType": "ConsoleApiUnavailable"}
