"""The console's component harness (`/console/harness.html`) and the data it is fed.

The harness renders the console's own views from data a test hands it; here the data are real
AWS-shaped answers: Step Functions executions of the shared corpus's definitions run by the
server's engine and read back through its AWS JSON 1.0 API (the same bytes boto3 receives), and
DynamoDB tables and items read through the embedded DynamoDB's endpoint.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from tests.conformance.asl.corpus import CORPUS_DIR, corpus_missing_reason
from tests.fixtures.aws_signing import JSON_1_0, signed_headers
from tests.integration.conftest import Server

CORPUS = CORPUS_DIR / "cases.jsonl"
ROLE = "arn:aws:iam::123456789012:role/console-harness"


def corpus_case(case_id: str) -> dict[str, Any]:
    """One recorded case of the shared Step Functions corpus, read in place; the test is
    skipped as the conformance suite is where the corpus is absent (a clone without the
    shared folder beside it), and fails under CI, which always has it."""
    missing = corpus_missing_reason()
    if missing is not None:
        pytest.skip(missing)
    with CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            case: dict[str, Any] = json.loads(line)
            if case["id"] == case_id:
                return case
    raise LookupError(case_id)


def aws_json(server: Server, service: str, operation: str, body: dict[str, Any]) -> Any:
    """One AWS JSON 1.0 call to the server's one AWS endpoint (its own port), signed as boto3
    signs it with the default `testing` key."""
    url = f"http://{server.host}:{server.port}/"
    content = json.dumps(body).encode()
    signing_service = {"AWSStepFunctions": "states", "DynamoDB_20120810": "dynamodb"}[service]
    target = {"content-type": JSON_1_0, "x-amz-target": f"{service}.{operation}"}
    response = httpx.post(
        url, content=content, headers=signed_headers("POST", url, signing_service, content, target)
    )
    assert response.status_code == 200, response.text
    return response.json()


@dataclass(frozen=True, slots=True)
class RecordedExecution:
    definition: str
    execution: dict[str, Any]
    events: list[dict[str, Any]]
    machine: dict[str, Any]


def run_case(server: Server, case_id: str, name: str) -> RecordedExecution:
    """Runs the corpus case on the server's engine to its end; its history as the API gives it."""
    case = corpus_case(case_id)
    definition = json.dumps(case["definition"])
    created = aws_json(
        server,
        "AWSStepFunctions",
        "CreateStateMachine",
        {"name": name, "definition": definition, "roleArn": ROLE},
    )
    arn = created["stateMachineArn"]
    started = aws_json(
        server,
        "AWSStepFunctions",
        "StartExecution",
        {"stateMachineArn": arn, "input": json.dumps(case["input"])},
    )
    execution_arn = started["executionArn"]
    for _ in range(500):
        execution = aws_json(
            server, "AWSStepFunctions", "DescribeExecution", {"executionArn": execution_arn}
        )
        if execution["status"] != "RUNNING":
            break
        time.sleep(0.01)
    history = aws_json(
        server,
        "AWSStepFunctions",
        "GetExecutionHistory",
        {"executionArn": execution_arn, "includeExecutionData": True, "maxResults": 1000},
    )
    machine = aws_json(server, "AWSStepFunctions", "DescribeStateMachine", {"stateMachineArn": arn})
    return RecordedExecution(definition, execution, history["events"], machine)


# An Orders table with a sort key and an index, and items of every plain JSON type.
TABLE = {
    "TableName": "Orders",
    "KeySchema": [
        {"AttributeName": "customer", "KeyType": "HASH"},
        {"AttributeName": "orderId", "KeyType": "RANGE"},
    ],
    "AttributeDefinitions": [
        {"AttributeName": "customer", "AttributeType": "S"},
        {"AttributeName": "orderId", "AttributeType": "S"},
        {"AttributeName": "status", "AttributeType": "S"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "byStatus",
            "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
    "seed": "orders.json",
}
SEED = [
    {"customer": "ada", "orderId": "o-1", "status": "SHIPPED", "total": 12.5, "lines": [1, 2]},
    {"customer": "ada", "orderId": "o-2", "status": "OPEN", "gift": True, "note": None},
    {"customer": "alan", "orderId": "o-3", "status": "OPEN", "address": {"city": "Wilmslow"}},
]


def write_orders_api(folder: Path) -> Path:
    """An API whose only data source is the embedded DynamoDB's Orders table, seeded."""
    (folder / "schema.graphql").write_text("type Query { a: String }\n")
    (folder / "orders.json").write_text(json.dumps(SEED))
    definition = {
        "name": "orders",
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": "da2-consoleorderskey0000000"}],
        "dataSources": [
            {"name": "Orders", "type": "AMAZON_DYNAMODB", "dynamodbConfig": {"tableName": "Orders"}}
        ],
        "server": {"dynamodb": {"tables": [TABLE]}},
    }
    path = folder / "appsync.json"
    path.write_text(json.dumps(definition))
    return path


def dynamodb(server: Server, operation: str, body: dict[str, Any]) -> Any:
    """One call to the embedded DynamoDB on the server's AWS endpoint, as boto3 makes it."""
    return aws_json(server, "DynamoDB_20120810", operation, body)


def open_harness(page: Page, server: Server) -> None:
    page.goto(f"http://{server.host}:{server.port}/console/harness.html")
    page.wait_for_function("() => window.consoleHarness?.ready === true")


def render(page: Page, spec: dict[str, Any]) -> None:
    page.evaluate("(spec) => window.consoleHarness.render(spec)", spec)
