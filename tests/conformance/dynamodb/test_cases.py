"""DynamoDB resolver conformance: the VTL cases of `cases.yaml`, on both DynamoDB paths.

Each case's templates are loaded once with `load_vtl_code` and run by `UnitResolver` over an
AMAZON_DYNAMODB data source: embedded (moto in process) and through boto3 (a moto server on
127.0.0.1). The cases name the document each comes from (`provenance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from definition.model import (
    ConflictDetectionType,
    ConflictHandlerType,
    DeltaSyncConfig,
    DynamoDBConfig,
    SyncConfig,
    TableDeclaration,
)
from resolvers.context import RequestInfo, ResolverContext, ResolverInfo
from resolvers.datasources.dynamodb import DynamoDBDataSource
from resolvers.datasources.dynamodb_tables import (
    LoopbackEndpoint,
    create_tables,
    delta_sync_table,
)
from resolvers.datasources.dynamodb_wire import DynamoDBOperations, marshall_item
from resolvers.datasources.lambda_ import LambdaDataSource
from resolvers.errors import ResolverError
from resolvers.runtimes.vtl import load_vtl_code
from resolvers.unit import UnitResolver
from tests.unit.resolvers.datasources.dynamodb_paths import PATHS, loopback, operations_on

__all__ = ["loopback"]

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
SUITE = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
# A region of its own: the cases drop and recreate their tables.
REGION = "ap-southeast-2"
START = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)
DELTA = DeltaSyncConfig(43200, "AmplifyDataStore", 30)

pytestmark = [pytest.mark.conformance, pytest.mark.anyio, pytest.mark.timeout(60)]


@dataclass
class FakeClock:
    moment: datetime = START

    def now(self) -> datetime:
        return self.moment


@pytest.fixture(params=PATHS)
def operations(request: pytest.FixtureRequest, loopback: LoopbackEndpoint) -> DynamoDBOperations:
    return operations_on(request.param, REGION, loopback)


def declaration(name: str) -> TableDeclaration:
    shape = SUITE["tables"][name]
    keys = [{"AttributeName": shape["hash"], "KeyType": "HASH"}]
    attributes = {shape["hash"]}
    if "range" in shape:
        keys.append({"AttributeName": shape["range"], "KeyType": "RANGE"})
        attributes.add(shape["range"])
    create: dict[str, Any] = {
        "TableName": name,
        "KeySchema": keys,
        "BillingMode": "PAY_PER_REQUEST",
    }
    indexes = []
    for index, attribute in (shape.get("indexes") or {}).items():
        attributes.add(attribute)
        indexes.append(
            {
                "IndexName": index,
                "KeySchema": [{"AttributeName": attribute, "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        )
    if indexes:
        create["GlobalSecondaryIndexes"] = indexes
    create["AttributeDefinitions"] = [
        {"AttributeName": attribute, "AttributeType": "S"} for attribute in sorted(attributes)
    ]
    return TableDeclaration(name, create)


async def fresh_tables(operations: DynamoDBOperations, case: dict[str, Any]) -> None:
    existing = (await operations.call("ListTables", {}))["TableNames"]
    for name in existing:
        await operations.call("DeleteTable", {"TableName": name})
    tables = [declaration(name) for name in case["tables"]]
    if case.get("versioned"):
        tables.append(delta_sync_table(DELTA))
    await create_tables(operations, tables)
    for table, items in (case.get("seed") or {}).items():
        for item in items:
            await operations.call("PutItem", {"TableName": table, "Item": marshall_item(item)})


def field_context(step: dict[str, Any], arguments: dict[str, Any]) -> ResolverContext:
    """The step's field (`field`, default Query.field) and caller (`identity`, default none)."""
    parent, _, name = str(step.get("field", "Query.field")).partition(".")
    return ResolverContext(
        arguments=arguments,
        source=None,
        identity=step.get("identity"),
        info=ResolverInfo(name, parent, {}, [], ""),
        request=RequestInfo({}),
    )


def data_source(
    case: dict[str, Any], operations: DynamoDBOperations, clock: FakeClock
) -> DynamoDBDataSource:
    """The case's data source, with its `syncConfig` (`lambdaConflictHandler`: the LAMBDA
    handler's `module:function`)."""
    config = DynamoDBConfig(
        case["table"],
        REGION,
        versioned=bool(case.get("versioned")),
        delta_sync_config=DELTA if case.get("versioned") else None,
    )
    sync = case.get("syncConfig")
    if sync is None:
        return DynamoDBDataSource(f"{case['table']}Table", config, operations, clock)
    handler = ConflictHandlerType(sync["conflictHandler"])
    function = None
    if handler is ConflictHandlerType.LAMBDA:
        function = LambdaDataSource("conflicts", sync["lambdaConflictHandler"])
    sync_config = SyncConfig(ConflictDetectionType(sync["conflictDetection"]), handler)
    name = f"{case['table']}Table"
    return DynamoDBDataSource(name, config, operations, clock, sync_config, function)


def check_result(step: dict[str, Any], value: Any) -> None:
    if "result" in step:
        expected = step["result"]
        if "resultItemsSortedBy" in step:
            key = step["resultItemsSortedBy"]
            value = {**value, "items": sorted(value["items"], key=lambda item: item[key])}
        assert value == expected
    counts = step.get("resultCount")
    if counts is not None:
        if "items" in counts:
            assert len(value["items"]) == counts["items"]
        if "scannedCount" in counts:
            assert value["scannedCount"] == counts["scannedCount"]
        if "nextTokenIsNull" in counts:
            assert (value["nextToken"] is None) is counts["nextTokenIsNull"]
    for key, expected in (step.get("resultKeys") or {}).items():
        assert value[key] == expected
    if "resultItemIds" in step:
        assert sorted(item["id"] for item in value["items"]) == step["resultItemIds"]


@pytest.mark.parametrize("case", SUITE["cases"], ids=[case["name"] for case in SUITE["cases"]])
async def test_case(case: dict[str, Any], operations: DynamoDBOperations) -> None:
    assert case["provenance"]
    await fresh_tables(operations, case)
    clock = FakeClock()
    source = data_source(case, operations, clock)
    previous: Any = None
    for step in case["steps"]:
        clock.moment += timedelta(seconds=step.get("advanceSeconds", 0))
        code = load_vtl_code(TEMPLATES / step["request"], TEMPLATES / step["response"], clock)
        arguments = dict(step.get("arguments") or {})
        for key in step.get("fromPrevious") or ():
            arguments[key] = previous[key]
        resolver = UnitResolver(code, source)
        if "error" in step:
            expected = step["error"]
            with pytest.raises(ResolverError) as raised:
                await resolver.resolve(field_context(step, arguments))
            assert raised.value.error_type == expected["errorType"]
            assert raised.value.message.startswith(expected["messageStartsWith"])
            assert raised.value.data == expected["data"]
            previous = None
            continue
        previous = await resolver.resolve(field_context(step, arguments))
        check_result(step, previous)
