"""Versioned data sources and Sync, on a fake clock.

From AppSync's "Versioning DynamoDB data sources" (`_version`, `_lastChangedAt`, tombstones
with `_deleted` kept BaseTableTTL minutes, delta table records), "Conflict detection and sync"
(with `conflictDetection: VERSION`, a stale `_version` is a conflict, which the optimistic
concurrency handler rejects; without it, nothing is detected) and the Sync
reference (base table scan without a recent `lastSync`, delta table otherwise; `startedAt` is
the start of the first page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from definition.model import (
    ConflictDetectionType,
    ConflictHandlerType,
    DeltaSyncConfig,
    DynamoDBConfig,
    SyncConfig,
)
from resolvers.datasources.dynamodb import DynamoDBDataSource
from resolvers.datasources.dynamodb_tables import create_tables, delta_sync_table
from resolvers.datasources.dynamodb_wire import DynamoDBOperations
from tests.unit.resolvers.datasources.dynamodb_paths import (
    REGION,
    failure,
    new_source,
    new_table,
    run,
)

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]

V2 = "2018-05-29"
START = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)
BASE_TTL_MINUTES = 43200
DELTA_TTL_MINUTES = 30


@dataclass
class FakeClock:
    moment: datetime = START

    def now(self) -> datetime:
        return self.moment

    def millis(self) -> int:
        return int(self.moment.timestamp() * 1000)

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


OPTIMISTIC = SyncConfig(ConflictDetectionType.VERSION, ConflictHandlerType.OPTIMISTIC_CONCURRENCY)


async def versioned_source(
    operations: DynamoDBOperations,
    clock: FakeClock,
    base_ttl: int = BASE_TTL_MINUTES,
    sync_config: SyncConfig | None = OPTIMISTIC,
) -> DynamoDBDataSource:
    table = await new_table(operations, "Notes")
    delta = DeltaSyncConfig(base_ttl, f"Delta-{table}", DELTA_TTL_MINUTES)
    await create_tables(operations, [delta_sync_table(delta)])
    config = DynamoDBConfig(table, REGION, versioned=True, delta_sync_config=delta)
    return DynamoDBDataSource("NotesTable", config, operations, clock, sync_config)


def put(note: str, **extra: Any) -> dict[str, Any]:
    return {
        "version": V2,
        "operation": "PutItem",
        "key": {"id": {"S": note}},
        "attributeValues": {"text": {"S": f"text of {note}"}},
        **extra,
    }


def update(note: str, text: str, version: int) -> dict[str, Any]:
    return {
        "version": V2,
        "operation": "UpdateItem",
        "key": {"id": {"S": note}},
        "update": {
            "expression": "SET #t = :t",
            "expressionNames": {"#t": "text"},
            "expressionValues": {":t": {"S": text}},
        },
        "_version": version,
    }


def sync(**extra: Any) -> dict[str, Any]:
    return {"version": V2, "operation": "Sync", **extra}


async def delta_records(operations: DynamoDBOperations, source: DynamoDBDataSource) -> list[Any]:
    delta = source.config.delta_sync_config
    assert delta is not None
    result = await operations.call("Scan", {"TableName": delta.delta_sync_table_name})
    return sorted(result["Items"], key=lambda item: item["ds_sk"]["S"])


async def test_put_sets_version_one_and_last_changed_at(operations: DynamoDBOperations) -> None:
    clock = FakeClock()
    source = await versioned_source(operations, clock)
    result = await run(source, put("n1"))
    assert result == {
        "id": "n1",
        "text": "text of n1",
        "_version": 1,
        "_lastChangedAt": clock.millis(),
    }


async def test_every_change_is_written_to_the_delta_table(operations: DynamoDBOperations) -> None:
    clock = FakeClock()
    source = await versioned_source(operations, clock)
    await run(source, put("n1"))
    (record,) = await delta_records(operations, source)
    assert record["ds_pk"] == {"S": f"{source.config.table_name}:2024-03-01"}
    assert record["ds_sk"] == {"S": "12:00:00.000:n1:1"}
    assert record["_ttl"] == {"N": str(clock.millis() // 1000 + DELTA_TTL_MINUTES * 60)}
    assert record["text"] == {"S": "text of n1"}


async def test_update_with_the_current_version_increments_it(
    operations: DynamoDBOperations,
) -> None:
    clock = FakeClock()
    source = await versioned_source(operations, clock)
    await run(source, put("n1"))
    clock.advance(seconds=5)
    result = await run(source, update("n1", "edited", 1))
    assert result["_version"] == 2
    assert result["_lastChangedAt"] == clock.millis()
    assert result["text"] == "edited"


async def test_update_with_a_stale_version_is_a_rejected_conflict(
    operations: DynamoDBOperations,
) -> None:
    clock = FakeClock()
    source = await versioned_source(operations, clock)
    await run(source, put("n1"))
    await run(source, update("n1", "first", 1))
    error = await failure(source, update("n1", "second", 1))
    assert error.error_type == "ConflictUnhandled"
    assert error.message == "Conflict resolver rejects mutation."
    assert error.data["_version"] == 2
    assert error.data["text"] == "first"


async def test_without_conflict_detection_a_stale_version_is_written_over(
    operations: DynamoDBOperations,
) -> None:
    # "Conflict Detection is enabled by setting the value in the SyncConfig for the
    # conflictDetection field to VERSION" (Conflict detection and resolution): without it the
    # versioned data source still counts versions, and detects nothing.
    clock = FakeClock()
    for sync_config in (None, SyncConfig(ConflictDetectionType.NONE)):
        source = await versioned_source(operations, clock, sync_config=sync_config)
        await run(source, put("n1"))
        await run(source, update("n1", "first", 1))
        result = await run(source, update("n1", "second", 1))
        assert (result["text"], result["_version"]) == ("second", 3)


async def test_delete_leaves_a_tombstone_for_base_table_ttl(
    operations: DynamoDBOperations,
) -> None:
    clock = FakeClock()
    source = await versioned_source(operations, clock)
    await run(source, put("n1"))
    deleted = await run(
        source,
        {"version": V2, "operation": "DeleteItem", "key": {"id": {"S": "n1"}}, "_version": 1},
    )
    assert deleted["_deleted"] is True
    assert deleted["_version"] == 2
    assert deleted["_ttl"] == clock.millis() // 1000 + BASE_TTL_MINUTES * 60
    stored = await run(source, {"version": V2, "operation": "GetItem", "key": {"id": {"S": "n1"}}})
    assert stored["_deleted"] is True


async def test_delete_with_base_table_ttl_zero_removes_the_item(
    operations: DynamoDBOperations,
) -> None:
    clock = FakeClock()
    source = await versioned_source(operations, clock, base_ttl=0)
    await run(source, put("n1"))
    deleted = await run(
        source, {"version": V2, "operation": "DeleteItem", "key": {"id": {"S": "n1"}}}
    )
    assert deleted["_deleted"] is True
    assert deleted["_version"] == 2
    get = {"version": V2, "operation": "GetItem", "key": {"id": {"S": "n1"}}}
    assert await run(source, get) is None
    records = await delta_records(operations, source)
    assert records[-1]["_deleted"] == {"BOOL": True}


async def test_sync_without_last_sync_scans_the_base_table_with_tombstones(
    operations: DynamoDBOperations,
) -> None:
    clock = FakeClock()
    source = await versioned_source(operations, clock)
    await run(source, put("n1"))
    await run(source, put("n2"))
    await run(source, {"version": V2, "operation": "DeleteItem", "key": {"id": {"S": "n2"}}})
    clock.advance(minutes=1)
    result = await run(source, sync(limit=100))
    assert result["startedAt"] == clock.millis()
    assert result["nextToken"] is None
    by_id = {item["id"]: item for item in result["items"]}
    assert set(by_id) == {"n1", "n2"}
    assert by_id["n2"]["_deleted"] is True


async def test_sync_with_a_recent_last_sync_reads_only_later_changes(
    operations: DynamoDBOperations,
) -> None:
    clock = FakeClock()
    source = await versioned_source(operations, clock)
    await run(source, put("old"))
    clock.advance(minutes=2)
    last_sync = clock.millis()
    clock.advance(seconds=1)
    await run(source, put("new"))
    await run(source, update("old", "changed", 1))
    result = await run(source, sync(lastSync=last_sync))
    changes = sorted((item["id"], item["_version"]) for item in result["items"])
    assert changes == [("new", 1), ("old", 2)]
    assert all("ds_pk" not in item and "ds_sk" not in item for item in result["items"])


async def test_sync_reads_delta_records_across_midnight(operations: DynamoDBOperations) -> None:
    clock = FakeClock(datetime(2024, 3, 1, 23, 59, 0, tzinfo=UTC))
    source = await versioned_source(operations, clock)
    last_sync = clock.millis()
    await run(source, put("before-midnight"))
    clock.advance(minutes=2)
    await run(source, put("after-midnight"))
    result = await run(source, sync(lastSync=last_sync))
    assert sorted(item["id"] for item in result["items"]) == ["after-midnight", "before-midnight"]


async def test_sync_with_a_last_sync_older_than_the_delta_ttl_scans_the_base_table(
    operations: DynamoDBOperations,
) -> None:
    clock = FakeClock()
    source = await versioned_source(operations, clock)
    last_sync = clock.millis()
    await run(source, put("n1"))
    clock.advance(minutes=DELTA_TTL_MINUTES + 1)
    await run(source, put("n2"))
    result = await run(source, sync(lastSync=last_sync))
    assert sorted(item["id"] for item in result["items"]) == ["n1", "n2"]


async def test_sync_pages_keep_the_first_pages_started_at(operations: DynamoDBOperations) -> None:
    clock = FakeClock()
    source = await versioned_source(operations, clock)
    for note in ("n1", "n2", "n3"):
        await run(source, put(note))
    first = await run(source, sync(limit=2))
    started = first["startedAt"]
    clock.advance(minutes=5)
    second = await run(source, sync(limit=2, nextToken=first["nextToken"]))
    assert second["startedAt"] == started
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert sorted(ids) == ["n1", "n2", "n3"]


async def test_sync_on_a_data_source_that_is_not_versioned_is_refused(
    operations: DynamoDBOperations,
) -> None:
    source = await new_source(operations)
    error = await failure(source, sync())
    assert error.error_type == "MappingTemplate"


async def test_delta_sync_pages_through_the_changes(operations: DynamoDBOperations) -> None:
    clock = FakeClock()
    source = await versioned_source(operations, clock)
    last_sync = clock.millis()
    for note in ("n1", "n2", "n3"):
        clock.advance(seconds=1)
        await run(source, put(note))
    first = await run(source, sync(lastSync=last_sync, limit=2))
    assert [item["id"] for item in first["items"]] == ["n1", "n2"]
    assert first["nextToken"] is not None
    second = await run(source, sync(lastSync=last_sync, limit=2, nextToken=first["nextToken"]))
    assert [item["id"] for item in second["items"]] == ["n3"]
    assert second["nextToken"] is None
    assert second["startedAt"] == first["startedAt"]


async def test_a_missing_delta_table_is_a_dynamodb_error_of_the_mutation(
    operations: DynamoDBOperations,
) -> None:
    table = await new_table(operations, "Notes")
    delta = DeltaSyncConfig(BASE_TTL_MINUTES, f"Missing-{table}", DELTA_TTL_MINUTES)
    config = DynamoDBConfig(table, REGION, versioned=True, delta_sync_config=delta)
    source = DynamoDBDataSource("NotesTable", config, operations, FakeClock())
    error = await failure(source, put("n1"))
    assert error.error_type == "DynamoDB:ResourceNotFoundException"
