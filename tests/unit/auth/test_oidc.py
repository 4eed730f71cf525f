"""OPENID_CONNECT: PyJWT verification against the issuer's JWKS, AppSync's clientId and TTLs."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from auth.clock import ManualClock
from auth.errors import UnauthorizedError
from auth.modes import AuthMode
from auth.oidc import JWKS_REFETCH_SECONDS, OidcConfig
from auth.request import AuthRequest
from auth.rules import Authorizer
from tests.fixtures.keys import (
    hs256_with_public_key,
    jwks,
    rs256_token,
    tampered,
    unsigned_token,
)

ISSUER = "https://login.example.com/tenant-1"
OTHER_ISSUER = "https://accounts.example.org"
DISCOVERY = ISSUER + "/.well-known/openid-configuration"
JWKS_URI = ISSUER + "/keys"
NOW = 1_800_000_000
VALID_HEADER = "Valid authorization header not provided."


class DictFetcher:
    """The identity provider's HTTP endpoints, as documents by URL; counts requests."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents
        self.requests: list[str] = []

    async def get_json(self, url: str) -> Any:
        self.requests.append(url)
        return self.documents[url]


def _provider_documents(*keys: tuple[str, str]) -> dict[str, Any]:
    return {DISCOVERY: {"issuer": ISSUER, "jwks_uri": JWKS_URI}, JWKS_URI: jwks(*keys)}


def _claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "user-123",
        "aud": "web-client",
        "iat": NOW - 60,
        "auth_time": NOW - 120,
        "exp": NOW + 3600,
        "email": "user@example.com",
    }
    claims.update(changes)
    return claims


def _authorizer(
    fetcher: DictFetcher, clock: ManualClock | None = None, **config: Any
) -> Authorizer:
    oidc = OidcConfig(issuer=ISSUER, fetcher=fetcher, **config)
    return Authorizer(oidc, (), clock or ManualClock(NOW))


def _request(token: str) -> AuthRequest:
    return AuthRequest("POST", "/graphql", {"authorization": token}, b"{}")


async def _refused(authorizer: Authorizer, token: str) -> str:
    with pytest.raises(UnauthorizedError) as caught:
        await authorizer.authenticate(_request(token))
    assert caught.value.status_code == 401
    assert caught.value.error_type == "UnauthorizedException"
    return caught.value.message


@pytest.mark.anyio
async def test_valid_token_gives_oidc_identity() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    claims = _claims()
    principal = await _authorizer(fetcher).authenticate(_request(rs256_token(claims, "idp", "k1")))
    assert principal.mode is AuthMode.OPENID_CONNECT
    assert principal.auth_type == "Open ID Connect Authorization"
    # $ctx.identity for OPENID_CONNECT: sub, issuer and the full claims.
    assert principal.identity == {"sub": "user-123", "issuer": ISSUER, "claims": claims}
    # Keys were found through the discovery document's jwks_uri.
    assert fetcher.requests == [DISCOVERY, JWKS_URI]


@pytest.mark.anyio
async def test_expired_token_is_refused() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    token = rs256_token(_claims(exp=NOW), "idp", "k1")
    assert await _refused(_authorizer(fetcher), token) == "Token has expired."


@pytest.mark.anyio
async def test_not_yet_valid_token_is_refused() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    token = rs256_token(_claims(nbf=NOW + 300), "idp", "k1")
    assert await _refused(_authorizer(fetcher), token) == VALID_HEADER
    issued_later = rs256_token(_claims(iat=NOW + 300), "idp", "k1")
    assert await _refused(_authorizer(fetcher), issued_later) == VALID_HEADER


@pytest.mark.anyio
async def test_token_of_another_issuer_is_refused() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    token = rs256_token(_claims(iss=OTHER_ISSUER), "idp", "k1")
    assert await _refused(_authorizer(fetcher), token) == VALID_HEADER


@pytest.mark.anyio
async def test_token_signed_by_another_key_is_refused() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    token = rs256_token(_claims(), "attacker", "k1")
    assert await _refused(_authorizer(fetcher), token) == VALID_HEADER


@pytest.mark.anyio
async def test_client_id_is_a_regular_expression_over_aud() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    authorizer = _authorizer(fetcher, client_id="web-.*|mobile-app")
    for aud in ("web-client", ["other", "mobile-app"]):
        token = rs256_token(_claims(aud=aud), "idp", "k1")
        assert (await authorizer.authenticate(_request(token))).mode is AuthMode.OPENID_CONNECT
    wrong = rs256_token(_claims(aud="mobile-app-2"), "idp", "k1")
    assert await _refused(authorizer, wrong) == VALID_HEADER


@pytest.mark.anyio
async def test_alg_none_is_refused() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    assert await _refused(_authorizer(fetcher), unsigned_token(_claims(), "k1")) == VALID_HEADER


@pytest.mark.anyio
async def test_hs256_keyed_with_the_public_key_is_refused() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    token = hs256_with_public_key(_claims(), "idp", "k1")
    assert await _refused(_authorizer(fetcher), token) == VALID_HEADER


