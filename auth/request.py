"""What auth needs to know about one request, free of any web framework's types.

The server builds an `AuthRequest` from a POST /graphql (or GET) request, and the realtime
endpoint builds one from the handshake's `header` JSON and from each `start` message's
`extensions.authorization`, with the path and body the client signed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


# Made per request: slotted, not frozen (a frozen __init__ costs four times as much).
@dataclass(slots=True)
class GraphQLRequestInfo:
    """The operation, as the Lambda authorizer's `requestContext` reports it."""

    query: str
    operation_name: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)


# Made per request: slotted, not frozen (a frozen __init__ costs four times as much).
@dataclass(slots=True)
class AuthRequest:
    """One request to authenticate.

    `headers` keys are lower-case (HTTP header names are case-insensitive, and Amplify's realtime
    header JSON mixes `Authorization` and `authorization`). `path` is the URL path without the query
    string; `query_string` is the raw query string as sent, for SigV4's canonical request.
    `source_ip` feeds `$ctx.identity.sourceIp`.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes = b""
    query_string: str = ""
    graphql: GraphQLRequestInfo | None = None
    source_ip: str | None = None

    @classmethod
    def from_raw_headers(
        cls,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes = b"",
        query_string: str = "",
        graphql: GraphQLRequestInfo | None = None,
        source_ip: str | None = None,
    ) -> AuthRequest:
        """Build a request from headers in any case (for example a realtime `header` JSON).

        When a name appears in several cases, the last one wins, as in a dict.
        """
        lowered = {name.lower(): value for name, value in headers.items()}
        return cls(method, path, lowered, body, query_string, graphql, source_ip)

    @classmethod
    def realtime_connect(
        cls,
        headers: Mapping[str, str],
        graphql_path: str = "/graphql",
        source_ip: str | None = None,
    ) -> AuthRequest:
        """The realtime handshake's `header` JSON (query string or `header-<b64>` subprotocol).

        Clients sign it as `POST <graphql url>/connect` with the body `{}` (amplify-js
        AWSWebSocketProvider; aws-appsync-subscription-link), so SigV4 is checked against that.
        """
        return cls.from_raw_headers(
            "POST", graphql_path.rstrip("/") + "/connect", headers, b"{}", source_ip=source_ip
        )

    @classmethod
    def realtime_start(
        cls,
        headers: Mapping[str, str],
        data: str,
        graphql: GraphQLRequestInfo | None = None,
        graphql_path: str = "/graphql",
        source_ip: str | None = None,
    ) -> AuthRequest:
        """A `start` message's `payload.extensions.authorization`; clients sign
        `POST <graphql url>` with the `payload.data` string as the body."""
        return cls.from_raw_headers(
            "POST", graphql_path, headers, data.encode(), graphql=graphql, source_ip=source_ip
        )

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())
