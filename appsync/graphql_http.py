"""POST and GET `/graphql`: from an HTTP request to AppSync's response.

Order, as AppSync answers: a body that is not a GraphQL request is a 400
`MalformedHttpRequestException` ("Request body is empty." / "Unable to parse GraphQL query."),
then the caller is authenticated (401 `UnauthorizedException` with `x-amzn-errortype`), then
the operation runs and everything else is HTTP 200 with `data` and `errors`.
GET takes `query`, `variables` (JSON) and `operationName` from the query string; AppSync serves
queries and mutations over both methods (graphql/graphql-over-http#81).
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from appsync.errors import (
    EMPTY_BODY_MESSAGE,
    PayloadTooLargeError,
    RequestError,
    malformed_request,
    request_error_body,
    request_error_headers,
    unauthorized_request,
)
from appsync.execution import Executor, GraphQLRequest
from auth.errors import UnauthorizedError
from auth.request import AuthRequest, GraphQLRequestInfo
from auth.rules import Authorizer

logger = logging.getLogger(__name__)

JSON_MEDIA_TYPE = "application/json"


def parse_graphql_request(body: bytes) -> GraphQLRequest:
    """A JSON body `{"query", "variables", "operationName"}`; anything else is malformed."""
    if not body.strip():
        raise malformed_request(EMPTY_BODY_MESSAGE)
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise malformed_request() from None
    return _graphql_request(raw)


def parse_query_string(params: dict[str, str]) -> GraphQLRequest:
    variables: Any = params.get("variables")
    if variables is not None:
        try:
            variables = json.loads(variables)
        except (json.JSONDecodeError, RecursionError):
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


def json_response(status: int, body: Any, headers: dict[str, str]) -> Response:
    content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(content, status_code=status, media_type=JSON_MEDIA_TYPE, headers=headers)


class GraphQLEndpoint:
    """The Starlette endpoint for `/graphql` (POST and GET)."""

    def __init__(self, executor: Executor, authorizer: Authorizer, max_body_bytes: int) -> None:
        self._executor = executor
        self._authorizer = authorizer
        self._max_body_bytes = max_body_bytes

    async def handle(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        try:
            return await self._handle(request, request_id)
        except RequestError as error:
            headers = request_error_headers(error, request_id)
            return json_response(error.status, request_error_body(error), headers)

    async def _handle(self, request: Request, request_id: str) -> Response:
        if request.method == "GET":
            body = b""
            graphql_request = parse_query_string(dict(request.query_params))
        else:
            body = await self._read_body(request)
            graphql_request = parse_graphql_request(body)
        self._executor.check_syntax(graphql_request)
        headers = {name.lower(): value for name, value in request.headers.items()}
        auth_request = AuthRequest(
            method=request.method,
            path=request.url.path,
            headers=headers,
            body=body,
            query_string=request.url.query,
            graphql=GraphQLRequestInfo(
                graphql_request.query,
                graphql_request.operation_name,
                graphql_request.variables or {},
            ),
            source_ip=request.client.host if request.client else None,
        )
        try:
            principal = await self._authorizer.authenticate(auth_request)
        except UnauthorizedError as error:
            raise unauthorized_request(error.message) from None
        result = await self._executor.execute(graphql_request, principal, headers)
        return json_response(200, result, {"x-amzn-requestid": request_id})

    async def _read_body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._max_body_bytes:
            raise PayloadTooLargeError(self._max_body_bytes)
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self._max_body_bytes:
                raise PayloadTooLargeError(self._max_body_bytes)
            chunks.append(chunk)
        return b"".join(chunks)
