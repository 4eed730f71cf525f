"""OPENID_CONNECT, and the JWT verification Cognito user pools share with it.

Verification (AppSync `OpenIDConnectConfig`: `issuer`, `clientId`, `iatTTL`, `authTTL`):
the token's signature against the issuer's JWKS (from `<issuer>/.well-known/openid-configuration`
or a configured file), asymmetric algorithms only (never `none`, never an HS* MAC keyed with a
public key), `exp`/`nbf`/`iat` against the injected clock, `clientId` as a regular expression
against `aud` or `client_id`, and the two TTLs in milliseconds (0 means unchecked). An unknown
`kid` refetches the JWKS once, at most once per `JWKS_REFETCH_SECONDS`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import gzip
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from auth.clock import Clock
from auth.errors import (
    TOKEN_HAS_EXPIRED,
    VALID_AUTHORIZATION_HEADER_NOT_PROVIDED,
    AuthConfigError,
    JwksUnavailableError,
    UnauthorizedError,
)
from auth.identity import AUTH_TYPES, Principal
from auth.modes import AuthMode

# PyJWT (and the cryptography it loads keys with) is imported when a token or a key set is
# first read: an API without OIDC or Cognito authorization never needs it, and importing it
# cost `serve` a twentieth of its start (issue 19).
if TYPE_CHECKING:
    from jwt.api_jws import PyJWS

logger = logging.getLogger(__name__)

# Asymmetric only: a JWKS publishes public keys, and an HS* "signature" made with one is forgeable.
ALLOWED_ALGORITHMS: Mapping[str, str] = {
    "RS256": "RSA",
    "RS384": "RSA",
    "RS512": "RSA",
    "PS256": "RSA",
    "PS384": "RSA",
    "PS512": "RSA",
    "ES256": "EC",
    "ES384": "EC",
    "ES512": "EC",
    "EdDSA": "OKP",
}
JWKS_REFETCH_SECONDS = 60.0


class JsonFetcher(Protocol):
    """GET a URL and return its JSON body (the seam for discovery and JWKS fetches)."""

    async def get_json(self, url: str) -> Any: ...


class HttpxJsonFetcher:
    def __init__(self, timeout_seconds: float = 5.0) -> None:
        self._timeout = timeout_seconds

    async def get_json(self, url: str) -> Any:
        # Imported here: importing httpx imports its command line too (rich, pygments, click),
        # a tenth of `serve`'s start, for APIs that never fetch a key set (issue 19).
        import httpx

        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(url)
                response.raise_for_status()
                return response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise JwksUnavailableError(f"GET {url}: {error}") from error


class JwksSource(Protocol):
    async def fetch(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class JwksFile:
    """A JWKS document on disk (gzip when the name ends in .gz, as moto ships its own)."""

    path: Path

    async def fetch(self) -> Mapping[str, Any]:
        return await asyncio.to_thread(self._read)

    def _read(self) -> Mapping[str, Any]:
        try:
            raw = self.path.read_bytes()
            if self.path.suffix == ".gz":
                raw = gzip.decompress(raw)
            document: Mapping[str, Any] = json.loads(raw)
        except (OSError, ValueError) as error:
            raise JwksUnavailableError(f"{self.path}: {error}") from error
        return document


@dataclass(frozen=True, slots=True)
class JwksUrl:
    url: str
    fetcher: JsonFetcher

    async def fetch(self) -> Mapping[str, Any]:
        document = await self.fetcher.get_json(self.url)
        if not isinstance(document, Mapping):
            raise JwksUnavailableError(f"{self.url}: not a JWKS document")
        return document


@dataclass(frozen=True, slots=True)
class OidcDiscovery:
    """`<issuer>/.well-known/openid-configuration` -> `jwks_uri` -> the JWKS."""

    issuer: str
    fetcher: JsonFetcher

    async def fetch(self) -> Mapping[str, Any]:
        url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        discovery = await self.fetcher.get_json(url)
        jwks_uri = discovery.get("jwks_uri") if isinstance(discovery, Mapping) else None
        if not isinstance(jwks_uri, str):
            raise JwksUnavailableError(f"{url}: no jwks_uri")
        return await JwksUrl(jwks_uri, self.fetcher).fetch()


@dataclass(frozen=True, slots=True)
class _Key:
    kid: str | None
    kty: str
    alg: str | None
    key: Any


class JwksCache:
    """Public keys by `kid`; an unknown `kid` triggers one rate-limited refetch (key rotation)."""

    def __init__(self, source: JwksSource, clock: Clock) -> None:
        self._source = source
        self._clock = clock
        self._keys: tuple[_Key, ...] | None = None
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def find(self, kid: str | None) -> _Key | None:
        if self._keys is None:
            await self._refresh(force=True)
        found = self._find(kid)
        if found is None and self._clock.time() - self._fetched_at >= JWKS_REFETCH_SECONDS:
            await self._refresh(force=False)
            found = self._find(kid)
        return found

    def _find(self, kid: str | None) -> _Key | None:
        keys = self._keys or ()
        if kid is None:
            return keys[0] if len(keys) == 1 else None
        return next((key for key in keys if key.kid == kid), None)

    async def _refresh(self, *, force: bool) -> None:
        async with self._lock:
            if not force and self._clock.time() - self._fetched_at < JWKS_REFETCH_SECONDS:
                return
            self._fetched_at = self._clock.time()
            document = await self._source.fetch()
            self._keys = tuple(_parse_jwks(document))
            logger.debug("JWKS loaded: %s keys", len(self._keys))


def _parse_jwks(document: Mapping[str, Any]) -> list[_Key]:
    import jwt

    keys = []
    for entry in document.get("keys", ()):
        if not isinstance(entry, Mapping) or entry.get("kty") not in {"RSA", "EC", "OKP"}:
            continue  # symmetric ("oct") or malformed entries are never trusted
        try:
            parsed = jwt.PyJWK(dict(entry))
        except jwt.PyJWTError as error:
            logger.warning("skipping unusable JWK %s: %s", entry.get("kid"), error)
            continue
        keys.append(_Key(entry.get("kid"), str(entry["kty"]), entry.get("alg"), parsed.key))
    return keys


def unverified_claims(token: str) -> dict[str, Any] | None:
    """The payload of something shaped like a JWS, or None when it is not one."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(claims, dict) or not isinstance(header, dict):
        return None
    return claims


