"""AWS_IAM through the real server, signed by botocore's own `SigV4Auth`.

What AWS answers a bad signature: HTTP 403 with the signature error type in `x-amzn-errortype`
(amplify-js#2422 records `InvalidSignatureException` from AppSync), the mismatch text with the
canonical request AWS computed (aws-mobile-appsync-sdk-js#750 quotes it from AppSync), the
"Signature expired" text of a request outside the 5-minute window, and
`IncompleteSignatureException` for a signed header that was not sent
(aws-mobile-appsync-sdk-js#702). The server's clock is injected, so the stale-date case moves
the server's time, not the signer's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from auth.clock import ManualClock, SystemClock
from tests.fixtures import keys
from tests.integration.conftest import Server, request_error, serve, write_whoami_api

ACCOUNT = "111122223333"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/ada"
ROLE_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/session-1"
REGION = "us-east-1"
API_KEY = "da2-authiamtestkey0000000000"
QUERY = json.dumps({"query": "{ anyone { authType identity } }"})


def write_api(folder: Path, user: Credentials, role: Credentials) -> Path:
    auth = {
        "authenticationType": "AWS_IAM",
        "iamConfig": {
            "credentials": [
                {
                    "accessKeyId": user.access_key,
                    "secretAccessKey": user.secret_key,
                    "accountId": ACCOUNT,
                    "userArn": USER_ARN,
                },
                {
                    "accessKeyId": role.access_key,
                    "secretAccessKey": role.secret_key,
                    "sessionToken": role.token,
                    "accountId": ACCOUNT,
                    "userArn": ROLE_ARN,
                    "username": "AROAEXAMPLEROLEID:session-1",
                },
            ]
        },
        "additionalAuthenticationProviders": [{"authenticationType": "API_KEY"}],
        "apiKeys": [{"id": API_KEY}],
    }
    return write_whoami_api(folder, "auth-iam", auth, ("whoami", "anyone"))


@pytest.fixture(scope="module")
def user() -> Credentials:
    return Credentials(keys.access_key_id(), keys.secret_access_key())


@pytest.fixture(scope="module")
def role() -> Credentials:
    return Credentials(keys.access_key_id("ASIA"), keys.secret_access_key(), keys.session_token())


@pytest.fixture(scope="module")
def api_path(
    tmp_path_factory: pytest.TempPathFactory, user: Credentials, role: Credentials
) -> Path:
    return write_api(tmp_path_factory.mktemp("auth_iam"), user, role)


@pytest.fixture(scope="module")
def server(api_path: Path) -> Iterator[Server]:
    with serve(api_path, SystemClock()) as running:
        yield running


def signed(
    url: str,
    body: str,
    credentials: Credentials,
    headers: dict[str, str] | None = None,
    region: str = REGION,
) -> AWSRequest:
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={"content-type": "application/json", **(headers or {})},
    )
    SigV4Auth(credentials, "appsync", region).add_auth(request)
    return request


def send(url: str, body: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(url, content=body, headers=headers, timeout=10)


def test_signed_request_gets_the_iam_identity(server: Server, user: Credentials) -> None:
    # $ctx.identity under AWS_IAM: the resolver context reference's keys, sourceIp a list.
    request = signed(server.url, QUERY, user)
    response = send(server.url, QUERY, dict(request.headers))
    assert response.status_code == 200
    who = response.json()["data"]["anyone"]
    assert who["authType"] == "IAM Authorization"
    assert json.loads(who["identity"]) == {
        "accountId": ACCOUNT,
        "cognitoIdentityPoolId": None,
        "cognitoIdentityId": None,
        "sourceIp": ["127.0.0.1"],
        "username": "ada",
        "userArn": USER_ARN,
        "cognitoIdentityAuthType": None,
        "cognitoIdentityAuthProvider": None,
    }


def test_default_iam_mode_reaches_fields_without_directives(
    server: Server, user: Credentials
) -> None:
    body = json.dumps({"query": "{ whoami { authType } }"})
    response = send(server.url, body, dict(signed(server.url, body, user).headers))
    assert response.json() == {"data": {"whoami": {"authType": "IAM Authorization"}}}


def test_wrong_secret_is_invalid_signature_with_the_canonical_request(
    server: Server, user: Credentials
) -> None:
    wrong = Credentials(user.access_key, keys.secret_access_key())
    request = signed(server.url, QUERY, wrong)
    status, header, error_type, message = request_error(
        send(server.url, QUERY, dict(request.headers))
    )
    assert (status, header, error_type) == (
        403,
        "InvalidSignatureException",
        "InvalidSignatureException",
    )
    assert message.startswith(
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method."
    )
    # The canonical request AWS prints is the one the signer built: botocore's own, over the
    # headers as they were before it added `Authorization`.
    unsigned = AWSRequest(
        method="POST",
        url=server.url,
        data=QUERY,
        headers={k: v for k, v in request.headers.items() if k != "Authorization"},
    )
    canonical = SigV4Auth(wrong, "appsync", REGION).canonical_request(unsigned)
    assert f"The Canonical String for this request should have been\n'{canonical}'" in message


def test_tampered_body_is_invalid_signature(server: Server, user: Credentials) -> None:
    request = signed(server.url, QUERY, user)
    tampered = json.dumps({"query": "{ whoami { authType identity } }"})
    status, header, _, message = request_error(send(server.url, tampered, dict(request.headers)))
    assert (status, header) == (403, "InvalidSignatureException")
    assert message.startswith("The request signature we calculated does not match")


def test_unsigned_payload_claim_does_not_skip_the_body_hash(
    server: Server, user: Credentials
) -> None:
    # The payload hash is always the real body's, whatever x-amz-content-sha256 claims.
    request = signed(server.url, QUERY, user, {"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    assert send(server.url, QUERY, dict(request.headers)).status_code == 403


def test_a_signature_older_than_five_minutes_is_expired(api_path: Path, user: Credentials) -> None:
    signed_at = time.time()
    clock = ManualClock(signed_at + 600)
    with serve(api_path, clock) as late:
        request = signed(late.url, QUERY, user)
        amz_date = request.headers["X-Amz-Date"]
        status, header, _, message = request_error(send(late.url, QUERY, dict(request.headers)))
    now = datetime.fromtimestamp(clock.time(), UTC)
    earliest = datetime.fromtimestamp(clock.time() - 300, UTC)
    assert (status, header) == (403, "InvalidSignatureException")
    assert message == (
        f"Signature expired: {amz_date} is now earlier than "
        f"{earliest:%Y%m%dT%H%M%SZ} ({now:%Y%m%dT%H%M%SZ} - 5 min.)"
    )


def test_a_signature_from_the_future_is_not_yet_current(api_path: Path, user: Credentials) -> None:
    with serve(api_path, ManualClock(time.time() - 600)) as early:
        request = signed(early.url, QUERY, user)
        status, header, _, message = request_error(send(early.url, QUERY, dict(request.headers)))
    assert (status, header) == (403, "InvalidSignatureException")
    assert message.startswith(f"Signature not yet current: {request.headers['X-Amz-Date']} ")


def test_a_signed_header_that_was_not_sent_is_an_incomplete_signature(
    server: Server, user: Credentials
) -> None:
    request = signed(server.url, QUERY, user, {"x-amz-user-agent": "aws-amplify/6.0"})
    headers = {k: v for k, v in request.headers.items() if k.lower() != "x-amz-user-agent"}
    status, header, _, message = request_error(send(server.url, QUERY, headers))
    assert (status, header) == (403, "IncompleteSignatureException")
    assert message == (
        "'x-amz-user-agent' is named as a SignedHeader, but it does not exist in the HTTP request."
    )


def test_an_unknown_access_key_is_an_unrecognized_client(server: Server) -> None:
    stranger = Credentials(keys.access_key_id(), keys.secret_access_key())
    request = signed(server.url, QUERY, stranger)
    assert request_error(send(server.url, QUERY, dict(request.headers))) == (
        403,
        "UnrecognizedClientException",
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )


def test_temporary_credentials_need_their_session_token(server: Server, role: Credentials) -> None:
    request = signed(server.url, QUERY, role)
    assert "X-Amz-Security-Token" in request.headers
    response = send(server.url, QUERY, dict(request.headers))
    identity = json.loads(response.json()["data"]["anyone"]["identity"])
    assert (identity["userArn"], identity["username"]) == (ROLE_ARN, "AROAEXAMPLEROLEID:session-1")
    without_token = Credentials(role.access_key, role.secret_key)
    request = signed(server.url, QUERY, without_token)
    status, header, _, message = request_error(send(server.url, QUERY, dict(request.headers)))
    assert (status, header, message) == (
        403,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )


def test_a_percent_encoded_path_is_verified_as_sent(server: Server, user: Credentials) -> None:
    # `/%67raphql` is `/graphql` once decoded; SigV4 signs the path as sent, so the server must
    # check the raw path, not the decoded one.
    url = server.url.replace("/graphql", "/%67raphql")
    request = signed(url, QUERY, user)
    response = httpx.post(httpx.URL(url), content=QUERY, headers=dict(request.headers), timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["anyone"]["authType"] == "IAM Authorization"


def test_an_api_key_beside_iam_is_another_mode_not_a_signature(server: Server) -> None:
    body = json.dumps({"query": "{ anyone { authType identity } }"})
    response = send(server.url, body, {"content-type": "application/json", "x-api-key": API_KEY})
    assert response.json() == {
        "data": {"anyone": {"authType": "API Key Authorization", "identity": "null"}}
    }


def test_a_signed_get_with_its_query_string_verifies(server: Server, user: Credentials) -> None:
    # AppSync serves queries over GET too; the query string is part of the canonical request.
    # Parameters percent-encoded as SigV4 encodes them (a space is %20, never "+").
    query = quote("{ anyone { authType } }", safe="-_.~")
    url = f"{server.url}?query={query}&operationName="
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(user, "appsync", REGION).add_auth(request)
    response = httpx.get(url, headers=dict(request.headers), timeout=10)
    assert response.json() == {"data": {"anyone": {"authType": "IAM Authorization"}}}
    tampered = url.replace("authType", "identity")
    refused = httpx.get(tampered, headers=dict(request.headers), timeout=10)
    assert (refused.status_code, refused.headers["x-amzn-errortype"]) == (
        403,
        "InvalidSignatureException",
    )
