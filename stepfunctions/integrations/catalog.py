"""Registering the integrations on a TaskRegistry: what the composition root calls once::

tasks = TaskRegistry(region, account_id)
service = StepFunctionsService(clock, tasks, region=region, account_id=account_id)
clients = AwsClients(IntegrationEndpoints(embedded_url=moto_loopback_url, region=region))
http = HttpTaskIntegration(
    StaticConnections({connection_arn: ConnectionAuth(headers={"x-api-key": api_key})}),
    PrefixRoutes({"https://<id>.appsync-api.<region>.amazonaws.com/graphql": local_graphql}),
)
register_integrations(
    tasks, clients, nested=ServiceNestedExecutions(service), http=http, engine=service
)
tasks.register_object_store(S3ObjectStore(clients, clock))
"""

from __future__ import annotations

from stepfunctions.integrations.aws import AwsClients
from stepfunctions.integrations.engine_sdk import EngineSdkIntegration, StepFunctionsApi
from stepfunctions.integrations.http_task import HttpTaskIntegration
from stepfunctions.integrations.optimized import ACTIONS, OptimizedIntegration
from stepfunctions.integrations.sdk import AwsSdkIntegration
from stepfunctions.integrations.states import NestedExecutions, StatesIntegration
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import OPERATIONS


def register_integrations(
    tasks: TaskRegistry,
    clients: AwsClients,
    *,
    nested: NestedExecutions | None = None,
    http: HttpTaskIntegration | None = None,
    engine: StepFunctionsApi | None = None,
) -> None:
    """DynamoDB, SQS and SNS (optimized), every boto3 service as an AWS SDK integration, and
    nested executions, HTTP Tasks and `aws-sdk:sfn:*` on this engine when `nested` / `http` /
    `engine` are given."""
    for service in ACTIONS:
        tasks.register_integration(service, OptimizedIntegration(service, clients))
    tasks.register_sdk_services(lambda service: AwsSdkIntegration(service, clients))
    if nested is not None:
        tasks.register_integration("states", StatesIntegration(nested))
    if http is not None:
        tasks.register_integration("http", http)
    if engine is not None:
        tasks.register_integration(
            "sfn", EngineSdkIntegration(engine, frozenset(OPERATIONS)), sdk=True
        )
