"""The Cognito resources a definition declares: user pools with their app clients, and
identity pools with their roles, which the embedded Cognito creates at start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class UserPoolClientSpec:
    """An `AWS::Cognito::UserPoolClient`: the `client_id` it has locally, and its template
    properties (CreateUserPoolClient's, PascalCase) for the embedded Cognito to create it."""

    client_id: str
    client_name: str
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UserPoolGroupSpec:
    """An `AWS::Cognito::UserPoolGroup` of a pool: CreateGroup's name, description, precedence
    and role ARN (the `cognito:roles` / `cognito:preferred_role` its members' tokens carry)."""

    group_name: str
    description: str | None = None
    precedence: int | None = None
    role_arn: str | None = None


# The `LambdaConfig` triggers the embedded Cognito calls (`appsync.aws.cognito_triggers`); the
# template reader names the others in a notice.
CALLED_TRIGGERS = (
    *("PreSignUp", "PostConfirmation", "PreAuthentication", "PostAuthentication"),
    *("PreTokenGeneration", "PreTokenGenerationConfig"),
    *("DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse"),
    *("UserMigration", "CustomMessage"),
)


@dataclass(frozen=True, slots=True)
class UserPoolSpec:
    """An `AWS::Cognito::UserPool`: the deterministic `user_pool_id` its `!Ref` resolves to (so
    `userPoolConfig.userPoolId` names it), its name, its template properties (CreateUserPool's)
    its clients and its groups, for the embedded Cognito to create at start so users can sign
    in."""

    user_pool_id: str
    pool_name: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    clients: tuple[UserPoolClientSpec, ...] = ()
    groups: tuple[UserPoolGroupSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class IdentityPoolSpec:
    """An `AWS::Cognito::IdentityPool` and the roles its `IdentityPoolRoleAttachment` gives:
    the deterministic `identity_pool_id` its `!Ref` resolves to (`<region>:<uuid>`), its name,
    whether guests get identities, the (provider name, app client id) pairs of its
    `CognitoIdentityProviders`, `roles` by kind (`authenticated`, `unauthenticated`: role
    ARNs), and `role_mappings` as SetIdentityPoolRoles takes them (by identity provider,
    `cognito-idp.<region>.amazonaws.com/<pool id>:<app client id>`: Type, AmbiguousRoleResolution,
    RulesConfiguration), for the embedded Cognito to create at start."""

    identity_pool_id: str
    pool_name: str
    allow_unauthenticated: bool = False
    providers: tuple[tuple[str, str], ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict)
    role_mappings: Mapping[str, Any] = field(default_factory=dict)
