"""GetItem, PutItem, UpdateItem, DeleteItem, Query and Scan through the DynamoDB data source.

Expected values come from AppSync's "Resolver mapping template reference for DynamoDB": the
request documents, the "Type system (response mapping)" conversions, the Query/Scan result
shape `{items, nextToken, scannedCount}`, and "Condition expressions" (Handling a condition
check failure). Every test runs on the embedded and the boto3 path (`operations`).
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
    run,
)

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]

V1 = "2017-02-28"
V2 = "2018-05-29"


def put(key: str, **values: Any) -> dict[str, Any]:
    return {
        "version": V1,
        "operation": "PutItem",
        "key": {"id": {"S": key}},
        "attributeValues": values,
    }


def get(key: str, **extra: Any) -> dict[str, Any]:
    return {"version": V1, "operation": "GetItem", "key": {"id": {"S": key}}, **extra}


async def test_get_item_converts_every_type_as_the_response_type_system_says(
    operations: DynamoDBOperations,
) -> None:
    source = await new_source(operations)
    await run(
        source,
        put(
            "1",
            title={"S": "Hello"},
            views={"N": "12"},
            rating={"N": "4.5"},
            draft={"BOOL": False},
            deleted={"NULL": True},
            tags={"SS": ["a"]},
            scores={"NS": ["1", "2.5"]},
            raw={"B": "aGVsbG8="},
            parts={"L": [{"S": "x"}, {"N": "3"}]},
            author={"M": {"name": {"S": "Nadia"}, "age": {"N": "30"}}},
        ),
    )
    assert await run(source, get("1")) == {
        "id": "1",
        "title": "Hello",
        "views": 12,
        "rating": 4.5,
        "draft": False,
        "deleted": None,
        "tags": ["a"],
        "scores": [1, 2.5],
        "raw": "aGVsbG8=",
        "parts": ["x", 3],
        "author": {"name": "Nadia", "age": 30},
    }


async def test_get_item_of_a_missing_key_is_null(operations: DynamoDBOperations) -> None:
    source = await new_source(operations)
    assert await run(source, get("nothing-here")) is None


async def test_get_item_projection_returns_only_the_named_attributes(
    operations: DynamoDBOperations,
) -> None:
    source = await new_source(operations)
    await run(source, put("1", title={"S": "T"}, body={"S": "B"}, views={"N": "1"}))
    # VIEWS is one of DynamoDB's reserved words, so it needs a placeholder too.
    projection = {"expression": "#t, #v", "expressionNames": {"#t": "title", "#v": "views"}}
    result = await run(source, get("1", consistentRead=True, projection=projection))
    assert result == {"title": "T", "views": 1}


async def test_put_item_returns_the_item_written(operations: DynamoDBOperations) -> None:
    source = await new_source(operations)
    result = await run(source, put("7", title={"S": "T"}))
    assert result == {"id": "7", "title": "T"}
    assert await run(source, get("7")) == {"id": "7", "title": "T"}


async def test_typed_values_may_hold_json_numbers_and_null(operations: DynamoDBOperations) -> None:
    # $util.dynamodb.toDynamoDBJson(12) renders { "N" : 12 } and null renders { "NULL" : null }.
    source = await new_source(operations)
    await run(source, put("1", views={"N": 12}, gone={"NULL": None}, ids={"NS": [1, 2]}))
    assert await run(source, get("1")) == {"id": "1", "views": 12, "gone": None, "ids": [1, 2]}


async def test_failed_condition_is_conditional_check_failed_with_the_current_item(
    operations: DynamoDBOperations,
) -> None:
    source = await new_source(operations)
    await run(source, put("1", title={"S": "Original"}))
    request = put("1", title={"S": "Other"})
    request["condition"] = {"expression": "attribute_not_exists(id)"}
    error = await failure(source, request)
    assert error.error_type == "DynamoDB:ConditionalCheckFailedException"
    assert error.message.startswith(f"The conditional request failed {SDK_SUFFIX}")
    assert error.data == {"id": "1", "title": "Original"}
    assert await run(source, get("1")) == {"id": "1", "title": "Original"}


async def test_failed_put_condition_is_a_success_when_the_item_is_already_as_wanted(
    operations: DynamoDBOperations,
) -> None:
    # "If the AWS AppSync DynamoDB resolver can determine that the current value in DynamoDB
    # matches the desired result, it treats the operation as if it succeeded anyway."
    source = await new_source(operations)
    await run(source, put("1", title={"S": "Same"}))
    request = put("1", title={"S": "Same"})
    request["condition"] = {"expression": "attribute_not_exists(id)"}
    assert await run(source, request) == {"id": "1", "title": "Same"}


async def test_equals_ignore_leaves_attributes_out_of_the_comparison(
    operations: DynamoDBOperations,
) -> None:
    source = await new_source(operations)
    await run(source, put("1", title={"S": "Same"}, updatedAt={"S": "2018-01-01"}))
    request = put("1", title={"S": "Same"}, updatedAt={"S": "2019-02-02"})
    request["condition"] = {
        "expression": "attribute_not_exists(id)",
        "equalsIgnore": ["updatedAt"],
    }
    assert await run(source, request) == {"id": "1", "title": "Same", "updatedAt": "2018-01-01"}
    request["condition"] = {"expression": "attribute_not_exists(id)"}
    error = await failure(source, request)
    assert error.error_type == "DynamoDB:ConditionalCheckFailedException"


async def test_update_item_returns_the_item_after_the_update(
    operations: DynamoDBOperations,
) -> None:
    source = await new_source(operations)
    await run(source, put("1", title={"S": "T"}, views={"N": "1"}))
    request = {
        "version": V1,
        "operation": "UpdateItem",
        "key": {"id": {"S": "1"}},
        "update": {
            "expression": "ADD #views :one SET title = :title",
            "expressionNames": {"#views": "views"},
            "expressionValues": {":one": {"N": 1}, ":title": {"S": "New"}},
        },
    }
    assert await run(source, request) == {"id": "1", "title": "New", "views": 2}


async def test_failed_update_condition_is_rejected_even_when_nothing_would_change(
    operations: DynamoDBOperations,
) -> None:
    # For UpdateItem "the AWS AppSync DynamoDB resolver doesn't have sufficient information to
    # determine whether the item currently in DynamoDB matches the expected result".
    source = await new_source(operations)
    await run(source, put("1", title={"S": "T"}))
    request = {
        "version": V2,
        "operation": "UpdateItem",
        "key": {"id": {"S": "1"}},
        "update": {"expression": "SET title = :t", "expressionValues": {":t": {"S": "T"}}},
        "condition": {"expression": "title = :other", "expressionValues": {":other": {"S": "X"}}},
    }
    error = await failure(source, request)
    assert error.error_type == "DynamoDB:ConditionalCheckFailedException"
    assert error.data == {"id": "1", "title": "T"}


async def test_delete_item_returns_the_deleted_item(operations: DynamoDBOperations) -> None:
    source = await new_source(operations)
    await run(source, put("1", title={"S": "T"}))
    request = {"version": V1, "operation": "DeleteItem", "key": {"id": {"S": "1"}}}
    assert await run(source, request) == {"id": "1", "title": "T"}
    assert await run(source, get("1")) is None


async def test_conditional_delete_of_an_item_already_gone_succeeds(
    operations: DynamoDBOperations,
) -> None:
    # DeleteItem: "If no item was returned, it treats the operation as successful."
    source = await new_source(operations)
    request = {
        "version": V1,
        "operation": "DeleteItem",
        "key": {"id": {"S": "gone"}},
        "condition": {"expression": "attribute_exists(id)"},
    }
    assert await run(source, request) is None


async def test_an_element_the_operation_does_not_have_is_a_mapping_template_error(
    operations: DynamoDBOperations,
) -> None:
    # aws-appsync-community#110: returnValuesOnConditionCheckFailure outside a transaction.
    source = await new_source(operations)
    request = put("1")
    request["condition"] = {
        "expression": "attribute_not_exists(id)",
        "returnValuesOnConditionCheckFailure": False,
    }
    error = await failure(source, request)
    assert error.error_type == "MappingTemplate"
    assert error.message == (
        "Unsupported element '$[condition][returnValuesOnConditionCheckFailure]'."
    )


async def test_a_request_without_a_key_is_a_mapping_template_error(
    operations: DynamoDBOperations,
) -> None:
    source = await new_source(operations)
    error = await failure(source, {"version": V1, "operation": "GetItem"})
    assert error.error_type == "MappingTemplate"
    assert "'$[key]'" in error.message


async def test_an_unknown_operation_is_a_mapping_template_error(
    operations: DynamoDBOperations,
) -> None:
    source = await new_source(operations)
    error = await failure(source, {"version": V1, "operation": "Truncate"})
    assert error.error_type == "MappingTemplate"


async def test_a_key_that_does_not_match_the_schema_is_dynamodbs_validation_error(
    operations: DynamoDBOperations,
) -> None:
    # DynamoDB API reference, common errors: "The provided key element does not match the schema".
    source = await new_source(operations)
    error = await failure(
        source, {"version": V1, "operation": "GetItem", "key": {"slug": {"S": "x"}}}
    )
    assert error.error_type == "DynamoDB:ValidationException"
    assert error.message.startswith("The provided key element does not match the schema")


async def test_a_missing_table_is_resource_not_found(operations: DynamoDBOperations) -> None:
    source = DynamoDBDataSource("Nowhere", DynamoDBConfig("NoSuchTable", REGION), operations)
    error = await failure(source, get("1"))
    assert error.error_type == "DynamoDB:ResourceNotFoundException"
    assert error.message.startswith("Requested resource not found")


async def seed_comments(source: DynamoDBDataSource) -> None:
    for post, comment, votes in (
        ("p1", "c1", 5),
        ("p1", "c2", 1),
        ("p1", "c3", 9),
        ("p2", "c1", 2),
    ):
        await run(
            source,
            {
                "version": V2,
                "operation": "PutItem",
                "key": {"postId": {"S": post}, "commentId": {"S": comment}},
                "attributeValues": {"votes": {"N": votes}, "author": {"S": f"a-{votes}"}},
            },
        )


def comments_query(**extra: Any) -> dict[str, Any]:
    return {
        "version": V1,
        "operation": "Query",
        "query": {"expression": "postId = :p", "expressionValues": {":p": {"S": "p1"}}},
        **extra,
    }


async def test_query_pages_with_next_token_and_reports_scanned_count(
    operations: DynamoDBOperations,
) -> None:
    source = await new_source(operations, "Comments", hash_key="postId", range_key="commentId")
    await seed_comments(source)
    first = await run(source, comments_query(limit=2))
    assert [item["commentId"] for item in first["items"]] == ["c1", "c2"]
    assert first["scannedCount"] == 2
    assert isinstance(first["nextToken"], str)
    second = await run(source, comments_query(limit=2, nextToken=first["nextToken"]))
    assert [item["commentId"] for item in second["items"]] == ["c3"]
    assert second["nextToken"] is None


async def test_query_scanned_count_is_taken_before_the_filter(
    operations: DynamoDBOperations,
) -> None:
    # scannedCount: "The number of items that matched the query condition expression, before
    # a filter expression (if present) was applied."
    source = await new_source(operations, "Comments", hash_key="postId", range_key="commentId")
    await seed_comments(source)
    result = await run(
        source,
        comments_query(
            filter={"expression": "votes > :v", "expressionValues": {":v": {"N": "4"}}},
            scanIndexForward=False,
        ),
    )
    assert result == {
        "items": [
            {"postId": "p1", "commentId": "c3", "votes": 9, "author": "a-9"},
            {"postId": "p1", "commentId": "c1", "votes": 5, "author": "a-5"},
        ],
        "nextToken": None,
        "scannedCount": 3,
    }


async def test_query_on_an_index(operations: DynamoDBOperations) -> None:
    index = {
        "IndexName": "byAuthor",
        "KeySchema": [{"AttributeName": "author", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    source = await new_source(
        operations,
        "Comments",
        hash_key="postId",
        range_key="commentId",
        indexes=[index],
        extra_attributes=("author",),
    )
    await seed_comments(source)
    result = await run(
        source,
        {
            "version": V1,
            "operation": "Query",
            "index": "byAuthor",
            "query": {"expression": "author = :a", "expressionValues": {":a": {"S": "a-2"}}},
            "select": "ALL_ATTRIBUTES",
        },
    )
    assert result["items"] == [{"postId": "p2", "commentId": "c1", "votes": 2, "author": "a-2"}]


async def test_an_empty_filter_is_no_filter(operations: DynamoDBOperations) -> None:
    # $util.transform.toDynamoDBFilterExpression of an empty filter leaves no expression.
    source = await new_source(operations, "Comments", hash_key="postId", range_key="commentId")
    await seed_comments(source)
    result = await run(source, comments_query(filter={"expression": ""}))
    assert len(result["items"]) == 3


async def test_a_next_token_this_server_never_issued_is_rejected(
    operations: DynamoDBOperations,
) -> None:
    source = await new_source(operations, "Comments", hash_key="postId", range_key="commentId")
    error = await failure(source, comments_query(nextToken="not-a-token"))
    assert error.error_type == "DynamoDB:ValidationException"


async def test_scan_segments_split_the_table(operations: DynamoDBOperations) -> None:
    source = await new_source(operations, "Comments", hash_key="postId", range_key="commentId")
    await seed_comments(source)
    seen = []
    for segment in (0, 1):
        page = await run(
            source, {"version": V1, "operation": "Scan", "totalSegments": 2, "segment": segment}
        )
        seen += [(item["postId"], item["commentId"]) for item in page["items"]]
    assert sorted(seen) == [("p1", "c1"), ("p1", "c2"), ("p1", "c3"), ("p2", "c1")]


async def test_scan_with_filter_and_limit(operations: DynamoDBOperations) -> None:
    source = await new_source(operations, "Comments", hash_key="postId", range_key="commentId")
    await seed_comments(source)
    request = {
        "version": V1,
        "operation": "Scan",
        "limit": 10,
        "filter": {
            "expression": "#v >= :v",
            "expressionNames": {"#v": "votes"},
            "expressionValues": {":v": {"N": 5}},
        },
    }
    result = await run(source, request)
    assert sorted(item["votes"] for item in result["items"]) == [5, 9]
    assert result["scannedCount"] == 4
    assert result["nextToken"] is None


async def test_a_limit_below_one_is_dynamodbs_validation_error_on_both_paths(
    operations: DynamoDBOperations,
) -> None:
    # DynamoDB API reference, Scan/Query `Limit`: "Minimum value of 1".
    source = await new_source(operations)
    error = await failure(source, {"version": V1, "operation": "Scan", "limit": 0})
    assert error.error_type == "DynamoDB:ValidationException"
    assert error.message.startswith(
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


async def test_a_typed_value_of_the_wrong_shape_is_a_mapping_template_error(
    operations: DynamoDBOperations,
) -> None:
    source = await new_source(operations)
    error = await failure(source, put("1", parts={"L": "not a list"}))
    assert error.error_type == "MappingTemplate"
    assert await run(source, get("1")) is None
