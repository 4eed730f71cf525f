"""AppSync's CloudWatch log: the events an API with a `logConfig` writes, per request.

The events, their names and fields are AppSync's ("Using CloudWatch to monitor and log GraphQL
API data", https://docs.aws.amazon.com/appsync/latest/devguide/monitoring.html, "Log type
reference"): `RequestSummary` (statusCode, latency in ns), `ExecutionSummary` (startTime,
endTime, duration, parsing, validation), `Tracing` (startOffset, duration, fieldName,
parentType, returnType, path, resolverArn), and `RequestMapping` / `ResponseMapping` (fieldName,
parentType, path, resolverArn, fieldInError, errors, context, transformedTemplate: the fields
aws/aws-appsync-community#100 quotes from a ResponseMapping event). Request-level lines are
plain text after the request id, as recorded from AppSync by
FireTail-io/firetail-appsync-lambda (`logs-handler/firetail_log.go` and its tests): "Begin
Request", "GraphQL Query: ", "Request Headers: {name=[value], ...}", "Response Headers:
{Name=value}", "Tokens Consumed: ", "End Request"; an API key is shown as `****` and its last
six characters, as that recording shows it.

What each level writes, by the same page ("Field-level logs"): every level, NONE included,
writes the two summaries; ERROR the mapping events of fields in error and `$util.log.error` /
`console.error` lines; INFO `$util.log.info` / `console.log` lines too; DEBUG debug lines too;
ALL the mapping events and a `Tracing` event for every resolved field. Verbose content (unless
`excludeVerboseContent`) adds the request-level lines, the mapping events' `context` and
`transformedTemplate`, and at INFO or DEBUG the mapping events of every field. A field whose
data source failed counts as in error for the log even when its response handler swallowed the
failure: its ResponseMapping event carries the data source's own error, so at ERROR and above a
failing data source is never silent.

AWS differs: only fields with a resolver have events (AppSync traces every field); the
ExecutionSummary's `parsing` covers validation too, and `validation` follows it with no
duration; a pipeline's before/after handlers and its functions write RequestMapping /
ResponseMapping events (functions with `functionName` and `functionArn`), the names AppSync
uses for pipelines are not recorded; `errors` holds the field's GraphQL errors as objects; the
text after "GraphQL Query: " (`, Operation: `, `, Variables: `) and the user log lines' form
(`<level> - <message>`) are unconfirmed; Authorization and security-token headers are masked
like the API key.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from base64 import b32encode
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from definition.model import ApiDefinition, FieldLogLevel, LogConfig
from resolvers.context import MappingLogType, ResolverContext

# (epoch milliseconds, message): PutLogEvents' InputLogEvent.
LogEvent = tuple[int, str]

_RANK = {
    FieldLogLevel.NONE: 0,
    FieldLogLevel.ERROR: 1,
    FieldLogLevel.INFO: 2,
    FieldLogLevel.DEBUG: 3,
    FieldLogLevel.ALL: 4,
}
# The level from which a user log line of each kind is kept (console.warn counts as INFO).
_USER_LEVEL = {"ERROR": 1, "WARN": 2, "INFO": 2, "DEBUG": 3}
# Header values shown masked, as AppSync shows an API key.
_MASKED_HEADERS = frozenset({"x-api-key", "authorization", "x-amz-security-token"})
_MASK_KEEPS = 6


def api_id(name: str) -> str:
    """A stable AppSync-shaped API id (26 lowercase letters and digits) for the API `name`."""
    digest = hashlib.sha256(name.encode()).digest()
    return b32encode(digest).decode().lower()[:26]


class LogSink(Protocol):
    """Where a request's events go, all at once when it ends."""

    def write(self, events: Sequence[LogEvent]) -> None: ...


@dataclass(frozen=True, slots=True)
class ApiLog:
    """An API's `logConfig`, and where its events go."""

    config: LogConfig
    sink: LogSink
    api_id: str
    api_arn: str

    @property
    def rank(self) -> int:
        return _RANK[self.config.field_log_level]

    @property
    def verbose(self) -> bool:
        return not self.config.exclude_verbose_content

    def request(self, request_id: str) -> RequestLog:
        return RequestLog(self, request_id, time.time_ns(), time.perf_counter_ns())


