"""The one local AWS endpoint: SigV4 verification, then a route table by service.

Every request is verified as AWS verifies it before any service sees it (`auth.signature`),
against the access keys the definition declares (by default `testing`/`testing`); only the
operations AWS itself answers unsigned (Cognito's sign-up and sign-in, STS federation) skip
that. Then the route table picks the handler by the request's service:

| route         | handler                                                             |
|---------------|---------------------------------------------------------------------|
| `dynamodb`    | the embedded DynamoDB the resolvers use (`appsync.aws.dynamodb`)    |
| `states`      | the embedded Step Functions engine (`appsync.aws.states`)           |
| `cognito-idp` | moto's Cognito in this process, signing with the installation's key |
| `appsync`     | EvaluateCode and EvaluateMappingTemplate answered locally, the rest of |
|               | AppSync's control plane by moto (`appsync.aws.control_plane`)        |
| `lambda`      | Invoke of a declared function: the local Lambda runtime (`.lambda_`)  |
| anything else | moto's own dispatch in this process (`appsync.aws.moto_services`)   |

A web page of another origin may make only the calls AWS answers unsigned, and gets CORS
headers only for them; any other call a browser sends from another origin is refused before
verification (`cross_origin`: the default keys are public, and a pre-signed URL needs no
preflight). The same `handle` serves the server's port (ASGI) and, in process, the boto3
clients of the engine's Task states (`transport`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from starlette.types import Receive, Scope, Send

from appsync.aws import cross_origin
from appsync.aws.errors import (
    REST_MISSING_TOKEN_MESSAGE,
    refusal,
    rest_json_error,
    unknown_service,
)
from appsync.aws.requests import (
    REST_OPERATIONS,
    AwsRequest,
    AwsResponse,
    ServiceCall,
    allows_unsigned,
    identify,
)
from appsync.aws.s3_access import S3Access
from appsync.start_gate import STOPPING, StartGate
from auth.errors import SignatureError
from auth.signature import SigV4Verifier

logger = logging.getLogger(__name__)

# S3 takes single uploads of up to 5 GB; locally a request body is held in memory, so larger
# ones are refused (413) rather than allowed to exhaust it.
MAX_BODY_BYTES = 256 * 1024 * 1024
_FORM = b"application/x-www-form-urlencoded"


class ServiceRoute(Protocol):
    """One service's API: a verified request in, the service's own answer out."""

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse: ...


class AwsEndpoint:
    """`routes` by route name (`dynamodb`, `states` ...); `fallback` takes the rest, when it
    serves the call's service (moto's dispatch)."""

    def __init__(
        self,
        verifier: SigV4Verifier,
        routes: Mapping[str, ServiceRoute],
        fallback: FallbackRoute | None = None,
        s3_access: S3Access | None = None,
    ) -> None:
        self._verifier = verifier
        self._routes = dict(routes)
        self._fallback = fallback
        # What the identity pools' credentials may do in S3 (their roles' policies).
        self._s3_access = s3_access
        # What `serve` starts after it listens (the embedded DynamoDB's data, Cognito): every
        # request waits for it here, the engine's in-process calls as HTTP ones (start_gate).
        self.gate: StartGate | None = None

    def add_route(self, name: str, route: ServiceRoute) -> None:
        """Serve `name` (a signing name) with `route` too: the local control API joins so."""
        self._routes[name] = route

    @staticmethod
    def claims(scope: Scope) -> bool:
        """Whether an HTTP request is an AWS API call (see `requests.identify`), judged from
        its path, headers and query string alone: a target, an AWS `Authorization` (SigV4, or
        S3's old SigV2, to refuse it as S3 does), a pre-signed URL, a form POST to `/` (the
        query protocol), or a path only AWS's REST APIs have (`requests.REST_OPERATIONS`)."""
        if scope["path"] in REST_OPERATIONS or cross_origin.is_preflight(scope):
            return True
        query = scope.get("query_string", b"")
        if b"X-Amz-Credential=" in query or b"Action=" in query or b"AWSAccessKeyId=" in query:
            return True
        for name, value in scope["headers"]:
            if name == b"x-amz-target":
                return True
            if name == b"authorization" and value.startswith((b"AWS4-HMAC-SHA256 ", b"AWS ")):
                return True
            if (
                name == b"content-type"
                and value.startswith(_FORM)
                and scope["method"] == "POST"
                and scope["path"] == "/"
            ):
                return True
        return False

    async def handle(self, request: AwsRequest, *, foreign: bool = False) -> AwsResponse:
        """The answer to one AWS API request (the request need not be one: see `identify`);
        `foreign`: sent by a browser from a page of another origin (`cross_origin`)."""
        gate = self.gate
        if gate is not None and not gate.is_open and not await gate.wait():
            return rest_json_error(503, "ServiceUnavailableException", STOPPING)
        call = identify(request)
        if call is None:
            return rest_json_error(
                403, "MissingAuthenticationTokenException", REST_MISSING_TOKEN_MESSAGE
            )
        # What AWS answers without a signature, sent without one: the only calls a page of
        # another origin may make (`cross_origin`).
        unsigned = not call.signed and allows_unsigned(call)
        if foreign and not unsigned:
            logger.info("refused %s %s from another origin", call.service, call.operation or "")
            return cross_origin.refusal(call)
        if not unsigned:
            try:
                credential = await self._verifier.verify(request.auth_request(), call.service)
            except SignatureError as error:
                logger.info(
                    "refused %s %s: %s", call.service or "?", call.operation or "", error.error_type
                )
                return refusal(error, call)
            if self._s3_access and call.service == "s3":
                denied = self._s3_access.refusal(request, credential)
                if denied is not None:
                    logger.info("refused s3 %s %s: AccessDenied", request.method, request.path)
                    return denied
        route = self._routes.get(call.route)
        if route is None and self._fallback is not None and self._fallback.serves(call.service):
            route = self._fallback
        if route is None:
            return unknown_service(call)
        response = await route.handle(request, call)
        logger.debug("%s %s -> %s", call.service, call.operation or request.path, response.status)
        if foreign:
            response.headers = [
                *(header for header in response.headers if not _is_cors(header[0])),
                *cross_origin.CORS_HEADERS,
            ]
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI: read the request, answer it; CORS headers only as `cross_origin` says."""
        foreign = cross_origin.foreign_origin(scope)
        request = await _read(scope, receive)
        if request is None:
            response = rest_json_error(
                413, "RequestEntityTooLargeException", "Request must be smaller than 256 MiB"
            )
        elif cross_origin.is_preflight(scope):
            response = cross_origin.preflight(scope)
        else:
            response = await self.handle(request, foreign=foreign)
        headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in response.headers
            if foreign or not _is_cors(name)
        ]
        # A HEAD answer (S3 HeadObject) names the length of a body it does not send.
        if not any(name == b"content-length" for name, _ in headers):
            headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})


def _is_cors(name: str) -> bool:
    """A CORS header (a route's own, moto's S3 ones, say): only `cross_origin` sets them."""
    return name.lower().startswith("access-control-")


class FallbackRoute(ServiceRoute, Protocol):
    def serves(self, service: str) -> bool: ...


async def _read(scope: Scope, receive: Receive) -> AwsRequest | None:
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    client = scope.get("client")
    raw_path = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else scope["path"]
    return AwsRequest(
        scope["method"],
        path.split("?", 1)[0] or "/",
        scope.get("query_string", b"").decode("latin-1"),
        headers,
        b"".join(chunks),
        client[0] if client else None,
    )
