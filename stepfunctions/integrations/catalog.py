"""Registering the integrations on a TaskRegistry: what the composition root calls once.

clients = AwsClients(IntegrationEndpoints(embedded_url="http://127.0.0.1:<moto port>"))
register_integrations(tasks, clients, nested=..., http=...)
"""

from __future__ import annotations

from stepfunctions.integrations.aws import AwsClients
from stepfunctions.integrations.optimized import ACTIONS, OptimizedIntegration
from stepfunctions.integrations.sdk import AwsSdkIntegration
from stepfunctions.tasks import TaskRegistry


def register_integrations(tasks: TaskRegistry, clients: AwsClients) -> None:
    """DynamoDB, SQS and SNS (optimized) and every boto3 service as an AWS SDK integration."""
    for service in ACTIONS:
        tasks.register_integration(service, OptimizedIntegration(service, clients))
    tasks.register_sdk_services(lambda service: AwsSdkIntegration(service, clients))
