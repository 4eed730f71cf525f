"""AWS_IAM: requests signed by botocore's own SigV4Auth, and what AWS refuses."""

from __future__ import annotations

import urllib.parse
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import boto3
import botocore.auth
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto import mock_aws

from auth.api_key import ApiKey, ApiKeyConfig
from auth.clock import ManualClock
from auth.errors import UnauthorizedError
from auth.modes import AuthMode
from auth.request import AuthRequest
from auth.rules import Authorizer
from auth.sigv4 import IamConfig, IamCredential, MotoCredentialSource
from tests.fixtures.keys import access_key_id, secret_access_key, session_token

SIGNED_AT = datetime(2026, 11, 21, 20, 0, 0, tzinfo=UTC)
URL = "http://127.0.0.1:20100/graphql"
BODY = b'{"query":"query { listPosts { id } }","variables":{}}'
ACCOUNT = "123456789012"


@pytest.fixture(autouse=True)
def _fixed_signing_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore stamps x-amz-date from its own clock; pin it so the verifier's clock can match.
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: SIGNED_AT)


def _credential(**extra: object) -> IamCredential:
    return IamCredential(
        access_key_id=access_key_id(),
        secret_access_key=secret_access_key(),
        account_id=ACCOUNT,
        user_arn=f"arn:aws:iam::{ACCOUNT}:user/alice",
        **extra,  # type: ignore[arg-type]
    )


def _signed(
    credential: IamCredential,
    *,
    secret: str | None = None,
    body: bytes = BODY,
    url: str = URL,
    region: str = "us-east-1",
    headers: dict[str, str] | None = None,
) -> AuthRequest:
    """Sign with botocore exactly as boto3 and gql's AppSyncIAMAuthentication do."""
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers=headers or {"content-type": "application/json", "accept": "application/json"},
    )
    creds = Credentials(
        credential.access_key_id,
        secret or credential.secret_access_key,
        credential.session_token,
    )
    SigV4Auth(creds, "appsync", region).add_auth(request)
    parts = urllib.parse.urlsplit(url)
    return AuthRequest.from_raw_headers(
        "POST",
        parts.path,
        _sent_headers(request),
        body,
        parts.query,
        source_ip="203.0.113.7",
    )


def _sent_headers(request: AWSRequest) -> dict[str, str]:
    # botocore signs `host` from the URL; the HTTP client adds the header itself when sending.
    host = urllib.parse.urlsplit(str(request.url)).netloc
    return {"host": host, **{name: str(value) for name, value in request.headers.items()}}


def _authorizer(*credentials: IamCredential, at: datetime = SIGNED_AT) -> Authorizer:
    return Authorizer(IamConfig(credentials=credentials), (), ManualClock(at.timestamp()))


@pytest.mark.anyio
async def test_botocore_signed_request_is_accepted_with_iam_identity() -> None:
    credential = _credential()
    principal = await _authorizer(credential).authenticate(_signed(credential))
    assert principal.mode is AuthMode.AWS_IAM
    assert principal.auth_type == "IAM Authorization"
    # $ctx.identity for AWS_IAM: the eight keys AppSync documents, nulls for Cognito identity.
    assert principal.identity == {
        "accountId": ACCOUNT,
        "cognitoIdentityPoolId": None,
        "cognitoIdentityId": None,
        "sourceIp": ["203.0.113.7"],
        "username": "alice",
        "userArn": f"arn:aws:iam::{ACCOUNT}:user/alice",
        "cognitoIdentityAuthType": None,
        "cognitoIdentityAuthProvider": None,
    }


@pytest.mark.anyio
async def test_cognito_identity_pool_credentials_fill_identity_fields() -> None:
    credential = _credential(
        session_token=session_token(),
        expiration=int(SIGNED_AT.timestamp()) + 3600,
        username="AROAEXAMPLE:CognitoIdentityCredentials",
        cognito_identity_pool_id="us-east-1:0a1b2c3d-0000-1111-2222-333344445555",
        cognito_identity_id="us-east-1:9f8e7d6c-0000-1111-2222-333344445555",
        cognito_identity_auth_type="authenticated",
        cognito_identity_auth_provider='"cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab"',
    )
    principal = await _authorizer(credential).authenticate(_signed(credential))
    assert principal.identity is not None
    assert principal.identity["cognitoIdentityAuthType"] == "authenticated"
    assert principal.identity["username"] == "AROAEXAMPLE:CognitoIdentityCredentials"
    assert principal.identity["cognitoIdentityPoolId"] == credential.cognito_identity_pool_id


