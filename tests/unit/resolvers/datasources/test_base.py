"""The data source seam: what every data source does with the request a resolver sends it.

AppSync's resolver references say it for each kind: the request document goes to the data
source, its answer becomes `ctx.result`, a failure of the service behind it becomes `ctx.error`
(a `DataSourceError` here, with the kind's error type), and a document the data source cannot
read is a `MappingTemplate` error ("Resolver mapping template reference" for DynamoDB, Lambda,
HTTP; the NONE reference: the payload is forwarded, nothing is refused).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from definition.model import DynamoDBConfig, HttpConfig
from resolvers.datasources.base import DataSource
from resolvers.datasources.dynamodb import DynamoDBDataSource
from resolvers.datasources.dynamodb_moto import MotoDynamoDB
from resolvers.datasources.http import HttpDataSource
from resolvers.datasources.lambda_ import LambdaDataSource
from resolvers.datasources.none import NoneDataSource
from resolvers.datasources.stepfunctions import StepFunctionsDataSource
from resolvers.errors import DataSourceError, ResolverError
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from tests.fixtures.loopback import free_port
from tests.unit.resolvers.contexts import field_context
from tests.unit.resolvers.datasources.test_stepfunctions import EngineRunner

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]


def refusing_handler(event: Any) -> Any:
    raise LookupError("no such post")


# Each kind of data source, typed as the protocol (mypy checks each against it), with a request
# whose service refuses it and the error type AppSync reports for that.
FAILING: dict[str, tuple[Callable[[], DataSource], dict[str, Any], str]] = {
    "AMAZON_DYNAMODB": (
        lambda: DynamoDBDataSource(
            "Posts", DynamoDBConfig("NoSuchTable", "us-east-1"), MotoDynamoDB("us-east-1")
        ),
        {"version": "2017-02-28", "operation": "GetItem", "key": {"id": {"S": "1"}}},
        "DynamoDB:ResourceNotFoundException",
    ),
    "AWS_LAMBDA": (
        lambda: LambdaDataSource("Posts", f"{__name__}:refusing_handler"),
        {"version": "2018-05-29", "operation": "Invoke", "payload": {"id": "1"}},
        "Lambda:Unhandled",
    ),
    "HTTP": (
        lambda: HttpDataSource("Posts", HttpConfig(f"http://127.0.0.1:{free_port()}")),
        {"version": "2018-05-29", "method": "GET", "resourcePath": "/posts/1"},
        "HttpRequestException",
    ),
    "AWS_STEP_FUNCTIONS": (
        lambda: StepFunctionsDataSource(
            "Posts", EngineRunner(StepFunctionsService(FakeClock(), TaskRegistry()))
        ),
        {
            "version": "2018-05-29",
            "operation": "StartExecution",
            "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:none",
        },
        "StepFunctions:StateMachineDoesNotExist",
    ),
}
SOURCES: dict[str, Callable[[], DataSource]] = {
    "NONE": lambda: NoneDataSource("Posts"),
    **{kind: made for kind, (made, _, _) in FAILING.items()},
}


@pytest.mark.parametrize("kind", sorted(SOURCES))
async def test_a_data_source_is_named_as_configured(kind: str) -> None:
    assert SOURCES[kind]().name == "Posts"


@pytest.mark.parametrize("kind", sorted(FAILING))
async def test_a_refusal_of_the_service_is_a_data_source_error(kind: str) -> None:
    made, request, error_type = FAILING[kind]
    with pytest.raises(DataSourceError) as raised:
        await made().invoke(request, field_context(arguments={"id": "1"}))
    assert raised.value.error_type == error_type


@pytest.mark.parametrize("kind", sorted(FAILING))
async def test_a_request_that_is_not_an_object_is_a_mapping_template_error(kind: str) -> None:
    made, _, _ = FAILING[kind]
    with pytest.raises(ResolverError) as raised:
        await made().invoke(["not", "an", "object"], field_context())
    assert not isinstance(raised.value, DataSourceError)
    assert raised.value.error_type == "MappingTemplate"


async def test_none_forwards_the_payload_and_refuses_nothing() -> None:
    source = SOURCES["NONE"]()
    assert await source.invoke({"payload": {"id": "1"}}, field_context()) == {"id": "1"}
    assert await source.invoke(["not", "an", "object"], field_context()) is None