def api_log_of(definition: ApiDefinition, sink: LogSink) -> ApiLog | None:
    """The API's log, when its definition has a `logConfig`."""
    config = definition.log_config
    if config is None:
        return None
    region = definition.server.aws.region or definition.server.step_functions.region
    account = definition.server.step_functions.account_id
    identifier = api_id(definition.name)
    return ApiLog(config, sink, identifier, f"arn:aws:appsync:{region}:{account}:apis/{identifier}")


# Made per request: slotted, not frozen (a frozen __init__ costs four times as much).
@dataclass(slots=True)
class RequestLog:
    """One request's events, written when it ends."""

    log: ApiLog
    request_id: str
    wall_ns: int
    start_ns: int
    events: list[LogEvent] = field(default_factory=list)
    parsing: tuple[int, int] = (0, 0)

    def now_ms(self) -> int:
        return (self.wall_ns + time.perf_counter_ns() - self.start_ns) // 1_000_000

    def text(self, message: str) -> None:
        self.events.append((self.now_ms(), f"{self.request_id} {message}"))

    def event(self, body: dict[str, Any]) -> None:
        body["requestId"] = self.request_id
        body["graphQLAPIId"] = self.log.api_id
        self.events.append((self.now_ms(), _json(body)))

    def offset_ns(self) -> int:
        """Nanoseconds since the request began."""
        return time.perf_counter_ns() - self.start_ns

    def begin(
        self,
        headers: Mapping[str, str],
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> None:
        if not self.log.verbose:
            return
        self.text("Begin Request")
        self.text(
            f"GraphQL Query: {query}, Operation: {operation_name}, "
            f"Variables: {_json(variables or {})}"
        )
        self.text(f"Request Headers: {_request_headers(headers)}")

    def prepared(self, start_ns: int, end_ns: int) -> None:
        """When the document was parsed and validated (offsets from the request's start)."""
        self.parsing = (start_ns - self.start_ns, end_ns - start_ns)

    def field(
        self, path: list[str | int], parent_type: str, field_name: str, return_type: str
    ) -> FieldLog:
        arn = f"{self.log.api_arn}/types/{parent_type}/fields/{field_name}"
        return FieldLog(self, path, parent_type, field_name, return_type, arn, self.offset_ns())

    def cache_hit(self, field: FieldLog | None) -> None:
        """The API cache answered `field` (None: the whole operation): a line at INFO and above,
        and at ALL the field's Tracing event marked `"cached": true`."""
        if self.log.rank < _RANK[FieldLogLevel.INFO]:
            return
        if field is None:
            self.text("API cache hit: the operation's response")
            return
        where = "/".join(str(step) for step in field.path)
        self.text(f"API cache hit: {field.parent_type}.{field.field_name} {where}")
        field.cached = True
        field.finish(())

    def finish(self, status: int, response_headers: Sequence[tuple[bytes, bytes]]) -> None:
        """The summaries and closing lines; every event of the request goes to the sink."""
        end_ns = time.perf_counter_ns()
        duration = end_ns - self.start_ns
        parse_offset, parse_duration = self.parsing
        self.event(
            {
                "logType": "ExecutionSummary",
                "startTime": _rfc3339(self.wall_ns),
                "endTime": _rfc3339(self.wall_ns + duration),
                "duration": duration,
                "version": 1,
                "parsing": {"startOffset": parse_offset, "duration": parse_duration},
                "validation": {"startOffset": parse_offset + parse_duration, "duration": 0},
            }
        )
        if self.log.verbose:
            shown = ", ".join(f"{n.decode()}={v.decode()}" for n, v in response_headers)
            self.text(f"Response Headers: {{{shown}}}")
            self.text("Tokens Consumed: 1")
        self.event({"logType": "RequestSummary", "statusCode": status, "latency": duration})
        if self.log.verbose:
            self.text("End Request")
        self.log.sink.write(self.events)


# Made per field: slotted, not frozen.
@dataclass(slots=True)
class FieldLog:
    """One resolved field's events (the `FieldObserver` its context carries), kept until the
    field ends, when its outcome decides which are written."""

    request: RequestLog
    path: list[str | int]
    parent_type: str
    field_name: str
    return_type: str
    resolver_arn: str
    start_offset: int
    mappings: list[dict[str, Any]] = field(default_factory=list)
    data_source_error: dict[str, Any] | None = None
    cached: bool = False

    def mapping(
        self,
        log_type: MappingLogType,
        function: str | None,
        ctx: ResolverContext,
        transformed: Any,
    ) -> None:
        entry: dict[str, Any] = {"logType": log_type.value}
        if function is not None:
            entry["functionName"] = function
            entry["functionArn"] = f"{self.request.log.api_arn}/functions/{function}"
        if log_type is MappingLogType.RESPONSE_MAPPING and ctx.error is not None:
            self.data_source_error = {"message": ctx.error.message, "errorType": ctx.error.type}
        if self.request.log.verbose:
            entry["context"] = _json(_context(ctx, log_type))
            entry["transformedTemplate"] = _json(transformed)
        self.mappings.append(entry)

    def user_log(self, level: str, message: str) -> None:
        if _USER_LEVEL.get(level, 2) <= self.request.log.rank:
            self.request.text(f"{level} - {message}")

    def finish(self, errors: Sequence[Mapping[str, Any]]) -> None:
        """The field ended, with these GraphQL errors (none: it resolved)."""
        log = self.request.log
        in_error = bool(errors) or self.data_source_error is not None
        everything = log.rank == _RANK[FieldLogLevel.ALL]
        if everything or (log.rank and (in_error or (log.verbose and log.rank > 1))):
            reported = [dict(error) for error in errors]
            if self.data_source_error is not None and not any(
                error.get("message") == self.data_source_error["message"] for error in reported
            ):
                reported.append(self.data_source_error)
            # A request handler that raised evaluated to nothing: its event still names the
            # field and its errors.
            failed = [{"logType": MappingLogType.REQUEST_MAPPING.value}] if errors else []
            mappings = self.mappings or failed
            for entry in mappings:
                self._mapping_event(entry, bool(errors), reported)
        if everything:
            self.request.event(
                {
                    "logType": "Tracing",
                    "path": self.path,
                    "fieldName": self.field_name,
                    "parentType": self.parent_type,
                    "returnType": self.return_type,
                    "resolverArn": self.resolver_arn,
                    "startOffset": self.start_offset,
                    "duration": self.request.offset_ns() - self.start_offset,
                    **({"cached": True} if self.cached else {}),
                }
            )

    def _mapping_event(
        self, entry: dict[str, Any], in_error: bool, errors: list[dict[str, Any]]
    ) -> None:
        raw = {key: entry.pop(key) for key in ("context",) if key in entry}
        body: dict[str, Any] = {
            **entry,
            "path": self.path,
            "fieldName": self.field_name,
            "parentType": self.parent_type,
            "resolverArn": self.resolver_arn,
            "fieldInError": in_error,
            "errors": errors,
            "requestId": self.request.request_id,
            "graphQLAPIId": self.request.log.api_id,
        }
        message = _json(body)
        if raw:
            # The context was written when the handler ran (the stash changes afterwards).
            message = message[:-1] + "".join(f', "{k}": {v}' for k, v in raw.items()) + "}"
        self.request.events.append((self.request.now_ms(), message))


def _context(ctx: ResolverContext, log_type: MappingLogType) -> dict[str, Any]:
    context: dict[str, Any] = {
        "arguments": ctx.arguments,
        "source": ctx.source,
        "stash": ctx.stash,
        "outErrors": ctx.appended_errors,
    }
    if ctx.in_pipeline:
        context["prev"] = {"result": ctx.prev_result}
    if log_type is MappingLogType.RESPONSE_MAPPING:
        context["result"] = ctx.result
        if ctx.error is not None:
            context["error"] = ctx.error.to_context()
    return context


# One encoder for every event (`json.dumps` with options builds one per call); it never fails:
# a value JSON cannot hold is shown as its text.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def _json(value: Any) -> str:
    return _ENCODER.encode(value)


def _rfc3339(epoch_ns: int) -> str:
    """`2019-01-01T06:06:18.956Z`, as the ExecutionSummary example writes its times."""
    seconds, milliseconds = divmod(epoch_ns // 1_000_000, 1000)
    return f"{_second(seconds)}.{milliseconds:03d}Z"


@functools.lru_cache(maxsize=4)
def _second(epoch_seconds: int) -> str:
    # Requests in the same second share the formatting of it.
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _request_headers(headers: Mapping[str, str]) -> str:
    shown = (f"{name}=[{_masked(name, value)}]" for name, value in headers.items())
    return "{" + ", ".join(shown) + "}"


def _masked(name: str, value: str) -> str:
    if name.lower() not in _MASKED_HEADERS:
        return value
    return "****" + (value[-_MASK_KEEPS:] if len(value) > 2 * _MASK_KEEPS else "")
