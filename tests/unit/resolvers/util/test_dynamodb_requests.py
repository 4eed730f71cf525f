"""The PYTHON runtime's `@aws-appsync/utils/dynamodb` twin, run through the data source.

Each helper's payload is the JavaScript helper's ("Built-in modules", APPSYNC_JS reference):
plain values in, an AMAZON_DYNAMODB request document out. The documents are run against the
embedded and the boto3 path, and a PYTHON resolver file uses them through `UnitResolver`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from resolvers.datasources.dynamodb_wire import DynamoDBOperations
from resolvers.errors import ResolverError
from resolvers.runtimes.python import load_python_code
from resolvers.unit import UnitResolver
from resolvers.util import dynamodb_requests as ddb
from tests.unit.resolvers.datasources.dynamodb_paths import (
    context,
    failure,
    new_source,
    run,
)

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]


async def seeded(operations: DynamoDBOperations) -> Any:
    source = await new_source(operations, "Comments", hash_key="postId", range_key="commentId")
    for post, comment, votes in (("p1", "c1", 5), ("p1", "c2", 1), ("p1", "d3", 9)):
        item = {"votes": votes, "tags": ["x"]}
        await run(source, ddb.put({"key": {"postId": post, "commentId": comment}, "item": item}))
    return source


async def test_get_and_put_round_trip_plain_values(operations: DynamoDBOperations) -> None:
    source = await seeded(operations)
    key = {"postId": "p1", "commentId": "c1"}
    assert await run(source, ddb.get({"key": key, "consistentRead": True})) == {
        **key,
        "votes": 5,
        "tags": ["x"],
    }
    assert await run(source, ddb.get({"key": key, "projection": ["votes"]})) == {"votes": 5}


async def test_put_with_a_condition_object(operations: DynamoDBOperations) -> None:
    source = await seeded(operations)
    request = ddb.put(
        {
            "key": {"postId": "p1", "commentId": "c1"},
            "item": {"votes": 0},
            "condition": {"postId": {"attributeExists": False}},
        }
    )
    error = await failure(source, request)
    assert error.error_type == "DynamoDB:ConditionalCheckFailedException"
    assert error.data["votes"] == 5


async def test_query_with_key_conditions_and_a_filter(operations: DynamoDBOperations) -> None:
    source = await seeded(operations)
    request = ddb.query(
        {
            "query": {"postId": {"eq": "p1"}, "commentId": {"beginsWith": "c"}},
            "filter": {"votes": {"gt": 2}},
            "scanIndexForward": False,
        }
    )
    result = await run(source, request)
    assert [item["commentId"] for item in result["items"]] == ["c1"]
    assert result["scannedCount"] == 2


async def test_update_operations(operations: DynamoDBOperations) -> None:
    source = await seeded(operations)
    ops = ddb.operations
    request = ddb.update(
        {
            "key": {"postId": "p1", "commentId": "c2"},
            "update": {
                "votes": ops.increment(10),
                "tags": ops.append(["y"]),
                "title": "Hello",
                "score": ops.add(3),
            },
            "condition": {"votes": {"eq": 1}},
        }
    )
    assert await run(source, request) == {
        "postId": "p1",
        "commentId": "c2",
        "votes": 11,
        "tags": ["x", "y"],
        "title": "Hello",
        "score": 3,
    }
    request = ddb.update(
        {
            "key": {"postId": "p1", "commentId": "c2"},
            "update": {
                "votes": ops.decrement(1),
                "tags": ops.prepend(["w"]),
                "title": ops.remove(),
                "score": ops.replace(0),
            },
        }
    )
    result = await run(source, request)
    assert result["votes"] == 10
    assert result["tags"] == ["w", "x", "y"]
    assert "title" not in result
    assert result["score"] == 0
    request = ddb.update(
        {"key": {"postId": "p1", "commentId": "c2"}, "update": {"tags": ops.updateListItem("z", 1)}}
    )
    assert (await run(source, request))["tags"] == ["w", "z", "y"]


async def test_remove_scan_and_batches(operations: DynamoDBOperations) -> None:
    source = await seeded(operations)
    table = source.config.table_name
    removed = await run(source, ddb.remove({"key": {"postId": "p1", "commentId": "d3"}}))
    assert removed["votes"] == 9
    page = await run(source, ddb.scan({"filter": {"votes": {"ge": 1}}, "limit": 10}))
    assert sorted(item["commentId"] for item in page["items"]) == ["c1", "c2"]
    keys = [{"postId": "p1", "commentId": "c2"}, {"postId": "p9", "commentId": "c9"}]
    got = await run(source, ddb.batchGet({"tables": {table: {"keys": keys}}}))
    assert got["data"][table][1] is None
    assert got["data"][table][0]["commentId"] == "c2"
    await run(source, ddb.batchPut({"tables": {table: [{"postId": "p2", "commentId": "c1"}]}}))
    deleted = await run(
        source, ddb.batchDelete({"tables": {table: [{"postId": "p2", "commentId": "c1"}]}})
    )
    assert deleted["data"] == {table: [{"postId": "p2", "commentId": "c1"}]}


async def test_transactions(operations: DynamoDBOperations) -> None:
    source = await seeded(operations)
    table = source.config.table_name
    write = ddb.transactWrite(
        {
            "items": [
                {
                    "table": table,
                    "operation": "PutItem",
                    "key": {"postId": "p3", "commentId": "c1"},
                    "item": {"votes": 1},
                },
                {
                    "table": table,
                    "operation": "UpdateItem",
                    "key": {"postId": "p1", "commentId": "c1"},
                    "update": {"votes": ddb.operations.increment(1)},
                    "condition": {"votes": {"eq": 5}},
                },
            ]
        }
    )
    assert (await run(source, write))["keys"] == [
        {"postId": "p3", "commentId": "c1"},
        {"postId": "p1", "commentId": "c1"},
    ]
    read = ddb.transactGet(
        {"items": [{"table": table, "key": {"postId": "p1", "commentId": "c1"}}]}
    )
    assert (await run(source, read))["items"][0]["votes"] == 6


def test_a_helper_without_its_key_is_a_mapping_template_error() -> None:
    with pytest.raises(ResolverError) as raised:
        ddb.get({})
    assert raised.value.error_type == "MappingTemplate"


async def test_a_python_resolver_uses_the_helpers(
    operations: DynamoDBOperations, tmp_path: Path
) -> None:
    source = await seeded(operations)
    code = tmp_path / "get_comment.py"
    code.write_text(
        "from resolvers.util import dynamodb_requests as ddb\n"
        "\n"
        "def request(ctx):\n"
        "    return ddb.get({'key': {'postId': ctx.args['post'], 'commentId': ctx.args['id']}})\n"
        "\n"
        "def response(ctx):\n"
        "    if ctx.error:\n"
        "        util.error(ctx.error.message, ctx.error.type)\n"
        "    return ctx.result\n"
    )
    resolver = UnitResolver(load_python_code(code), source)
    ctx = context()
    ctx.arguments = {"post": "p1", "id": "c2"}
    assert await resolver.resolve(ctx) == {
        "postId": "p1",
        "commentId": "c2",
        "votes": 1,
        "tags": ["x"],
    }
