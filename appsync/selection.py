"""`ctx.info.selectionSetList` and `ctx.info.selectionSetGraphQL` for one resolved field.

From AppSync's resolver context reference (`info`): `selectionSetList` lists the fields of the
selection set, nested fields as `parent/child`, aliased fields by their alias, with the fields of
inline fragments and fragment spreads included; it "exposes only fields that belong to the
current type": for an interface or union, fragments on one of its concrete types are left out
(`node { id ... on Post { title } }` lists only `id`). `selectionSetGraphQL` is the field's
selection set printed as GraphQL, inline fragments kept and fragment spreads not merged, as the
direct Lambda resolver event shows it (`"{\\n  id\\n  field1\\n  field2\\n}"`).

Both are computed once per field node: the parsed document is cached by query text, so the same
node objects come back on every request for that text and the result is memoised on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionNode,
    get_named_type,
    print_ast,
)


@dataclass(frozen=True, slots=True)
class SelectionInfo:
    selection_set_list: tuple[str, ...]
    selection_set_graphql: str


_EMPTY = SelectionInfo((), "")


def selection_info(
    field_nodes: Sequence[FieldNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    return_type: GraphQLOutputType | None = None,
) -> SelectionInfo:
    """The selection of the first node for this field (graphql-core merges the rest into it).

    `return_type` is the field's type; without it every fragment's fields are listed."""
    node = field_nodes[0]
    cached = _CACHE.get(id(node))
    if cached is not None and cached[0] is node:
        return cached[1]
    selection_set = node.selection_set
    if selection_set is None:
        info = _EMPTY
    else:
        names: dict[str, None] = {}
        current = get_named_type(return_type) if return_type is not None else None
        _collect(selection_set.selections, fragments, current, "", names, set())
        info = SelectionInfo(tuple(names), print_ast(selection_set))
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[id(node)] = (node, info)
    return info


# Keyed by node identity and holding the node, so a recycled id never returns a stale entry.
_CACHE: dict[int, tuple[FieldNode, SelectionInfo]] = {}
_CACHE_SIZE = 4096


def _belongs(condition: NamedTypeNode | None, current: GraphQLNamedType | None) -> bool:
    return condition is None or current is None or condition.name.value == current.name


def _child_type(current: GraphQLNamedType | None, name: str) -> GraphQLNamedType | None:
    if isinstance(current, GraphQLObjectType | GraphQLInterfaceType):
        field = current.fields.get(name)
        if field is not None:
            named: GraphQLNamedType = get_named_type(field.type)
            return named
    return None


def _collect(
    selections: Sequence[SelectionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    current: GraphQLNamedType | None,
    prefix: str,
    names: dict[str, None],
    visiting: set[str],
) -> None:
    for selection in selections:
        if isinstance(selection, FieldNode):
            path = f"{prefix}{(selection.alias or selection.name).value}"
            names[path] = None  # a dict keeps first-seen order without duplicates
            if selection.selection_set is not None:
                child = _child_type(current, selection.name.value)
                nested = selection.selection_set.selections
                _collect(nested, fragments, child, f"{path}/", names, visiting)
        elif isinstance(selection, InlineFragmentNode):
            if _belongs(selection.type_condition, current):
                nested = selection.selection_set.selections
                _collect(nested, fragments, current, prefix, names, visiting)
        elif isinstance(selection, FragmentSpreadNode):
            fragment_name = selection.name.value
            fragment = fragments.get(fragment_name)
            # Validation rejects fragment cycles; the guard keeps this total anyway.
            if (
                fragment is not None
                and fragment_name not in visiting
                and _belongs(fragment.type_condition, current)
            ):
                visiting.add(fragment_name)
                nested = fragment.selection_set.selections
                _collect(nested, fragments, current, prefix, names, visiting)
                visiting.discard(fragment_name)
