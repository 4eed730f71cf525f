"""`AWS::Cognito::UserPool`, `AWS::Cognito::UserPoolClient` and `AWS::Cognito::UserPoolGroup`
kept in the model for the embedded Cognito, which creates them at start so users can sign in
and get real tokens; and
`AWS::Cognito::IdentityPool` with its `IdentityPoolRoleAttachment`, whose `Ref` is a
deterministic `<region>:<uuid>` (`names.LocalNames.identity_pool_id`), for the guests' and
signed-in users' AWS credentials.

Each pool has a deterministic local id (`<region>_<9 letters and digits>`, as Cognito shapes
them), which its `Ref` gives, so `UserPoolConfig.UserPoolId: !Ref Pool` names the pool the
embedded Cognito will hold. Each client has a deterministic id too. Their properties are kept
as the template gives them (evaluated), in CloudFormation's names (CreateUserPool's and
CreateUserPoolClient's in PascalCase). The pool's `LambdaConfig` triggers of `CALLED_TRIGGERS`
are called around the embedded Cognito's operations; the others are named in a notice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from definition.cloudformation.names import identity_pool_name
from definition.cloudformation.properties import PropertyReader, boolean, integer
from definition.cloudformation.stack import Resource, Stack
from definition.cognito_resources import (
    CALLED_TRIGGERS,
    IdentityPoolSpec,
    UserPoolClientSpec,
    UserPoolGroupSpec,
    UserPoolSpec,
)
from definition.problems import Notice

USER_POOL_GROUP = "AWS::Cognito::UserPoolGroup"
# What `_by_pool` reads of each resource.
_Made = TypeVar("_Made")
IDENTITY_POOL = "AWS::Cognito::IdentityPool"
ROLE_ATTACHMENT = "AWS::Cognito::IdentityPoolRoleAttachment"
# The kinds of identity an attachment's `Roles` may name.
_ROLE_KINDS = ("authenticated", "unauthenticated")


def read_user_pools(stack: Stack, others: Sequence[Stack] = ()) -> tuple[UserPoolSpec, ...]:
    """The `AWS::Cognito::UserPool`s `stack` declares, each with its clients and groups.
    `others`: the other stacks of the same deployment (its nested stacks, an Amplify project's
    other category stacks), whose clients and groups may name this stack's pools through a
    parameter: the Amplify CLI's `userPoolGroups` stack declares the groups of the `auth`
    stack's pool, given its id as `auth<name>UserPoolId`."""
    everywhere = (stack, *others)
    own_clients, own_groups = _clients(stack), _groups(stack)
    clients: dict[str, list[UserPoolClientSpec]] = {}
    groups: dict[str, list[UserPoolGroupSpec]] = {}
    for each in everywhere:
        for pool, found in (own_clients if each is stack else _clients(each)).items():
            clients.setdefault(pool, []).extend(found)
        for pool, declared in (own_groups if each is stack else _groups(each)).items():
            groups.setdefault(pool, []).extend(declared)
    pools = []
    for resource in stack.of_type("AWS::Cognito::UserPool"):
        properties = stack.properties(resource.logical_id)
        if properties is None:
            continue
        pool_id = str(stack.names.ref(resource.logical_id, ""))
        triggers = properties.get("LambdaConfig")
        uncalled = sorted(str(name) for name in triggers or () if name not in CALLED_TRIGGERS)
        if isinstance(triggers, dict) and uncalled:
            # AWS differs: the embedded Cognito keeps these triggers but does not call them.
            stack.notices.append(
                Notice(
                    stack.file,
                    f"{resource.logical_id}.Properties.LambdaConfig",
                    "accepted; no local effect yet (the embedded Cognito does not call "
                    f"these triggers: {', '.join(uncalled)})",
                )
            )
        name = properties.get("UserPoolName") or stack.names.generated_name(
            resource.logical_id, 128
        )
        pools.append(
            UserPoolSpec(
                pool_id,
                str(name),
                _typed(properties, _POOL_TYPES),
                tuple(clients.get(pool_id, ())),
                tuple(groups.get(pool_id, ())),
            )
        )
    pool_ids = {
        str(each.names.ref(resource.logical_id, ""))
        for each in everywhere
        for resource in each.of_type("AWS::Cognito::UserPool")
    }
    # A client or group of a pool outside the deployment: nothing local to create it in.
    reason = "its user pool {} is not in the template: not created locally"
    for pool, orphans in own_clients.items():
        for client in orphans if pool not in pool_ids else ():
            stack.notices.append(
                Notice(stack.file, client.client_name, f"accepted; {reason.format(pool)}")
            )
    for pool, orphan_groups in own_groups.items():
        for group in orphan_groups if pool not in pool_ids else ():
            stack.notices.append(
                Notice(stack.file, group.group_name, f"accepted; {reason.format(pool)}")
            )
    return tuple(pools)


