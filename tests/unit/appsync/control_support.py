"""An API for the control API's and the reset's tests: a VTL field reading `$util.time`, a
DynamoDB table with a seed file, a state machine that waits a day, an API key that expires a
week after the manual clock's start; and calls to the control API, signed as botocore signs."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from appsync.app import AppSyncApp, build_app
from appsync.clock import ManualClock
from definition.appsync_yaml.api import read_appsync_yaml
from tests.fixtures.aws_signing import JSON_1_0, signed_headers

START = datetime(2024, 1, 1, tzinfo=UTC)
API_KEY = "da2-controltestkey0000000000"
URL = "http://localhost/"
WAIT_A_DAY = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "End": True}}}


def write_api(folder: Path) -> tuple[Path, str]:
    """The definition in `folder`, and its table's name (unique: moto's backend is shared)."""
    table = f"Notes-{uuid.uuid4().hex[:8]}"
    files = {
        "schema.graphql": "type Query { now: String jsNow: String }\n",
        "now.js": (
            "import { util } from '@aws-appsync/utils';\n"
            "export function request(ctx) { return { payload: util.time.nowISO8601() }; }\n"
            "export function response(ctx) { return ctx.result; }\n"
        ),
        "now.req.vtl": '{"version": "2018-05-29", "payload": "$util.time.nowISO8601()"}',
        "result.res.vtl": "$util.toJson($ctx.result)",
        "seed.json": json.dumps([{"id": "seeded"}]),
        "daily.asl.json": json.dumps(WAIT_A_DAY),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    table_input = {
        "TableName": table,
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
        "seed": "seed.json",
    }
    definition = {
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": API_KEY, "expires": "2024-01-08T00:00:00Z"}],
        "dataSources": [
            {"name": "Local", "type": "NONE"},
            {"name": "Notes", "type": "AMAZON_DYNAMODB", "dynamodbConfig": {"tableName": table}},
        ],
        "resolvers": [
            {
                "typeName": "Query",
                "fieldName": "now",
                "dataSourceName": "Local",
                "requestMappingTemplate": "now.req.vtl",
                "responseMappingTemplate": "result.res.vtl",
            },
            {
                "typeName": "Query",
                "fieldName": "jsNow",
                "dataSourceName": "Local",
                "runtime": {"name": "APPSYNC_JS", "runtimeVersion": "1.0.0"},
                "code": "now.js",
            },
        ],
        "server": {
            "dynamodb": {"tables": [table_input]},
            "stepFunctions": {"stateMachines": [{"name": "daily", "definition": "daily.asl.json"}]},
        },
    }
    path = folder / "appsync.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    return path, table


@asynccontextmanager
async def running(
    folder: Path, *, manual: bool = True, control: bool = True
) -> AsyncIterator[tuple[AppSyncApp, str]]:
    """The app for `write_api(folder)`, started (its lifespan), and its table's name."""
    path, table = write_api(folder)
    clock = ManualClock(START) if manual else None
    app = build_app(read_appsync_yaml(path), clock=clock, control=control)
    async with app.router.lifespan_context(app):
        yield app, table


async def aws_call(
    app: AppSyncApp,
    service: str,
    target: str,
    body: dict[str, Any],
    *,
    client: tuple[str, int] = ("127.0.0.1", 50000),
    signed: bool = True,
) -> tuple[int, dict[str, Any]]:
    """A JSON 1.0 call of the AWS endpoint, from `client`'s address."""
    raw = json.dumps(body).encode()
    headers = {"content-type": JSON_1_0, "x-amz-target": target}
    if signed:
        headers = signed_headers("POST", URL, service, raw, headers)
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        response = await http.post("/", content=raw, headers=headers)
    answer: dict[str, Any] = response.json()
    return response.status_code, answer


async def control(
    app: AppSyncApp, operation: str, body: dict[str, Any] | None = None, **options: Any
) -> tuple[int, dict[str, Any]]:
    return await aws_call(app, "appsync-local", f"AppSyncLocal.{operation}", body or {}, **options)


async def graphql(app: AppSyncApp, query: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        return await http.post("/graphql", json={"query": query}, headers={"x-api-key": API_KEY})
