"""The realtime upgrade's pieces: the `header` query parameter read as Starlette read it, the
refusal of a handshake without `graphql-ws` (an ASGI denial response, or a 1008 close where the
server has no denial responses), and the `connection_error` for refused credentials."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.datastructures import QueryParams
from starlette.types import Message

from appsync.realtime.upgrade import connection_error, deny, query_parameter
from auth.errors import NOT_AUTHORIZED_TO_MAKE_THIS_CALL, SignatureError, UnauthorizedError

QUERIES = [
    b"",
    b"header=eyJhIjoxfQ==&payload=e30=",
    b"payload=e30=&header=eyJhIjoxfQ%3D%3D",
    b"header=first&header=second",
    b"header=&payload=e30=",
    b"header",
    b"%68eader=encoded+name",
    b"other=1&headers=2",
    b"header=caf%C3%A9%20\xe9",
    # Nothing to unquote (the split without parse_qsl): empty pairs, a pair without `=`,
    # `=` in the value, an empty name, Latin-1 bytes, `;` (no separator since Python 3.10).
    b"&&header=a=b&&",
    b"header&header",
    b"=x&header=y&=",
    b"header=\xe9\xff&x",
    b"header=a;header=b",
    b"header=a+b",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_header_parameter_reads_as_starlettes_query_params(query: bytes) -> None:
    scope: dict[str, Any] = {"type": "websocket", "query_string": query}
    assert query_parameter(scope, "header") == QueryParams(query).get("header")


def test_the_last_header_parameter_wins_and_a_missing_one_is_none() -> None:
    assert query_parameter({"query_string": b"header=a&header=b"}, "header") == "b"
    assert query_parameter({"query_string": b"payload=e30="}, "header") is None
    assert query_parameter({}, "header") is None


def test_refused_credentials_get_unauthorized_with_401() -> None:
    assert connection_error(UnauthorizedError("Valid API key required")) == {
        "errorType": "UnauthorizedException",
        "message": "Valid API key required",
        "errorCode": 401,
    }
    # A SigV4 signature that does not verify: not HTTP's 403 signature error.
    signature = SignatureError("InvalidSignatureException", "The signature does not match")
    assert connection_error(signature) == {
        "errorType": "UnauthorizedException",
        "message": NOT_AUTHORIZED_TO_MAKE_THIS_CALL,
        "errorCode": 401,
    }


async def _denied(extensions: dict[str, Any]) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "websocket", "path": "/graphql/realtime", "headers": []}
    await deny({**scope, "extensions": extensions}, receive, send)
    return sent


@pytest.mark.anyio
async def test_a_handshake_without_graphql_ws_is_denied_with_400() -> None:
    start, body = await _denied({"websocket.http.response": {}})
    assert start["type"] == "websocket.http.response.start"
    assert start["status"] == 400
    assert (b"x-amzn-errortype", b"BadRequestException") in start["headers"]
    assert json.loads(body["body"]) == {
        "errors": [{"errorType": "BadRequestException", "message": "Unsupported subprotocol"}]
    }


@pytest.mark.anyio
async def test_without_denial_responses_the_refusal_is_a_1008_close() -> None:
    (close,) = await _denied({})
    assert close == {"type": "websocket.close", "code": 1008, "reason": ""}