def _clients(stack: Stack) -> dict[str, list[UserPoolClientSpec]]:
    """Each `AWS::Cognito::UserPoolClient` `stack` declares, by its pool's id."""

    def client(
        resource: Resource, properties: dict[str, Any], _: PropertyReader
    ) -> UserPoolClientSpec:
        name = properties.get("ClientName") or resource.logical_id
        client_id = str(stack.names.ref(resource.logical_id, ""))
        return UserPoolClientSpec(client_id, str(name), _typed(properties, _CLIENT_TYPES))

    return _by_pool(stack, "AWS::Cognito::UserPoolClient", client)


def _groups(stack: Stack) -> dict[str, list[UserPoolGroupSpec]]:
    """Each `AWS::Cognito::UserPoolGroup` (GroupName, else the name CloudFormation generates,
    which its `Ref` gives; Description, Precedence, RoleArn), by its pool's id."""

    def group(
        resource: Resource, properties: dict[str, Any], reader: PropertyReader
    ) -> UserPoolGroupSpec:
        description = properties.get("Description")
        role = properties.get("RoleArn")
        return UserPoolGroupSpec(
            str(stack.names.ref(resource.logical_id, "")),
            None if description is None else str(description),
            integer(reader, properties, "Precedence", "Properties"),
            None if role is None else str(role),
        )

    return _by_pool(stack, USER_POOL_GROUP, group)


def _by_pool(
    stack: Stack,
    resource_type: str,
    make: Callable[[Resource, dict[str, Any], PropertyReader], _Made],
) -> dict[str, list[_Made]]:
    """What `make` reads of each resource of `resource_type` (a pool's client or group), by the
    id of the pool its `UserPoolId` names."""
    found: dict[str, list[_Made]] = {}
    for resource in stack.of_type(resource_type):
        properties = stack.properties(resource.logical_id)
        if properties is None:
            continue
        reader = PropertyReader(stack, resource.logical_id)
        pool = reader.string(properties, "UserPoolId", "Properties", required=True)
        if pool is not None:
            found.setdefault(pool, []).append(make(resource, properties, reader))
    return found


def read_identity_pools(stack: Stack) -> tuple[IdentityPoolSpec, ...]:
    """Each `AWS::Cognito::IdentityPool`, with the roles an `IdentityPoolRoleAttachment` of it
    gives (its `Roles`: `authenticated` and `unauthenticated`, role ARNs) and its
    `RoleMappings`. The pool's other providers (`SupportedLoginProviders`,
    `OpenIdConnectProviderARNs`, `SamlProviderARNs`) are kept by AWS only; a notice names them."""
    roles: dict[str, dict[str, str]] = {}
    mappings: dict[str, dict[str, Any]] = {}
    for resource in stack.of_type(ROLE_ATTACHMENT):
        properties = stack.properties(resource.logical_id)
        if properties is None:
            continue
        reader = PropertyReader(stack, resource.logical_id)
        pool = reader.string(properties, "IdentityPoolId", "Properties", required=True)
        given = properties.get("Roles") or {}
        if pool is None or not isinstance(given, dict):
            continue
        roles.setdefault(pool, {}).update(
            {kind: str(given[kind]) for kind in _ROLE_KINDS if isinstance(given.get(kind), str)}
        )
        mappings.setdefault(pool, {}).update(_role_mappings(reader, properties))
    pools = []
    for resource in stack.of_type(IDENTITY_POOL):
        properties = stack.properties(resource.logical_id)
        if properties is None:
            continue
        reader = PropertyReader(stack, resource.logical_id)
        pool_id = str(stack.names.ref(resource.logical_id, ""))
        providers = tuple(
            (str(item.get("ProviderName", "")), str(item.get("ClientId", "")))
            for item in properties.get("CognitoIdentityProviders") or ()
            if isinstance(item, dict)
        )
        for other in ("SupportedLoginProviders", "OpenIdConnectProviderARNs", "SamlProviderARNs"):
            if properties.get(other):
                # AWS differs: only the embedded user pools' tokens are verified locally.
                _ignored(stack, resource.logical_id, other)
        allowed = boolean(reader, properties, "AllowUnauthenticatedIdentities", "Properties")
        pools.append(
            IdentityPoolSpec(
                pool_id,
                identity_pool_name(stack.names, resource.logical_id),
                allowed,
                providers,
                roles.get(pool_id, {}),
                mappings.get(pool_id, {}),
            )
        )
    return tuple(pools)


