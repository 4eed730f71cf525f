"""Step Functions Task states and the keys they sign with, through the real server.

Issue 12's attack, replayed: an anonymous client created a state machine whose
`aws-sdk:iam:createUser` and `createAccessKey` tasks minted keys in the embedded IAM, and
AppSync's AWS_IAM mode then accepted them. Now the first, unsigned step fails; signed with the
endpoint's keys the workflow still mints a key, which neither the AWS endpoint nor AppSync
accepts. Task states sign with the endpoint's declared key, never with the process's own AWS
credentials (fake ones are put in the server's environment here); an HTTP Task sends its
connection's headers and nothing else to the endpoint it names.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import botocore.exceptions
import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.fixtures.aws_signing import JSON_1_0, aws_client
from tests.integration.conftest import Server, serve, write_whoami_api

ROLE = "arn:aws:iam::123456789012:role/tasks"
CONNECTION = "arn:aws:events:us-east-1:123456789012:connection/partner/local"
CONNECTION_KEY = "da2-connectionsecret0000000"
DECLARED = ("AKIALOCALTASKS000001", "tasks-declared-secret")
QUERY = json.dumps({"query": "{ anyone { authType } }"})


def _write(folder: Path, aws: dict[str, Any] | None = None) -> Path:
    auth = {
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": "da2-tasksapikey0000000000000"}],
        "additionalAuthenticationProviders": [{"authenticationType": "AWS_IAM"}],
    }
    path = write_whoami_api(folder, "tasks", auth, fields=("whoami", "anyone"))
    config = json.loads(path.read_text())
    table = {
        "TableName": "Ledger",
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    config["server"] = {
        "dynamodb": {"tables": [table]},
        "stepFunctions": {
            "connections": [{"connectionArn": CONNECTION, "headers": {"x-api-key": CONNECTION_KEY}}]
        },
        **({"aws": aws} if aws else {}),
    }
    path.write_text(json.dumps(config))
    return path


def _run(sfn: Any, name: str, states: dict[str, Any], start: str) -> dict[str, Any]:
    definition = json.dumps({"StartAt": start, "States": states})
    machine = sfn.create_state_machine(name=name, definition=definition, roleArn=ROLE)
    started = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input="{}")
    deadline = time.monotonic() + 20
    while True:
        described: dict[str, Any] = sfn.describe_execution(executionArn=started["executionArn"])
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return described
        time.sleep(0.05)


MINT = {
    "CreateUser": {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:iam:createUser",
        "Parameters": {"UserName": "mallory"},
        "Next": "CreateAccessKey",
    },
    "CreateAccessKey": {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:iam:createAccessKey",
        "Parameters": {"UserName": "mallory"},
        "End": True,
    },
}


def _graphql_signed(server: Server, key: tuple[str, str]) -> httpx.Response:
    request = AWSRequest(
        "POST", server.url, data=QUERY, headers={"content-type": "application/json"}
    )
    SigV4Auth(Credentials(*key), "appsync", "us-east-1").add_auth(request)
    return httpx.post(server.url, content=QUERY, headers=dict(request.headers), timeout=10)


def test_the_issues_attack_fails_at_its_first_unsigned_step(tmp_path: Path) -> None:
    with serve(_write(tmp_path)) as server:
        endpoint = f"http://{server.host}:{server.port}"
        definition = json.dumps({"StartAt": "CreateUser", "States": MINT})
        body = json.dumps({"name": "mint", "definition": definition, "roleArn": ROLE})
        headers = {"content-type": JSON_1_0, "x-amz-target": "AWSStepFunctions.CreateStateMachine"}
        anonymous = httpx.post(endpoint + "/", content=body, headers=headers)
        assert anonymous.status_code == 400
        assert anonymous.json()["__type"] == "MissingAuthenticationTokenException"
        sfn = aws_client("stepfunctions", endpoint)
        assert sfn.list_state_machines()["stateMachines"] == []
        # With the endpoint's keys the workflow runs and mints a key in the embedded IAM...
        described = _run(sfn, "mint", MINT, "CreateUser")
        assert described["status"] == "SUCCEEDED", described
        minted = json.loads(described["output"])["AccessKey"]
        key = (minted["AccessKeyId"], minted["SecretAccessKey"])
        # ...which is no key of the AWS endpoint...
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            aws_client("dynamodb", endpoint, key).list_tables()
        assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"
        # ...nor an AppSync principal, while the endpoint's own key is.
        response = _graphql_signed(server, key)
        assert response.status_code == 403
        assert response.headers["x-amzn-errortype"] == "UnrecognizedClientException"
        accepted = _graphql_signed(server, ("testing", "testing"))
        assert accepted.json() == {"data": {"anyone": {"authType": "IAM Authorization"}}}


@pytest.fixture
def ambient(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials in the server's environment: the pair this endpoint refuses (its
    declared key replaces it), with a session token."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "ambient-session-token")


@pytest.mark.usefixtures("ambient")
def test_tasks_sign_with_the_declared_key_not_the_ambient_credentials(tmp_path: Path) -> None:
    aws = {"credentials": [{"accessKeyId": DECLARED[0], "secretAccessKey": DECLARED[1]}]}
    with serve(_write(tmp_path, aws)) as server:
        endpoint = f"http://{server.host}:{server.port}"
        # The environment's pair is refused by this endpoint...
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            aws_client("dynamodb", endpoint).list_tables()
        assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"
        # ...so tasks that reach the embedded services signed with anything but the declared
        # key would fail.
        states = {
            "Who": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:sts:getCallerIdentity",
                "ResultPath": "$.who",
                "Next": "Write",
            },
            "Write": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": "Ledger", "Item": {"id": {"S": "from-a-task"}}},
                "End": True,
            },
        }
        sfn = aws_client("stepfunctions", endpoint, DECLARED)
        described = _run(sfn, "signed", states, "Who")
        assert described["status"] == "SUCCEEDED", described
        dynamodb = aws_client("dynamodb", endpoint, DECLARED)
        assert dynamodb.get_item(TableName="Ledger", Key={"id": {"S": "from-a-task"}})["Item"]


class _Recorder(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, str]]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        type(self).received.append({name.lower(): value for name, value in self.headers.items()})
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def listener() -> Iterator[str]:
    _Recorder.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.usefixtures("ambient")
def test_an_http_task_sends_its_connections_headers_and_no_credentials(
    tmp_path: Path, listener: str
) -> None:
    states = {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:states:::http:invoke",
            "Parameters": {
                "ApiEndpoint": listener,
                "Method": "POST",
                "Authentication": {"ConnectionArn": CONNECTION},
                "RequestBody": {"hello": "partner"},
            },
            "End": True,
        }
    }
    with serve(_write(tmp_path)) as server:
        sfn = aws_client("stepfunctions", f"http://{server.host}:{server.port}")
        described = _run(sfn, "notify", states, "Call")
    assert described["status"] == "SUCCEEDED", described
    [headers] = _Recorder.received
    assert headers["x-api-key"] == CONNECTION_KEY
    assert "authorization" not in headers
    assert not [name for name in headers if name.startswith("x-amz-")]
    assert "ambient-session-token" not in json.dumps(headers)
