"""The role an identity pool's role mapping gives a signed-in user ("Using role-based access
control", Amazon Cognito Developer Guide; the RoleMapping and MappingRule types of the Cognito
Identity API reference).

A pool's `RoleMappings` (SetIdentityPoolRoles, or a template's IdentityPoolRoleAttachment) are
keyed by identity provider; for a user pool that is `cognito-idp.<region>.amazonaws.com/<pool
id>:<app client id>`, the provider of the login and the client its ID token was issued to. A
login with no mapping gets the pool's authenticated role, as before.

- `Token`: the role the token names. GetCredentialsForIdentity's `CustomRoleArn`, when it is one
  of the token's `cognito:roles`; else its `cognito:preferred_role`; else its only role. A token
  with no role at all gets the authenticated role; several roles and no preferred one is
  ambiguous.
- `Rules`: the first rule (in order) whose `Claim` in the token matches its `Value` by its
  `MatchType` (`Equals`, `Contains`, `StartsWith`, `NotEqual`); a `CustomRoleArn` that a matching
  rule names is taken over the order. No matching rule is ambiguous.
- Ambiguous: `AmbiguousRoleResolution` `AuthenticatedRole` gives the authenticated role; `Deny`
  refuses with NotAuthorizedException "The ambiguous role mapping rules for: <provider> denied
  this request." (the text Cognito answered for a Google login, aws-amplify/amplify-js#3621; for
  a user pool provider the mapping's key is named, our reading).

The guide and the API reference say when a mapping is ambiguous; what a token without roles
gets, `CustomRoleArn` among rules and list claims are our readings (README's fidelity table).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from appsync.aws.identity_logins import NOT_AUTHORIZED, IdentityPoolError, Login


def mapped_role(
    mappings: Mapping[str, Any],
    logins: Sequence[Login],
    authenticated: str,
    custom: str | None = None,
) -> str:
    """The role a signed-in identity's credentials are for: the first login with a mapping
    decides; `authenticated` is the pool's authenticated role, `custom` the request's
    CustomRoleArn."""
    for login in logins:
        key = f"{login.provider}:{login.client_id}"
        mapping = mappings.get(key)
        if not isinstance(mapping, dict):
            continue
        if mapping.get("Type") == "Token":
            role = _from_token(login.claims, custom, authenticated)
        else:
            role = _from_rules(mapping, login.claims, custom)
        if role is not None:
            return role
        if mapping.get("AmbiguousRoleResolution") == "AuthenticatedRole":
            return authenticated
        raise IdentityPoolError(
            NOT_AUTHORIZED, f"The ambiguous role mapping rules for: {key} denied this request."
        )
    return authenticated


def _from_token(claims: Mapping[str, Any], custom: str | None, authenticated: str) -> str | None:
    roles = _roles(claims.get("cognito:roles"))
    if not roles:
        return authenticated
    if custom is not None and custom in roles:
        return custom
    preferred = claims.get("cognito:preferred_role")
    if isinstance(preferred, str) and preferred:
        return preferred
    return roles[0] if len(roles) == 1 else None


def _roles(claim: Any) -> list[str]:
    """`cognito:roles`: a list in the user pools' ID tokens, a comma-separated string in the
    guide's description of the claim."""
    if isinstance(claim, list):
        return [str(role) for role in claim]
    if isinstance(claim, str):
        return [role.strip() for role in claim.split(",") if role.strip()]
    return []


def _from_rules(
    mapping: dict[str, Any], claims: Mapping[str, Any], custom: str | None
) -> str | None:
    rules = (mapping.get("RulesConfiguration") or {}).get("Rules") or []
    matched = [
        str(rule.get("RoleARN"))
        for rule in rules
        if isinstance(rule, dict) and _matches(rule, claims.get(str(rule.get("Claim"))))
    ]
    if custom is not None and custom in matched:
        return custom
    return matched[0] if matched else None


def _matches(rule: dict[str, Any], claim: Any) -> bool:
    if claim is None:
        return False
    value = str(rule.get("Value", ""))
    # A list claim (cognito:groups) is matched by its members.
    given = [str(item) for item in claim] if isinstance(claim, list) else [_text(claim)]
    match rule.get("MatchType"):
        case "Equals":
            return value in given
        case "Contains":
            return any(value in each for each in given)
        case "StartsWith":
            return any(each.startswith(value) for each in given)
        case "NotEqual":
            return value not in given
    return False


def _text(claim: Any) -> str:
    """A claim as the rule compares it: JSON's true/false for a boolean claim."""
    if isinstance(claim, bool):
        return "true" if claim else "false"
    return str(claim)
