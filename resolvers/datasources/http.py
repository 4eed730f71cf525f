"""The HTTP data source: a request document becomes one HTTP call to the data source's endpoint.

Request documents ("AWS AppSync resolver mapping template reference for HTTP"; the APPSYNC_JS
twin, resolver-reference-http-js): `{"version": "2018-05-29", "method": "PUT|POST|GET|DELETE|
PATCH", "resourcePath": "/v1/users", "params": {"query": Map, "headers": Map, "body": any}}`.
`version`, `method` and `resourcePath` are required; the URL is the endpoint followed by the
resource path, joined as a path (`HttpEndpoint`). The body is sent as a UTF-8 string unless the
content type names a charset; a body that is not a string is sent as its JSON (the Step
Functions request templates of the AWS blog "Invoke AWS services directly from AWS AppSync" pass
an object). AppSync refuses to let a template set HOST, CONNECTION, USER-AGENT, EXPECTATION,
TRANSFER_ENCODING or CONTENT_LENGTH.

The result (`ctx.result`) is `{statusCode, headers, body}` with the body as a string, whatever
the status: a 4xx or 5xx answer is not a data source error, the response template decides
(the HTTP resolvers tutorial's templates test `$ctx.result.statusCode == 200` and otherwise
`$utils.appendError($ctx.result.body, "$ctx.result.statusCode")`). `ctx.error` is set only
when no answer came back (connection refused, timeout).

`httpConfig.authorizationConfig` with `authorizationType: AWS_IAM` signs each request with
SigV4 for `awsIamConfig.signingRegion` / `signingServiceName` ("Invoking AWS services" in the
HTTP resolvers tutorial). An endpoint of Step Functions (`states.<region>.amazonaws.com` or
`sync-states.<region>...`) goes to the `StateMachineRunner` when one is given (the embedded
engine), with the operation from the `x-amz-target` header; without one it goes to AWS.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypedDict
from urllib.parse import quote, urlsplit

from definition.model import AwsIamConfig, HttpConfig
from resolvers.context import ResolverContext
from resolvers.datasources.stepfunctions import (
    CONTENT_TYPE,
    START_SYNC_EXECUTION,
    TARGET_PREFIX,
    StateMachineRunner,
)
from resolvers.errors import DataSourceError, ResolverError

if TYPE_CHECKING:
    # botocore signs the requests of an AWS_IAM HTTP data source: imported by the first one
    # (it cost every start of `serve` a tenth of its time, issue 19).
    import httpx
    from botocore.credentials import Credentials, ReadOnlyCredentials

logger = logging.getLogger(__name__)

STATES_SERVICE: Final = "states"
_VERSION = "2018-05-29"
_METHODS = frozenset({"PUT", "POST", "GET", "DELETE", "PATCH"})
# Headers a template may not set ("You can't set the following HTTP headers").
_FORBIDDEN_HEADERS = frozenset(
    {
        "host",
        "connection",
        "user-agent",
        "expectation",
        "expect",
        "transfer-encoding",
        "content-length",
    }
)
# AppSync stops a request after 30 seconds; a data source call cannot take longer.
TIMEOUT_SECONDS: Final = 30.0
# `states.<region>.amazonaws.com`, `sync-states.<region>.amazonaws.com`, the China partition's
# `.amazonaws.com.cn`, and the region-less `states.amazonaws.com` of the CDK example.
_STATES_HOST = re.compile(
    r"^(?P<sync>sync-)?states(?:\.(?P<region>[a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?$"
)
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)
# What may stand unescaped in a path or query (RFC 3986 pchar, plus "/" and "?" for a query);
# "%" stays only where it starts an escape.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class HttpResult(TypedDict):
    """`ctx.result` of an HTTP data source."""

    statusCode: int
    headers: dict[str, str]
    body: str | None


@dataclass(frozen=True, slots=True)
class HttpCall:
    """A checked request document."""

    method: str
    resource_path: str
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    body: bytes | None

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None


def _mapping_error(message: str) -> ResolverError:
    # AWS differs (unconfirmed wording): AppSync's messages for an HTTP request document that
    # does not match its schema are not documented.
    return ResolverError(message, "MappingTemplate")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, separators=(",", ":"))


def _pairs(params: Mapping[str, Any], key: str) -> tuple[tuple[str, str], ...]:
    value = params.get(key)
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise _mapping_error(f"params.{key} must be a map of strings.")
    return tuple((str(name), _text(item)) for name, item in value.items() if item is not None)


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def _escape(text: str, safe: str) -> str:
    return quote(_LONE_PERCENT.sub("%25", text), safe=safe)


@dataclass(frozen=True, slots=True)
class HttpEndpoint:
    """A data source's `endpoint`, parsed once: the scheme, host and port of every call.

    AppSync's `HttpDataSourceConfig.endpoint` is "the HTTP URL endpoint ... either the domain
    name or IP, and port combination, and the URL scheme must be HTTP or HTTPS" (AppSync API
    reference), and the resource path "along with the endpoint ... forms the URL", as in
    `PUT <endpoint>/v1/users` (resolver reference for HTTP). So the resource path is joined as
    a path and nothing in it can change the scheme, host or port: a path that does not start
    with `/` would otherwise run into the authority (`https://host` + `@other:1/x` has the
    host `other`), and is a `MappingTemplate` error, unless the endpoint itself ends in `/`
    (`https://host/` + `v1/users` is a path on the host, as joining the two texts gives).
    `//other/x`, `http://other/x` after a `/`, `..`, `%2e` and `\\` stay in the path. Characters
    a path cannot hold are percent-encoded; a `?` in the resource path starts its query, to
    which `params.query` is added; a `#` and what follows are not sent.
    """

    origin: str  # scheme://authority
    path: str  # the endpoint's own path, without a trailing "/"
    joins_bare_paths: bool  # the endpoint ends in "/"

    @classmethod
    def parse(cls, endpoint: str) -> HttpEndpoint:
        parts = urlsplit(endpoint)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise DataSourceError(f"HTTP data source endpoint {endpoint!r} is not an http(s) URL")
        return cls(
            f"{parts.scheme.lower()}://{parts.netloc}",
            _escape(parts.path.rstrip("/"), _PATH_SAFE),
            endpoint.endswith("/"),
        )

    def url(self, resource_path: str, query: tuple[tuple[str, str], ...] = ()) -> str:
        """The URL of a call; a resource path that would leave the endpoint's authority is a
        MappingTemplate error."""
        # AWS differs (unconfirmed): AppSync's answer to such a path is not documented.
        path, _, raw_query = resource_path.partition("#")[0].partition("?")
        if path and not path.startswith("/"):
            if not self.joins_bare_paths:
                raise _mapping_error("resourcePath must start with '/'.")
            path = "/" + path
        path = self.path + _escape(path, _PATH_SAFE) if path else self.path or "/"
        # One encoding for the signature and the wire: spaces as %20, never `+`, which
        # SigV4 canonicalization would read differently.
        pairs = [_escape(raw_query, _QUERY_SAFE)] if raw_query else []
        pairs += (f"{_encode(name)}={_encode(value)}" for name, value in query)
        return self.origin + path + ("?" + "&".join(pairs) if pairs else "")


def _charset(content_type: str | None) -> str:
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else "utf-8"


def parse_request(request: Any) -> HttpCall:
    """The request document as an HttpCall, or a MappingTemplate error."""
    if not isinstance(request, dict):
        raise _mapping_error("An HTTP request must be an object.")
    version = request.get("version")
    # The JS runtime's requests carry no version; a VTL template's must be 2018-05-29.
    if version is not None and version != _VERSION:
        raise _mapping_error(f"Unsupported version '{version}'. Expected {_VERSION}.")
    method = request.get("method")
    if not isinstance(method, str) or method.upper() not in _METHODS:
        raise _mapping_error(
            f"Unsupported method '{method}'. Expected PUT, POST, GET, DELETE or PATCH."
        )
    path = request.get("resourcePath")
    if not isinstance(path, str):
        raise _mapping_error("resourcePath is required and must be a string.")
    params = request.get("params") or {}
    if not isinstance(params, dict):
        raise _mapping_error("params must be an object.")
    headers = tuple(
        (name, value)
        for name, value in _pairs(params, "headers")
        if name.lower().replace("_", "-") not in _FORBIDDEN_HEADERS
    )
    body: bytes | None = None
    raw = params.get("body")
    if raw is not None:
        text = raw if isinstance(raw, str) else json.dumps(raw, separators=(",", ":"))
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
        body = text.encode(_charset(content_type), errors="replace")
    return HttpCall(method.upper(), path, _pairs(params, "query"), headers, body)


def states_endpoint(endpoint: str) -> bool:
    """Whether an HTTP data source endpoint is AWS Step Functions' own."""
    host = urlsplit(endpoint).hostname or ""
    return _STATES_HOST.match(host) is not None


