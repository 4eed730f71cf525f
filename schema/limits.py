"""AppSync's per-API query limits that the schema enforces: query depth and introspection.

"Configuring GraphQL run complexity, query depth, and introspection with AWS AppSync":
`queryDepthLimit` (1-75, 0 for none) turns every field nested deeper than the limit into a field
error, whose null climbs to the first nullable parent; with introspection disabled, `__schema`
and `__type` are validation errors ("will receive validation errors on their query").
"""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLError
from graphql.pyutils import Path
from graphql.validation import ValidationRule

from schema.errors import QueryDepthLimitError
from schema.messages import VALIDATION_ERROR_TYPE

QUERY_DEPTH_LIMIT_MAX = 75
_INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


def field_depth(path: Path) -> int:
    """A field's nesting level: 1 for a root field; list indexes do not count."""
    depth = 0
    step: Path | None = path
    while step is not None:
        if isinstance(step.key, str):
            depth += 1
        step = step.prev
    return depth


def check_depth(path: Path, limit: int) -> None:
    """Raise QueryDepthLimitError when the field at `path` lies deeper than `limit` (0: none)."""
    if limit <= 0:
        return
    depth = field_depth(path)
    if depth > limit:
        raise QueryDepthLimitError(limit, depth, str(path.key))


class NoIntrospectionRule(ValidationRule):
    """With introspection disabled, `__schema` and `__type` are undefined fields to AppSync.
    `__typename` stays allowed: clients such as Amplify add it to every selection."""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        name = node.name.value
        if name not in _INTROSPECTION_FIELDS:
            return
        parent = self.context.get_parent_type()
        description = f"Field '{name}' in type '{parent}' is undefined"
        self.report_error(
            GraphQLError(description, node, extensions={VALIDATION_ERROR_TYPE: "FieldUndefined"})
        )
