"""The embedded DynamoDB written through to SQLite, and read back as it was.

Each test writes through `MotoDynamoDB` (moto 5.2.5's handler, the server's path) with a
`TableStore` attached, then does what a restart does: the region's tables are dropped from the
backend, a new store opens the same file and restores it. What DynamoDB answers afterwards
(DescribeTable, DescribeTimeToLive, ListTagsOfResource, a full Scan) must be what it answered
before: the oracle is moto's own state, whatever operation made it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.dynamodb.models import dynamodb_backends

from resolvers.datasources.dynamodb_moto import DEFAULT_ACCOUNT_ID, MotoDynamoDB, journal_writes
from resolvers.datasources.dynamodb_store import (
    FORMAT_VERSION,
    TableStore,
    _partiql_tables,
    stored_tables,
)
from resolvers.errors import DynamoDBServiceError, TableStoreError

# A region of its own: these tests drop every table in it.
REGION = "ap-south-2"

POSTS = {
    "TableName": "Posts",
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
        {"AttributeName": "author", "AttributeType": "S"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "byAuthor",
            "KeySchema": [{"AttributeName": "author", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
    "Tags": [{"Key": "team", "Value": "blog"}],
}
FILES = {
    "TableName": "Files",
    "KeySchema": [{"AttributeName": "digest", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "digest", "AttributeType": "B"}],
    "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 2},
}
NOTES = {
    "TableName": "Notes",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
COUNTERS = {
    "TableName": "Counters",
    "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "n", "AttributeType": "N"}],
    "BillingMode": "PAY_PER_REQUEST",
}


@pytest.fixture
def dynamodb() -> Iterator[MotoDynamoDB]:
    _drop_tables()
    yield MotoDynamoDB(REGION)
    journal_writes(None)
    _drop_tables()


def _drop_tables() -> None:
    dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables.clear()


def _kept(path: Path) -> TableStore:
    store = TableStore(path)
    store.restore()
    journal_writes(store)
    return store


def _restarted(path: Path, store: TableStore) -> TableStore:
    """What a restart does: the backend loses the region's tables, a new store reads the file."""
    journal_writes(None)
    store.close()
    _drop_tables()
    return _kept(path)


def _state(dynamodb: MotoDynamoDB) -> dict[str, Any]:
    """Everything DynamoDB says about the region's tables, but their creation times."""
    state: dict[str, Any] = {}
    for name in dynamodb.call_now("ListTables", {})["TableNames"]:
        table = dynamodb.call_now("DescribeTable", {"TableName": name})["Table"]
        for volatile in ("CreationDateTime", "LatestStreamLabel", "LatestStreamArn"):
            table.pop(volatile, None)
        items = dynamodb.call_now("Scan", {"TableName": name})["Items"]
        state[name] = {
            "table": table,
            "ttl": dynamodb.call_now("DescribeTimeToLive", {"TableName": name}),
            "tags": dynamodb.call_now("ListTagsOfResource", {"ResourceArn": table["TableArn"]}),
            "items": sorted(items, key=repr),
        }
    return state


def _rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM items WHERE table_name = ?", (table,)
        ).fetchone()
    return int(count)


def _post(pk: str, sk: str, **fields: dict[str, Any]) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": sk}, "author": {"S": "ada"}, **fields}


def test_item_writes_are_read_back_as_they_were(dynamodb: MotoDynamoDB, tmp_path: Path) -> None:
    path = tmp_path / "dynamodb.sqlite"
    store = _kept(path)
    dynamodb.call_now("CreateTable", POSTS)
    dynamodb.call_now(
        "UpdateTimeToLive",
        {
            "TableName": "Posts",
            "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": True},
        },
    )
    nested = {"M": {"tags": {"SS": ["a", "b"]}, "scores": {"L": [{"N": "1.5"}, {"NULL": True}]}}}
    dynamodb.call_now("PutItem", {"TableName": "Posts", "Item": _post("p", "1", meta=nested)})
    dynamodb.call_now("PutItem", {"TableName": "Posts", "Item": _post("p", "2")})
    dynamodb.call_now(
        "UpdateItem",
        {
            "TableName": "Posts",
            "Key": {"pk": {"S": "p"}, "sk": {"N": "1"}},
            "UpdateExpression": "SET title = :t ADD readCount :one",
            "ExpressionAttributeValues": {":t": {"S": "first"}, ":one": {"N": "1"}},
        },
    )
    dynamodb.call_now(
        "BatchWriteItem",
        {
            "RequestItems": {
                "Posts": [
                    {"PutRequest": {"Item": _post("q", "1")}},
                    {"DeleteRequest": {"Key": {"pk": {"S": "p"}, "sk": {"N": "2"}}}},
                ]
            }
        },
    )
    dynamodb.call_now(
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Put": {"TableName": "Posts", "Item": _post("r", "1")}},
                {"Delete": {"TableName": "Posts", "Key": {"pk": {"S": "q"}, "sk": {"N": "1"}}}},
            ]
        },
    )
    before = _state(dynamodb)
    assert [item["pk"]["S"] for item in before["Posts"]["items"]] == ["p", "r"]
    store = _restarted(path, store)
    assert _state(dynamodb) == before
    # The GSI answers from the restored items.
    by_author = dynamodb.call_now(
        "Query",
        {
            "TableName": "Posts",
            "IndexName": "byAuthor",
            "KeyConditionExpression": "author = :a",
            "ExpressionAttributeValues": {":a": {"S": "ada"}},
        },
    )
    assert by_author["Count"] == 2
    store.close()