@pytest.mark.anyio
async def test_wrong_secret_is_invalid_signature() -> None:
    credential = _credential()
    request = _signed(credential, secret=secret_access_key())
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(credential).authenticate(request)
    assert caught.value.status_code == 403
    assert caught.value.error_type == "InvalidSignatureException"
    assert caught.value.message.startswith(
        "The request signature we calculated does not match the signature you provided."
    )


@pytest.mark.anyio
async def test_tampered_body_is_invalid_signature() -> None:
    credential = _credential()
    request = replace(_signed(credential), body=BODY.replace(b"listPosts", b"deleteAll"))
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(credential).authenticate(request)
    assert caught.value.error_type == "InvalidSignatureException"


@pytest.mark.anyio
async def test_unsigned_payload_claim_is_not_trusted() -> None:
    credential = _credential()
    headers = {"content-type": "application/json", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
    request = AWSRequest(method="POST", url=URL, data=BODY, headers=headers)
    signer = SigV4Auth(
        Credentials(credential.access_key_id, credential.secret_access_key), "appsync", "us-east-1"
    )
    signer.add_auth(request)
    # botocore signed the canonical request with "UNSIGNED-PAYLOAD" as the payload hash.
    assert "UNSIGNED-PAYLOAD" in signer.canonical_request(request)
    auth_request = AuthRequest.from_raw_headers(
        "POST", "/graphql", _sent_headers(request), b'{"query":"x"}'
    )
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(credential).authenticate(auth_request)
    assert caught.value.error_type == "InvalidSignatureException"


@pytest.mark.anyio
async def test_replay_after_skew_window_is_signature_expired() -> None:
    credential = _credential()
    later = datetime.fromtimestamp(SIGNED_AT.timestamp() + 301, UTC)
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(credential, at=later).authenticate(_signed(credential))
    assert caught.value.error_type == "InvalidSignatureException"
    assert caught.value.message == (
        "Signature expired: 20261121T200000Z is now earlier than 20261121T200001Z "
        "(20261121T200501Z - 5 min.)"
    )


@pytest.mark.anyio
async def test_request_within_skew_window_is_accepted() -> None:
    credential = _credential()
    later = datetime.fromtimestamp(SIGNED_AT.timestamp() + 299, UTC)
    principal = await _authorizer(credential, at=later).authenticate(_signed(credential))
    assert principal.mode is AuthMode.AWS_IAM


@pytest.mark.anyio
async def test_request_from_the_future_is_not_yet_current() -> None:
    credential = _credential()
    earlier = datetime.fromtimestamp(SIGNED_AT.timestamp() - 301, UTC)
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(credential, at=earlier).authenticate(_signed(credential))
    assert caught.value.message.startswith("Signature not yet current: 20261121T200000Z")


@pytest.mark.anyio
async def test_a_signing_clock_takes_requests_signed_now_on_a_server_a_day_ahead() -> None:
    # `serve --clock manual`: the API's clock moved a day on; clients still sign with the wall
    # clock, so the request's date is checked against it.
    credential = _credential()
    a_day_later = ManualClock(SIGNED_AT.timestamp() + 86_400)
    authorizer = Authorizer(
        IamConfig(credentials=(credential,)),
        (),
        a_day_later,
        signing_clock=ManualClock(SIGNED_AT.timestamp()),
    )
    principal = await authorizer.authenticate(_signed(credential))
    assert principal.mode is AuthMode.AWS_IAM


@pytest.mark.anyio
async def test_missing_signed_header_is_incomplete_signature() -> None:
    credential = _credential()
    signed = _signed(credential)
    headers = {k: v for k, v in signed.headers.items() if k != "accept"}
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(credential).authenticate(replace(signed, headers=headers))
    # The text AppSync returned in aws-mobile-appsync-sdk-js#702.
    assert caught.value.error_type == "IncompleteSignatureException"
    assert caught.value.message == (
        "'accept' is named as a SignedHeader, but it does not exist in the HTTP request."
    )


@pytest.mark.anyio
async def test_missing_date_is_incomplete_signature() -> None:
    credential = _credential()
    signed = _signed(credential)
    headers = {k: v for k, v in signed.headers.items() if k != "x-amz-date"}
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(credential).authenticate(replace(signed, headers=headers))
    assert caught.value.error_type == "IncompleteSignatureException"
    assert "'X-Amz-Date' or a 'Date' header" in caught.value.message


@pytest.mark.anyio
async def test_host_must_be_signed() -> None:
    credential = _credential()
    signed = _signed(credential)
    headers = dict(signed.headers)
    headers["authorization"] = headers["authorization"].replace(";host;", ";")
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(credential).authenticate(replace(signed, headers=headers))
    assert "'Host' or ':authority' must be a 'SignedHeader'" in caught.value.message


@pytest.mark.anyio
async def test_changed_host_breaks_the_signature() -> None:
    credential = _credential()
    signed = _signed(credential)
    headers = {**signed.headers, "host": "evil.example:20100"}
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(credential).authenticate(replace(signed, headers=headers))
    assert caught.value.error_type == "InvalidSignatureException"


@pytest.mark.anyio
async def test_unknown_access_key_is_unrecognized_client() -> None:
    credential = _credential()
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(_credential()).authenticate(_signed(credential))
    assert caught.value.error_type == "UnrecognizedClientException"
    assert caught.value.message == "The security token included in the request is invalid."


@pytest.mark.anyio
async def test_other_service_scope_is_refused() -> None:
    credential = _credential()
    request = AWSRequest(method="POST", url=URL, data=BODY, headers={})
    creds = Credentials(credential.access_key_id, credential.secret_access_key)
    SigV4Auth(creds, "execute-api", "us-east-1").add_auth(request)
    auth_request = AuthRequest.from_raw_headers("POST", "/graphql", _sent_headers(request), BODY)
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(credential).authenticate(auth_request)
    assert caught.value.message == "Credential should be scoped to correct service: 'appsync'. "


@pytest.mark.anyio
async def test_configured_region_is_enforced() -> None:
    credential = _credential()
    authorizer = Authorizer(
        IamConfig(credentials=(credential,), region="eu-west-1"),
        (),
        ManualClock(SIGNED_AT.timestamp()),
    )
    with pytest.raises(UnauthorizedError):
        await authorizer.authenticate(_signed(credential, region="us-east-1"))
    principal = await authorizer.authenticate(_signed(credential, region="eu-west-1"))
    assert principal.mode is AuthMode.AWS_IAM


@pytest.mark.anyio
async def test_session_token_must_match() -> None:
    credential = _credential(session_token=session_token())
    signed = _signed(credential)
    assert (await _authorizer(credential).authenticate(signed)).mode is AuthMode.AWS_IAM
    headers = {**signed.headers, "x-amz-security-token": session_token()}
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(credential).authenticate(replace(signed, headers=headers))
    assert caught.value.error_type == "UnrecognizedClientException"


@pytest.mark.anyio
async def test_expired_session_credentials_are_expired_token() -> None:
    expires = int(SIGNED_AT.timestamp()) - 1
    credential = _credential(session_token=session_token(), expiration=expires)
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(credential).authenticate(_signed(credential))
    assert caught.value.error_type == "ExpiredTokenException"


@pytest.mark.anyio
async def test_query_string_is_part_of_the_signature() -> None:
    credential = _credential()
    url = URL + "?query=" + urllib.parse.quote("{ listPosts { id } }")
    signed = _signed(credential, url=url, body=b"")
    assert (await _authorizer(credential).authenticate(signed)).mode is AuthMode.AWS_IAM
    with pytest.raises(UnauthorizedError):
        await _authorizer(credential).authenticate(replace(signed, query_string="query=%7Bx%7D"))


@pytest.mark.anyio
async def test_sigv4_wins_over_api_key_header() -> None:
    credential = _credential()
    authorizer = Authorizer(
        ApiKeyConfig((ApiKey("da2-key", None, 2_000_000_000),)),
        (IamConfig(credentials=(credential,)),),
        ManualClock(SIGNED_AT.timestamp()),
    )
    signed = _signed(credential)
    both = replace(signed, headers={**signed.headers, "x-api-key": "da2-key"})
    assert (await authorizer.authenticate(both)).mode is AuthMode.AWS_IAM
    # No fall-back: a failing signature is final even with a valid key beside it.
    broken = replace(both, body=b"{}")
    with pytest.raises(UnauthorizedError):
        await authorizer.authenticate(broken)


def _amplify_realtime_headers(credential: IamCredential, url: str, body: bytes) -> dict[str, str]:
    """The header JSON Amplify v6 sends: botocore-signed with Amplify's header set."""
    headers = {
        "accept": "application/json, text/javascript",
        "content-encoding": "amz-1.0",
        "content-type": "application/json; charset=UTF-8",
    }
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    creds = Credentials(credential.access_key_id, credential.secret_access_key)
    SigV4Auth(creds, "appsync", "us-east-1").add_auth(request)
    return _sent_headers(request)


@pytest.mark.anyio
async def test_realtime_handshake_is_verified_as_post_to_connect() -> None:
    credential = _credential()
    header_json = _amplify_realtime_headers(credential, URL + "/connect", b"{}")
    request = AuthRequest.realtime_connect(header_json)
    assert (await _authorizer(credential).authenticate(request)).mode is AuthMode.AWS_IAM
    # The same headers do not pass for another path (a replay against /graphql).
    with pytest.raises(UnauthorizedError):
        await _authorizer(credential).authenticate(replace(request, path="/graphql"))


@pytest.mark.anyio
async def test_realtime_start_is_verified_against_the_data_string() -> None:
    credential = _credential()
    data = '{"query":"subscription { onCreatePost { id } }","variables":{}}'
    authorization = _amplify_realtime_headers(credential, URL, data.encode())
    request = AuthRequest.realtime_start(authorization, data)
    assert (await _authorizer(credential).authenticate(request)).mode is AuthMode.AWS_IAM
    other = AuthRequest.realtime_start(authorization, data.replace("onCreatePost", "onDelete"))
    with pytest.raises(UnauthorizedError):
        await _authorizer(credential).authenticate(other)


@pytest.mark.anyio
async def test_keys_of_moto_iam_users_and_sts_roles_are_accepted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        iam.create_user(UserName="dave")
        user_id = iam.get_user(UserName="dave")["User"]["UserId"]
        key = iam.create_access_key(UserName="dave")["AccessKey"]
        role_arn = iam.create_role(RoleName="reader", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        sts = boto3.client("sts", region_name="us-east-1")
        assumed = sts.assume_role(RoleArn=role_arn, RoleSessionName="session-1")["Credentials"]
        user = IamCredential(key["AccessKeyId"], key["SecretAccessKey"], "", "")
        role = IamCredential(
            assumed["AccessKeyId"],
            assumed["SecretAccessKey"],
            "",
            "",
            session_token=assumed["SessionToken"],
        )
        # Sign within the temporary credentials' lifetime, which moto counts from the wall clock.
        signed_at = assumed["Expiration"] - timedelta(minutes=10)
        monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: signed_at)
        authorizer = Authorizer(
            IamConfig(sources=(MotoCredentialSource(),)), (), ManualClock(signed_at.timestamp())
        )
        user_principal = await authorizer.authenticate(_signed(user))
        role_principal = await authorizer.authenticate(_signed(role))
        with pytest.raises(UnauthorizedError) as caught:
            await authorizer.authenticate(_signed(_credential()))
    assert user_principal.identity is not None
    assert user_principal.identity["userArn"] == "arn:aws:iam::123456789012:user/dave"
    assert user_principal.identity["username"] == user_id
    assert role_principal.identity is not None
    assert role_principal.identity["userArn"] == (
        "arn:aws:sts::123456789012:assumed-role/reader/session-1"
    )
    assert caught.value.error_type == "UnrecognizedClientException"
