"""What the resolvers reach: the engine's and DynamoDB's refusals as AWS's codes, and a clear
refusal for what `appsync-local stepfunctions` does not serve."""

from __future__ import annotations

import pytest

from appsync.aws.dynamodb import DynamoDBRoute
from appsync.console.context import ConsoleServices, EmbeddedTables
from appsync.console.errors import AwsServiceError, NotServedError
from tests.unit.appsync.console.support import engine


def test_a_dynamodb_refusal_is_its_code_without_the_namespace() -> None:
    tables = EmbeddedTables(DynamoDBRoute(), "us-east-1")
    with pytest.raises(AwsServiceError) as refused:
        tables.call("DescribeTable", {"TableName": "NoSuchConsoleTable"})
    assert refused.value.error_type == "ResourceNotFoundException"
    assert "NoSuchConsoleTable" in refused.value.message
    with pytest.raises(AwsServiceError) as unknown:
        tables.call("NoSuchOperation", {})
    assert unknown.value.error_type == "UnknownOperationException"


@pytest.mark.anyio
async def test_an_engine_refusal_is_its_code() -> None:
    served = ConsoleServices(step_functions=engine(), version="1")
    with pytest.raises(AwsServiceError) as refused:
        await served.states("DescribeStateMachine", {"stateMachineArn": "not-an-arn"})
    assert refused.value.error_type == "InvalidArn"


def test_what_the_stepfunctions_server_lacks_is_refused() -> None:
    served = ConsoleServices(step_functions=engine(), version="1")
    for part in (served.dynamodb, served.served_api, served.log):
        with pytest.raises(NotServedError) as refused:
            part()
        assert "appsync-local stepfunctions" in refused.value.message
