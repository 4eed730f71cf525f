"""The embedded DynamoDB's GetItem path answers exactly as moto's own request handler does.

`MotoDynamoDB` reads items without moto's `DynamoHandler` JSON layer (issue 4). The oracle here
is that handler itself (moto 5.2.5), called as moto's server calls it after parsing a request:
every result and every error (code and message) must be the same, so the two cannot drift.
Binary values are stored as moto's server stores them, so the loopback endpoint and the
embedded path see the same items.

Writes keep nothing but the table's data (issue 12): moto's default keeps every model
instance it ever made in its class's `instances_tracked` list, which the memory tests here
would see grow by one `Item` (about 1 KiB) per PutItem and by a whole table per
TransactWriteItems.
"""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from moto.core.exceptions import JsonRESTError
from moto.core.model_instances import model_data, reset_model_data
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodb.models.table import StreamRecord, Table
from moto.dynamodb.responses import DynamoHandler
from moto.moto_api._internal.responses import MotoAPIResponse

from resolvers.datasources.dynamodb_boto import BotoDynamoDB
from resolvers.datasources.dynamodb_moto import (
    DEFAULT_ACCOUNT_ID,
    UNTRACKED_SERVICES,
    LiveInstances,
    MotoDynamoDB,
)
from resolvers.datasources.dynamodb_tables import LoopbackEndpoint
from resolvers.datasources.dynamodb_wire import wire_json
from resolvers.errors import DynamoDBServiceError

# A region of its own: these tests drop every table in it.
REGION = "eu-north-1"

SIMPLE = {
    "TableName": "Simple",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
COMPOSITE = {
    "TableName": "Composite",
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
    ],
    "BillingMode": "PAY_PER_REQUEST",
}
# Every DynamoDB type, nested ones included.
EVERY_TYPE: dict[str, Any] = {
    "pk": {"S": "p1"},
    "sk": {"N": "7"},
    "title": {"S": "Hello"},
    "views": {"N": "12.50"},
    "done": {"BOOL": False},
    "gone": {"NULL": True},
    "tags": {"SS": ["a", "b"]},
    "scores": {"NS": ["1", "2.5"]},
    "blob": {"B": "aGVsbG8="},
    "blobs": {"BS": ["aGk=", "aG8="]},
    "list": {"L": [{"S": "x"}, {"N": "1"}, {"M": {"deep": {"B": "AQI="}}}]},
    "map": {"M": {"a": {"S": "b"}, "n": {"L": [{"BOOL": True}]}}},
}


@pytest.fixture
def embedded() -> Iterator[MotoDynamoDB]:
    operations = MotoDynamoDB(REGION)
    for create in (SIMPLE, COMPOSITE):
        operations.call_now("CreateTable", create)
    operations.call_now("PutItem", {"TableName": "Simple", "Item": {"id": {"S": "s1"}}})
    operations.call_now("PutItem", {"TableName": "Composite", "Item": EVERY_TYPE})
    yield operations
    for name in operations.call_now("ListTables", {})["TableNames"]:
        operations.call_now("DeleteTable", {"TableName": name})


def through_handler(params: dict[str, Any]) -> dict[str, Any]:
    """moto's own answer: its DynamoHandler.get_item, as its server runs it."""
    handler = DynamoHandler()
    handler.current_account = DEFAULT_ACCOUNT_ID
    handler.region = REGION
    handler.body = params
    return wire_json(handler.get_item().result)  # type: ignore[no-any-return]


def table_arn(name: str) -> str:
    return str(dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(name).table_arn)


@pytest.mark.parametrize(
    "params",
    [
        {"TableName": "Simple", "Key": {"id": {"S": "s1"}}},
        {"TableName": "Simple", "Key": {"id": {"S": "absent"}}, "ConsistentRead": True},
        {"TableName": "Composite", "Key": {"pk": {"S": "p1"}, "sk": {"N": "7"}}},
        {"TableName": "Composite", "Key": {"pk": {"S": "p1"}, "sk": {"N": "7.0"}}},
        {"TableName": "Composite", "Key": {"pk": {"S": "p1"}, "sk": {"N": "8"}}},
        {
            "TableName": "Composite",
            "Key": {"pk": {"S": "p1"}, "sk": {"N": "7"}},
            "ProjectionExpression": "#t, #m.a, list[2].deep, tags, #u",
            "ExpressionAttributeNames": {"#t": "title", "#m": "map", "#u": "unknown"},
        },
        {
            "TableName": "Composite",
            "Key": {"pk": {"S": "p1"}, "sk": {"N": "7"}},
            "ProjectionExpression": "nothing",
        },
    ],
    ids=["item", "no item", "every type", "same number", "other key", "projection", "none"],
)
def test_get_item_returns_what_moto_handler_returns(
    embedded: MotoDynamoDB, params: dict[str, Any]
) -> None:
    expected = through_handler(params)
    assert embedded.call_now("GetItem", params) == expected


