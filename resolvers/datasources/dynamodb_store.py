"""The embedded DynamoDB kept in a file: `TableStore`, SQLite written through on every write.

moto's backend stays the one copy the server reads (`dynamodb_moto`); this store is what a
restart reads back. It keeps the backend's state, not a log of requests: one row per table
(moto's own creation arguments and its TTL setting) and one row per item (its wire JSON, keyed
by its primary key as moto compares keys). After every operation that may write
(`dynamodb_moto.record_write`, under the backend's lock), the rows of what the operation
touched are made equal to the backend's state in one SQLite transaction, before the operation
answers:
* PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems: the items their keys
  name (present: written; absent: deleted). A failed batch or transaction is treated the same,
  so whatever moto kept or rolled back is what is on disk.
* PartiQL (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction) other than SELECT: the
  named tables' items are written again whole (moto's PartiQL does not say which items it
  changed), every table of the region when a statement cannot be parsed.
* Anything else (CreateTable, UpdateTable, DeleteTable, UpdateTimeToLive, TagResource, restores
  from backups, ...): each table's row is compared with the backend's tables of that region;
  a new table is written with its items, a changed one is rewritten, a gone one is deleted
  with its items.
Read operations (`dynamodb_moto.READ_OPERATIONS`) write nothing.

The file grows with the data, not with the number of writes: an item written a million times is
one row. SQLite in WAL mode: a commit is in the operating system's hands when the operation
answers (`synchronous=NORMAL`), so a killed server loses no acknowledged write; with `fsync` it
is on the disk itself (`synchronous=FULL`, an fsync per commit), so a machine that loses power
loses none either. The fsync costs milliseconds on a busy disk, during which the event loop
waits (README, "Data that survives restarts", gives both costs).

`restore()` loads the file into the backend at start, before the server creates its declared
tables: a table found there already exists, so it is neither created nor seeded again.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resolvers.datasources.dynamodb_wire import BACKEND_LOCK
from resolvers.errors import TableStoreError

# moto is imported by a restore or a write, not by reading which tables a file holds
# (`stored_tables`, before `serve` listens: issue 19).
if TYPE_CHECKING:
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

logger = logging.getLogger(__name__)

# The file's layout; a file of another version is refused rather than misread.
FORMAT_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tables (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    spec TEXT NOT NULL,
    PRIMARY KEY (account, region, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS items (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    table_name TEXT NOT NULL,
    key TEXT NOT NULL,
    item TEXT NOT NULL,
    PRIMARY KEY (account, region, table_name, key)
) WITHOUT ROWID;
"""

_ITEM_WRITES = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
)
_PARTIQL = frozenset({"ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"})

# (account, region) -> table name -> the table's row as written.
_Specs = dict[tuple[str, str], dict[str, str]]


