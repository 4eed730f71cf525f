"""AWS SDK integrations against moto, checked against AWS recordings.

Expected names and causes: localstack `error_handling/test_aws_sdk` snapshots, recorded against
AWS (`DynamoDb.ResourceNotFoundException` with "Requested resource not found (Service: DynamoDb,
Status Code: 400, Request ID: ...)", `DynamoDb.DynamoDbException` for a parameter DynamoDB
refuses, `S3.NoSuchBucketException` with S3's extended request id, resourceType
`aws-sdk:<service>`), and the SDK v2 client names Step Functions reported in TestState
(DynamoDb, Sqs, Sfn, S3, CloudWatchLogs, EventBridge, Rds, Ec2).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from stepfunctions.integrations.aws import AwsClients, IntegrationEndpoints
from stepfunctions.integrations.catalog import register_integrations
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.integrations.conftest import (
    client,
    run,
)


def _tasks(endpoints: IntegrationEndpoints) -> TaskRegistry:
    tasks = TaskRegistry()
    register_integrations(tasks, AwsClients(endpoints))
    return tasks


def _one_task(resource: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "StartAt": "Call",
        "States": {
            "Call": {"Type": "Task", "Resource": resource, "Parameters": parameters, "End": True}
        },
    }


@pytest.mark.anyio
async def test_put_item_on_a_missing_table_fails_as_aws_recorded(
    endpoints: IntegrationEndpoints,
) -> None:
    definition = _one_task(
        "arn:aws:states:::aws-sdk:dynamodb:putItem",
        {"TableName": f"missing-{uuid.uuid4().hex}", "Item": {"id": {"S": "id1"}}},
    )
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "FAILED"
    failed = result.details("TaskFailed")
    assert failed["error"] == "DynamoDb.ResourceNotFoundException"
    assert re.fullmatch(
        r"Requested resource not found \(Service: DynamoDb, Status Code: 400, Request ID: \S+\)",
        failed["cause"],
    ), failed["cause"]
    assert (failed["resourceType"], failed["resource"]) == ("aws-sdk:dynamodb", "putItem")


@pytest.mark.anyio
async def test_a_refused_parameter_is_the_service_exception(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    definition = _one_task(
        "arn:aws:states:::aws-sdk:dynamodb:putItem", {"TableName": "any", "Item": None}
    )
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "FAILED"
    assert result.execution.error == "DynamoDb.DynamoDbException"
    assert "(Service: DynamoDb, Status Code: 400, Request ID: " in (result.execution.cause or "")


@pytest.mark.anyio
async def test_a_missing_bucket_carries_the_extended_request_id(
    endpoints: IntegrationEndpoints,
) -> None:
    definition = _one_task(
        "arn:aws:states:::aws-sdk:s3:listObjects", {"Bucket": f"missing-{uuid.uuid4().hex}"}
    )
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "FAILED"
    assert result.execution.error == "S3.NoSuchBucketException"
    assert re.fullmatch(
        r"The specified bucket does not exist \(Service: S3, Status Code: 404, "
        r"Request ID: \S+, Extended Request ID: \S+\)",
        result.execution.cause or "",
    ), result.execution.cause


@pytest.mark.anyio
async def test_sdk_answers_use_pascal_case_members(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    queue = f"q-{uuid.uuid4().hex[:12]}"
    definition = {
        "StartAt": "Create",
        "States": {
            "Create": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:sqs:createQueue",
                "Parameters": {"QueueName": queue},
                "Next": "Send",
            },
            "Send": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:sqs:sendMessage",
                "Parameters": {"QueueUrl.$": "$.QueueUrl", "MessageBody": "hello"},
                "End": True,
            },
        },
    }
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    assert set(result.output) >= {"MessageId", "Md5OfMessageBody"}


@pytest.mark.anyio
async def test_unknown_sdk_services_and_actions_are_not_recognized(
    endpoints: IntegrationEndpoints,
) -> None:
    tasks = _tasks(endpoints)
    assert tasks.recognises("arn:aws:states:::aws-sdk:dynamodb:query")
    assert tasks.recognises("arn:aws:states:::aws-sdk:sqs:sendMessage.waitForTaskToken")
    assert not tasks.recognises("arn:aws:states:::aws-sdk:dynamodb:query.sync")
    assert not tasks.recognises("arn:aws:states:::aws-sdk:dynamodb:noSuchAction")
    assert not tasks.recognises("arn:aws:states:::aws-sdk:nosuchservice:doThing")
    result = await run(tasks, _one_task("arn:aws:states:::aws-sdk:nosuchservice:doThing", {}))
    assert result.execution.status == "FAILED"
    assert result.execution.error == "States.Runtime"
    assert "is not recognized" in (result.execution.cause or "")


@pytest.mark.anyio
async def test_aws_sdk_dynamodb_query_answers_the_sdk_response(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    table = f"t-{uuid.uuid4().hex[:12]}"
    dynamodb = client(moto_url, "dynamodb")
    dynamodb.create_table(
        TableName=table,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for sk in (1, 2):
        dynamodb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"N": str(sk)}})
    definition = {
        "StartAt": "Query",
        "States": {
            "Query": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:dynamodb:query",
                "Parameters": {
                    "TableName": table,
                    "KeyConditionExpression": "pk = :pk",
                    "ExpressionAttributeValues": {":pk": {"S": "a"}},
                },
                "Next": "Missing",
            },
            "Missing": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
                "Parameters": {"TableName": "no-such-table", "Key": {"pk": {"S": "a"}}},
                "Catch": [
                    {
                        "ErrorEquals": ["DynamoDb.ResourceNotFoundException"],
                        "ResultPath": "$.error",
                        "Next": "Done",
                    }
                ],
                "End": True,
            },
            "Done": {"Type": "Pass", "End": True},
        },
    }
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    output = result.output
    assert output["Count"] == 2
    assert output["Items"] == [
        {"pk": {"S": "a"}, "sk": {"N": "1"}},
        {"pk": {"S": "a"}, "sk": {"N": "2"}},
    ]
    # SDK integrations carry no SDK metadata (only optimized ones do).
    assert "SdkHttpMetadata" not in output
    assert output["error"]["Error"] == "DynamoDb.ResourceNotFoundException"
    assert "(Service: DynamoDb, Status Code: 400, Request ID: " in output["error"]["Cause"]
    scheduled = result.details("TaskScheduled")
    assert (scheduled["resourceType"], scheduled["resource"]) == ("aws-sdk:dynamodb", "query")


@pytest.mark.anyio
async def test_a_blob_parameter_given_json_goes_as_its_text(
    endpoints: IntegrationEndpoints,
) -> None:
    # aws-sdk:lambda:invoke's Payload is written as an object in AWS's examples (dg "Invoke
    # Lambda with Step Functions"); S3's PutObject Body is a blob of the same kind, and
    # GetObject's streaming Body comes back as text.
    bucket = f"b-{uuid.uuid4().hex[:12]}"
    definition = {
        "StartAt": "Bucket",
        "States": {
            "Bucket": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:s3:createBucket",
                "Parameters": {"Bucket": bucket},
                "Next": "Put",
            },
            "Put": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
                "Parameters": {"Bucket": bucket, "Key": "k", "Body": {"note": "é", "n": [1, 2]}},
                "Next": "Get",
            },
            "Get": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                "Parameters": {"Bucket": bucket, "Key": "k"},
                "End": True,
            },
        },
    }
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    assert result.output["Body"] == '{"note":"é","n":[1,2]}'
