"""What both executors call for each field: its resolution as AppSync resolves it, and the
completion of a leaf value as graphql-java serializes it.

`ExecutableSchema` (schema/executable.py) hands `FieldResolution.resolve` and `complete_leaf` to
graphql-core's executor and to the plain executor (schema/plain_executor.py); neither executor
calls back into the executable schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    Executor,
    GraphQLEnumType,
    GraphQLError,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    VariableNode,
    specified_scalar_types,
)

from schema.errors import CoercionError
from schema.limits import check_depth
from schema.scalars import java_string, serialize_builtin

FieldResolver = Callable[[Any, GraphQLResolveInfo[Any], dict[str, Any]], Any]
"""A field's resolver: (source, info, arguments) -> value or awaitable. Called per resolution."""


def appsync_arguments(info: GraphQLResolveInfo[Any], arguments: dict[str, Any]) -> dict[str, Any]:
    """The arguments AppSync hands a resolver: only those the operation writes. A schema default
    is not applied (aws/aws-appsync-community#59) and an argument bound to a variable the request
    left out arrives as an explicit null (aws/aws-appsync-community#348)."""
    written = info.field_nodes[0].arguments
    if not written:
        return {}
    return {
        node.name.value: arguments.get(node.name.value)
        for node in written
        if node.name.value in arguments or isinstance(node.value, VariableNode)
    }


class FieldResolution:
    """The resolvers of a schema's object fields, and AppSync's default for the others.

    `resolver_for(type_name, field_name)` is called once per object field at build time; None
    means AppSync's default: the value under the field's name in the parent map.
    """

    __slots__ = ("_depth_limit", "_resolvers")

    def __init__(
        self,
        schema: GraphQLSchema,
        resolver_for: Callable[[str, str], FieldResolver | None],
        query_depth_limit: int,
    ) -> None:
        resolvers: dict[str, dict[str, FieldResolver]] = {}
        for type_ in schema.type_map.values():
            if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
                continue
            for field_name in type_.fields:
                resolver = resolver_for(type_.name, field_name)
                if resolver is not None:
                    resolvers.setdefault(type_.name, {})[field_name] = resolver
        self._resolvers = resolvers
        self._depth_limit = query_depth_limit

    def resolve(self, source: Any, info: GraphQLResolveInfo[Any], **arguments: Any) -> Any:
        """A field's value, as graphql-core's `field_resolver` is called."""
        if self._depth_limit:
            check_depth(info.path, self._depth_limit)
        by_field = self._resolvers.get(info.parent_type.name)
        if by_field is not None:
            resolver = by_field.get(info.field_name)
            if resolver is not None:
                return resolver(source, info, appsync_arguments(info, arguments))
        if type(source) is dict or isinstance(source, Mapping):
            return source.get(info.field_name)
        return None


def complete_leaf(return_type: GraphQLLeafType, result: Any) -> Any:
    """graphql-core's leaf completion with graphql-java's result coercion for the GraphQL scalars
    and graphql-java's words for an enum value the schema does not know."""
    name = return_type.name
    if specified_scalar_types.get(name) is return_type:
        return serialize_builtin(name, result)
    if isinstance(return_type, GraphQLEnumType):
        try:
            return Executor.complete_leaf_value(return_type, result)
        except (GraphQLError, TypeError):
            # graphql-java GraphQLEnumType.serialize.
            detail = f"Invalid input for Enum '{name}'. Unknown value '{java_string(result)}'"
            raise CoercionError(detail) from None
    return Executor.complete_leaf_value(return_type, result)
