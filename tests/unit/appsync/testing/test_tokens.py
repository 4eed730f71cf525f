"""Minted tokens pass the server's own verification (auth.cognito, auth.oidc) with the claims
Cognito and OIDC give them, and last as long as asked on the clock they were minted on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jwt
import pytest

from appsync.testing.tokens import (
    IssuerKey,
    cognito_issuer,
    cognito_sub,
    cognito_token,
    oidc_token,
    read_private_jwk,
)
from auth.clock import ManualClock
from auth.cognito import CognitoProvider, CognitoUserPoolConfig
from auth.errors import UnauthorizedError
from auth.oidc import OidcConfig, OidcProvider

NOW = 1_893_456_000  # 2030-01-01T00:00:00Z
POOL = "us-east-1_kitpool01"
ISSUER = cognito_issuer("us-east-1", POOL)

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def key() -> IssuerKey:
    return IssuerKey.generate("k1")


def _identity(identity: dict[str, Any] | None) -> dict[str, Any]:
    assert identity is not None
    return identity


def _pool(key: IssuerKey, folder: Path, clock: ManualClock) -> CognitoProvider:
    jwks = key.write_jwks(folder / "jwks.json")
    config = CognitoUserPoolConfig(POOL, "us-east-1", jwks_file=str(jwks))
    return CognitoProvider(config, clock, is_default=True)


async def test_an_id_token_verifies_with_cognitos_claims(key: IssuerKey, tmp_path: Path) -> None:
    token = cognito_token(
        key.private_jwk,
        issuer=ISSUER,
        username="alice",
        now=NOW,
        client_id="app",
        groups=["admins"],
        claims={"email": "alice@example.com"},
    )
    principal = await _pool(key, tmp_path, ManualClock(NOW)).authenticate(token, "127.0.0.1")
    identity = _identity(principal.identity)
    claims = identity["claims"]
    assert identity["username"] == "alice"
    assert identity["groups"] == ["admins"]
    assert (claims["sub"], claims["aud"], claims["token_use"]) == (
        cognito_sub("alice"),
        "app",
        "id",
    )
    assert (claims["iat"], claims["auth_time"], claims["exp"]) == (NOW, NOW, NOW + 3600)
    assert claims["email"] == "alice@example.com"
    assert jwt.get_unverified_header(token)["kid"] == "k1"


async def test_an_access_token_names_its_client_and_scope(key: IssuerKey, tmp_path: Path) -> None:
    token = cognito_token(
        key.private_jwk,
        issuer=ISSUER,
        username="bob",
        now=NOW,
        client_id="app",
        token_use="access",
    )
    principal = await _pool(key, tmp_path, ManualClock(NOW)).authenticate(token, None)
    claims = _identity(principal.identity)["claims"]
    assert (claims["client_id"], claims["scope"], claims["username"]) == (
        "app",
        "aws.cognito.signin.user.admin",
        "bob",
    )
    assert "aud" not in claims


async def test_a_token_expires_after_its_lifetime(key: IssuerKey, tmp_path: Path) -> None:
    clock = ManualClock(NOW + 59)
    pool = _pool(key, tmp_path, clock)
    token = cognito_token(
        key.private_jwk, issuer=ISSUER, username="c", now=NOW, client_id="app", lifetime=60
    )
    await pool.authenticate(token, None)
    clock.advance(1)
    with pytest.raises(UnauthorizedError, match="Token has expired"):
        await pool.authenticate(token, None)


async def test_an_oidc_token_verifies_against_the_issuers_jwks_file(
    key: IssuerKey, tmp_path: Path
) -> None:
    jwks = key.write_jwks(tmp_path / "jwks.json")
    config = OidcConfig("https://issuer.example.test", client_id="kit-app", jwks_file=str(jwks))
    provider = OidcProvider(config, ManualClock(NOW))
    token = oidc_token(
        key.private_jwk,
        issuer="https://issuer.example.test",
        subject="u7",
        now=NOW,
        audience="kit-app",
        claims={"name": "U"},
    )
    identity = _identity((await provider.authenticate(token, None)).identity)
    assert identity["sub"] == "u7"
    assert identity["claims"]["name"] == "U"
    # Another audience: the provider's clientId refuses it.
    other = oidc_token(
        key.private_jwk,
        issuer="https://issuer.example.test",
        subject="u7",
        now=NOW,
        audience="other-app",
    )
    with pytest.raises(UnauthorizedError):
        await provider.authenticate(other, None)


def test_the_sub_of_a_username_is_the_same_every_time() -> None:
    assert cognito_sub("alice") == cognito_sub("alice") != cognito_sub("bob")


def test_the_jwks_holds_the_public_half_only(key: IssuerKey) -> None:
    [public] = key.jwks()["keys"]
    assert set(public) == {"kty", "n", "e", "kid", "alg", "use"}
    assert "d" in key.private_jwk


def test_a_private_jwk_is_read_from_itself_or_its_file(key: IssuerKey, tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(key.private_jwk))
    assert read_private_jwk(path) == read_private_jwk(str(path)) == key.private_jwk
    assert read_private_jwk(key.private_jwk) == key.private_jwk
    path.write_text("[]")
    with pytest.raises(ValueError, match="expected a JSON object"):
        read_private_jwk(path)
