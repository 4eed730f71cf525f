"""The resolver log: the API's own CloudWatch-shaped log (`appsync.api_log`), grouped by request
for the console, kept for the latest requests and streamed to the console as each one ends.

There is one event source. `appsync.api_log` writes a request's events (RequestSummary,
ExecutionSummary, RequestMapping, ResponseMapping, Tracing and the request-level lines) to a
`LogSink` when the request ends; `appsync.console.resolver_log_stream` is such a sink, and
keeps them. A subscription's `start` on the realtime websocket writes its events there too,
read from the same endpoint's log (`appsync.realtime.start_log`). An API with a `logConfig`
shows what that `fieldLogLevel` writes, as AppSync's console shows what reaches CloudWatch.
`logged_request` reads one request's events as the console shows them.

AWS differs: an entry names no data source, and a request no authorization type (AppSync's log
events carry neither); a request's `errors` are those its fields' events carry.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from appsync.api_log import LogEvent

_QUERY_LINE = "GraphQL Query: "
_OPERATION = ", Operation: "
_VARIABLES = ", Variables: "
_FIELD_EVENTS = frozenset({"RequestMapping", "ResponseMapping", "Tracing"})


@strawberry.type(
    description="One field-level event of a request: RequestMapping, ResponseMapping (a "
    "pipeline function's carry functionName), or Tracing."
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
    # AppSync's log events name no data source: always null here (the contract has them).
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
    # Not in AppSync's log events: always null here.
    authorizationType: str | None = None
    errors: JSON | None = None


@dataclass(slots=True)
class _Building:
    request_id: str = ""
    api_id: str = ""
    start: float | None = None
    end: float | None = None
    duration: float | None = None
    status: int | None = None
    query: str = ""
    operation: str | None = None
    variables: Any = None
    entries: list[ResolverLogEntry] = field(default_factory=list)
    # The fields' errors, each once, with the path of the field that raised it.
    errors: list[dict[str, Any]] = field(default_factory=list)


def logged_request(events: Sequence[LogEvent]) -> ResolverLogRequest | None:
    """One request's events as the console shows them; None for events of no GraphQL request
    (a Step Functions execution's, written to the same destination)."""
    building = _Building()
    first_ms: int | None = None
    for timestamp, message in events:
        first_ms = timestamp if first_ms is None else first_ms
        if message.startswith("{"):
            _read_event(building, json.loads(message))
        else:
            request_id, _, text = message.partition(" ")
            building.request_id = building.request_id or request_id
            if text.startswith(_QUERY_LINE):
                _read_query_line(building, text[len(_QUERY_LINE) :])
    if not building.request_id or first_ms is None:
        return None
    return ResolverLogRequest(
        requestId=building.request_id,
        graphQLAPIId=building.api_id,
        startTime=building.start if building.start is not None else first_ms / 1000,
        query=building.query,
        entries=building.entries,
        endTime=building.end,
        duration=building.duration,
        statusCode=building.status,
        operationName=building.operation,
        variables=JSON(building.variables),
        errors=JSON(building.errors),
    )


def _read_event(building: _Building, event: dict[str, Any]) -> None:
    kind = event.get("logType")
    if kind is None:
        return
    building.request_id = building.request_id or str(event.get("requestId", ""))
    building.api_id = building.api_id or str(event.get("graphQLAPIId", ""))
    if kind == "ExecutionSummary":
        building.start = _epoch(event.get("startTime"))
        building.end = _epoch(event.get("endTime"))
        building.duration = event.get("duration")
    elif kind == "RequestSummary":
        building.status = event.get("statusCode")
        if building.duration is None:
            building.duration = event.get("latency")
    elif kind in _FIELD_EVENTS:
        errors = event.get("errors")
        if event.get("fieldInError") and isinstance(errors, list):
            for error in errors:
                shown = {"path": event.get("path", []), **error} if isinstance(error, dict) else {}
                if shown and shown not in building.errors:
                    building.errors.append(shown)
        building.entries.append(
            ResolverLogEntry(
                logType=kind,
                path=[JSON(step) for step in event.get("path", [])],
                parentType=str(event.get("parentType", "")),
                fieldName=str(event.get("fieldName", "")),
                returnType=event.get("returnType"),
                resolverArn=event.get("resolverArn"),
                functionName=event.get("functionName"),
                functionArn=event.get("functionArn"),
                startOffset=event.get("startOffset"),
                duration=event.get("duration"),
                transformedTemplate=event.get("transformedTemplate"),
                context=JSON(event.get("context")),
                fieldInError=event.get("fieldInError"),
                errors=JSON(errors),
            )
        )


def _read_query_line(building: _Building, text: str) -> None:
    """`<query>, Operation: <name>, Variables: <JSON>`: the variables are the last part that
    reads as JSON (the query or a variable's text may hold the same words)."""
    end = len(text)
    while (at := text.rfind(_VARIABLES, 0, end)) >= 0:
        try:
            building.variables = json.loads(text[at + len(_VARIABLES) :])
        except ValueError:
            end = at
            continue
        head = text[:at]
        # An operation name is a GraphQL name: no comma, no space, so the last match is it.
        query, _, operation = head.rpartition(_OPERATION)
        building.query = query
        building.operation = None if operation == "None" else operation
        return
    building.query = text


def _epoch(text: Any) -> float | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return moment.timestamp()
