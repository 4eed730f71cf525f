"""`load_api` and `build_app`: seed files read with key-path problems, every problem at once;
the realtime block's broker and knobs; DynamoDB data sources wired to the embedded DynamoDB and
the server's clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from appsync.app import build_app, load_api
from appsync.errors import ConfigError
from appsync.pubsub import InMemoryBroker, RedisBroker
from auth.clock import ManualClock
from definition.appsync_yaml.api import read_appsync_yaml
from definition.cloudformation.api import read_cloudformation
from definition.cloudformation.parameters import StackSettings


def _write_api(folder: Path, definition: str, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "appsync.yaml").write_text(definition, encoding="utf-8")
    return folder / "appsync.yaml"


def test_a_seed_file_that_does_not_parse_is_a_problem_of_its_table(tmp_path: Path) -> None:
    definition = """
schema: schema.graphql
authenticationType: API_KEY
server:
  dynamodb:
    tables:
      - TableName: Post
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        BillingMode: PAY_PER_REQUEST
        seed: posts.json
"""
    assert _problems_of(tmp_path, definition, {"posts.json": "[{"}) == [
        "server.dynamodb.tables[0].seed",
    ]


def _problems_of(folder: Path, definition: str, files: dict[str, str]) -> list[str]:
    files = {"schema.graphql": "type Query { a: String }\n", **files}
    with pytest.raises(ConfigError) as caught:
        load_api(read_appsync_yaml(_write_api(folder, definition, files)))
    return [problem.key_path for problem in caught.value.problems]


def test_without_a_realtime_block_the_broker_is_in_memory_with_appsync_defaults(
    tmp_path: Path,
) -> None:
    files = {"schema.graphql": "type Query { a: String }\n"}
    definition = "schema: schema.graphql\nauthenticationType: API_KEY\n"
    api = load_api(read_appsync_yaml(_write_api(tmp_path, definition, files)))
    assert isinstance(api.realtime.broker, InMemoryBroker)
    # AppSync sends `ka` about once a minute (reference/appsync.md 3.3).
    assert api.realtime.settings.keep_alive_interval_seconds == 60.0
    assert api.realtime.settings.inbox_capacity == 1000


def test_the_realtime_block_reaches_the_runtime(tmp_path: Path) -> None:
    files = {"schema.graphql": "type Query { a: String }\n"}
    definition = """
schema: schema.graphql
authenticationType: API_KEY
server:
  realtime:
    redisUrl: redis://127.0.0.1:6399/2
    keepAliveIntervalSeconds: 15
    inboxCapacity: 50
"""
    api = load_api(read_appsync_yaml(_write_api(tmp_path, definition, files)))
    assert isinstance(api.realtime.broker, RedisBroker)
    assert api.realtime.settings.keep_alive_interval_seconds == 15.0
    assert api.realtime.settings.inbox_capacity == 50


def test_a_redis_url_redis_refuses_is_a_problem_of_the_realtime_block(tmp_path: Path) -> None:
    # The reader checks the scheme and port; redis-py also parses the query string.
    definition = """
schema: schema.graphql
authenticationType: API_KEY
server: {realtime: {redisUrl: "redis://127.0.0.1:6379/0?socket_timeout=soon"}}
"""
    assert _problems_of(tmp_path, definition, {}) == ["server.realtime.redisUrl"]


def test_an_api_without_dynamodb_starts_no_embedded_dynamodb(tmp_path: Path) -> None:
    files = {"schema.graphql": "type Query { a: String }\n"}
    definition = "schema: schema.graphql\nauthenticationType: API_KEY\n"
    assert load_api(read_appsync_yaml(_write_api(tmp_path, definition, files))).dynamodb is None


DYNAMODB_API = """
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: da2-test}]
dataSources:
  - name: Posts
    type: AMAZON_DYNAMODB
    dynamodbConfig:
      tableName: AppTestPost
      awsRegion: eu-central-1
      versioned: true
      deltaSyncConfig:
        {baseTableTTL: 60, deltaSyncTableName: AppTestPostDelta, deltaSyncTableTTL: 30}
  - name: Local
    type: NONE
