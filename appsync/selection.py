"""`ctx.info.selectionSetList` and `ctx.info.selectionSetGraphQL` for one resolved field.

From AppSync's resolver context reference (`info`): `selectionSetList` lists the fields of the
selection set, nested fields as `parent/child`, aliased fields by their alias, with the fields of
inline fragments and fragment spreads included; it "exposes only fields that belong to the
current type": for an interface or union, fragments on one of its concrete types are left out
(`node { id ... on Post { title } }` lists only `id`). `selectionSetGraphQL` is the field's
selection set printed as GraphQL, inline fragments kept and fragment spreads not merged, as the
direct Lambda resolver event shows it (`"{\\n  id\\n  field1\\n  field2\\n}"`).

Both are computed once per field node and kept in the prepared document's own memo
(`PreparedDocument.derived`, by node identity), so they live and die with the document. A
fragment spread several times at one place in the selection is listed once and walked once, so
the work is that of the list it makes (nested fragments that each spread the next twice cost no
more than spreading it once).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
    memo: dict[int, Any] | None = None,
) -> SelectionInfo:
    """The selection of the first node for this field (graphql-core merges the rest into it).

    `return_type` is the field's type; without it every fragment's fields are listed. `memo` is
    the document's (`PreparedDocument.derived`): its nodes' identities are stable while it
    lives."""
    node = field_nodes[0]
    if memo is not None:
        cached = memo.get(id(node))
        if isinstance(cached, SelectionInfo):
            return cached
    selection_set = node.selection_set
    if selection_set is None:
        info = _EMPTY
    else:
        names: dict[str, None] = {}
        current = get_named_type(return_type) if return_type is not None else None
        _Collector(fragments, names).collect(selection_set.selections, current, "")
        info = SelectionInfo(tuple(names), print_ast(selection_set))
    if memo is not None:
        memo[id(node)] = info
    return info


def _belongs(condition: NamedTypeNode | None, current: GraphQLNamedType | None) -> bool:
    return condition is None or current is None or condition.name.value == current.name


def _child_type(current: GraphQLNamedType | None, name: str) -> GraphQLNamedType | None:
    if isinstance(current, GraphQLObjectType | GraphQLInterfaceType):
        field = current.fields.get(name)
        if field is not None:
            named: GraphQLNamedType = get_named_type(field.type)
            return named
    return None


class _Collector:
    """The paths of one field's selection. A fragment is walked once per place it is spread at
    (path prefix and parent type): spreading it again there adds no path."""

    __slots__ = ("_expanded", "_fragments", "_names", "_visiting")

    def __init__(
        self, fragments: Mapping[str, FragmentDefinitionNode], names: dict[str, None]
    ) -> None:
        self._fragments = fragments
        self._names = names  # a dict keeps first-seen order without duplicates
        self._expanded: set[tuple[str, str, str | None]] = set()
        self._visiting: set[str] = set()

    def collect(
        self, selections: Sequence[SelectionNode], current: GraphQLNamedType | None, prefix: str
    ) -> None:
        for selection in selections:
            if isinstance(selection, FieldNode):
                path = f"{prefix}{(selection.alias or selection.name).value}"
                self._names[path] = None
                if selection.selection_set is not None:
                    child = _child_type(current, selection.name.value)
                    self.collect(selection.selection_set.selections, child, f"{path}/")
            elif isinstance(selection, InlineFragmentNode):
                if _belongs(selection.type_condition, current):
                    self.collect(selection.selection_set.selections, current, prefix)
            elif isinstance(selection, FragmentSpreadNode):
                self._spread(selection.name.value, current, prefix)

    def _spread(self, name: str, current: GraphQLNamedType | None, prefix: str) -> None:
        fragment = self._fragments.get(name)
        place = (name, prefix, current.name if current is not None else None)
        # Validation rejects fragment cycles; `_visiting` keeps this total anyway.
        if (
            fragment is None
            or place in self._expanded
            or name in self._visiting
            or not _belongs(fragment.type_condition, current)
        ):
            return
        self._expanded.add(place)
        self._visiting.add(name)
        self.collect(fragment.selection_set.selections, current, prefix)
        self._visiting.discard(name)
