"""`dynamodbConfig` of AMAZON_DYNAMODB data sources, and `server.dynamodb`: the embedded
DynamoDB's tables and endpoint.

`dynamodbConfig` keeps AppSync's own names (CreateDataSource's `DynamodbDataSourceConfig` in the
AppSync API reference): `tableName`, `awsRegion`, `useCallerCredentials`, `versioned`,
`deltaSyncConfig {baseTableTTL, deltaSyncTableName, deltaSyncTableTTL}`. `endpoint` is local
only: with it the data source talks to that DynamoDB endpoint (DynamoDB Local, real DynamoDB)
through boto3 instead of the embedded moto backend.

A table declaration is a DynamoDB CreateTable input (`TableName`, `KeySchema`,
`AttributeDefinitions`, `GlobalSecondaryIndexes`, `LocalSecondaryIndexes`, `BillingMode`,
`ProvisionedThroughput`; `BillingMode` defaults to PROVISIONED, as CreateTable and
AWS::DynamoDB::Table default it), plus UpdateTimeToLive's `TimeToLiveSpecification` and a local
`seed` file (relative to the definition file). The embedded DynamoDB's own settings (local only)
are its tables, and an extra listener of the AWS endpoint on a fixed port for scripts written
against DynamoDB Local (the embedded DynamoDB is always on the server's own port)::

    server:
      dynamodb:
        endpoint: {host: 127.0.0.1, port: 8000}   # absent or `false`: none; port 0 picks one
        tables:
          - TableName: Post
            KeySchema: [{AttributeName: id, KeyType: HASH}]
            AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
            BillingMode: PAY_PER_REQUEST
            seed: data/posts.json
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from definition.appsync_yaml.accepted import note_unused
from definition.appsync_yaml.reader import DefinitionReader, join, kind
from definition.model import (
    DEFAULT_REGION,
    DeltaSyncConfig,
    DynamoDBConfig,
    EmbeddedDynamoDBSettings,
    TableDeclaration,
)

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


def _minutes(reader: DefinitionReader, raw: Mapping[str, Any], key: str, path: str) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        reader.problem(join(path, key), "required; expected a whole number of minutes (0 or more)")
        return 0
    return value


def _choice(reader: DefinitionReader, value: Any, path: str, choices: Sequence[str]) -> None:
    if value not in choices:
        reader.problem(path, f"expected one of {' | '.join(choices)}, got {value!r}")


def read_dynamodb_config(
    reader: DefinitionReader, raw: Any, path: str = "dynamodbConfig"
) -> DynamoDBConfig | None:
    """One `dynamodbConfig` block; None when it has a problem."""
    before = len(reader.problems)
    block = reader.mapping(raw, path, _CONFIG_KEYS)
    if block is None:
        return None
    table_name = reader.string(block, "tableName", path, required=True)
    region = reader.string(block, "awsRegion", path, required=False) or DEFAULT_REGION
    endpoint = reader.string(block, "endpoint", path, required=False)
    if endpoint is not None and not endpoint.startswith(("http://", "https://")):
        reader.problem(join(path, "endpoint"), "expected an http:// or https:// URL")
    versioned = reader.boolean(block, "versioned", path)
    caller_credentials = reader.boolean(block, "useCallerCredentials", path)
    note_unused(reader, {"useCallerCredentials": caller_credentials}, path)
    delta = None
    if block.get("deltaSyncConfig") is not None:
        delta = _delta_sync_config(reader, block["deltaSyncConfig"], path)
    elif versioned:
        # A versioned data source needs the delta table and TTLs (versioned-data-sources).
        reader.problem(join(path, "deltaSyncConfig"), "required when versioned is true")
    config = None
    if table_name is not None:
        config = DynamoDBConfig(
            table_name=table_name,
            aws_region=region,
            use_caller_credentials=caller_credentials,
            versioned=versioned,
            delta_sync_config=delta,
            endpoint=endpoint,
        )
    return config if len(reader.problems) == before else None


def _delta_sync_config(reader: DefinitionReader, raw: Any, path: str) -> DeltaSyncConfig | None:
    where = join(path, "deltaSyncConfig")
    block = reader.mapping(raw, where, _DELTA_KEYS)
    if block is None:
        return None
    name = reader.string(block, "deltaSyncTableName", where, required=True)
    base_ttl = _minutes(reader, block, "baseTableTTL", where)
    delta_ttl = _minutes(reader, block, "deltaSyncTableTTL", where)
    if name is None:
        return None
    return DeltaSyncConfig(base_ttl, name, delta_ttl)


def read_table_declarations(
    reader: DefinitionReader, raw: Any, path: str
) -> tuple[TableDeclaration, ...]:
    """A list of table declarations; `seed` paths are relative to the definition file."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.problem(path, f"expected a list of tables, got {kind(raw)}")
        return ()
    tables: list[TableDeclaration] = []
    names: set[str] = set()
    for index, item in enumerate(raw):
        where = f"{path}[{index}]"
        table = read_table(reader, item, where)
        if table is None:
            continue
        if table.table_name in names:
            reader.problem(
                join(where, "TableName"), f"table {table.table_name!r} is declared twice"
            )
        names.add(table.table_name)
        tables.append(table)
    return tuple(tables)