resolvers:
  - typeName: Mutation
    fieldName: putPost
    dataSourceName: Posts
    requestMappingTemplate: put.req.vtl
    responseMappingTemplate: result.res.vtl
  - typeName: Query
    fieldName: now
    dataSourceName: Local
    requestMappingTemplate: now.req.vtl
    responseMappingTemplate: result.res.vtl
server:
  dynamodb:
    endpoint: false
    tables:
      - TableName: AppTestPost
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        BillingMode: PAY_PER_REQUEST
"""
DYNAMODB_FILES = {
    "schema.graphql": (
        "type Post { id: ID! _version: Int _lastChangedAt: AWSTimestamp }\n"
        "type Query { now: String }\n"
        "type Mutation { putPost(id: ID!): Post }\n"
    ),
    "put.req.vtl": (
        '{"version": "2018-05-29", "operation": "PutItem",'
        ' "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)}}'
    ),
    "now.req.vtl": '{"version": "2018-05-29", "payload": "$util.time.nowISO8601()"}',
    "result.res.vtl": "$util.toJson($ctx.result)",
}
# 2023-11-14T22:13:20Z
INJECTED_TIME = 1_700_000_000


async def _post(app: Starlette, query: str) -> Any:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
        response = await client.post(
            "/graphql", json={"query": query}, headers={"x-api-key": "da2-test"}
        )
    return response.json()


@pytest.mark.anyio
async def test_the_servers_clock_reaches_templates_and_versioned_writes(tmp_path: Path) -> None:
    config = read_appsync_yaml(_write_api(tmp_path, DYNAMODB_API, DYNAMODB_FILES))
    app = build_app(config, clock=ManualClock(INJECTED_TIME))
    # The lifespan creates the declared table and the versioned source's delta table.
    async with app.router.lifespan_context(app):
        assert await _post(app, "{ now }") == {"data": {"now": "2023-11-14T22:13:20.000Z"}}
        written = await _post(app, 'mutation { putPost(id: "p1") { id _version _lastChangedAt } }')
    assert written == {
        "data": {"putPost": {"id": "p1", "_version": 1, "_lastChangedAt": INJECTED_TIME * 1000}}
    }


def test_each_field_accepted_without_a_local_effect_is_said_once_at_load(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = {"schema.graphql": "type Query { a: String }\n"}
    definition = "schema: schema.graphql\nauthenticationType: API_KEY\nxrayEnabled: true\n"
    caplog.set_level("INFO", logger="appsync.app")
    load_api(read_appsync_yaml(_write_api(tmp_path, definition, files)))
    said = [record.getMessage() for record in caplog.records if record.name == "appsync.app"]
    assert said == [
        f"{tmp_path / 'appsync.yaml'}: xrayEnabled: accepted; no local effect yet "
        "(no X-Ray traces are recorded)"
    ]


def test_a_lambda_conflict_handler_that_does_not_import_is_a_problem_of_its_key(
    tmp_path: Path,
) -> None:
    definition = """
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: da2-appconflictskey0000000000}]
dataSources:
  - name: Posts
    type: AMAZON_DYNAMODB
    dynamodbConfig:
      tableName: Post
      versioned: true
      deltaSyncConfig: {baseTableTTL: 0, deltaSyncTableName: Delta, deltaSyncTableTTL: 30}
resolvers:
  - typeName: Query
    fieldName: a
    dataSourceName: Posts
    requestMappingTemplate: a.req.vtl
    responseMappingTemplate: a.res.vtl
    syncConfig:
      conflictDetection: VERSION
      conflictHandler: LAMBDA
      lambdaConflictHandlerConfig: {handler: "no_such_module_here:handler"}
