"""`resolverLog` and `onResolverLog`: the resolver log's requests in the contract's shape
(console/src/api/operations.graphql, `ResolverLogRequestFields`)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from appsync.console.resolver_log_stream import ResolverLogStream
from tests.unit.appsync.console.support import engine, execute, services, subscribe

OPERATIONS = Path(__file__).parents[4] / "console" / "src" / "api" / "operations.graphql"
EXECUTION = {
    "logType": "ExecutionSummary",
    "requestId": "r-1",
    "graphQLAPIId": "api1",
    "startTime": "2026-01-02T03:04:05.678Z",
    "endTime": "2026-01-02T03:04:05.700Z",
    "duration": 22000000,
}
MAPPING = {
    "logType": "RequestMapping",
    "path": ["getPost"],
    "fieldName": "getPost",
    "parentType": "Query",
    "resolverArn": "arn:aws:appsync:us-east-1:123456789012:apis/api1/types/Query/fields/getPost",
    "fieldInError": True,
    "errors": [{"message": "boom", "errorType": "Custom"}],
    "requestId": "r-1",
    "graphQLAPIId": "api1",
    "transformedTemplate": '{"operation": "Invoke"}',
    "context": {"arguments": {"id": "1"}},
}
QUERY_LINE = (
    'r-1 GraphQL Query: query Get { getPost(id: "1") { id } }, Operation: Get, Variables: {}'
)


def _stream() -> ResolverLogStream:
    stream = ResolverLogStream("api", "us-east-1", "123456789012")
    stream.write(
        [
            (1, QUERY_LINE),
            (2, json.dumps(MAPPING)),
            (3, json.dumps(EXECUTION)),
            (4, json.dumps({"logType": "RequestSummary", "statusCode": 200, "latency": 1})),
        ]
    )
    return stream


@pytest.mark.anyio
async def test_the_latest_requests_in_the_contracts_shape() -> None:
    # The front end's own operation, fragments and all: the kept requests come first.
    follower = await subscribe(
        services(resolver_log=_stream()),
        OPERATIONS.read_text(encoding="utf-8"),
        {"latest": 10},
        operation_name="OnResolverLog",
    )
    result = await asyncio.wait_for(anext(follower), 5)
    await follower.aclose()
    assert result.errors is None
    assert result.data is not None
    request = result.data["onResolverLog"]
    assert request["requestId"] == "r-1"
    assert request["operationName"] == "Get"
    assert request["query"] == 'query Get { getPost(id: "1") { id } }'
    assert request["statusCode"] == 200
    assert request["startTime"] == 1767323045.678
    assert request["authorizationType"] is None
    assert request["errors"] == [{"path": ["getPost"], "message": "boom", "errorType": "Custom"}]
    [entry] = request["entries"]
    assert entry["transformedTemplate"] == '{"operation": "Invoke"}'
    assert entry["context"] == {"arguments": {"id": "1"}}
    assert entry["fieldInError"] is True
    assert entry["dataSourceName"] is None


@pytest.mark.anyio
async def test_each_new_request_is_streamed() -> None:
    stream = ResolverLogStream("api", "us-east-1", "123456789012")
    served = services(resolver_log=stream)
    follower = await subscribe(
        served, "subscription { onResolverLog { requestId entries { logType } } }"
    )
    waiting = asyncio.ensure_future(anext(follower))
    await asyncio.sleep(0.01)
    stream.write([(1, json.dumps(MAPPING))])
    result = await asyncio.wait_for(waiting, 5)
    await follower.aclose()
    assert result.data == {
        "onResolverLog": {"requestId": "r-1", "entries": [{"logType": "RequestMapping"}]}
    }


@pytest.mark.anyio
async def test_the_stepfunctions_server_has_no_resolver_log() -> None:
    result = await execute(services(engine()), "{ resolverLog { requestId } }")
    assert result.errors is not None
    assert result.errors[0].extensions == {"errorType": "ConsoleApiUnavailable"}
