"""`ctx.info.selectionSetList` and `ctx.info.selectionSetGraphQL` for one resolved field.

From AppSync's resolver context reference (`info`): `selectionSetList` lists the fields of the
selection set, nested fields as `parent/child`, aliased fields by their alias, with the fields of
inline fragments and fragment spreads included; `selectionSetGraphQL` is the field's selection
set printed as GraphQL, where inline fragments are kept and fragment spreads are not merged.

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
    InlineFragmentNode,
    SelectionNode,
    print_ast,
)


@dataclass(frozen=True, slots=True)
class SelectionInfo:
    selection_set_list: tuple[str, ...]
    selection_set_graphql: str


_EMPTY = SelectionInfo((), "")


def selection_info(
    field_nodes: Sequence[FieldNode], fragments: Mapping[str, FragmentDefinitionNode]
) -> SelectionInfo:
    """The selection of the first node for this field (graphql-core merges the rest into it)."""
    node = field_nodes[0]
    cached = _CACHE.get(id(node))
    if cached is not None and cached[0] is node:
        return cached[1]
    selection_set = node.selection_set
    if selection_set is None:
        info = _EMPTY
    else:
        names: dict[str, None] = {}
        _collect(selection_set.selections, fragments, "", names, set())
        info = SelectionInfo(tuple(names), print_ast(selection_set))
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[id(node)] = (node, info)
    return info


# Keyed by node identity and holding the node, so a recycled id never returns a stale entry.
_CACHE: dict[int, tuple[FieldNode, SelectionInfo]] = {}
_CACHE_SIZE = 4096


def _collect(
    selections: Sequence[SelectionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    prefix: str,
    names: dict[str, None],
    visiting: set[str],
) -> None:
    for selection in selections:
        if isinstance(selection, FieldNode):
            name = (selection.alias or selection.name).value
            path = f"{prefix}{name}"
            names[path] = None  # a dict keeps first-seen order without duplicates
            if selection.selection_set is not None:
                _collect(selection.selection_set.selections, fragments, f"{path}/", names, visiting)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set.selections, fragments, prefix, names, visiting)
        elif isinstance(selection, FragmentSpreadNode):
            fragment_name = selection.name.value
            fragment = fragments.get(fragment_name)
            # Validation rejects fragment cycles; the guard keeps this total anyway.
            if fragment is not None and fragment_name not in visiting:
                visiting.add(fragment_name)
                _collect(fragment.selection_set.selections, fragments, prefix, names, visiting)
                visiting.discard(fragment_name)
