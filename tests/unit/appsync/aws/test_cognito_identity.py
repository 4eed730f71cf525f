"""The `cognito-identity` route in process (moto's pools, our operations around them), for what
the integration suite (tests/integration/test_cognito_identity.py, boto3 through the server)
does not reach: what goes to moto, the roles' round trip with role mappings, refusals of
malformed input, a signed-in identity's OpenID token."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import jwt
import pytest

from appsync.aws.cognito import signing_with
from appsync.aws.cognito_identity import CognitoIdentity
from appsync.aws.identity_logins import Login
from appsync.aws.identity_pools import IdentityPools, identity_pools_created
from appsync.aws.moto_services import MotoServices
from appsync.aws.requests import AwsRequest, ServiceCall, WireProtocol
from appsync.data_directory import DataDirectory
from auth.clock import ManualClock
from definition.cognito_resources import IdentityPoolSpec

pytestmark = pytest.mark.anyio

POOL = "us-east-1:5a0e1f3c-2b4d-4e6f-8a9b-0c1d2e3f4a5b"
PROVIDER = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123xyz"
ROLES = {
    "authenticated": "arn:aws:iam::123456789012:role/auth",
    "unauthenticated": "arn:aws:iam::123456789012:role/guest",
}


class NoKeys:
    """No token verifies: these tests send no logins."""

    async def fetch(self) -> Mapping[str, Any]:
        return {"keys": []}


@pytest.fixture
def pools() -> Iterator[IdentityPools]:
    vended = IdentityPools(ManualClock(1_800_000_000))
    spec = IdentityPoolSpec(POOL, "notes", True, ((PROVIDER, "client-a"),), ROLES)
    with identity_pools_created([spec], vended), signing_with(DataDirectory.ephemeral()):
        yield vended


@pytest.fixture
def route(pools: IdentityPools) -> Iterator[CognitoIdentity]:
    moto = MotoServices()
    try:
        yield CognitoIdentity(pools, moto, NoKeys())
    finally:
        moto.close()


async def _call(route: CognitoIdentity, operation: str, body: Any) -> tuple[int, Any]:
    headers = {
        "host": "127.0.0.1:20002",
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": f"AWSCognitoIdentityService.{operation}",
    }
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    call = ServiceCall(
        "cognito-identity", "cognito-identity", operation, WireProtocol.JSON, "us-east-1", True
    )
    response = await route.handle(AwsRequest("POST", "/", "", headers, raw), call)
    return response.status, json.loads(response.body or b"null")


async def test_the_pools_own_operations_are_motos(route: CognitoIdentity) -> None:
    status, described = await _call(route, "DescribeIdentityPool", {"IdentityPoolId": POOL})
    assert (status, described["IdentityPoolName"]) == (200, "notes")
    assert described["AllowUnauthenticatedIdentities"] is True


async def test_roles_and_role_mappings_round_trip(route: CognitoIdentity) -> None:
    status, roles = await _call(route, "GetIdentityPoolRoles", {"IdentityPoolId": POOL})
    assert (status, roles) == (200, {"IdentityPoolId": POOL, "Roles": ROLES})
    mappings = {PROVIDER: {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}}
    changed = {"authenticated": "arn:aws:iam::123456789012:role/members"}
    status, _ = await _call(
        route,
        "SetIdentityPoolRoles",
        {"IdentityPoolId": POOL, "Roles": changed, "RoleMappings": mappings},
    )
    assert status == 200
    _, roles = await _call(route, "GetIdentityPoolRoles", {"IdentityPoolId": POOL})
    assert roles == {"IdentityPoolId": POOL, "Roles": changed, "RoleMappings": mappings}


@pytest.mark.parametrize(
    ("operation", "body", "error"),
    [
        (
            "SetIdentityPoolRoles",
            {"IdentityPoolId": POOL, "Roles": "x"},
            "InvalidParameterException",
        ),
        ("GetId", {"IdentityPoolId": POOL, "Logins": ["x"]}, "InvalidParameterException"),
        ("GetId", {"IdentityPoolId": 7}, "ResourceNotFoundException"),
        ("DescribeIdentity", {}, "ResourceNotFoundException"),
    ],
)
async def test_malformed_input_gets_cognitos_error_shape(
    route: CognitoIdentity, operation: str, body: dict[str, Any], error: str
) -> None:
    status, answer = await _call(route, operation, body)
    assert (status, answer["__type"]) == (400, error)
    assert isinstance(answer["message"], str)


async def test_a_body_that_is_not_json_goes_to_moto(route: CognitoIdentity) -> None:
    status, _ = await _call(route, "GetId", b"[1, 2]")
    # moto's own answer, whatever it is, not ours: nothing here reads a list as a request.
    assert status != 200


async def test_an_identity_is_described_with_its_logins(
    route: CognitoIdentity, pools: IdentityPools
) -> None:
    identity = pools.identity_for(POOL, [Login(PROVIDER, "sub-ada")])
    status, described = await _call(route, "DescribeIdentity", {"IdentityId": identity.identity_id})
    assert (status, described["Logins"]) == (200, [PROVIDER])
    assert described["CreationDate"] == 1_800_000_000


async def test_a_guests_open_id_token_is_signed_by_the_installation(
    route: CognitoIdentity,
) -> None:
    _, made = await _call(route, "GetId", {"IdentityPoolId": POOL})
    status, token = await _call(route, "GetOpenIdToken", {"IdentityId": made["IdentityId"]})
    assert status == 200
    header = jwt.get_unverified_header(token["Token"])
    claims = jwt.decode(token["Token"], options={"verify_signature": False})
    assert header["alg"] == "RS256"
    assert (claims["aud"], claims["sub"], claims["exp"]) == (
        POOL,
        made["IdentityId"],
        1_800_000_000 + 600,
    )
