"""DynamoDB resolver conformance: the VTL cases of `cases.yaml`, on every DynamoDB path.

Each case's templates are loaded once with `load_vtl_code` and run by `UnitResolver` over an
AMAZON_DYNAMODB data source: embedded (moto in process), through boto3 to moto_server (moto's
own server on 127.0.0.1), and through boto3 to the server's AWS endpoint (our own code on moto's
backend, signed with the `testing` keys), so the endpoint answers as moto_server does. The cases
name the document each comes from (`provenance`).
"""

from __future__ import annotations

from collections.abc import Iterator
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
from resolvers.datasources.dynamodb_boto import BotoDynamoDB
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
from tests.integration.conftest import serve, write_whoami_api
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


@pytest.fixture(scope="module")
def aws_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server (any API) whose AWS endpoint serves the same embedded DynamoDB."""
    folder = tmp_path_factory.mktemp("conformance_endpoint")
    path = write_whoami_api(folder, "conformance", {"authenticationType": "API_KEY"})
    with serve(path) as server:
        yield f"http://{server.host}:{server.port}"


@pytest.fixture(params=(*PATHS, "endpoint"))
def operations(
    request: pytest.FixtureRequest,
    loopback: LoopbackEndpoint,
    aws_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
) -> DynamoDBOperations:
    if request.param == "endpoint":
        # boto3 signs with the credentials it finds: the endpoint's keys.
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
        return BotoDynamoDB(REGION, aws_endpoint)
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
