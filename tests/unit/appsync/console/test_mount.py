"""The console as `serve` mounts it: its API on the app behind the token, the front end's
contract met by the printed schema, the tables found where the data sources keep them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import build_schema, parse, validate

from appsync.app import AppSyncApp, build_app
from appsync.aws.dynamodb import DynamoDBRoute
from appsync.console.mount import api_schema
from appsync.console.routes import BuiltOnFirstUse
from definition.appsync_yaml.api import read_appsync_yaml
from tests.conftest import REPO_ROOT

OPERATIONS = REPO_ROOT / "console" / "src" / "api" / "operations.graphql"


def test_every_operation_of_the_front_end_is_valid_against_the_printed_schema() -> None:
    # The contract between console/src/api/operations.graphql and the Strawberry schema: the
    # schema as Strawberry prints it, rebuilt by graphql-core, accepts each operation as written.
    schema = build_schema(api_schema().as_str())
    document = parse(OPERATIONS.read_text(encoding="utf-8"))
    assert [error.message for error in validate(schema, document)] == []


def _api(tmp_path: Path, region: str) -> AppSyncApp:
    (tmp_path / "schema.graphql").write_text("type Query { a: String }\n")
    definition = {
        "name": "mounted",
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": "da2-consolemountkey00000000"}],
        "dataSources": [
            {
                "name": "Items",
                "type": "AMAZON_DYNAMODB",
                "dynamodbConfig": {"tableName": "MountedItems", "awsRegion": region},
            }
        ],
        "server": {
            "dynamodb": {
                "tables": [
                    {
                        "TableName": "MountedItems",
                        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                        "BillingMode": "PAY_PER_REQUEST",
                    }
                ]
            }
        },
    }
    path = tmp_path / "appsync.json"
    path.write_text(json.dumps(definition))
    return build_app(read_appsync_yaml(path))


async def _console(app: AppSyncApp, query: str, token: str | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    bearer = token if token is not None else app.state.console.token.value
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:20002") as client:
        return await client.post(
            "/console/graphql", json={"query": query}, headers={"authorization": f"Bearer {bearer}"}
        )


@pytest.mark.anyio
async def test_the_console_api_answers_on_the_app_behind_its_token(tmp_path: Path) -> None:
    app = _api(tmp_path, "eu-west-2")
    assert not app.state.console.resolver_log.armed
    # The table the data source reads lives in its region: the console lists it there.
    status, body = DynamoDBRoute().call(
        "eu-west-2",
        "CreateTable",
        {
            "TableName": "MountedItems",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    assert status == 200 or body["__type"].endswith("ResourceInUseException"), body
    answer = await _console(
        app, "{ listTables(input: {}) { TableNames } listGraphqlApis { graphqlApis { name } } }"
    )
    shown: dict[str, Any] = answer.json()
    assert answer.status_code == 200, shown
    assert "MountedItems" in shown["data"]["listTables"]["TableNames"]
    assert shown["data"]["listGraphqlApis"]["graphqlApis"] == [{"name": "mounted"}]
    refused = await _console(app, "{ server { version } }", token="not-the-token")
    assert refused.status_code == 401
    # A console that called the API is a console that opened: the resolver log records.
    assert app.state.console.resolver_log.armed


@pytest.mark.anyio
async def test_a_page_opening_builds_the_console_api_before_it_calls(tmp_path: Path) -> None:
    """The page subscribes to the resolver log as soon as it has its config: the API it calls is
    built by then, so a request served meanwhile reaches the subscription (a browser test once
    missed one while the first call built the API)."""
    app = _api(tmp_path, "eu-west-2")
    apis = [getattr(route, "app", None) for route in app.routes]
    [built] = [api for api in apis if isinstance(api, BuiltOnFirstUse)][:1]
    assert isinstance(built, BuiltOnFirstUse)
    before = built.is_built
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:20002") as client:
        assert (await client.get("/console/config.json")).status_code == 200
    assert (before, built.is_built) == (False, True)
    assert app.state.console.resolver_log.armed
