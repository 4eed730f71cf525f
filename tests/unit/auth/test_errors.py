"""auth's errors: one root, and request-level rejections carrying AppSync's status and type.

amplify-js#2422 records SigV4 failures as HTTP 403 with `x-amzn-ErrorType` naming the signature
error; every other rejection is 401 `UnauthorizedException` (amplify-js#4270)."""

from __future__ import annotations

import pytest

from auth.errors import (
    MISSING_AUTHORIZATION_HEADER,
    AuthConfigError,
    AuthError,
    JwksUnavailableError,
    SignatureError,
    UnauthorizedError,
)


def test_a_rejection_is_a_401_unauthorized_exception_by_default() -> None:
    error = UnauthorizedError(MISSING_AUTHORIZATION_HEADER)
    assert (error.status_code, error.error_type, error.message) == (
        401,
        "UnauthorizedException",
        "Missing authorization header",
    )


def test_a_signature_failure_is_a_403_with_the_signature_error_type() -> None:
    error = SignatureError("InvalidSignatureException", "The request signature we calculated...")
    assert isinstance(error, UnauthorizedError)
    assert (error.status_code, error.error_type) == (403, "InvalidSignatureException")


@pytest.mark.parametrize(
    "error",
    [AuthConfigError("bad"), UnauthorizedError("no"), JwksUnavailableError("gone")],
)
def test_every_error_is_an_auth_error(error: Exception) -> None:
    assert isinstance(error, AuthError)
