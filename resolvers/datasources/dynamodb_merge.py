"""What a conflicting write would have made of an item, and Automerge's rules for merging it.

Both work on DynamoDB's typed attribute values (`{"S": "x"}`, `{"L": [...]}`, `{"M": {...}}`).

`preview_update` applies an UpdateItem's expression to a copy of the stored item, with moto's
parser and executor for update expressions (the embedded DynamoDB's own, run on a copy, writing
nothing): the "preview item, if the mutation succeeded" that a Lambda conflict handler receives
as `newItem`, and the incoming image Automerge merges.

`automerge` follows "Conflict detection and resolution in AWS AppSync", Automerge:

- a scalar field (anything not a list, set or map) that differs keeps the server's value;
- a list (GraphQL list, DynamoDB list) gets the incoming values appended, duplicates kept;
- a set (GraphQL list, DynamoDB set) gets the union, without duplicates;
- a field the incoming item adds, or one whose server value is null, takes the incoming value;
- a map (DynamoDB map) is merged by the same rules, attribute by attribute;
- a field the incoming item leaves out keeps the server's value.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from moto.dynamodb.exceptions import DynamodbException, MockValidationException
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.parsing.executors import UpdateExpressionExecutor
from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]
from moto.dynamodb.parsing.validators import UpdateExpressionValidator

from resolvers.errors import DynamoDBServiceError

# What AppSync manages on a versioned data source ("Versioned data source metadata"): never
# merged from a client's item.
SYNC_METADATA = frozenset({"_version", "_lastChangedAt", "_deleted", "_ttl"})
_SETS = ("SS", "NS", "BS")
_SET_MEMBERS = {"SS": "S", "NS": "N", "BS": "B"}


def automerge(existing: Mapping[str, Any], incoming: Mapping[str, Any]) -> dict[str, Any]:
    """The server's item with the incoming one merged in (sync metadata left to the caller)."""
    merged = dict(existing)
    for name, value in incoming.items():
        if name not in SYNC_METADATA:
            merged[name] = _merge(existing.get(name), value)
    return merged


def _merge(current: Mapping[str, Any] | None, incoming: Mapping[str, Any]) -> Any:
    if current is None or "NULL" in current:
        return incoming
    if current == incoming:
        return current
    if "M" in current and "M" in incoming:
        merged = dict(current["M"])
        for name, value in incoming["M"].items():
            merged[name] = _merge(current["M"].get(name), value)
        return {"M": merged}
    if "L" in current and "L" in incoming:
        return {"L": [*current["L"], *incoming["L"]]}
    kind = next((kind for kind in _SETS if kind in current), None)
    if kind is not None:
        members = _set_members(kind, incoming)
        if members is not None:
            return {kind: [*current[kind], *(m for m in members if m not in current[kind])]}
    return current


def _set_members(kind: str, incoming: Mapping[str, Any]) -> list[Any] | None:
    """The incoming values as members of a `kind` set: a set of that kind, or a list of its
    scalars (a GraphQL list a template typed as a list); None for anything else."""
    if kind in incoming:
        return list(dict.fromkeys(incoming[kind]))
    scalar = _SET_MEMBERS[kind]
    items = incoming.get("L")
    if isinstance(items, list) and all(set(item) == {scalar} for item in items):
        return list(dict.fromkeys(item[scalar] for item in items))
    return None


@dataclass(frozen=True, slots=True)
class _KeyAttributes:
    """What moto's validators read of a table: the key attributes an update may not change."""

    table_key_attrs: Sequence[str]
    attribute_keys: Sequence[str]
    attr: Sequence[Mapping[str, str]] = field(default=())


def preview_update(
    item: Mapping[str, Any],
    key: Mapping[str, Any],
    expression: str,
    names: Mapping[str, str],
    values: Mapping[str, Any],
) -> dict[str, Any]:
    """`item` as UpdateItem would leave it; an expression DynamoDB would refuse is its
    ValidationException."""
    key_names = list(key)
    hash_key = DynamoType(dict(key[key_names[0]]))
    range_key = DynamoType(dict(key[key_names[1]])) if len(key_names) > 1 else None
    target = Item(hash_key, range_key, copy.deepcopy(dict(item)))
    table = _KeyAttributes(key_names, key_names)
    try:
        tree = UpdateExpressionParser.make(expression)
        validated = UpdateExpressionValidator(
            tree,
            expression_attribute_names=dict(names),
            expression_attribute_values=dict(values),
            item=target,
            table=table,  # type: ignore[arg-type]  # moto reads only the key attributes
        ).validate()
        validated.normalize()
        UpdateExpressionExecutor(validated, target, dict(names)).execute()
    except (MockValidationException, DynamodbException) as error:
        raise DynamoDBServiceError("ValidationException", str(error.message)) from error
    attributes: dict[str, Any] = target.to_json()["Attributes"]
    return attributes
