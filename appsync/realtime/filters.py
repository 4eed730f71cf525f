"""Which published payloads reach which subscriber, and what they contain.

- **Argument filters** ("Using subscription arguments", AWS AppSync real-time data guide): each
  argument the client gave is matched for equality against the top-level field of the same
  name in the mutation's result; all must match. An argument given as null, or omitted, does
  not filter.
- **Enhanced filters** ("Defining enhanced subscriptions filters", and `filterJsonObject` in
  the Extensions reference): `{"filterGroup": [{"filters": [{"fieldName", "operator",
  "value"}]}]}`; a payload is delivered when the filters of at least one group all hold. The
  same object is the invalidation filter, evaluated against an invalidation's payload.
- **The selection-set rule**: subscribers receive the mutation's result cut to the mutation's
  own selection set ("the mutation selection set is sent to subscribers"); `published_payloads`
  recovers that result by field name from the mutation's response.

Filters are compiled once, when the subscription starts; delivery only evaluates them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

from appsync.errors import FilterError

_MISSING = object()


class FilterOperator(StrEnum):
    """Operators of enhanced subscription filters (AppSync's filter types, LS-UTILS)."""

    EQ = "eq"
    NE = "ne"
    LE = "le"
    LT = "lt"
    GE = "ge"
    GT = "gt"
    CONTAINS = "contains"
    NOT_CONTAINS = "notContains"
    BEGINS_WITH = "beginsWith"
    IN = "in"
    NOT_IN = "notIn"
    BETWEEN = "between"
    ATTRIBUTE_EXISTS = "attributeExists"
    CONTAINS_ANY = "containsAny"


Predicate = Callable[[Any], bool]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _comparable(left: Any, right: Any) -> bool:
    return (_number(left) and _number(right)) or (isinstance(left, str) and isinstance(right, str))


def _contains(actual: Any, value: Any) -> bool:
    if isinstance(actual, str):
        return isinstance(value, str) and value in actual
    if isinstance(actual, list):
        return value in actual
    return False


def _predicate(operator: FilterOperator, value: Any) -> Predicate:
    """The test one filter applies to the field's value (`_MISSING` when the field is absent).

    AWS differs: how each operator treats an absent field is not documented; here only
    `attributeExists: false` (and `ne`, `notIn`, `notContains` on a present value) hold for it.
    """
    match operator:
        case FilterOperator.EQ:
            return lambda actual: actual is not _MISSING and actual == value
        case FilterOperator.NE:
            return lambda actual: actual is not _MISSING and actual != value
        case FilterOperator.LE:
            return lambda actual: _comparable(actual, value) and actual <= value
        case FilterOperator.LT:
            return lambda actual: _comparable(actual, value) and actual < value
        case FilterOperator.GE:
            return lambda actual: _comparable(actual, value) and actual >= value
        case FilterOperator.GT:
            return lambda actual: _comparable(actual, value) and actual > value
        case FilterOperator.CONTAINS:
            return lambda actual: _contains(actual, value)
        case FilterOperator.NOT_CONTAINS:
            return lambda actual: actual is not _MISSING and not _contains(actual, value)
        case FilterOperator.BEGINS_WITH:
            _require(isinstance(value, str), operator, "a string")
            return lambda actual: isinstance(actual, str) and actual.startswith(value)
        case FilterOperator.IN:
            _require(isinstance(value, list), operator, "a list")
            return lambda actual: actual is not _MISSING and actual in value
        case FilterOperator.NOT_IN:
            _require(isinstance(value, list), operator, "a list")
            return lambda actual: actual is not _MISSING and actual not in value
        case FilterOperator.BETWEEN:
            _require(isinstance(value, list) and len(value) == 2, operator, "a list of two values")
            low, high = value
            return lambda actual: (
                _comparable(actual, low) and _comparable(actual, high) and low <= actual <= high
            )
        case FilterOperator.ATTRIBUTE_EXISTS:
            _require(isinstance(value, bool), operator, "a boolean")
            return lambda actual: (actual is not _MISSING and actual is not None) is value
        case FilterOperator.CONTAINS_ANY:
            _require(isinstance(value, list), operator, "a list")
            return lambda actual: any(_contains(actual, item) for item in value)


def _require(condition: bool, operator: FilterOperator, expected: str) -> None:
    if not condition:
        raise FilterError(f"The value of operator '{operator}' must be {expected}")


def _lookup(payload: Any, path: tuple[str, ...]) -> Any:
    value = payload
    for name in path:
        if not isinstance(value, Mapping) or name not in value:
            return _MISSING
        value = value[name]
    return value


@dataclass(frozen=True, slots=True)
class Filter:
    """One `{"fieldName", "operator", "value"}`; a dotted fieldName reaches nested fields."""

    field_path: tuple[str, ...]
    operator: FilterOperator
    value: Any
    test: Predicate

    def matches(self, payload: Mapping[str, Any]) -> bool:
        return self.test(_lookup(payload, self.field_path))


@dataclass(frozen=True, slots=True)
class SubscriptionFilter:
    """Filter groups: OR'ed; the filters of one group: AND'ed."""

    groups: tuple[tuple[Filter, ...], ...]

    def matches(self, payload: Mapping[str, Any]) -> bool:
        return any(all(f.matches(payload) for f in group) for group in self.groups)


def compile_filter(value: Any) -> SubscriptionFilter:
    """A `filterJsonObject` as given to setSubscriptionFilter or
    setSubscriptionInvalidationFilter (a Map, or its JSON text); raises FilterError."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise FilterError("The subscription filter is not valid JSON") from None
    if not isinstance(value, Mapping) or not isinstance(value.get("filterGroup"), list):
        raise FilterError("The subscription filter must be an object with a 'filterGroup' list")
    groups: list[tuple[Filter, ...]] = []
    for group in value["filterGroup"]:
        filters = group.get("filters") if isinstance(group, Mapping) else None
        if not isinstance(filters, list) or not filters:
            raise FilterError("Each filterGroup entry must hold a non-empty 'filters' list")
        groups.append(tuple(_compile_one(item) for item in filters))
    return SubscriptionFilter(tuple(groups))


def _compile_one(item: Any) -> Filter:
    if not isinstance(item, Mapping):
        raise FilterError("A filter must be an object with fieldName, operator and value")
    field_name = item.get("fieldName")
    operator_name = item.get("operator")
    if not isinstance(field_name, str) or not field_name:
        raise FilterError("A filter's fieldName must be a non-empty string")
    if operator_name not in FilterOperator.__members__.values():
        raise FilterError(f"Unsupported filter operator '{operator_name}'")
    operator = FilterOperator(str(operator_name))
    value = item.get("value")
    return Filter(tuple(field_name.split(".")), operator, value, _predicate(operator, value))


def extension_filter(extensions: Mapping[str, Any], key: str) -> SubscriptionFilter | None:
    """The filter a subscription resolver set under `key` of `ResolverContext.extensions`
    ("setSubscriptionFilter" / "setSubscriptionInvalidationFilter"), compiled; None if unset."""
    value = extensions.get(key)
    return compile_filter(value) if value is not None else None


@dataclass(frozen=True, slots=True)
class ArgumentFilter:
    """The subscription's non-null arguments, matched for equality against the payload's
    top-level fields.

    AWS differs: that a null argument does not filter is the behaviour users report, not a
    documented rule (reference/appsync.md 3.4).
    """

    arguments: tuple[tuple[str, Any], ...]

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, Any]) -> ArgumentFilter:
        return cls(tuple((name, value) for name, value in arguments.items() if value is not None))

    def matches(self, payload: Mapping[str, Any]) -> bool:
        # A loop, not `all()` over a generator: this runs once per subscriber and publication.
        for name, value in self.arguments:
            if name not in payload or not _equal(payload[name], value):
                return False
        return True


def _equal(actual: Any, expected: Any) -> bool:
    # An ID argument arrives as a string; the result may hold the same ID as a number.
    if isinstance(expected, str) and _number(actual):
        return str(actual) == expected
    return bool(actual == expected)


def published_payloads(
    document: DocumentNode, operation_name: str | None, data: Mapping[str, Any] | None
) -> list[tuple[str, dict[str, Any]]]:
    """Each top-level mutation field's result as subscribers receive it: the response's value
    for that field, keyed by field names instead of the mutation's aliases. A field whose
    result is null publishes nothing. Empty when the operation is not a mutation."""
    operation = _operation(document, operation_name)
    if operation is None or operation.operation is not OperationType.MUTATION or not data:
        return []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    published: list[tuple[str, dict[str, Any]]] = []
    for node in _fields(operation.selection_set, fragments):
        value = data.get((node.alias or node.name).value)
        if isinstance(value, Mapping):
            published.append((node.name.value, _unaliased(value, node.selection_set, fragments)))
    return published


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        return next((op for op in operations if op.name and op.name.value == name), None)
    return operations[0] if len(operations) == 1 else None


def _fields(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    spread: set[str] | None = None,
) -> list[FieldNode]:
    """The fields of a selection set, inline fragments and spreads flattened; a fragment spread
    again in the same selection is collected once, as GraphQL's CollectFields does (and so
    nested fragments each spreading the next twice are walked once, not 2^depth times)."""
    spread = set() if spread is None else spread
    found: list[FieldNode] = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_fields(selection.selection_set, fragments, spread))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in spread:
                spread.add(name)
                found.extend(_fields(fragment.selection_set, fragments, spread))
    return found


def _unaliased(
    value: Any,
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> Any:
    if selection_set is None or value is None:
        return value
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_unaliased(item, selection_set, fragments) for item in value]
    if not isinstance(value, Mapping):
        return value
    result: dict[str, Any] = {}
    for node in _fields(selection_set, fragments):
        key = (node.alias or node.name).value
        if key in value:
            result[node.name.value] = _unaliased(value[key], node.selection_set, fragments)
    return result
