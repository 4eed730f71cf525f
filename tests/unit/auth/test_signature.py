"""SigV4 verification for any service, as the AWS endpoint uses it: the credential scope's
service, S3's own canonical path and payload hash, pre-signed URLs, and the errors AWS gives
when a request carries no signature or one of another scheme. Requests are signed by botocore
(SigV4Auth, S3SigV4Auth, S3SigV4QueryAuth), as boto3 and the AWS CLI sign them."""

from __future__ import annotations

import hashlib
import urllib.parse
from datetime import UTC, datetime, timedelta

import botocore.auth
import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from auth.clock import ManualClock
from auth.errors import SignatureError
from auth.request import AuthRequest
from auth.signature import IamCredential, SigV4Verifier, signature_access_key, signature_scope

SIGNED_AT = datetime(2026, 11, 21, 20, 0, 0, tzinfo=UTC)
BASE = "http://127.0.0.1:20002"
KEY = IamCredential("testing", "testing", "123456789012", "arn:aws:iam::123456789012:root")
LISTING = b'{"Limit": 1}'

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def _fixed_signing_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore stamps x-amz-date from its own clock; pin it so the verifier's clock can match.
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: SIGNED_AT)


def _verifier(*, at: datetime = SIGNED_AT) -> SigV4Verifier:
    return SigV4Verifier((KEY,), ManualClock(at.timestamp()))


def _received(request: AWSRequest, body: bytes) -> AuthRequest:
    """The request as the server receives it (the HTTP client adds `host` itself)."""
    parts = urllib.parse.urlsplit(str(request.url))
    headers = {"host": parts.netloc, **{k: str(v) for k, v in request.headers.items()}}
    method = str(request.method)
    return AuthRequest.from_raw_headers(method, parts.path, headers, body, parts.query)


def _signed(
    service: str,
    *,
    method: str = "POST",
    path: str = "/",
    body: bytes = LISTING,
    headers: dict[str, str] | None = None,
    secret: str = "testing",
) -> AuthRequest:
    request = AWSRequest(method=method, url=BASE + path, data=body, headers=headers or {})
    signer = S3SigV4Auth if service == "s3" else SigV4Auth
    signer(Credentials("testing", secret), service, "eu-west-1").add_auth(request)
    return _received(request, body)


async def _refusal(request: AuthRequest, service: str, **verifier: datetime) -> SignatureError:
    with pytest.raises(SignatureError) as refused:
        await _verifier(**verifier).verify(request, service)
    return refused.value


async def test_a_request_signed_for_its_service_names_the_key_that_signed_it() -> None:
    request = _signed("dynamodb", headers={"x-amz-target": "DynamoDB_20120810.ListTables"})
    assert signature_scope(request) == ("dynamodb", "eu-west-1")
    assert signature_access_key(request) == "testing"
    assert await _verifier().verify(request, "dynamodb") == KEY


async def test_a_signature_for_another_service_is_refused() -> None:
    # AWS's host decides the service: a scope naming another one does not match it.
    error = await _refusal(_signed("dynamodb"), "states")
    assert error.error_type == "InvalidSignatureException"
    assert error.message == "Credential should be scoped to correct service: 'states'. "


async def test_a_wrong_secret_is_an_invalid_signature() -> None:
    error = await _refusal(_signed("states", secret="not-the-secret"), "states")
    assert error.error_type == "InvalidSignatureException"
    assert error.message.startswith(
        "The request signature we calculated does not match the signature you provided."
    )


async def test_an_unsigned_request_is_missing_its_authentication_token() -> None:
    request = AuthRequest.from_raw_headers("POST", "/", {"host": "127.0.0.1"}, LISTING)
    assert signature_scope(request) is None
    assert signature_access_key(request) is None
    error = await _refusal(request, "dynamodb")
    assert (error.error_type, error.message) == (
        "MissingAuthenticationTokenException",
        "Request is missing Authentication Token",
    )


