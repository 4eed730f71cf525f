"""POST and GET `/graphql`: from an HTTP request to AppSync's response.

A body that is not a GraphQL request is a 400 `MalformedHttpRequestException` ("Request body is
empty." / "Unable to parse GraphQL query."), then the caller is authenticated (401
`UnauthorizedException` with `x-amzn-errortype`; a bad SigV4 signature is a 403 with AWS's
signature error type, e.g. `InvalidSignatureException`), and only then is the query parsed and
validated (a query that does not parse is the same 400), so a caller without credentials costs
no more than reading its body; then the operation runs and everything else is HTTP 200 with
`data` and `errors`. AWS differs (unconfirmed): which of 400 and 401 AppSync reports first for a
request that earns both is not recorded.
GET takes `query`, `variables` (JSON) and `operationName` from the query string; AppSync serves
queries and mutations over both methods (graphql/graphql-over-http#81).

A body must arrive within `body_timeout_seconds` of the request's headers (a client that sends
half a body and stalls would otherwise hold its connection and buffer forever): past it the
answer is a 408 and the connection is closed. AWS differs (unrecorded): AppSync's answer to a
stalled body is not documented.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Generator
from random import getrandbits
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from appsync.api_log import ApiLog, RequestLog
from appsync.errors import (
    EMPTY_BODY_MESSAGE,
    BodyTimeoutError,
    PayloadTooLargeError,
    RequestError,
    internal_failure,
    malformed_request,
    request_error_body,
    request_error_headers,
    unauthorized_request,
)
from appsync.execution import Executor, GraphQLRequest, OperationResult
from appsync.metrics import ApiMetrics
from auth.errors import UnauthorizedError
from auth.request import AuthRequest, GraphQLRequestInfo
from auth.rules import Authorizer
from schema import json_text
from schema.errors import JsonTextError

logger = logging.getLogger(__name__)

JSON_MEDIA_TYPE = "application/json"
# How long a request's body may take to arrive once its headers have (10 s moves the 5 MiB
# default body limit at 4 Mbit/s).
BODY_TIMEOUT_SECONDS = 10.0


def parse_graphql_request(body: bytes) -> GraphQLRequest:
    """A JSON body `{"query", "variables", "operationName"}`; anything else is malformed (JSON
    nested deeper than the server reads too, schema/json_text.py)."""
    if not body.strip():
        raise malformed_request(EMPTY_BODY_MESSAGE)
    try:
        raw = json_text.loads(body)
    except JsonTextError:
        raise malformed_request() from None
    return _graphql_request(raw)


def parse_query_string(params: dict[str, str]) -> GraphQLRequest:
    variables: Any = params.get("variables")
    if variables is not None:
        try:
            variables = json_text.loads(variables)
        except JsonTextError:
            raise malformed_request() from None
    return _graphql_request(
        {
            "query": params.get("query"),
            "variables": variables,
            "operationName": params.get("operationName"),
        }
    )


def _graphql_request(raw: Any) -> GraphQLRequest:
    if not isinstance(raw, dict):
        raise malformed_request()
    query = raw.get("query")
    variables = raw.get("variables")
    operation_name = raw.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise malformed_request()
    if variables is not None and not isinstance(variables, dict):
        raise malformed_request()
    if operation_name is not None and not isinstance(operation_name, str):
        raise malformed_request()
    return GraphQLRequest(query, variables, operation_name or None)


def _raw_path(scope: Scope) -> str:
    """The path as the client sent it, still percent-encoded: SigV4 signs that form (and
    encodes it once more), so the decoded `path` would not verify a path with escapes."""
    raw: bytes | None = scope.get("raw_path")
    if raw is None:
        return str(scope["path"])
    return raw.decode("latin-1").partition("?")[0]


def json_response(status: int, body: Any, headers: dict[str, str]) -> Response:
    """A JSON answer for the routes beside /graphql."""
    return Response(
        json_text.dump_bytes(body), status_code=status, media_type=JSON_MEDIA_TYPE, headers=headers
    )


def _request_id() -> str:
    """A version-4 UUID, as AppSync's `x-amzn-requestid`. It names a request in logs and is no
    secret, so the process's seeded generator makes it rather than a getrandom call each time."""
    text = (getrandbits(128) & _UUID_CLEAR | _UUID_V4).to_bytes(16).hex()
    return "-".join((text[:8], text[8:12], text[12:16], text[16:20], text[20:]))


# Version 4 in bits 76-79, variant 10 in bits 62-63 (RFC 9562).
_UUID_CLEAR = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_UUID_V4 = (0x4 << 76) | (0x2 << 62)


_JSON_CONTENT_TYPE = (b"content-type", b"application/json")
# CORS as AppSync answers browsers: any origin, and a preflight that allows only AWS's own request
# headers (aws-appsync-community#103 records the list; sst#2650 a custom header refused by it).
_ALLOW_ORIGIN = (b"access-control-allow-origin", b"*")
_EXPOSE_HEADERS = (
    b"access-control-expose-headers",
    b"x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date",
)
_PREFLIGHT_HEADERS = [
    _ALLOW_ORIGIN,
    (
        b"access-control-allow-headers",
        b"Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,"
        b"X-Amz-Content-Sha256,X-Amz-User-Agent",
    ),
    (b"access-control-allow-methods", b"GET,POST,OPTIONS"),
    (b"access-control-max-age", b"86400"),
    (b"content-length", b"0"),
]


