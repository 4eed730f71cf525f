"""The DynamoDB module functions of `@aws-appsync/utils/dynamodb`: request documents from plain
values.

Here in `util/` beside `util/dynamodb.py` (`util.dynamodb`, which it builds on) because `util/`
holds what the `@aws-appsync/utils` package provides, once for every runtime: PYTHON resolvers
import this module, and the APPSYNC_JS runtime's `@aws-appsync/utils/dynamodb` module is to call
the same functions.

APPSYNC_JS resolvers write `import * as ddb from '@aws-appsync/utils/dynamodb'` and return
`ddb.get({ key: { id: ctx.args.id } })`; PYTHON resolvers do the same::

    from resolvers.util import dynamodb_requests as ddb

    def request(ctx):
        return ddb.update({
            "key": {"id": ctx.args["id"]},
            "update": {"title": ctx.args["title"], "views": ddb.operations.increment(1)},
            "condition": {"id": {"attributeExists": True}},
        })

Each helper takes the same payload as its JavaScript twin (plain values, not typed ones) and
returns the AMAZON_DYNAMODB request document the data source runs ("Built-in modules", DynamoDB
functions, APPSYNC_JS reference): keys and items are typed as `util.dynamodb.toMapValues` types
them, conditions and filters are converted as `util.transform.toDynamoDBConditionExpression` /
`toDynamoDBFilterExpression` convert them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resolvers.errors import ResolverError
from resolvers.util.core import MAPPING_TEMPLATE
from resolvers.util.dynamodb import to_dynamodb, to_map_values
from resolvers.util.transform import filter_expression

_WRITE_OPTIONS = ("customPartitionKey", "populateIndexFields", "_version")


@dataclass(frozen=True, slots=True)
class UpdateOperation:
    """One attribute change for `update`: what `operations.*` return."""

    kind: str
    value: Any = None
    index: int | None = None


class Operations:
    """`operations` of `@aws-appsync/utils/dynamodb`: attribute changes for `update`."""

    __slots__ = ()

    def add(self, value: Any) -> UpdateOperation:
        """Adds to a number or a set, creating the attribute if it is missing (DynamoDB ADD)."""
        return UpdateOperation("add", value)

    def remove(self) -> UpdateOperation:
        """Removes the attribute."""
        return UpdateOperation("remove")

    def replace(self, value: Any) -> UpdateOperation:
        """Sets the attribute to `value`, whatever it held."""
        return UpdateOperation("replace", value)

    def increment(self, by: Any) -> UpdateOperation:
        return UpdateOperation("increment", by)

    def decrement(self, by: Any) -> UpdateOperation:
        return UpdateOperation("decrement", by)

    def append(self, items: list[Any]) -> UpdateOperation:
        """Adds `items` at the end of a list attribute."""
        return UpdateOperation("append", items)

    def prepend(self, items: list[Any]) -> UpdateOperation:
        """Adds `items` at the start of a list attribute."""
        return UpdateOperation("prepend", items)

    def updateListItem(self, value: Any, index: int) -> UpdateOperation:
        """Sets the list element at `index`."""
        return UpdateOperation("updateListItem", value, index)


operations = Operations()


def _payload(payload: Any, helper: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ResolverError(f"{helper} expects an object", MAPPING_TEMPLATE)
    return payload


def _required(payload: dict[str, Any], name: str, helper: str) -> Any:
    if payload.get(name) is None:
        raise ResolverError(f"{helper} needs '{name}'", MAPPING_TEMPLATE)
    return payload[name]


def _expression(filter_input: Any, prefix: str | None = None) -> dict[str, Any]:
    built = filter_expression(filter_input, prefix)
    block: dict[str, Any] = {"expression": built.text()}
    if built.names:
        block["expressionNames"] = dict(built.names)
    if built.values:
        block["expressionValues"] = dict(built.values)
    return block


def _projection(projection: Any) -> dict[str, Any]:
    """A list of attribute names (or an expression block as AppSync takes it)."""
    if isinstance(projection, dict):
        return projection
    names = {f"#projection{index}": str(name) for index, name in enumerate(projection)}
    return {"expression": ", ".join(names), "expressionNames": names}


def _options(payload: dict[str, Any], request: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if payload.get(name) is not None:
            request[name] = payload[name]


def _write(operation: str, payload: dict[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = {
        "operation": operation,
        "key": to_map_values(_required(payload, "key", operation)),
    }
    if payload.get("condition") is not None:
        request["condition"] = _expression(payload["condition"])
    _options(payload, request, _WRITE_OPTIONS)
    return request


def get(payload: dict[str, Any]) -> dict[str, Any]:
    """GetItem: `{key, consistentRead?, projection?}`."""
    payload = _payload(payload, "get")
    request: dict[str, Any] = {
        "operation": "GetItem",
        "key": to_map_values(_required(payload, "key", "get")),
    }
    if payload.get("consistentRead") is not None:
        request["consistentRead"] = bool(payload["consistentRead"])
    if payload.get("projection") is not None:
        request["projection"] = _projection(payload["projection"])
    return request


def put(payload: dict[str, Any]) -> dict[str, Any]:
    """PutItem: `{key, item, condition?, customPartitionKey?, populateIndexFields?, _version?}`."""
    payload = _payload(payload, "put")
    request = _write("PutItem", payload)
    request["attributeValues"] = to_map_values(payload.get("item") or {})
    return request


def remove(payload: dict[str, Any]) -> dict[str, Any]:
    """DeleteItem: `{key, condition?, customPartitionKey?, populateIndexFields?, _version?}`."""
    return _write("DeleteItem", _payload(payload, "remove"))


def update(payload: dict[str, Any]) -> dict[str, Any]:
    """UpdateItem: `{key, update: {attribute: value | operations.*}, condition?, ...}`."""
    payload = _payload(payload, "update")
    request = _write("UpdateItem", payload)
    changes = _required(payload, "update", "update")
    if not isinstance(changes, dict) or not changes:
        raise ResolverError("update needs at least one attribute to change", MAPPING_TEMPLATE)
    request["update"] = _update_expression(changes)
    return request


def _update_expression(changes: dict[str, Any]) -> dict[str, Any]:
    clauses: dict[str, list[str]] = {"SET": [], "ADD": [], "REMOVE": []}
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    for index, (attribute, change) in enumerate(changes.items()):
        name, value = f"#update{index}", f":update{index}"
        names[name] = str(attribute)
        operation = (
            change if isinstance(change, UpdateOperation) else UpdateOperation("replace", change)
        )
        if operation.kind != "remove":
            values[value] = to_dynamodb(operation.value)
        if operation.kind == "replace":
            clauses["SET"].append(f"{name} = {value}")
        elif operation.kind == "add":
            clauses["ADD"].append(f"{name} {value}")
        elif operation.kind == "remove":
            clauses["REMOVE"].append(name)
        elif operation.kind in ("increment", "decrement"):
            sign = "+" if operation.kind == "increment" else "-"
            clauses["SET"].append(f"{name} = {name} {sign} {value}")
        elif operation.kind == "append":
            clauses["SET"].append(f"{name} = list_append({name}, {value})")
        elif operation.kind == "prepend":
            clauses["SET"].append(f"{name} = list_append({value}, {name})")
        else:
            clauses["SET"].append(f"{name}[{int(operation.index or 0)}] = {value}")
    expression = " ".join(f"{verb} {', '.join(parts)}" for verb, parts in clauses.items() if parts)
    block: dict[str, Any] = {"expression": expression, "expressionNames": names}
    if values:
        block["expressionValues"] = values
    return block


def _reading(operation: str, payload: dict[str, Any], options: tuple[str, ...]) -> dict[str, Any]:
    request: dict[str, Any] = {"operation": operation}
    _options(payload, request, options)
    if payload.get("filter"):
        request["filter"] = _expression(payload["filter"], "filter")
    if payload.get("projection") is not None:
        request["projection"] = _projection(payload["projection"])
    return request


def query(payload: dict[str, Any]) -> dict[str, Any]:
    """Query: `{query: {attribute: {eq | lt | le | gt | ge | between | beginsWith: value}},
    filter?, index?, limit?, nextToken?, scanIndexForward?, consistentRead?, select?,
    projection?}`."""
    payload = _payload(payload, "query")
    options = ("index", "limit", "nextToken", "scanIndexForward", "consistentRead", "select")
    request = _reading("Query", payload, options)
    request["query"] = _expression(_required(payload, "query", "query"), "key")
    return request


def scan(payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """Scan: `{filter?, index?, limit?, nextToken?, consistentRead?, segment?, totalSegments?,
    select?, projection?}`."""
    payload = _payload(payload or {}, "scan")
    options = (
        "index",
        "limit",
        "nextToken",
        "consistentRead",
        "segment",
        "totalSegments",
        "select",
    )
    return _reading("Scan", payload, options)


def sync(payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sync: `{limit?, nextToken?, lastSync?, filter?, basePartitionKey?, deltaIndexName?}`."""
    payload = _payload(payload or {}, "sync")
    options = ("limit", "nextToken", "lastSync", "basePartitionKey", "deltaIndexName")
    request: dict[str, Any] = {"operation": "Sync"}
    _options(payload, request, options)
    if payload.get("filter"):
        request["filter"] = _expression(payload["filter"], "filter")
    return request


