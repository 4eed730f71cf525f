"""The embedded DynamoDB as the server starts it: nothing for an API without DynamoDB, the
declared and inferred tables together, seed files read as the start reads them, and the
extra listener only when `server.dynamodb.endpoint` asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette

from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.keys import endpoint_verifier
from appsync.aws.listener import AwsOnlyApp
from appsync.embedded_dynamodb import embedded_dynamodb, extra_listener_running, seed_problems
from appsync.hosts import HostPolicy
from auth.clock import SystemClock
from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import ApiDefinition, AwsEndpointSettings, TableDeclaration

TABLE = """
      - TableName: Post
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        BillingMode: PAY_PER_REQUEST
"""


def _definition(folder: Path, server: str = "") -> ApiDefinition:
    (folder / "schema.graphql").write_text("type Query { a: String }\n")
    text = "schema: schema.graphql\nauthenticationType: API_KEY\n" + server
    (folder / "appsync.yaml").write_text(text)
    return read_appsync_yaml(folder / "appsync.yaml")


def test_no_tables_and_no_data_sources_start_nothing(tmp_path: Path) -> None:
    assert embedded_dynamodb(_definition(tmp_path), ()) is None


def test_inferred_tables_join_the_declared_ones(tmp_path: Path) -> None:
    definition = _definition(tmp_path, "server:\n  dynamodb:\n    tables:" + TABLE)
    inferred = TableDeclaration("Comment", {"TableName": "Comment"})
    dynamodb = embedded_dynamodb(definition, [inferred])
    assert dynamodb is not None
    assert [table.table_name for table in dynamodb.tables] == ["Post", "Comment"]


def test_a_seed_that_cannot_be_read_is_a_problem_of_its_table(tmp_path: Path) -> None:
    (tmp_path / "posts.json").write_text("{not json")
    server = "server:\n  dynamodb:\n    tables:" + TABLE + "        seed: posts.json\n"
    [problem] = seed_problems(_definition(tmp_path, server))
    assert problem.key_path == "server.dynamodb.tables[0].seed"
    assert "cannot read the seed file" in problem.message


@pytest.mark.anyio
async def test_the_extra_listener_serves_only_when_asked(tmp_path: Path) -> None:
    verifier = endpoint_verifier(AwsEndpointSettings(), SystemClock())
    aws = AwsOnlyApp(AwsEndpoint(verifier, {}), HostPolicy(()))
    urls = []
    for server in ("", "server:\n  dynamodb:\n    endpoint: {port: 0}\n"):
        app = Starlette()
        app.state.extra_listener = None
        async with extra_listener_running(app, _definition(tmp_path, server), aws):
            urls.append(app.state.extra_listener)
    assert urls[0] is None
    assert str(urls[1]).startswith("http://127.0.0.1:")
