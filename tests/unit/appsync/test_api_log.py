"""The API's CloudWatch-shaped log, through the real app: which events each `fieldLogLevel`
writes and their fields, compared with AWS's documented examples ("Log type reference",
https://docs.aws.amazon.com/appsync/latest/devguide/monitoring.html), the request-level lines as
FireTail-io/firetail-appsync-lambda recorded them from AppSync, and aws/aws-appsync-community#100's
ResponseMapping fields."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from appsync.api_log import api_id
from appsync.app import build_app
from appsync.log_sinks import JsonLinesSink
from definition.appsync_yaml.api import read_appsync_yaml

pytestmark = pytest.mark.anyio

API_KEY = "da2-appsynclogtestkey0000000"

# AWS's documented examples, copied field for field (values as AWS shows them).
DOC_REQUEST_SUMMARY: dict[str, Any] = {
    "logType": "RequestSummary",
    "requestId": "dbe87af3-c114-4b32-ae79-8af11f3f96f1",
    "graphQLAPIId": "pmo28inf75eepg63qxq4ekoeg4",
    "statusCode": 200,
    "latency": 242000000,
}
DOC_EXECUTION_SUMMARY: dict[str, Any] = {
    "duration": 217406145,
    "logType": "ExecutionSummary",
    "requestId": "dbe87af3-c114-4b32-ae79-8af11f3f96f1",
    "startTime": "2019-01-01T06:06:18.956Z",
    "endTime": "2019-01-01T06:06:19.174Z",
    "parsing": {"startOffset": 49033, "duration": 34784},
    "version": 1,
    "validation": {"startOffset": 129048, "duration": 69126},
    "graphQLAPIId": "pmo28inf75eepg63qxq4ekoeg4",
}
DOC_TRACING = {
    "duration": 216820346,
    "logType": "Tracing",
    "path": ["putItem"],
    "fieldName": "putItem",
    "startOffset": 178156,
    "resolverArn": "arn:aws:appsync:us-east-1:111111111111:apis/pmo28inf75eepg63qxq4ekoeg4"
    "/types/Mutation/fields/putItem",
    "requestId": "dbe87af3-c114-4b32-ae79-8af11f3f96f1",
    "parentType": "Mutation",
    "returnType": "Item",
    "graphQLAPIId": "pmo28inf75eepg63qxq4ekoeg4",
}
# aws/aws-appsync-community#100 (the fields the reporter kept of a ResponseMapping event).
ISSUE_RESPONSE_MAPPING_FIELDS = {
    "fieldInError",
    "fieldName",
    "logType",
    "parentType",
    "transformedTemplate",
}

SCHEMA = """
type Query {
  hello(name: String): String
  failing: String
  swallowed: String
}
"""
HELLO_REQUEST = """$util.log.info("hello {}", $ctx.args.name)
$util.log.debug("debugging")
{"version": "2018-05-29", "payload": $util.toJson($ctx.args.name)}"""
FAILING_REQUEST = """$util.log.error("about to fail")
$util.error("Nope", "Custom")"""
LAMBDA = "def handler(event):\n    raise ValueError('table has no index byName')\n"
SWALLOW_RESPONSE = "#if($ctx.error)null#else$util.toJson($ctx.result)#end"
INVOKE = '{"version": "2018-05-29", "operation": "Invoke", "payload": {}}'


def _definition(folder: Path, log_config: str) -> Path:
    files = {
        "schema.graphql": SCHEMA,
        "hello.req.vtl": HELLO_REQUEST,
        "result.res.vtl": "$util.toJson($ctx.result)",
        "failing.req.vtl": FAILING_REQUEST,
        "invoke.req.vtl": INVOKE,
        "swallow.res.vtl": SWALLOW_RESPONSE,
        "log_test_lambda.py": LAMBDA,
        "appsync.yaml": f"""
name: logged
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{{id: {API_KEY}}}]
{log_config}
dataSources:
  - {{name: Local, type: NONE}}
  - {{name: Fn, type: AWS_LAMBDA, lambdaConfig: {{handler: "log_test_lambda:handler"}}}}
resolvers:
  - {{typeName: Query, fieldName: hello, dataSourceName: Local,
      requestMappingTemplate: hello.req.vtl, responseMappingTemplate: result.res.vtl}}
  - {{typeName: Query, fieldName: failing, dataSourceName: Local,
      requestMappingTemplate: failing.req.vtl, responseMappingTemplate: result.res.vtl}}
  - {{typeName: Query, fieldName: swallowed, dataSourceName: Fn,
      requestMappingTemplate: invoke.req.vtl, responseMappingTemplate: swallow.res.vtl}}
