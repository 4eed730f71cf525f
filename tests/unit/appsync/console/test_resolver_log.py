"""The resolver log follows the API's own CloudWatch-shaped log (`appsync.api_log`): grouped by
request, kept for the latest requests, streamed to followers; nothing logged until a console
opens when the API has no `logConfig`, and the `logConfig`'s own events (and destination) when it
has one."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from strawberry.scalars import JSON

from appsync.app import AppSyncApp, build_app, load_api
from appsync.console.resolver_log import logged_request
from appsync.console.resolver_log_stream import ResolverLogStream
from appsync.log_sinks import JsonLinesSink
from definition.appsync_yaml.api import read_appsync_yaml

API_KEY = "da2-consolelogtestkey0000000"
SCHEMA = "type Query { hello(name: String): String  failing: String  piped: String }\n"
HELLO_REQUEST = '{"version": "2018-05-29", "payload": $util.toJson($ctx.args.name)}'
RESULT = "$util.toJson($ctx.result)"
FAILING = '$util.error("Nope", "Custom")'
PIPE_BEFORE = "{}"
PIPE_AFTER = "$util.toJson($ctx.prev.result)"
FUNCTION_REQUEST = '{"version": "2018-05-29", "payload": "from the function"}'


def _api(tmp_path: Path, log_config: dict[str, Any] | None = None) -> Path:
    files = {
        "schema.graphql": SCHEMA,
        "hello.req.vtl": HELLO_REQUEST,
        "result.res.vtl": RESULT,
        "failing.req.vtl": FAILING,
        "before.vtl": PIPE_BEFORE,
        "after.vtl": PIPE_AFTER,
        "function.req.vtl": FUNCTION_REQUEST,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    definition: dict[str, Any] = {
        "name": "console-log",
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": API_KEY}],
        "dataSources": [{"name": "Local", "type": "NONE"}],
        "functions": [
            {
                "name": "said",
                "dataSourceName": "Local",
                "requestMappingTemplate": "function.req.vtl",
                "responseMappingTemplate": "result.res.vtl",
            }
        ],
        "resolvers": [
            {
                "typeName": "Query",
                "fieldName": "hello",
                "dataSourceName": "Local",
                "requestMappingTemplate": "hello.req.vtl",
                "responseMappingTemplate": "result.res.vtl",
            },
            {
                "typeName": "Query",
                "fieldName": "failing",
                "dataSourceName": "Local",
                "requestMappingTemplate": "failing.req.vtl",
                "responseMappingTemplate": "result.res.vtl",
            },
            {
                "typeName": "Query",
                "fieldName": "piped",
                "kind": "PIPELINE",
                "pipelineConfig": {"functions": ["said"]},
                "requestMappingTemplate": "before.vtl",
                "responseMappingTemplate": "after.vtl",
            },
        ],
    }
    if log_config is not None:
        definition["logConfig"] = log_config
    path = tmp_path / "appsync.json"
    path.write_text(json.dumps(definition))
    return path


async def _query(
    app: AppSyncApp, query: str, variables: Any = None, name: str | None = None
) -> Any:
    transport = httpx.ASGITransport(app=app)
    body = {"query": query, "variables": variables, "operationName": name}
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:20002") as client:
        response = await client.post("/graphql", json=body, headers={"x-api-key": API_KEY})
    return response.json()


def _plain(value: object) -> Any:
    """A JSON scalar's value as the JSON it holds."""
    return value


def _stream(app: AppSyncApp) -> ResolverLogStream:
    stream: ResolverLogStream = app.state.console.resolver_log
    return stream


@pytest.mark.anyio
async def test_nothing_is_logged_until_a_console_opens(tmp_path: Path) -> None:
    app = build_app(read_appsync_yaml(_api(tmp_path)))
    stream = _stream(app)
    await _query(app, '{ hello(name: "before") }')
    before = stream.armed
    assert stream.latest() == []
    stream.arm()
    assert (before, stream.armed) == (False, True)
    answer = await _query(
        app, "query Greet($name: String) { hello(name: $name) }", {"name": "Ada"}, "Greet"
    )
    assert answer == {"data": {"hello": "Ada"}}
    [request] = stream.latest()
    assert request.operationName == "Greet"
    assert request.query == "query Greet($name: String) { hello(name: $name) }"
    assert request.variables == JSON({"name": "Ada"})
    assert request.statusCode == 200
    assert request.duration is not None
    assert request.duration > 0
    assert request.endTime is not None
    assert request.endTime >= request.startTime
    assert request.errors == JSON([])
    assert [entry.logType for entry in request.entries] == [
        "RequestMapping",
        "ResponseMapping",
        "Tracing",
    ]
    mapping, response, tracing = request.entries
    assert json.loads(mapping.transformedTemplate or "") == {
        "version": "2018-05-29",
        "payload": "Ada",
    }
    assert mapping.context is not None
    assert _plain(mapping.context)["arguments"] == {"name": "Ada"}
    assert json.loads(response.transformedTemplate or "") == "Ada"
    assert (_plain(tracing.path), tracing.parentType, tracing.returnType) == (
        ["hello"],
        "Query",
        "String",
    )
    assert tracing.duration is not None
    assert tracing.startOffset is not None


