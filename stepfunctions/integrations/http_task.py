"""HTTP Tasks (`arn:aws:states:::http:invoke`), which is how a workflow calls an AppSync API.

AWS offers no optimized AppSync integration: a workflow runs a GraphQL operation with an HTTP
Task that POSTs to the API's `/graphql` endpoint, authorised by an EventBridge connection (dg
"Call HTTPS APIs in Step Functions workflows"). Locally:
* `HttpRoutes` maps an endpoint to where it is served (an AppSync API's cloud URL to this
  server's `/graphql`); `Connections` gives a connection's authorization (for example the API
  key header) in place of EventBridge;
* Parameters: `ApiEndpoint`, `Method`, `Authentication.ConnectionArn` (or
  `InvocationConfig.ConnectionArn`), `Headers`, `QueryParameters`, `RequestBody`, `Transform`
  (`RequestBodyEncoding` NONE or URL_ENCODED);
* the answer is `{"Headers": {name: [values]}, "ResponseBody", "StatusCode", "StatusText"}`,
  the body parsed when the response is JSON; a non-2xx status fails with
  `States.Http.StatusCode.<code>`, a request that times out (60 s) with `States.Http.Socket`.
The pattern is request-response only.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from stepfunctions.errors import StatesError
from stepfunctions.integrations.base import parameters_of, required_text
from stepfunctions.runtime.service_integration import Pattern, TaskCall

if TYPE_CHECKING:
    import httpx

HTTP_TIMEOUT_SECONDS = 60.0
_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"})
# Headers a definition may not set (dg call-https-apis, "Headers"), besides x-amz-* / x-amzn-*.
_FORBIDDEN_HEADERS = frozenset(
    {
        "a-im", "accept-charset", "accept-datetime", "accept-encoding", "authorization",
        "cache-control", "connection", "content-encoding", "content-md5", "date", "expect",
        "forwarded", "from", "host", "http2-settings", "if-match", "if-modified-since",
        "if-none-match", "if-range", "if-unmodified-since", "max-forwards", "origin", "pragma",
        "proxy-authorization", "referer", "server", "te", "trailer", "transfer-encoding",
        "upgrade", "via", "warning",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ConnectionAuth:
    """What an EventBridge connection adds to each request: headers, query and body fields."""

    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] = field(default_factory=dict)


class Connections(Protocol):
    def authorization(self, connection_arn: str) -> ConnectionAuth | None:
        """The connection's authorization, or None for a connection that does not exist."""
        ...


class HttpRoutes(Protocol):
    def resolve(self, url: str) -> str:
        """Where a request for `url` goes (e.g. this server's /graphql for an AppSync URL)."""
        ...


@dataclass(frozen=True, slots=True)
class StaticConnections:
    """Connections from configuration: ARN -> authorization."""

    connections: Mapping[str, ConnectionAuth]

    def authorization(self, connection_arn: str) -> ConnectionAuth | None:
        return self.connections.get(connection_arn)


@dataclass(frozen=True, slots=True)
class PrefixRoutes:
    """URL prefix replacements, e.g. `https://x.appsync-api.us-east-1.amazonaws.com/graphql`
    -> `http://127.0.0.1:4000/graphql`; other URLs go out unchanged."""

    prefixes: Mapping[str, str] = field(default_factory=dict)

    def resolve(self, url: str) -> str:
        for prefix, target in self.prefixes.items():
            if url.startswith(prefix):
                return target + url[len(prefix) :]
        return url


