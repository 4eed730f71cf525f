"""register_integrations: which Task resources the engine serves once the catalog is registered.

The patterns per service are the developer guide's table "Optimized integrations in Step
Functions" (dg `integrate-optimized`): DynamoDB request-response only; SQS and SNS request-response
and `.waitForTaskToken`; Step Functions `startExecution` all three; AWS SDK integrations
request-response and `.waitForTaskToken`; HTTP Tasks request-response.
"""

from __future__ import annotations

import pytest

from stepfunctions.integrations.aws import AwsClients, IntegrationEndpoints
from stepfunctions.integrations.catalog import register_integrations
from stepfunctions.integrations.engine_sdk import EngineSdkIntegration
from stepfunctions.integrations.http_task import HttpTaskIntegration, StaticConnections
from stepfunctions.integrations.optimized import OptimizedIntegration
from stepfunctions.integrations.sdk import AwsSdkIntegration
from stepfunctions.integrations.states import ServiceNestedExecutions, StatesIntegration
from stepfunctions.language.task_resource import classify_resource
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService

PREFIX = "arn:aws:states:::"


def _registered(*, everything: bool) -> TaskRegistry:
    tasks = TaskRegistry()
    if everything:
        service = StepFunctionsService(FakeClock(), tasks)
        register_integrations(
            tasks,
            AwsClients(IntegrationEndpoints()),
            nested=ServiceNestedExecutions(service),
            http=HttpTaskIntegration(StaticConnections({})),
            engine=service,
        )
    else:
        register_integrations(tasks, AwsClients(IntegrationEndpoints()))
    return tasks


@pytest.mark.parametrize(
    ("resource", "served"),
    [
        ("dynamodb:putItem", True),
        ("dynamodb:getItem.waitForTaskToken", False),
        ("dynamodb:scan", False),
        ("sqs:sendMessage", True),
        ("sqs:sendMessage.waitForTaskToken", True),
        ("sqs:sendMessage.sync", False),
        ("sns:publish", True),
        ("sns:publish.waitForTaskToken", True),
        ("aws-sdk:s3:listBuckets", True),
        ("aws-sdk:dynamodb:describeTable.waitForTaskToken", True),
        ("aws-sdk:s3:listBuckets.sync", False),
        ("aws-sdk:s3:ListBuckets", False),
        ("aws-sdk:s3:noSuchAction", False),
    ],
)
def test_the_optimized_and_sdk_integrations_are_always_registered(
    resource: str, served: bool
) -> None:
    assert _registered(everything=False).recognises(PREFIX + resource) is served


@pytest.mark.parametrize(
    "resource",
    ["states:startExecution", "states:startExecution.sync:2", "http:invoke"],
)
def test_nested_executions_and_http_tasks_need_their_dependencies(resource: str) -> None:
    assert not _registered(everything=False).recognises(PREFIX + resource)
    assert _registered(everything=True).recognises(PREFIX + resource)


@pytest.mark.parametrize(
    ("resource", "kind"),
    [
        ("dynamodb:putItem", OptimizedIntegration),
        ("sqs:sendMessage", OptimizedIntegration),
        ("sns:publish", OptimizedIntegration),
        ("aws-sdk:lambda:listFunctions", AwsSdkIntegration),
        ("states:startExecution.sync", StatesIntegration),
        ("http:invoke", HttpTaskIntegration),
        ("aws-sdk:sfn:startExecution", EngineSdkIntegration),
    ],
)
def test_each_resource_goes_to_its_integration(resource: str, kind: type) -> None:
    integration = _registered(everything=True).integration(classify_resource(PREFIX + resource))
    assert isinstance(integration, kind)


def test_without_the_engine_aws_sdk_sfn_is_not_served() -> None:
    # botocore names the service `stepfunctions`, so no SDK client answers for `sfn`: only this
    # engine does, when the composition root passes it.
    resource = classify_resource(PREFIX + "aws-sdk:sfn:startExecution")
    assert _registered(everything=False).integration(resource) is None
