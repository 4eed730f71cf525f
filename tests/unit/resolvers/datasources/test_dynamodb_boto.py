"""The boto3 path to DynamoDB (`BotoDynamoDB`): a configured endpoint reached through boto3."""

from __future__ import annotations

import pytest

from resolvers.datasources.dynamodb import DynamoDBDataSource
from resolvers.datasources.dynamodb_boto import BotoDynamoDB
from resolvers.datasources.dynamodb_moto import MotoDynamoDB
from resolvers.datasources.dynamodb_tables import LoopbackEndpoint
from tests.unit.resolvers.datasources.dynamodb_paths import REGION, new_source, run


@pytest.mark.anyio
@pytest.mark.timeout(20)
async def test_both_paths_see_the_same_backend(loopback: LoopbackEndpoint) -> None:
    embedded = MotoDynamoDB(REGION)
    remote = BotoDynamoDB(REGION, loopback.url)
    source = await new_source(embedded)
    await run(source, {"operation": "PutItem", "key": {"id": {"S": "1"}}})
    through_boto = DynamoDBDataSource("PostsTable", source.config, remote)
    assert await run(through_boto, {"operation": "GetItem", "key": {"id": {"S": "1"}}}) == {
        "id": "1"
    }
