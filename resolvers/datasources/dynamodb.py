"""The AMAZON_DYNAMODB data source: AppSync's request documents run as DynamoDB API calls.

Request documents and results follow AppSync's "Resolver mapping template reference for
DynamoDB" (aws-appsync-resolver-mapping-template-reference-dynamodb-*, versions 2017-02-28 and
2018-05-29) and its APPSYNC_JS twin (js-aws-appsync-resolver-reference-dynamodb-*):

- GetItem -> the item or null; PutItem -> the item written; UpdateItem -> the item after the
  update; DeleteItem -> the item deleted. Query and Scan -> `{items, nextToken, scannedCount}`.
- BatchGetItem, BatchPutItem, BatchDeleteItem, TransactGetItems, TransactWriteItems:
  `dynamodb_batch`.
- A failed condition ("Condition expressions", Handling a condition check failure): AppSync
  reads the current item with a strongly consistent read. A PutItem whose current item equals
  the one it tried to write (ignoring `equalsIgnore` attributes), or a DeleteItem whose item is
  already gone, succeeds; otherwise the error is `DynamoDB:ConditionalCheckFailedException`
  with the current item as its data.
- Sync, `_version` and delta-table logging for versioned data sources: `dynamodb_sync`; what a
  resolver's `syncConfig` does with a conflict: `dynamodb_conflicts`.

An element a request document may not have is AppSync's MappingTemplate error "Unsupported
element '$[condition][returnValuesOnConditionCheckFailure]'." (aws-appsync-community#110).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

from definition.model import DynamoDBConfig, SyncConfig
from resolvers.context import ResolverContext
from resolvers.datasources.dynamodb_batch import (
    batch_delete_item,
    batch_get_item,
    batch_put_item,
    transact_get_items,
    transact_write_items,
)
from resolvers.datasources.dynamodb_conflicts import (
    ConflictFunction,
    ConflictingWrite,
    ConflictResolution,
)
from resolvers.datasources.dynamodb_sync import Versioning
from resolvers.datasources.dynamodb_wire import (
    DynamoDBOperations,
    Expressions,
    call_data_source,
    decode_token,
    encode_token,
    mapping_error,
    request_field,
    typed_field,
    typed_map,
    unmarshall_item,
    unsupported_elements,
)
from resolvers.errors import DynamoDBServiceError
from resolvers.util.time import SYSTEM_CLOCK, Clock

_VERSIONS = ("2017-02-28", "2018-05-29")
_HEAD = ("version", "operation")
_WRITE = (*_HEAD, "key", "condition", "customPartitionKey", "populateIndexFields", "_version")
_ALLOWED: dict[str, tuple[str, ...]] = {
    "GetItem": (*_HEAD, "key", "consistentRead", "projection"),
    "PutItem": (*_WRITE, "attributeValues"),
    "UpdateItem": (*_WRITE, "update"),
    "DeleteItem": _WRITE,
    "Query": (
        *_HEAD,
        "query",
        "index",
        "nextToken",
        "limit",
        "scanIndexForward",
        "consistentRead",
        "select",
        "filter",
        "projection",
    ),
    "Scan": (
        *_HEAD,
        "index",
        "limit",
        "consistentRead",
        "nextToken",
        "totalSegments",
        "segment",
        "filter",
        "projection",
        "select",
    ),
    "Sync": (
        *_HEAD,
        "basePartitionKey",
        "deltaIndexName",
        "limit",
        "nextToken",
        "lastSync",
        "filter",
    ),
    "BatchGetItem": (*_HEAD, "tables"),
    "BatchPutItem": (*_HEAD, "tables"),
    "BatchDeleteItem": (*_HEAD, "tables"),
    "TransactGetItems": (*_HEAD, "transactItems"),
    "TransactWriteItems": (*_HEAD, "transactItems"),
}
_CONDITION = (
    "expression",
    "expressionNames",
    "expressionValues",
    "equalsIgnore",
    "consistentRead",
    "conditionalCheckFailedHandler",
)
_CONDITION_FAILED = "ConditionalCheckFailedException"


def _limit(limit: int) -> int:
    if limit < 1:
        # DynamoDB's own answer; checked here so the embedded backend (which accepts 0) agrees.
        raise DynamoDBServiceError(
            "ValidationException",
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1",
        ).as_data_source_error()
    return limit


def _has_expression(block: Any) -> bool:
    # Templates built with $util.transform.toDynamoDBFilterExpression({}) carry an empty filter.
    return isinstance(block, Mapping) and bool(str(block.get("expression") or "").strip())


class DynamoDBDataSource:
    """A `type: AMAZON_DYNAMODB` data source: its table, and any table a batch names.

    `with_sync` gives the same data source as one resolver or function sees it through its
    `syncConfig`: on a versioned data source, conflicts are detected and resolved."""

    __slots__ = (
        "_clock",
        "_config",
        "_conflicts",
        "_handlers",
        "_name",
        "_operations",
        "_versioning",
        "_writes",
    )

    def __init__(
        self,
        name: str,
        config: DynamoDBConfig,
        operations: DynamoDBOperations,
        clock: Clock = SYSTEM_CLOCK,
        sync: SyncConfig | None = None,
        conflict_function: ConflictFunction | None = None,
    ) -> None:
        self._name = name
        self._config = config
        self._operations = operations
        self._clock = clock
        self._versioning = Versioning(config, operations, clock) if config.versioned else None
        self._conflicts = None
        if self._versioning is not None and sync is not None and sync.detects_conflicts:
            self._conflicts = ConflictResolution(
                sync.conflict_handler, conflict_function, config, operations, self._versioning
            )
        self._writes: dict[str, Callable[[dict[str, Any], ResolverContext], Awaitable[Any]]] = {
            "PutItem": self._put_item,
            "UpdateItem": self._update_item,
            "DeleteItem": self._delete_item,
        }
        self._handlers: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            "GetItem": self._get_item,
            "Query": self._query,
            "Scan": self._scan,
            "Sync": self._sync,
            "BatchGetItem": partial(batch_get_item, operations),
            "BatchPutItem": partial(batch_put_item, operations),
            "BatchDeleteItem": partial(batch_delete_item, operations),
            "TransactGetItems": partial(transact_get_items, operations),
            "TransactWriteItems": partial(transact_write_items, operations),
        }

    @property
    def name(self) -> str:
        return self._name

    @property
    def config(self) -> DynamoDBConfig:
        return self._config

    @property
    def operations(self) -> DynamoDBOperations:
        """Where the calls go: the embedded backend in this process, or a DynamoDB endpoint."""
        return self._operations

    @property
    def calls_functions(self) -> bool:
        """Whether a write may call a Lambda conflict handler (and so wait on it)."""
        return self._conflicts is not None and self._conflicts.calls_function

    def with_sync(
        self, sync: SyncConfig | None, conflict_function: ConflictFunction | None = None
    ) -> DynamoDBDataSource:
        """This data source as a resolver or function with `sync` uses it."""
        return DynamoDBDataSource(
            self._name, self._config, self._operations, self._clock, sync, conflict_function
        )

    async def invoke(self, request: Any, ctx: ResolverContext) -> Any:
        if not isinstance(request, dict):
            raise mapping_error("A DynamoDB request must be a JSON object.")
        version = request.get("version")
        # APPSYNC_JS and PYTHON requests carry no version; VTL ones name a supported one.
        if version is not None and version not in _VERSIONS:
            raise mapping_error(f"Unsupported version '{version}'.")
        operation = request.get("operation")
        if not isinstance(operation, str):
            raise mapping_error("Value for field '$[operation]' not found.")
        write = self._writes.get(operation)
        handler = self._handlers.get(operation)
        if write is None and handler is None:
            raise mapping_error(f"Unsupported operation '{operation}'.")
        unsupported_elements(request, _ALLOWED[operation], "$")
        if write is not None:
            return await write(request, ctx)
        assert handler is not None
        return await handler(request)

    async def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        return await call_data_source(self._operations, operation, params)

    # Single items -------------------------------------------------------------------------

    async def _get_item(self, request: dict[str, Any]) -> Any:
        params: dict[str, Any] = {
            "TableName": self._config.table_name,
            "Key": typed_field(request, "key"),
        }
        if request.get("consistentRead"):
            params["ConsistentRead"] = True
        expressions = Expressions()
        if request.get("projection") is not None:
            projection = request_field(request, "projection", dict)
            params["ProjectionExpression"] = expressions.take(projection, "projection", False)
        result = await self._call("GetItem", expressions.into(params))
        return unmarshall_item(result.get("Item"))

    def _condition(
        self, request: dict[str, Any], params: dict[str, Any], expressions: Expressions
    ) -> dict[str, Any] | None:
        condition = request.get("condition")
        if condition is None:
            return None
        if not isinstance(condition, dict):
            raise mapping_error("Expected an object for '$[condition]'.")
        unsupported_elements(condition, _CONDITION, "$[condition]")
        params["ConditionExpression"] = expressions.take(condition, "condition")
        return condition

    async def _put_item(self, request: dict[str, Any], ctx: ResolverContext) -> Any:
        key = typed_field(request, "key")
        values = typed_map(request.get("attributeValues") or {})
        item = {**values, **key}
        params: dict[str, Any] = {"TableName": self._config.table_name, "Item": item}
        expressions = Expressions()
        condition = self._condition(request, params, expressions)
        expected = None
        if self._versioning is not None:
            detect = self._conflicts is not None
            expected = self._versioning.prepare_put(request, params, expressions, detect)
        try:
            await self._operations.call("PutItem", expressions.into(params))
        except DynamoDBServiceError as error:
            write = ConflictingWrite("PutItem", key, params)
            return await self._condition_failed(error, write, condition, expected, ctx)
        if self._versioning is not None:
            await self._versioning.record(params["Item"], key)
        return unmarshall_item(params["Item"])

    async def _update_item(self, request: dict[str, Any], ctx: ResolverContext) -> Any:
        key = typed_field(request, "key")
        update = request_field(request, "update", dict)
        expressions = Expressions()
        params: dict[str, Any] = {
            "TableName": self._config.table_name,
            "Key": key,
            "UpdateExpression": expressions.take(update, "update"),
            "ReturnValues": "ALL_NEW",
        }
        condition = self._condition(request, params, expressions)
        expected = None
        if self._versioning is not None:
            detect = self._conflicts is not None
            expected = self._versioning.prepare_update(request, params, expressions, detect)
        try:
            result = await self._operations.call("UpdateItem", expressions.into(params))
        except DynamoDBServiceError as error:
            write = ConflictingWrite("UpdateItem", key, params)
            return await self._condition_failed(error, write, condition, expected, ctx)
        if self._versioning is not None:
            await self._versioning.record(result.get("Attributes") or {}, key)
        return unmarshall_item(result.get("Attributes"))

    async def _delete_item(self, request: dict[str, Any], ctx: ResolverContext) -> Any:
        key = typed_field(request, "key")
        params: dict[str, Any] = {
            "TableName": self._config.table_name,
            "Key": key,
            "ReturnValues": "ALL_OLD",
        }
        expressions = Expressions()
        condition = self._condition(request, params, expressions)
        operation, expected = "DeleteItem", None
        if self._versioning is not None:
            detect = self._conflicts is not None
            operation, expected = self._versioning.prepare_delete(
                request, params, expressions, detect
            )
        try:
            result = await self._operations.call(operation, expressions.into(params))
        except DynamoDBServiceError as error:
            write = ConflictingWrite("DeleteItem", key, params)
            return await self._condition_failed(error, write, condition, expected, ctx)
        if self._versioning is not None:
            tombstone = await self._versioning.record_delete(result.get("Attributes"), key)
            return unmarshall_item(tombstone)
        return unmarshall_item(result.get("Attributes"))

    async def _condition_failed(
        self,
        error: DynamoDBServiceError,
        write: ConflictingWrite,
        condition: dict[str, Any] | None,
        expected_version: int | None,
        ctx: ResolverContext,
    ) -> Any:
        """AppSync's handling of a failed condition (Condition expressions reference), and of a
        stale `_version` when conflicts are detected (`dynamodb_conflicts`)."""
        if error.code != _CONDITION_FAILED:
            raise error.as_data_source_error() from error
        read = {"TableName": self._config.table_name, "Key": write.key, "ConsistentRead": True}
        stored = (await self._call("GetItem", read)).get("Item")
        current = unmarshall_item(stored)
        if write.operation == "DeleteItem" and current is None:
            return None
        if (
            self._conflicts is not None
            and expected_version is not None
            and (current is None or current.get("_version") != expected_version)
        ):
            return await self._conflicts.resolve(write, stored, ctx)
        ignore = set((condition or {}).get("equalsIgnore") or ())
        if write.operation == "PutItem" and current is not None:
            wanted = unmarshall_item(write.params["Item"]) or {}
            if _without(current, ignore) == _without(wanted, ignore):
                return current
        # AWS differs: the Custom strategy (a Lambda deciding reject or retry) is not run here;
        # every failed condition follows Reject.
        raise error.as_data_source_error(current) from error

    # Query and Scan -----------------------------------------------------------------------

    def _reading(self, request: dict[str, Any], params: dict[str, Any]) -> Expressions:
        expressions = Expressions()
        if request.get("index") is not None:
            params["IndexName"] = request_field(request, "index", str)
        if request.get("limit") is not None:
            params["Limit"] = _limit(request_field(request, "limit", int))
        if request.get("consistentRead"):
            params["ConsistentRead"] = True
        if request.get("select") is not None:
            params["Select"] = request_field(request, "select", str)
        if _has_expression(request.get("filter")):
            params["FilterExpression"] = expressions.take(request["filter"], "filter")
        if request.get("projection") is not None:
            projection = request_field(request, "projection", dict)
            params["ProjectionExpression"] = expressions.take(projection, "projection", False)
        if request.get("nextToken") is not None:
            params["ExclusiveStartKey"] = decode_token(request["nextToken"])["token"]
        return expressions

    async def _query(self, request: dict[str, Any]) -> Any:
        params: dict[str, Any] = {"TableName": self._config.table_name}
        expressions = self._reading(request, params)
        params["KeyConditionExpression"] = expressions.take(
            request_field(request, "query", dict), "query"
        )
        if request.get("scanIndexForward") is not None:
            params["ScanIndexForward"] = bool(request["scanIndexForward"])
        return _page(await self._call("Query", expressions.into(params)))

    async def _scan(self, request: dict[str, Any]) -> Any:
        params: dict[str, Any] = {"TableName": self._config.table_name}
        expressions = self._reading(request, params)
        if request.get("totalSegments") is not None:
            params["TotalSegments"] = request_field(request, "totalSegments", int)
            params["Segment"] = request_field(request, "segment", int)
        return _page(await self._call("Scan", expressions.into(params)))

    async def _sync(self, request: dict[str, Any]) -> Any:
        if self._versioning is None:
            # Sync "is only supported on versioned data sources" (Sync reference).
            raise mapping_error("Sync operations are only supported on versioned data sources.")
        try:
            return await self._versioning.sync(request)
        except DynamoDBServiceError as error:
            raise error.as_data_source_error() from error


def _page(result: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "items": [unmarshall_item(item) for item in result.get("Items") or []],
        "nextToken": encode_token(result.get("LastEvaluatedKey")),
        "scannedCount": result.get("ScannedCount", 0),
    }


def _without(item: Mapping[str, Any], ignore: set[str]) -> dict[str, Any]:
    return {name: value for name, value in item.items() if name not in ignore}
