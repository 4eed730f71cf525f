"""Batches and transactions of the AMAZON_DYNAMODB data source: BatchGetItem, BatchPutItem,
BatchDeleteItem, TransactGetItems and TransactWriteItems request documents run as DynamoDB calls.

Results follow AppSync's "Resolver mapping template reference for DynamoDB": a batch's items per
table in the order of its keys, null where no item exists (or the write is unprocessed), the
unprocessed keys or items listed apart; a cancelled transaction is a
`DynamoDB:TransactionCanceledException` error whose data (`ctx.result`) holds the reasons, in
request order. Single items, Query, Scan and Sync are in `dynamodb`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from resolvers.datasources.dynamodb_wire import (
    DynamoDBOperations,
    Expressions,
    call_data_source,
    mapping_error,
    request_field,
    typed_field,
    typed_map,
    unmarshall_item,
    unsupported_elements,
)
from resolvers.errors import DataSourceError, DynamoDBServiceError

_TRANSACT_CONDITION = (
    "expression",
    "expressionNames",
    "expressionValues",
    "returnValuesOnConditionCheckFailure",
)
_TRANSACTION_CANCELED = "TransactionCanceledException"


def _tables(request: dict[str, Any]) -> dict[str, Any]:
    tables: dict[str, Any] = request_field(request, "tables", dict)
    if not tables:
        raise mapping_error("Value for field '$[tables]' not found.")
    return tables


async def batch_get_item(operations: DynamoDBOperations, request: dict[str, Any]) -> Any:
    """BatchGetItem: `{data: {table: [item | null, ...]}, unprocessedKeys: {table: [...]}}`."""
    tables = _tables(request)
    request_items: dict[str, Any] = {}
    for table, spec in tables.items():
        where = f"$[tables][{table}]"
        if not isinstance(spec, dict):
            raise mapping_error(f"Expected an object for '{where}'.")
        unsupported_elements(spec, ("keys", "consistentRead", "projection"), where)
        keys = request_field(spec, "keys", list, where)
        entry: dict[str, Any] = {"Keys": [typed_map(key) for key in keys]}
        if spec.get("consistentRead"):
            entry["ConsistentRead"] = True
        if spec.get("projection") is not None:
            expressions = Expressions()
            projection = request_field(spec, "projection", dict, where)
            entry["ProjectionExpression"] = expressions.take(projection, "projection", False)
            expressions.into(entry)
        request_items[table] = entry
    result = await call_data_source(operations, "BatchGetItem", {"RequestItems": request_items})
    responses = result.get("Responses") or {}
    unprocessed = result.get("UnprocessedKeys") or {}
    data = {}
    for table, entry in request_items.items():
        found = responses.get(table) or []
        data[table] = [unmarshall_item(_matching(found, key)) for key in entry["Keys"]]
    return {
        "data": data,
        "unprocessedKeys": {
            table: [unmarshall_item(key) for key in (unprocessed.get(table) or {}).get("Keys", [])]
            for table in request_items
        },
    }


async def _batch_write(operations: DynamoDBOperations, request: dict[str, Any], put: bool) -> Any:
    tables = _tables(request)
    request_items: dict[str, list[dict[str, Any]]] = {}
    for table, entries in tables.items():
        if not isinstance(entries, list):
            raise mapping_error(f"Expected a list for '$[tables][{table}]'.")
        entries = tables[table] = [typed_map(entry) for entry in entries]
        request_items[table] = [
            {"PutRequest": {"Item": entry}} if put else {"DeleteRequest": {"Key": entry}}
            for entry in entries
        ]
    result = await call_data_source(operations, "BatchWriteItem", {"RequestItems": request_items})
    unprocessed = result.get("UnprocessedItems") or {}
    data: dict[str, list[Any]] = {}
    left: dict[str, list[Any]] = {}
    for table, entries in tables.items():
        pending = [
            (next(iter(write.values())))["Item" if put else "Key"]
            for write in unprocessed.get(table) or []
        ]
        data[table] = [None if entry in pending else unmarshall_item(entry) for entry in entries]
        left[table] = [unmarshall_item(entry) for entry in pending]
    return {"data": data, ("unprocessedItems" if put else "unprocessedKeys"): left}


async def batch_put_item(operations: DynamoDBOperations, request: dict[str, Any]) -> Any:
    """BatchPutItem: `{data: {table: [item | null, ...]}, unprocessedItems: {table: [...]}}`."""
    return await _batch_write(operations, request, put=True)


async def batch_delete_item(operations: DynamoDBOperations, request: dict[str, Any]) -> Any:
    """BatchDeleteItem: `{data: {table: [key | null, ...]}, unprocessedKeys: {table: [...]}}`."""
    return await _batch_write(operations, request, put=False)


def _transact_items(request: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = request_field(request, "transactItems", list)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise mapping_error(f"Expected an object for '$[transactItems][{index}]'.")
    return items


async def transact_get_items(operations: DynamoDBOperations, request: dict[str, Any]) -> Any:
    """TransactGetItems: `{items, cancellationReasons}`."""
    transact = []
    for index, item in enumerate(_transact_items(request)):
        where = f"$[transactItems][{index}]"
        unsupported_elements(item, ("table", "key", "projection"), where)
        get: dict[str, Any] = {
            "TableName": request_field(item, "table", str, where),
            "Key": typed_field(item, "key", where),
        }
        if item.get("projection") is not None:
            expressions = Expressions()
            projection = request_field(item, "projection", dict, where)
            get["ProjectionExpression"] = expressions.take(projection, "projection", False)
            expressions.into(get)
        transact.append({"Get": get})
    try:
        result = await operations.call("TransactGetItems", {"TransactItems": transact})
    except DynamoDBServiceError as error:
        raise _cancelled(error, "items") from error
    items = [unmarshall_item(entry.get("Item")) for entry in result.get("Responses") or []]
    return {"items": items, "cancellationReasons": None}


async def transact_write_items(operations: DynamoDBOperations, request: dict[str, Any]) -> Any:
    """TransactWriteItems: `{keys, cancellationReasons}`."""
    transact = []
    keys = []
    for index, item in enumerate(_transact_items(request)):
        where = f"$[transactItems][{index}]"
        operation = request_field(item, "operation", str, where)
        table = request_field(item, "table", str, where)
        key = typed_field(item, "key", where)
        keys.append(key)
        write: dict[str, Any] = {"TableName": table}
        expressions = Expressions()
        if operation == "PutItem":
            unsupported_elements(
                item, ("table", "operation", "key", "attributeValues", "condition"), where
            )
            write["Item"] = {**typed_map(item.get("attributeValues") or {}), **key}
            kind = "Put"
        elif operation == "UpdateItem":
            unsupported_elements(item, ("table", "operation", "key", "update", "condition"), where)
            update = request_field(item, "update", dict, where)
            write["Key"] = key
            write["UpdateExpression"] = expressions.take(update, "update")
            kind = "Update"
        elif operation in ("DeleteItem", "ConditionCheck"):
            unsupported_elements(item, ("table", "operation", "key", "condition"), where)
            write["Key"] = key
            kind = "Delete" if operation == "DeleteItem" else "ConditionCheck"
        else:
            raise mapping_error(f"Unsupported operation '{operation}' in '{where}'.")
        condition = item.get("condition")
        if condition is not None or kind == "ConditionCheck":
            condition = request_field(item, "condition", dict, where)
            unsupported_elements(condition, _TRANSACT_CONDITION, f"{where}[condition]")
            write["ConditionExpression"] = expressions.take(condition, "condition")
            # "returnValuesOnConditionCheckFailure ... defaults to true" (TransactWriteItems).
            if condition.get("returnValuesOnConditionCheckFailure", True):
                write["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        transact.append({kind: expressions.into(write)})
    try:
        await operations.call("TransactWriteItems", {"TransactItems": transact})
    except DynamoDBServiceError as error:
        raise _cancelled(error, "keys") from error
    return {"keys": [unmarshall_item(key) for key in keys], "cancellationReasons": None}


def _cancelled(error: DynamoDBServiceError, block: str) -> DataSourceError:
    """A cancelled transaction's field error; its data (`ctx.result`) holds the reasons in order."""
    if error.code != _TRANSACTION_CANCELED:
        return error.as_data_source_error()
    reasons = []
    for reason in error.body.get("CancellationReasons") or []:
        entry: dict[str, Any] = {
            "type": reason.get("Code") or "None",
            "message": reason.get("Message") or "None",
        }
        if reason.get("Item"):
            entry["item"] = unmarshall_item(reason["Item"])
        reasons.append(entry)
    return error.as_data_source_error({block: None, "cancellationReasons": reasons})


def _matching(items: list[dict[str, Any]], key: Mapping[str, Any]) -> dict[str, Any] | None:
    return next((item for item in items if all(item.get(k) == v for k, v in key.items())), None)
