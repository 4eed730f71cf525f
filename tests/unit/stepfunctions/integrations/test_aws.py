"""What the boto3-backed integrations share: the error prefix of an SDK integration is the AWS SDK
for Java v2 client name of the service, as Step Functions reported it in TestState (DynamoDb, Sqs,
Sfn, S3, CloudWatchLogs, EventBridge, Rds, Ec2)."""

from __future__ import annotations

import pytest

from stepfunctions.integrations.aws import sdk_service_name


@pytest.mark.parametrize(
    ("service_id", "name"),
    [
        ("DynamoDB", "DynamoDb"),
        ("SQS", "Sqs"),
        ("SFN", "Sfn"),
        ("S3", "S3"),
        ("CloudWatch Logs", "CloudWatchLogs"),
        ("EventBridge", "EventBridge"),
        ("RDS", "Rds"),
        ("EC2", "Ec2"),
        ("Secrets Manager", "SecretsManager"),
    ],
)
def test_sdk_error_prefixes_are_the_sdk_v2_client_names(service_id: str, name: str) -> None:
    assert sdk_service_name(service_id) == name