def read_table(
    reader: DefinitionReader, raw: Any, where: str, keys: Sequence[str] = _TABLE_KEYS
) -> TableDeclaration | None:
    """One table declaration (CreateTable's input, as `keys` allow it); None when it has a
    problem."""
    block = reader.mapping(raw, where, keys)
    if block is None:
        return None
    before = len(reader.problems)
    name = reader.string(block, "TableName", where, required=True)
    defined = _attribute_definitions(reader, block.get("AttributeDefinitions"), where)
    used = _key_schema(reader, block.get("KeySchema"), join(where, "KeySchema"))
    for kind_key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        indexes = block.get(kind_key)
        if indexes is None:
            continue
        if not isinstance(indexes, list) or not indexes:
            reader.problem(join(where, kind_key), "expected a non-empty list of indexes")
            continue
        for position, index in enumerate(indexes):
            index_where = f"{join(where, kind_key)}[{position}]"
            if not isinstance(index, dict):
                reader.problem(index_where, f"expected a mapping, got {kind(index)}")
                continue
            reader.string(index, "IndexName", index_where, required=True)
            used |= _key_schema(reader, index.get("KeySchema"), join(index_where, "KeySchema"))
            if not isinstance(index.get("Projection"), dict):
                reader.problem(join(index_where, "Projection"), "required; expected a mapping")
            if (
                kind_key == "GlobalSecondaryIndexes"
                and block.get("BillingMode", "PROVISIONED") == "PROVISIONED"
                and not isinstance(index.get("ProvisionedThroughput"), dict)
            ):
                # CreateTable refuses a global secondary index without throughput under
                # PROVISIONED ("ProvisionedThroughput must be specified for index").
                reader.problem(
                    join(index_where, "ProvisionedThroughput"),
                    "required when BillingMode is PROVISIONED (CreateTable's default)",
                )
    for attribute in sorted(used - defined):
        reader.problem(
            join(where, "AttributeDefinitions"), f"key attribute {attribute!r} is not defined"
        )
    # CreateTable's default, and AWS::DynamoDB::Table's: PROVISIONED, which needs throughput.
    billing = block.get("BillingMode", "PROVISIONED")
    _choice(reader, billing, join(where, "BillingMode"), _BILLING_MODES)
    throughput = block.get("ProvisionedThroughput")
    if billing == "PROVISIONED" and not isinstance(throughput, dict):
        reader.problem(
            join(where, "ProvisionedThroughput"),
            "required when BillingMode is PROVISIONED (CreateTable's default); "
            "or set BillingMode: PAY_PER_REQUEST",
        )
    elif billing == "PAY_PER_REQUEST" and throughput is not None:
        # DynamoDB's own refusal (CreateTable, ValidationException).
        reader.problem(
            join(where, "ProvisionedThroughput"),
            "ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST",
        )
    ttl_attribute = _time_to_live(reader, block.get("TimeToLiveSpecification"), where)
    seed = None
    seed_name = reader.string(block, "seed", where, required=False)
    if seed_name is not None:
        seed = (reader.file.parent / seed_name).resolve()
        if not seed.is_file():
            reader.problem(join(where, "seed"), f"file not found: {seed}")
    if name is None or len(reader.problems) > before:
        return None
    create = {
        key: value for key, value in block.items() if key not in ("seed", "TimeToLiveSpecification")
    }
    create["BillingMode"] = billing
    return TableDeclaration(name, create, ttl_attribute, seed)


def _attribute_definitions(reader: DefinitionReader, raw: Any, where: str) -> set[str]:
    path = join(where, "AttributeDefinitions")
    if not isinstance(raw, list) or not raw:
        reader.problem(path, "required; expected a list of {AttributeName, AttributeType}")
        return set()
    names = set()
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            reader.problem(item_path, f"expected a mapping, got {kind(item)}")
            continue
        name = reader.string(item, "AttributeName", item_path, required=True)
        _choice(
            reader, item.get("AttributeType"), join(item_path, "AttributeType"), _ATTRIBUTE_TYPES
        )
        if name is not None:
            names.add(name)
    return names


def _key_schema(reader: DefinitionReader, raw: Any, path: str) -> set[str]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 2:
        reader.problem(path, "required; expected one HASH key and at most one RANGE key")
        return set()
    names = set()
    types = []
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            reader.problem(item_path, f"expected a mapping, got {kind(item)}")
            continue
        name = reader.string(item, "AttributeName", item_path, required=True)
        _choice(reader, item.get("KeyType"), join(item_path, "KeyType"), _KEY_TYPES)
        types.append(item.get("KeyType"))
        if name is not None:
            names.add(name)
    if types and types[0] != "HASH":
        reader.problem(f"{path}[0].KeyType", "the first key must be the HASH key")
    return names


def _time_to_live(reader: DefinitionReader, raw: Any, where: str) -> str | None:
    if raw is None:
        return None
    path = join(where, "TimeToLiveSpecification")
    block = reader.mapping(raw, path, ("AttributeName", "Enabled"))
    if block is None:
        return None
    name = reader.string(block, "AttributeName", path, required=True)
    return name if reader.boolean(block, "Enabled", path) else None


def read_embedded_dynamodb(
    reader: DefinitionReader, raw: Any, path: str = "server.dynamodb"
) -> EmbeddedDynamoDBSettings:
    """`server.dynamodb`; missing or null gives the defaults (no tables, no extra listener: the
    embedded DynamoDB is on the server's own AWS endpoint)."""
    if raw is None:
        return EmbeddedDynamoDBSettings()
    block = reader.mapping(raw, path, ("tables", "endpoint"))
    if block is None:
        return EmbeddedDynamoDBSettings()
    tables = read_table_declarations(reader, block.get("tables"), join(path, "tables"))
    endpoint = block.get("endpoint")
    host: str | None = None
    port = 0
    if endpoint is not None and endpoint is not False:
        host = "127.0.0.1"
        where = join(path, "endpoint")
        settings = reader.mapping(endpoint, where, ("host", "port"))
        if settings is not None:
            host = reader.string(settings, "host", where, required=False) or host
            value = settings.get("port", 0)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
                reader.problem(join(where, "port"), "expected a port number from 0 to 65535")
            else:
                port = value
    return EmbeddedDynamoDBSettings(tables, host, port)