def _aws_json_result(status: int, body: dict[str, Any]) -> HttpResult:
    """An AWS JSON 1.0 answer as an HTTP data source result, with AWS's response headers."""
    headers = {"x-amzn-RequestId": str(uuid.uuid4()), "Content-Type": CONTENT_TYPE}
    error_type = body.get("__type")
    if status >= 400 and isinstance(error_type, str):
        headers["x-amzn-ErrorType"] = error_type
    return {
        "statusCode": status,
        "headers": headers,
        "body": json.dumps(body, separators=(",", ":")),
    }


def _aws_error(status: int, code: str, message: str) -> HttpResult:
    return _aws_json_result(status, {"__type": code, "message": message})


class _CredentialChain:
    """The signing credentials: given, or botocore's default chain read once, off the loop.

    AWS differs: AppSync signs with the credentials of the data source's `serviceRoleArn`;
    locally the role is not assumed and the process's own AWS credentials sign.
    """

    __slots__ = ("_credentials", "_lock")

    def __init__(self, credentials: Credentials | None) -> None:
        self._credentials: ReadOnlyCredentials | None = (
            credentials.get_frozen_credentials() if credentials is not None else None
        )
        self._lock = asyncio.Lock()

    async def get(self) -> ReadOnlyCredentials:
        if self._credentials is None:
            async with self._lock:
                if self._credentials is None:
                    self._credentials = await asyncio.to_thread(_default_credentials)
        return self._credentials


