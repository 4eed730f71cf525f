"""API_KEY: `x-api-key` against configured keys with AppSync's expiry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auth.api_key import ApiKey, ApiKeyConfig
from auth.clock import ManualClock
from auth.errors import UnauthorizedError
from auth.modes import AuthMode
from auth.request import AuthRequest
from auth.rules import Authorizer

NOW = 1_790_000_000
KEY = "da2-abcdefghijklmnopqrstuvwxyz"
OLD_KEY = "da2-zyxwvutsrqponmlkjihgfedcba"


def _authorizer(clock: ManualClock) -> Authorizer:
    keys = (
        ApiKey(KEY, "current", NOW + 3600),
        ApiKey(OLD_KEY, "expired an hour ago", NOW - 3600),
    )
    return Authorizer(ApiKeyConfig(keys), (), clock)


def _request(headers: dict[str, str]) -> AuthRequest:
    return AuthRequest.from_raw_headers("POST", "/graphql", headers, b'{"query":"{a}"}')


@pytest.mark.anyio
async def test_valid_api_key_is_api_key_principal() -> None:
    principal = await _authorizer(ManualClock(NOW)).authenticate(_request({"x-api-key": KEY}))
    assert principal.mode is AuthMode.API_KEY
    # AppSync's $ctx.identity is null under API_KEY; $util.authType() names the mode.
    assert principal.identity is None
    assert principal.auth_type == "API Key Authorization"


@pytest.mark.anyio
async def test_header_name_is_case_insensitive() -> None:
    principal = await _authorizer(ManualClock(NOW)).authenticate(_request({"X-Api-Key": KEY}))
    assert principal.mode is AuthMode.API_KEY


@pytest.mark.anyio
async def test_unknown_api_key_is_rejected() -> None:
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(ManualClock(NOW)).authenticate(_request({"x-api-key": "da2-nope"}))
    assert caught.value.message == "You are not authorized to make this call."
    assert caught.value.error_type == "UnauthorizedException"


@pytest.mark.anyio
async def test_expired_api_key_is_rejected() -> None:
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(ManualClock(NOW)).authenticate(_request({"x-api-key": OLD_KEY}))
    assert caught.value.message == "You are not authorized to make this call."


@pytest.mark.anyio
async def test_key_stops_working_at_its_expiry_instant() -> None:
    clock = ManualClock(NOW + 3599)
    authorizer = _authorizer(clock)
    assert (await authorizer.authenticate(_request({"x-api-key": KEY}))).mode is AuthMode.API_KEY
    clock.advance(1)
    with pytest.raises(UnauthorizedError):
        await authorizer.authenticate(_request({"x-api-key": KEY}))


@pytest.mark.anyio
async def test_expires_as_datetime_is_honoured() -> None:
    expires = datetime.fromtimestamp(NOW + 60, tz=UTC)
    authorizer = Authorizer(ApiKeyConfig((ApiKey(KEY, None, expires),)), (), ManualClock(NOW))
    assert (await authorizer.authenticate(_request({"x-api-key": KEY}))).mode is AuthMode.API_KEY


@pytest.mark.anyio
async def test_no_auth_header_is_missing_authorization_header() -> None:
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(ManualClock(NOW)).authenticate(_request({"content-type": "x"}))
    # amplify-js#4270: AppSync's text for a request without credentials.
    assert caught.value.message == "Missing authorization header"


@pytest.mark.anyio
async def test_authorization_header_on_api_key_only_api_is_not_valid() -> None:
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(ManualClock(NOW)).authenticate(_request({"authorization": "abc"}))
    # amplify-js#4373: a header is there, but nothing configured can use it.
    assert caught.value.message == "Valid authorization header not provided."


@pytest.mark.anyio
async def test_empty_api_key_is_rejected_not_missing() -> None:
    with pytest.raises(UnauthorizedError) as caught:
        await _authorizer(ManualClock(NOW)).authenticate(_request({"x-api-key": ""}))
    assert caught.value.message == "You are not authorized to make this call."