class HttpTaskIntegration:
    """`http:invoke`."""

    def __init__(self, connections: Connections, routes: HttpRoutes | None = None) -> None:
        self._connections = connections
        self._routes: HttpRoutes = routes if routes is not None else PrefixRoutes()

    def supports(self, action: str, pattern: Pattern, sdk: bool) -> bool:
        return not sdk and action == "invoke" and pattern is Pattern.REQUEST_RESPONSE

    async def call(self, request: TaskCall) -> Any:
        # Imported here: importing httpx imports its command line too (rich, pygments, click),
        # a tenth of `serve`'s start, for APIs that never call out (issue 19).
        import httpx

        parameters = parameters_of(request)
        endpoint = required_text(request, "ApiEndpoint")
        method = required_text(request, "Method").upper()
        if method not in _METHODS:
            raise StatesError(
                "States.Runtime", f"The Method '{method}' is not supported by the HTTP Task"
            )
        auth = self._authorization(parameters)
        headers = _headers(parameters.get("Headers"))
        headers.update(auth.headers)
        headers["User-Agent"] = f"Amazon|StepFunctions|HttpInvoke|{request.region}"
        query = {str(k): _text(v) for k, v in (parameters.get("QueryParameters") or {}).items()}
        query.update(auth.query)
        content = _body(parameters, auth, headers)
        url = self._routes.resolve(endpoint)
        if query:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(query)
        with request.clock.busy():
            try:
                async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS) as client:
                    response = await client.request(method, url, headers=headers, content=content)
            except httpx.TimeoutException as error:
                raise StatesError("States.Http.Socket", str(error), prefixed=True) from error
            except httpx.HTTPError as error:
                raise StatesError("States.Http.Socket", str(error), prefixed=True) from error
        answer = _answer(response)
        if not 200 <= response.status_code < 300:
            raise StatesError(
                f"States.Http.StatusCode.{response.status_code}",
                json.dumps(answer, separators=(",", ":")),
                prefixed=True,
            )
        return answer

    def _authorization(self, parameters: Mapping[str, Any]) -> ConnectionAuth:
        arn = None
        for key in ("Authentication", "InvocationConfig"):
            section = parameters.get(key)
            if isinstance(section, Mapping) and isinstance(section.get("ConnectionArn"), str):
                arn = section["ConnectionArn"]
                break
        if arn is None:
            raise StatesError(
                "States.Runtime",
                "The field 'Authentication.ConnectionArn' is required for the resource "
                "'arn:aws:states:::http:invoke'",
            )
        auth = self._connections.authorization(arn)
        if auth is None:
            raise StatesError(
                "Events.ConnectionResource.ResourceNotFound",
                f"Connection '{arn}' does not exist.",
                prefixed=True,
            )
        return auth


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _headers(raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise StatesError("States.Runtime", "The field 'Headers' must be a JSON object")
    headers: dict[str, str] = {}
    for name, value in raw.items():
        lower = str(name).lower()
        if lower in _FORBIDDEN_HEADERS or lower.startswith(("x-amz-", "x-amzn-", "x-forwarded-")):
            raise StatesError(
                "States.Runtime", f"The header '{name}' is not allowed in an HTTP Task"
            )
        headers[str(name)] = _text(value)
    return headers


def _body(parameters: Mapping[str, Any], auth: ConnectionAuth, headers: dict[str, str]) -> bytes:
    body = parameters.get("RequestBody")
    if auth.body:
        merged = dict(body) if isinstance(body, Mapping) else {}
        merged.update(auth.body)
        body = merged
    if body is None:
        return b""
    transform = parameters.get("Transform")
    encoding = transform.get("RequestBodyEncoding") if isinstance(transform, Mapping) else None
    if isinstance(body, str):
        return body.encode()
    if encoding == "URL_ENCODED" and isinstance(body, Mapping):
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return urllib.parse.urlencode({k: _text(v) for k, v in body.items()}).encode()
    headers.setdefault("Content-Type", "application/json; charset=UTF-8")
    return json.dumps(body, separators=(",", ":")).encode()


def _answer(response: httpx.Response) -> dict[str, Any]:
    headers: dict[str, list[str]] = {}
    for name, value in response.headers.multi_items():
        headers.setdefault(name.lower(), []).append(value)
    text = response.text
    body: Any = text
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        try:
            body = json.loads(text)
        except ValueError:
            body = text
    return {
        "Headers": headers,
        "ResponseBody": body,
        "StatusCode": response.status_code,
        "StatusText": response.reason_phrase,
    }
