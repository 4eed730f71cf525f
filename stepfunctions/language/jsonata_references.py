"""Which names a JSONata expression reads from the top-level context.

Step Functions evaluates JSONata with no context document: data is reached through `$states`
and variables only. CreateStateMachine therefore refuses a bare top-level reference such as
`{% phone %}` with "UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the top level is
not supported." (measured against AWS in floci-io/floci#2670). A name is top level when it is
evaluated against the root context: the first step of a path, or a bare name inside an
operator, a call argument, a constructor or a block. Steps after the first, filters, sort
terms and lambda bodies are evaluated against other contexts and are not reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["top_level_references"]

# Children evaluated in the same context as their parent node.
_SAME_CONTEXT = (
    "lhs",
    "rhs",
    "expression",
    "expressions",
    "arguments",
    "condition",
    "then",
    "_else",
    "lhs_object",
)
# Children evaluated against the items a step produced, never the root.
_STEP_CONTEXT = ("stages", "predicate", "group", "terms")


def top_level_references(ast: Any) -> list[str]:
    """The distinct top-level names of a parsed expression, in the order they are written."""
    seen: list[str] = []
    for name in _walk(ast, at_root=True):
        if name not in seen:
            seen.append(name)
    return seen


def _walk(node: Any, *, at_root: bool) -> Iterator[str]:
    if isinstance(node, list | tuple):
        for item in node:
            yield from _walk(item, at_root=at_root)
        return
    kind = getattr(node, "type", None)
    if kind is None:
        return
    if kind == "name":
        if at_root:
            yield str(node.value)
        yield from _walk_children(node, _STEP_CONTEXT, at_root=False)
        return
    if kind == "lambda":
        # A lambda body runs against the context it is called with, unknown here.
        return
    if kind == "path":
        steps = getattr(node, "steps", None) or []
        for index, step in enumerate(steps):
            yield from _walk(step, at_root=at_root and index == 0)
        yield from _walk_children(node, _STEP_CONTEXT, at_root=False)
        return
    yield from _walk_children(node, _SAME_CONTEXT, at_root=at_root)
    yield from _walk_children(node, _STEP_CONTEXT, at_root=False)


def _walk_children(node: Any, names: tuple[str, ...], *, at_root: bool) -> Iterator[str]:
    for attribute in names:
        child = getattr(node, attribute, None)
        if child is not None:
            yield from _walk(child, at_root=at_root)
