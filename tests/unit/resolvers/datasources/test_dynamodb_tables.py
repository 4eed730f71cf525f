"""Declared tables, seed files, and the loopback endpoint boto3 uses to see the embedded data."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from mypy_boto3_dynamodb import DynamoDBClient

from definition.model import (
    DeltaSyncConfig,
    DynamoDBConfig,
    EmbeddedDynamoDBSettings,
    TableDeclaration,
)
from resolvers.datasources.dynamodb import DynamoDBDataSource
from resolvers.datasources.dynamodb_boto import BotoDynamoDB
from resolvers.datasources.dynamodb_moto import MotoDynamoDB
from resolvers.datasources.dynamodb_tables import (
    EmbeddedDynamoDB,
    LoopbackEndpoint,
    create_declared_tables,
    create_tables,
    operations_for,
    read_seed,
    start_loopback_endpoint,
)
from resolvers.datasources.dynamodb_wire import DynamoDBOperations
from resolvers.errors import (
    DynamoDBServiceError,
    LoopbackEndpointError,
    SeedError,
    TableSetupError,
)
from tests.unit.resolvers.datasources.dynamodb_paths import (
    REGION,
    run,
    table_input,
)

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]


def unique(name: str, tmp_path: Path) -> str:
    return f"{name}-{tmp_path.name[-12:]}".replace("_", "-")


def dynamodb_client(url: str, region: str = REGION) -> DynamoDBClient:
    """boto3's DynamoDB client at `url`, as a user points it at the loopback endpoint."""
    return boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id="any",
        aws_secret_access_key="any",
    )


async def embedded_source(prefix: str, tmp_path: Path) -> tuple[str, DynamoDBDataSource]:
    """A new table in the embedded backend, and a data source on it."""
    embedded = MotoDynamoDB(REGION)
    name = unique(prefix, tmp_path)
    await create_tables(embedded, [TableDeclaration(name, table_input(name))])
    return name, DynamoDBDataSource(prefix, DynamoDBConfig(name, REGION), embedded)


async def test_seed_files_load_plain_items_and_batch_write_requests(
    operations: DynamoDBOperations, tmp_path: Path
) -> None:
    posts, authors = unique("Posts", tmp_path), unique("Authors", tmp_path)
    plain = tmp_path / "posts.json"
    plain.write_text(json.dumps([{"id": "p1", "views": 3, "tags": ["a", "b"]}]))
    batch = tmp_path / "authors.json"
    batch.write_text(
        json.dumps({authors: [{"PutRequest": {"Item": {"id": {"S": "a1"}, "age": {"N": "40"}}}}]})
    )
    created = await create_tables(
        operations,
        [
            TableDeclaration(posts, table_input(posts), seed=plain),
            TableDeclaration(authors, table_input(authors), "expiresAt", seed=batch),
        ],
    )
    assert created == [posts, authors]
    source = DynamoDBDataSource("Posts", DynamoDBConfig(posts, REGION), operations)
    get = {"operation": "GetItem", "key": {"id": {"S": "p1"}}}
    assert await run(source, get) == {"id": "p1", "views": 3, "tags": ["a", "b"]}
    other = DynamoDBDataSource("Authors", DynamoDBConfig(authors, REGION), operations)
    assert await run(other, {"operation": "GetItem", "key": {"id": {"S": "a1"}}}) == {
        "id": "a1",
        "age": 40,
    }
    ttl = await operations.call("DescribeTimeToLive", {"TableName": authors})
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expiresAt"


async def test_an_existing_table_is_left_alone(
    operations: DynamoDBOperations, tmp_path: Path
) -> None:
    name = unique("Posts", tmp_path)
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps([{"id": "1"}]))
    declaration = TableDeclaration(name, table_input(name), seed=seed)
    assert await create_tables(operations, [declaration]) == [name]
    assert await create_tables(operations, [declaration]) == []


