"""Reading a table's DynamoDB stream in the embedded DynamoDB (moto's stream shard), for what
follows a table's changes: the console's `onTableRecord` and the event source mappings that
deliver the records to Lambda functions (`appsync.stream_mappings`).

A table's stream is moto's one shard of `StreamRecord`s, numbered from its starting sequence
number. A reader keeps the sequence number of the next record it wants: `stream_end` is
GetShardIterator's LATEST, `stream_start` its TRIM_HORIZON. Every read holds the embedded
backends' lock, so call these from a worker thread.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from resolvers.datasources.dynamodb_wire import BACKEND_LOCK, DEFAULT_ACCOUNT_ID


def _shard(region: str, table_name: str) -> Any:
    """moto's stream of the table (None once the stream or the table is gone)."""
    # Imported where used: moto is loaded on the embedded DynamoDB's first use.
    from moto.dynamodb.models import dynamodb_backends

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][region].tables.get(table_name)
    return None if table is None else table.stream_shard


def stream_end(region: str, table_name: str) -> int:
    """The sequence number the table's next record will have (GetShardIterator's LATEST)."""
    with BACKEND_LOCK:
        shard = _shard(region, table_name)
        if shard is None:
            return 0
        return int(shard.starting_sequence_number) + len(shard.items)


def stream_start(region: str, table_name: str) -> int:
    """The sequence number of the oldest record the stream keeps (TRIM_HORIZON)."""
    with BACKEND_LOCK:
        shard = _shard(region, table_name)
        return 0 if shard is None else int(shard.starting_sequence_number)


def stream_shard_id(region: str, table_name: str) -> str:
    """The id of the table's one shard (DescribeStream's `ShardId`; "" without a stream)."""
    with BACKEND_LOCK:
        shard = _shard(region, table_name)
        return "" if shard is None else str(shard.id)


def stream_records(region: str, table_name: str, sequence: int, limit: int) -> list[dict[str, Any]]:
    """At most `limit` records from `sequence` on, as moto keeps them ([] without a stream)."""
    with BACKEND_LOCK:
        shard = _shard(region, table_name)
        if shard is None or sequence < shard.starting_sequence_number:
            return []
        records: list[dict[str, Any]] = shard.get(sequence, limit)
        return records


def wire_record(record: dict[str, Any]) -> dict[str, Any]:
    """A record as GetRecords sends it: its creation time in epoch seconds (moto keeps a naive
    UTC datetime)."""
    data = dict(record["dynamodb"])
    created = data.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        data["ApproximateCreationDateTime"] = created.replace(tzinfo=UTC).timestamp()
    return {**record, "dynamodb": data}
