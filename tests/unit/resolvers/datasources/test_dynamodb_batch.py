"""BatchGetItem, BatchPutItem, BatchDeleteItem, TransactGetItems and TransactWriteItems.

Expected shapes from AppSync's DynamoDB reference: BatchGetItem "If an item has not been
retrieved from the table, a null element appears in the data block for that table"; results
"are sorted per table, based on the order in which they were provided"; `unprocessedKeys` /
`unprocessedItems` per table. TransactGetItems returns `items` and `cancellationReasons`,
TransactWriteItems `keys` and `cancellationReasons`; a cancelled transaction writes nothing and
its reasons follow the order of the request. Both paths (`operations`) run every test.
"""

from __future__ import annotations

from typing import Any

import pytest

from definition.model import DynamoDBConfig
from resolvers.datasources.dynamodb import DynamoDBDataSource
from resolvers.datasources.dynamodb_wire import DynamoDBOperations
from tests.unit.resolvers.datasources.dynamodb_paths import (
    REGION,
    SDK_SUFFIX,
    failure,
    new_source,
    new_table,
    run,
)

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]

V2 = "2018-05-29"


def key(value: str) -> dict[str, Any]:
    return {"id": {"S": value}}


async def put(source: DynamoDBDataSource, name: str, **values: Any) -> None:
    """A PutItem of `key(name)`, with `values` as its attributeValues when there are any."""
    request: dict[str, Any] = {"version": V2, "operation": "PutItem", "key": key(name)}
    if values:
        request["attributeValues"] = values
    await run(source, request)


async def test_batch_get_item_keeps_key_order_and_nulls_per_table(
    operations: DynamoDBOperations,
) -> None:
    posts = await new_source(operations, "Posts")
    authors = await new_table(operations, "Authors")
    put_batch = {
        "version": V2,
        "operation": "BatchPutItem",
        "tables": {
            posts.config.table_name: [
                {"id": {"S": "p1"}, "title": {"S": "One"}},
                {"id": {"S": "p2"}, "title": {"S": "Two"}},
            ],
            authors: [{"id": {"S": "a1"}, "name": {"S": "Ana"}}],
        },
    }
    assert await run(posts, put_batch) == {
        "data": {
            posts.config.table_name: [{"id": "p1", "title": "One"}, {"id": "p2", "title": "Two"}],
            authors: [{"id": "a1", "name": "Ana"}],
        },
        "unprocessedItems": {posts.config.table_name: [], authors: []},
    }
    request = {
        "version": V2,
        "operation": "BatchGetItem",
        "tables": {
            posts.config.table_name: {"keys": [key("p2"), key("missing"), key("p1")]},
            authors: {"keys": [key("a1")], "consistentRead": True},
        },
    }
    assert await run(posts, request) == {
        "data": {
            posts.config.table_name: [
                {"id": "p2", "title": "Two"},
                None,
                {"id": "p1", "title": "One"},
            ],
            authors: [{"id": "a1", "name": "Ana"}],
        },
        "unprocessedKeys": {posts.config.table_name: [], authors: []},
    }


async def test_batch_get_item_over_one_hundred_keys_is_refused(
    operations: DynamoDBOperations,
) -> None:
    # "BatchGetItem is limited to 100 keys"; DynamoDB answers more with a ValidationException.
    posts = await new_source(operations)
    request = {
        "version": V2,
        "operation": "BatchGetItem",
        "tables": {posts.config.table_name: {"keys": [key(str(n)) for n in range(101)]}},
    }
    error = await failure(posts, request)
    assert error.error_type == "DynamoDB:ValidationException"
    assert SDK_SUFFIX in error.message
    assert "less than or equal to 100" in error.message


async def test_batch_delete_item_returns_the_keys_deleted(operations: DynamoDBOperations) -> None:
    posts = await new_source(operations)
    table = posts.config.table_name
    for name in ("p1", "p2"):
        await put(posts, name)
    request = {
        "version": V2,
        "operation": "BatchDeleteItem",
        "tables": {table: [key("p1"), key("p2")]},
    }
    assert await run(posts, request) == {
        "data": {table: [{"id": "p1"}, {"id": "p2"}]},
        "unprocessedKeys": {table: []},
    }
    assert await run(posts, {"version": V2, "operation": "GetItem", "key": key("p1")}) is None


async def test_transact_get_items_returns_items_in_request_order(
    operations: DynamoDBOperations,
) -> None:
    posts = await new_source(operations)
    table = posts.config.table_name
    await put(posts, "p1", n={"N": 1})
    request = {
        "version": V2,
        "operation": "TransactGetItems",
        "transactItems": [
            {"table": table, "key": key("missing")},
            {"table": table, "key": key("p1")},
        ],
    }
    assert await run(posts, request) == {
        "items": [None, {"id": "p1", "n": 1}],
        "cancellationReasons": None,
    }


