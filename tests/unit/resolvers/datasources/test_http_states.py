"""The HTTP data source form of Step Functions, routed to the real embedded engine.

The data source and templates are those of the AWS blog "Invoke AWS services directly from AWS
AppSync" and the singledigit StartSyncExecution gist: endpoint `https://states.<region>.
amazonaws.com` (or `sync-states`), `awsIamConfig {signingRegion, signingServiceName: states}`,
`x-amz-target: AWSStepFunctions.StartExecution`, the body `{stateMachineArn, input}` with the
input as a JSON string, and a response template that parses `$ctx.result.body`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from definition.model import AwsIamConfig, HttpConfig
from resolvers.datasources.http import HttpDataSource
from resolvers.runtimes.vtl import load_vtl_code
from resolvers.unit import UnitResolver
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from tests.unit.resolvers.datasources.test_stepfunctions import (
    ACCOUNT,
    ECHO,
    REGION,
    EngineRunner,
    context,
    create_machine,
    finished,
)

STATES = f"https://states.{REGION}.amazonaws.com"
SYNC_STATES = f"https://sync-states.{REGION}.amazonaws.com"
SIGNED = AwsIamConfig(REGION, "states")


@pytest.fixture
async def runner() -> AsyncIterator[EngineRunner]:
    service = StepFunctionsService(FakeClock(), TaskRegistry(), region=REGION, account_id=ACCOUNT)
    async with service.running():
        yield EngineRunner(service)


def start(target: str, body: Any) -> dict[str, Any]:
    return {
        "version": "2018-05-29",
        "method": "POST",
        "resourcePath": "/",
        "params": {
            "headers": {"content-type": "application/x-amz-json-1.0", "x-amz-target": target},
            "body": body,
        },
    }


@pytest.mark.anyio
async def test_start_execution_through_the_states_endpoint_reaches_the_engine(
    runner: EngineRunner,
) -> None:
    machine = await create_machine(runner, "orders", ECHO)
    source = HttpDataSource("StepFunctions", HttpConfig(STATES, SIGNED), runner)
    assert source.routed_to_runner
    result = await source.invoke(
        start(
            "AWSStepFunctions.StartExecution",
            {"stateMachineArn": machine, "name": "o-1", "input": '{"orderId":"1"}'},
        ),
        context(),
    )
    assert result["statusCode"] == 200
    assert result["headers"]["Content-Type"] == "application/x-amz-json-1.0"
    body = json.loads(result["body"])
    assert body["executionArn"] == f"arn:aws:states:{REGION}:{ACCOUNT}:execution:orders:o-1"
    described = await finished(runner, body["executionArn"])
    assert json.loads(described["output"]) == {"orderId": "1"}


@pytest.mark.anyio
async def test_start_sync_execution_through_sync_states_answers_with_the_output(
    runner: EngineRunner,
) -> None:
    machine = await create_machine(runner, "quote", ECHO, kind="EXPRESS")
    source = HttpDataSource("Sync", HttpConfig(SYNC_STATES, SIGNED), runner)
    result = await source.invoke(
        start(
            "AWSStepFunctions.StartSyncExecution",
            json.dumps({"stateMachineArn": machine, "input": '{"sku":"A"}'}),
        ),
        context(),
    )
    body = json.loads(result["body"])
    assert (result["statusCode"], body["status"]) == (200, "SUCCEEDED")
    assert json.loads(body["output"]) == {"sku": "A"}


@pytest.mark.anyio
async def test_an_engine_error_is_the_aws_status_and_error_body(runner: EngineRunner) -> None:
    source = HttpDataSource("StepFunctions", HttpConfig(STATES, SIGNED), runner)
    missing = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:missing"
    result = await source.invoke(
        start("AWSStepFunctions.StartExecution", {"stateMachineArn": missing}), context()
    )
    assert result["statusCode"] == 400
    assert result["headers"]["x-amzn-ErrorType"] == "StateMachineDoesNotExist"
    assert json.loads(result["body"])["__type"] == "StateMachineDoesNotExist"


@pytest.mark.anyio
async def test_the_blog_templates_return_the_execution_arn(
    runner: EngineRunner, tmp_path: Path
) -> None:
    machine = await create_machine(runner, "search", ECHO)
    request = tmp_path / "request.vtl"
    request.write_text(
        '{"version": "2018-05-29", "method": "POST", "resourcePath": "/",'
        ' "params": {"headers": {"content-type": "application/x-amz-json-1.0",'
        ' "x-amz-target": "AWSStepFunctions.StartExecution"},'
        f' "body": {{"stateMachineArn": "{machine}",'
        ' "input": "{ \\"name\\": \\"$ctx.args.query\\" }"}}}'
    )
    response = tmp_path / "response.vtl"
    response.write_text(
        "#if($ctx.error)\n  $util.error($ctx.error.message, $ctx.error.type)\n#end\n"
        "#if($ctx.result.statusCode == 200)\n"
        '  {"id": "$util.parseJson($ctx.result.body).executionArn", "status": "PENDING"}\n'
        '#else\n  $utils.error($ctx.result.body, "$ctx.result.statusCode")\n#end\n'
    )
    resolver = UnitResolver(
        load_vtl_code(request, response),
        HttpDataSource("StepFunctions", HttpConfig(STATES, SIGNED), runner),
    )
    ctx = context({"query": "shoes"})
    value = await resolver.resolve(ctx)
    assert value["status"] == "PENDING"
    assert value["id"].startswith(f"arn:aws:states:{REGION}:{ACCOUNT}:execution:search:")
    described = await finished(runner, value["id"])
    assert json.loads(described["input"]) == {"name": "shoes"}


@pytest.mark.anyio
async def test_a_missing_target_is_an_unknown_operation(runner: EngineRunner) -> None:
    source = HttpDataSource("StepFunctions", HttpConfig(STATES, SIGNED), runner)
    document = start("", {})
    del document["params"]["headers"]["x-amz-target"]
    result = await source.invoke(document, context())
    assert result["statusCode"] == 400
    assert json.loads(result["body"])["__type"] == "UnknownOperationException"
    assert runner.calls == []


@pytest.mark.anyio
async def test_a_body_that_is_not_json_is_a_serialization_error(runner: EngineRunner) -> None:
    source = HttpDataSource("StepFunctions", HttpConfig(STATES, SIGNED), runner)
    result = await source.invoke(start("AWSStepFunctions.StartExecution", "meow"), context())
    assert result["statusCode"] == 400
    assert json.loads(result["body"])["__type"] == "SerializationException"


@pytest.mark.anyio
async def test_signing_for_another_service_is_refused_as_aws_refuses_it(
    runner: EngineRunner,
) -> None:
    config = HttpConfig(STATES, AwsIamConfig(REGION, "appsync"))
    source = HttpDataSource("StepFunctions", config, runner)
    result = await source.invoke(start("AWSStepFunctions.ListStateMachines", {}), context())
    assert json.loads(result["body"]) == {
        "__type": "InvalidSignatureException",
        "message": "Credential should be scoped to correct service: 'states'. ",
    }
    assert runner.calls == []


@pytest.mark.anyio
async def test_signing_for_another_region_is_refused_as_aws_refuses_it(
    runner: EngineRunner,
) -> None:
    config = HttpConfig(STATES, AwsIamConfig("eu-west-1", "states"))
    source = HttpDataSource("StepFunctions", config, runner)
    result = await source.invoke(start("AWSStepFunctions.ListStateMachines", {}), context())
    assert json.loads(result["body"])["message"] == (
        "Credential should be scoped to a valid region, not 'eu-west-1'. "
    )


@pytest.mark.anyio
async def test_an_unsigned_call_is_refused(runner: EngineRunner) -> None:
    source = HttpDataSource("StepFunctions", HttpConfig(STATES), runner)
    result = await source.invoke(start("AWSStepFunctions.ListStateMachines", {}), context())
    assert json.loads(result["body"])["__type"] == "MissingAuthenticationTokenException"


def test_other_endpoints_and_a_missing_runner_are_not_routed() -> None:
    class Never:
        async def call(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            raise AssertionError("not routed")

    assert not HttpDataSource(
        "A", HttpConfig("https://appsync.us-west-2.amazonaws.com/")
    ).routed_to_runner
    assert not HttpDataSource("B", HttpConfig("https://example.com"), Never()).routed_to_runner
    assert not HttpDataSource("C", HttpConfig(STATES, SIGNED)).routed_to_runner
    assert HttpDataSource(
        "D", HttpConfig("https://states.amazonaws.com", SIGNED), Never()
    ).routed_to_runner
