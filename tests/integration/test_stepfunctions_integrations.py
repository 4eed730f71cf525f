"""Service integrations end to end: the Step Functions API on a loopback server, moto on another,
the bundled AppSync example API on a third, and boto3 clients and workers as users run them.

Behaviour checked against the developer guide: a task token sent through SQS comes back from a
boto3 worker's SendTaskSuccess; a nested `.sync:2` execution returns the child's output as JSON;
an HTTP Task runs a GraphQL query on the AppSync API with the connection's API key; DynamoDB's
conditional failure is caught by its `DynamoDB.` name.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from mypy_boto3_stepfunctions import SFNClient

from stepfunctions.integrations.aws import AwsClients, IntegrationEndpoints
from stepfunctions.integrations.catalog import register_integrations
from stepfunctions.integrations.http_task import (
    ConnectionAuth,
    HttpTaskIntegration,
    PrefixRoutes,
    StaticConnections,
)
from stepfunctions.integrations.states import ServiceNestedExecutions
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from tests.conformance.asl.server import ServerThread
from tests.integration.conftest import BLOG_CONFIG, BLOG_KEY, Server, moto_endpoint, serve

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sfn"
CONNECTION = f"arn:aws:events:{REGION}:{ACCOUNT}:connection/blog/1"
CLOUD_GRAPHQL = "https://blog.appsync-api.us-east-1.amazonaws.com/graphql"


class StepFunctionsServer(ServerThread):
    """The engine with its integrations, served by uvicorn in a thread on the wall clock."""

    def __init__(self, moto_url: str, graphql_url: str) -> None:
        super().__init__(TaskRegistry(REGION, ACCOUNT), virtual_time=False)
        self.moto_url = moto_url
        self.graphql_url = graphql_url

    def configure(self, service: StepFunctionsService, tasks: TaskRegistry) -> None:
        http = HttpTaskIntegration(
            StaticConnections({CONNECTION: ConnectionAuth(headers={"x-api-key": BLOG_KEY})}),
            PrefixRoutes({CLOUD_GRAPHQL: self.graphql_url}),
        )
        register_integrations(
            tasks,
            AwsClients(IntegrationEndpoints(embedded_url=self.moto_url, region=REGION)),
            nested=ServiceNestedExecutions(service),
            http=http,
        )


def _aws(service: str, url: str) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    with moto_endpoint() as url:
        yield url


@pytest.fixture(scope="module")
def blog() -> Iterator[Server]:
    with serve(BLOG_CONFIG) as server:
        yield server


@pytest.fixture(scope="module")
def sfn(moto_url: str, blog: Server) -> Iterator[SFNClient]:
    server = StepFunctionsServer(moto_url, blog.url)
    server.start()
    client: SFNClient = _aws("stepfunctions", f"http://127.0.0.1:{server.port}")
    yield client
    server.stop()


def _machine(sfn: SFNClient, definition: dict[str, Any]) -> str:
    created = sfn.create_state_machine(
        name=f"m-{uuid.uuid4().hex[:10]}", definition=json.dumps(definition), roleArn=ROLE
    )
    return created["stateMachineArn"]


def _finish(sfn: SFNClient, machine: str, data: Any) -> Any:
    arn = sfn.start_execution(stateMachineArn=machine, input=json.dumps(data))["executionArn"]
    deadline = time.monotonic() + 20
    described = sfn.describe_execution(executionArn=arn)
    while described["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.02)
        described = sfn.describe_execution(executionArn=arn)
    return described


def test_a_task_token_sent_through_sqs_is_returned_by_a_boto3_worker(
    sfn: SFNClient, moto_url: str
) -> None:
    sqs = _aws("sqs", moto_url)
    queue = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    machine = _machine(
        sfn,
        {
            "StartAt": "Approve",
            "States": {
                "Approve": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {
                        "QueueUrl": queue,
                        "MessageBody": {"order.$": "$.order", "token.$": "$$.Task.Token"},
                    },
                    "TimeoutSeconds": 30,
                    "End": True,
                }
            },
        },
    )
    answered: list[str] = []

    def worker() -> None:
        # The worker loop as the developer guide's callback example writes it.
        deadline = time.monotonic() + 20
        while not answered and time.monotonic() < deadline:
            for message in sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get(
                "Messages", []
            ):
                body = json.loads(message["Body"])
                sfn.send_task_success(
                    taskToken=body["token"], output=json.dumps({"approved": body["order"]})
                )
                answered.append(body["order"])

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    described = _finish(sfn, machine, {"order": "o-1"})
    thread.join(timeout=20)
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {"approved": "o-1"}
    events = sfn.get_execution_history(executionArn=described["executionArn"])["events"]
    assert "TaskSubmitted" in [event["type"] for event in events]


def test_a_nested_sync2_execution_returns_the_child_output(sfn: SFNClient) -> None:
    child = _machine(
        sfn,
        {
            "StartAt": "Total",
            "States": {
                "Total": {
                    "Type": "Pass",
                    "Parameters": {"total.$": "States.MathAdd($.a, $.b)"},
                    "End": True,
                }
            },
        },
    )
    parent = _machine(
        sfn,
        {
            "StartAt": "Nest",
            "States": {
                "Nest": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution.sync:2",
                    "Parameters": {"StateMachineArn": child, "Input.$": "$"},
                    "OutputPath": "$.Output",
                    "End": True,
                }
            },
        },
    )
    described = _finish(sfn, parent, {"a": 2, "b": 3})
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {"total": 5}


def test_an_http_task_runs_a_graphql_query_on_the_appsync_api(sfn: SFNClient) -> None:
    machine = _machine(
        sfn,
        {
            "StartAt": "Query",
            "States": {
                "Query": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::http:invoke",
                    "Parameters": {
                        "ApiEndpoint": CLOUD_GRAPHQL,
                        "Method": "POST",
                        "Authentication": {"ConnectionArn": CONNECTION},
                        "RequestBody": {
                            "query": "query Get($id: ID!) { getPost(id: $id) { id title } }",
                            "variables": {"id.$": "$.id"},
                        },
                    },
                    "ResultSelector": {"post.$": "$.ResponseBody.data.getPost"},
                    "End": True,
                }
            },
        },
    )
    described = _finish(sfn, machine, {"id": "p1"})
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {
        "post": {"id": "p1", "title": "Notes on the Analytical Engine"}
    }


def test_a_dynamodb_conditional_failure_is_caught_by_name(sfn: SFNClient, moto_url: str) -> None:
    dynamodb = _aws("dynamodb", moto_url)
    table = f"t-{uuid.uuid4().hex[:10]}"
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    claim = {
        "Type": "Task",
        "Resource": "arn:aws:states:::dynamodb:putItem",
        "Parameters": {
            "TableName": table,
            "Item": {"id": {"S.$": "$.id"}},
            "ConditionExpression": "attribute_not_exists(id)",
        },
        "ResultPath": None,
    }
    machine = _machine(
        sfn,
        {
            "StartAt": "First",
            "States": {
                "First": {**claim, "Next": "Second"},
                "Second": {
                    **claim,
                    "Catch": [
                        {
                            "ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                            "ResultPath": "$.error",
                            "Next": "Taken",
                        }
                    ],
                    "End": True,
                },
                "Taken": {"Type": "Pass", "End": True},
            },
        },
    )
    described = _finish(sfn, machine, {"id": "lock"})
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert output["error"]["Error"] == "DynamoDB.ConditionalCheckFailedException"
    assert dynamodb.get_item(TableName=table, Key={"id": {"S": "lock"}})["Item"] == {
        "id": {"S": "lock"}
    }
