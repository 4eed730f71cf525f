"""The Step Functions API on the GraphQL server's own port, through boto3 unchanged (signed with
the AWS endpoint's declared keys, `testing`/`testing` by default)."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import httpx
from botocore.config import Config

from tests.integration.conftest import BLOG_KEY, Server

DEFINITION = {
    "StartAt": "Greet",
    "States": {"Greet": {"Type": "Pass", "Parameters": {"greeting.$": "$.name"}, "End": True}},
}


def _client(server: Server) -> Any:
    return boto3.client(
        "stepfunctions",
        endpoint_url=f"http://{server.host}:{server.port}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def test_boto3_runs_a_state_machine_beside_graphql(blog: Server) -> None:
    client = _client(blog)
    machine = client.create_state_machine(
        name="greeter",
        definition=json.dumps(DEFINITION),
        roleArn="arn:aws:iam::123456789012:role/local",
    )
    started = client.start_execution(
        stateMachineArn=machine["stateMachineArn"], input=json.dumps({"name": "Ada"})
    )
    deadline = time.monotonic() + 10
    described = client.describe_execution(executionArn=started["executionArn"])
    while described["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.05)
        described = client.describe_execution(executionArn=started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"greeting": "Ada"}
    # GraphQL keeps answering on the same port.
    response = httpx.post(
        blog.url, json={"query": '{ echo(message: "still here") }'}, headers={"x-api-key": BLOG_KEY}
    )
    assert response.json() == {"data": {"echo": "still here"}}
