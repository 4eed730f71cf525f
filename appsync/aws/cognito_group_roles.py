"""The IAM role claims of a user pool's ID tokens, from the user's groups.

A group may name an IAM role (CreateGroup's `RoleArn`, AWS::Cognito::UserPoolGroup's). The ID
token of a member carries `cognito:roles`, the roles of the user's groups, and
`cognito:preferred_role`, the role of the group with the lowest `Precedence` (zero comes first;
a group without one comes after every group with one). When the groups that share that lowest
precedence name different roles, there is no preferred role and the claim is left out
("Understanding the identity (ID) token", Amazon Cognito Developer Guide; CreateGroup's
`Precedence` in the Cognito user pools API reference). The access token carries
`cognito:groups` only. An identity pool whose role mapping chooses the role from the token
reads these claims.

moto 5.2.5 writes `cognito:groups` and neither role claim; they are added where the embedded
pools sign (`appsync.aws.cognito`), so every way a token is issued gets them.
"""

from __future__ import annotations

from typing import Any

# Where a group without a precedence sorts: after every precedence Cognito accepts (2^31 - 1).
_LAST = 2**31


def with_group_roles(claims: dict[str, Any]) -> dict[str, Any]:
    """`claims` with `cognito:roles` and `cognito:preferred_role` for an ID token whose user is
    in groups with roles; any other token's claims unchanged."""
    names = claims.get("cognito:groups")
    if claims.get("token_use") != "id" or not isinstance(names, list) or not names:
        return claims
    groups = _groups(str(claims.get("iss", "")), [str(name) for name in names])
    with_roles = [(precedence, role) for precedence, role in groups if role]
    if not with_roles:
        return claims
    roles: list[str] = []
    for _, role in with_roles:
        if role not in roles:
            roles.append(role)
    found = {**claims, "cognito:roles": roles}
    first = min(precedence for precedence, _ in with_roles)
    preferred = {role for precedence, role in with_roles if precedence == first}
    if len(preferred) == 1:
        found["cognito:preferred_role"] = preferred.pop()
    return found


def _groups(issuer: str, names: list[str]) -> list[tuple[int, str]]:
    """(precedence, role ARN or "") of each named group of the issuing pool, as the embedded
    Cognito holds it."""
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    pool_id = issuer.rsplit("/", 1)[-1]
    region = pool_id.split("_", 1)[0]
    if not region or region not in cognitoidp_backends[DEFAULT_ACCOUNT_ID].regions:
        return []
    pool = cognitoidp_backends[DEFAULT_ACCOUNT_ID][region].user_pools.get(pool_id)
    if pool is None:
        return []
    found = []
    for name in names:
        group = pool.groups.get(name)
        if group is not None:
            precedence = _LAST if group.precedence is None else int(group.precedence)
            found.append((precedence, str(group.role_arn or "")))
    return found