class GraphQLEndpoint:
    """The ASGI endpoint for `/graphql` (POST, GET, and OPTIONS for CORS preflights).

    A plain ASGI callable rather than a Starlette request/response endpoint: this is the hot
    path, and the scope already holds what it needs (lower-cased headers, path, query string).
    """

    def __init__(
        self,
        executor: Executor,
        authorizer: Authorizer,
        max_body_bytes: int,
        body_timeout_seconds: float = BODY_TIMEOUT_SECONDS,
        *,
        log: ApiLog | None = None,
        metrics: ApiMetrics | None = None,
    ) -> None:
        self._executor = executor
        self._authorizer = authorizer
        self._max_body_bytes = max_body_bytes
        self._body_timeout_seconds = body_timeout_seconds
        # The API's log (`logConfig`); the console joins it, or turns one on when it opens.
        self.log = log
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] == "OPTIONS":
            await send(
                {"type": "http.response.start", "status": 200, "headers": _PREFLIGHT_HEADERS}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        started = time.perf_counter()
        request_id = _request_id()
        log = self.log.request(request_id) if self.log is not None else None
        try:
            status = 200
            result = await self._handle(scope, receive, log)
            body: Any = result.body
            # Ours first, then what resolvers added with `$util.http.addResponseHeader`.
            extra = {"x-amzn-requestid": request_id, **result.headers}
        except RequestError as error:
            status = error.status
            body = request_error_body(error)
            extra = request_error_headers(error, request_id)
        except Exception:  # the edge: whatever failed, the client gets AppSync's JSON
            logger.exception("request %s failed", request_id)
            failure = internal_failure()
            status = failure.status
            body = request_error_body(failure)
            extra = request_error_headers(failure, request_id)
        content = json_text.dump_bytes(body)
        headers = [
            _JSON_CONTENT_TYPE,
            (b"content-length", str(len(content)).encode()),
            _ALLOW_ORIGIN,
            _EXPOSE_HEADERS,
        ]
        headers.extend((name.encode(), value.encode()) for name, value in extra.items())
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})
        if log is not None:
            log.finish(status, headers)
        if self._metrics is not None:
            self._metrics.request(status, time.perf_counter() - started)

    async def _handle(
        self, scope: Scope, receive: Receive, log: RequestLog | None = None
    ) -> OperationResult:
        method = scope["method"]
        # ASGI header names arrive lower-cased.
        headers = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
        }
        query_string = scope["query_string"].decode("latin-1")
        if method == "GET":
            body = b""
            graphql_request = parse_query_string(dict(parse_qsl(query_string)))
        else:
            body = await self._read_body(receive, headers.get("content-length"))
            graphql_request = parse_graphql_request(body)
        client = scope.get("client")
        auth_request = AuthRequest(
            method=method,
            path=_raw_path(scope),
            headers=headers,
            body=body,
            query_string=query_string,
            graphql=GraphQLRequestInfo(
                graphql_request.query,
                graphql_request.operation_name,
                graphql_request.variables or {},
            ),
            source_ip=client[0] if client else None,
        )
        try:
            principal = await self._authorizer.authenticate(auth_request)
        except UnauthorizedError as error:
            raise unauthorized_request(error.message, error.error_type, error.status_code) from None
        if log is None:
            # Parsed and validated only now, for a caller who may send queries at all.
            prepared = await self._executor.prepare(graphql_request)
            return await self._executor.execute(graphql_request, prepared, principal, headers)
        log.begin(
            headers,
            graphql_request.query,
            graphql_request.operation_name,
            graphql_request.variables,
        )
        started = time.perf_counter_ns()
        prepared = await self._executor.prepare(graphql_request)
        log.prepared(started, time.perf_counter_ns())
        return await self._executor.execute(graphql_request, prepared, principal, headers, log)

    async def _read_body(self, receive: Receive, declared: str | None) -> bytes:
        if declared is not None and declared.isdigit() and int(declared) > self._max_body_bytes:
            raise PayloadTooLargeError(self._max_body_bytes)
        # Run to its first wait by hand: a body that came with its headers (uvicorn has parsed
        # it before the request's task starts) is read without a wait, and then there is nothing
        # to time out. Arming the timeout (a timer set and cancelled) cost a tenth of a one-field
        # query's time in this endpoint (issue 19).
        reading = self._receive_body(receive)
        done, waits_on = _step(reading.send, None)
        if done:
            body: bytes = waits_on
            return body
        try:
            async with asyncio.timeout(self._body_timeout_seconds):
                return await _Resumed(reading, waits_on)
        except TimeoutError:
            raise BodyTimeoutError(self._body_timeout_seconds) from None

    async def _receive_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise malformed_request(EMPTY_BODY_MESSAGE)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body_bytes:
                raise PayloadTooLargeError(self._max_body_bytes)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class _Resumed:
    """A coroutine already run to its first wait, awaited from there on: `waits_on` (what it
    yielded, a future for the task to wait on) goes to the task first, then the task's sends and
    throws (a cancellation) go to the coroutine, as `await` would have passed them."""

    __slots__ = ("_coroutine", "_waits_on")

    def __init__(self, coroutine: Coroutine[Any, Any, bytes], waits_on: Any) -> None:
        self._coroutine = coroutine
        self._waits_on = waits_on

    def __await__(self) -> Generator[Any, Any, bytes]:
        coroutine, waits_on = self._coroutine, self._waits_on
        while True:
            try:
                sent = yield waits_on
            except BaseException as error:  # the task's throw, passed on as `await` would
                done, waits_on = _step(coroutine.throw, error)
            else:
                done, waits_on = _step(coroutine.send, sent)
            if done:
                body: bytes = waits_on
                return body


def _step(advance: Callable[[Any], Any], value: Any) -> tuple[bool, Any]:
    """A coroutine's `send` or `throw` of `value`: (True, what it returned) once it returns,
    else (False, what it waits on)."""
    try:
        return False, advance(value)
    except StopIteration as returned:
        return True, returned.value