class TableStore:
    """The `WriteJournal` of the embedded DynamoDB, in the SQLite file at `path`."""

    __slots__ = ("_db", "_specs", "path")

    def __init__(self, path: Path, *, fsync: bool = False) -> None:
        self.path = path
        self._specs: _Specs = {}
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit survives a killed process; FULL: a power loss too.
            self._db.execute(f"PRAGMA synchronous={'FULL' if fsync else 'NORMAL'}")
            (version,) = self._db.execute("PRAGMA user_version").fetchone()
            if version not in (0, FORMAT_VERSION):
                self._db.close()
                raise TableStoreError(
                    f"{path}: written by another version of appsync-local (format {version}, "
                    f"this one reads {FORMAT_VERSION}); `appsync-local reset` empties it"
                )
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
        except sqlite3.Error as error:
            raise TableStoreError(f"cannot open {path}: {error}") from error

    def close(self) -> None:
        self._db.close()

    # --- start ------------------------------------------------------------------------------

    def restore(self) -> list[str]:
        """Load every table and item of the file into the backend (a table of the same name
        already there is replaced); returns the tables' names."""
        from moto.dynamodb.models import dynamodb_backends

        from resolvers.datasources.dynamodb_moto import keep_instances_weakly

        restored = []
        try:
            with BACKEND_LOCK:
                keep_instances_weakly()
                rows = self._db.execute("SELECT account, region, name, spec FROM tables")
                for account, region, name, text in rows.fetchall():
                    self._specs.setdefault((account, region), {})[name] = text
                    backend = dynamodb_backends[account][region]
                    backend.tables.pop(name, None)
                    spec = json.loads(text)
                    table = backend.create_table(name, **spec["create"], warm_throughput=None)
                    _set_state(table, spec["state"])
                    self._load_items(account, region, table)
                    restored.append(name)
        except (sqlite3.Error, ValueError, KeyError, TypeError) as error:
            raise TableStoreError(f"cannot read {self.path}: {error!r}") from error
        if restored:
            logger.info("restored %d table(s) from %s", len(restored), self.path)
        return restored

    def _load_items(self, account: str, region: str, table: Any) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType, Item

        from resolvers.datasources.dynamodb_moto import moto_parameters

        rows = self._db.execute(
            "SELECT item FROM items WHERE account = ? AND region = ? AND table_name = ?",
            (account, region, table.name),
        )
        for (text,) in rows:
            attrs = moto_parameters(json.loads(text))
            hash_key = DynamoType(attrs[table.hash_key_attr])
            if table.range_key_attr is None:
                table.items[hash_key] = Item(hash_key, None, attrs)
            else:
                range_key = DynamoType(attrs[table.range_key_attr])
                table.items[hash_key][range_key] = Item(hash_key, range_key, attrs)

    # --- the journal ------------------------------------------------------------------------

    def written(
        self, account_id: str, region: str, operation: str, params: Mapping[str, Any]
    ) -> None:
        from moto.dynamodb.models import dynamodb_backends

        backend = dynamodb_backends[account_id][region]
        scope = (account_id, region)
        try:
            with self._transaction():
                if operation in _ITEM_WRITES:
                    for table_name, key in _touched(operation, params):
                        table = backend.tables.get(table_name)
                        if table is not None:
                            self._save_item(scope, table, key)
                elif operation in _PARTIQL:
                    for name in _partiql_tables(operation, params, backend.tables):
                        if name in backend.tables:
                            self._save_all_items(scope, backend.tables[name])
                else:
                    self._save_tables(scope, backend.tables)
        except sqlite3.Error as error:
            raise TableStoreError(f"cannot write {self.path}: {error}") from error

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _save_item(self, scope: tuple[str, str], table: Any, key: Mapping[str, Any]) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType, Item

        from resolvers.datasources.dynamodb_moto import wire_item

        hash_value = key.get(table.hash_key_attr)
        range_value = key.get(table.range_key_attr) if table.range_key_attr else None
        if not isinstance(hash_value, dict) or (
            table.range_key_attr is not None and not isinstance(range_value, dict)
        ):
            return  # a key moto refused: nothing was written
        hash_key = DynamoType(hash_value)
        range_key = DynamoType(range_value) if range_value is not None else None
        try:
            found = table.items.get(hash_key)
            item = found.get(range_key) if range_key is not None and found else found
        except TypeError:
            return  # a value that is not a key at all (a list, a map): moto refused it
        row = (*scope, table.name, _key_text(hash_key, range_key))
        if isinstance(item, Item):
            text = json.dumps(wire_item(item), separators=(",", ":"))
            self._db.execute("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?)", (*row, text))
        else:
            self._db.execute(
                "DELETE FROM items WHERE account = ? AND region = ? AND table_name = ? AND key = ?",
                row,
            )

    def _save_all_items(self, scope: tuple[str, str], table: Any) -> None:
        from resolvers.datasources.dynamodb_moto import wire_item

        self._db.execute(
            "DELETE FROM items WHERE account = ? AND region = ? AND table_name = ?",
            (*scope, table.name),
        )
        self._db.executemany(
            "INSERT INTO items VALUES (?, ?, ?, ?, ?)",
            (
                (
                    *scope,
                    table.name,
                    _key_text(item.hash_key, item.range_key),
                    json.dumps(wire_item(item), separators=(",", ":")),
                )
                for item in _items_of(table)
            ),
        )

    def _save_tables(self, scope: tuple[str, str], tables: Mapping[str, Any]) -> None:
        stored = self._specs.setdefault(scope, {})
        for name in [name for name in stored if name not in tables]:
            del stored[name]
            where = (*scope, name)
            self._db.execute(
                "DELETE FROM tables WHERE account = ? AND region = ? AND name = ?", where
            )
            self._db.execute(
                "DELETE FROM items WHERE account = ? AND region = ? AND table_name = ?", where
            )
        for name, table in tables.items():
            text = json.dumps(table_spec(table), separators=(",", ":"), sort_keys=True)
            if stored.get(name) == text:
                continue
            new = name not in stored
            stored[name] = text
            self._db.execute(
                "INSERT OR REPLACE INTO tables VALUES (?, ?, ?, ?)", (*scope, name, text)
            )
            if new:
                # Created whole by a restore from a backup, an import: its items come with it.
                self._save_all_items(scope, table)


