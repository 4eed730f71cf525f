"""`$util.http`, checked against "HTTP helpers in $util.http" (AppSync developer guide)."""

from __future__ import annotations

from resolvers.context import ResolverContext
from resolvers.util.namespace import Util


def test_copy_headers_drops_restricted_headers(util: Util) -> None:
    headers = {
        "host": "x",
        "connection": "keep-alive",
        "content-length": "12",
        "authorization": "token",
        "x-custom": "1",
    }
    assert util.http.copyHeaders(headers) == {"authorization": "token", "x-custom": "1"}


def test_response_headers_are_recorded_and_restricted_ones_reported(
    util: Util, ctx: ResolverContext
) -> None:
    util.http.addResponseHeader("itemsCount", 7)
    util.http.addResponseHeaders({"headerString": "stringValue", "headerObject": {"field1": 7}})
    util.http.addResponseHeader("x-amz-thing", "no")
    util.http.addResponseHeader("Content-Type", "text/plain")
    util.http.addResponseHeader("empty", None)
    assert ctx.extensions["responseHeaders"] == {
        "itemsCount": "7",
        "headerString": "stringValue",
        "headerObject": '{"field1":7}',
    }
    assert [e["errorType"] for e in ctx.appended_errors] == ["ResponseHeaderError"] * 3
