"""Versioned DynamoDB data sources: `_version`, tombstones, the delta table and Sync.

From AppSync's "Versioning DynamoDB data sources", "Conflict detection and sync" and the Sync
request reference:

- Every mutation through a versioned data source sets `_version` (1 for a new item, one more on
  every change) and `_lastChangedAt` (epoch milliseconds). A request's `_version` is the version
  the client expects; when the resolver's syncConfig detects conflicts ("Conflict Detection is
  enabled by setting ... conflictDetection to VERSION") and the stored item has another
  version, the mutation is a conflict, which `dynamodb_conflicts` resolves.
- DeleteItem leaves a tombstone in the base table (`_deleted: true`, `_ttl` = now +
  BaseTableTTL minutes, as epoch seconds) unless BaseTableTTL is 0, when the item is removed.
- Each change is also written to the delta table: the item plus `ds_pk` ("<table>:<YYYY-MM-DD>"
  of the change), `ds_sk` ("<HH:MM:SS.mmm>:<key values>:<version>") and `_ttl` (now +
  DeltaSyncTableTTL minutes, epoch seconds).
- Sync scans the base table when `lastSync` is absent or older than DeltaSyncTableTTL, and
  otherwise reads the delta table from `lastSync` on. The result is `{items, nextToken,
  startedAt}`; `startedAt` is the moment the first page was asked for, kept across pages.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from definition.model import DeltaSyncConfig, DynamoDBConfig
from resolvers.datasources.dynamodb_wire import (
    DynamoDBOperations,
    Expressions,
    decode_token,
    encode_token,
    mapping_error,
    unmarshall,
    unmarshall_item,
)
from resolvers.errors import DynamoDBServiceError
from resolvers.util.time import Clock

_VERSION = "#appsync_version"
_CHANGED = "#appsync_last_changed_at"
_DELETED = "#appsync_deleted"
_TTL = "#appsync_ttl"
_KEY = "#appsync_key"
_EXPECTED = ":appsync_expected_version"
_SET = re.compile(r"\bSET\b", re.IGNORECASE)
_DELTA_FIELDS = ("ds_pk", "ds_sk", "_ttl")
DEFAULT_SYNC_LIMIT = 100


def add_set_actions(expression: str, actions: list[str]) -> str:
    """An update expression with `actions` added to its SET clause (or a new SET clause)."""
    found = _SET.search(expression)
    joined = ", ".join(actions)
    if found is None:
        return f"SET {joined} {expression}".strip()
    return f"{expression[: found.end()]} {joined},{expression[found.end() :]}"


def _add_condition(params: dict[str, Any], expression: str) -> None:
    current = params.get("ConditionExpression")
    params["ConditionExpression"] = f"({current}) AND ({expression})" if current else expression


def _expected_version(request: dict[str, Any]) -> int | None:
    value = request.get("_version")
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise mapping_error("Expected a number for '$[_version]'.") from None


class Versioning:
    """What a versioned data source adds to PutItem, UpdateItem and DeleteItem, and Sync."""

    __slots__ = ("_clock", "_config", "_delta", "_operations")

    def __init__(
        self, config: DynamoDBConfig, operations: DynamoDBOperations, clock: Clock
    ) -> None:
        if config.delta_sync_config is None:
            raise mapping_error("A versioned data source needs a deltaSyncConfig.")
        self._config = config
        self._delta: DeltaSyncConfig = config.delta_sync_config
        self._operations = operations
        self._clock = clock

    def now_millis(self) -> int:
        return int(self._clock.now().timestamp() * 1000)

    def _check_version(
        self, expected: int | None, params: dict[str, Any], ex: Expressions, detect: bool
    ) -> int | None:
        """The version the write requires (None: any), as a condition when `detect` is on."""
        if expected is None or not detect:
            return None
        ex.names[_VERSION] = "_version"
        ex.values[_EXPECTED] = {"N": str(expected)}
        _add_condition(params, f"{_VERSION} = {_EXPECTED}")
        return expected

    def prepare_put(
        self, request: dict[str, Any], params: dict[str, Any], ex: Expressions, detect: bool
    ) -> int | None:
        """Metadata on the item; the version the write requires, when conflicts are detected."""
        expected = _expected_version(request)
        item = params["Item"]
        item["_version"] = {"N": str(expected + 1 if expected is not None else 1)}
        item["_lastChangedAt"] = {"N": str(self.now_millis())}
        return self._check_version(expected, params, ex, detect)

    def _bump(self, ex: Expressions) -> list[str]:
        ex.names.update({_VERSION: "_version", _CHANGED: "_lastChangedAt"})
        ex.values.update(
            {
                ":appsync_zero": {"N": "0"},
                ":appsync_one": {"N": "1"},
                ":appsync_now": {"N": str(self.now_millis())},
            }
        )
        return [
            f"{_VERSION} = if_not_exists({_VERSION}, :appsync_zero) + :appsync_one",
            f"{_CHANGED} = :appsync_now",
        ]

    def prepare_update(
        self, request: dict[str, Any], params: dict[str, Any], ex: Expressions, detect: bool
    ) -> int | None:
        expected = _expected_version(request)
        params["UpdateExpression"] = add_set_actions(params["UpdateExpression"], self._bump(ex))
        return self._check_version(expected, params, ex, detect)

    def prepare_delete(
        self, request: dict[str, Any], params: dict[str, Any], ex: Expressions, detect: bool
    ) -> tuple[str, int | None]:
        """DeleteItem becomes an UpdateItem writing the tombstone, unless BaseTableTTL is 0."""
        expected = self._check_version(_expected_version(request), params, ex, detect)
        delta = self._delta
        if delta.base_table_ttl == 0:
            return "DeleteItem", expected
        actions = self._bump(ex)
        expires = self.now_millis() // 1000 + delta.base_table_ttl * 60
        ex.names.update({_DELETED: "_deleted", _TTL: "_ttl", _KEY: next(iter(params["Key"]))})
        ex.values.update({":appsync_true": {"BOOL": True}, ":appsync_ttl": {"N": str(expires)}})
        actions += [f"{_DELETED} = :appsync_true", f"{_TTL} = :appsync_ttl"]
        params["UpdateExpression"] = "SET " + ", ".join(actions)
        params["ReturnValues"] = "ALL_NEW"
        # Deleting an item that is not there must not create a tombstone for it.
        _add_condition(params, f"attribute_exists({_KEY})")
        return "UpdateItem", expected

    async def record(self, item: dict[str, Any], key: dict[str, Any]) -> None:
        """Write one change to the delta table."""
        delta = self._delta
        if not item:
            return
        moment = self._clock.now().astimezone(UTC)
        millis = int(moment.timestamp() * 1000)
        keys = ":".join(str(unmarshall(value)) for value in key.values())
        version = unmarshall(item["_version"]) if "_version" in item else 0
        stamp = moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
        record = {
            **item,
            "ds_pk": {"S": f"{self._config.table_name}:{moment.date().isoformat()}"},
            "ds_sk": {"S": f"{stamp}:{keys}:{version}"},
            "_ttl": {"N": str(millis // 1000 + delta.delta_sync_table_ttl * 60)},
        }
        try:
            await self._operations.call(
                "PutItem", {"TableName": delta.delta_sync_table_name, "Item": record}
            )
        except DynamoDBServiceError as error:
            raise error.as_data_source_error() from error

    async def record_delete(
        self, attributes: dict[str, Any] | None, key: dict[str, Any]
    ) -> dict[str, Any] | None:
        """Log a delete; returns the item as the mutation reports it (with `_deleted: true`)."""
        if not attributes:
            return None
        item = dict(attributes)
        if "_deleted" not in item:
            # BaseTableTTL 0: the item is gone; the delta record still says it was deleted.
            version = unmarshall(item["_version"]) if "_version" in item else 0
            item["_version"] = {"N": str(int(version) + 1)}
            item["_lastChangedAt"] = {"N": str(self.now_millis())}
            item["_deleted"] = {"BOOL": True}
        await self.record(item, key)
        return item

    async def sync(self, request: dict[str, Any]) -> dict[str, Any]:
        delta = self._delta
        now = self.now_millis()
        limit = request.get("limit")
        if limit is None:
            limit = DEFAULT_SYNC_LIMIT
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise mapping_error("Expected a number for '$[limit]'.")
        token = decode_token(request["nextToken"]) if request.get("nextToken") else None
        started_at = int(token["startedAt"]) if token else now
        last_sync = request.get("lastSync")
        if token is not None:
            mode = token.get("mode", "base")
        elif last_sync is not None and int(last_sync) >= now - delta.delta_sync_table_ttl * 60_000:
            mode = "delta"
        else:
            mode = "base"
        filter_block = request.get("filter")
        if mode == "base":
            params: dict[str, Any] = {"TableName": self._config.table_name, "Limit": limit}
            ex = Expressions()
            if filter_block and str(filter_block.get("expression") or "").strip():
                params["FilterExpression"] = ex.take(filter_block, "filter")
            if token and token["token"]:
                params["ExclusiveStartKey"] = token["token"]
            result = await self._operations.call("Scan", ex.into(params))
            items = result.get("Items") or []
            last_key = result.get("LastEvaluatedKey")
            next_token = (
                encode_token(last_key, startedAt=started_at, mode="base") if last_key else None
            )
        else:
            items, next_token = await self._delta_page(request, token, started_at, limit, now)
        return {
            "items": [unmarshall_item(item) for item in items],
            "nextToken": next_token,
            "startedAt": started_at,
        }

    async def _delta_page(
        self,
        request: dict[str, Any],
        token: dict[str, Any] | None,
        started_at: int,
        limit: int,
        now: int,
    ) -> tuple[list[dict[str, Any]], str | None]:
        delta = self._delta
        since = datetime.fromtimestamp(int(request["lastSync"]) / 1000, UTC)
        day = date.fromisoformat(token["day"]) if token else since.date()
        start_key: dict[str, Any] | None = (token["token"] or None) if token else None
        today = datetime.fromtimestamp(now / 1000, UTC).date()
        items: list[dict[str, Any]] = []
        while day <= today and len(items) < limit:
            ex = Expressions()
            ex.names["#ds_pk"] = "ds_pk"
            ex.values[":ds_pk"] = {"S": f"{self._config.table_name}:{day.isoformat()}"}
            condition = "#ds_pk = :ds_pk"
            if day == since.date():
                stamp = since.strftime("%H:%M:%S.") + f"{since.microsecond // 1000:03d}"
                ex.names["#ds_sk"] = "ds_sk"
                ex.values[":ds_sk"] = {"S": stamp}
                condition += " AND #ds_sk >= :ds_sk"
            params: dict[str, Any] = {
                "TableName": delta.delta_sync_table_name,
                "KeyConditionExpression": condition,
                "Limit": limit - len(items),
            }
            filter_block = request.get("filter")
            if filter_block and str(filter_block.get("expression") or "").strip():
                params["FilterExpression"] = ex.take(filter_block, "filter")
            if start_key:
                params["ExclusiveStartKey"] = start_key
            result = await self._operations.call("Query", ex.into(params))
            items += [
                {name: value for name, value in item.items() if name not in _DELTA_FIELDS}
                for item in result.get("Items") or []
            ]
            start_key = result.get("LastEvaluatedKey") or None
            if start_key:
                break
            day += timedelta(days=1)
        if day > today:
            return items, None
        state = {"startedAt": started_at, "mode": "delta", "day": day.isoformat()}
        return items, encode_token(start_key, **state)