def stored_tables(path: Path) -> set[tuple[str, str, str]] | None:
    """The (account, region, name) of the tables the file at `path` holds, read without
    restoring them; None when it cannot tell (no such file, another format, unreadable): a
    start with the data restored after it listens needs to know that creating the declared
    tables cannot fail (`appsync.deferred_start`)."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version != FORMAT_VERSION:
                return None
            rows = db.execute("SELECT account, region, name FROM tables").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return {(str(account), str(region), str(name)) for account, region, name in rows}


def table_spec(table: Any) -> dict[str, Any]:
    """What recreates a moto 5.2.5 `Table` without its items: `create` holds the arguments of
    the backend's `create_table`, `state` what later operations changed (`_TABLE_STATE`, and
    `_INDEX_STATE` of each global secondary index)."""
    provisioned = table.billing_mode != "PAY_PER_REQUEST"

    def throughput(value: Mapping[str, Any]) -> dict[str, Any] | None:
        if not provisioned:
            return None
        return {name: value[name] for name in ("ReadCapacityUnits", "WriteCapacityUnits")}

    global_indexes = []
    for index in table.global_indexes:
        described = {
            "IndexName": index.name,
            "KeySchema": index.schema,
            "Projection": index.projection,
        }
        if provisioned:
            described["ProvisionedThroughput"] = throughput(index.throughput)
        global_indexes.append(described)
    streams = table.stream_specification
    return {
        "create": {
            "schema": table.schema,
            "throughput": throughput(table.throughput),
            "attr": table.attr,
            "global_indexes": global_indexes,
            "indexes": [index.describe() for index in table.indexes],
            "streams": streams if streams and streams.get("StreamEnabled") else None,
            "billing_mode": table.billing_mode,
            "sse_specification": table.sse_specification,
            "tags": table.tags,
            "deletion_protection_enabled": table.deletion_protection_enabled,
        },
        "state": {
            **{name: getattr(table, name) for name in _TABLE_STATE},
            "indexes": [
                {name: getattr(index, name) for name in _INDEX_STATE}
                for index in table.global_indexes
            ],
        },
    }


# What UpdateTable, UpdateTimeToLive and UpdateContinuousBackups change in place, kept as moto
# holds it so that DescribeTable answers the same after a restart.
_TABLE_STATE = ("throughput", "warm_throughput", "ttl", "continuous_backups")
_INDEX_STATE = ("throughput", "warm_throughput", "status")


def _set_state(table: Any, state: Mapping[str, Any]) -> None:
    for name in _TABLE_STATE:
        setattr(table, name, state[name])
    for index, index_state in zip(table.global_indexes, state["indexes"], strict=True):
        for name in _INDEX_STATE:
            setattr(index, name, index_state[name])


def _items_of(table: Any) -> Iterator[Item]:
    from moto.dynamodb.models.dynamo_type import Item

    for found in table.items.values():
        if isinstance(found, Item):
            yield found
        else:
            yield from found.values()


def _touched(operation: str, params: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(table name, item or key) for each item a write names; the key attributes are read from
    it as the table defines them."""
    if operation == "PutItem":
        yield from _named(params.get("TableName"), params.get("Item"))
    elif operation in ("UpdateItem", "DeleteItem"):
        yield from _named(params.get("TableName"), params.get("Key"))
    elif operation == "BatchWriteItem":
        requests = params.get("RequestItems")
        for table_name, entries in requests.items() if isinstance(requests, dict) else ():
            for entry in entries if isinstance(entries, list) else ():
                if not isinstance(entry, dict):
                    continue
                put, delete = entry.get("PutRequest"), entry.get("DeleteRequest")
                if isinstance(put, dict):
                    yield from _named(table_name, put.get("Item"))
                if isinstance(delete, dict):
                    yield from _named(table_name, delete.get("Key"))
    else:  # TransactWriteItems
        actions = params.get("TransactItems")
        for action in actions if isinstance(actions, list) else ():
            for kind, body in action.items() if isinstance(action, dict) else ():
                if kind in ("Put", "Update", "Delete") and isinstance(body, dict):
                    yield from _named(body.get("TableName"), body.get("Item", body.get("Key")))


def _named(table_name: Any, key: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(table_name, str) and isinstance(key, dict):
        yield table_name, key


def _partiql_tables(
    operation: str, params: Mapping[str, Any], tables: Mapping[str, Any]
) -> Iterable[str]:
    """The tables a PartiQL call may have written: those its statements name, all of the
    region's when one cannot be read; none when every statement is a SELECT."""
    from moto.dynamodb.parsing import partiql

    if operation == "ExecuteStatement":
        statements = [params.get("Statement")]
    else:
        entries = params.get("Statements") or params.get("TransactStatements") or []
        statements = [e.get("Statement") for e in entries if isinstance(e, dict)]
    named: set[str] = set()
    for statement in statements:
        if not isinstance(statement, str):
            continue
        try:
            metadata = partiql.get_query_metadata(statement)
            if metadata.is_select_query():
                continue
            named.update(metadata.get_table_names())
        except Exception:  # py-partiql-parser is third-party and asserts on what it cannot read
            return list(tables)
    return named


def _key_text(hash_key: DynamoType, range_key: DynamoType | None) -> str:
    """A primary key as text, equal for keys moto holds equal (numbers by value: 1 and 1.0)."""
    parts = [hash_key.type, _canonical(hash_key)]
    if range_key is not None:
        parts += [range_key.type, _canonical(range_key)]
    return json.dumps(parts, separators=(",", ":"))


def _canonical(value: DynamoType) -> str:
    inner = value.value
    if value.type == "N":
        try:
            number = Decimal(inner)
        except (InvalidOperation, TypeError):
            return str(inner)
        return "0" if number == 0 else str(number.normalize())
    if isinstance(inner, bytes):
        return base64.b64encode(inner).decode("ascii")
    return str(inner)