def test_every_type_reads_back_as_written(embedded: MotoDynamoDB) -> None:
    # Independent of moto's handler: what PutItem stored is what GetItem answers.
    key = {"pk": {"S": "p1"}, "sk": {"N": "7"}}
    result = embedded.call_now("GetItem", {"TableName": "Composite", "Key": key})
    assert result == {"Item": EVERY_TYPE}


def test_get_item_by_table_arn_reads_the_table(embedded: MotoDynamoDB) -> None:
    params = {"TableName": table_arn("Simple"), "Key": {"id": {"S": "s1"}}}
    assert embedded.call_now("GetItem", params) == {"Item": {"id": {"S": "s1"}}}
    assert through_handler(params) == {"Item": {"id": {"S": "s1"}}}


@pytest.mark.parametrize(
    "params",
    [
        {"TableName": "Missing", "Key": {"id": {"S": "s1"}}},
        {"TableName": "Simple", "Key": {"id": {"S": ""}}},
        {"TableName": "Simple", "Key": {"id": {"S": "s1"}, "other": {"S": "x"}}},
        {"TableName": "Simple", "Key": {"name": {"S": "s1"}}},
        {"TableName": "Composite", "Key": {"pk": {"S": "p1"}}},
        {"TableName": "Simple", "Key": {"id": {"S": "s1"}}, "ProjectionExpression": ""},
        {
            "TableName": "Simple",
            "Key": {"id": {"S": "s1"}},
            "ExpressionAttributeNames": {"#i": "id"},
        },
        {
            "TableName": "Simple",
            "Key": {"id": {"S": "s1"}},
            "ProjectionExpression": "id",
            "ExpressionAttributeNames": {},
        },
        {
            "TableName": "Simple",
            "Key": {"id": {"S": "s1"}},
            "ProjectionExpression": "id",
            "ExpressionAttributeNames": {"#unused": "title"},
        },
        {"TableName": "Simple", "Key": {"id": {"S": "s1"}}, "ProjectionExpression": "name"},
    ],
    ids=[
        "no table",
        "empty key",
        "extra key attribute",
        "wrong key name",
        "no range key",
        "empty projection",
        "names without projection",
        "empty names",
        "unused name",
        "reserved word",
    ],
)
def test_get_item_fails_as_moto_handler_fails(
    embedded: MotoDynamoDB, params: dict[str, Any]
) -> None:
    with pytest.raises(JsonRESTError) as expected:
        through_handler(params)
    with pytest.raises(DynamoDBServiceError) as raised:
        embedded.call_now("GetItem", params)
    assert raised.value.code == str(expected.value.error_type).rsplit("#", 1)[-1]
    assert raised.value.message == expected.value.message
    assert raised.value.status == expected.value.code == 400


def test_a_missing_table_is_dynamodb_resource_not_found(embedded: MotoDynamoDB) -> None:
    # DynamoDB's answer for a table that does not exist (GetItem API reference, Errors).
    with pytest.raises(DynamoDBServiceError) as raised:
        embedded.call_now("GetItem", {"TableName": "Missing", "Key": {"id": {"S": "1"}}})
    assert raised.value.code == "ResourceNotFoundException"


def test_a_key_attribute_outside_the_schema_does_not_match_it(embedded: MotoDynamoDB) -> None:
    # DynamoDB's message for a key that is not the table's key schema.
    params = {"TableName": "Simple", "Key": {"id": {"S": "s1"}, "x": {"S": "y"}}}
    with pytest.raises(DynamoDBServiceError) as raised:
        embedded.call_now("GetItem", params)
    assert raised.value.code == "ValidationException"
    assert raised.value.message == "The provided key element does not match the schema"


def test_consumed_capacity_is_still_reported(embedded: MotoDynamoDB) -> None:
    # ReturnConsumedCapacity is the handler's: a GetItem that asks for it still gets it.
    params = {"TableName": "Simple", "Key": {"id": {"S": "s1"}}, "ReturnConsumedCapacity": "TOTAL"}
    result = embedded.call_now("GetItem", params)
    assert result["ConsumedCapacity"]["TableName"] == "Simple"
    assert result["Item"] == {"id": {"S": "s1"}}


