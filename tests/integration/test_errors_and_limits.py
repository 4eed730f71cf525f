"""Every error shape and limit of the HTTP endpoint, against the `limits` test API.

Expected bodies: graphql/graphql-over-http#81 (the AppSync team's table of status codes and
bodies), amplify-js#4270 (401s), amplify-cli#9121 (field-level Unauthorized), AppSync's
"Configuring ... resolver count limits" (ResolverExecutionLimitReached on the extra resolvers).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.conftest import APIS, Server, request_error, serve

KEY = "da2-limitstestkey00000000000"


@pytest.fixture(scope="module")
def limits() -> Iterator[Server]:
    with serve(APIS / "limits" / "appsync.yaml") as server:
        yield server


def _post(server: Server, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    sent = {"x-api-key": KEY} if headers is None else headers
    if isinstance(body, bytes):
        return httpx.post(server.url, content=body, headers=sent, timeout=10)
    return httpx.post(server.url, json=body, headers=sent, timeout=10)


def test_empty_body_is_malformed(limits: Server) -> None:
    assert request_error(_post(limits, b"")) == (
        400,
        "MalformedHttpRequestException",
        "MalformedHttpRequestException",
        "Request body is empty.",
    )


@pytest.mark.parametrize("body", [b"meow", b"{}", b"{}}", b"[]"])
def test_body_that_is_not_a_graphql_request_is_malformed(limits: Server, body: bytes) -> None:
    assert request_error(_post(limits, body)) == (
        400,
        "MalformedHttpRequestException",
        "MalformedHttpRequestException",
        "Unable to parse GraphQL query.",
    )


def test_missing_api_key_is_unauthorized(limits: Server) -> None:
    response = _post(limits, {"query": "{ item(id: 1) }"}, headers={})
    assert request_error(response) == (
        401,
        "UnauthorizedException",
        "UnauthorizedException",
        "Missing authorization header",
    )
    assert response.headers["x-amzn-requestid"]


@pytest.mark.parametrize("key", ["da2-notakeyofthisapi00000000", "da2-expiredtestkey0000000000"])
def test_unknown_or_expired_api_key_is_unauthorized(limits: Server, key: str) -> None:
    response = _post(limits, {"query": "{ item(id: 1) }"}, headers={"x-api-key": key})
    assert request_error(response) == (
        401,
        "UnauthorizedException",
        "UnauthorizedException",
        "You are not authorized to make this call.",
    )


def test_validation_error_is_200_with_null_data(limits: Server) -> None:
    response = _post(limits, {"query": "{\n badfield }"})
    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "path": None,
                "locations": [{"line": 2, "column": 2, "sourceName": None}],
                "message": "Validation error of type FieldUndefined: Field 'badfield' in type "
                "'Query' is undefined @ 'badfield'",
            }
        ],
    }


def test_missing_variable_is_200_with_null_data(limits: Server) -> None:
    response = _post(limits, {"query": "query Q($id: ID!) { item(id: $id) }"})
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert body["errors"][0]["message"] == (
        "Variable 'id' has coerced Null value for NonNull type 'ID!'"
    )


def test_field_not_reachable_by_the_mode_is_unauthorized_and_the_rest_stands(
    limits: Server,
) -> None:
    response = _post(limits, {"query": "{\n  item(id: 1)\n  secret\n}"})
    assert response.status_code == 200
    assert response.json() == {
        "data": {"item": "item 1", "secret": None},
        "errors": [
            {
                "path": ["secret"],
                "data": None,
                "errorType": "Unauthorized",
                "errorInfo": None,
                "locations": [{"line": 3, "column": 3, "sourceName": None}],
                "message": "Not Authorized to access secret on type Query",
            }
        ],
    }


def test_util_error_keeps_data_and_error_info(limits: Server) -> None:
    response = _post(limits, {"query": "{ fail item(id: 2) }"})
    assert response.json() == {
        "data": {"fail": None, "item": "item 2"},
        "errors": [
            {
                "path": ["fail"],
                "data": {"id": 7},
                "errorType": "Custom",
                "errorInfo": {"why": "test"},
                "locations": [{"line": 1, "column": 3, "sourceName": None}],
                "message": "it failed",
            }
        ],
    }


def test_non_null_field_error_nulls_the_parent(limits: Server) -> None:
    response = _post(limits, {"query": "{ required }"})
    body = response.json()
    assert body["data"] is None
    assert [error["errorType"] for error in body["errors"]] == ["Custom"]


def test_appended_error_is_reported_beside_the_value(limits: Server) -> None:
    response = _post(limits, {"query": "{ warn }"})
    assert response.json() == {
        "data": {"warn": "kept"},
        "errors": [
            {
                "path": ["warn"],
                "data": {"done": 1},
                "errorType": "Partial",
                "errorInfo": {"left": 1},
                "locations": [{"line": 1, "column": 3, "sourceName": None}],
                "message": "half done",
            }
        ],
    }


def test_fields_without_resolver_read_the_parents_value(limits: Server) -> None:
    response = _post(limits, {"query": "{ node { id value child { id value } } }"})
    assert response.json() == {
        "data": {"node": {"id": "1", "value": "one", "child": {"id": "2", "value": "two"}}}
    }


def test_resolvers_past_the_count_limit_fail_and_do_not_run(limits: Server) -> None:
    query = "{ a: item(id: 1) b: item(id: 2) c: item(id: 3) d: item(id: 4) }"
    body = _post(limits, {"query": query}).json()
    assert body["data"] == {"a": "item 1", "b": "item 2", "c": "item 3", "d": None}
    [error] = body["errors"]
    assert error["path"] == ["d"]
    assert error["errorType"] == "ResolverExecutionLimitReached"


def test_fields_past_the_depth_limit_are_errors(limits: Server) -> None:
    query = "{ node { id child { id child { id } } } }"
    body = _post(limits, {"query": query}).json()
    assert body["data"] == {"node": {"id": "1", "child": {"id": "2", "child": None}}}
    [error] = body["errors"]
    assert error["path"] == ["node", "child", "child", "id"]


def test_execution_time_limit_ends_slow_resolvers_and_keeps_the_rest(limits: Server) -> None:
    body = _post(limits, {"query": "{ item(id: 5) slow }"}).json()
    assert body["data"] == {"item": "item 5", "slow": None}
    [error] = body["errors"]
    assert error["path"] == ["slow"]
    assert error["errorType"] == "ExecutionTimeout"
    assert error["message"] == "Execution timed out."


def test_body_over_the_limit_is_refused(limits: Server) -> None:
    padding = " " * 5000
    response = _post(limits, {"query": "{ item(id: 1) }" + padding})
    assert response.status_code == 413
    assert response.json()["errors"][0]["message"] == (
        "Request body exceeds the limit of 4096 bytes."
    )
    # The server is still answering.
    assert _post(limits, {"query": "{ item(id: 1) }"}).json() == {"data": {"item": "item 1"}}


def test_introspection_disabled_is_a_validation_error(limits: Server) -> None:
    """ "When introspection is disabled, a client which uses an introspection query ... will
    receive validation errors" (AWS blog "Control GraphQL execution complexity, query depth, and
    introspection with AWS AppSync")."""
    body = _post(limits, {"query": "{ __schema { queryType { name } } }"}).json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["path"] is None
    assert error["message"].startswith("Validation error of type FieldUndefined:")
    # __typename is not introspection of the schema, and clients add it everywhere.
    assert _post(limits, {"query": "{ __typename }"}).json() == {"data": {"__typename": "Query"}}


def test_null_for_a_non_null_field_nulls_the_parent_with_appsync_wording(limits: Server) -> None:
    """graphql-java's wording and shape, as AppSync answers (graphql-compose#121,
    aws-cdk#19061: "Cannot return null for non-nullable type: 'ID' within parent 'User'
    (/getUserByHandleName/id)")."""
    body = _post(limits, {"query": "{ broken { id value } }"}).json()
    assert body == {
        "data": {"broken": None},
        "errors": [
            {
                "path": ["broken", "id"],
                "locations": None,
                "message": "Cannot return null for non-nullable type: 'ID' within parent 'Node' "
                "(/broken/id)",
            }
        ],
    }
