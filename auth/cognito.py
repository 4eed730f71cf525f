"""AMAZON_COGNITO_USER_POOLS: ID and access tokens of one user pool.

AppSync `UserPoolConfig` / `CognitoUserPoolConfig`: `userPoolId`, `awsRegion`, `appIdClientRegex`,
`defaultAction` (default provider only). A token verifies when its signature matches the pool's
JWKS, `iss` is `https://cognito-idp.<region>.amazonaws.com/<poolId>`, `token_use` is `id` or
`access`, it has not expired, and its app client (`aud` for ID tokens, `client_id` for access
tokens) matches `appIdClientRegex`. Keys come from `jwks_source` (the server passes the embedded
user pools' own key, made for the installation), `jwks_file`, or `<issuer>/.well-known/jwks.json`.
`moto_jwks_file` names the public half of the key pair that ships inside moto, for a user who
runs moto's own server and chooses to trust it: its private half is public, so nothing trusts it
by default.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from auth.clock import Clock
from auth.errors import AuthConfigError
from auth.identity import AUTH_TYPES, Principal
from auth.modes import AuthMode
from auth.oidc import (
    HttpxJsonFetcher,
    JsonFetcher,
    JwksCache,
    JwksFile,
    JwksSource,
    JwksUrl,
    compile_regex,
    invalid_token,
    verify_jwt,
)


class DefaultAction(StrEnum):
    ALLOW = "ALLOW"
    DENY = "DENY"


@dataclass(frozen=True, slots=True)
class CognitoUserPoolConfig:
    user_pool_id: str
    aws_region: str
    app_id_client_regex: str | None = None
    default_action: DefaultAction = DefaultAction.ALLOW
    jwks_file: str | None = None
    fetcher: JsonFetcher | None = None
    # Where the keys come from when neither a file nor the issuer's URL: the composition root's.
    jwks_source: JwksSource | None = None

    @property
    def mode(self) -> AuthMode:
        return AuthMode.AMAZON_COGNITO_USER_POOLS

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.aws_region}.amazonaws.com/{self.user_pool_id}"


def moto_jwks_file() -> str:
    """The JWKS whose private half moto's cognito-idp signs with unless told otherwise (its
    private half ships in the same folder)."""
    spec = importlib.util.find_spec("moto")
    if spec is None or not spec.submodule_search_locations:
        raise AuthConfigError("moto is not installed: no Cognito JWKS to use")
    resources = Path(next(iter(spec.submodule_search_locations))) / "cognitoidp" / "resources"
    for name in ("jwks-public.json", "jwks-public.json.gz"):
        if (resources / name).is_file():
            return str(resources / name)
    raise AuthConfigError(f"no jwks-public.json under {resources}")


class CognitoProvider:
    def __init__(self, config: CognitoUserPoolConfig, clock: Clock, *, is_default: bool) -> None:
        self.issuer = config.issuer
        self._client_regex = compile_regex(config.app_id_client_regex, "appIdClientRegex")
        self._default_action = config.default_action
        # defaultAction only exists for the API's default provider (UserPoolConfig); an
        # additional pool (CognitoUserPoolConfig) has none.
        self._deny = is_default and config.default_action is DefaultAction.DENY
        source: JwksSource
        if config.jwks_source is not None:
            source = config.jwks_source
        elif config.jwks_file is not None:
            source = JwksFile(Path(config.jwks_file))
        else:
            fetcher = config.fetcher or HttpxJsonFetcher()
            source = JwksUrl(config.issuer + "/.well-known/jwks.json", fetcher)
        self._keys = JwksCache(source, clock)
        self._clock = clock

    async def authenticate(self, token: str, source_ip: str | None) -> Principal:
        claims = await verify_jwt(token, self._keys, self._clock, self.issuer)
        token_use = claims.get("token_use")
        if token_use == "id":
            claim = "aud"
        elif token_use == "access":
            claim = "client_id"
        else:
            raise invalid_token(f"token_use {token_use!r} is neither 'id' nor 'access'")
        client = claims.get(claim)
        if self._client_regex is not None and not (
            isinstance(client, str) and self._client_regex.fullmatch(client)
        ):
            raise invalid_token(
                f"appIdClientRegex {self._client_regex.pattern!r} does not match the {token_use} "
                f"token's {claim} {client!r} (a regular expression matches the whole value)"
            )
        raw_groups = claims.get("cognito:groups")
        groups = (
            [g for g in raw_groups if isinstance(g, str)] if isinstance(raw_groups, list) else None
        )
        return Principal(
            mode=AuthMode.AMAZON_COGNITO_USER_POOLS,
            identity=_identity(claims, claims["iss"], source_ip, groups, self._default_action),
            auth_type=AUTH_TYPES[AuthMode.AMAZON_COGNITO_USER_POOLS],
            cognito_groups=frozenset(groups or ()),
            default_action_deny=self._deny,
        )


def _identity(
    claims: dict[str, Any],
    issuer: str,
    source_ip: str | None,
    groups: list[str] | None,
    default_action: DefaultAction,
) -> dict[str, Any]:
    """`$ctx.identity` under user pools (AppSync resolver context reference)."""
    username = claims.get("cognito:username", claims.get("username"))
    return {
        "sub": claims.get("sub"),
        "issuer": issuer,
        "username": username,
        "claims": claims,
        "sourceIp": [source_ip] if source_ip else [],
        "defaultAuthStrategy": default_action.value,
        "groups": groups,
    }
