"""A data source's table that no declaration creates is created keyed as its resolvers key it,
read statically from their VTL templates and PYTHON code; where they do not tell, `validate`
says what to declare. AppSync needs only `dynamodbConfig.tableName` (CreateDataSource's
DynamodbDataSourceConfig); the key shapes are the request documents of the "Resolver mapping
template reference for DynamoDB" (GetItem's `key`, Query's key condition)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from appsync.app import build_app, load_api
from appsync.errors import ConfigError
from definition.appsync_yaml.api import read_appsync_yaml
from tests.conftest import REPO_ROOT

TODO = REPO_ROOT / "examples" / "todo"
HEAD = """
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: da2-tablekeystestkey000000000}]
dataSources:
  - {name: Events, type: AMAZON_DYNAMODB, dynamodbConfig: {tableName: Events}}
server: {dynamodb: {endpoint: false}}
"""
SCHEMA = """
type Event { owner: ID! year: Int! title: String }
type Query { getEvent(owner: ID!, year: Int!): Event byOwner(owner: ID!): [Event] all: [Event] }
type Mutation { saveEvent(owner: ID!, year: Int!, title: String): Event }
"""
GET = """{"version": "2018-05-29", "operation": "GetItem",
 "key": {"owner": $util.dynamodb.toDynamoDBJson($ctx.args.owner),
         "year": $util.dynamodb.toDynamoDBJson($ctx.args.year)}}"""
QUERY = """{"version": "2018-05-29", "operation": "Query",
 "query": {"expression": "#o = :o AND #y > :y", "expressionNames": {"#o": "owner", "#y": "year"},
           "expressionValues": {":o": $util.dynamodb.toDynamoDBJson($ctx.args.owner),
                                ":y": {"N": "0"}}}}"""
SAVE = """
def request(ctx):
    return {
        "operation": "PutItem",
        "key": {"owner": {"S": ctx.args["owner"]}, "year": {"N": str(ctx.args["year"])}},
        "attributeValues": {"title": {"S": ctx.args.get("title") or ""}},
    }

def response(ctx):
    return ctx.result
"""
SCAN = '{"version": "2018-05-29", "operation": "Scan"}'


def _resolver(field: str, kind: str, request: str) -> dict[str, Any]:
    if request.endswith(".py"):
        return {"typeName": kind, "fieldName": field, "dataSourceName": "Events", "code": request}
    return {
        "typeName": kind,
        "fieldName": field,
        "dataSourceName": "Events",
        "requestMappingTemplate": request,
        "responseMappingTemplate": "result.res.vtl",
    }


def _write(folder: Path, resolvers: list[dict[str, Any]]) -> Path:
    files = {
        "schema.graphql": SCHEMA,
        "get.req.vtl": GET,
        "query.req.vtl": QUERY,
        "scan.req.vtl": SCAN,
        "save.py": SAVE,
        "result.res.vtl": "$util.toJson($ctx.result)",
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    definition = yaml.safe_load(HEAD)
    definition["resolvers"] = resolvers
    (folder / "appsync.yaml").write_text(yaml.safe_dump(definition))
    return folder / "appsync.yaml"


def _created(path: Path) -> list[dict[str, Any]]:
    api = load_api(read_appsync_yaml(path))
    assert api.dynamodb is not None
    return [dict(table.create_table_input) for table in api.dynamodb.tables]


def _problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as refused:
        load_api(read_appsync_yaml(path))
    return [f"{problem.key_path}: {problem.message}" for problem in refused.value.problems]


def test_a_key_and_a_query_give_the_partition_and_sort_keys_and_their_types(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        [
            _resolver("getEvent", "Query", "get.req.vtl"),
            _resolver("byOwner", "Query", "query.req.vtl"),
            _resolver("saveEvent", "Mutation", "save.py"),
        ],
    )
    # `year` is an Int argument (and typed N in the PYTHON code): a number key.
    assert _created(path) == [
        {
            "TableName": "Events",
            "KeySchema": [
                {"AttributeName": "owner", "KeyType": "HASH"},
                {"AttributeName": "year", "KeyType": "RANGE"},
            ],
            "AttributeDefinitions": [
                {"AttributeName": "owner", "AttributeType": "S"},
                {"AttributeName": "year", "AttributeType": "N"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
        }
    ]


ADVICE = (
    "declare it under server.dynamodb.tables: {TableName: Events, KeySchema: "
    "[{AttributeName: <partition key>, KeyType: HASH}], AttributeDefinitions: "
    "[{AttributeName: <partition key>, AttributeType: S}], BillingMode: PAY_PER_REQUEST}"
)


@pytest.mark.parametrize(
    ("requests", "reason"),
    [
        (
            [("getEvent", "Query", "get.req.vtl")],
            "no Query tells its partition key from its sort key",
        ),
        ([("all", "Query", "scan.req.vtl")], "no resolver's request names its key"),
        (
            [("byOwner", "Query", "query.req.vtl")],
            "only a Query names it, which does not tell whether it has a sort key",
        ),
    ],
    ids=["two attributes without a Query", "a Scan only", "a Query only"],
)
def test_where_the_resolvers_do_not_tell_the_key_validate_says_what_to_declare(
    tmp_path: Path, requests: list[tuple[str, str, str]], reason: str
) -> None:
    path = _write(tmp_path, [_resolver(*request) for request in requests])
    assert _problems(path) == [
        "dataSources[0].dynamodbConfig.tableName: table Events is not declared and its key "
        f"cannot be read from the resolvers ({reason}); {ADVICE}"
    ]


def test_resolvers_that_name_different_keys_are_a_problem(tmp_path: Path) -> None:
    (tmp_path / "other.req.vtl").write_text(
        '{"version": "2018-05-29", "operation": "DeleteItem", "key": {"id": {"S": "1"}}}'
    )
    path = _write(
        tmp_path,
        [
            _resolver("getEvent", "Query", "get.req.vtl"),
            _resolver("byOwner", "Query", "query.req.vtl"),
            _resolver("saveEvent", "Mutation", "other.req.vtl"),
        ],
    )
    [problem] = _problems(path)
    assert "the resolvers name different keys: {id} and {owner, year}" in problem


async def _post(app: Any, query: str) -> Any:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
        answer = await client.post(
            "/graphql",
            json={"query": query},
            headers={"x-api-key": "da2-localtodoexamplekey000000"},
        )
    return answer.json()


@pytest.mark.anyio
async def test_the_todo_example_runs_with_its_table_name_alone(tmp_path: Path) -> None:
    # examples/todo without its `server.dynamodb.tables`: its Amplify templates and its PYTHON
    # resolver key the table by `id`, so the table is created at start and the API works.
    shutil.copytree(TODO, tmp_path, dirs_exist_ok=True)
    definition = yaml.safe_load((tmp_path / "appsync.yaml").read_text())
    definition["dataSources"][0]["dynamodbConfig"]["tableName"] = "TodoByNameOnly"
    definition["server"]["dynamodb"] = {"endpoint": False}
    (tmp_path / "appsync.yaml").write_text(yaml.safe_dump(definition))
    app = build_app(read_appsync_yaml(tmp_path / "appsync.yaml"))
    async with app.router.lifespan_context(app):
        created = await _post(
            app, 'mutation { createTodo(input: {id: "t9", name: "Inferred"}) { id name } }'
        )
        assert created == {"data": {"createTodo": {"id": "t9", "name": "Inferred"}}}
        assert await _post(app, '{ getTodo(id: "t9") { name } }') == {
            "data": {"getTodo": {"name": "Inferred"}}
        }


SET_KEY = """#set( $key = {
  "owner": $util.dynamodb.toDynamoDBJson($ctx.args.input.owner),
  "year": $util.dynamodb.toDynamoDBJson($ctx.args.input.year)
} )
{"version": "2018-05-29", "operation": "DeleteItem", "key": $util.toJson($key)}"""
PYTHON_QUERIES = """
from resolvers.util import dynamodb_requests as ddb