def test_a_changed_result_leaves_the_stored_item_alone(embedded: MotoDynamoDB) -> None:
    key = {"pk": {"S": "p1"}, "sk": {"N": "7"}}
    first = embedded.call_now("GetItem", {"TableName": "Composite", "Key": key})
    first["Item"]["tags"]["SS"].append("c")
    first["Item"]["map"]["M"]["a"]["S"] = "changed"
    first["Item"]["list"]["L"].clear()
    again = embedded.call_now("GetItem", {"TableName": "Composite", "Key": key})
    assert again == {"Item": EVERY_TYPE}


def test_a_reset_backend_is_read_afresh() -> None:
    # moto's reset replaces the per-region backends: the next call must not see a stale one.
    operations = MotoDynamoDB("eu-south-1")
    operations.call_now("CreateTable", {**SIMPLE, "TableName": "Reset"})
    operations.call_now("PutItem", {"TableName": "Reset", "Item": {"id": {"S": "r"}}})
    dynamodb_backends[DEFAULT_ACCOUNT_ID]["eu-south-1"].reset()
    with pytest.raises(DynamoDBServiceError) as raised:
        operations.call_now("GetItem", {"TableName": "Reset", "Key": {"id": {"S": "r"}}})
    assert raised.value.code == "ResourceNotFoundException"


def test_a_projection_reads_binary_values(embedded: MotoDynamoDB) -> None:
    key = {"pk": {"S": "p1"}, "sk": {"N": "7"}}
    params = {"TableName": "Composite", "Key": key, "ProjectionExpression": "blobs, #b"}
    result = embedded.call_now("GetItem", {**params, "ExpressionAttributeNames": {"#b": "blob"}})
    assert result["Item"]["blob"] == EVERY_TYPE["blob"]
    # A set has no order (moto's projection rebuilds it as a Python set).
    assert sorted(result["Item"]["blobs"]["BS"]) == sorted(EVERY_TYPE["blobs"]["BS"])
    assert set(result["Item"]) == {"blob", "blobs"}


@pytest.mark.timeout(30)
@pytest.mark.anyio
async def test_binary_keys_are_shared_with_the_loopback_endpoint(
    embedded: MotoDynamoDB, loopback: LoopbackEndpoint
) -> None:
    create = {
        **SIMPLE,
        "TableName": "Binary",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "B"}],
    }
    embedded.call_now("CreateTable", create)
    client = BotoDynamoDB(REGION, loopback.url)
    try:
        await client.call("PutItem", {"TableName": "Binary", "Item": {"id": {"B": "aGk="}}})
        embedded.call_now("PutItem", {"TableName": "Binary", "Item": {"id": {"B": "AQI="}}})
        for key in ("aGk=", "AQI="):
            params = {"TableName": "Binary", "Key": {"id": {"B": key}}}
            assert embedded.call_now("GetItem", params) == {"Item": {"id": {"B": key}}}
            assert await client.call("GetItem", params) == {"Item": {"id": {"B": key}}}
    finally:
        client.close()


def test_a_written_document_changed_afterwards_leaves_the_stored_item_alone(
    embedded: MotoDynamoDB,
) -> None:
    item: dict[str, Any] = {
        "id": {"S": "w1"},
        "tags": {"SS": ["a"]},
        "map": {"M": {"k": {"L": [{"S": "v"}]}}},
    }
    embedded.call_now("PutItem", {"TableName": "Simple", "Item": item})
    item["tags"]["SS"].append("b")
    item["map"]["M"]["k"]["L"].append({"S": "w"})
    item["id"]["S"] = "changed"
    result = embedded.call_now("GetItem", {"TableName": "Simple", "Key": {"id": {"S": "w1"}}})
    assert result == {
        "Item": {"id": {"S": "w1"}, "tags": {"SS": ["a"]}, "map": {"M": {"k": {"L": [{"S": "v"}]}}}}
    }


def _put(number: int) -> dict[str, Any]:
    return {"TableName": "Simple", "Item": {"id": {"S": "same"}, "n": {"N": str(number)}}}


WRITES: dict[str, Callable[[int], list[tuple[str, dict[str, Any]]]]] = {
    "PutItem": lambda n: [("PutItem", _put(n))],
    "UpdateItem": lambda n: [
        (
            "UpdateItem",
            {
                "TableName": "Simple",
                "Key": {"id": {"S": "same"}},
                "UpdateExpression": "SET n = :n, title = :t",
                "ExpressionAttributeValues": {":n": {"N": str(n)}, ":t": {"S": "x" * 100}},
            },
        )
    ],
    "DeleteItem": lambda n: [
        ("PutItem", _put(n)),
        ("DeleteItem", {"TableName": "Simple", "Key": {"id": {"S": "same"}}}),
    ],
    "BatchWriteItem": lambda n: [
        ("BatchWriteItem", {"RequestItems": {"Simple": [{"PutRequest": _put(n)}]}}),
    ],
    "TransactWriteItems": lambda n: [
        ("TransactWriteItems", {"TransactItems": [{"Put": _put(n)}]}),
    ],
}


