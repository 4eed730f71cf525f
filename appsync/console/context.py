"""What the console API's resolvers reach: the embedded services, in process, never over HTTP.

`ConsoleServices` is built once per server: the Step Functions engine's service layer (the
operations behind its AWS JSON API), the embedded DynamoDB through the AWS endpoint's own
DynamoDB route (moto's backend, the one the resolvers use), the API's definition, and the
resolver log. `appsync-local stepfunctions` has only the engine. `ConsoleContext` is one
request's or one websocket's context, as Strawberry hands it to every resolver.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

import strawberry
from starlette.requests import Request
from starlette.websockets import WebSocket

from appsync.aws.states import StepFunctionsApi
from appsync.console.errors import AwsServiceError, NotServedError
from appsync.console.resolver_log_stream import ResolverLogStream
from definition.model import ApiDefinition

# How often a live view reads the engine or the table again while someone watches.
POLL_SECONDS = 0.1


class DynamoDBCalls(Protocol):
    """`appsync.aws.dynamodb.DynamoDBRoute.call`: one operation answered as the AWS endpoint
    answers it (a Protocol, so that `appsync-local stepfunctions` never imports moto)."""

    def call(
        self, region: str, operation: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]: ...


@dataclass(frozen=True, slots=True)
class EmbeddedTables:
    """The embedded DynamoDB, answered as the AWS endpoint answers it, in one region."""

    route: DynamoDBCalls
    region: str

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        status, body = self.route.call(self.region, operation, params)
        if status != 200:
            code = str(body.get("__type", "InternalServerError")).rsplit("#", 1)[-1]
            raise AwsServiceError(code, str(body.get("message") or body.get("Message") or ""))
        return body


@dataclass(frozen=True, slots=True)
class ServedApi:
    """The AppSync API the server runs, as the console describes it."""

    definition: ApiDefinition
    api_id: str
    region: str
    account_id: str


@dataclass(frozen=True, slots=True)
class ConsoleServices:
    step_functions: StepFunctionsApi
    version: str
    tables: EmbeddedTables | None = None
    api: ServedApi | None = None
    resolver_log: ResolverLogStream | None = None
    poll_seconds: float = POLL_SECONDS

    async def states(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        """One Step Functions operation; AWS's error as an `AwsServiceError`."""
        status, body = await self.step_functions.handle(operation, json.dumps(request).encode())
        if status != 200:
            raise AwsServiceError(str(body.get("__type")), str(body.get("message", "")))
        return body

    def dynamodb(self) -> EmbeddedTables:
        if self.tables is None:
            raise NotServedError("this server has no DynamoDB (appsync-local stepfunctions)")
        return self.tables

    def served_api(self) -> ServedApi:
        if self.api is None:
            raise NotServedError("this server serves no AppSync API (appsync-local stepfunctions)")
        return self.api

    def log(self) -> ResolverLogStream:
        if self.resolver_log is None:
            raise NotServedError("this server serves no AppSync API (appsync-local stepfunctions)")
        return self.resolver_log


# Made per request: slotted, not frozen (Strawberry's websocket handler sets connection_params).
@dataclass(slots=True)
class ConsoleContext:
    services: ConsoleServices
    request: Request | WebSocket
    connection_params: dict[str, Any] | None = field(default=None)


ConsoleInfo = strawberry.Info[ConsoleContext, None]
