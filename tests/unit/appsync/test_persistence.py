"""What the server keeps in its data directory: the folder held, the embedded DynamoDB read
back from it and written through to it, the engine's database placed in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from moto.dynamodb.models import dynamodb_backends

from appsync.data_directory import DataDirectory
from appsync.errors import ConfigError
from appsync.persistence import engine_settings, kept
from definition.model import StepFunctionsSettings
from resolvers.datasources.dynamodb_moto import DEFAULT_ACCOUNT_ID, MotoDynamoDB

# A region of its own: these tests drop every table in it.
REGION = "sa-east-1"
TABLE = {
    "TableName": "Kept",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


@pytest.fixture(autouse=True)
def _no_tables() -> None:
    dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables.clear()


@pytest.mark.anyio
async def test_writes_made_while_kept_are_there_the_next_time(tmp_path: Path) -> None:
    data = DataDirectory(tmp_path / "data")
    dynamodb = MotoDynamoDB(REGION)
    async with kept(data):
        dynamodb.call_now("CreateTable", TABLE)
        dynamodb.call_now("PutItem", {"TableName": "Kept", "Item": {"id": {"S": "a"}}})
    async with kept(DataDirectory.ephemeral()):
        # Memory only: nothing is written, so nothing of this is read back.
        dynamodb.call_now("PutItem", {"TableName": "Kept", "Item": {"id": {"S": "b"}}})
    dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables.clear()
    async with kept(data):
        scanned = dynamodb.call_now("Scan", {"TableName": "Kept"})
    assert scanned["Items"] == [{"id": {"S": "a"}}]


@pytest.mark.anyio
async def test_a_held_folder_or_an_unreadable_file_is_a_problem_of_data_dir(
    tmp_path: Path,
) -> None:
    data = DataDirectory(tmp_path / "data")
    with data.held(), pytest.raises(ConfigError) as held:
        async with kept(DataDirectory(tmp_path / "data")):
            pass
    [problem] = held.value.problems
    assert (problem.file, problem.key_path) == ("appsync-local serve", "--data-dir")
    assert "is in use by another appsync-local" in problem.message
    (tmp_path / "data" / "dynamodb.sqlite").write_bytes(b"not SQLite" * 1000)
    with pytest.raises(ConfigError) as unreadable:
        async with kept(data):
            pass
    [problem] = unreadable.value.problems
    assert problem.message.startswith(f"cannot open {tmp_path / 'data' / 'dynamodb.sqlite'}: ")


def test_the_engine_keeps_its_database_in_the_folder_unless_told_otherwise(
    tmp_path: Path,
) -> None:
    data = DataDirectory(tmp_path / "data")
    assert engine_settings(StepFunctionsSettings(), data).database == (
        tmp_path / "data" / "stepfunctions.sqlite"
    )
    named = StepFunctionsSettings(database=tmp_path / "mine.sqlite")
    assert engine_settings(named, data).database == tmp_path / "mine.sqlite"
    assert engine_settings(StepFunctionsSettings(), DataDirectory.ephemeral()).database is None
