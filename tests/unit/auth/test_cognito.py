"""AMAZON_COGNITO_USER_POOLS: ID and access tokens, issuer, token_use, appIdClientRegex, groups.

Token shapes follow Amazon Cognito's "Understanding user pool JSON web tokens": ID tokens carry
`aud` and `cognito:username`, access tokens carry `client_id` and `username`, both carry
`token_use` and, for users in groups, `cognito:groups`.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from auth.clock import ManualClock
from auth.cognito import CognitoUserPoolConfig, DefaultAction, moto_jwks_file
from auth.errors import AuthConfigError, UnauthorizedError
from auth.modes import AuthMode
from auth.oidc import unverified_claims
from auth.request import AuthRequest
from auth.rules import Authorizer
from auth.sigv4 import IamConfig
from tests.fixtures.keys import hs256_with_public_key, jwks, rs256_token, tampered, unsigned_token

REGION = "eu-west-1"
POOL = "eu-west-1_AbCdEfGhI"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL}"
CLIENT = "4l2c9ij2bfs2dd9i6e7o2n1abc"
NOW = 1_800_000_000
VALID_HEADER = "Valid authorization header not provided."


@pytest.fixture(scope="module")
def jwks_path() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "jwks.json"
        path.write_text(json.dumps(jwks(("pool", "pool-kid"))))
        yield str(path)


def _id_claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "cognito:groups": ["admin", "editors"],
        "iss": ISSUER,
        "cognito:username": "alice",
        "aud": CLIENT,
        "token_use": "id",
        "auth_time": NOW - 100,
        "iat": NOW - 100,
        "exp": NOW + 3500,
        "email": "alice@example.com",
    }
    claims.update(changes)
    return claims


def _access_claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "iss": ISSUER,
        "client_id": CLIENT,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": NOW - 100,
        "iat": NOW - 100,
        "exp": NOW + 3500,
        "username": "alice",
    }
    claims.update(changes)
    return claims


def _authorizer(jwks_file: str, **config: Any) -> Authorizer:
    pool = CognitoUserPoolConfig(POOL, REGION, jwks_file=jwks_file, **config)
    return Authorizer(pool, (), ManualClock(NOW))


def _request(token: str) -> AuthRequest:
    return AuthRequest(
        "POST", "/graphql", {"authorization": token}, b"{}", source_ip="198.51.100.4"
    )


async def _refused(authorizer: Authorizer, token: str) -> str:
    with pytest.raises(UnauthorizedError) as caught:
        await authorizer.authenticate(_request(token))
    return caught.value.message


@pytest.mark.anyio
async def test_id_token_gives_user_pool_identity(jwks_path: str) -> None:
    claims = _id_claims()
    token = rs256_token(claims, "pool", "pool-kid")
    principal = await _authorizer(jwks_path).authenticate(_request(token))
    assert principal.mode is AuthMode.AMAZON_COGNITO_USER_POOLS
    assert principal.auth_type == "User Pool Authorization"
    assert principal.cognito_groups == frozenset({"admin", "editors"})
    # $ctx.identity for user pools, per AppSync's resolver context reference.
    assert principal.identity == {
        "sub": claims["sub"],
        "issuer": ISSUER,
        "username": "alice",
        "claims": claims,
        "sourceIp": ["198.51.100.4"],
        "defaultAuthStrategy": "ALLOW",
        "groups": ["admin", "editors"],
    }


@pytest.mark.anyio
async def test_access_token_is_accepted_with_username(jwks_path: str) -> None:
    token = rs256_token(_access_claims(), "pool", "pool-kid")
    principal = await _authorizer(jwks_path).authenticate(_request(token))
    assert principal.identity is not None
    assert principal.identity["username"] == "alice"
    # No cognito:groups claim: AppSync's identity.groups is null.
    assert principal.identity["groups"] is None
    assert principal.cognito_groups == frozenset()


@pytest.mark.anyio
async def test_wrong_token_use_is_refused(jwks_path: str) -> None:
    token = rs256_token(_id_claims(token_use="refresh"), "pool", "pool-kid")
    assert await _refused(_authorizer(jwks_path), token) == VALID_HEADER


@pytest.mark.anyio
async def test_token_of_another_pool_is_refused(jwks_path: str) -> None:
    other = f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_Other"
    token = rs256_token(_id_claims(iss=other), "pool", "pool-kid")
    assert await _refused(_authorizer(jwks_path), token) == VALID_HEADER


@pytest.mark.anyio
async def test_expired_token_is_refused(jwks_path: str) -> None:
    token = rs256_token(_id_claims(exp=NOW - 1), "pool", "pool-kid")
    assert await _refused(_authorizer(jwks_path), token) == "Token has expired."


@pytest.mark.anyio
async def test_token_issued_in_the_future_is_refused(jwks_path: str) -> None:
    token = rs256_token(_id_claims(iat=NOW + 600), "pool", "pool-kid")
    assert await _refused(_authorizer(jwks_path), token) == VALID_HEADER


@pytest.mark.anyio
async def test_app_id_client_regex_checks_aud_and_client_id(jwks_path: str) -> None:
    authorizer = _authorizer(jwks_path, app_id_client_regex="4l2c9ij2.*")
    for claims in (_id_claims(), _access_claims()):
        token = rs256_token(claims, "pool", "pool-kid")
        assert (await authorizer.authenticate(_request(token))).mode is AuthMode(
            "AMAZON_COGNITO_USER_POOLS"
        )
    wrong_id = rs256_token(_id_claims(aud="other-client"), "pool", "pool-kid")
    assert await _refused(authorizer, wrong_id) == VALID_HEADER
    wrong_access = rs256_token(_access_claims(client_id="other-client"), "pool", "pool-kid")
    assert await _refused(authorizer, wrong_access) == VALID_HEADER


@pytest.mark.anyio
async def test_forged_tokens_are_refused(jwks_path: str) -> None:
    authorizer = _authorizer(jwks_path)
    forged = (
        unsigned_token(_id_claims(), "pool-kid"),
        hs256_with_public_key(_id_claims(), "pool", "pool-kid"),
        tampered(rs256_token(_id_claims(), "pool", "pool-kid"), **{"cognito:groups": ["root"]}),
        rs256_token(_id_claims(), "pool", "unknown-kid"),
    )
    for token in forged:
        assert await _refused(authorizer, token) == VALID_HEADER


@pytest.mark.anyio
async def test_default_action_deny_marks_the_principal(jwks_path: str) -> None:
    authorizer = _authorizer(jwks_path, default_action=DefaultAction.DENY)
    principal = await authorizer.authenticate(
        _request(rs256_token(_id_claims(), "pool", "pool-kid"))
    )
    assert principal.default_action_deny
    assert principal.identity is not None
    assert principal.identity["defaultAuthStrategy"] == "DENY"


def test_default_action_deny_with_additional_providers_is_refused(jwks_path: str) -> None:
    # AWS::AppSync::GraphQLApi UserPoolConfig: DefaultAction must be ALLOW when
    # AdditionalAuthenticationProviders are specified.
    pool = CognitoUserPoolConfig(
        POOL, REGION, default_action=DefaultAction.DENY, jwks_file=jwks_path
    )
    with pytest.raises(AuthConfigError):
        Authorizer(pool, (IamConfig(),), ManualClock(NOW))


@pytest.mark.anyio
async def test_tokens_issued_by_moto_cognito_idp_verify() -> None:
    with mock_aws():
        idp = boto3.client("cognito-idp", region_name=REGION)
        pool_id = idp.create_user_pool(PoolName="local")["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")[
            "UserPoolClient"
        ]["ClientId"]
        idp.admin_create_user(UserPoolId=pool_id, Username="bob")
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username="bob", Password="Passw0rd!Passw0rd", Permanent=True
        )
        idp.create_group(UserPoolId=pool_id, GroupName="admin")
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="bob", GroupName="admin")
        result = idp.admin_initiate_auth(
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "bob", "PASSWORD": "Passw0rd!Passw0rd"},
        )["AuthenticationResult"]
    id_token, access_token = result["IdToken"], result["AccessToken"]
    claims = unverified_claims(id_token)
    assert claims is not None
    pool = CognitoUserPoolConfig(
        pool_id, REGION, app_id_client_regex=client_id, jwks_file=moto_jwks_file()
    )
    authorizer = Authorizer(pool, (), ManualClock(claims["iat"] + 1))
    for token in (id_token, access_token):
        principal = await authorizer.authenticate(_request(token))
        assert principal.mode is AuthMode.AMAZON_COGNITO_USER_POOLS
        assert principal.cognito_groups == frozenset({"admin"})
        assert principal.identity is not None
        assert principal.identity["username"] == "bob"


def _logged_reason(caplog: pytest.LogCaptureFixture, token: str) -> str:
    """The one reason logged for a refused token: at INFO (the server's default level), and
    without the token or any part of it."""
    [record] = [r for r in caplog.records if r.getMessage().startswith("token refused")]
    assert record.levelno == logging.INFO
    message = record.getMessage()
    for part in token.split("."):
        assert part not in message
    return message


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        (
            _id_claims(aud="other-client"),
            "token refused: appIdClientRegex '4l2c9ij2.*' does not match the id token's aud "
            "'other-client' (a regular expression matches the whole value)",
        ),
        (
            _access_claims(client_id="other-client"),
            "token refused: appIdClientRegex '4l2c9ij2.*' does not match the access token's "
            "client_id 'other-client' (a regular expression matches the whole value)",
        ),
        (
            _id_claims(token_use="refresh"),
            "token refused: token_use 'refresh' is neither 'id' nor 'access'",
        ),
        (
            _id_claims(exp=NOW - 1),
            f"token refused as expired: exp {NOW - 1} is past, the server's clock reads {NOW}",
        ),
    ],
    ids=["id token aud", "access token client_id", "token_use", "exp"],
)
async def test_why_a_token_was_refused_is_logged_with_the_claim_it_read(
    jwks_path: str, caplog: pytest.LogCaptureFixture, claims: dict[str, Any], reason: str
) -> None:
    caplog.set_level(logging.INFO)
    token = rs256_token(claims, "pool", "pool-kid")
    await _refused(_authorizer(jwks_path, app_id_client_regex="4l2c9ij2.*"), token)
    assert _logged_reason(caplog, token) == reason
