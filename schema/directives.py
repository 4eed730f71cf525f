"""The schema's `@aws_*` directive usages, read once at load into typed values.

Auth directives ("Configuring authorization and authentication to secure your GraphQL APIs",
AWS AppSync developer guide): `@aws_api_key`, `@aws_iam`, `@aws_oidc`, `@aws_lambda` and
`@aws_cognito_user_pools(cognito_groups)` on object types and fields, and the legacy
`@aws_auth(cognito_groups)`. Subscription triggers ("Real-time data"): `@aws_subscribe(mutations)`
on a subscription field, and the legacy `@aws_publish(subscriptions)` on a mutation field, which
names the subscriptions it publishes to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graphql import (
    ConstDirectiveNode,
    DirectiveNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    ListValueNode,
    StringValueNode,
    ValueNode,
)

from auth.modes import AuthDirective, AuthMode

_AUTH_MODES: Mapping[str, AuthMode] = {
    "aws_api_key": AuthMode.API_KEY,
    "aws_iam": AuthMode.AWS_IAM,
    "aws_oidc": AuthMode.OPENID_CONNECT,
    "aws_lambda": AuthMode.AWS_LAMBDA,
    "aws_cognito_user_pools": AuthMode.AMAZON_COGNITO_USER_POOLS,
    "aws_auth": AuthMode.AMAZON_COGNITO_USER_POOLS,
}

# The auth directives' names, as SDL writes them.
AUTH_DIRECTIVES = frozenset(_AUTH_MODES)

_NO_AUTH: tuple[AuthDirective, ...] = ()


@dataclass(frozen=True, slots=True)
class SubscriptionTrigger:
    """The mutations whose results a subscription field receives, in schema order."""

    mutations: tuple[str, ...]


def _string_list(value: ValueNode | None) -> tuple[str, ...] | None:
    """A `[String]` argument as a tuple; a single string counts as a one-element list, as
    GraphQL input coercion allows."""
    if value is None:
        return None
    if isinstance(value, StringValueNode):
        return (value.value,)
    if isinstance(value, ListValueNode):
        return tuple(item.value for item in value.values if isinstance(item, StringValueNode))
    return None


def _argument(directive: DirectiveNode, name: str) -> ValueNode | None:
    for argument in directive.arguments or ():
        if argument.name.value == name:
            return argument.value
    return None


def _auth_directives(directives: Iterable[DirectiveNode]) -> tuple[AuthDirective, ...]:
    found: list[AuthDirective] = []
    for directive in directives:
        name = directive.name.value
        mode = _AUTH_MODES.get(name)
        if mode is None:
            continue
        groups = None
        if mode is AuthMode.AMAZON_COGNITO_USER_POOLS:
            listed = _string_list(_argument(directive, "cognito_groups"))
            groups = frozenset(listed) if listed is not None else None
        found.append(AuthDirective(mode, groups, legacy_aws_auth=name == "aws_auth"))
    return tuple(found)


def _type_directives(type_: GraphQLObjectType | GraphQLInterfaceType) -> list[ConstDirectiveNode]:
    # `extend type Query @aws_api_key` adds to the type's own directives, as AppSync merges them.
    nodes = [type_.ast_node, *type_.extension_ast_nodes]
    return [directive for node in nodes if node is not None for directive in node.directives or ()]


class DirectiveIndex:
    """Every `@aws_*` usage of one schema, looked up by type and field name."""

    __slots__ = ("_field_auth", "_triggers", "_type_auth")

    def __init__(
        self,
        type_auth: Mapping[str, tuple[AuthDirective, ...]],
        field_auth: Mapping[tuple[str, str], tuple[AuthDirective, ...]],
        triggers: Mapping[str, SubscriptionTrigger],
    ) -> None:
        self._type_auth = dict(type_auth)
        self._field_auth = dict(field_auth)
        self._triggers = dict(triggers)

    @classmethod
    def from_schema(cls, schema: GraphQLSchema) -> DirectiveIndex:
        type_auth: dict[str, tuple[AuthDirective, ...]] = {}
        field_auth: dict[tuple[str, str], tuple[AuthDirective, ...]] = {}
        subscribed: dict[str, list[str]] = {}
        published: dict[str, list[str]] = {}
        mutation_type = schema.mutation_type
        subscription_type = schema.subscription_type
        for type_ in schema.type_map.values():
            if not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
                continue
            if type_.name.startswith("__"):
                continue
            on_type = _auth_directives(_type_directives(type_))
            if on_type:
                type_auth[type_.name] = on_type
            for field_name, field in type_.fields.items():
                if field.ast_node is None:
                    continue
                directives = field.ast_node.directives or ()
                on_field = _auth_directives(directives)
                if on_field:
                    field_auth[(type_.name, field_name)] = on_field
                for directive in directives:
                    name = directive.name.value
                    if name == "aws_subscribe" and type_ is subscription_type:
                        mutations = _string_list(_argument(directive, "mutations")) or ()
                        subscribed.setdefault(field_name, []).extend(mutations)
                    elif name == "aws_publish" and type_ is mutation_type:
                        targets = _string_list(_argument(directive, "subscriptions")) or ()
                        for subscription in targets:
                            published.setdefault(subscription, []).append(field_name)
        triggers: dict[str, SubscriptionTrigger] = {}
        for subscription in (*subscribed, *published):
            names = [*subscribed.get(subscription, ()), *published.get(subscription, ())]
            triggers[subscription] = SubscriptionTrigger(tuple(dict.fromkeys(names)))
        return cls(type_auth, field_auth, triggers)

    def type_auth(self, type_name: str) -> tuple[AuthDirective, ...]:
        """The auth directives on an object type; empty when it has none."""
        return self._type_auth.get(type_name, _NO_AUTH)

    def field_auth(self, type_name: str, field_name: str) -> tuple[AuthDirective, ...]:
        """The auth directives on one field; empty when it has none (the type's then apply)."""
        return self._field_auth.get((type_name, field_name), _NO_AUTH)

    def subscription_trigger(self, field_name: str) -> SubscriptionTrigger | None:
        """The mutations that trigger a subscription field; None for a field without
        `@aws_subscribe` (a subscription clients can only reach through `@aws_publish`, or none)."""
        return self._triggers.get(field_name)