async def test_an_existing_table_unlike_its_declaration_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A table kept from an earlier run (the data directory) whose declaration has changed
    since is left as it is, with a warning: it is not what the definition says."""
    embedded = MotoDynamoDB(REGION)
    name = unique("Kept", tmp_path)
    assert await create_tables(embedded, [TableDeclaration(name, table_input(name))]) == [name]
    await create_tables(embedded, [TableDeclaration(name, table_input(name))])
    assert "other keys or indexes" not in caplog.text
    index = {
        "IndexName": "byAuthor",
        "KeySchema": [{"AttributeName": "author", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    changed = table_input(name, indexes=[index], extra_attributes=("author",))
    assert await create_tables(embedded, [TableDeclaration(name, changed)]) == []
    assert f"table {name} exists with other keys or indexes than its declaration" in caplog.text


async def test_what_dynamodb_refuses_at_setup_names_the_table_and_the_step(
    operations: DynamoDBOperations, tmp_path: Path
) -> None:
    name = unique("Posts", tmp_path)
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps([{"id": "1"}, {"title": "no key"}]))
    with pytest.raises(TableSetupError) as refused:
        await create_tables(operations, [TableDeclaration(name, table_input(name), seed=seed)])
    error = refused.value
    # DynamoDB's own ValidationException for an item without its key (PutItem).
    assert (error.table, error.step, error.item, error.code) == (
        name,
        "seed",
        (1, name),
        "ValidationException",
    )
    assert error.message.endswith("Missing the key id in the item")
    bad = {**table_input(name + "x"), "AttributeDefinitions": []}
    with pytest.raises(TableSetupError) as refused:
        await create_tables(operations, [TableDeclaration(name + "x", bad)], "http://here")
    assert (refused.value.step, refused.value.endpoint) == ("CreateTable", "http://here")


def test_a_seed_file_of_the_wrong_shape_names_the_file(tmp_path: Path) -> None:
    seed = tmp_path / "bad.json"
    seed.write_text(json.dumps({"Posts": [{"DeleteRequest": {}}]}))
    with pytest.raises(SeedError) as raised:
        read_seed(seed)
    assert str(seed) in raised.value.message


async def test_boto3_reads_through_the_loopback_endpoint_what_a_resolver_wrote(
    loopback: LoopbackEndpoint, tmp_path: Path
) -> None:
    name, source = await embedded_source("Posts", tmp_path)
    await run(
        source,
        {"operation": "PutItem", "key": {"id": {"S": "1"}}, "attributeValues": {"n": {"N": 2}}},
    )
    client = dynamodb_client(loopback.url)
    assert client.get_item(TableName=name, Key={"id": {"S": "1"}})["Item"] == {
        "id": {"S": "1"},
        "n": {"N": "2"},
    }
    client.put_item(TableName=name, Item={"id": {"S": "2"}})
    assert await run(source, {"operation": "GetItem", "key": {"id": {"S": "2"}}}) == {"id": "2"}


async def test_declared_tables_are_created_wherever_a_data_source_looks(
    loopback: LoopbackEndpoint, tmp_path: Path
) -> None:
    name = unique("Shared", tmp_path)
    delta = DeltaSyncConfig(60, unique("Delta", tmp_path), 30)
    embedded = DynamoDBConfig("t", REGION, versioned=True, delta_sync_config=delta)
    remote = DynamoDBConfig("t", "sa-east-1", endpoint=loopback.url)
    created = await create_declared_tables(
        [TableDeclaration(name, table_input(name))], [embedded, remote]
    )
    assert created == {
        (None, REGION): [name, delta.delta_sync_table_name],
        (loopback.url, "sa-east-1"): [name],
    }
    assert isinstance(operations_for(embedded), MotoDynamoDB)
    assert isinstance(operations_for(remote), BotoDynamoDB)
    described = await operations_for(remote).call("DescribeTable", {"TableName": name})
    assert described["Table"]["TableName"] == name


async def test_loopback_clients_and_resolvers_can_write_at_the_same_time(
    loopback: LoopbackEndpoint, tmp_path: Path
) -> None:
    name, source = await embedded_source("Counters", tmp_path)
    client = dynamodb_client(loopback.url)
    rounds = 60

    def remote_increments() -> None:
        for _ in range(rounds):
            client.update_item(
                TableName=name,
                Key={"id": {"S": "c"}},
                UpdateExpression="ADD hits :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
            )

    increment = {
        "operation": "UpdateItem",
        "key": {"id": {"S": "c"}},
        "update": {"expression": "ADD hits :one", "expressionValues": {":one": {"N": 1}}},
    }
    async with asyncio.TaskGroup() as group:
        group.create_task(asyncio.to_thread(remote_increments))
        for _ in range(rounds):
            await run(source, increment)
            await asyncio.sleep(0)
    assert await run(source, {"operation": "GetItem", "key": {"id": {"S": "c"}}}) == {
        "id": "c",
        "hits": 2 * rounds,
    }


async def test_the_embedded_dynamodb_creates_and_seeds_its_tables(tmp_path: Path) -> None:
    name = unique("Started", tmp_path)
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps([{"id": "s1"}]))
    settings = EmbeddedDynamoDBSettings((TableDeclaration(name, table_input(name), seed=seed),))
    embedded = EmbeddedDynamoDB(settings, [DynamoDBConfig(name, REGION)])
    await embedded.start()
    described = await MotoDynamoDB(REGION).call("DescribeTable", {"TableName": name})
    assert described["Table"]["TableStatus"] == "ACTIVE"
    item = await MotoDynamoDB(REGION).call(
        "GetItem", {"TableName": name, "Key": {"id": {"S": "s1"}}}
    )
    assert item == {"Item": {"id": {"S": "s1"}}}


async def test_reset_puts_the_started_tables_back_seeded_and_drops_run_time_tables(
    tmp_path: Path,
) -> None:
    name = unique("Reset", tmp_path)
    later = unique("Later", tmp_path)
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps([{"id": "s1"}]))
    settings = EmbeddedDynamoDBSettings((TableDeclaration(name, table_input(name), seed=seed),))
    embedded = EmbeddedDynamoDB(settings, [DynamoDBConfig(name, REGION)])
    await embedded.start()
    moto = MotoDynamoDB(REGION)
    await moto.call("PutItem", {"TableName": name, "Item": {"id": {"S": "written"}}})
    await moto.call("DeleteItem", {"TableName": name, "Key": {"id": {"S": "s1"}}})
    await moto.call("CreateTable", table_input(later))
    assert await embedded.reset(also=[(REGION, later)]) == [name]
    scanned = await moto.call("Scan", {"TableName": name})
    assert scanned["Items"] == [{"id": {"S": "s1"}}]
    with pytest.raises(DynamoDBServiceError) as gone:
        await moto.call("DescribeTable", {"TableName": later})
    assert gone.value.code == "ResourceNotFoundException"
    # Emptied without its seed, and a run-time table already gone is no error.
    assert await embedded.reset(seed=False, also=[(REGION, later)]) == [name]
    assert (await moto.call("Scan", {"TableName": name}))["Items"] == []


async def test_drop_deletes_the_started_and_the_named_tables(tmp_path: Path) -> None:
    name = unique("Dropped", tmp_path)
    later = unique("DroppedLater", tmp_path)
    settings = EmbeddedDynamoDBSettings((TableDeclaration(name, table_input(name)),))
    embedded = EmbeddedDynamoDB(settings, [DynamoDBConfig(name, REGION)])
    await embedded.start()
    moto = MotoDynamoDB(REGION)
    await moto.call("CreateTable", table_input(later))
    embedded.drop(also=[(REGION, later)])
    listed = await moto.call("ListTables", {})
    assert name not in listed["TableNames"]
    assert later not in listed["TableNames"]
    # Once dropped, a reset has nothing of its own to put back.
    assert await embedded.reset() == []


async def test_reset_leaves_tables_at_a_data_sources_own_endpoint(
    loopback: LoopbackEndpoint, tmp_path: Path
) -> None:
    name = unique("Remote", tmp_path)
    remote = DynamoDBConfig(name, "sa-east-1", endpoint=loopback.url)
    embedded = EmbeddedDynamoDB(
        EmbeddedDynamoDBSettings((TableDeclaration(name, table_input(name)),)), [remote]
    )
    await embedded.start()
    client = dynamodb_client(loopback.url, "sa-east-1")
    client.put_item(TableName=name, Item={"id": {"S": "kept"}})
    assert await embedded.reset() == []
    assert client.scan(TableName=name)["Items"] == [{"id": {"S": "kept"}}]


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another socket is listening on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


@pytest.mark.timeout(15)
def test_a_taken_port_fails_the_loopback_endpoint_at_once(taken_port: int) -> None:
    # moto's ThreadedMotoServer alone waits forever for a server thread whose bind failed.
    with pytest.raises(LoopbackEndpointError) as raised:
        start_loopback_endpoint("127.0.0.1", taken_port)
    assert raised.value.port == taken_port
    assert raised.value.message == (
        f"cannot serve the embedded DynamoDB on 127.0.0.1:{taken_port}: Address already in use"
    )


@pytest.mark.timeout(15)
def test_the_port_serves_again_once_it_is_free() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(LoopbackEndpointError):
            start_loopback_endpoint("127.0.0.1", port)
    endpoint = start_loopback_endpoint("127.0.0.1", port)
    try:
        assert endpoint.url == f"http://127.0.0.1:{port}"
        client = dynamodb_client(endpoint.url)
        assert isinstance(client.list_tables()["TableNames"], list)
    finally:
        endpoint.stop()