def transact_write(table: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": V2,
        "operation": "TransactWriteItems",
        "transactItems": [
            {
                "table": table,
                "operation": "PutItem",
                "key": key("new"),
                "attributeValues": {"title": {"S": "New"}},
            },
            {
                "table": table,
                "operation": "UpdateItem",
                "key": key("p1"),
                "update": {"expression": "SET title = :t", "expressionValues": {":t": {"S": "U"}}},
            },
            {
                "table": table,
                "operation": "ConditionCheck",
                "key": key("p2"),
                "condition": condition,
            },
        ],
    }


async def test_transact_write_items_returns_the_keys(operations: DynamoDBOperations) -> None:
    posts = await new_source(operations)
    table = posts.config.table_name
    await put(posts, "p2")
    result = await run(posts, transact_write(table, {"expression": "attribute_exists(id)"}))
    assert result == {
        "keys": [{"id": "new"}, {"id": "p1"}, {"id": "p2"}],
        "cancellationReasons": None,
    }
    assert await run(posts, {"version": V2, "operation": "GetItem", "key": key("p1")}) == {
        "id": "p1",
        "title": "U",
    }


async def test_a_cancelled_transaction_writes_nothing_and_gives_reasons_in_order(
    operations: DynamoDBOperations,
) -> None:
    posts = await new_source(operations)
    table = posts.config.table_name
    await put(posts, "p2", v={"N": 1})
    error = await failure(
        posts,
        transact_write(table, {"expression": "v = :two", "expressionValues": {":two": {"N": 2}}}),
    )
    assert error.error_type == "DynamoDB:TransactionCanceledException"
    assert SDK_SUFFIX in error.message
    assert error.data["keys"] is None
    reasons = error.data["cancellationReasons"]
    assert [reason["type"] for reason in reasons] == ["None", "None", "ConditionalCheckFailed"]
    # returnValuesOnConditionCheckFailure defaults to true: the failing item comes back.
    assert reasons[2]["item"] == {"id": "p2", "v": 1}
    assert await run(posts, {"version": V2, "operation": "GetItem", "key": key("new")}) is None


async def test_return_values_on_condition_check_failure_false_leaves_the_item_out(
    operations: DynamoDBOperations,
) -> None:
    posts = await new_source(operations)
    table = posts.config.table_name
    await put(posts, "p2")
    condition = {
        "expression": "attribute_not_exists(id)",
        "returnValuesOnConditionCheckFailure": False,
    }
    error = await failure(posts, transact_write(table, condition))
    assert "item" not in error.data["cancellationReasons"][2]


async def test_a_transaction_of_an_unknown_operation_is_a_mapping_template_error(
    operations: DynamoDBOperations,
) -> None:
    posts = await new_source(operations)
    request = {
        "version": V2,
        "operation": "TransactWriteItems",
        "transactItems": [{"table": posts.config.table_name, "operation": "Scan", "key": key("x")}],
    }
    error = await failure(posts, request)
    assert error.error_type == "MappingTemplate"


class PartialDynamoDB:
    """DynamoDB answering a batch only in part, as it does when throttled. The replies have the
    shapes of BatchGetItem's and BatchWriteItem's outputs (DynamoDB API reference):
    `UnprocessedKeys` in the form of `RequestItems`, `UnprocessedItems` as write requests."""

    async def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        ((table, request),) = params["RequestItems"].items()
        if operation == "BatchGetItem":
            first, *rest = request["Keys"]
            return {
                "Responses": {table: [{**first, "title": {"S": "Done"}}]},
                "UnprocessedKeys": {table: {"Keys": rest}} if rest else {},
            }
        return {"UnprocessedItems": {table: request[1:]}}


async def test_unprocessed_keys_are_null_in_data_and_listed_apart() -> None:
    # BatchGetItem reference: an item "not processed due to an error" is null in the data
    # block and its key is in unprocessedKeys.
    source = DynamoDBDataSource("Posts", DynamoDBConfig("posts", REGION), PartialDynamoDB())
    request = {
        "version": V2,
        "operation": "BatchGetItem",
        "tables": {"posts": {"keys": [key("p1"), key("p2")]}},
    }
    assert await run(source, request) == {
        "data": {"posts": [{"id": "p1", "title": "Done"}, None]},
        "unprocessedKeys": {"posts": [{"id": "p2"}]},
    }


async def test_unprocessed_items_are_null_in_data_and_listed_apart() -> None:
    source = DynamoDBDataSource("Posts", DynamoDBConfig("posts", REGION), PartialDynamoDB())
    items = [{"id": {"S": "p1"}}, {"id": {"S": "p2"}, "n": {"N": 1}}]
    request = {"version": V2, "operation": "BatchPutItem", "tables": {"posts": items}}
    assert await run(source, request) == {
        "data": {"posts": [{"id": "p1"}, None]},
        "unprocessedItems": {"posts": [{"id": "p2", "n": 1}]},
    }
