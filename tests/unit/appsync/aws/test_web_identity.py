"""STS's AssumeRoleWithWebIdentity for the identity pools' OpenID tokens, in process: what the
integration suite (tests/integration/test_cognito_identity.py, boto3 through the server) does
not reach: a guest's token, other tokens and calls left to moto, and STS's refusals."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest

from appsync.aws.cognito import signed_again, signing_with
from appsync.aws.identity_pools import IdentityPools, identity_pools_created
from appsync.aws.moto_services import MotoServices
from appsync.aws.requests import AwsRequest, ServiceCall, WireProtocol
from appsync.aws.web_identity import WebIdentityFederation
from appsync.data_directory import DataDirectory
from auth.clock import ManualClock
from definition.cognito_resources import IdentityPoolSpec

POOL = "us-east-1:1f2e3d4c-5b6a-4978-8a9b-aabbccddeeff"
ROLE = "arn:aws:iam::123456789012:role/guests"
NOW = 1_800_000_000


class InstallationKeys:
    def __init__(self, directory: DataDirectory) -> None:
        self._directory = directory

    async def fetch(self) -> Mapping[str, Any]:
        return self._directory.cognito_jwks()


@pytest.fixture
def route() -> Iterator[tuple[WebIdentityFederation, IdentityPools]]:
    pools = IdentityPools(ManualClock(NOW))
    directory = DataDirectory.ephemeral()
    moto = MotoServices()
    spec = IdentityPoolSpec(POOL, "guests", True)
    try:
        with identity_pools_created([spec], pools), signing_with(directory):
            yield WebIdentityFederation(pools, moto, InstallationKeys(directory)), pools
    finally:
        moto.close()


def _assume(route: WebIdentityFederation, **fields: str) -> tuple[int, str]:
    body = urlencode({"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", **fields})
    headers = {"host": "127.0.0.1", "content-type": "application/x-www-form-urlencoded"}
    request = AwsRequest("POST", "/", "", headers, body.encode())
    call = ServiceCall(
        "sts", "sts", "AssumeRoleWithWebIdentity", WireProtocol.QUERY, "us-east-1", False
    )
    response = asyncio.run(route.handle(request, call))
    return response.status, response.body.decode()


def _token(identity_id: str, **changes: Any) -> str:
    claims = {
        "iss": "https://cognito-identity.amazonaws.com",
        "sub": identity_id,
        "aud": POOL,
        "amr": ["unauthenticated"],
        "iat": NOW,
        "exp": NOW + 600,
        **changes,
    }
    return signed_again(claims)


def test_a_guests_token_assumes_the_role_for_the_duration_asked(
    route: tuple[WebIdentityFederation, IdentityPools],
) -> None:
    federation, pools = route
    guest = pools.identity_for(POOL, [])
    status, body = _assume(
        federation,
        RoleArn=ROLE,
        RoleSessionName="tab-1",
        WebIdentityToken=_token(guest.identity_id),
        DurationSeconds="900",
    )
    assert status == 200
    assert "<Arn>arn:aws:sts::123456789012:assumed-role/guests/tab-1</Arn>" in body
    assert f"<SubjectFromWebIdentityToken>{guest.identity_id}<" in body
    assert "<Expiration>2027-01-15T08:15:00Z</Expiration>" in body
    key = body.split("<AccessKeyId>")[1].split("<")[0]
    credential = asyncio.run(pools.lookup(key))
    assert credential is not None
    assert credential.cognito_identity_auth_type == "unauthenticated"
    assert credential.expiration == NOW + 900


@pytest.mark.parametrize(
    ("changes", "fields", "code"),
    [
        ({"exp": NOW}, {}, "ExpiredTokenException"),
        ({"aud": "us-east-1:00000000-0000-0000-0000-000000000000"}, {}, "InvalidIdentityToken"),
        ({}, {"DurationSeconds": "60"}, "ValidationError"),
        ({}, {"RoleSessionName": ""}, "ValidationError"),
    ],
)
def test_sts_refuses_what_it_refuses(
    route: tuple[WebIdentityFederation, IdentityPools],
    changes: dict[str, Any],
    fields: dict[str, str],
    code: str,
) -> None:
    federation, pools = route
    token = _token(pools.identity_for(POOL, []).identity_id, **changes)
    asked = {"RoleArn": ROLE, "RoleSessionName": "tab-1", "WebIdentityToken": token, **fields}
    status, body = _assume(federation, **asked)
    assert (status, f"<Code>{code}</Code>" in body) == (400, True)


def test_another_issuers_token_is_left_to_moto(
    route: tuple[WebIdentityFederation, IdentityPools],
) -> None:
    federation, _ = route
    claims = {"iss": "https://accounts.google.com", "sub": "x"}
    other = jwt.encode(claims, "a-secret-of-32-bytes-or-more-000", "HS256")
    status, body = _assume(
        federation, RoleArn=ROLE, RoleSessionName="tab-1", WebIdentityToken=other
    )
    # moto's STS takes any token: its own answer, its own assumed-role user.
    assert status == 200
    assert "assumed-role/guests/tab-1" in body
