"""AMAZON_DYNAMODB data sources and `server.dynamodb` in the API definition."""

from __future__ import annotations

from pathlib import Path

from definition.appsync_yaml.api import DataSourceType, DynamoDBConfig, load_config
from tests.unit.definition.appsync_yaml.appsync_yaml_support import problems, write_definition

SCHEMA = "type Query { getPost(id: ID!): Post }\ntype Post { id: ID! title: String }\n"


HEAD = "schema: schema.graphql\nauthenticationType: API_KEY\n"


def test_dynamodb_data_source_keeps_appsyncs_config(tmp_path: Path) -> None:
    text = f"""{HEAD}
dataSources:
  - name: Posts
    type: AMAZON_DYNAMODB
    dynamodbConfig:
      tableName: Post
      awsRegion: eu-west-1
      versioned: true
      deltaSyncConfig: {{baseTableTTL: 43200, deltaSyncTableName: PostDelta, deltaSyncTableTTL: 30}}
  - name: Remote
    type: AMAZON_DYNAMODB
    dynamodbConfig: {{tableName: Post, endpoint: "http://localhost:8000"}}
"""
    config = load_config(write_definition(tmp_path, SCHEMA, text))
    posts, remote = config.data_sources
    assert posts.type is DataSourceType.AMAZON_DYNAMODB
    assert posts.dynamodb is not None
    assert (posts.dynamodb.table_name, posts.dynamodb.aws_region) == ("Post", "eu-west-1")
    assert posts.dynamodb.versioned
    assert posts.dynamodb.delta_sync_config is not None
    assert posts.dynamodb.delta_sync_config.delta_sync_table_name == "PostDelta"
    # AppSync requires awsRegion; locally it defaults to us-east-1, the CLI's usual region.
    assert remote.dynamodb == DynamoDBConfig("Post", endpoint="http://localhost:8000")
    assert config.dynamodb_configs == (posts.dynamodb, remote.dynamodb)


def test_dynamodb_config_problems_carry_the_data_sources_key_path(tmp_path: Path) -> None:
    text = f"""{HEAD}
dataSources:
  - name: Missing
    type: AMAZON_DYNAMODB
  - name: Bad
    type: AMAZON_DYNAMODB
    dynamodbConfig: {{awsRegion: eu-west-1, versioned: true, endpoint: localhost:8000}}
  - name: Lambda
    type: AWS_LAMBDA
    lambdaConfig: {{handler: "m:f"}}
    dynamodbConfig: {{tableName: Post}}
"""
    assert problems(write_definition(tmp_path, SCHEMA, text), all_in_file=True) == [
        "dataSources[0].dynamodbConfig: required for AMAZON_DYNAMODB; expected {tableName: ...}",
        "dataSources[1].dynamodbConfig.tableName: required; expected a non-empty string",
        "dataSources[1].dynamodbConfig.endpoint: expected an http:// or https:// URL",
        "dataSources[1].dynamodbConfig.deltaSyncConfig: required when versioned is true",
        "dataSources[2].dynamodbConfig: only an AMAZON_DYNAMODB data source has one",
    ]


def test_server_dynamodb_declares_tables_seeds_and_the_endpoint(tmp_path: Path) -> None:
    (tmp_path / "posts.json").write_text('[{"id": "p1"}]')
    text = f"""{HEAD}
server:
  executionTimeoutSeconds: 5
  dynamodb:
    endpoint: {{host: 127.0.0.1, port: 8000}}
    tables:
      - TableName: Post
        KeySchema: [{{AttributeName: id, KeyType: HASH}}]
        AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}]
        seed: posts.json
"""
    settings = load_config(write_definition(tmp_path, SCHEMA, text)).server.dynamodb
    assert (settings.endpoint_host, settings.endpoint_port) == ("127.0.0.1", 8000)
    [table] = settings.tables
    assert table.table_name == "Post"
    assert table.seed == (tmp_path / "posts.json").resolve()
    assert table.create_table_input["BillingMode"] == "PAY_PER_REQUEST"


def test_without_server_dynamodb_the_endpoint_takes_a_free_loopback_port(tmp_path: Path) -> None:
    settings = load_config(write_definition(tmp_path, SCHEMA, HEAD)).server.dynamodb
    assert (settings.tables, settings.endpoint_host, settings.endpoint_port) == (
        (),
        "127.0.0.1",
        0,
    )


def test_endpoint_false_turns_the_loopback_endpoint_off(tmp_path: Path) -> None:
    text = f"{HEAD}server: {{dynamodb: {{endpoint: false}}}}\n"
    assert (
        load_config(write_definition(tmp_path, SCHEMA, text)).server.dynamodb.endpoint_host is None
    )


def test_server_dynamodb_problems_are_listed_with_the_rest(tmp_path: Path) -> None:
    text = f"""{HEAD}
queryDepthLimit: 99
server:
  dynamodb:
    endpoint: {{port: 70000}}
    tables:
      - TableName: Post
        KeySchema: [{{AttributeName: id, KeyType: HASH}}]
        AttributeDefinitions: [{{AttributeName: pk, AttributeType: S}}]
        seed: absent.json
    colour: blue
"""
    assert problems(write_definition(tmp_path, SCHEMA, text), all_in_file=True) == [
        "server.dynamodb.colour: unknown key; expected one of tables, endpoint",
        "server.dynamodb.tables[0].AttributeDefinitions: key attribute 'id' is not defined",
        f"server.dynamodb.tables[0].seed: file not found: {(tmp_path / 'absent.json').resolve()}",
        "server.dynamodb.endpoint.port: expected a port number from 0 to 65535",
        "queryDepthLimit: expected an integer from 0 to 75",
    ]
