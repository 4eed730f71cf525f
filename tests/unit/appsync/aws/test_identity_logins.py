"""Logins verified as Amazon Cognito verifies them, each refusal with Cognito's own text (the
module names the threads that recorded them). Tokens are signed by the fixture keys; the whole
flow through the endpoint with the embedded user pools' tokens: tests/integration/
test_cognito_identity.py."""

from __future__ import annotations

from typing import Any

import pytest

from appsync.aws.identity_logins import IdentityPoolError, Login, verified_logins
from tests.fixtures import keys

PROVIDER = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123xyz"
PROVIDERS = (("cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123xyz", "client-a"),)
NOW = 1_800_000_000
JWKS = keys.jwks(("pool", "kid-1"))


def _claims(**changes: Any) -> dict[str, Any]:
    claims = {
        "sub": "0b1c2d3e-aaaa-bbbb-cccc-000000000001",
        "iss": f"https://{PROVIDER}",
        "aud": "client-a",
        "token_use": "id",
        "exp": NOW + 3600,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _verify(token: str, provider: str = PROVIDER) -> tuple[Login, ...]:
    return verified_logins({provider: token}, PROVIDERS, JWKS, NOW)


def test_an_id_token_of_a_listed_client_is_the_users_login() -> None:
    [login] = _verify(keys.rs256_token(_claims(), "pool", "kid-1"))
    assert login == Login(PROVIDER, "0b1c2d3e-aaaa-bbbb-cccc-000000000001", "client-a")
    # The token's claims are kept for the pool's role mappings.
    assert login.claims["token_use"] == "id"
    assert login.auth_provider == (
        f"{PROVIDER},{PROVIDER}:CognitoSignIn:0b1c2d3e-aaaa-bbbb-cccc-000000000001"
    )


def test_no_logins_are_no_logins() -> None:
    assert verified_logins({}, PROVIDERS, JWKS, NOW) == ()


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("eyJnot.a.token", "Invalid login token. Not a valid OpenId Connect identity token."),
        (
            keys.rs256_token(_claims(), "elsewhere", "kid-1"),
            "Invalid login token. Couldn't verify signed token.",
        ),
        (
            keys.rs256_token(_claims(), "pool", "kid-unknown"),
            "Invalid login token. Couldn't verify signed token.",
        ),
        (
            keys.tampered(keys.rs256_token(_claims(), "pool", "kid-1"), sub="someone-else"),
            "Invalid login token. Couldn't verify signed token.",
        ),
        (
            keys.hs256_with_public_key(_claims(), "pool", "kid-1"),
            "Invalid login token. Couldn't verify signed token.",
        ),
        (
            keys.rs256_token(
                _claims(iss="https://cognito-idp.eu-west-1.amazonaws.com/x"), "pool", "kid-1"
            ),
            "Invalid login token. Issuer doesn't match providerName",
        ),
        (
            keys.rs256_token(_claims(aud=None, token_use="access"), "pool", "kid-1"),
            "Invalid login token. Missing a required claim: aud",
        ),
        (
            keys.rs256_token(_claims(aud="client-b"), "pool", "kid-1"),
            "Token is not from a supported provider of this identity pool.",
        ),
        (
            keys.rs256_token(_claims(exp=NOW - 5), "pool", "kid-1"),
            f"Invalid login token. Token expired: {NOW} >= {NOW - 5}",
        ),
    ],
)
def test_a_bad_token_is_refused_with_cognitos_text(token: str, message: str) -> None:
    with pytest.raises(IdentityPoolError) as refused:
        _verify(token)
    assert (refused.value.code, refused.value.message) == ("NotAuthorizedException", message)


@pytest.mark.parametrize(
    "provider",
    [
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_Other0000",
        # A provider the pool may list but that is not a user pool: not verified locally.
        "accounts.google.com",
    ],
)
def test_a_provider_the_pool_does_not_take_is_refused(provider: str) -> None:
    token = keys.rs256_token(_claims(), "pool", "kid-1")
    providers = (*PROVIDERS, ("accounts.google.com", "client-a"))
    with pytest.raises(IdentityPoolError) as refused:
        verified_logins({provider: token}, providers, JWKS, NOW)
    assert refused.value.message == "Token is not from a supported provider of this identity pool."
