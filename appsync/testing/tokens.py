"""Tokens the server trusts, minted for tests: Cognito user pool ID and access tokens, and
OpenID Connect ID tokens, with `iat`, `auth_time` and `exp` from the server's own clock.

A Cognito token of an embedded pool (a `userPoolConfig` without `jwksFile`) is signed with this
installation's key, the key the server verifies those pools' tokens with; a token of any other
pool or OIDC issuer needs the private half of a key in its `jwksFile` (`IssuerKey` makes a pair
and writes the public half as a JWKS file).

The claims are Cognito's (Amazon Cognito Developer Guide, "Understanding the identity (ID)
token" and "Understanding the access token": `sub`, `cognito:groups`, `iss`, `cognito:username`
and `aud` in ID tokens, `client_id`, `scope` and `username` in access tokens, `origin_jti`,
`event_id`, `token_use`, `auth_time`, `iat`, `exp`, `jti` in both; an hour's lifetime by
default, as an app client's default).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

# An app client's default lifetime of ID and access tokens (60 minutes).
DEFAULT_LIFETIME_SECONDS = 3600
_RSA_BITS = 2048
# Fixed, so that a user's `sub` is the same in every run: a test may compare it.
_SUB_NAMESPACE = uuid.UUID("6f1f6b4e-1f0a-4d4c-9a43-5f0c2c1f0a11")


def cognito_issuer(region: str, user_pool_id: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def cognito_sub(username: str) -> str:
    """The `sub` minted tokens give `username`: the same UUID for the same name."""
    return str(uuid.uuid5(_SUB_NAMESPACE, username))


def cognito_token(
    signing_key: Mapping[str, Any],
    *,
    issuer: str,
    username: str,
    now: float,
    client_id: str,
    token_use: Literal["id", "access"] = "id",
    groups: Sequence[str] = (),
    claims: Mapping[str, Any] | None = None,
    lifetime: int = DEFAULT_LIFETIME_SECONDS,
) -> str:
    """A user pool token for `username` issued at `now` (epoch seconds); `claims` are added
    last (a pre token generation trigger's, or to override one)."""
    issued = int(now)
    payload: dict[str, Any] = {"sub": cognito_sub(username)}
    if groups:
        payload["cognito:groups"] = list(groups)
    payload["iss"] = issuer
    if token_use == "id":
        payload.update({"cognito:username": username, "aud": client_id})
    else:
        payload.update({"client_id": client_id, "scope": "aws.cognito.signin.user.admin"})
    payload.update(
        {
            "origin_jti": str(uuid.uuid4()),
            "event_id": str(uuid.uuid4()),
            "token_use": token_use,
            "auth_time": issued,
            "exp": issued + lifetime,
            "iat": issued,
            "jti": str(uuid.uuid4()),
        }
    )
    if token_use == "access":
        payload["username"] = username
    payload.update(claims or {})
    return _signed(payload, signing_key)


def oidc_token(
    signing_key: Mapping[str, Any],
    *,
    issuer: str,
    subject: str,
    now: float,
    audience: str | None = None,
    claims: Mapping[str, Any] | None = None,
    lifetime: int = DEFAULT_LIFETIME_SECONDS,
) -> str:
    """An OpenID Connect ID token for `subject` issued at `now`, signed with `signing_key` (a
    private JWK whose public half is in the provider's `jwksFile`)."""
    issued = int(now)
    payload: dict[str, Any] = {"iss": issuer, "sub": subject}
    if audience is not None:
        payload["aud"] = audience
    payload.update({"iat": issued, "auth_time": issued, "exp": issued + lifetime})
    payload.update(claims or {})
    return _signed(payload, signing_key)


def _signed(payload: Mapping[str, Any], signing_key: Mapping[str, Any]) -> str:
    key = jwt.PyJWK(dict(signing_key))
    headers = {"kid": str(signing_key["kid"])} if "kid" in signing_key else None
    algorithm = str(signing_key.get("alg", "RS256"))
    return jwt.encode(dict(payload), key.key, algorithm=algorithm, headers=headers)


@dataclass(frozen=True, slots=True)
class IssuerKey:
    """An RSA key pair for a test's own issuer: sign with `private_jwk`, and name the file
    `write_jwks` writes as the provider's `jwksFile`."""

    private_jwk: dict[str, Any]

    @classmethod
    def generate(cls, kid: str = "test-key") -> IssuerKey:
        private = rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS)
        jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private))
        jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
        return cls(jwk)

    def jwks(self) -> dict[str, Any]:
        """The public half, as a JWKS document."""
        public = {name: self.private_jwk[name] for name in ("kty", "n", "e", "kid", "alg", "use")}
        return {"keys": [public]}

    def write_jwks(self, path: Path) -> Path:
        path.write_text(json.dumps(self.jwks()), encoding="utf-8")
        return path


def read_private_jwk(source: Mapping[str, Any] | Path | str) -> dict[str, Any]:
    """A private JWK given as itself, or as a JSON file holding it."""
    if isinstance(source, Mapping):
        return dict(source)
    loaded = json.loads(Path(source).read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"{source}: expected a JSON object (a private JWK)")
    return loaded