def _retained_bytes(run: Callable[[], None]) -> int:
    """What `run` leaves allocated, as tracemalloc sees it once garbage is collected."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        run()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("operation", list(WRITES))
def test_writes_to_the_same_key_keep_nothing_behind(embedded: MotoDynamoDB, operation: str) -> None:
    # The Composite table holds 1 item, so TransactWriteItems' rollback copy is small: the
    # growth measured here is what moto keeps, not what the table holds.
    def write(first: int, count: int) -> None:
        for number in range(first, first + count):
            for name, params in WRITES[operation](number):
                embedded.call_now(name, params)

    write(0, 50)  # warm-up: moto's and Python's caches fill on first use
    gc.collect()
    tracked_before = len(Item.instances_tracked)  # type: ignore[attr-defined]
    retained = _retained_bytes(lambda: write(50, 400))
    assert len(Item.instances_tracked) <= tracked_before + 1  # type: ignore[attr-defined]
    # moto's default keeps about 1 KiB per write here (400 KiB); what is left must not grow.
    assert retained < 64 * 1024


def test_a_table_copy_for_a_transaction_is_not_kept(embedded: MotoDynamoDB) -> None:
    for number in range(200):
        item = {"id": {"S": f"i{number}"}, "title": {"S": "x" * 100}}
        embedded.call_now("PutItem", {"TableName": "Simple", "Item": item})

    def transactions(count: int) -> None:
        for number in range(count):
            embedded.call_now("TransactWriteItems", {"TransactItems": [{"Put": _put(number)}]})

    transactions(2)  # warm-up: moto's and Python's caches fill on first use
    gc.collect()
    tables = len(Table.instances_tracked)  # type: ignore[attr-defined]
    retained = _retained_bytes(lambda: transactions(20))
    assert len(Table.instances_tracked) == tables  # type: ignore[attr-defined]
    # Each copy of the 200-item table is about 200 KiB under moto's default.
    assert retained < 200 * 1024


def test_a_stream_keeps_its_records_and_nothing_more(embedded: MotoDynamoDB) -> None:
    gc.collect()
    before = len(StreamRecord.instances_tracked)  # type: ignore[attr-defined]
    specification = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    embedded.call_now(
        "CreateTable", {**SIMPLE, "TableName": "Streamed", "StreamSpecification": specification}
    )
    for number in range(100):
        embedded.call_now("PutItem", {**_put(number), "TableName": "Streamed"})
    # DynamoDB Streams keeps records for 24 hours: the table's shard holds them.
    shard = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table("Streamed").stream_shard
    assert shard is not None
    assert len(shard.items) == 100
    del shard
    gc.collect()
    assert len(StreamRecord.instances_tracked) == before + 100  # type: ignore[attr-defined]
    # Once the table is gone, nothing keeps its records.
    embedded.call_now("DeleteTable", {"TableName": "Streamed"})
    gc.collect()
    assert len(StreamRecord.instances_tracked) == before  # type: ignore[attr-defined]


def _dashboard_items() -> int:
    """How many DynamoDB items moto's dashboard data (`/moto-api/data.json`) lists."""
    status, _, body = MotoAPIResponse().model_data(None, "", {})
    assert status == 200
    return len(json.loads(body)["dynamodb"]["Item"])


def test_moto_dashboard_still_lists_the_live_items(embedded: MotoDynamoDB) -> None:
    gc.collect()
    before = _dashboard_items()
    embedded.call_now("PutItem", _put(1))
    embedded.call_now("PutItem", _put(2))  # replaces the first: one live item more
    gc.collect()
    assert _dashboard_items() == before + 1


def test_the_tracking_stays_weak_after_a_moto_reset(embedded: MotoDynamoDB) -> None:
    # `mock_aws` and `/moto-api/reset` put a plain list back on every model class.
    reset_model_data()
    assert isinstance(Item.instances_tracked, list)  # type: ignore[attr-defined]
    embedded.call_now("PutItem", _put(1))
    for service in UNTRACKED_SERVICES:
        for model in model_data[service].values():
            assert isinstance(model.instances_tracked, LiveInstances)  # type: ignore[attr-defined]