def batchGet(payload: dict[str, Any]) -> dict[str, Any]:
    """BatchGetItem: `{tables: {table: {keys: [...], consistentRead?, projection?}}}`."""
    tables = _required(_payload(payload, "batchGet"), "tables", "batchGet")
    built: dict[str, Any] = {}
    for table, spec in tables.items():
        entry: dict[str, Any] = {"keys": [to_map_values(key) for key in spec.get("keys") or []]}
        if spec.get("consistentRead") is not None:
            entry["consistentRead"] = bool(spec["consistentRead"])
        if spec.get("projection") is not None:
            entry["projection"] = _projection(spec["projection"])
        built[table] = entry
    return {"operation": "BatchGetItem", "tables": built}


def batchPut(payload: dict[str, Any]) -> dict[str, Any]:
    """BatchPutItem: `{tables: {table: [item, ...]}}`."""
    tables = _required(_payload(payload, "batchPut"), "tables", "batchPut")
    built = {table: [to_map_values(item) for item in items] for table, items in tables.items()}
    return {"operation": "BatchPutItem", "tables": built}


def batchDelete(payload: dict[str, Any]) -> dict[str, Any]:
    """BatchDeleteItem: `{tables: {table: [key, ...]}}`."""
    tables = _required(_payload(payload, "batchDelete"), "tables", "batchDelete")
    built = {table: [to_map_values(key) for key in keys] for table, keys in tables.items()}
    return {"operation": "BatchDeleteItem", "tables": built}


