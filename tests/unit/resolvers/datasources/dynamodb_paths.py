"""The two ways the DynamoDB data source reaches DynamoDB, as fixtures every DynamoDB test uses
(tests/unit/resolvers/conftest.py offers them to the resolver tests).

`operations` is parametrised: "embedded" calls moto's backend in process (`MotoDynamoDB`),
"boto3" goes through boto3 to a moto server on 127.0.0.1 (`BotoDynamoDB`), which is how a
configured endpoint is reached. Every test that takes it runs on both, so the paths cannot drift.
Tables get unique names: moto's backend is shared by the whole process.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from definition.model import DynamoDBConfig, TableDeclaration
from resolvers.context import ResolverContext
from resolvers.datasources.dynamodb import DynamoDBDataSource
from resolvers.datasources.dynamodb_boto import BotoDynamoDB
from resolvers.datasources.dynamodb_moto import MotoDynamoDB
from resolvers.datasources.dynamodb_tables import (
    LoopbackEndpoint,
    create_tables,
    start_loopback_endpoint,
)
from resolvers.datasources.dynamodb_wire import DynamoDBOperations
from resolvers.errors import DataSourceError, ResolverError
from tests.unit.resolvers.contexts import field_context

# A region no other suite uses, so moto state from other tests never meets ours.
REGION = "eu-west-3"
# AppSync's wording for a DynamoDB error: the service message, then the Java SDK v2 suffix
# (aws-appsync-community#343: "The conditional request failed (Service: DynamoDb, Status
# Code: 400, Request ID: 3S...)").
SDK_SUFFIX = "(Service: DynamoDb, Status Code: 400, Request ID: "
PATHS = ("embedded", "boto3")


@pytest.fixture(scope="module")
def loopback() -> Iterator[LoopbackEndpoint]:
    endpoint = start_loopback_endpoint("127.0.0.1", 0)
    yield endpoint
    endpoint.stop()


def operations_on(path: str, region: str, loopback: LoopbackEndpoint) -> DynamoDBOperations:
    """The DynamoDB of `region` by one of `PATHS`: moto in process, or boto3 via `loopback`."""
    if path == "embedded":
        return MotoDynamoDB(region)
    return BotoDynamoDB(region, loopback.url)


@pytest.fixture(params=PATHS)
def operations(request: pytest.FixtureRequest, loopback: LoopbackEndpoint) -> DynamoDBOperations:
    return operations_on(request.param, REGION, loopback)


def context() -> ResolverContext:
    return field_context("field")


def table_input(
    name: str,
    hash_key: str = "id",
    range_key: str | None = None,
    indexes: list[dict[str, Any]] | None = None,
    extra_attributes: tuple[str, ...] = (),
) -> dict[str, Any]:
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key is not None:
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
    names = [hash_key, *([range_key] if range_key else []), *extra_attributes]
    create: dict[str, Any] = {
        "TableName": name,
        "KeySchema": keys,
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": "S"} for n in names],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if indexes:
        create["GlobalSecondaryIndexes"] = indexes
    return create


async def new_table(operations: DynamoDBOperations, prefix: str = "Posts", **shape: Any) -> str:
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    await create_tables(operations, [TableDeclaration(name, table_input(name, **shape))])
    return name


async def new_source(
    operations: DynamoDBOperations, prefix: str = "Posts", **shape: Any
) -> DynamoDBDataSource:
    name = await new_table(operations, prefix, **shape)
    return DynamoDBDataSource(f"{prefix}Table", DynamoDBConfig(name, REGION), operations)


async def run(source: DynamoDBDataSource, request: dict[str, Any]) -> Any:
    return await source.invoke(request, context())


async def failure(source: DynamoDBDataSource, request: dict[str, Any]) -> ResolverError:
    """The error of a request: a DataSourceError (`ctx.error`) when DynamoDB refused it, a plain
    ResolverError when AppSync refuses the document itself (MappingTemplate)."""
    with pytest.raises(ResolverError) as raised:
        await source.invoke(request, context())
    error = raised.value
    assert isinstance(error, DataSourceError) == (error.error_type != "MappingTemplate")
    return error
