"""The console API's schema run in process against real parts: the embedded Step Functions
engine, the AWS endpoint's DynamoDB route on moto's backend, a definition, a resolver log.
Operations go through Strawberry's own execution (`schema.execute` / `schema.subscribe`), with
the context the HTTP and websocket endpoints build."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

from starlette.requests import Request
from strawberry.types import ExecutionResult

from appsync.aws.dynamodb import DynamoDBRoute
from appsync.console.context import ConsoleContext, ConsoleServices, EmbeddedTables
from appsync.console.mount import api_schema
from appsync.console.schema import ConsoleSchema
from stepfunctions.runtime.clock import SystemClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService

ROLE = "arn:aws:iam::123456789012:role/console-test"
ACCOUNT = "123456789012"


def engine() -> StepFunctionsService:
    return StepFunctionsService(SystemClock(), TaskRegistry())


def services(service: StepFunctionsService | None = None, **parts: Any) -> ConsoleServices:
    """Every part the tests do not name: the engine, and the embedded DynamoDB in us-east-1."""
    return ConsoleServices(
        step_functions=service or engine(),
        version="9.9.9",
        tables=parts.pop("tables", EmbeddedTables(DynamoDBRoute(), "us-east-1")),
        poll_seconds=parts.pop("poll_seconds", 0.01),
        **parts,
    )


def request(host: str = "127.0.0.1:20002", scheme: str = "http") -> Request:
    return Request(
        {
            "type": "http",
            "scheme": scheme,
            "method": "POST",
            "path": "/console/graphql",
            "query_string": b"",
            "headers": [(b"host", host.encode())],
            "server": ("127.0.0.1", 20002),
        }
    )


async def execute(
    served: ConsoleServices,
    query: str,
    variables: dict[str, Any] | None = None,
    schema: ConsoleSchema | None = None,
    operation_name: str | None = None,
) -> ExecutionResult:
    return await (schema or api_schema()).execute(
        query,
        variable_values=variables,
        context_value=ConsoleContext(served, request()),
        operation_name=operation_name,
    )


async def data(served: ConsoleServices, query: str, variables: dict[str, Any] | None = None) -> Any:
    """The operation's data; fails the test with the errors when there are any."""
    result = await execute(served, query, variables)
    assert result.errors is None, [error.formatted for error in result.errors]
    return result.data


async def subscribe(
    served: ConsoleServices,
    query: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
) -> AsyncGenerator[ExecutionResult, None]:
    stream = await api_schema().subscribe(
        query,
        variable_values=variables,
        context_value=ConsoleContext(served, request()),
        operation_name=operation_name,
    )
    assert not isinstance(stream, ExecutionResult), stream.errors
    return stream


async def states(service: StepFunctionsService, operation: str, body: dict[str, Any]) -> Any:
    """One call of the engine's AWS JSON API, as boto3's would reach it."""
    status, answer = await service.handle(operation, json.dumps(body).encode())
    assert status == 200, answer
    return answer