@cache
def _jws() -> PyJWS:
    from jwt.api_jws import PyJWS

    return PyJWS()


async def verify_jwt(token: str, keys: JwksCache, clock: Clock, issuer: str) -> dict[str, Any]:
    """Signature, time and issuer checks shared by OIDC and Cognito; returns the verified claims."""
    import jwt

    try:
        header = _jws().get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise invalid_token(f"bad header: {error}") from error
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in ALLOWED_ALGORITHMS:
        raise invalid_token(f"algorithm {alg!r} not allowed")
    kid = header.get("kid")
    try:
        key = await keys.find(kid if isinstance(kid, str) else None)
    except JwksUnavailableError as error:
        logger.warning("JWKS unavailable: %s", error)
        raise invalid_token("JWKS unavailable") from error
    if key is None:
        raise invalid_token(f"unknown kid {kid!r}")
    if ALLOWED_ALGORITHMS[alg] != key.kty or (key.alg is not None and key.alg != alg):
        raise invalid_token(f"algorithm {alg} does not fit key {kid!r}")
    try:
        decoded = _jws().decode_complete(token, key.key, algorithms=[alg])
        claims = json.loads(decoded["payload"])
    except (jwt.PyJWTError, ValueError) as error:
        raise invalid_token(f"signature: {error}") from error
    if not isinstance(claims, dict):
        raise invalid_token("payload is not an object")
    _check_times(claims, clock.time())
    iss = claims.get("iss")
    if not isinstance(iss, str) or not same_issuer(iss, issuer):
        raise invalid_token(f"issuer {iss!r}")
    return claims


def _check_times(claims: Mapping[str, Any], now: float) -> None:
    exp = claims.get("exp")
    if not isinstance(exp, int | float):
        raise invalid_token("no exp")
    if now >= exp:
        raise expired_token(f"exp {exp:.0f} is past, the server's clock reads {now:.0f}")
    for name in ("nbf", "iat"):
        value = claims.get(name)
        if value is not None and (not isinstance(value, int | float) or value > now):
            raise invalid_token(f"{name} in the future")


