"""`/console/graphql`'s HTTP refusals, before Strawberry reads anything: a method other than
POST, a POST without the console token; and no CORS header on any answer. (Its websockets'
refusals are tested with a real client on a real socket: tests/integration/test_console_api.py.)"""

from __future__ import annotations

import httpx
import pytest

from appsync.console.access import ConsoleToken
from appsync.console.endpoint import ConsoleApi
from appsync.console.schema import build_schema
from appsync.console.stepfunctions_fields import STEP_FUNCTIONS
from tests.unit.appsync.console.support import services

TOKEN = ConsoleToken("the-console-token")
QUERY = {"query": "{ listStateMachines(input: {}) { stateMachines { name } } }"}


class _Calls:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def _api(calls: _Calls | None = None) -> ConsoleApi:
    return ConsoleApi(build_schema([STEP_FUNCTIONS]), services(), TOKEN, calls or _Calls())


async def _send(api: ConsoleApi, method: str, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:20002") as client:
        return await client.request(method, "/console/graphql", json=QUERY, headers=headers)


def _no_cors(response: httpx.Response) -> None:
    assert not [name for name in response.headers if name.startswith("access-control-")]


@pytest.mark.anyio
async def test_a_post_with_the_token_is_answered() -> None:
    calls = _Calls()
    response = await _send(_api(calls), "POST", {"authorization": "Bearer the-console-token"})
    assert response.status_code == 200
    assert response.json() == {"data": {"listStateMachines": {"stateMachines": []}}}
    assert calls.count == 1
    _no_cors(response)


@pytest.mark.anyio
async def test_a_post_without_the_token_is_refused() -> None:
    calls = _Calls()
    api = _api(calls)
    for headers in ({}, {"authorization": "Bearer another"}, {"x-api-key": "the-console-token"}):
        response = await _send(api, "POST", {"origin": "http://evil.example", **headers})
        assert response.status_code == 401
        [error] = response.json()["errors"]
        assert error["extensions"] == {"errorType": "UnauthorizedException"}
        assert "console token" in error["message"]
        _no_cors(response)
    assert calls.count == 0


@pytest.mark.anyio
async def test_only_post_is_taken() -> None:
    api = _api()
    # A CORS preflight from another origin gets nothing that would let the page go on.
    preflight = await _send(
        api,
        "OPTIONS",
        {"origin": "http://evil.example", "access-control-request-method": "POST"},
    )
    query = await _send(api, "GET", {"authorization": "Bearer the-console-token"})
    for response in (preflight, query):
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert response.json()["errors"][0]["extensions"] == {"errorType": "MethodNotAllowed"}
        _no_cors(response)