@pytest.mark.anyio
async def test_errors_and_pipeline_functions_are_shown(tmp_path: Path) -> None:
    app = build_app(read_appsync_yaml(_api(tmp_path)))
    stream = _stream(app)
    stream.arm()
    await _query(app, "{ failing piped }")
    [request] = stream.latest()
    assert request.errors == JSON([{"path": ["failing"], "message": "Nope", "errorType": "Custom"}])
    failing = [
        (entry.logType, entry.fieldInError)
        for entry in request.entries
        if entry.fieldName == "failing"
    ]
    # The request handler raised: its mapping event names the field in error (Tracing has no
    # such member in AppSync's log).
    assert failing == [("RequestMapping", True), ("Tracing", None)]
    functions = [entry.functionName for entry in request.entries if entry.fieldName == "piped"]
    # before, the function's request and response, after, then the field's tracing.
    assert functions == [None, "said", "said", None, None]
    function_request = next(entry for entry in request.entries if entry.functionName == "said")
    assert function_request.functionArn is not None
    assert function_request.functionArn.endswith("/functions/said")


@pytest.mark.anyio
async def test_a_logconfig_log_is_joined_not_replaced(tmp_path: Path) -> None:
    written = io.StringIO()
    config = {
        "fieldLogLevel": "ERROR",
        "cloudWatchLogsRoleArn": "arn:aws:iam::123456789012:role/logs",
    }
    app = build_app(read_appsync_yaml(_api(tmp_path, config)), log_sink=JsonLinesSink(written))
    stream = _stream(app)
    # The API logs already: the console shows what its fieldLogLevel writes, from the start.
    assert stream.armed
    await _query(app, '{ hello(name: "x") failing }')
    stream.arm()  # a console opening changes nothing
    [request] = stream.latest()
    assert {entry.fieldName for entry in request.entries} == {"failing"}
    lines = [json.loads(line)["message"] for line in written.getvalue().splitlines()]
    assert any(request.requestId in line for line in lines)


def test_the_query_line_is_read_from_its_end() -> None:
    # A query and a variable that hold the line's own separators.
    query = 'query { a(t: ", Operation: X, Variables: {}") }'
    variables = {"text": ", Variables: {}"}
    line = f"rid GraphQL Query: {query}, Operation: Named, Variables: {json.dumps(variables)}"
    request = logged_request([(1_700_000_000_000, line)])
    assert request is not None
    assert (request.query, request.operationName) == (query, "Named")
    assert request.variables == JSON(variables)
    assert request.startTime == 1_700_000_000.0


def test_aws_documented_summaries_are_read() -> None:
    # "Log type reference", https://docs.aws.amazon.com/appsync/latest/devguide/monitoring.html
    execution = {
        "duration": 217406145,
        "logType": "ExecutionSummary",
        "requestId": "dbe87af3-c114-4b32-ae79-8af11f3f96f1",
        "startTime": "2019-01-01T06:06:18.956Z",
        "endTime": "2019-01-01T06:06:19.174Z",
        "graphQLAPIId": "pmo28inf75eepg63qxq4ekoeg4",
    }
    summary = {
        "logType": "RequestSummary",
        "requestId": "dbe87af3-c114-4b32-ae79-8af11f3f96f1",
        "graphQLAPIId": "pmo28inf75eepg63qxq4ekoeg4",
        "statusCode": 200,
        "latency": 242000000,
    }
    request = logged_request([(1, json.dumps(execution)), (2, json.dumps(summary))])
    assert request is not None
    assert request.requestId == "dbe87af3-c114-4b32-ae79-8af11f3f96f1"
    assert request.graphQLAPIId == "pmo28inf75eepg63qxq4ekoeg4"
    assert request.startTime == 1546322778.956
    assert request.endTime == 1546322779.174
    assert (request.duration, request.statusCode) == (217406145, 200)
    assert request.query == ""


def test_events_of_no_graphql_request_are_left_out() -> None:
    # A Step Functions execution's event, written to the same destination.
    event = {"id": "1", "type": "ExecutionStarted", "execution_arn": "arn:aws:states:x"}
    assert logged_request([(1, json.dumps(event))]) is None
    assert logged_request([]) is None


@pytest.mark.anyio
async def test_a_reload_keeps_the_console_token_and_its_resolver_log(tmp_path: Path) -> None:
    # A hot reload swaps the API (`AppSyncApp.install`): a console open in a browser keeps its
    # token, the requests it was shown, and goes on receiving the new API's requests.
    path = _api(tmp_path)
    app = build_app(read_appsync_yaml(path))
    before = app.state.console
    before.resolver_log.arm()
    await _query(app, '{ hello(name: "old") }')
    await app.install(load_api(read_appsync_yaml(path), running=app.state.api))
    after = app.state.console
    assert after.token is before.token
    assert after.resolver_log is before.resolver_log
    assert after.resolver_log.armed
    await _query(app, '{ hello(name: "new") }')
    assert [request.query for request in after.resolver_log.latest()] == [
        '{ hello(name: "new") }',
        '{ hello(name: "old") }',
    ]
