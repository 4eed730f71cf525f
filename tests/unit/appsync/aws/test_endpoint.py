"""The endpoint's order of work: which requests it claims, verification before any route, the
route table by service, moto's dispatch for the rest, and CORS headers only for the calls AWS
answers unsigned, made from a page of another origin (any other such call is refused)."""

from __future__ import annotations

import json

import httpx
import pytest

from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from auth.clock import SystemClock
from auth.signature import IamCredential, SigV4Verifier
from tests.fixtures.aws_signing import JSON_1_0, signed_headers

URL = "http://localhost/"
KEY = IamCredential("testing", "testing", "123456789012", "arn:aws:iam::123456789012:root")

pytestmark = pytest.mark.anyio


class _Recording:
    """A route that answers with what it was given, and a header CORS would add."""

    def __init__(self, serves: frozenset[str] = frozenset()) -> None:
        self.calls: list[ServiceCall] = []
        self._serves = serves

    def serves(self, service: str) -> bool:
        return service in self._serves

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        self.calls.append(call)
        body = json.dumps({"route": call.route, "operation": call.operation}).encode()
        return AwsResponse(200, body, [("Access-Control-Allow-Origin", "*")])


def _endpoint(states: _Recording, fallback: _Recording | None = None) -> AwsEndpoint:
    verifier = SigV4Verifier((KEY,), SystemClock())
    return AwsEndpoint(verifier, {"states": states}, fallback)


async def _post(endpoint: AwsEndpoint, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=endpoint)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        return await client.post("/", content=b"{}", headers=headers)


def _signed(service: str, target: str) -> dict[str, str]:
    headers = {"content-type": JSON_1_0, "x-amz-target": target}
    return signed_headers("POST", URL, service, b"{}", headers)


@pytest.mark.parametrize(
    ("headers", "query", "claimed"),
    [
        ([(b"x-amz-target", b"AWSStepFunctions.ListActivities")], b"", True),
        ([(b"authorization", b"AWS4-HMAC-SHA256 Credential=x/y/z/s3/aws4_request")], b"", True),
        ([], b"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a", True),
        ([(b"content-type", b"application/x-www-form-urlencoded")], b"", True),
        ([(b"authorization", b"Bearer token")], b"", False),
        ([(b"content-type", b"application/json")], b"page=2", False),
    ],
)
def test_an_aws_call_is_claimed_by_its_headers_not_its_path(
    headers: list[tuple[bytes, bytes]], query: bytes, claimed: bool
) -> None:
    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    assert AwsEndpoint.claims({**scope, "query_string": query}) is claimed


def test_the_paths_only_aws_has_are_claimed_unsigned() -> None:
    for path, claimed in (
        ("/v1/dataplane-evaluatecode", True),
        ("/v1/dataplane-evaluatetemplate", True),
        ("/v1/dataplane-evaluatecode/x", False),
        ("/graphql", False),
    ):
        scope = {"type": "http", "method": "POST", "path": path, "headers": []}
        assert AwsEndpoint.claims({**scope, "query_string": b""}) is claimed


async def test_an_unsigned_rest_call_is_refused_before_its_route() -> None:
    appsync = _Recording()
    verifier = SigV4Verifier((KEY,), SystemClock())
    endpoint = AwsEndpoint(verifier, {"appsync": appsync})
    transport = httpx.ASGITransport(app=endpoint)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        answer = await client.post("/v1/dataplane-evaluatecode", content=b"{}")
    assert answer.status_code == 403
    assert answer.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert answer.json() == {"message": "Missing Authentication Token"}
    assert appsync.calls == []


async def test_a_verified_call_reaches_its_route_without_cors_headers() -> None:
    states = _Recording()
    answer = await _post(_endpoint(states), _signed("states", "AWSStepFunctions.ListActivities"))
    assert answer.json() == {"route": "states", "operation": "ListActivities"}
    assert "access-control-allow-origin" not in answer.headers
    assert answer.headers["content-length"] == str(len(answer.content))


