"""Typed settings of AMAZON_DYNAMODB data sources and of the tables the embedded DynamoDB holds.

`dynamodbConfig` keeps AppSync's own names (CreateDataSource's `DynamodbDataSourceConfig` in the
AppSync API reference): `tableName`, `awsRegion`, `useCallerCredentials`, `versioned`,
`deltaSyncConfig {baseTableTTL, deltaSyncTableName, deltaSyncTableTTL}`. `endpoint` is local
only: with it the data source talks to that DynamoDB endpoint (DynamoDB Local, real DynamoDB)
through boto3 instead of the embedded moto backend.

A table declaration is a DynamoDB CreateTable input (`TableName`, `KeySchema`,
`AttributeDefinitions`, `GlobalSecondaryIndexes`, `LocalSecondaryIndexes`, `BillingMode`,
`ProvisionedThroughput`), plus UpdateTimeToLive's `TimeToLiveSpecification` and a local `seed`
file. The embedded DynamoDB's own settings (local only, under the definition file's
`server.dynamodb`) are its tables and where its loopback endpoint listens::

    server:
      dynamodb:
        endpoint: {host: 127.0.0.1, port: 8000}   # or `endpoint: false`; port 0 picks one
        tables:
          - TableName: Post
            KeySchema: [{AttributeName: id, KeyType: HASH}]
            AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
            seed: data/posts.json

The parsers return every problem with its key path instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_REGION = "us-east-1"
_CONFIG_KEYS = (
    "tableName",
    "awsRegion",
    "useCallerCredentials",
    "versioned",
    "deltaSyncConfig",
    "endpoint",
)
_DELTA_KEYS = ("baseTableTTL", "deltaSyncTableName", "deltaSyncTableTTL")
_TABLE_KEYS = (
    "TableName",
    "KeySchema",
    "AttributeDefinitions",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "ProvisionedThroughput",
    "TimeToLiveSpecification",
    "StreamSpecification",
    "seed",
)
_BILLING_MODES = ("PAY_PER_REQUEST", "PROVISIONED")
_KEY_TYPES = ("HASH", "RANGE")
_ATTRIBUTE_TYPES = ("S", "N", "B")


@dataclass(frozen=True, slots=True)
class DynamoDBConfigProblem:
    """One bad value: where it is (`dataSources[1].dynamodbConfig.tableName`) and what is wrong."""

    key_path: str
    message: str

    def __str__(self) -> str:
        return f"{self.key_path}: {self.message}"


@dataclass(frozen=True, slots=True)
class DeltaSyncConfig:
    """`deltaSyncConfig`: TTLs in minutes, as AppSync's DeltaSyncConfig takes them."""

    base_table_ttl: int
    delta_sync_table_name: str
    delta_sync_table_ttl: int


@dataclass(frozen=True, slots=True)
class DynamoDBConfig:
    """One data source's `dynamodbConfig`."""

    table_name: str
    aws_region: str = DEFAULT_REGION
    use_caller_credentials: bool = False
    versioned: bool = False
    delta_sync_config: DeltaSyncConfig | None = None
    endpoint: str | None = None


@dataclass(frozen=True, slots=True)
class TableDeclaration:
    """A table to create at start: `create_table_input` is CreateTable's input as written."""

    table_name: str
    create_table_input: Mapping[str, Any]
    time_to_live_attribute: str | None = None
    seed: Path | None = None


@dataclass(frozen=True, slots=True)
class EmbeddedDynamoDBSettings:
    """`server.dynamodb`: the tables to create at start, and the loopback endpoint (None: off)."""

    tables: tuple[TableDeclaration, ...] = ()
    endpoint_host: str | None = "127.0.0.1"
    endpoint_port: int = 0


