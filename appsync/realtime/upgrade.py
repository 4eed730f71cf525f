"""The realtime websocket's upgrade, as the endpoint answers it: the `header` query parameter
read from the ASGI scope, the refusal of a handshake without the `graphql-ws` subprotocol, and
the `connection_error` for refused credentials."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from appsync.realtime import messages
from appsync.realtime.messages import ErrorJson
from auth.errors import NOT_AUTHORIZED_TO_MAKE_THIS_CALL, SignatureError, UnauthorizedError
from schema import json_text


async def deny(scope: Scope, receive: Receive, send: Send) -> None:
    """Refuse an upgrade that carries credentials but not the `graphql-ws` subprotocol."""
    websocket = WebSocket(scope, receive=receive, send=send)
    # AWS differs: the answer to a handshake without the graphql-ws subprotocol is not recorded.
    error_type = "BadRequestException"
    body = json_text.dump_bytes(
        {"errors": [{"errorType": error_type, "message": "Unsupported subprotocol"}]}
    )
    response = Response(
        body,
        status_code=400,
        media_type="application/json",
        headers={"x-amzn-errortype": error_type},
    )
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(response)
    else:
        await websocket.close(1008)


def query_parameter(scope: Mapping[str, Any], name: str) -> str | None:
    """A query parameter as Starlette's `query_params.get` reads it (the last one of that
    name, the query string read as Latin-1, blank values kept)."""
    query = scope.get("query_string", b"").decode("latin-1")
    if "%" in query or "+" in query:
        values = [value for key, value in parse_qsl(query, keep_blank_values=True) if key == name]
        return values[-1] if values else None
    # Nothing to unquote: parse_qsl's split of `&`-separated `key=value` pairs (empty ones
    # skipped, a pair without `=` a blank value), without its unquoting per pair.
    found = None
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == name and pair:
            found = value
    return found


def connection_error(error: UnauthorizedError) -> ErrorJson:
    """Whatever refused the handshake's credentials, the service answers UnauthorizedException
    with errorCode 401 (reference/appsync.md 3.3); a SigV4 signature that does not verify gets
    its "You are not authorized to make this call." (aws-appsync-community#373), not the 403
    signature errors of HTTP."""
    if isinstance(error, SignatureError):
        return messages.connection_unauthorized(NOT_AUTHORIZED_TO_MAKE_THIS_CALL)
    return messages.connection_unauthorized(error.message)
