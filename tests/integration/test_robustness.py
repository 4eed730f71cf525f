"""Bad input never takes the server down: random bodies, huge and deeply nested queries.

Every answer is one of AppSync's (200 with data/errors, 400 malformed, 401, 413 too large) with
a JSON body, and afterwards the server still answers a valid request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import APIS, BLOG_KEY, Server, serve

KEY = "da2-limitstestkey00000000000"
VALID = {"query": "{ item(id: 1) }"}
EXPECTED_STATUSES = {200, 400, 401, 413}


@pytest.fixture(scope="module")
def limits() -> Iterator[Server]:
    with serve(APIS / "limits" / "appsync.yaml") as server:
        yield server


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(headers={"x-api-key": KEY}, timeout=10) as client:
        yield client


def _check(response: httpx.Response) -> None:
    assert response.status_code in EXPECTED_STATUSES, response.text
    body = response.json()
    assert isinstance(body, dict)
    assert "errors" in body or "data" in body


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
graphql_ish = st.text(alphabet='{}()[]:!$@.,#"\\ \nabcdefgxyz_0123456789', max_size=200)
request_bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {"query": graphql_ish},
        optional={"variables": json_values, "operationName": json_values},
    ).map(lambda value: json.dumps(value).encode()),
)

_FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@_FUZZ
@given(body=request_bodies)
def test_random_bodies_get_an_appsync_answer(
    limits: Server, client: httpx.Client, body: bytes
) -> None:
    _check(client.post(limits.url, content=body))


@_FUZZ
@given(query=graphql_ish, variables=st.text(max_size=40))
def test_random_get_requests_get_an_appsync_answer(
    limits: Server, client: httpx.Client, query: str, variables: str
) -> None:
    _check(client.get(limits.url, params={"query": query, "variables": variables}))


@pytest.mark.parametrize("depth", [20, 400, 5000, 50000])
def test_deeply_nested_query_is_answered(blog: Server, depth: int) -> None:
    """Against the example API, whose body limit is the default 5 MiB."""
    query = '{ getAuthor(id: "a1") ' + "{ posts { author " * depth + "{ id }" + " } }" * depth
    response = httpx.post(
        blog.url, json={"query": query + " }"}, headers={"x-api-key": BLOG_KEY}, timeout=30
    )
    _check(response)
    if depth == 20:
        # Valid, and deeper than the example's queryDepthLimit of 10: field errors, HTTP 200.
        assert response.status_code == 200
        assert response.json()["data"] is not None


def test_deeply_nested_json_body_is_malformed(limits: Server, client: httpx.Client) -> None:
    response = client.post(limits.url, content=b"[" * 3000 + b"]" * 3000)
    assert response.status_code in (400, 413)


def test_many_aliases_within_the_body_limit_are_answered(
    limits: Server, client: httpx.Client
) -> None:
    query = "{" + " ".join(f"a{index}: node {{ id }}" for index in range(200)) + "}"
    response = client.post(limits.url, json={"query": query[:4000] + "}"})
    _check(response)


def test_server_still_answers_after_the_fuzzing(limits: Server, client: httpx.Client) -> None:
    assert client.post(limits.url, json=VALID).json() == {"data": {"item": "item 1"}}
