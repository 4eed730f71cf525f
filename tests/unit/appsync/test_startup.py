"""What fails at start becomes the definition's problems, placed at the key path that caused
it, so `serve` reports it as `validate` reports the rest (tests/integration/test_cli.py runs
both commands on definitions that fail only at start)."""

from __future__ import annotations

from pathlib import Path

import pytest

from appsync.app import build_app
from appsync.errors import BrokerError, ConfigError
from appsync.startup import start_problems
from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import ApiDefinition
from resolvers.errors import DynamoDBServiceError, LoopbackEndpointError, TableSetupError

DEFINITION = """
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: da2-startuptestkey0000000000}]
dataSources:
  - name: Remote
    type: AMAZON_DYNAMODB
    dynamodbConfig: {tableName: Post, endpoint: "http://127.0.0.1:9"}
  - name: Synced
    type: AMAZON_DYNAMODB
    dynamodbConfig:
      tableName: Post
      versioned: true
      deltaSyncConfig: {baseTableTTL: 0, deltaSyncTableName: PostDelta, deltaSyncTableTTL: 30}
server:
  dynamodb:
    endpoint: false
    tables:
      - TableName: Post
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        BillingMode: PAY_PER_REQUEST
        TimeToLiveSpecification: {AttributeName: expires, Enabled: true}
"""


def _definition(folder: Path) -> ApiDefinition:
    (folder / "schema.graphql").write_text("type Query { a: String }\n")
    (folder / "appsync.yaml").write_text(DEFINITION)
    return read_appsync_yaml(folder / "appsync.yaml")


def _refusal(code: str = "ValidationException", status: int = 400) -> DynamoDBServiceError:
    return DynamoDBServiceError(code, "refused", status)


def _placed(definition: ApiDefinition, error: Exception) -> list[str]:
    assert isinstance(error, ConfigError | DynamoDBServiceError | BrokerError)
    problems = start_problems(definition, error)
    assert all(problem.file == str(definition.file) for problem in problems)
    return [f"{problem.key_path}: {problem.message}" for problem in problems]


def test_each_failure_names_the_key_path_that_caused_it(tmp_path: Path) -> None:
    definition = _definition(tmp_path)
    assert _placed(definition, TableSetupError("Post", None, "CreateTable", _refusal())) == [
        "server.dynamodb.tables[0]: CreateTable Post was refused: ValidationException: refused"
    ]
    ttl = TableSetupError("Post", None, "UpdateTimeToLive", _refusal())
    assert _placed(definition, ttl) == [
        "server.dynamodb.tables[0].TimeToLiveSpecification: UpdateTimeToLive Post was refused: "
        "ValidationException: refused"
    ]
    seed = TableSetupError("Post", None, "seed", _refusal(), (3, "Other"))
    assert _placed(definition, seed) == [
        "server.dynamodb.tables[0].seed: item 3 was not loaded into Other: "
        "ValidationException: refused"
    ]
    # The delta table is the versioned data source's, not a declared one.
    delta = TableSetupError("PostDelta", None, "CreateTable", _refusal())
    assert _placed(definition, delta) == [
        "dataSources[1].dynamodbConfig.deltaSyncConfig.deltaSyncTableName: CreateTable "
        "PostDelta was refused: ValidationException: refused"
    ]
    # No answer at all (botocore's connection errors are 500s here): the endpoint is at fault.
    silent = TableSetupError(
        "Post", "http://127.0.0.1:9", "CreateTable", _refusal("EndpointConnectionError", 500)
    )
    assert _placed(definition, silent) == [
        "dataSources[0].dynamodbConfig.endpoint: DynamoDB at http://127.0.0.1:9 did not answer: "
        "EndpointConnectionError: refused"
    ]
    port = LoopbackEndpointError("127.0.0.1", 8000, "Address already in use")
    assert _placed(definition, port) == [
        "server.dynamodb.endpoint: cannot serve the embedded DynamoDB on 127.0.0.1:8000: "
        "Address already in use"
    ]
    redis = BrokerError("Redis at redis://127.0.0.1:6399/0 did not answer within 10 s")
    assert _placed(definition, redis) == [
        "server.realtime.redisUrl: Redis at redis://127.0.0.1:6399/0 did not answer within 10 s"
    ]
    assert _placed(definition, _refusal("InternalServerError", 500)) == [
        "server.dynamodb: InternalServerError: refused"
    ]


@pytest.mark.anyio
async def test_a_failed_start_keeps_its_problems_on_the_app(tmp_path: Path) -> None:
    # The table's endpoint does not answer: the lifespan fails with the definition's problem,
    # which `serve` prints (and uvicorn is told no traceback).
    app = build_app(_definition(tmp_path))
    with pytest.raises(ConfigError) as failed:
        async with app.router.lifespan_context(app):
            pass
    assert [problem.key_path for problem in failed.value.problems] == [
        "dataSources[0].dynamodbConfig.endpoint"
    ]
    assert app.start_problems == failed.value.problems


def test_a_table_created_for_its_data_source_is_placed_at_its_table_name(
    tmp_path: Path,
) -> None:
    # Not declared: created because the data source names it (appsync.table_keys).
    (tmp_path / "schema.graphql").write_text("type Query { a: String }\n")
    (tmp_path / "appsync.yaml").write_text(
        "schema: schema.graphql\nauthenticationType: API_KEY\napiKeys: [{id: da2-k}]\n"
        "dataSources:\n  - {name: Events, type: AMAZON_DYNAMODB, "
        "dynamodbConfig: {tableName: Events}}\n"
    )
    definition = read_appsync_yaml(tmp_path / "appsync.yaml")
    refused = TableSetupError("Events", None, "CreateTable", _refusal())
    assert _placed(definition, refused) == [
        "dataSources[0].dynamodbConfig.tableName: CreateTable Events was refused: "
        "ValidationException: refused"
    ]
