"""The optimized DynamoDB, SQS and SNS integrations against a real moto server.

Shapes come from AWS-recorded histories (localstack's `test_dynamodb_task_service` and
`test_callback` snapshots, recorded against AWS): the answer is the service's response plus
`SdkHttpMetadata` / `SdkResponseMetadata`; failures are `DynamoDB.<Exception>` /
`SQS.<Exception>` with the Java SDK's cause text.
"""

from __future__ import annotations

import socket
import uuid
from typing import Any

import pytest

from stepfunctions.integrations.aws import AwsClients, IntegrationEndpoints
from stepfunctions.integrations.catalog import register_integrations
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.integrations.conftest import client, run


def _tasks(endpoints: IntegrationEndpoints) -> TaskRegistry:
    tasks = TaskRegistry()
    register_integrations(tasks, AwsClients(endpoints))
    return tasks


def _table(moto_url: str) -> str:
    name = f"t-{uuid.uuid4().hex[:12]}"
    client(moto_url, "dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _task(resource: str, parameters: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": resource, "Parameters": parameters, **more}


@pytest.mark.anyio
async def test_put_item_then_get_item_returns_the_item_in_dynamodb_json(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    table = _table(moto_url)
    item = {"id": {"S": "id1"}, "data": {"S": "HelloWorld"}}
    definition = {
        "StartAt": "PutItem",
        "States": {
            "PutItem": _task(
                "arn:aws:states:::dynamodb:putItem",
                {"TableName": table, "Item.$": "$.Item"},
                ResultPath="$.putItemOutput",
                Next="GetItem",
            ),
            "GetItem": _task(
                "arn:aws:states:::dynamodb:getItem",
                {"TableName": table, "Key": {"id": {"S": "id1"}}},
                ResultPath="$.getItemOutput",
                End=True,
            ),
        },
    }
    result = await run(_tasks(endpoints), definition, {"Item": item})
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    output = result.output
    put = output["putItemOutput"]
    assert set(put) == {"SdkHttpMetadata", "SdkResponseMetadata"}
    assert put["SdkHttpMetadata"]["HttpStatusCode"] == 200
    request_id = put["SdkResponseMetadata"]["RequestId"]
    assert put["SdkHttpMetadata"]["HttpHeaders"]["x-amzn-RequestId"] == request_id
    assert put["SdkHttpMetadata"]["AllHttpHeaders"]["x-amzn-RequestId"] == [request_id]
    assert output["getItemOutput"]["Item"] == item
    scheduled = result.details("TaskScheduled")
    assert scheduled["resourceType"] == "dynamodb"
    assert scheduled["resource"] == "putItem"
    assert scheduled["region"] == "us-east-1"


@pytest.mark.anyio
async def test_update_and_delete_item_reach_the_table(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    table = _table(moto_url)
    client(moto_url, "dynamodb").put_item(TableName=table, Item={"id": {"S": "a"}, "n": {"N": "1"}})
    definition = {
        "StartAt": "Update",
        "States": {
            "Update": _task(
                "arn:aws:states:::dynamodb:updateItem",
                {
                    "TableName": table,
                    "Key": {"id": {"S": "a"}},
                    "UpdateExpression": "SET n = n + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                    "ReturnValues": "ALL_NEW",
                },
                ResultSelector={"Attributes.$": "$.Attributes"},
                ResultPath="$.updated",
                Next="Delete",
            ),
            "Delete": _task(
                "arn:aws:states:::dynamodb:deleteItem",
                {"TableName": table, "Key": {"id": {"S": "a"}}, "ReturnValues": "ALL_OLD"},
                ResultSelector={"Attributes.$": "$.Attributes"},
                ResultPath="$.deleted",
                End=True,
            ),
        },
    }
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    assert result.output["updated"]["Attributes"] == {"id": {"S": "a"}, "n": {"N": "2"}}
    assert result.output["deleted"]["Attributes"] == {"id": {"S": "a"}, "n": {"N": "2"}}
    remaining = client(moto_url, "dynamodb").get_item(TableName=table, Key={"id": {"S": "a"}})
    assert "Item" not in remaining


@pytest.mark.anyio
async def test_a_failed_condition_is_caught_by_its_dynamodb_name(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    table = _table(moto_url)
    client(moto_url, "dynamodb").put_item(TableName=table, Item={"id": {"S": "taken"}})
    definition = {
        "StartAt": "Claim",
        "States": {
            "Claim": _task(
                "arn:aws:states:::dynamodb:putItem",
                {
                    "TableName": table,
                    "Item": {"id": {"S": "taken"}},
                    "ConditionExpression": "attribute_not_exists(id)",
                },
                Catch=[
                    {
                        "ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                        "ResultPath": "$.error",
                        "Next": "Busy",
                    }
                ],
                End=True,
            ),
            "Busy": {"Type": "Pass", "End": True},
        },
    }
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    error = result.output["error"]
    assert error["Error"] == "DynamoDB.ConditionalCheckFailedException"
    assert error["Cause"].startswith("The conditional request failed (Service: AmazonDynamoDBv2; ")
    assert (
        "Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: "
        in (error["Cause"])
    )
    assert error["Cause"].endswith("; Proxy: null)")
    failed = result.details("TaskFailed")
    assert failed["resourceType"] == "dynamodb"
    assert failed["error"] == "DynamoDB.ConditionalCheckFailedException"


@pytest.mark.anyio
async def test_a_missing_table_is_retried_then_fails_the_execution(
    endpoints: IntegrationEndpoints,
) -> None:
    definition = {
        "StartAt": "Get",
        "States": {
            "Get": _task(
                "arn:aws:states:::dynamodb:getItem",
                {"TableName": f"missing-{uuid.uuid4().hex}", "Key": {"id": {"S": "x"}}},
                Retry=[
                    {
                        "ErrorEquals": ["DynamoDB.ResourceNotFoundException"],
                        "IntervalSeconds": 5,
                        "MaxAttempts": 2,
                    }
                ],
                End=True,
            )
        },
    }
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "FAILED"
    assert result.execution.error == "DynamoDB.ResourceNotFoundException"
    assert result.types().count("TaskScheduled") == 3


@pytest.mark.anyio
async def test_an_unsupported_pattern_is_not_recognized(endpoints: IntegrationEndpoints) -> None:
    resource = "arn:aws:states:::dynamodb:getItem.sync"
    definition = {"StartAt": "Get", "States": {"Get": _task(resource, {}, End=True)}}
    tasks = _tasks(endpoints)
    assert not tasks.recognises(resource)
    assert tasks.recognises("arn:aws:states:::dynamodb:getItem")
    result = await run(tasks, definition)
    assert result.execution.status == "FAILED"
    assert result.execution.error == "States.Runtime"
    assert (
        f"The resource provided {resource} is not recognized. The value is not a valid resource "
        "ARN, or the resource is not available in this region."
    ) in (result.execution.cause or "")


@pytest.mark.anyio
async def test_jsonata_arguments_and_output_drive_a_dynamodb_task(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    table = _table(moto_url)
    client(moto_url, "dynamodb").put_item(
        TableName=table, Item={"id": {"S": "k1"}, "colour": {"S": "blue"}}
    )
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Get",
        "States": {
            "Get": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:getItem",
                "Arguments": {"TableName": table, "Key": {"id": {"S": "{% $states.input.id %}"}}},
                "Output": "{% $states.result.Item.colour.S %}",
                "End": True,
            }
        },
    }
    result = await run(_tasks(endpoints), definition, {"id": "k1"})
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    assert result.output == "blue"


@pytest.mark.anyio
async def test_an_unreachable_endpoint_is_the_sdk_client_exception() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    definition = {
        "StartAt": "Get",
        "States": {
            "Get": _task(
                "arn:aws:states:::dynamodb:getItem",
                {"TableName": "t", "Key": {"id": {"S": "x"}}},
                Retry=[{"ErrorEquals": ["DynamoDB.SdkClientException"], "MaxAttempts": 1}],
                End=True,
            )
        },
    }
    result = await run(_tasks(IntegrationEndpoints(embedded_url=closed)), definition)
    assert result.execution.status == "FAILED"
    assert result.execution.error == "DynamoDB.SdkClientException"
    assert (result.execution.cause or "").startswith("Unable to execute HTTP request: ")
    assert result.types().count("TaskFailed") == 2


@pytest.mark.anyio
async def test_clients_follow_endpoints_configured_after_registration(moto_url: str) -> None:
    table = _table(moto_url)
    clients = AwsClients(IntegrationEndpoints())
    tasks = TaskRegistry()
    register_integrations(tasks, clients)
    # The composition root learns the embedded server's URL only once it has started.
    clients.configure(IntegrationEndpoints(embedded_url=moto_url))
    definition = {
        "StartAt": "Put",
        "States": {
            "Put": _task(
                "arn:aws:states:::dynamodb:putItem",
                {"TableName": table, "Item": {"id": {"S": "late"}}},
                End=True,
            )
        },
    }
    result = await run(tasks, definition)
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    stored = client(moto_url, "dynamodb").get_item(TableName=table, Key={"id": {"S": "late"}})
    assert stored["Item"] == {"id": {"S": "late"}}
