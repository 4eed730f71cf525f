"""AppSync's authorization modes, and one auth directive as the schema states it.

Mode names are AppSync's `authenticationType` values. Identities per mode (the `$ctx.identity`
shapes) live beside the mode that produces them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AuthMode(StrEnum):
    API_KEY = "API_KEY"
    AWS_IAM = "AWS_IAM"
    OPENID_CONNECT = "OPENID_CONNECT"
    AMAZON_COGNITO_USER_POOLS = "AMAZON_COGNITO_USER_POOLS"
    AWS_LAMBDA = "AWS_LAMBDA"


@dataclass(frozen=True, slots=True)
class AuthDirective:
    """One `@aws_api_key`, `@aws_iam`, `@aws_oidc`, `@aws_cognito_user_pools`, `@aws_lambda` or
    `@aws_auth` usage on a type or field. `cognito_groups` is None when the directive names none;
    `legacy_aws_auth` marks `@aws_auth`, which applies only when Cognito is the default mode."""

    mode: AuthMode
    cognito_groups: frozenset[str] | None = None
    legacy_aws_auth: bool = False