"""
    request = '{"version": "2018-05-29", "operation": "GetItem", "key": {"id": {"S": "1"}}}'
    files = {"a.req.vtl": request, "a.res.vtl": "null"}
    assert _problems_of(tmp_path, definition, files) == [
        "resolvers[0].syncConfig.lambdaConflictHandlerConfig.handler"
    ]


def _template_problems(folder: Path, resources: str) -> list[str]:
    """The problems `load_api` finds in a CloudFormation template's API, as
    "<logical id>.<property path>: <message>"."""
    text = f"""
Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {{Name: posts, AuthenticationType: API_KEY}}
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties:
      ApiId: !GetAtt Api.ApiId
      Definition: "type Query {{ a: String b: String c: String }}"
  Local:
    Type: AWS::AppSync::DataSource
    Properties: {{ApiId: !GetAtt Api.ApiId, Name: Local, Type: NONE}}
{resources}"""
    (folder / "template.yaml").write_text(text, encoding="utf-8")
    definition = read_cloudformation(folder / "template.yaml", StackSettings("posts"))
    with pytest.raises(ConfigError) as caught:
        load_api(definition)
    return [f"{p.logical_id}.{p.key_path}: {p.message}" for p in caught.value.problems]


def test_a_templates_problems_found_at_load_name_the_resource(tmp_path: Path) -> None:
    assert _template_problems(
        tmp_path,
        """
  Broken:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: a
      DataSourceName: Local
      RequestMappingTemplate: '{"a": $util.toJson($ctx.args}'
      ResponseMappingTemplate: $util.toJson($ctx.result)
  Elsewhere:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Query
      FieldName: nope
      DataSourceName: Local
      RequestMappingTemplate: "{}"
""",
    ) == [
        "Broken.Properties.RequestMappingTemplate: Broken.Properties.RequestMappingTemplate:1:"
        "29: expected ) in parameter list, got: } ...",
        "Elsewhere.Properties.FieldName: type Query has no field 'nope'",
    ]


def test_an_inline_schemas_problems_name_its_resource(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        """
Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: posts, AuthenticationType: API_KEY}
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties:
      ApiId: !GetAtt Api.ApiId
      Definition: |
        type Query {
          a: Nope
        }
""",
        encoding="utf-8",
    )
    definition = read_cloudformation(tmp_path / "template.yaml", StackSettings("posts"))
    with pytest.raises(ConfigError) as caught:
        load_api(definition)
    [problem] = caught.value.problems
    assert (problem.logical_id, problem.key_path) == ("Schema", "Properties.Definition")
    assert problem.message.startswith("line 2, column 6: Unknown type 'Nope'.")


@pytest.mark.anyio
async def test_a_templates_inline_lambda_function_runs_behind_its_data_source(
    tmp_path: Path,
) -> None:
    # CloudFormation writes a Python function's ZipFile to index.py (AWS::Lambda::Function Code).
    (tmp_path / "template.yaml").write_text(
        """
Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: posts, AuthenticationType: API_KEY}
  Key:
    Type: AWS::AppSync::ApiKey
    Properties: {ApiId: !GetAtt Api.ApiId}
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties: {ApiId: !GetAtt Api.ApiId, Definition: "type Query { echo: String }"}
  Echo:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code:
        ZipFile: |
          import os
          def handler(event, context):
              return event["info"]["fieldName"] + " from " + os.environ["AWS_LAMBDA_FUNCTION_NAME"]
  EchoSource:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: Echo
      Type: AWS_LAMBDA
      LambdaConfig: {LambdaFunctionArn: !GetAtt Echo.Arn}
  EchoResolver:
    Type: AWS::AppSync::Resolver
    Properties: {ApiId: !GetAtt Api.ApiId, TypeName: Query, FieldName: echo, DataSourceName: Echo}
""",
        encoding="utf-8",
    )
    definition = read_cloudformation(tmp_path / "template.yaml", StackSettings("posts"))
    app = build_app(definition)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://local") as client,
    ):
        response = await client.post(
            "/graphql", json={"query": "{ echo }"}, headers={"x-api-key": definition.api_keys[0].id}
        )
    name = definition.server.lambda_functions[0].function_name
    assert response.json() == {"data": {"echo": f"echo from {name}"}}


JS_API = """
schema: schema.graphql
authenticationType: API_KEY
dataSources: [{name: Local, type: NONE}]
functions:
  - {name: step, dataSourceName: Local, runtime: {name: APPSYNC_JS, runtimeVersion: 1.0.0},
     code: step.js}
