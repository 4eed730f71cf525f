"""VTL resolvers through the real server: AppSync's mapping templates on a NONE data source."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.integration.conftest import APIS, Server, serve

KEY = "da2-vtltestkey000000000000000"


@pytest.fixture(scope="module")
def vtl() -> Iterator[Server]:
    with serve(APIS / "vtl" / "appsync.yaml") as server:
        yield server


def _query(server: Server, query: str) -> httpx.Response:
    return httpx.post(server.url, json={"query": query}, headers={"x-api-key": KEY}, timeout=10)


def test_request_template_payload_becomes_the_result(vtl: Server) -> None:
    response = _query(vtl, '{ getItem(id: "1") { id name tags } }')
    assert response.json() == {
        "data": {"getItem": {"id": "1", "name": "unnamed", "tags": ["a", "b"]}}
    }


def test_template_interpolation(vtl: Server) -> None:
    assert _query(vtl, '{ greet(name: "Ada") }').json() == {"data": {"greet": "Hello, Ada!"}}


def test_util_error_in_a_template_is_a_field_error(vtl: Server) -> None:
    body = _query(vtl, '{ greet(name: "") }').json()
    assert body["data"] == {"greet": None}
    [error] = body["errors"]
    assert (error["path"], error["errorType"], error["message"]) == (
        ["greet"],
        "ValidationError",
        "name is empty",
    )
