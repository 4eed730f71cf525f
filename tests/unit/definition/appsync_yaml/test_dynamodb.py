"""`dynamodbConfig` and table declarations: typed values, and every problem with its key path.

Field names are AppSync's (DynamodbDataSourceConfig, DeltaSyncConfig in the AppSync API
reference) and DynamoDB's CreateTable input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from definition.appsync_yaml.dynamodb import (
    read_dynamodb_config,
    read_embedded_dynamodb,
    read_table_declarations,
)
from definition.appsync_yaml.reader import DefinitionReader
from definition.model import DeltaSyncConfig, DynamoDBConfig, EmbeddedDynamoDBSettings
from definition.problems import Problem

WHERE = "dataSources[0].dynamodbConfig"


def paths(problems: list[Problem]) -> list[str]:
    return [problem.key_path for problem in problems]


def reader(folder: Path = Path()) -> DefinitionReader:
    """A reader of a definition file in `folder` (seed paths are relative to it)."""
    return DefinitionReader(folder / "appsync.yaml")


def test_a_versioned_config_reads_into_typed_values() -> None:
    raw = {
        "tableName": "Note-abc-dev",
        "awsRegion": "eu-west-1",
        "useCallerCredentials": False,
        "versioned": True,
        "deltaSyncConfig": {
            "baseTableTTL": 43200,
            "deltaSyncTableName": "AmplifyDataStore-abc-dev",
            "deltaSyncTableTTL": 30,
        },
    }
    file_reader = reader()
    config = read_dynamodb_config(file_reader, raw, WHERE)
    problems = file_reader.problems
    assert problems == []
    assert config == DynamoDBConfig(
        table_name="Note-abc-dev",
        aws_region="eu-west-1",
        versioned=True,
        delta_sync_config=DeltaSyncConfig(43200, "AmplifyDataStore-abc-dev", 30),
    )


def test_region_defaults_and_endpoint_is_kept() -> None:
    file_reader = reader()
    config = read_dynamodb_config(
        file_reader, {"tableName": "Posts", "endpoint": "http://localhost:8000"}, WHERE
    )
    problems = file_reader.problems
    assert problems == []
    assert config == DynamoDBConfig("Posts", "us-east-1", endpoint="http://localhost:8000")


def test_every_problem_is_reported_with_its_key_path() -> None:
    raw = {
        "awsRegion": 5,
        "versioned": "yes",
        "endpoint": "localhost:8000",
        "tabelName": "typo",
    }
    file_reader = reader()
    config = read_dynamodb_config(file_reader, raw, WHERE)
    problems = file_reader.problems
    assert config is None
    assert sorted(paths(problems)) == sorted(
        [
            f"{WHERE}.tabelName",
            f"{WHERE}.tableName",
            f"{WHERE}.awsRegion",
            f"{WHERE}.endpoint",
            f"{WHERE}.versioned",
        ]
    )


def test_versioned_needs_a_delta_sync_config() -> None:
    file_reader = reader()
    config = read_dynamodb_config(file_reader, {"tableName": "Posts", "versioned": True}, WHERE)
    problems = file_reader.problems
    assert config is None
    assert paths(problems) == [f"{WHERE}.deltaSyncConfig"]


def test_delta_sync_ttls_are_whole_minutes() -> None:
    raw = {
        "tableName": "Posts",
        "versioned": True,
        "deltaSyncConfig": {"deltaSyncTableName": "Delta", "baseTableTTL": -1},
    }
    file_reader = reader()
    read_dynamodb_config(file_reader, raw, WHERE)
    problems = file_reader.problems
    assert sorted(paths(problems)) == [
        f"{WHERE}.deltaSyncConfig.baseTableTTL",
        f"{WHERE}.deltaSyncConfig.deltaSyncTableTTL",
    ]


def posts_table(**extra: Any) -> dict[str, Any]:
    return {
        "TableName": "Posts",
        "KeySchema": [
            {"AttributeName": "id", "KeyType": "HASH"},
            {"AttributeName": "createdAt", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "createdAt", "AttributeType": "S"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
        **extra,
    }


def test_a_table_declaration_is_create_table_input(tmp_path: Path) -> None:
    seed = tmp_path / "posts.json"
    seed.write_text("[]")
    raw = [
        posts_table(
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "byAuthor",
                    "KeySchema": [{"AttributeName": "author", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            TimeToLiveSpecification={"AttributeName": "_ttl", "Enabled": True},
            seed="posts.json",
        )
    ]
    raw[0]["AttributeDefinitions"].append({"AttributeName": "author", "AttributeType": "S"})
    file_reader = reader(tmp_path)
    tables = read_table_declarations(file_reader, raw, "server.dynamodb.tables")
    problems = file_reader.problems
    assert problems == []
    (table,) = tables
    assert table.table_name == "Posts"
    assert table.time_to_live_attribute == "_ttl"
    assert table.seed == seed.resolve()
    assert table.create_table_input["BillingMode"] == "PAY_PER_REQUEST"
    assert "seed" not in table.create_table_input
    assert "TimeToLiveSpecification" not in table.create_table_input


def test_table_problems_name_their_key_paths(tmp_path: Path) -> None:
    raw = [
        posts_table(
            KeySchema=[{"AttributeName": "id", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "slug", "AttributeType": "X"}],
            BillingMode="PROVISIONED",
            seed="missing.json",
        ),
        posts_table(),
        posts_table(),
    ]
    file_reader = reader(tmp_path)
    tables = read_table_declarations(file_reader, raw, "tables")
    problems = file_reader.problems
    assert [table.table_name for table in tables] == ["Posts", "Posts"]
    assert sorted(paths(problems)) == sorted(
        [
            "tables[0].AttributeDefinitions[0].AttributeType",
            "tables[0].KeySchema[0].KeyType",
            "tables[0].AttributeDefinitions",
            "tables[0].ProvisionedThroughput",
            "tables[0].seed",
            "tables[2].TableName",
        ]
    )


def test_table_declarations_must_be_a_list(tmp_path: Path) -> None:
    file_reader = reader(tmp_path)
    tables = read_table_declarations(file_reader, {"Posts": {}}, "tables")
    problems = file_reader.problems
    assert tables == ()
    assert paths(problems) == ["tables"]


def test_embedded_settings_default_to_no_extra_listener(tmp_path: Path) -> None:
    # The embedded DynamoDB is on the server's own AWS endpoint; a listener of its own only
    # when the definition asks for one.
    file_reader = reader(tmp_path)
    settings = read_embedded_dynamodb(file_reader, None)
    problems = file_reader.problems
    assert problems == []
    assert settings == EmbeddedDynamoDBSettings((), None, 0)


def test_an_endpoint_without_a_port_listens_on_a_free_loopback_port(tmp_path: Path) -> None:
    settings = read_embedded_dynamodb(reader(tmp_path), {"endpoint": {}})
    assert (settings.endpoint_host, settings.endpoint_port) == ("127.0.0.1", 0)


def test_embedded_settings_read_tables_and_endpoint(tmp_path: Path) -> None:
    raw = {"endpoint": {"host": "0.0.0.0", "port": 8000}, "tables": [posts_table()]}
    file_reader = reader(tmp_path)
    settings = read_embedded_dynamodb(file_reader, raw)
    problems = file_reader.problems
    assert problems == []
    assert settings.endpoint_host == "0.0.0.0"
    assert settings.endpoint_port == 8000
    assert [table.table_name for table in settings.tables] == ["Posts"]


def test_the_extra_listener_can_be_turned_off(tmp_path: Path) -> None:
    settings = read_embedded_dynamodb(reader(tmp_path), {"endpoint": False})
    assert settings.endpoint_host is None


def test_embedded_settings_problems_have_key_paths(tmp_path: Path) -> None:
    raw = {"endpoint": {"port": 70000}, "tables": [{"TableName": "X"}], "region": "x"}
    file_reader = reader(tmp_path)
    read_embedded_dynamodb(file_reader, raw)
    problems = file_reader.problems
    assert sorted(paths(problems)) == [
        "server.dynamodb.endpoint.port",
        "server.dynamodb.region",
        "server.dynamodb.tables[0].AttributeDefinitions",
        "server.dynamodb.tables[0].KeySchema",
        "server.dynamodb.tables[0].ProvisionedThroughput",
    ]


def test_billing_mode_defaults_to_provisioned_as_create_table_does(tmp_path: Path) -> None:
    # CreateTable's BillingMode "Default: PROVISIONED" (DynamoDB API reference), as
    # AWS::DynamoDB::Table's: a table given only ProvisionedThroughput is a provisioned table.
    throughput = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    provisioned = posts_table(ProvisionedThroughput=throughput)
    del provisioned["BillingMode"]
    file_reader = reader(tmp_path)
    (table,) = read_table_declarations(file_reader, [provisioned], "tables")
    assert file_reader.problems == []
    assert table.create_table_input["BillingMode"] == "PROVISIONED"
    assert table.create_table_input["ProvisionedThroughput"] == throughput


def test_billing_mode_and_throughput_must_agree(tmp_path: Path) -> None:
    bare = posts_table()
    del bare["BillingMode"]
    both = posts_table(ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    file_reader = reader(tmp_path)
    assert read_table_declarations(file_reader, [bare, both], "tables") == ()
    assert [f"{problem.key_path}: {problem.message}" for problem in file_reader.problems] == [
        "tables[0].ProvisionedThroughput: required when BillingMode is PROVISIONED "
        "(CreateTable's default); or set BillingMode: PAY_PER_REQUEST",
        # DynamoDB's CreateTable refuses it with this ValidationException.
        "tables[1].ProvisionedThroughput: ProvisionedThroughput cannot be specified when "
        "BillingMode is PAY_PER_REQUEST",
    ]


def test_a_provisioned_tables_global_indexes_need_throughput(tmp_path: Path) -> None:
    # CreateTable refuses a global secondary index without ProvisionedThroughput on a
    # PROVISIONED table (ValidationException: "One or more parameter values were invalid:
    # ProvisionedThroughput must be specified for index"); the start would fail on it.
    throughput = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    index = {
        "IndexName": "byDate",
        "KeySchema": [{"AttributeName": "createdAt", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    table = posts_table(
        BillingMode="PROVISIONED", ProvisionedThroughput=throughput, GlobalSecondaryIndexes=[index]
    )
    file_reader = reader(tmp_path)
    assert read_table_declarations(file_reader, [table], "tables") == ()
    assert [f"{problem.key_path}: {problem.message}" for problem in file_reader.problems] == [
        "tables[0].GlobalSecondaryIndexes[0].ProvisionedThroughput: required when BillingMode is "
        "PROVISIONED (CreateTable's default)"
    ]
    index["ProvisionedThroughput"] = throughput
    assert len(read_table_declarations(reader(tmp_path), [table], "tables")) == 1