async def test_nothing_reaches_a_route_unverified() -> None:
    states = _Recording()
    headers = {"content-type": JSON_1_0, "x-amz-target": "AWSStepFunctions.ListActivities"}
    answer = await _post(_endpoint(states), headers)
    assert answer.json()["__type"] == "MissingAuthenticationTokenException"
    assert states.calls == []


async def test_other_services_go_to_the_fallback_when_it_serves_them() -> None:
    fallback = _Recording(frozenset({"secretsmanager"}))
    endpoint = _endpoint(_Recording(), fallback)
    served = await _post(endpoint, _signed("secretsmanager", "secretsmanager.ListSecrets"))
    assert served.json() == {"route": "secretsmanager", "operation": "ListSecrets"}
    unknown = await _post(endpoint, _signed("kinesis", "Kinesis_20131202.ListStreams"))
    assert (unknown.status_code, unknown.json()["__type"]) == (400, "UnknownOperationException")


async def test_an_added_route_serves_its_signing_name() -> None:
    endpoint = _endpoint(_Recording())
    control = _Recording()
    endpoint.add_route("appsync-local", control)
    answer = await _post(endpoint, _signed("appsync-local", "AppSyncLocal.DescribeClock"))
    assert answer.json() == {"route": "appsync-local", "operation": "DescribeClock"}


async def test_a_page_of_another_origin_may_make_only_unsigned_calls() -> None:
    idp = _Recording()
    verifier = SigV4Verifier((KEY,), SystemClock())
    endpoint = AwsEndpoint(verifier, {"states": _Recording(), "cognito-idp": idp})
    page = {"origin": "http://localhost:3000", "sec-fetch-site": "same-site"}
    sign_in = {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth",
    }
    answered = await _post(endpoint, {**sign_in, **page})
    assert answered.json() == {"route": "cognito-idp", "operation": "InitiateAuth"}
    assert answered.headers["access-control-allow-origin"] == "*"
    assert "x-amzn-RequestId" in answered.headers["access-control-expose-headers"]
    # The same operation signed (a page with the public keys) is not one AWS answers unsigned.
    signed_in = signed_headers("POST", URL, "cognito-idp", b"{}", sign_in)
    refused_sign_in = await _post(endpoint, {**signed_in, **page})
    assert (refused_sign_in.status_code, refused_sign_in.json()["__type"]) == (
        403,
        "AccessDeniedException",
    )
    assert len(idp.calls) == 1
    # A signed call (a good signature: the default keys are public) is refused before its route.
    states = _Recording()
    endpoint = AwsEndpoint(verifier, {"states": states})
    refused = await _post(
        endpoint, {**_signed("states", "AWSStepFunctions.ListActivities"), **page}
    )
    assert (refused.status_code, refused.json()["__type"]) == (403, "AccessDeniedException")
    assert "access-control-allow-origin" not in refused.headers
    assert states.calls == []
    # The same call from the endpoint's own origin (the console) is answered.
    own = {"origin": "http://localhost", "sec-fetch-site": "same-origin"}
    served = await _post(endpoint, {**_signed("states", "AWSStepFunctions.ListActivities"), **own})
    assert served.json() == {"route": "states", "operation": "ListActivities"}
    assert "access-control-allow-origin" not in served.headers


async def test_a_preflight_is_claimed_and_answered_before_any_route() -> None:
    states = _Recording()
    endpoint = _endpoint(states)
    scope = {
        "type": "http",
        "method": "OPTIONS",
        "path": "/",
        "query_string": b"",
        "headers": [
            (b"origin", b"http://localhost:3000"),
            (b"access-control-request-method", b"POST"),
        ],
    }
    assert AwsEndpoint.claims(scope)
    transport = httpx.ASGITransport(app=endpoint)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        allowed = await client.options(
            "/",
            headers={
                "origin": "http://localhost:3000",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type,x-amz-target",
            },
        )
        refused = await client.options(
            "/",
            headers={
                "origin": "http://localhost:3000",
                "access-control-request-method": "POST",
                "access-control-request-headers": "authorization,content-type,x-amz-target",
            },
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-headers"] == "content-type,x-amz-target"
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers
    assert states.calls == []
