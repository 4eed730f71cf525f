"""`dynamodbConfig` and table declarations: typed values, and every problem with its key path.

Field names are AppSync's (DynamodbDataSourceConfig, DeltaSyncConfig in the AppSync API
reference) and DynamoDB's CreateTable input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from definition.appsync_yaml.dynamodb import (
    DeltaSyncConfig,
    DynamoDBConfig,
    EmbeddedDynamoDBSettings,
    parse_dynamodb_config,
    parse_embedded_dynamodb,
    parse_table_declarations,
)

WHERE = "dataSources[0].dynamodbConfig"


def paths(problems: list[Any]) -> list[str]:
    return [problem.key_path for problem in problems]


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
    config, problems = parse_dynamodb_config(raw, WHERE)
    assert problems == []
    assert config == DynamoDBConfig(
        table_name="Note-abc-dev",
        aws_region="eu-west-1",
        versioned=True,
        delta_sync_config=DeltaSyncConfig(43200, "AmplifyDataStore-abc-dev", 30),
    )


def test_region_defaults_and_endpoint_is_kept() -> None:
    config, problems = parse_dynamodb_config(
        {"tableName": "Posts", "endpoint": "http://localhost:8000"}, WHERE
    )
    assert problems == []
    assert config == DynamoDBConfig("Posts", "us-east-1", endpoint="http://localhost:8000")


def test_every_problem_is_reported_with_its_key_path() -> None:
    raw = {
        "awsRegion": 5,
        "versioned": "yes",
        "endpoint": "localhost:8000",
        "tabelName": "typo",
    }
    config, problems = parse_dynamodb_config(raw, WHERE)
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
    config, problems = parse_dynamodb_config({"tableName": "Posts", "versioned": True}, WHERE)
    assert config is None
    assert paths(problems) == [f"{WHERE}.deltaSyncConfig"]


def test_delta_sync_ttls_are_whole_minutes() -> None:
    raw = {
        "tableName": "Posts",
        "versioned": True,
        "deltaSyncConfig": {"deltaSyncTableName": "Delta", "baseTableTTL": -1},
    }
    _, problems = parse_dynamodb_config(raw, WHERE)
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
    tables, problems = parse_table_declarations(raw, "server.dynamodb.tables", tmp_path)
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
    tables, problems = parse_table_declarations(raw, "tables", tmp_path)
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
    tables, problems = parse_table_declarations({"Posts": {}}, "tables", tmp_path)
    assert tables == ()
    assert paths(problems) == ["tables"]


def test_embedded_settings_default_to_a_free_loopback_port(tmp_path: Path) -> None:
    settings, problems = parse_embedded_dynamodb(None, "server.dynamodb", tmp_path)
    assert problems == []
    assert settings == EmbeddedDynamoDBSettings((), "127.0.0.1", 0)


def test_embedded_settings_read_tables_and_endpoint(tmp_path: Path) -> None:
    raw = {"endpoint": {"host": "0.0.0.0", "port": 8000}, "tables": [posts_table()]}
    settings, problems = parse_embedded_dynamodb(raw, "server.dynamodb", tmp_path)
    assert problems == []
    assert settings.endpoint_host == "0.0.0.0"
    assert settings.endpoint_port == 8000
    assert [table.table_name for table in settings.tables] == ["Posts"]


def test_the_loopback_endpoint_can_be_turned_off(tmp_path: Path) -> None:
    settings, _ = parse_embedded_dynamodb({"endpoint": False}, "server.dynamodb", tmp_path)
    assert settings.endpoint_host is None


def test_embedded_settings_problems_have_key_paths(tmp_path: Path) -> None:
    raw = {"endpoint": {"port": 70000}, "tables": [{"TableName": "X"}], "region": "x"}
    _, problems = parse_embedded_dynamodb(raw, "server.dynamodb", tmp_path)
    assert sorted(paths(problems)) == [
        "server.dynamodb.endpoint.port",
        "server.dynamodb.region",
        "server.dynamodb.tables[0].AttributeDefinitions",
        "server.dynamodb.tables[0].KeySchema",
    ]