def test_a_failed_transaction_or_condition_leaves_the_file_as_the_backend(
    dynamodb: MotoDynamoDB, tmp_path: Path
) -> None:
    path = tmp_path / "dynamodb.sqlite"
    store = _kept(path)
    dynamodb.call_now("CreateTable", POSTS)
    dynamodb.call_now("PutItem", {"TableName": "Posts", "Item": _post("p", "1")})
    with pytest.raises(DynamoDBServiceError) as refused:
        dynamodb.call_now(
            "TransactWriteItems",
            {
                "TransactItems": [
                    {"Put": {"TableName": "Posts", "Item": _post("new", "1")}},
                    {
                        "Delete": {
                            "TableName": "Posts",
                            "Key": {"pk": {"S": "p"}, "sk": {"N": "1"}},
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            },
        )
    assert refused.value.code == "TransactionCanceledException"
    with pytest.raises(DynamoDBServiceError):
        dynamodb.call_now(
            "PutItem",
            {
                "TableName": "Posts",
                "Item": _post("p", "1", title={"S": "overwritten"}),
                "ConditionExpression": "attribute_not_exists(pk)",
            },
        )
    before = _state(dynamodb)
    store = _restarted(path, store)
    assert _state(dynamodb) == before
    assert [item["pk"]["S"] for item in before["Posts"]["items"]] == ["p"]
    store.close()


def test_keys_are_the_same_item_as_moto_compares_them(
    dynamodb: MotoDynamoDB, tmp_path: Path
) -> None:
    """A number key is its value (1 and 1.0 are one item); a binary key its bytes."""
    path = tmp_path / "dynamodb.sqlite"
    store = _kept(path)
    dynamodb.call_now("CreateTable", COUNTERS)
    dynamodb.call_now("CreateTable", FILES)
    dynamodb.call_now("PutItem", {"TableName": "Counters", "Item": {"n": {"N": "1"}}})
    dynamodb.call_now("PutItem", {"TableName": "Counters", "Item": {"n": {"N": "20"}}})
    dynamodb.call_now("DeleteItem", {"TableName": "Counters", "Key": {"n": {"N": "1.0"}}})
    blob = {"B": "AAEC/w=="}  # base64 of 00 01 02 ff
    dynamodb.call_now(
        "PutItem",
        {"TableName": "Files", "Item": {"digest": blob, "body": {"BS": ["AA==", "AQ=="]}}},
    )
    before = _state(dynamodb)
    store = _restarted(path, store)
    assert _state(dynamodb) == before
    assert before["Counters"]["items"] == [{"n": {"N": "20"}}]
    found = dynamodb.call_now("GetItem", {"TableName": "Files", "Key": {"digest": blob}})
    assert found["Item"]["digest"] == blob
    store.close()


def test_tables_changed_and_deleted_are_changed_and_deleted_in_the_file(
    dynamodb: MotoDynamoDB, tmp_path: Path
) -> None:
    path = tmp_path / "dynamodb.sqlite"
    store = _kept(path)
    dynamodb.call_now("CreateTable", FILES)
    dynamodb.call_now("CreateTable", COUNTERS)
    dynamodb.call_now("PutItem", {"TableName": "Counters", "Item": {"n": {"N": "7"}}})
    dynamodb.call_now(
        "UpdateTable",
        {
            "TableName": "Files",
            "ProvisionedThroughput": {"ReadCapacityUnits": 9, "WriteCapacityUnits": 4},
        },
    )
    arn = dynamodb.call_now("DescribeTable", {"TableName": "Files"})["Table"]["TableArn"]
    dynamodb.call_now("TagResource", {"ResourceArn": arn, "Tags": [{"Key": "k", "Value": "v"}]})
    dynamodb.call_now("DeleteTable", {"TableName": "Counters"})
    before = _state(dynamodb)
    assert list(before) == ["Files"]
    assert before["Files"]["table"]["ProvisionedThroughput"]["ReadCapacityUnits"] == 9
    store = _restarted(path, store)
    assert _state(dynamodb) == before
    assert _rows(path, "Counters") == 0
    store.close()


def test_partiql_writes_are_kept_and_selects_write_nothing(
    dynamodb: MotoDynamoDB, tmp_path: Path
) -> None:
    path = tmp_path / "dynamodb.sqlite"
    store = _kept(path)
    dynamodb.call_now("CreateTable", NOTES)
    dynamodb.call_now("ExecuteStatement", {"Statement": "INSERT INTO Notes VALUE {'id': 'a'}"})
    dynamodb.call_now(
        "BatchExecuteStatement",
        {"Statements": [{"Statement": "INSERT INTO Notes VALUE {'id': 'b'}"}]},
    )
    dynamodb.call_now(
        "ExecuteStatement",
        {"Statement": "UPDATE Notes SET label = 'one' WHERE id = ?", "Parameters": [{"S": "a"}]},
    )
    dynamodb.call_now("ExecuteStatement", {"Statement": "DELETE FROM Notes WHERE id = 'b'"})
    with sqlite3.connect(path) as db:
        db.execute("UPDATE items SET item = '{}' WHERE table_name = 'Notes'")
    # A SELECT writes nothing: the row just spoiled stays spoiled.
    dynamodb.call_now("ExecuteStatement", {"Statement": "SELECT * FROM Notes"})
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT item FROM items").fetchall() == [("{}",)]
    dynamodb.call_now(
        "ExecuteStatement",
        {"Statement": "UPDATE Notes SET label = 'one!' WHERE id = ?", "Parameters": [{"S": "a"}]},
    )
    before = _state(dynamodb)
    assert before["Notes"]["items"] == [{"id": {"S": "a"}, "label": {"S": "one!"}}]
    store = _restarted(path, store)
    assert _state(dynamodb) == before
    store.close()


def test_a_partiql_statement_the_parser_cannot_read_names_every_table() -> None:
    tables = {"Notes": None, "Counters": None}
    statement = {"Statement": "DELETE FROM Counters WHERE n = ?", "Parameters": [{"N": "2"}]}
    assert sorted(_partiql_tables("ExecuteStatement", statement, tables)) == ["Counters", "Notes"]
    select = {"Statements": [{"Statement": "SELECT * FROM Notes"}]}
    assert list(_partiql_tables("BatchExecuteStatement", select, tables)) == []


def test_an_item_written_many_times_is_one_row(dynamodb: MotoDynamoDB, tmp_path: Path) -> None:
    """The file holds the data, not the history of writes: it stays as large as the table."""
    path = tmp_path / "dynamodb.sqlite"
    store = _kept(path)
    dynamodb.call_now("CreateTable", COUNTERS)
    for value in range(300):
        item = {"n": {"N": str(value % 3)}, "value": {"N": str(value)}}
        dynamodb.call_now("PutItem", {"TableName": "Counters", "Item": item})
    assert _rows(path, "Counters") == 3
    store.close()


def test_a_write_that_cannot_reach_the_file_is_not_acknowledged(
    dynamodb: MotoDynamoDB, tmp_path: Path
) -> None:
    path = tmp_path / "dynamodb.sqlite"
    store = _kept(path)
    dynamodb.call_now("CreateTable", COUNTERS)
    store.close()  # the file is gone from under the server
    with pytest.raises(DynamoDBServiceError) as refused:
        dynamodb.call_now("PutItem", {"TableName": "Counters", "Item": {"n": {"N": "1"}}})
    assert (refused.value.code, refused.value.status) == ("InternalServerError", 500)
    assert str(path) in refused.value.message


def test_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dynamodb.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {FORMAT_VERSION + 1}")
    with pytest.raises(TableStoreError, match="appsync-local reset"):
        TableStore(path)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dynamodb.sqlite"
    path.write_bytes(b"not a database, but long enough to be read as one" * 100)
    with pytest.raises(TableStoreError, match="cannot open"):
        TableStore(path)


def test_a_commit_waits_for_the_disk_only_with_fsync(tmp_path: Path) -> None:
    """SQLite's `synchronous`: NORMAL (1) by default, which a killed process cannot undo in
    WAL mode; FULL (2), an fsync per commit, with `fsync`."""
    levels = []
    for name, fsync in (("normal.sqlite", False), ("full.sqlite", True)):
        store = TableStore(tmp_path / name, fsync=fsync)
        levels.append(store._db.execute("PRAGMA synchronous").fetchone()[0])
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        store.close()
    assert levels == [1, 2]


def test_the_stored_tables_are_read_without_restoring_them(
    tmp_path: Path, dynamodb: MotoDynamoDB
) -> None:
    path = tmp_path / "dynamodb.sqlite"
    assert stored_tables(path) is None  # no file yet
    store = _kept(path)
    dynamodb.call_now("CreateTable", NOTES)
    dynamodb.call_now("CreateTable", COUNTERS)
    journal_writes(None)
    store.close()
    _drop_tables()
    assert stored_tables(path) == {
        (DEFAULT_ACCOUNT_ID, REGION, "Notes"),
        (DEFAULT_ACCOUNT_ID, REGION, "Counters"),
    }
    assert dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables == {}
    # A file of another format cannot tell.
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {FORMAT_VERSION + 1}")
    assert stored_tables(path) is None
