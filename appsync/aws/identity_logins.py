"""The `Logins` of a Cognito identity pool call, verified as Amazon Cognito verifies them.

GetId, GetCredentialsForIdentity and GetOpenIdToken take `Logins`: a map from a provider name to
the token that provider issued. A user pool's provider name is
`cognito-idp.<region>.amazonaws.com/<user pool id>` and its token the user's ID token ("Using
Amazon Cognito user pools as an identity provider", Amazon Cognito Developer Guide). The pool
trusts a provider when its `CognitoIdentityProviders` list it, with the app client ids whose
tokens it takes. A token is verified against the embedded user pools' signing key (this
installation's, `appsync.aws.cognito`), and refused with `NotAuthorizedException` and the texts
Cognito answers (each recorded in a public thread):

- a provider the pool does not list, or a token of an app client it does not list: "Token is not
  from a supported provider of this identity pool." (aws-amplify/amplify-js#2067: wrong client
  ids; amazon-cognito-identity-js#153: a provider name of another region);
- not a JWT: "Invalid login token. Not a valid OpenId Connect identity token.";
- a signature that does not verify: "Invalid login token. Couldn't verify signed token."
  (amazon-cognito-identity-js#91);
- an issuer other than the provider: "Invalid login token. Issuer doesn't match providerName"
  (amazon-cognito-identity-js#40);
- no `aud` (an access token): "Invalid login token. Missing a required claim: aud"
  (amazon-cognito-identity-js#12);
- past its `exp` on the server's clock: "Invalid login token. Token expired: <now> >= <exp>"
  (aws-amplify/amplify-js#3675).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

NOT_AUTHORIZED = "NotAuthorizedException"
UNSUPPORTED_PROVIDER = "Token is not from a supported provider of this identity pool."
_NOT_A_TOKEN = "Invalid login token. Not a valid OpenId Connect identity token."
_UNVERIFIED = "Invalid login token. Couldn't verify signed token."
_WRONG_ISSUER = "Invalid login token. Issuer doesn't match providerName"
_NO_AUDIENCE = "Invalid login token. Missing a required claim: aud"
_USER_POOL_PROVIDER = "cognito-idp."


class IdentityPoolError(Exception):
    """A call Cognito refuses: its error type and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Login:
    """One verified login: the provider's name and the user's `sub` in it; the app client the
    token was issued to and the token's claims, which an identity pool's role mappings read."""

    provider: str
    subject: str
    client_id: str = ""
    claims: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def auth_provider(self) -> str:
        """What `$ctx.identity.cognitoIdentityAuthProvider` names for a user pool's user:
        `<provider>,<provider>:CognitoSignIn:<sub>` (the shape API Gateway documents for
        `cognitoAuthenticationProvider`, the same credentials' identity)."""
        return f"{self.provider},{self.provider}:CognitoSignIn:{self.subject}"


def verified_logins(
    logins: Mapping[str, Any],
    providers: Sequence[tuple[str, str]],
    jwks: Mapping[str, Any],
    now: float,
) -> tuple[Login, ...]:
    """Each of `logins` verified; `providers` are the pool's (provider name, client id) pairs,
    `jwks` the embedded user pools' public keys. IdentityPoolError for the first refused."""
    verified = []
    for provider, token in logins.items():
        clients = {client for name, client in providers if name == provider}
        if not clients or not provider.startswith(_USER_POOL_PROVIDER):
            # AWS differs: only the embedded user pools' tokens are verified locally; a pool's
            # other providers (Google, Facebook, OpenID Connect, SAML) are refused.
            raise IdentityPoolError(NOT_AUTHORIZED, UNSUPPORTED_PROVIDER)
        claims = verified_claims(token, jwks)
        if claims.get("iss") != f"https://{provider}":
            raise IdentityPoolError(NOT_AUTHORIZED, _WRONG_ISSUER)
        audience = claims.get("aud")
        if audience is None:
            raise IdentityPoolError(NOT_AUTHORIZED, _NO_AUDIENCE)
        if audience not in clients:
            raise IdentityPoolError(NOT_AUTHORIZED, UNSUPPORTED_PROVIDER)
        expires = claims.get("exp")
        if not isinstance(expires, int | float) or now >= expires:
            raise IdentityPoolError(
                NOT_AUTHORIZED, f"Invalid login token. Token expired: {int(now)} >= {expires}"
            )
        verified.append(Login(provider, str(claims.get("sub", "")), str(audience), claims))
    return tuple(verified)


def verified_claims(token: Any, jwks: Mapping[str, Any]) -> dict[str, Any]:
    """The claims of a JWT signed by one of `jwks`' keys (RS256), its times not checked;
    IdentityPoolError with Cognito's text when it is not one."""
    import jwt  # PyJWT, when a login first arrives: `serve` starts without it (issue 19)

    if not isinstance(token, str):
        raise IdentityPoolError(NOT_AUTHORIZED, _NOT_A_TOKEN)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise IdentityPoolError(NOT_AUTHORIZED, _NOT_A_TOKEN) from error
    keys = [key for key in jwks.get("keys", ()) if key.get("kid") == header.get("kid")]
    if not keys:
        raise IdentityPoolError(NOT_AUTHORIZED, _UNVERIFIED)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            jwt.PyJWK(keys[0]).key,
            algorithms=["RS256"],
            # Checked here, each with Cognito's own text.
            options={"verify_exp": False, "verify_aud": False, "verify_iat": False},
        )
    except jwt.PyJWTError as error:
        raise IdentityPoolError(NOT_AUTHORIZED, _UNVERIFIED) from error
    return claims
