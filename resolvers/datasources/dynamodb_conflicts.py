"""Conflict resolution on versioned DynamoDB data sources.

"Conflict detection and resolution in AWS AppSync": when a resolver's (or function's)
`syncConfig` detects conflicts (`conflictDetection: VERSION`), a PutItem, UpdateItem or
DeleteItem whose `_version` is not the stored item's is a conflict, and the `conflictHandler`
decides:

- OPTIMISTIC_CONCURRENCY (and NONE): the mutation is rejected, "the existing item on the server
  that has the latest version will be provided": `ConflictUnhandled` with the stored item as the
  error's `data`.
- AUTOMERGE: the incoming item (PutItem's item; UpdateItem's preview, the stored item as the
  update would leave it) is merged into the stored one by Automerge's rules (`dynamodb_merge`)
  and written as the next version ("version is incremented every time automerge performs a merge
  that is stored on the server"). AWS differs: a DeleteItem conflict is rejected here; the page
  gives Automerge no rule for deletes.
- LAMBDA: the function gets `{newItem, existingItem, arguments, resolver, identity}` (`newItem`
  the preview, null for a delete; `identity` null with an API key) and answers `{"action":
  "RESOLVE", "item": {...}}` for PutItem and UpdateItem (the item replaces the stored one, its
  key and sync metadata ignored), `{"action": "REMOVE"}` for DeleteItem, or `{"action":
  "REJECT"}` (ConflictUnhandled, as above). Another answer, or a function that fails, is
  `ConflictError` ("Lambda conflict handler returned a malformed response").

A resolved write is conditioned on the version it merged with; when another write got there
first the stored item is read again and the handler runs again, at most `MAX_ATTEMPTS` times,
then `MaxConflicts` ("Max retry attempts were reached for conflict resolution"). The error types
are AppSync's ("Errors" on that page); the messages of ConflictError and MaxConflicts are ours.

The Lambda conflict handler is called through `ConflictFunction`, today the in-process handler
an AWS_LAMBDA data source calls (`LambdaDataSource.call`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from definition.model import ConflictHandlerType, DynamoDBConfig
from resolvers.context import ResolverContext
from resolvers.datasources.dynamodb_merge import SYNC_METADATA, automerge, preview_update
from resolvers.datasources.dynamodb_sync import Versioning
from resolvers.datasources.dynamodb_wire import (
    DynamoDBOperations,
    Expressions,
    marshall_item,
    unmarshall,
    unmarshall_item,
)
from resolvers.errors import DataSourceError, DynamoDBServiceError, VersionRaceError

CONFLICT_UNHANDLED = "ConflictUnhandled"
CONFLICT_ERROR = "ConflictError"
MAX_CONFLICTS = "MaxConflicts"
# "Conflict resolver rejects mutation." is what AppSync answers (aws-amplify/amplify-js#5945).
REJECTED = "Conflict resolver rejects mutation."
# AWS differs: how many times AppSync retries a resolved write is not documented.
MAX_ATTEMPTS = 3
_ACTIONS = {"PutItem": ("RESOLVE", "REJECT"), "UpdateItem": ("RESOLVE", "REJECT")}
_DELETE_ACTIONS = ("REMOVE", "REJECT")
_CONDITION_FAILED = "ConditionalCheckFailedException"


class ConflictFunction(Protocol):
    """The Lambda conflict handler: the event in, the function's answer out; a function
    failure is a `DataSourceError`."""

    async def call(self, event: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class ConflictingWrite:
    """A write DynamoDB refused for its version: the operation, the item's key, and what it
    tried (PutItem's item, UpdateItem's parameters)."""

    operation: str
    key: dict[str, Any]
    params: dict[str, Any]

    def preview(self, stored: Mapping[str, Any]) -> dict[str, Any] | None:
        """The item as the write would have left it (None for a delete)."""
        if self.operation == "PutItem":
            item: dict[str, Any] = self.params["Item"]
            return item
        if self.operation == "UpdateItem":
            return preview_update(
                stored,
                self.key,
                self.params["UpdateExpression"],
                self.params.get("ExpressionAttributeNames") or {},
                self.params.get("ExpressionAttributeValues") or {},
            )
        return None


class ConflictResolution:
    """What one resolver's `conflictHandler` does with a conflict on its data source."""

    __slots__ = ("_config", "_function", "_handler", "_operations", "_versioning")

    def __init__(
        self,
        handler: ConflictHandlerType,
        function: ConflictFunction | None,
        config: DynamoDBConfig,
        operations: DynamoDBOperations,
        versioning: Versioning,
    ) -> None:
        self._handler = handler
        self._function = function
        self._config = config
        self._operations = operations
        self._versioning = versioning

    @property
    def calls_function(self) -> bool:
        return self._handler is ConflictHandlerType.LAMBDA

    async def resolve(
        self, write: ConflictingWrite, stored: dict[str, Any] | None, ctx: ResolverContext
    ) -> Any:
        """The mutation's result once resolved; raises the field's DataSourceError otherwise."""
        for _ in range(MAX_ATTEMPTS):
            if stored is None:
                # Gone since the client read it: nothing to merge with.
                raise DataSourceError(REJECTED, CONFLICT_UNHANDLED, None)
            try:
                return await self._once(write, stored, ctx)
            except VersionRaceError:
                stored = await self._read(write.key)
        raise DataSourceError(
            "Max retry attempts were reached for conflict resolution.", MAX_CONFLICTS, None
        )

    async def _once(
        self, write: ConflictingWrite, stored: dict[str, Any], ctx: ResolverContext
    ) -> Any:
        version = int(unmarshall(stored.get("_version", {"N": "0"})))
        if self._handler is ConflictHandlerType.AUTOMERGE and write.operation != "DeleteItem":
            incoming = write.preview(stored) or {}
            return await self._replace(automerge(stored, incoming), write.key, version)
        if self._handler is ConflictHandlerType.LAMBDA and self._function is not None:
            return await self._ask_function(write, stored, version, ctx)
        raise DataSourceError(REJECTED, CONFLICT_UNHANDLED, unmarshall_item(stored))

    async def _ask_function(
        self, write: ConflictingWrite, stored: dict[str, Any], version: int, ctx: ResolverContext
    ) -> Any:
        assert self._function is not None
        event = {
            "newItem": unmarshall_item(write.preview(stored)),
            "existingItem": unmarshall_item(stored),
            "arguments": ctx.arguments,
            "resolver": {
                "tableName": self._config.table_name,
                "awsRegion": self._config.aws_region,
                "parentType": ctx.info.parent_type_name,
                "field": ctx.info.field_name,
            },
            "identity": ctx.identity,
        }
        try:
            answer = await self._function.call(event)
        except DataSourceError as error:
            raise DataSourceError(
                f"The conflict handler failed: {error.message}", CONFLICT_ERROR, None
            ) from error
        allowed = _ACTIONS.get(write.operation, _DELETE_ACTIONS)
        action = answer.get("action") if isinstance(answer, dict) else None
        if action not in allowed:
            raise DataSourceError(
                f"The conflict handler's answer must have an action of {' or '.join(allowed)} "
                f"for {write.operation}, got {answer!r}.",
                CONFLICT_ERROR,
                None,
            )
        if action == "REJECT":
            raise DataSourceError(REJECTED, CONFLICT_UNHANDLED, unmarshall_item(stored))
        if action == "REMOVE":
            return await self._remove(write.key, version)
        item = answer.get("item")
        if not isinstance(item, dict):
            raise DataSourceError(
                "The conflict handler's RESOLVE answer needs an item object.", CONFLICT_ERROR, None
            )
        # "The primary key and sync metadata will be ignored if included in item."
        kept = {
            name: value
            for name, value in marshall_item(item).items()
            if name not in SYNC_METADATA and name not in write.key
        }
        return await self._replace(kept, write.key, version)

    async def _replace(self, item: dict[str, Any], key: dict[str, Any], version: int) -> Any:
        """Write `item` as the next version, if `version` is still the stored one."""
        written = {
            **item,
            **key,
            "_version": {"N": str(version + 1)},
            "_lastChangedAt": {"N": str(self._versioning.now_millis())},
        }
        params = {
            "TableName": self._config.table_name,
            "Item": written,
            "ConditionExpression": "#appsync_version = :appsync_stored_version",
            "ExpressionAttributeNames": {"#appsync_version": "_version"},
            "ExpressionAttributeValues": {":appsync_stored_version": {"N": str(version)}},
        }
        await self._write("PutItem", params)
        await self._versioning.record(written, key)
        return unmarshall_item(written)

    async def _remove(self, key: dict[str, Any], version: int) -> Any:
        """The Lambda's REMOVE: the delete, tombstone and all, of the stored version."""
        params: dict[str, Any] = {
            "TableName": self._config.table_name,
            "Key": key,
            "ReturnValues": "ALL_OLD",
        }
        expressions = Expressions()
        request = {"_version": version}
        operation, _ = self._versioning.prepare_delete(request, params, expressions, detect=True)
        result = await self._write(operation, expressions.into(params))
        tombstone = await self._versioning.record_delete(result.get("Attributes"), key)
        return unmarshall_item(tombstone)

    async def _write(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return await self._operations.call(operation, params)
        except DynamoDBServiceError as error:
            if error.code == _CONDITION_FAILED:
                raise VersionRaceError("lost to another write") from error
            raise error.as_data_source_error() from error

    async def _read(self, key: dict[str, Any]) -> dict[str, Any] | None:
        read = {"TableName": self._config.table_name, "Key": key, "ConsistentRead": True}
        try:
            result = await self._operations.call("GetItem", read)
        except DynamoDBServiceError as error:
            raise error.as_data_source_error() from error
        item: dict[str, Any] | None = result.get("Item")
        return item
