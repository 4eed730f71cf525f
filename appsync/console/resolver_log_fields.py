"""The console API's resolver log fields: the latest requests (`resolverLog`) and each new one
as it ends (`onResolverLog`), in the words of AppSync's CloudWatch log events
(`appsync.console.resolver_log` groups them by request)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator

import strawberry
from strawberry.scalars import JSON

from appsync.console.context import ConsoleInfo
from appsync.console.resolver_log import LoggedEntry, LoggedRequest
from appsync.console.schema import SchemaPart


@strawberry.type(
    description="One field-level event of a request: RequestMapping, "
    "ResponseMapping (a pipeline function's carry functionName), or Tracing."
)
class ResolverLogEntry:
    logType: str
    path: list[JSON] = strawberry.field(
        description="Field names and list indexes, as in a GraphQL error's path."
    )
    parentType: str
    fieldName: str
    returnType: str | None = None
    resolverArn: str | None = None
    functionName: str | None = None
    functionArn: str | None = None
    dataSourceName: str | None = None
    dataSourceType: str | None = None
    startOffset: float | None = strawberry.field(
        default=None, description="Nanoseconds from the request's start."
    )
    duration: float | None = strawberry.field(default=None, description="Nanoseconds.")
    transformedTemplate: str | None = None
    evaluationResult: JSON | None = None
    context: JSON | None = None
    fieldInError: bool | None = None
    errors: JSON | None = None


@strawberry.type(description="One GraphQL request the API served, with its field-level events.")
class ResolverLogRequest:
    requestId: str
    graphQLAPIId: str
    startTime: float = strawberry.field(description="Epoch seconds.")
    query: str
    entries: list[ResolverLogEntry]
    endTime: float | None = None
    duration: float | None = strawberry.field(default=None, description="Nanoseconds.")
    statusCode: int | None = None
    operationName: str | None = None
    variables: JSON | None = None
    authorizationType: str | None = None
    errors: JSON | None = None


def _entry(entry: LoggedEntry) -> ResolverLogEntry:
    return ResolverLogEntry(**dataclasses.asdict(entry))


def _request(request: LoggedRequest) -> ResolverLogRequest:
    fields = {
        field.name: getattr(request, field.name)
        for field in dataclasses.fields(request)
        if field.name != "entries"
    }
    return ResolverLogRequest(**fields, entries=[_entry(entry) for entry in request.entries])


@strawberry.type
class ResolverLogQuery:
    @strawberry.field
    def resolverLog(self, info: ConsoleInfo, limit: int | None = None) -> list[ResolverLogRequest]:
        return [_request(request) for request in info.context.services.log().latest(limit)]


@strawberry.type
class ResolverLogSubscription:
    @strawberry.subscription
    async def onResolverLog(self, info: ConsoleInfo) -> AsyncGenerator[ResolverLogRequest, None]:
        async for request in info.context.services.log().follow():
            yield _request(request)


RESOLVER_LOG = SchemaPart(ResolverLogQuery, subscription=ResolverLogSubscription)
