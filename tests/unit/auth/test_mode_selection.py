"""Which configured mode a request is authenticated by, and that a failing credential is final.

Sources: aws-appsync-community#169 and amplify-js#8545 (with `x-api-key` and a token both sent,
AppSync used the API key); amplify-js#8892 (a "Bearer " token beside other modes: "Valid
authorization header not provided."); amplify-js#4270 ("Missing authorization header").
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auth.api_key import ApiKey, ApiKeyConfig
from auth.clock import ManualClock
from auth.cognito import CognitoUserPoolConfig
from auth.errors import UnauthorizedError
from auth.lambda_authorizer import LambdaAuthorizerConfig
from auth.modes import AuthMode
from auth.request import AuthRequest
from auth.rules import Authorizer
from auth.sigv4 import IamConfig
from tests.fixtures.keys import jwks, rs256_token

NOW = 1_800_000_000
POOL = "us-east-1_Sel3ction"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
KEYS = ApiKeyConfig((ApiKey("da2-live", None, NOW + 86_400), ApiKey("da2-old", None, NOW - 1)))


def lambda_allows_opaque(event: dict[str, Any]) -> dict[str, Any]:
    return {"isAuthorized": event["authorizationToken"] == "opaque-token"}


@pytest.fixture(scope="module")
def pool() -> Iterator[CognitoUserPoolConfig]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "jwks.json"
        path.write_text(json.dumps(jwks(("selection-pool", "kid-1"))))
        yield CognitoUserPoolConfig(POOL, "us-east-1", jwks_file=str(path))


def _user_token() -> str:
    claims = {
        "iss": ISSUER,
        "sub": "s-1",
        "aud": "client",
        "token_use": "id",
        "iat": NOW - 10,
        "exp": NOW + 600,
        "cognito:username": "carol",
    }
    return rs256_token(claims, "selection-pool", "kid-1")


def _request(**headers: str) -> AuthRequest:
    return AuthRequest.from_raw_headers("POST", "/graphql", headers, b"{}")


async def _mode(authorizer: Authorizer, **headers: str) -> AuthMode:
    return (await authorizer.authenticate(_request(**headers))).mode


async def _refusal(authorizer: Authorizer, **headers: str) -> str:
    with pytest.raises(UnauthorizedError) as caught:
        await authorizer.authenticate(_request(**headers))
    return caught.value.message


@pytest.mark.anyio
async def test_api_key_wins_over_a_token(pool: CognitoUserPoolConfig) -> None:
    authorizer = Authorizer(KEYS, (pool,), ManualClock(NOW))
    headers = {"x-api-key": "da2-live", "authorization": _user_token()}
    assert await _mode(authorizer, **headers) is AuthMode.API_KEY
    assert (
        await _mode(authorizer, authorization=_user_token()) is AuthMode.AMAZON_COGNITO_USER_POOLS
    )


@pytest.mark.anyio
async def test_failing_api_key_does_not_fall_back_to_a_valid_token(
    pool: CognitoUserPoolConfig,
) -> None:
    authorizer = Authorizer(KEYS, (pool,), ManualClock(NOW))
    message = await _refusal(authorizer, **{"x-api-key": "da2-old", "authorization": _user_token()})
    assert message == "You are not authorized to make this call."


@pytest.mark.anyio
async def test_jwt_of_a_pool_goes_to_the_pool_other_tokens_to_lambda(
    pool: CognitoUserPoolConfig,
) -> None:
    authorizer = Authorizer(
        pool,
        (LambdaAuthorizerConfig(handler=f"{__name__}:lambda_allows_opaque"),),
        ManualClock(NOW),
    )
    assert (
        await _mode(authorizer, authorization=_user_token()) is AuthMode.AMAZON_COGNITO_USER_POOLS
    )
    assert await _mode(authorizer, authorization="opaque-token") is AuthMode.AWS_LAMBDA
    assert await _refusal(authorizer, authorization="other") == (
        "You are not authorized to make this call."
    )


@pytest.mark.anyio
async def test_bearer_token_beside_other_modes_is_not_a_valid_header(
    pool: CognitoUserPoolConfig,
) -> None:
    authorizer = Authorizer(IamConfig(), (pool,), ManualClock(NOW))
    message = await _refusal(authorizer, authorization="Bearer " + _user_token())
    assert message == "Valid authorization header not provided."


@pytest.mark.anyio
async def test_no_credentials_at_all_is_missing_authorization_header(
    pool: CognitoUserPoolConfig,
) -> None:
    authorizer = Authorizer(pool, (KEYS, IamConfig()), ManualClock(NOW))
    assert await _refusal(authorizer) == "Missing authorization header"


@pytest.mark.anyio
async def test_api_key_on_an_api_without_api_key_mode_is_not_valid(
    pool: CognitoUserPoolConfig,
) -> None:
    authorizer = Authorizer(pool, (), ManualClock(NOW))
    message = await _refusal(authorizer, **{"x-api-key": "da2-live"})
    assert message == "Valid authorization header not provided."