def _items(payload: dict[str, Any], helper: str) -> list[dict[str, Any]]:
    items = payload.get("items", payload.get("transactItems"))
    if not isinstance(items, list):
        raise ResolverError(f"{helper} needs 'items'", MAPPING_TEMPLATE)
    return items


def transactGet(payload: dict[str, Any]) -> dict[str, Any]:
    """TransactGetItems: `{items: [{table, key, projection?}]}`."""
    built = []
    for item in _items(_payload(payload, "transactGet"), "transactGet"):
        entry: dict[str, Any] = {
            "table": _required(item, "table", "transactGet"),
            "key": to_map_values(_required(item, "key", "transactGet")),
        }
        if item.get("projection") is not None:
            entry["projection"] = _projection(item["projection"])
        built.append(entry)
    return {"operation": "TransactGetItems", "transactItems": built}


def transactWrite(payload: dict[str, Any]) -> dict[str, Any]:
    """TransactWriteItems: `{items: [{table, operation: PutItem | UpdateItem | DeleteItem |
    ConditionCheck, key, item?, update?, condition?}]}`."""
    built = []
    for item in _items(_payload(payload, "transactWrite"), "transactWrite"):
        operation = _required(item, "operation", "transactWrite")
        entry: dict[str, Any] = {
            "table": _required(item, "table", "transactWrite"),
            "operation": operation,
            "key": to_map_values(_required(item, "key", "transactWrite")),
        }
        if operation == "PutItem":
            entry["attributeValues"] = to_map_values(item.get("item") or {})
        if operation == "UpdateItem":
            entry["update"] = _update_expression(_required(item, "update", "transactWrite"))
        if item.get("condition") is not None:
            entry["condition"] = _expression(item["condition"])
            if item.get("returnValuesOnConditionCheckFailure") is not None:
                flag = bool(item["returnValuesOnConditionCheckFailure"])
                entry["condition"]["returnValuesOnConditionCheckFailure"] = flag
        built.append(entry)
    return {"operation": "TransactWriteItems", "transactItems": built}