""",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "appsync.yaml"


async def _logged(
    folder: Path, level: str, query: str, *, exclude_verbose: bool = False
) -> tuple[httpx.Response, list[dict[str, Any]]]:
    """The response to `query`, and the events written for it as {timestamp, message}."""
    verbose = str(exclude_verbose).lower()
    config = f"logConfig: {{fieldLogLevel: {level}, excludeVerboseContent: {verbose}}}"
    stream = io.StringIO()
    app = build_app(read_appsync_yaml(_definition(folder, config)), log_sink=JsonLinesSink(stream))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
        response = await client.post(
            "/graphql", json={"query": query}, headers={"x-api-key": API_KEY}
        )
    return response, [json.loads(line) for line in stream.getvalue().splitlines()]


def _json_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [json.loads(e["message"]) for e in events if e["message"].startswith("{")]


def _texts(events: list[dict[str, Any]]) -> list[str]:
    return [e["message"] for e in events if not e["message"].startswith("{")]


def _types(events: list[dict[str, Any]]) -> list[str]:
    return [event["logType"] for event in _json_events(events)]


async def test_every_event_is_an_input_log_event_tagged_with_the_request_id(
    tmp_path: Path,
) -> None:
    response, events = await _logged(tmp_path, "ALL", '{ hello(name: "Ada") }')
    request_id = response.headers["x-amzn-requestid"]
    assert all(set(event) == {"timestamp", "message"} for event in events)
    assert all(isinstance(event["timestamp"], int) for event in events)
    assert all(e["requestId"] == request_id for e in _json_events(events))
    assert all(text.startswith(f"{request_id} ") for text in _texts(events))


async def test_the_summaries_have_the_documented_fields_at_every_level(tmp_path: Path) -> None:
    for level in ("NONE", "ERROR", "INFO", "DEBUG", "ALL"):
        folder = tmp_path / level
        folder.mkdir()
        response, events = await _logged(folder, level, "{ hello }")
        by_type = {event["logType"]: event for event in _json_events(events)}
        summary, execution = by_type["RequestSummary"], by_type["ExecutionSummary"]
        assert set(summary) == set(DOC_REQUEST_SUMMARY)
        assert set(execution) == set(DOC_EXECUTION_SUMMARY)
        assert (
            set(execution["parsing"]) == set(execution["validation"]) == {"startOffset", "duration"}
        )
        assert summary["statusCode"] == response.status_code == 200
        assert summary["graphQLAPIId"] == api_id("logged")
        assert len(summary["graphQLAPIId"]) == len(DOC_REQUEST_SUMMARY["graphQLAPIId"])
        assert isinstance(summary["latency"], int)
        assert summary["latency"] > 0
        assert execution["version"] == 1
        # RFC 3339 with milliseconds, as the example's "2019-01-01T06:06:18.956Z".
        assert len(execution["startTime"]) == len(DOC_EXECUTION_SUMMARY["startTime"])
        assert execution["startTime"] <= execution["endTime"]


async def test_none_writes_only_the_summaries(tmp_path: Path) -> None:
    _, events = await _logged(tmp_path, "NONE", "{ hello failing swallowed }")
    assert sorted(_types(events)) == ["ExecutionSummary", "RequestSummary"]
    assert not any(" INFO - " in text or " ERROR - " in text for text in _texts(events))


async def test_all_traces_every_resolved_field_with_the_documented_fields(tmp_path: Path) -> None:
    _, events = await _logged(tmp_path, "ALL", '{ hello(name: "Ada") }')
    tracing = [e for e in _json_events(events) if e["logType"] == "Tracing"]
    assert len(tracing) == 1
    [trace] = tracing
    assert set(trace) == set(DOC_TRACING)
    assert (trace["path"], trace["fieldName"], trace["parentType"], trace["returnType"]) == (
        ["hello"],
        "hello",
        "Query",
        "String",
    )
    assert trace["resolverArn"] == (
        f"arn:aws:appsync:us-east-1:123456789012:apis/{api_id('logged')}/types/Query/fields/hello"
    )
    assert trace["duration"] > 0
    assert trace["startOffset"] > 0
    request, response = (e for e in _json_events(events) if e["logType"].endswith("Mapping"))
    assert (request["logType"], response["logType"]) == ("RequestMapping", "ResponseMapping")
    assert set(response) >= ISSUE_RESPONSE_MAPPING_FIELDS
    assert json.loads(request["transformedTemplate"]) == {"version": "2018-05-29", "payload": "Ada"}
    assert json.loads(response["transformedTemplate"]) == "Ada"
    assert request["context"]["arguments"] == {"name": "Ada"}
    assert response["context"]["result"] == "Ada"
    assert (request["fieldInError"], request["errors"]) == (False, [])


async def test_error_writes_the_mapping_events_of_fields_in_error_only(tmp_path: Path) -> None:
    _, events = await _logged(tmp_path, "ERROR", "{ hello failing }")
    mappings = [e for e in _json_events(events) if e["logType"].endswith("Mapping")]
    assert {event["fieldName"] for event in mappings} == {"failing"}
    [failing] = mappings
    assert failing["logType"] == "RequestMapping"
    assert failing["fieldInError"] is True
    assert failing["errors"] == [{"message": "Nope", "errorType": "Custom"}]
    assert "Tracing" not in _types(events)
    texts = _texts(events)
    assert any(text.endswith("ERROR - about to fail") for text in texts)
    assert not any(" INFO - " in text for text in texts)


async def test_a_data_source_error_the_response_swallowed_is_logged_at_error(
    tmp_path: Path,
) -> None:
    response, events = await _logged(tmp_path, "ERROR", "{ swallowed }")
    assert response.json() == {"data": {"swallowed": None}}
    mappings = [e for e in _json_events(events) if e["logType"] == "ResponseMapping"]
    [swallowed] = mappings
    assert swallowed["path"] == ["swallowed"]
    assert swallowed["fieldInError"] is False
    [error] = swallowed["errors"]
    assert "table has no index byName" in error["message"]
    assert swallowed["context"]["error"]["message"] == error["message"]


async def test_info_and_debug_keep_user_lines_by_their_level(tmp_path: Path) -> None:
    info_folder, debug_folder = tmp_path / "info", tmp_path / "debug"
    info_folder.mkdir()
    debug_folder.mkdir()
    _, info = await _logged(info_folder, "INFO", '{ hello(name: "Ada") }', exclude_verbose=True)
    _, debug = await _logged(debug_folder, "DEBUG", '{ hello(name: "Ada") }', exclude_verbose=True)
    assert [t.split(" ", 1)[1] for t in _texts(info)] == ["INFO - hello Ada"]
    assert [t.split(" ", 1)[1] for t in _texts(debug)] == ["INFO - hello Ada", "DEBUG - debugging"]
    # Without verbose content, INFO and DEBUG show no mapping events for a sound field.
    assert "RequestMapping" not in _types(info) + _types(debug)


async def test_verbose_content_adds_the_request_lines_and_masks_the_api_key(
    tmp_path: Path,
) -> None:
    response, events = await _logged(tmp_path, "ERROR", "{ hello }")
    request_id = response.headers["x-amzn-requestid"]
    texts = [text.removeprefix(f"{request_id} ") for text in _texts(events)]
    assert texts[0] == "Begin Request"
    assert texts[1].startswith("GraphQL Query: { hello }")
    assert texts[2].startswith("Request Headers: {")
    assert "x-api-key=[****0000000]" not in texts[2]
    assert f"x-api-key=[****{API_KEY[-6:]}]" in texts[2]
    assert API_KEY not in texts[2]
    assert texts[-3].startswith("Response Headers: {")
    assert f"x-amzn-requestid={request_id}" in texts[-3]
    assert texts[-2:] == ["Tokens Consumed: 1", "End Request"]


@pytest.mark.parametrize("level", ["ERROR", "ALL"])
async def test_exclude_verbose_content_drops_headers_context_and_templates(
    tmp_path: Path, level: str
) -> None:
    _, events = await _logged(tmp_path, level, "{ failing }", exclude_verbose=True)
    assert not any(
        text.split(" ", 1)[1].startswith(("Begin", "Request", "Response", "GraphQL"))
        for text in _texts(events)
    )
    mappings = [e for e in _json_events(events) if e["logType"].endswith("Mapping")]
    assert mappings
    assert all("context" not in e and "transformedTemplate" not in e for e in mappings)


async def test_without_a_log_config_nothing_is_written(tmp_path: Path) -> None:
    stream = io.StringIO()
    app = build_app(read_appsync_yaml(_definition(tmp_path, "")), log_sink=JsonLinesSink(stream))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
        await client.post("/graphql", json={"query": "{ hello }"}, headers={"x-api-key": API_KEY})
    assert stream.getvalue() == ""
