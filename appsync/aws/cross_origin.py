"""What the AWS endpoint answers a web page of another origin.

The endpoint's default keys are public knowledge (`testing`/`testing`), so a page on any site
the developer opens could sign AWS calls with them and aim them at loopback. A pre-signed URL
needs no header: a GET, a form POST or a `text/plain` POST carrying one is a request browsers
send without asking first (a "simple" request, no preflight), and the call would run even
though the page could not read the answer (a Lambda Invoke, an SQS or SNS action). So a request
a browser marks as coming from another origin is refused with `AccessDenied` in the call's own
protocol before any service sees it: `Sec-Fetch-Site: cross-site` or `same-site` (Fetch
Metadata, https://www.w3.org/TR/fetch-metadata/, sent by current browsers on every request), or
an `Origin` other than the endpoint's own (sent on every cross-origin POST). A page on
`localhost:3000` is same-site with the server on `localhost:20002` but not same-origin.
Clients that are not browsers (the SDKs, the CLI) send neither and are not affected.

Except what AWS answers browsers for: the operations its models mark unsigned
(`requests.allows_unsigned`: Cognito user pools' sign-up, sign-in and token operations,
identity pools' GetId and GetCredentialsForIdentity, STS federation), which
amazon-cognito-identity-js, Amplify and the SDK for JavaScript call from web pages in CORS mode
(`mode: "cors"` with `Content-Type`, `X-Amz-Target` and `X-Amz-User-Agent`: amazon-cognito-
identity-js's Client.js). Their preflight (`OPTIONS /` asking to POST without a credential
header) allows any origin, and their answers carry `Access-Control-Allow-Origin: *` and expose
the headers the SDKs read. A preflight asking for `Authorization` or `X-Amz-Security-Token` (a
signed call) gets no CORS headers, so the browser never sends that call.
"""

from __future__ import annotations

from starlette.types import Scope

from appsync.aws.errors import in_protocol
from appsync.aws.requests import AwsResponse, ServiceCall

# The preflight's own question: which method and headers the page wants to send.
_REQUEST_METHOD = b"access-control-request-method"
_REQUEST_HEADERS = b"access-control-request-headers"
# Headers that carry AWS credentials: a call needing them is never allowed from a page.
_CREDENTIAL_HEADERS = frozenset({"authorization", "x-amz-security-token"})
_FOREIGN_SITES = (b"cross-site", b"same-site")
# What a browser SDK reads from an answer besides its body (the request id, the error type).
EXPOSED_HEADERS = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
CORS_HEADERS = (
    ("access-control-allow-origin", "*"),
    ("access-control-expose-headers", EXPOSED_HEADERS),
)
# How long a browser may keep a preflight's answer (AWS's own services answer 86,400 s).
_MAX_AGE = "86400"
_REFUSED = (
    "AWS API calls from a web page of another origin are refused: only the operations AWS "
    "answers unsigned (Cognito sign-up and sign-in, STS federation) are open to browsers."
)


def foreign_origin(scope: Scope) -> bool:
    """Whether a browser sent this request from a page of another origin."""
    origin = None
    host = None
    for name, value in scope["headers"]:
        if name == b"sec-fetch-site":
            if value in _FOREIGN_SITES:
                return True
        elif name == b"origin":
            origin = value
        elif name == b"host":
            host = value
    if origin is None:
        return False
    own = f"{scope.get('scheme', 'http')}://".encode() + (host or b"")
    return host is None or origin.lower() != own.lower()


def is_preflight(scope: Scope) -> bool:
    """A browser's CORS preflight of a call to `/`, where the unsigned operations are sent."""
    return (
        scope["method"] == "OPTIONS"
        and scope["path"] == "/"
        and any(name == _REQUEST_METHOD for name, _ in scope["headers"])
    )


def preflight(scope: Scope) -> AwsResponse:
    """The answer to a preflight: any origin may POST without credential headers (the
    unsigned operations; the call itself is checked again when it arrives), nothing else."""
    method = b""
    wanted = b""
    for name, value in scope["headers"]:
        if name == _REQUEST_METHOD:
            method = value
        elif name == _REQUEST_HEADERS:
            wanted = value
    headers = [part.strip() for part in wanted.decode("latin-1").split(",") if part.strip()]
    if method != b"POST" or _CREDENTIAL_HEADERS & {header.lower() for header in headers}:
        return AwsResponse(403, b"", [("content-type", "text/plain")])
    allowed = [
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "POST"),
        ("access-control-max-age", _MAX_AGE),
    ]
    if headers:
        allowed.append(("access-control-allow-headers", ",".join(headers)))
    return AwsResponse(200, b"", allowed)


def refusal(call: ServiceCall) -> AwsResponse:
    """`AccessDenied` for a call from another origin, in the call's protocol."""
    return in_protocol(
        call,
        _REFUSED,
        for_json=(403, "AccessDeniedException"),
        for_rest_json=(403, "AccessDeniedException"),
        for_query=(403, "AccessDenied"),
        for_rest_xml=(403, "AccessDenied"),
    )
