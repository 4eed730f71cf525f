"""Which requests a browser sent from a page of another origin (Fetch Metadata's
`Sec-Fetch-Site`, https://www.w3.org/TR/fetch-metadata/, and the `Origin` header), the preflight
of the operations AWS answers unsigned, and the refusal of any other call in its protocol's
shape (the endpoint's use of them: test_endpoint.py; a real browser: tests/browser/
test_cross_origin.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from appsync.aws.cross_origin import (
    CORS_HEADERS,
    foreign_origin,
    is_preflight,
    preflight,
    refusal,
)
from appsync.aws.requests import ServiceCall, WireProtocol

REGION = "us-east-1"


def _scope(method: str = "POST", path: str = "/", **headers: str) -> dict[str, Any]:
    return {
        "type": "http",
        "scheme": "http",
        "method": method,
        "path": path,
        "headers": [
            (name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()
        ],
    }


@pytest.mark.parametrize(
    ("headers", "foreign"),
    [
        # Not a browser (boto3, the CLI): neither header.
        ({"host": "localhost:20002"}, False),
        # The console's own pages, and a URL typed into the address bar.
        ({"host": "localhost:20002", "sec_fetch_site": "same-origin"}, False),
        ({"host": "localhost:20002", "sec_fetch_site": "none"}, False),
        ({"host": "localhost:20002", "origin": "http://localhost:20002"}, False),
        ({"host": "LOCALHOST:20002", "origin": "http://localhost:20002"}, False),
        # A dev server beside it: same site, another origin.
        ({"host": "localhost:20002", "sec_fetch_site": "same-site"}, True),
        ({"host": "localhost:20002", "origin": "http://localhost:3000"}, True),
        ({"host": "localhost:20002", "sec_fetch_site": "cross-site"}, True),
        ({"host": "localhost:20002", "origin": "https://localhost:20002"}, True),
        ({"host": "localhost:20002", "origin": "null"}, True),
        ({"origin": "http://localhost:20002"}, True),
    ],
)
def test_a_page_of_another_origin_is_told_by_fetch_metadata_or_origin(
    headers: dict[str, str], foreign: bool
) -> None:
    assert foreign_origin(_scope(**headers)) is foreign


def test_only_an_options_to_the_root_asking_a_method_is_a_preflight() -> None:
    assert is_preflight(_scope("OPTIONS", access_control_request_method="POST"))
    assert not is_preflight(_scope("OPTIONS"))
    assert not is_preflight(_scope("OPTIONS", "/graphql", access_control_request_method="POST"))
    assert not is_preflight(_scope("POST", access_control_request_method="POST"))


def test_a_preflight_allows_any_origin_to_post_without_credentials() -> None:
    # What amazon-cognito-identity-js's Client.js asks for.
    asked = "content-type,x-amz-target,x-amz-user-agent"
    answer = preflight(
        _scope(
            "OPTIONS",
            origin="http://localhost:3000",
            access_control_request_method="POST",
            access_control_request_headers=asked,
        )
    )
    assert answer.status == 200
    assert dict(answer.headers) == {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "POST",
        "access-control-max-age": "86400",
        "access-control-allow-headers": asked,
    }


@pytest.mark.parametrize(
    ("method", "asked"),
    [
        ("POST", "content-type,Authorization,x-amz-date"),
        ("POST", "x-amz-security-token,x-amz-target"),
        ("PUT", "content-type"),
        ("DELETE", ""),
    ],
)
def test_a_preflight_of_a_signed_call_or_another_method_gets_no_cors(
    method: str, asked: str
) -> None:
    answer = preflight(
        _scope(
            "OPTIONS",
            access_control_request_method=method,
            access_control_request_headers=asked,
        )
    )
    assert answer.status == 403
    assert not any(name.startswith("access-control-") for name, _ in answer.headers)


def test_the_refusal_is_access_denied_in_the_calls_protocol() -> None:
    shapes = {}
    for protocol in WireProtocol:
        answer = refusal(ServiceCall("x", "x", "Op", protocol, REGION, True))
        assert answer.status == 403
        assert not any(name.startswith("access-control-") for name, _ in answer.headers)
        shapes[protocol] = answer
    assert json.loads(shapes[WireProtocol.JSON].body)["__type"] == "AccessDeniedException"
    assert dict(shapes[WireProtocol.REST_JSON].headers)["x-amzn-errortype"] == (
        "AccessDeniedException"
    )
    assert b"<Code>AccessDenied</Code>" in shapes[WireProtocol.QUERY].body
    assert b"<Code>AccessDenied</Code>" in shapes[WireProtocol.REST_XML].body


def test_answers_to_pages_expose_what_the_sdks_read() -> None:
    exposed = dict(CORS_HEADERS)["access-control-expose-headers"].lower().split(",")
    assert {"x-amzn-requestid", "x-amzn-errortype"} <= set(exposed)