@pytest.mark.anyio
async def test_tampered_payload_is_refused() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    token = tampered(rs256_token(_claims(), "idp", "k1"), sub="admin")
    assert await _refused(_authorizer(fetcher), token) == VALID_HEADER


@pytest.mark.anyio
async def test_unknown_kid_refetches_once_then_accepts_rotated_key() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    clock = ManualClock(NOW)
    authorizer = _authorizer(fetcher, clock)
    await authorizer.authenticate(_request(rs256_token(_claims(), "idp", "k1")))
    # The provider rotates: k2 is published after our first fetch.
    fetcher.documents[JWKS_URI] = jwks(("idp", "k1"), ("rotated", "k2"))
    clock.advance(JWKS_REFETCH_SECONDS)
    token = rs256_token(_claims(), "rotated", "k2")
    assert (await authorizer.authenticate(_request(token))).mode is AuthMode.OPENID_CONNECT
    assert fetcher.requests == [DISCOVERY, JWKS_URI, DISCOVERY, JWKS_URI]


@pytest.mark.anyio
async def test_unknown_kid_refetch_is_rate_limited() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    authorizer = _authorizer(fetcher, ManualClock(NOW))
    await authorizer.authenticate(_request(rs256_token(_claims(), "idp", "k1")))
    for kid in ("x1", "x2", "x3"):
        assert await _refused(authorizer, rs256_token(_claims(), "idp", kid)) == VALID_HEADER
    # One fetch at start; unknown kids within the rate-limit window fetch nothing more.
    assert fetcher.requests == [DISCOVERY, JWKS_URI]


@pytest.mark.anyio
async def test_iat_ttl_limits_token_age_in_milliseconds() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    authorizer = _authorizer(fetcher, iat_ttl=30_000)
    fresh = rs256_token(_claims(iat=NOW - 29), "idp", "k1")
    assert (await authorizer.authenticate(_request(fresh))).mode is AuthMode.OPENID_CONNECT
    stale = rs256_token(_claims(iat=NOW - 31), "idp", "k1")
    assert await _refused(authorizer, stale) == "Token has expired."


@pytest.mark.anyio
async def test_auth_ttl_limits_time_since_authentication() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    authorizer = _authorizer(fetcher, auth_ttl=60_000)
    recent = rs256_token(_claims(auth_time=NOW - 59), "idp", "k1")
    assert (await authorizer.authenticate(_request(recent))).mode is AuthMode.OPENID_CONNECT
    old = rs256_token(_claims(auth_time=NOW - 61), "idp", "k1")
    assert await _refused(authorizer, old) == "Token has expired."


@pytest.mark.anyio
async def test_bearer_prefix_is_unable_to_parse() -> None:
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    token = "Bearer " + rs256_token(_claims(), "idp", "k1")
    # aws-appsync-community#198: AppSync does not strip "Bearer ".
    assert await _refused(_authorizer(fetcher), token) == "Unable to parse JWT token."


@pytest.mark.anyio
async def test_several_oidc_providers_are_chosen_by_issuer() -> None:
    first = DictFetcher(_provider_documents(("idp", "k1")))
    other_uri = OTHER_ISSUER + "/jwks"
    second = DictFetcher(
        {
            OTHER_ISSUER + "/.well-known/openid-configuration": {"jwks_uri": other_uri},
            other_uri: jwks(("other-idp", "o1")),
        }
    )
    authorizer = Authorizer(
        OidcConfig(issuer=ISSUER, fetcher=first),
        (OidcConfig(issuer=OTHER_ISSUER, fetcher=second),),
        ManualClock(NOW),
    )
    token = rs256_token(_claims(iss=OTHER_ISSUER), "other-idp", "o1")
    principal = await authorizer.authenticate(_request(token))
    assert principal.identity is not None
    assert principal.identity["issuer"] == OTHER_ISSUER
    assert first.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("claims", "kid", "reason"),
    [
        (
            _claims(aud="desktop"),
            "k1",
            "token refused: clientId 'web-.*' matches none of aud and client_id ['desktop'] (a "
            "regular expression matches the whole value)",
        ),
        (_claims(), "rotated-away", "token refused: unknown kid 'rotated-away'"),
        (_claims(iss=ISSUER + "/other"), "k1", "token refused: its iss"),
        (_claims(iat=NOW - 7200), "k1", "token refused as expired: iat is more than iatTTL"),
    ],
    ids=["clientId", "kid", "issuer", "iatTTL"],
)
async def test_why_a_token_was_refused_is_logged_at_info_without_the_token(
    caplog: pytest.LogCaptureFixture, claims: dict[str, Any], kid: str, reason: str
) -> None:
    caplog.set_level(logging.INFO)
    fetcher = DictFetcher(_provider_documents(("idp", "k1")))
    authorizer = _authorizer(fetcher, client_id="web-.*", iat_ttl=3_600_000)
    token = rs256_token(claims, "idp", kid)
    await _refused(authorizer, token)
    [record] = [r for r in caplog.records if r.getMessage().startswith("token refused")]
    assert record.levelno == logging.INFO
    assert record.getMessage().startswith(reason)
    for part in token.split("."):
        assert part not in record.getMessage()