class _Problems:
    def __init__(self) -> None:
        self.found: list[DynamoDBConfigProblem] = []

    def add(self, key_path: str, message: str) -> None:
        self.found.append(DynamoDBConfigProblem(key_path, message))

    def mapping(self, value: Any, path: str, allowed: Sequence[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, f"expected a mapping, got {_kind(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.add(
                    _join(path, str(key)), f"unknown key; expected one of {', '.join(allowed)}"
                )
        return value

    def string(self, raw: Mapping[str, Any], key: str, path: str, required: bool) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.add(_join(path, key), "required; expected a non-empty string")
            return None
        if not isinstance(value, str) or not value:
            self.add(_join(path, key), f"expected a non-empty string, got {_kind(value)}")
            return None
        return value

    def boolean(self, raw: Mapping[str, Any], key: str, path: str) -> bool:
        value = raw.get(key, False)
        if not isinstance(value, bool):
            self.add(_join(path, key), f"expected true or false, got {_kind(value)}")
            return False
        return value

    def minutes(self, raw: Mapping[str, Any], key: str, path: str) -> int:
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.add(_join(path, key), "required; expected a whole number of minutes (0 or more)")
            return 0
        return value

    def choice(self, value: Any, path: str, choices: Sequence[str]) -> None:
        if value not in choices:
            self.add(path, f"expected one of {' | '.join(choices)}, got {value!r}")


def parse_dynamodb_config(
    raw: Any, path: str = "dynamodbConfig"
) -> tuple[DynamoDBConfig | None, list[DynamoDBConfigProblem]]:
    """Read one `dynamodbConfig` block; returns the config (None when unusable) and problems."""
    problems = _Problems()
    block = problems.mapping(raw, path, _CONFIG_KEYS)
    if block is None:
        return None, problems.found
    table_name = problems.string(block, "tableName", path, required=True)
    region = problems.string(block, "awsRegion", path, required=False) or DEFAULT_REGION
    endpoint = problems.string(block, "endpoint", path, required=False)
    if endpoint is not None and not endpoint.startswith(("http://", "https://")):
        problems.add(_join(path, "endpoint"), "expected an http:// or https:// URL")
    versioned = problems.boolean(block, "versioned", path)
    delta = None
    if block.get("deltaSyncConfig") is not None:
        delta = _delta_sync_config(problems, block["deltaSyncConfig"], path)
    elif versioned:
        # A versioned data source needs the delta table and TTLs (versioned-data-sources).
        problems.add(_join(path, "deltaSyncConfig"), "required when versioned is true")
    config = None
    if table_name is not None:
        config = DynamoDBConfig(
            table_name=table_name,
            aws_region=region,
            use_caller_credentials=problems.boolean(block, "useCallerCredentials", path),
            versioned=versioned,
            delta_sync_config=delta,
            endpoint=endpoint,
        )
    return (config if not problems.found else None), problems.found


def _delta_sync_config(problems: _Problems, raw: Any, path: str) -> DeltaSyncConfig | None:
    where = _join(path, "deltaSyncConfig")
    block = problems.mapping(raw, where, _DELTA_KEYS)
    if block is None:
        return None
    name = problems.string(block, "deltaSyncTableName", where, required=True)
    base_ttl = problems.minutes(block, "baseTableTTL", where)
    delta_ttl = problems.minutes(block, "deltaSyncTableTTL", where)
    if name is None:
        return None
    return DeltaSyncConfig(base_ttl, name, delta_ttl)


def parse_table_declarations(
    raw: Any, path: str, base_dir: Path
) -> tuple[tuple[TableDeclaration, ...], list[DynamoDBConfigProblem]]:
    """Read a list of table declarations; `seed` paths are relative to `base_dir`."""
    problems = _Problems()
    if raw is None:
        return (), []
    if not isinstance(raw, list):
        problems.add(path, f"expected a list of tables, got {_kind(raw)}")
        return (), problems.found
    tables: list[TableDeclaration] = []
    names: set[str] = set()
    for index, item in enumerate(raw):
        where = f"{path}[{index}]"
        table = _table(problems, item, where, base_dir)
        if table is None:
            continue
        if table.table_name in names:
            problems.add(_join(where, "TableName"), f"table {table.table_name!r} is declared twice")
        names.add(table.table_name)
        tables.append(table)
    return tuple(tables), problems.found


def _table(problems: _Problems, raw: Any, where: str, base_dir: Path) -> TableDeclaration | None:
    block = problems.mapping(raw, where, _TABLE_KEYS)
    if block is None:
        return None
    before = len(problems.found)
    name = problems.string(block, "TableName", where, required=True)
    defined = _attribute_definitions(problems, block.get("AttributeDefinitions"), where)
    used = _key_schema(problems, block.get("KeySchema"), _join(where, "KeySchema"))
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        indexes = block.get(kind)
        if indexes is None:
            continue
        if not isinstance(indexes, list) or not indexes:
            problems.add(_join(where, kind), "expected a non-empty list of indexes")
            continue
        for position, index in enumerate(indexes):
            index_where = f"{_join(where, kind)}[{position}]"
            if not isinstance(index, dict):
                problems.add(index_where, f"expected a mapping, got {_kind(index)}")
                continue
            problems.string(index, "IndexName", index_where, required=True)
            used |= _key_schema(problems, index.get("KeySchema"), _join(index_where, "KeySchema"))
            if not isinstance(index.get("Projection"), dict):
                problems.add(_join(index_where, "Projection"), "required; expected a mapping")
    for attribute in sorted(used - defined):
        problems.add(
            _join(where, "AttributeDefinitions"), f"key attribute {attribute!r} is not defined"
        )
    billing = block.get("BillingMode", "PAY_PER_REQUEST")
    problems.choice(billing, _join(where, "BillingMode"), _BILLING_MODES)
    if billing == "PROVISIONED" and not isinstance(block.get("ProvisionedThroughput"), dict):
        problems.add(
            _join(where, "ProvisionedThroughput"), "required when BillingMode is PROVISIONED"
        )
    ttl_attribute = _time_to_live(problems, block.get("TimeToLiveSpecification"), where)
    seed = None
    seed_name = problems.string(block, "seed", where, required=False)
    if seed_name is not None:
        seed = (base_dir / seed_name).resolve()
        if not seed.is_file():
            problems.add(_join(where, "seed"), f"file not found: {seed}")
    if name is None or len(problems.found) > before:
        return None
    create = {
        key: value for key, value in block.items() if key not in ("seed", "TimeToLiveSpecification")
    }
    create["BillingMode"] = billing
    return TableDeclaration(name, create, ttl_attribute, seed)


def _attribute_definitions(problems: _Problems, raw: Any, where: str) -> set[str]:
    path = _join(where, "AttributeDefinitions")
    if not isinstance(raw, list) or not raw:
        problems.add(path, "required; expected a list of {AttributeName, AttributeType}")
        return set()
    names = set()
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            problems.add(item_path, f"expected a mapping, got {_kind(item)}")
            continue
        name = problems.string(item, "AttributeName", item_path, required=True)
        problems.choice(
            item.get("AttributeType"), _join(item_path, "AttributeType"), _ATTRIBUTE_TYPES
        )
        if name is not None:
            names.add(name)
    return names


def _key_schema(problems: _Problems, raw: Any, path: str) -> set[str]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 2:
        problems.add(path, "required; expected one HASH key and at most one RANGE key")
        return set()
    names = set()
    types = []
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            problems.add(item_path, f"expected a mapping, got {_kind(item)}")
            continue
        name = problems.string(item, "AttributeName", item_path, required=True)
        problems.choice(item.get("KeyType"), _join(item_path, "KeyType"), _KEY_TYPES)
        types.append(item.get("KeyType"))
        if name is not None:
            names.add(name)
    if types and types[0] != "HASH":
        problems.add(f"{path}[0].KeyType", "the first key must be the HASH key")
    return names


def _time_to_live(problems: _Problems, raw: Any, where: str) -> str | None:
    if raw is None:
        return None
    path = _join(where, "TimeToLiveSpecification")
    block = problems.mapping(raw, path, ("AttributeName", "Enabled"))
    if block is None:
        return None
    name = problems.string(block, "AttributeName", path, required=True)
    return name if problems.boolean(block, "Enabled", path) else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def parse_embedded_dynamodb(
    raw: Any, path: str, base_dir: Path
) -> tuple[EmbeddedDynamoDBSettings, list[DynamoDBConfigProblem]]:
    """Read `server.dynamodb`; missing or null gives the defaults (no tables, endpoint on a
    free loopback port)."""
    if raw is None:
        return EmbeddedDynamoDBSettings(), []
    problems = _Problems()
    block = problems.mapping(raw, path, ("tables", "endpoint"))
    if block is None:
        return EmbeddedDynamoDBSettings(), problems.found
    tables, table_problems = parse_table_declarations(
        block.get("tables"), _join(path, "tables"), base_dir
    )
    problems.found += table_problems
    endpoint = block.get("endpoint", {})
    host: str | None = "127.0.0.1"
    port = 0
    if endpoint is False:
        host = None
    elif endpoint is not None:
        where = _join(path, "endpoint")
        settings = problems.mapping(endpoint, where, ("host", "port"))
        if settings is not None:
            host = problems.string(settings, "host", where, required=False) or host
            value = settings.get("port", 0)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
                problems.add(_join(where, "port"), "expected a port number from 0 to 65535")
            else:
                port = value
    return EmbeddedDynamoDBSettings(tables, host, port), problems.found
