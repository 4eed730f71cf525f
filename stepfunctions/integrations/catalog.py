"""Registering the integrations on a TaskRegistry: what the composition root calls once.

tasks = TaskRegistry(region, account_id)
service = StepFunctionsService(clock, tasks, region=region, account_id=account_id)
clients = AwsClients(IntegrationEndpoints(embedded_url="http://127.0.0.1:<moto port>"))
register_integrations(tasks, clients, nested=ServiceNestedExecutions(service))
tasks.register_object_store(S3ObjectStore(clients))
"""

from __future__ import annotations

from stepfunctions.integrations.aws import AwsClients
from stepfunctions.integrations.http_task import HttpTaskIntegration
from stepfunctions.integrations.optimized import ACTIONS, OptimizedIntegration
from stepfunctions.integrations.sdk import AwsSdkIntegration
from stepfunctions.integrations.states import NestedExecutions, StatesIntegration
from stepfunctions.tasks import TaskRegistry


def register_integrations(
    tasks: TaskRegistry,
    clients: AwsClients,
    *,
    nested: NestedExecutions | None = None,
    http: HttpTaskIntegration | None = None,
) -> None:
    """DynamoDB, SQS and SNS (optimized), every boto3 service as an AWS SDK integration, and
    nested executions and HTTP Tasks when `nested` / `http` are given."""
    for service in ACTIONS:
        tasks.register_integration(service, OptimizedIntegration(service, clients))
    tasks.register_sdk_services(lambda service: AwsSdkIntegration(service, clients))
    if nested is not None:
        tasks.register_integration("states", StatesIntegration(nested))
    if http is not None:
        tasks.register_integration("http", http)
