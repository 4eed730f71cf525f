"""POST and GET /graphql: what is a GraphQL request, and AppSync's answers around the
operation: CORS (aws-appsync-community#103), `x-amzn-requestid`, 400 MalformedHttpRequestException
for a body that is not a request and 401 UnauthorizedException without credentials
(graphql/graphql-over-http#81, amplify-js#4270), 413 past the body limit."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Message, Scope

from appsync.app import build_app
from appsync.errors import RequestError
from appsync.graphql_http import parse_graphql_request, parse_query_string
from definition.appsync_yaml.api import read_appsync_yaml
from tests.unit.appsync.api_support import API_KEY, write_api

AUTHORIZED = {"x-api-key": API_KEY}


async def _send(folder: Path, method: str, extra: str = "", **kwargs: Any) -> httpx.Response:
    app = build_app(read_appsync_yaml(write_api(folder, extra)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
        return await client.request(method, "/graphql", **kwargs)


def test_a_request_is_a_json_object_with_a_query() -> None:
    request = parse_graphql_request(b'{"query": "{ a }", "variables": {"x": 1}}')
    assert (request.query, request.variables, request.operation_name) == ("{ a }", {"x": 1}, None)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"  ", "Request body is empty."),
        (b"{not json", "Unable to parse GraphQL query."),
        (b'["{ a }"]', "Unable to parse GraphQL query."),
        (b'{"query": ""}', "Unable to parse GraphQL query."),
        (b'{"query": "{ a }", "variables": [1]}', "Unable to parse GraphQL query."),
        (b'{"query": "{ a }", "operationName": 5}', "Unable to parse GraphQL query."),
    ],
)
def test_anything_else_is_a_malformed_request(body: bytes, message: str) -> None:
    with pytest.raises(RequestError) as refused:
        parse_graphql_request(body)
    assert (refused.value.status, refused.value.message) == (400, message)


def test_a_get_takes_its_request_from_the_query_string() -> None:
    request = parse_query_string(
        {"query": "query Q($x: ID) { a }", "variables": '{"x": "1"}', "operationName": "Q"}
    )
    assert (request.variables, request.operation_name) == ({"x": "1"}, "Q")
    with pytest.raises(RequestError):
        parse_query_string({"query": "{ a }", "variables": "{"})


@pytest.mark.anyio
async def test_an_answer_carries_a_request_id_and_cors_headers(tmp_path: Path) -> None:
    response = await _send(tmp_path, "POST", json={"query": "{ a }"}, headers=AUTHORIZED)
    assert (response.status_code, response.json()) == (200, {"data": {"a": "a"}})
    request_id = uuid.UUID(response.headers["x-amzn-requestid"])
    assert (request_id.version, request_id.variant) == (4, uuid.RFC_4122)
    assert str(request_id) == response.headers["x-amzn-requestid"]  # 8-4-4-4-12, lower case
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["content-type"] == "application/json"


@pytest.mark.anyio
async def test_a_get_runs_the_query_too(tmp_path: Path) -> None:
    response = await _send(tmp_path, "GET", params={"query": "{ a }"}, headers=AUTHORIZED)
    assert response.json() == {"data": {"a": "a"}}


@pytest.mark.anyio
async def test_a_preflight_allows_only_aws_request_headers(tmp_path: Path) -> None:
    response = await _send(tmp_path, "OPTIONS")
    assert response.status_code == 200
    # aws-appsync-community#103: the list AppSync answers; a custom header is refused by it.
    assert response.headers["access-control-allow-headers"].split(",") == [
        "Content-Type",
        "X-Amz-Date",
        "Authorization",
        "X-Api-Key",
        "X-Amz-Security-Token",
        "X-Amz-Content-Sha256",
        "X-Amz-User-Agent",
    ]
    assert response.headers["access-control-allow-methods"] == "GET,POST,OPTIONS"


@pytest.mark.anyio
async def test_no_credentials_is_a_401_naming_its_error_type(tmp_path: Path) -> None:
    response = await _send(tmp_path, "POST", json={"query": "{ a }"})
    assert response.status_code == 401
    assert response.headers["x-amzn-errortype"] == "UnauthorizedException"
    assert response.json() == {
        "errors": [
            {"errorType": "UnauthorizedException", "message": "Missing authorization header"}
        ]
    }


@pytest.mark.anyio
async def test_a_body_past_the_limit_is_a_413(tmp_path: Path) -> None:
    query = "{ a }" + " " * 100
    response = await _send(
        tmp_path, "POST", "server: {maxRequestBodyBytes: 64}\n", json={"query": query}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["message"] == "Request body exceeds the limit of 64 bytes."


@pytest.mark.anyio
async def test_headers_a_template_adds_reach_the_http_response(tmp_path: Path) -> None:
    response = await _send(tmp_path, "POST", json={"query": "{ b }"}, headers=AUTHORIZED)
    # "HTTP helpers in $util.http": addResponseHeader adds a custom header to the response.
    assert response.headers["x-cache-status"] == "MISS"
    # A restricted header is not added: the response keeps its own, and the field its value.
    assert response.headers.get_list("content-type") == ["application/json"]
    assert response.json()["data"] == {"b": "b"}


def _post_scope(length: int) -> Scope:
    headers = [
        (b"host", b"localhost"),
        (b"content-type", b"application/json"),
        (b"x-api-key", API_KEY.encode()),
        (b"content-length", str(length).encode()),
    ]
    return {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


class _Client:
    """An ASGI connection whose body messages arrive when the test puts them, and the answer."""

    def __init__(self) -> None:
        self.messages: asyncio.Queue[Message] = asyncio.Queue()
        self.sent: list[Message] = []
        self.waiting = asyncio.Event()  # set once a receive finds no message there
        self.waits_ended = 0

    async def receive(self) -> Message:
        if self.messages.empty():
            self.waiting.set()
        try:
            return await self.messages.get()
        finally:
            self.waits_ended += 1

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    def body(self, chunk: bytes, more_body: bool) -> None:
        self.messages.put_nowait({"type": "http.request", "body": chunk, "more_body": more_body})

    def answer(self) -> tuple[int, Any]:
        start, body = self.sent
        return start["status"], json.loads(body["body"])


_QUERY = b'{"query": "{ a }"}'


@pytest.mark.anyio
async def test_a_body_that_arrives_after_a_wait_is_read_whole(tmp_path: Path) -> None:
    """The first part comes with the headers, the rest only after the endpoint waits for it."""
    app = build_app(read_appsync_yaml(write_api(tmp_path)))
    client = _Client()
    client.body(_QUERY[:7], more_body=True)
    request = asyncio.create_task(app(_post_scope(len(_QUERY)), client.receive, client.send))
    await client.waiting.wait()
    assert client.waits_ended == 1  # the first part was read, the endpoint waits for the rest
    client.body(_QUERY[7:], more_body=False)
    await request
    assert client.answer() == (200, {"data": {"a": "a"}})


@pytest.mark.anyio
async def test_a_body_that_stops_arriving_is_a_408(tmp_path: Path) -> None:
    app = build_app(read_appsync_yaml(write_api(tmp_path)), body_timeout_seconds=0.05)
    client = _Client()
    client.body(_QUERY[:7], more_body=True)
    await app(_post_scope(len(_QUERY)), client.receive, client.send)
    assert client.answer() == (
        408,
        {
            "errors": [
                {
                    "errorType": "BadRequestException",
                    "message": "Request body not received within 0.05 seconds.",
                }
            ]
        },
    )


@pytest.mark.anyio
async def test_a_request_cancelled_while_its_body_waits_ends_its_wait(tmp_path: Path) -> None:
    """A cancellation (the server shutting down) reaches the receive the endpoint waits in."""
    app = build_app(read_appsync_yaml(write_api(tmp_path)))
    client = _Client()
    request = asyncio.create_task(app(_post_scope(len(_QUERY)), client.receive, client.send))
    await client.waiting.wait()
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    assert (client.waits_ended, client.sent) == (1, [])
