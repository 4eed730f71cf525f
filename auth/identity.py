"""Who is calling, under which mode: the value every provider produces and the rules read.

`$util.authType()` values follow AppSync's resolver utility reference ("API Key Authorization",
"IAM Authorization", "User Pool Authorization", "Open ID Connect Authorization"); the Lambda value
"Lambda Authorization" follows the same pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auth.modes import AuthMode

AUTH_TYPES: dict[AuthMode, str] = {
    AuthMode.API_KEY: "API Key Authorization",
    AuthMode.AWS_IAM: "IAM Authorization",
    AuthMode.AMAZON_COGNITO_USER_POOLS: "User Pool Authorization",
    AuthMode.OPENID_CONNECT: "Open ID Connect Authorization",
    AuthMode.AWS_LAMBDA: "Lambda Authorization",
}


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller.

    `identity` is `$ctx.identity` exactly as AppSync shapes it for the mode (None for API_KEY).
    `denied_fields` holds a Lambda authorizer's `deniedFields` as "Type.field" names.
    `cognito_groups` holds the token's `cognito:groups` (Cognito user pools only).
    `default_action_deny` is true for a user of the default Cognito pool configured with
    `defaultAction: DENY`.
    """

    mode: AuthMode
    identity: dict[str, Any] | None
    auth_type: str
    denied_fields: frozenset[str] = frozenset()
    cognito_groups: frozenset[str] = frozenset()
    default_action_deny: bool = False