def _role_mappings(reader: PropertyReader, properties: dict[str, Any]) -> dict[str, Any]:
    """An attachment's `RoleMappings` as SetIdentityPoolRoles takes them: keyed by the
    mapping's `IdentityProvider`, or by its key in the map when it names none (the
    CloudFormation User Guide's RoleMapping page)."""
    given = properties.get("RoleMappings")
    if given is None:
        return {}
    if not isinstance(given, dict):
        reader.problem("Properties.RoleMappings", "expected a map of role mappings")
        return {}
    found: dict[str, Any] = {}
    for key, mapping in given.items():
        path = f"Properties.RoleMappings.{key}"
        kind = mapping.get("Type") if isinstance(mapping, dict) else None
        if not isinstance(mapping, dict) or kind not in ("Token", "Rules"):
            reader.problem(f"{path}.Type", "expected Token or Rules")
            continue
        rules = (mapping.get("RulesConfiguration") or {}).get("Rules")
        if kind == "Rules" and not isinstance(rules, list):
            reader.problem(f"{path}.RulesConfiguration", "a Rules mapping needs its Rules")
            continue
        provider = str(mapping.get("IdentityProvider") or key)
        found[provider] = {
            name: value
            for name, value in mapping.items()
            if name in ("Type", "AmbiguousRoleResolution", "RulesConfiguration")
        }
    return found


def _ignored(stack: Stack, logical_id: str, name: str) -> None:
    what = "accepted; no local effect (only the embedded user pools sign identities in)"
    stack.notices.append(Notice(stack.file, f"{logical_id}.Properties.{name}", what))


# The Integer and Boolean properties of AWS::Cognito::UserPool and UserPoolClient (their
# CloudFormation resource schemas), by path; `[]` is each item of a list. A template gives them
# as strings when they come from a parameter (`MinimumLength: !Ref passwordPolicyMinLength`, as
# Amplify's auth stack does), and CloudFormation converts them to the property's type.
_POOL_TYPES: dict[tuple[str, ...], type] = {
    ("Policies", "PasswordPolicy", "MinimumLength"): int,
    ("Policies", "PasswordPolicy", "PasswordHistorySize"): int,
    ("Policies", "PasswordPolicy", "TemporaryPasswordValidityDays"): int,
    ("Policies", "PasswordPolicy", "RequireLowercase"): bool,
    ("Policies", "PasswordPolicy", "RequireNumbers"): bool,
    ("Policies", "PasswordPolicy", "RequireSymbols"): bool,
    ("Policies", "PasswordPolicy", "RequireUppercase"): bool,
    ("AdminCreateUserConfig", "AllowAdminCreateUserOnly"): bool,
    ("AdminCreateUserConfig", "UnusedAccountValidityDays"): int,
    ("UsernameConfiguration", "CaseSensitive"): bool,
    ("Schema", "[]", "Required"): bool,
    ("Schema", "[]", "Mutable"): bool,
    ("Schema", "[]", "DeveloperOnlyAttribute"): bool,
}
_CLIENT_TYPES: dict[tuple[str, ...], type] = {
    ("AccessTokenValidity",): int,
    ("IdTokenValidity",): int,
    ("RefreshTokenValidity",): int,
    ("AuthSessionValidity",): int,
    ("AllowedOAuthFlowsUserPoolClient",): bool,
    ("EnableTokenRevocation",): bool,
    ("EnablePropagateAdditionalUserContextData",): bool,
}


def _typed(properties: dict[str, Any], types: dict[tuple[str, ...], type]) -> dict[str, Any]:
    """`properties` with each string at a typed path converted as CloudFormation converts it."""
    result: dict[str, Any] = properties
    for path, kind in types.items():
        result = _converted(result, path, kind)
    return result


def _converted(value: Any, path: tuple[str, ...], kind: type) -> Any:
    if not path:
        if not isinstance(value, str):
            return value
        if kind is bool and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if kind is int and value.strip().lstrip("-").isdigit():
            return int(value)
        return value
    head, rest = path[0], path[1:]
    if head == "[]":
        return (
            [_converted(item, rest, kind) for item in value] if isinstance(value, list) else value
        )
    if not isinstance(value, dict) or head not in value:
        return value
    return {**value, head: _converted(value[head], rest, kind)}
