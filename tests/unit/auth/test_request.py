"""A request to authenticate, free of web framework types: header names in any case, and the
requests realtime clients sign (amplify-js AWSWebSocketProvider: `POST <url>/connect` with `{}`
for the handshake, `POST <url>` with the `start` payload's `data` for a subscription)."""

from __future__ import annotations

from auth.request import AuthRequest, GraphQLRequestInfo


def test_header_names_are_case_insensitive() -> None:
    request = AuthRequest.from_raw_headers(
        "POST", "/graphql", {"Authorization": "token", "X-Api-Key": "da2-key"}
    )
    assert request.header("authorization") == "token"
    assert request.header("X-API-KEY") == "da2-key"
    assert request.header("host") is None


def test_the_last_spelling_of_a_repeated_header_wins() -> None:
    request = AuthRequest.from_raw_headers(
        "POST", "/graphql", {"Authorization": "first", "authorization": "second"}
    )
    assert request.header("Authorization") == "second"


def test_the_handshake_is_the_signed_connect_request() -> None:
    request = AuthRequest.realtime_connect({"Host": "api.example.com"}, "/graphql/", "10.0.0.1")
    assert (request.method, request.path, request.body) == ("POST", "/graphql/connect", b"{}")
    assert request.source_ip == "10.0.0.1"
    assert request.header("host") == "api.example.com"


def test_a_start_is_signed_over_its_data() -> None:
    info = GraphQLRequestInfo("subscription { onPost { id } }")
    data = '{"query": "subscription { onPost { id } }", "variables": {}}'
    request = AuthRequest.realtime_start({"x-api-key": "da2-key"}, data, info)
    assert (request.method, request.path, request.body) == ("POST", "/graphql", data.encode())
    assert request.graphql is info
    assert info.variables == {}
