"""STS's AssumeRoleWithWebIdentity for Cognito identity pools' OpenID tokens: the basic
(classic) authentication flow.

In the basic flow ("Identity pools (federated identities) authentication flow", Amazon Cognito
Developer Guide) a client calls GetId, then GetOpenIdToken (`appsync.aws.cognito_identity`),
then STS's AssumeRoleWithWebIdentity with that token, a role and a session name. moto's STS
takes any token and mints keys that only `trustEmbeddedIam` accepts; this route answers the
call for a token the embedded identity pools issued (issuer
`https://cognito-identity.amazonaws.com`, signed with this installation's key, its audience a
pool and its subject an identity of it) with credentials minted as the enhanced flow mints them
(`appsync.aws.identity_pools`), for the role asked and the session named: they sign AppSync and
the AWS endpoint. Any other token goes to moto.

The answer is STS's (AssumeRoleWithWebIdentity in the AWS STS API Reference):
`AssumeRoleWithWebIdentityResult` with `Credentials`, `AssumedRoleUser` (`Arn`
`arn:aws:sts::<account>:assumed-role/<role>/<session>`, `AssumedRoleId` `<role id>:<session>`),
`SubjectFromWebIdentityToken`, `Audience` and `Provider`. A token of ours that does not verify
is `InvalidIdentityToken` (400), one past its `exp` `ExpiredTokenException` (400), a
`DurationSeconds` outside 900-43,200 `ValidationError`, as that reference names them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from appsync.aws.endpoint import ServiceRoute
from appsync.aws.errors import query_error
from appsync.aws.identity_logins import IdentityPoolError, verified_claims
from appsync.aws.identity_pools import (
    AUTHENTICATED,
    OPEN_ID_ISSUER,
    UNAUTHENTICATED,
    IdentityPools,
    role_id,
)
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall

if TYPE_CHECKING:
    from auth.oidc import JwksSource

_PROVIDER = "cognito-identity.amazonaws.com"
_OPERATION = "AssumeRoleWithWebIdentity"
_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
_MIN_SECONDS, _MAX_SECONDS = 900, 43_200


class WebIdentityFederation:
    """`ServiceRoute` for `sts`: AssumeRoleWithWebIdentity of the identity pools' tokens here,
    every other call (and token) moto's."""

    def __init__(self, pools: IdentityPools, moto: ServiceRoute, keys: JwksSource) -> None:
        self._pools = pools
        self._moto = moto
        self._keys = keys

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        fields = _fields(request) if call.operation == _OPERATION else {}
        token = fields.get("WebIdentityToken", "")
        if not _issued_here(token):
            return await self._moto.handle(request, call)
        try:
            claims = verified_claims(token, await self._keys.fetch())
        except IdentityPoolError:
            return query_error(400, "InvalidIdentityToken", "Couldn't verify signed token.")
        now = self._pools.clock.time()
        if not isinstance(claims.get("exp"), int) or now >= claims["exp"]:
            return query_error(400, "ExpiredTokenException", "Token expired.")
        identity = self._pools.identity(str(claims.get("sub", "")))
        if identity is None or identity.pool_id != claims.get("aud"):
            return query_error(400, "InvalidIdentityToken", "The identity does not exist.")
        role, session = fields.get("RoleArn", ""), fields.get("RoleSessionName", "")
        duration = fields.get("DurationSeconds", "3600")
        if not duration.isdigit() or not _MIN_SECONDS <= int(duration) <= _MAX_SECONDS:
            return query_error(
                400,
                "ValidationError",
                f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to "
                f"satisfy constraint: Member must have value between {_MIN_SECONDS} and "
                f"{_MAX_SECONDS}",
            )
        if not role or not session:
            return query_error(400, "ValidationError", "RoleArn and RoleSessionName are required.")
        amr = claims.get("amr") or []
        kind = AUTHENTICATED if AUTHENTICATED in amr else UNAUTHENTICATED
        logins = [
            login
            for login in self._pools.logins_of(identity)
            if kind == AUTHENTICATED and login.provider in amr
        ]
        credential = self._pools.mint(
            identity, kind, role, logins, session_name=session, seconds=int(duration)
        )
        expiration = datetime.fromtimestamp(credential.expiration or 0, UTC)
        result = (
            "<Credentials>"
            f"<AccessKeyId>{credential.access_key_id}</AccessKeyId>"
            f"<SecretAccessKey>{escape(credential.secret_access_key)}</SecretAccessKey>"
            f"<SessionToken>{credential.session_token}</SessionToken>"
            f"<Expiration>{expiration.strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration>"
            "</Credentials>"
            f"<SubjectFromWebIdentityToken>{escape(identity.identity_id)}"
            "</SubjectFromWebIdentityToken>"
            f"<AssumedRoleUser><Arn>{escape(credential.user_arn)}</Arn>"
            f"<AssumedRoleId>{escape(role_id(role))}:{escape(session)}</AssumedRoleId>"
            "</AssumedRoleUser>"
            f"<Provider>{_PROVIDER}</Provider>"
            f"<Audience>{escape(identity.pool_id)}</Audience>"
        )
        body = (
            f'<{_OPERATION}Response xmlns="{_NAMESPACE}">'
            f"<{_OPERATION}Result>{result}</{_OPERATION}Result>"
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
            f"</{_OPERATION}Response>"
        )
        return AwsResponse(200, body.encode(), [("content-type", "text/xml")])


def _fields(request: AwsRequest) -> dict[str, str]:
    """The query protocol's parameters, from a form body or the query string."""
    text = request.body.decode("utf-8", "replace") if request.body else request.query_string
    return {name: values[0] for name, values in parse_qs(text).items()}


def _issued_here(token: str) -> bool:
    """Whether `token` claims the identity pools' issuer (read without verifying it)."""
    import jwt  # PyJWT, when such a call first arrives: `serve` starts without it (issue 19)

    try:
        claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    return claims.get("iss") == OPEN_ID_ISSUER
