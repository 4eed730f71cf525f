"""The optimized DynamoDB, SQS and SNS integrations against a real moto server, and task tokens
that travel through SQS and SNS to a worker.

Shapes come from AWS-recorded histories (localstack's `test_dynamodb_task_service` and
`test_callback` snapshots, recorded against AWS): the answer is the service's response plus
`SdkHttpMetadata` / `SdkResponseMetadata`; failures are `DynamoDB.<Exception>` /
`SQS.<Exception>` with the Java SDK's cause text.

`sendMessage.waitForTaskToken` follows the developer guide's callback example ("Wait for a
Callback with Task Token"): the token travels in the message body, a worker receives the
message and answers with SendTaskSuccess; the history is TaskScheduled, TaskStarted,
TaskSubmitted (SendMessage's answer), TaskSucceeded (the worker's output), as AWS recorded it
(localstack `test_callback::test_sqs_wait_for_task_token`).
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from stepfunctions.integrations.aws import AwsClients, IntegrationEndpoints
from stepfunctions.integrations.catalog import register_integrations
from stepfunctions.records.execution import Execution
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.fixtures.loopback import free_port
from tests.unit.stepfunctions.integrations.conftest import (
    START,
    SUBMITTED_TASK_HISTORY,
    client,
    new_execution,
    run,
)


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
    closed = f"http://127.0.0.1:{free_port()}"
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


def _queue(moto_url: str) -> str:
    url: str = client(moto_url, "sqs").create_queue(QueueName=f"q-{uuid.uuid4().hex[:12]}")[
        "QueueUrl"
    ]
    return url


Answer = Callable[[Interpreter, dict[str, Any]], None]


async def _run_with_worker(
    endpoints: IntegrationEndpoints,
    moto_url: str,
    queue: str,
    execution: tuple[dict[str, Any], Any, str],
    answer: Answer,
) -> tuple[Execution, dict[str, Any]]:
    """Run an execution (definition, input, name) while a worker thread serves `queue`.

    The worker reads the first message like a real consumer, then `answer`s its JSON body on the
    engine's loop. Returns the finished execution and that body.
    """
    clock = FakeClock(START)
    interpreter = Interpreter(clock, _tasks(endpoints))
    definition, data, name = execution
    running = new_execution(definition, data, clock, name)
    loop = asyncio.get_running_loop()
    received: list[dict[str, Any]] = []

    def worker() -> None:
        sqs = client(moto_url, "sqs")
        # Virtual time stands still while the worker is busy, as it would for a real worker.
        with clock.busy():
            while not received:
                polled = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)
                received.extend(json.loads(m["Body"]) for m in polled.get("Messages", []))
        loop.call_soon_threadsafe(answer, interpreter, received[0])

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    await asyncio.wait_for(interpreter.run(running), timeout=30)
    thread.join(timeout=10)
    return running, received[0]


def _task_machine(
    state: str, resource: str, parameters: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    """A machine that starts at `state`, a Task calling `resource` completed by `fields`."""
    task = {"Type": "Task", "Resource": resource, "Parameters": parameters, **fields, "End": True}
    return {"StartAt": state, "States": {state: task}}


def _ask_over_sqs(queue: str, **fields: Any) -> dict[str, Any]:
    """A machine whose one state, Ask, sends its task token to `queue` and waits for it."""
    return _task_machine(
        "Ask",
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        {"QueueUrl": queue, "MessageBody.$": "$$.Task.Token"},
        **fields,
    )


@pytest.mark.anyio
async def test_send_message_answers_md5_and_message_id(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    queue = _queue(moto_url)
    definition = _task_machine(
        "Send",
        "arn:aws:states:::sqs:sendMessage",
        {"QueueUrl": queue, "MessageBody": {"order": 7}},
    )
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    output = result.output
    assert set(output) == {
        "MD5OfMessageBody",
        "MessageId",
        "SdkHttpMetadata",
        "SdkResponseMetadata",
    }
    messages = client(moto_url, "sqs").receive_message(QueueUrl=queue)["Messages"]
    # A JSON value as MessageBody is sent as its JSON text.
    assert json.loads(messages[0]["Body"]) == {"order": 7}
    assert messages[0]["MessageId"] == output["MessageId"]
    assert messages[0]["MD5OfBody"] == output["MD5OfMessageBody"]


@pytest.mark.anyio
async def test_a_missing_queue_fails_as_sqs_names_it(endpoints: IntegrationEndpoints) -> None:
    queue = f"https://sqs.us-east-1.amazonaws.com/123456789012/missing-{uuid.uuid4().hex}"
    definition = _task_machine(
        "Send",
        "arn:aws:states:::sqs:sendMessage",
        {"QueueUrl": queue, "MessageBody": "x"},
        Catch=[{"ErrorEquals": ["SQS.QueueDoesNotExistException"], "Next": "Gone"}],
    )
    definition["States"]["Gone"] = {"Type": "Pass", "End": True}
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    failed = result.details("TaskFailed")
    assert failed["error"] == "SQS.QueueDoesNotExistException"
    assert "(Service: AmazonSQS; Status Code: 400; Error Code: " in failed["cause"]


@pytest.mark.anyio
async def test_a_task_token_travels_through_sqs_to_a_worker(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    queue = _queue(moto_url)
    definition = _task_machine(
        "SendMessageWithWait",
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        {
            "QueueUrl": queue,
            "MessageBody": {"Message.$": "$.Message", "TaskToken.$": "$$.Task.Token"},
        },
    )

    def succeed(interpreter: Interpreter, body: dict[str, Any]) -> None:
        interpreter.send_task_success(body["TaskToken"], json.dumps(body["Message"]))

    execution, received = await _run_with_worker(
        endpoints,
        moto_url,
        queue,
        (definition, {"Message": "test_message_txt"}, "callback"),
        succeed,
    )
    assert execution.status == "SUCCEEDED", execution.cause
    assert json.loads(execution.output or "null") == "test_message_txt"
    types = [event.type for event in execution.history]
    assert types == SUBMITTED_TASK_HISTORY
    submitted = execution.history[4].details
    assert submitted is not None
    details = submitted["taskSubmittedEventDetails"]
    assert details["resource"] == "sendMessage.waitForTaskToken"
    assert details["resourceType"] == "sqs"
    assert set(json.loads(details["output"])) == {
        "MD5OfMessageBody",
        "MessageId",
        "SdkHttpMetadata",
        "SdkResponseMetadata",
    }
    assert received["TaskToken"].startswith("AQ")


@pytest.mark.anyio
async def test_an_unanswered_token_times_out_and_retry_sends_again(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    queue = _queue(moto_url)
    definition = _ask_over_sqs(
        queue,
        TimeoutSeconds=5,
        Retry=[{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 1}],
        Catch=[{"ErrorEquals": ["States.ALL"], "Next": "GaveUp"}],
    )
    definition["States"]["GaveUp"] = {"Type": "Pass", "End": True}
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    assert result.types().count("TaskTimedOut") == 2
    sqs = client(moto_url, "sqs")
    tokens = [
        m["Body"] for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    ]
    # Each attempt sends its own token.
    assert len(set(tokens)) == 2


@pytest.mark.anyio
async def test_publish_answers_the_message_id(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    sns = client(moto_url, "sns")
    topic = sns.create_topic(Name=f"t-{uuid.uuid4().hex[:12]}")["TopicArn"]
    definition = _task_machine(
        "Publish",
        "arn:aws:states:::sns:publish",
        {"TopicArn": topic, "Message": {"hello": "world"}},
    )
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    assert set(result.output) == {"MessageId", "SdkHttpMetadata", "SdkResponseMetadata"}


@pytest.mark.anyio
async def test_publish_to_a_missing_topic_is_an_sns_error(endpoints: IntegrationEndpoints) -> None:
    topic = f"arn:aws:sns:us-east-1:123456789012:missing-{uuid.uuid4().hex}"
    definition = _task_machine(
        "Publish", "arn:aws:states:::sns:publish", {"TopicArn": topic, "Message": "m"}
    )
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "FAILED"
    assert result.execution.error == "SNS.NotFoundException"
    assert "(Service: AmazonSNS; Status Code: 404; Error Code: NotFound; " in (
        result.execution.cause or ""
    )


@pytest.mark.anyio
async def test_a_token_published_to_sns_is_failed_by_a_worker_and_caught(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    sns = client(moto_url, "sns")
    topic = sns.create_topic(Name=f"t-{uuid.uuid4().hex[:12]}")["TopicArn"]
    queue = _queue(moto_url)
    queue_arn = client(moto_url, "sqs").get_queue_attributes(
        QueueUrl=queue, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    definition = _task_machine(
        "Notify",
        "arn:aws:states:::sns:publish.waitForTaskToken",
        {"TopicArn": topic, "Message": {"token.$": "$$.Task.Token"}},
        Catch=[{"ErrorEquals": ["Rejected"], "ResultPath": "$.error", "Next": "Declined"}],
    )
    definition["States"]["Declined"] = {"Type": "Pass", "End": True}

    def reject(interpreter: Interpreter, body: dict[str, Any]) -> None:
        interpreter.send_task_failure(body["token"], "Rejected", "not today")

    execution, _ = await _run_with_worker(
        endpoints, moto_url, queue, (definition, {}, "sns-callback"), reject
    )
    assert execution.status == "SUCCEEDED", execution.cause
    output = json.loads(execution.output or "null")
    assert output["error"] == {"Error": "Rejected", "Cause": "not today"}
    types = [event.type for event in execution.history]
    assert types[2:6] == ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskFailed"]


@pytest.mark.anyio
async def test_a_silent_worker_misses_the_heartbeat(
    moto_url: str, endpoints: IntegrationEndpoints
) -> None:
    queue = _queue(moto_url)
    definition = _ask_over_sqs(queue, TimeoutSeconds=600, HeartbeatSeconds=60)
    result = await run(_tasks(endpoints), definition)
    assert result.execution.status == "FAILED"
    assert result.execution.error == "States.HeartbeatTimeout"
    scheduled = result.details("TaskScheduled")
    assert (scheduled["timeoutInSeconds"], scheduled["heartbeatInSeconds"]) == (600, 60)
    timed_out = result.details("TaskTimedOut")
    assert timed_out == {
        "resourceType": "sqs",
        "resource": "sendMessage.waitForTaskToken",
        "error": "States.HeartbeatTimeout",
    }
