"""`$util.http`: "HTTP helpers in $util.http" (AppSync developer guide).

Response headers are recorded on the field's context under `ctx.extensions["responseHeaders"]`
(name -> value as text) for the server to add to the HTTP response; a restricted or empty name,
or a null value, is ignored and reported as a `ResponseHeaderError` beside the field.
"""

from __future__ import annotations

from typing import Any

from resolvers.context import ResolverContext
from resolvers.util.core import Helper, to_json

# Headers `copyHeaders` drops and `addResponseHeader` refuses.
RESTRICTED_HEADERS = frozenset(
    {
        "transfer-encoding",
        "connection",
        "host",
        "expect",
        "keep-alive",
        "upgrade",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "content-length",
    }
)
RESTRICTED_RESPONSE_HEADERS = RESTRICTED_HEADERS | {
    "access-control-allow-credentials",
    "access-control-allow-origin",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "vary",
    "content-type",
}
RESTRICTED_PREFIXES = ("x-amzn-", "x-amz-")
RESPONSE_HEADERS_KEY = "responseHeaders"


def copy_headers(headers: Any) -> dict[str, Any]:
    if not isinstance(headers, dict):
        return {}
    return {k: v for k, v in headers.items() if str(k).lower() not in RESTRICTED_HEADERS}


def _header_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return to_json(value)


class HttpHelpers(Helper):
    """The `http` member of `$util`, bound to the field's context."""

    __slots__ = ("_ctx",)

    def __init__(self, ctx: ResolverContext) -> None:
        self._ctx = ctx

    def copyHeaders(self, headers: Any) -> dict[str, Any]:
        return copy_headers(headers)

    def addResponseHeader(self, name: Any, value: Any) -> None:
        lowered = str(name or "").lower()
        if (
            not lowered
            or value is None
            or lowered in RESTRICTED_RESPONSE_HEADERS
            or lowered.startswith(RESTRICTED_PREFIXES)
        ):
            self._ctx.appended_errors.append(
                {
                    "message": f"Unable to add response header {name!r}: the name is empty or "
                    "restricted, or the value is null",
                    "errorType": "ResponseHeaderError",
                    "data": None,
                    "errorInfo": None,
                }
            )
            return
        headers = self._ctx.extensions.setdefault(RESPONSE_HEADERS_KEY, {})
        headers[str(name)] = _header_text(value)

    def addResponseHeaders(self, headers: Any) -> None:
        if isinstance(headers, dict):
            for name, value in headers.items():
                self.addResponseHeader(name, value)