def _instant(claims: Mapping[str, Any], name: str) -> float:
    value = claims.get(name)
    if not isinstance(value, int | float):
        raise invalid_token(f"no {name}")
    return float(value)


# Why a token was refused is logged at INFO, the server's default level, so that a user sees it
# without asking: the 401's text is AppSync's and says little. The reason names claims and
# settings, never the token (nor any part of its signature).


def invalid_token(reason: str) -> UnauthorizedError:
    """A token refused with "Valid authorization header not provided."; `reason` is logged."""
    logger.info("token refused: %s", reason)
    return UnauthorizedError(VALID_AUTHORIZATION_HEADER_NOT_PROVIDED)


def expired_token(reason: str) -> UnauthorizedError:
    """A token refused with "Token has expired."; `reason` is logged."""
    logger.info("token refused as expired: %s", reason)
    return UnauthorizedError(TOKEN_HAS_EXPIRED)


def compile_regex(pattern: str | None, what: str) -> re.Pattern[str] | None:
    if pattern is None or pattern == "":
        return None
    try:
        return re.compile(pattern)
    except re.error as error:
        raise AuthConfigError(f"{what}: invalid regular expression {pattern!r}: {error}") from error


def client_ids(claims: Mapping[str, Any]) -> list[str]:
    """The client identifiers a token names: `aud` (string or list) and `client_id`."""
    aud = claims.get("aud")
    found = [aud] if isinstance(aud, str) else [a for a in aud or () if isinstance(a, str)]
    client_id = claims.get("client_id")
    if isinstance(client_id, str):
        found.append(client_id)
    return found


@dataclass(frozen=True, slots=True)
class OidcConfig:
    """AppSync `OpenIDConnectConfig`. TTLs are milliseconds; 0 leaves them unchecked.

    Keys come from `jwks_file` when set, else from the issuer's discovery document through
    `fetcher` (httpx by default).
    """

    issuer: str
    client_id: str | None = None
    iat_ttl: int = 0
    auth_ttl: int = 0
    jwks_file: str | None = None
    fetcher: JsonFetcher | None = None

    @property
    def mode(self) -> AuthMode:
        return AuthMode.OPENID_CONNECT


def same_issuer(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


class OidcProvider:
    def __init__(self, config: OidcConfig, clock: Clock) -> None:
        self.issuer = config.issuer
        self._client_id = compile_regex(config.client_id, "clientId")
        self._iat_ttl = config.iat_ttl / 1000
        self._auth_ttl = config.auth_ttl / 1000
        source: JwksSource
        if config.jwks_file is not None:
            source = JwksFile(Path(config.jwks_file))
        else:
            source = OidcDiscovery(config.issuer, config.fetcher or HttpxJsonFetcher())
        self._keys = JwksCache(source, clock)
        self._clock = clock

    async def authenticate(self, token: str, source_ip: str | None) -> Principal:
        claims = await verify_jwt(token, self._keys, self._clock, self.issuer)
        if self._client_id is not None and not any(
            self._client_id.fullmatch(client) for client in client_ids(claims)
        ):
            raise invalid_token(
                f"clientId {self._client_id.pattern!r} matches none of aud and client_id "
                f"{client_ids(claims)!r} (a regular expression matches the whole value)"
            )
        now = self._clock.time()
        if self._iat_ttl and now - _instant(claims, "iat") > self._iat_ttl:
            raise expired_token(f"iat is more than iatTTL ({self._iat_ttl * 1000:g} ms) ago")
        if self._auth_ttl and now - _instant(claims, "auth_time") > self._auth_ttl:
            raise expired_token(
                f"auth_time is more than authTTL ({self._auth_ttl * 1000:g} ms) ago"
            )
        return Principal(
            mode=AuthMode.OPENID_CONNECT,
            identity={"sub": claims.get("sub"), "issuer": claims["iss"], "claims": claims},
            auth_type=AUTH_TYPES[AuthMode.OPENID_CONNECT],
        )
