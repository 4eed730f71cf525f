"""auth's errors: one root, and the request-level rejection the server renders as a 401.

Messages are AppSync's own, with the public threads that recorded them. The server renders
`UnauthorizedError` as HTTP 401 with `x-amzn-errortype: UnauthorizedException` and
`{"errors":[{"errorType":"UnauthorizedException","message":<message>}]}`.
"""

from __future__ import annotations

# amplify-js#4270, #2288: no x-api-key and no Authorization header at all.
MISSING_AUTHORIZATION_HEADER = "Missing authorization header"
# amplify-js#4373: a header is present but no configured mode can use it.
VALID_AUTHORIZATION_HEADER_NOT_PROVIDED = "Valid authorization header not provided."
# aws-appsync-community#198: an Authorization value that is not a JWT (e.g. "Bearer <jwt>").
UNABLE_TO_PARSE_JWT_TOKEN = "Unable to parse JWT token."
# amplify-js#9513 (Lambda isAuthorized false); amplify-studio#1003 (an expired API key gives the
# same text); also an unknown API key.
NOT_AUTHORIZED_TO_MAKE_THIS_CALL = "You are not authorized to make this call."
# The text AppSync returns for a Cognito/OIDC token past its `exp` (amplify-js threads quoting
# the 401 body).
TOKEN_HAS_EXPIRED = "Token has expired."


class AuthError(Exception):
    """Root of every error auth raises."""


class AuthConfigError(AuthError):
    """An auth configuration AppSync would refuse (bad regex, DENY with additional providers...)."""


class AuthorizerFunctionError(AuthError):
    """A Lambda authorizer's function failed, or Lambda refused to run it: the request is
    refused as an unauthorized one, with this reason in the server's log."""


class UnauthorizedError(AuthError):
    """The request as a whole is rejected.

    Render as HTTP `status_code` with `x-amzn-errortype: <error_type>` and
    `{"errors":[{"errorType": error_type, "message": message}]}`. Most rejections are 401
    `UnauthorizedException`; SigV4 failures keep the AWS signature error types and 403.
    """

    def __init__(
        self, message: str, error_type: str = "UnauthorizedException", status_code: int = 401
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.status_code = status_code


class SignatureError(UnauthorizedError):
    """A SigV4 request AWS refuses before authorization: HTTP 403 with AWS's signature error types
    (`InvalidSignatureException`, `IncompleteSignatureException`, `UnrecognizedClientException`,
    `ExpiredTokenException`; amplify-js#2422 shows the 403 and the error type header,
    aws-mobile-appsync-sdk-js#702 the `IncompleteSignatureException` body)."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message, error_type=error_type, status_code=403)


class JwksUnavailableError(AuthError):
    """The JWKS could not be read or fetched."""