resolvers:
  - {typeName: Query, fieldName: a, kind: PIPELINE, pipelineConfig: {functions: [step]},
     runtime: {name: APPSYNC_JS, runtimeVersion: 1.0.0}, code: around.js}
"""


def test_appsync_js_code_loads_into_one_runtime_per_api(tmp_path: Path) -> None:
    files = {
        "schema.graphql": "type Query { a: String }\n",
        "step.js": "export const request = (ctx) => ({ payload: 'a' });\n"
        "export const response = (ctx) => ctx.result;\n",
        "around.js": "export const request = (ctx) => ({});\n"
        "export const response = (ctx) => ctx.prev.result;\n",
    }
    api = load_api(read_appsync_yaml(_write_api(tmp_path, JS_API, files)))
    assert api.js_runtime is not None
    plain = tmp_path / "plain"
    plain.mkdir()
    without = load_api(
        read_appsync_yaml(
            _write_api(
                plain,
                "schema: schema.graphql\nauthenticationType: API_KEY\n",
                {"schema.graphql": "type Query { a: String }\n"},
            )
        )
    )
    assert without.js_runtime is None


def test_appsync_js_code_appsync_would_refuse_is_a_problem_with_its_position(
    tmp_path: Path,
) -> None:
    """What AppSync refuses when code is saved (a syntax error, a construct outside the
    APPSYNC_JS subset, a missing handler, a module it does not provide, code past 32768
    characters) is a problem of the definition, with the file, line and column."""
    definition = """
schema: schema.graphql
authenticationType: API_KEY
dataSources: [{name: Local, type: NONE}]
resolvers:
"""
    cases = {
        "syntax.js": "export function request(ctx) {\n  return { a: ; }\n}\n"
        "export const response = (ctx) => ctx.result;\n",
        "refused.js": "export function request(ctx) {\n  try { return 1; } catch (e) {}\n}\n"
        "export const response = (ctx) => ctx.result;\n",
        "missing.js": "export function request(ctx) { return {}; }\n",
        "import.js": "import { get } from 'lodash';\nexport const request = (ctx) => get;\n"
        "export const response = (ctx) => ctx.result;\n",
        "long.js": "export const request = (ctx) => 1;\nexport const response = (ctx) => 1;\n"
        + "//"
        + "x" * 32768
        + "\n",
    }
    fields = []
    for index, name in enumerate(cases):
        field = f"f{index}"
        fields.append(field)
        definition += (
            f"  - {{typeName: Query, fieldName: {field}, dataSourceName: Local,\n"
            f"     runtime: {{name: APPSYNC_JS, runtimeVersion: 1.0.0}}, code: {name}}}\n"
        )
    files = {"schema.graphql": f"type Query {{ {' '.join(f + ': String' for f in fields)} }}\n"}
    path = _write_api(tmp_path, definition, {**files, **cases})
    with pytest.raises(ConfigError) as caught:
        load_api(read_appsync_yaml(path))
    folder = path.parent.resolve()
    assert [(p.key_path, p.message) for p in caught.value.problems] == [
        (
            "resolvers[0].code",
            f"{folder}/syntax.js:2:15: SyntaxError: unexpected token in expression: ';'",
        ),
        (
            "resolvers[1].code",
            f"{folder}/refused.js:2:3: Try statements are not supported.",
        ),
        (
            "resolvers[2].code",
            f"{folder}/missing.js:1:1: the module does not export a response(ctx) function",
        ),
        (
            "resolvers[3].code",
            f"{folder}/import.js:1:1: error TS2307: Cannot find module 'lodash' or its "
            "corresponding type declarations.",
        ),
        (
            "resolvers[4].code",
            f"{folder}/long.js:1:1: the code is 32842 characters long; AppSync takes at most 32768",
        ),
    ]