async def test_an_authorization_of_another_scheme_is_an_incomplete_signature() -> None:
    request = AuthRequest.from_raw_headers(
        "POST", "/", {"host": "127.0.0.1", "authorization": "Bearer abc"}, LISTING
    )
    error = await _refusal(request, "dynamodb")
    assert error.error_type == "IncompleteSignatureException"
    assert error.message.endswith("Authorization=Bearer abc")


async def test_s3_signs_its_path_as_sent_and_the_payload_hash_it_claims() -> None:
    # S3 neither normalises nor encodes the path again (S3 API Reference, SigV4 for S3).
    body = b"hello"
    headers = {"x-amz-content-sha256": hashlib.sha256(body).hexdigest()}
    request = _signed("s3", method="PUT", path="/bucket-one/a%20b/../c", body=body, headers=headers)
    assert await _verifier().verify(request, "s3") == KEY


async def test_s3_accepts_an_unsigned_payload_claim() -> None:
    request = _signed(
        "s3",
        method="PUT",
        path="/b/k",
        body=b"data",
        headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"},
    )
    assert await _verifier().verify(request, "s3") == KEY


async def test_an_s3_body_that_is_not_the_claimed_one_is_refused() -> None:
    claimed = {"x-amz-content-sha256": hashlib.sha256(b"original").hexdigest()}
    request = _signed("s3", method="PUT", path="/b/k", body=b"original", headers=claimed)
    request.body = b"replaced"
    error = await _refusal(request, "s3")
    assert error.error_type == "XAmzContentSHA256Mismatch"


async def test_other_services_never_trust_an_unsigned_payload_claim() -> None:
    request = _signed("sqs", headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    request.body = b'{"QueueName": "other"}'
    error = await _refusal(request, "sqs")
    assert error.error_type == "InvalidSignatureException"


def _presigned(expires: int = 60) -> AuthRequest:
    request = AWSRequest(method="GET", url=f"{BASE}/bucket-one/report.csv")
    S3SigV4QueryAuth(Credentials("testing", "testing"), "s3", "us-east-1", expires).add_auth(
        request
    )
    return _received(request, b"")


async def test_a_presigned_url_is_verified_from_its_query_string() -> None:
    request = _presigned()
    assert signature_scope(request) == ("s3", "us-east-1")
    assert signature_access_key(request) == "testing"
    assert await _verifier().verify(request, "s3") == KEY


async def test_a_presigned_url_past_its_expiry_is_refused() -> None:
    later = datetime.fromtimestamp(SIGNED_AT.timestamp() + 61, UTC)
    error = await _refusal(_presigned(expires=60), "s3", at=later)
    assert (error.error_type, error.message) == ("RequestExpired", "Request has expired")


async def test_a_presigned_url_for_another_object_is_refused() -> None:
    request = _presigned()
    request.path = "/bucket-one/salaries.csv"
    error = await _refusal(request, "s3")
    assert error.error_type == "InvalidSignatureException"


async def test_a_signing_clock_decides_the_request_date_and_the_clock_a_session_key_expiry() -> (
    None
):
    # A server on a clock moved a day ahead still takes requests signed now on the wall clock,
    # while a session key that expired before the server's "now" is refused as expired.
    session = IamCredential(
        "testing",
        "testing",
        "123456789012",
        "arn:aws:iam::123456789012:root",
        session_token="token",
        expiration=int(SIGNED_AT.timestamp()) + 3600,
    )
    a_day_later = ManualClock(SIGNED_AT.timestamp() + 86_400)
    verifier = SigV4Verifier(
        (session,), a_day_later, signing_clock=ManualClock(SIGNED_AT.timestamp())
    )
    request = _signed("states", headers={"x-amz-security-token": "token"})
    with pytest.raises(SignatureError) as refused:
        await verifier.verify(request, "states")
    assert refused.value.error_type == "ExpiredTokenException"
    a_day_later.set(SIGNED_AT.timestamp())
    assert await verifier.verify(request, "states") == session
    # Without a signing clock the one clock decides both: the day-old date is refused.
    stale = await _refusal(_signed("states"), "states", at=SIGNED_AT + timedelta(days=1))
    assert stale.error_type == "InvalidSignatureException"
