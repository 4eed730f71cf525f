"""`serve` starts the embedded DynamoDB and the endpoint's Cognito after it listens only when
that cannot fail: a restart whose tables are all in the data directory, an API whose resolvers
reach no DynamoDB. Requests that need them wait at the gate; a deferred start that fails is
reported as `validate` reports problems and stops the server."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from appsync.app import build_app
from appsync.data_directory import DYNAMODB_FILE, DataDirectory
from appsync.deferred_start import deferrable
from appsync.embedded_dynamodb import embedded_dynamodb
from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import ApiDefinition, StartingPosition, StreamMappingSpec
from definition.service_resources import QueueSpec, ServiceResources
from resolvers.datasources.dynamodb_moto import MotoDynamoDB
from resolvers.errors import DynamoDBServiceError

# Tables go where the API's data sources look, us-east-1 without any: a name of this test's own.
TABLE = "DeferredStartNotes"
DECLARED = f"""
server:
  dynamodb:
    tables:
      - TableName: {TABLE}
        KeySchema: [{{AttributeName: id, KeyType: HASH}}]
        AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}]
        BillingMode: PAY_PER_REQUEST
"""
DYNAMODB_SOURCE = """
dataSources:
  - name: Notes
    type: AMAZON_DYNAMODB
    dynamodbConfig: {tableName: Notes, awsRegion: us-east-1}
"""
EXTRA_LISTENER = "  dynamodb:\n    endpoint: {host: 127.0.0.1, port: 0}\n"


def _definition(folder: Path, text: str = "") -> ApiDefinition:
    (folder / "schema.graphql").write_text("type Query { a: String }\n")
    head = "name: deferred\nschema: schema.graphql\nauthenticationType: API_KEY\n"
    (folder / "appsync.yaml").write_text(head + text)
    return read_appsync_yaml(folder / "appsync.yaml")


@pytest.fixture
def dynamodb() -> Iterator[MotoDynamoDB]:
    operations = MotoDynamoDB("us-east-1")
    yield operations
    # A test that deleted it already leaves nothing to delete.
    with contextlib.suppress(DynamoDBServiceError):
        operations.call_now("DeleteTable", {"TableName": TABLE})


async def _started_once(folder: Path) -> DataDirectory:
    """A first start: the declared table created in a data directory, an item written, the
    table gone from moto's backend as when the process ends."""
    data = DataDirectory(folder / "data")
    app = build_app(_definition(folder, DECLARED), data=data)
    dynamodb = MotoDynamoDB("us-east-1")
    async with app.router.lifespan_context(app):
        dynamodb.call_now("PutItem", {"TableName": TABLE, "Item": {"id": {"S": "kept"}}})
    dynamodb.call_now("DeleteTable", {"TableName": TABLE})
    return data


def test_only_a_start_that_cannot_fail_is_deferred(tmp_path: Path) -> None:
    data = DataDirectory(tmp_path / "data")
    plain = _definition(tmp_path)
    assert deferrable(plain, data, embedded_dynamodb(plain, ()))
    # Declared tables not in the data directory yet: creating them may fail.
    declared = _definition(tmp_path, DECLARED)
    assert not deferrable(declared, data, embedded_dynamodb(declared, ()))
    assert not deferrable(declared, DataDirectory.ephemeral(), embedded_dynamodb(declared, ()))
    # Resolvers that reach DynamoDB would wait; a listener of its own may find its port taken.
    source = _definition(tmp_path, DYNAMODB_SOURCE)
    assert not deferrable(source, data, embedded_dynamodb(source, ()))
    listener = _definition(tmp_path, "server:\n" + EXTRA_LISTENER)
    assert not deferrable(listener, data, embedded_dynamodb(listener, ()))
    # Stream mappings read the tables' streams from the start.
    plain_streams = dataclasses.replace(
        plain.server,
        stream_mappings=(
            StreamMappingSpec(
                "f", TABLE, "arn:aws:dynamodb:us-east-1:1:table/t/stream/x", StartingPosition.LATEST
            ),
        ),
    )
    mapped = dataclasses.replace(plain, server=plain_streams)
    assert not deferrable(mapped, data, embedded_dynamodb(mapped, ()))
    # A template's queue: SQS could refuse it at start.
    queue = QueueSpec("jobs", "us-east-1", "123456789012")
    queued = dataclasses.replace(
        plain, server=dataclasses.replace(plain.server, resources=ServiceResources((queue,)))
    )
    assert not deferrable(queued, data, embedded_dynamodb(queued, ()))


@pytest.mark.anyio
async def test_a_restart_on_stored_tables_opens_the_gate_once_they_are_restored(
    tmp_path: Path, dynamodb: MotoDynamoDB
) -> None:
    data = await _started_once(tmp_path)
    definition = _definition(tmp_path, DECLARED)
    assert deferrable(definition, data, embedded_dynamodb(definition, ()))
    app = build_app(definition, data=data, defer=True)
    assert not app.services.is_open
    async with app.router.lifespan_context(app):
        # Nothing starts before the server listens (serve says so).
        await asyncio.sleep(0.05)
        assert not app.services.is_open
        app.listened()
        assert await app.services.wait()
        item = dynamodb.call_now("GetItem", {"TableName": TABLE, "Key": {"id": {"S": "kept"}}})
    assert item["Item"] == {"id": {"S": "kept"}}
    assert app.start_problems == ()


@pytest.mark.anyio
async def test_a_deferred_start_that_fails_is_reported_and_stops_the_server(
    tmp_path: Path, dynamodb: MotoDynamoDB
) -> None:
    data = await _started_once(tmp_path)
    file = data.file(DYNAMODB_FILE)
    assert file is not None
    with sqlite3.connect(file) as db:
        db.execute("UPDATE tables SET spec = ?", (json.dumps({"create": "not a table"}),))
    app = build_app(_definition(tmp_path, DECLARED), data=data, defer=True)
    stopped = []
    app.stop_serving = lambda: stopped.append(True)
    async with app.router.lifespan_context(app):
        app.listened()
        assert not await app.services.wait()
    assert stopped == [True]
    [problem] = app.start_problems
    assert (problem.file, problem.key_path) == ("appsync-local serve", "--data-dir")
    assert "cannot read" in problem.message


@pytest.mark.anyio
async def test_a_server_that_stops_before_listening_starts_nothing(
    tmp_path: Path, dynamodb: MotoDynamoDB
) -> None:
    data = await _started_once(tmp_path)
    app = build_app(_definition(tmp_path, DECLARED), data=data, defer=True)
    async with app.router.lifespan_context(app):
        pass
    assert not await app.services.wait()
    described = dynamodb.call_now("ListTables", {})
    assert TABLE not in described["TableNames"]
    assert app.start_problems == ()