def _default_credentials() -> ReadOnlyCredentials:
    from botocore.session import get_session

    found = get_session().get_credentials()
    if found is None:
        raise DataSourceError("Unable to locate credentials to sign the HTTP request.", None)
    return found.get_frozen_credentials()


def _signed_headers(
    call: HttpCall,
    url: str,
    headers: dict[str, str],
    iam: AwsIamConfig,
    credentials: ReadOnlyCredentials,
) -> dict[str, str]:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method=call.method, url=url, data=call.body or b"", headers=headers)
    SigV4Auth(
        Credentials(credentials.access_key or "", credentials.secret_key or "", credentials.token),
        iam.signing_service_name,
        iam.signing_region,
    ).add_auth(request)
    return {name: str(value) for name, value in request.headers.items()}


class HttpDataSource:
    """A `type: HTTP` data source."""

    __slots__ = ("_config", "_credentials", "_endpoint", "_name", "_runner", "_states", "_timeout")

    def __init__(
        self,
        name: str,
        config: HttpConfig,
        runner: StateMachineRunner | None = None,
        *,
        credentials: Credentials | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self._name = name
        self._config = config
        self._endpoint = HttpEndpoint.parse(config.endpoint)
        self._runner = runner
        self._states = _STATES_HOST.match(urlsplit(config.endpoint).hostname or "")
        self._credentials = _CredentialChain(credentials)
        self._timeout = timeout

    @property
    def name(self) -> str:
        return self._name

    @property
    def config(self) -> HttpConfig:
        return self._config

    @property
    def routed_to_runner(self) -> bool:
        """True when calls go to the StateMachineRunner rather than the network."""
        return self._states is not None and self._runner is not None

    async def invoke(self, request: Any, ctx: ResolverContext) -> Any:
        call = parse_request(request)
        if self._states is not None and self._runner is not None:
            return await self._step_functions(call, self._states, self._runner)
        return await self.send(call)

    async def _step_functions(
        self, call: HttpCall, host: re.Match[str], runner: StateMachineRunner
    ) -> HttpResult:
        """What AWS Step Functions answers to this call, from the runner."""
        iam = self._config.aws_iam
        # AWS differs (unconfirmed status): the signature errors are AWS's wording; 400 is the
        # status AWS JSON 1.0 services such as DynamoDB give them.
        if iam is None:
            return _aws_error(
                400, "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        if iam.signing_service_name != STATES_SERVICE:
            return _aws_error(
                400,
                "InvalidSignatureException",
                f"Credential should be scoped to correct service: '{STATES_SERVICE}'. ",
            )
        region = host.group("region")
        if region is not None and iam.signing_region != region:
            return _aws_error(
                400,
                "InvalidSignatureException",
                f"Credential should be scoped to a valid region, not '{iam.signing_region}'. ",
            )
        target = call.header("x-amz-target") or ""
        if not target.startswith(TARGET_PREFIX):
            return _aws_error(
                400,
                "UnknownOperationException",
                f"Unknown operation {target or '(no X-Amz-Target)'}",
            )
        operation = target[len(TARGET_PREFIX) :]
        if (operation == START_SYNC_EXECUTION) != (host.group("sync") is not None):
            # AWS differs (unconfirmed): the SDKs send StartSyncExecution, and only it, to the
            # `sync-` host prefix; what AWS answers to the other host is not documented, so
            # both hosts serve every operation here.
            logger.debug("%s sent to %s", operation, self._config.endpoint)
        try:
            body = json.loads(call.body) if call.body and call.body.strip() else {}
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return _aws_error(
                400,
                "SerializationException",
                "Start of structure or map found where not expected.",
            )
        status, answer = await runner.call(operation, body)
        return _aws_json_result(status, answer)

    async def send(self, call: HttpCall) -> HttpResult:
        """One call over the network (signed when the data source has an awsIamConfig)."""
        # Imported here: importing httpx imports its command line too (rich, pygments, click),
        # a tenth of `serve`'s start, for APIs that never call out (issue 19).
        import httpx

        url = self._endpoint.url(call.resource_path, call.query)
        headers = dict(call.headers)
        iam = self._config.aws_iam
        if iam is not None:
            credentials = await self._credentials.get()
            headers = _signed_headers(call, url, headers, iam, credentials)
        try:
            async with httpx.AsyncClient(timeout=self._timeout, verify=_ssl_context()) as client:
                response = await client.request(
                    call.method, url, headers=headers, content=call.body
                )
        except httpx.TimeoutException as error:
            # AWS differs (unconfirmed wording): AppSync's message for an endpoint that does
            # not answer in time is not documented.
            raise DataSourceError(f"HTTP request timed out: {error!r}", "HttpTimeout") from error
        except httpx.HTTPError as error:
            # AWS differs (unconfirmed wording), as above, for an endpoint that cannot be reached.
            raise DataSourceError(
                f"HTTP request failed: {error!r}", "HttpRequestException"
            ) from error
        return _result(response)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """httpx's default verification (certifi's CAs), built once: building it is most of the
    cost of a client (about 40 ms), which would otherwise be paid on every call."""
    import httpx  # see `send`

    return httpx.create_ssl_context()


def _result(response: httpx.Response) -> HttpResult:
    headers: dict[str, str] = {}
    for raw_name, raw_value in response.headers.raw:
        name = raw_name.decode("latin-1")
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    # AWS differs (unconfirmed): an empty body is null here; AppSync's value is not documented.
    body = response.text if response.content else None
    return {"statusCode": response.status_code, "headers": headers, "body": body}


class HttpStateMachineRunner:
    """The real AWS Step Functions API over SigV4-signed HTTP, as a StateMachineRunner.

    AWS JSON 1.0 to `https://states.<region>.amazonaws.com/` (`https://sync-states...` for
    StartSyncExecution, the SDKs' host prefix), so AWS's status codes and error bodies come
    back unchanged. `endpoint` replaces the host for tests and for other Step Functions servers.
    """

    __slots__ = ("_async", "_sync")

    def __init__(
        self,
        region: str,
        *,
        endpoint: str | None = None,
        credentials: Credentials | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        iam = AwsIamConfig(region, STATES_SERVICE)
        hosts = (
            f"https://states.{region}.amazonaws.com",
            f"https://sync-states.{region}.amazonaws.com",
        )
        self._async, self._sync = (
            HttpDataSource(
                "StepFunctions",
                HttpConfig(endpoint or host, iam),
                credentials=credentials,
                timeout=timeout,
            )
            for host in hosts
        )

    async def call(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        call = HttpCall(
            "POST",
            "/",
            (),
            (("Content-Type", CONTENT_TYPE), ("X-Amz-Target", TARGET_PREFIX + operation)),
            json.dumps(body, separators=(",", ":")).encode(),
        )
        try:
            source = self._sync if operation == START_SYNC_EXECUTION else self._async
            result = await source.send(call)
        except DataSourceError as error:
            return 503, {"__type": "ServiceUnavailable", "message": error.message}
        try:
            answer = json.loads(result["body"] or "{}")
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            return result["statusCode"], {"__type": "InternalFailure", "message": result["body"]}
        return result["statusCode"], answer
