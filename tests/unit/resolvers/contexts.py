"""A field's resolver context as the server fills it, for the resolver tests that need only a
field name, its parent type and arguments."""

from __future__ import annotations

from typing import Any

from resolvers.context import RequestInfo, ResolverContext, ResolverInfo


def field_context(
    field_name: str = "getPost",
    parent_type_name: str = "Query",
    arguments: dict[str, Any] | None = None,
) -> ResolverContext:
    """The context of `parent_type_name.field_name(arguments)`, with no source, identity,
    selection set or request headers."""
    return ResolverContext(
        arguments=arguments if arguments is not None else {},
        source=None,
        identity=None,
        info=ResolverInfo(field_name, parent_type_name, {}, [], ""),
        request=RequestInfo({}),
    )
