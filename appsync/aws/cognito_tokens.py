"""What a PreTokenGeneration trigger's answer does to the tokens a user pool issues (Amazon Cognito
Developer Guide, "Pre token generation Lambda trigger").

- `V1_0` (the `PreTokenGeneration` trigger, or `PreTokenGenerationConfig` with that version):
  `response.claimsOverrideDetails` changes the ID token: `claimsToAddOrOverride`,
  `claimsToSuppress`; its `groupOverrideDetails.groupsToOverride` replaces `cognito:groups` in
  both tokens.
- `V2_0` and `V3_0` (`PreTokenGenerationConfig`): `response.claimsAndScopeOverrideDetails` with
  `idTokenGeneration` and `accessTokenGeneration` (each `claimsToAddOrOverride`,
  `claimsToSuppress`; the access token's also `scopesToAdd`, `scopesToSuppress`, applied to its
  space-separated `scope`), and `groupOverrideDetails` for both. The request carries the access
  token's `scopes`.

The claims that say what a token is (its issuer, subject, audience, use, times, ids and
`cognito:username`) are not changed by an answer: Cognito reserves them.
"""

from __future__ import annotations

import base64
import json
from typing import Any

# Claims a PreTokenGeneration response does not change: what the token is, for whom, when.
FIXED_CLAIMS = frozenset(
    {
        *("acr", "amr", "aud", "at_hash", "auth_time", "azp", "client_id", "cognito:username"),
        *("exp", "iat", "identities", "iss", "jti", "nbf", "nonce", "origin_jti", "sub"),
        *("token_use", "username"),
    }
)
VERSIONS = ("V1_0", "V2_0", "V3_0")


def claims_of(token: str) -> dict[str, Any]:
    """The payload of a token the embedded Cognito has just issued (signed by this
    installation, so not verified again)."""
    payload = token.split(".")[1]
    padded = payload + "=" * (-len(payload) % 4)
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
    return decoded


def token_source(body: dict[str, Any]) -> str:
    """The trigger source of the call that issues the tokens."""
    if body.get("AuthFlow") in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return "TokenGeneration_RefreshTokens"
    if body.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
        return "TokenGeneration_NewPasswordChallenge"
    return "TokenGeneration_Authentication"


def response_key(version: str) -> str:
    """Where the function's answer sits in `response`, by event version."""
    return "claimsOverrideDetails" if version == "V1_0" else "claimsAndScopeOverrideDetails"


def overridden(
    id_claims: dict[str, Any], access_claims: dict[str, Any], details: Any, version: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ID and access tokens' claims with the answer's `details` applied."""
    claims, access = dict(id_claims), dict(access_claims)
    if not isinstance(details, dict):
        return claims, access
    if version == "V1_0":
        _apply(claims, details)
    else:
        _apply(claims, details.get("idTokenGeneration"))
        generation = details.get("accessTokenGeneration")
        _apply(access, generation)
        if isinstance(generation, dict):
            _scopes(access, generation)
    groups = (details.get("groupOverrideDetails") or {}).get("groupsToOverride")
    if isinstance(groups, list):
        for each in (claims, access):
            if groups:
                each["cognito:groups"] = [str(group) for group in groups]
            else:
                each.pop("cognito:groups", None)
    return claims, access


def _apply(claims: dict[str, Any], generation: Any) -> None:
    if not isinstance(generation, dict):
        return
    added = generation.get("claimsToAddOrOverride") or {}
    if isinstance(added, dict):
        claims.update({k: v for k, v in added.items() if k not in FIXED_CLAIMS})
    suppressed = generation.get("claimsToSuppress") or []
    if isinstance(suppressed, list):
        for name in suppressed:
            if name not in FIXED_CLAIMS:
                claims.pop(str(name), None)


def _scopes(access: dict[str, Any], generation: dict[str, Any]) -> None:
    scopes = str(access.get("scope") or "").split()
    for scope in generation.get("scopesToAdd") or []:
        if str(scope) not in scopes:
            scopes.append(str(scope))
    suppressed = {str(scope) for scope in generation.get("scopesToSuppress") or []}
    access["scope"] = " ".join(scope for scope in scopes if scope not in suppressed)