def request(ctx):
    if ctx.args.get("owner") == "by expression":
        return {"operation": "Query", "query": {
            "expression": "#o = :o", "expressionNames": {"#o": "owner"},
            "expressionValues": {":o": {"S": "x"}}}}
    return ddb.query({"query": {"owner": {"eq": ctx.args.get("owner")}, "year": {"gt": 2000}}})

def response(ctx):
    return ctx.result
"""


def test_functions_set_keys_and_python_queries_are_read_too(tmp_path: Path) -> None:
    # A pipeline function keys with a `#set` map from an input object whose `year` is an Int;
    # a PYTHON resolver's `dynamodb_requests.query` orders the key: `eq` on the partition key.
    (tmp_path / "forget.req.vtl").write_text(SET_KEY)
    (tmp_path / "queries.py").write_text(PYTHON_QUERIES)
    path = _write(tmp_path, [_resolver("byOwner", "Query", "queries.py")])
    definition = yaml.safe_load(path.read_text())
    definition["functions"] = [
        {
            "name": "forget",
            "dataSourceName": "Events",
            "requestMappingTemplate": "forget.req.vtl",
            "responseMappingTemplate": "result.res.vtl",
        }
    ]
    definition["resolvers"].append(
        {
            "typeName": "Mutation",
            "fieldName": "forgetEvent",
            "kind": "PIPELINE",
            "pipelineConfig": {"functions": ["forget"]},
        }
    )
    path.write_text(yaml.safe_dump(definition))
    (tmp_path / "schema.graphql").write_text(
        SCHEMA
        + "input EventKey { owner: ID! year: Int! }\n"
        + "extend type Mutation { forgetEvent(input: EventKey!): Event }\n"
    )
    [created] = _created(path)
    assert created["KeySchema"] == [
        {"AttributeName": "owner", "KeyType": "HASH"},
        {"AttributeName": "year", "KeyType": "RANGE"},
    ]
    assert created["AttributeDefinitions"] == [
        {"AttributeName": "owner", "AttributeType": "S"},
        {"AttributeName": "year", "AttributeType": "N"},
    ]
