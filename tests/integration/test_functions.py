"""Lambda functions through the real server (apis/functions): a Python and a Node.js function
behind AppSync resolvers (direct Lambda, VTL templates, BatchInvoke), each reading and writing
the embedded DynamoDB through its own SDK (boto3; @aws-sdk/client-dynamodb, installed by
scripts/node-deps into the SDK directory the server uses by default) at the endpoint the server
gives it; a state machine invoking both; boto3's Lambda client on the AWS endpoint; a function
behind another Lambda endpoint; and faults (a throw, a timeout, an exit, megabytes of output)
after which the next invocation works and the server still serves.

Expected shapes: AppSync reports a function error as `Lambda:Unhandled` with the function's
errorMessage (aws-appsync-community#209) and its errorType as `ctx.error.unhandledErrorType`
(#386); Lambda's own messages for a timeout and an exit ("Task timed out after 1.00 seconds",
"Runtime exited with error: exit status N"; see functions/failures.py); the Invoke API's answer
(Lambda API reference, Invoke); the optimised integration's `StatusCode`/`ExecutedVersion`/
`Payload` (Step Functions dg, "Invoke an AWS Lambda function with Step Functions").
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from appsync.app import build_app
from appsync.functions_embedded import DEFAULT_NODE_SDK
from definition.appsync_yaml.api import read_appsync_yaml
from tests.conftest import REPO_ROOT
from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import APIS, Server, running, serve

API = APIS / "functions" / "appsync.yaml"
KEY = "da2-localfunctionstestkey00000"
NOTES = "arn:aws:states:us-east-1:123456789012:stateMachine:notes"


@pytest.fixture(scope="module")
def sdk() -> None:
    """The AWS SDK for JavaScript where the server looks for it by default (the Python
    environment's `aws-sdk-js`), installed by scripts/node-deps when missing."""
    completed = subprocess.run(
        [str(REPO_ROOT / "scripts" / "node-deps")], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        pytest.fail(f"scripts/node-deps failed:\n{completed.stderr}")
    assert DEFAULT_NODE_SDK == REPO_ROOT / ".venv" / "aws-sdk-js"


@pytest.fixture(scope="module")
def server(sdk: None) -> Iterator[Server]:
    if shutil.which("node") is None:
        pytest.fail("Node.js is not on the PATH: run scripts/system-deps (it installs nodejs)")
    with serve(API) as running_server:
        yield running_server


async def post(server: Server, query: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(server.url, json={"query": query}, headers={"x-api-key": KEY})
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()
    return answer


def only_error(answer: dict[str, Any]) -> tuple[str, str]:
    [error] = answer["errors"]
    return error["errorType"], error["message"]


@pytest.mark.anyio
async def test_both_runtimes_read_and_write_the_embedded_dynamodb(server: Server) -> None:
    # Through templates: each function receives the template's payload.
    written = await post(
        server,
        'mutation { a: putPythonNote(id: "p1", text: "from Python") { id text by } '
        'b: putNodeNote(id: "n1", text: "from Node.js") { id text by } }',
    )
    assert written == {
        "data": {
            "a": {"id": "p1", "text": "from Python", "by": "python"},
            "b": {"id": "n1", "text": "from Node.js", "by": "node"},
        }
    }
    # Direct Lambda resolvers: each reads what the other wrote, in the same table.
    read = await post(server, '{ pythonNote(id: "n1") { text by } nodeNote(id: "p1") { text by } }')
    assert read == {
        "data": {
            "pythonNote": {"text": "from Node.js", "by": "node"},
            "nodeNote": {"text": "from Python", "by": "python"},
        }
    }
    # The same items, as a boto3 client of the AWS endpoint sees them.
    dynamodb = aws_client("dynamodb", f"http://{server.host}:{server.port}")
    item = dynamodb.get_item(TableName="Notes", Key={"id": {"S": "n1"}})["Item"]
    assert item == {"id": {"S": "n1"}, "text": {"S": "from Node.js"}, "by": {"S": "node"}}


@pytest.mark.anyio
async def test_batch_invoke_sends_each_function_one_list(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    await post(server, 'mutation { putPythonNote(id: "b1", text: "one") { id } }')
    await post(server, 'mutation { putNodeNote(id: "b2", text: "two") { id } }')
    with caplog.at_level(logging.INFO, logger="functions.logs"):
        answer = await post(
            server, '{ notes(ids: ["b1", "b2", "b3"]) { id python { by } node { text } } }'
        )
    assert answer == {
        "data": {
            "notes": [
                {"id": "b1", "python": {"by": "python"}, "node": {"text": "one"}},
                {"id": "b2", "python": {"by": "node"}, "node": {"text": "two"}},
                {"id": "b3", "python": None, "node": None},
            ]
        }
    }
    starts = [
        record.getMessage().split(" ", 1)[0]
        for record in caplog.records
        if " START RequestId: " in record.getMessage()
    ]
    # One invocation of each function for the three resolutions of its field.
    assert sorted(starts) == ["[node-notes", "[python-notes"]


@pytest.mark.anyio
async def test_a_state_machine_invokes_both_functions(server: Server) -> None:
    states = aws_client("stepfunctions", f"http://{server.host}:{server.port}")
    started = await asyncio.to_thread(
        states.start_sync_execution,
        stateMachineArn=NOTES,
        input=json.dumps({"id": "s1", "text": "from a workflow"}),
    )
    assert started["status"] == "SUCCEEDED"
    output = json.loads(started["output"])
    note = {"id": "s1", "text": "from a workflow", "by": "python"}
    assert output["python"] == {"note": note, "status": 200, "version": "$LATEST"}
    # The Node.js function's result is the task's result when its ARN is the Resource.
    assert output["node"] == note
    # The AWS SDK integration takes an object Payload and answers the function's result as
    # escaped JSON: only the optimized integration parses it (dg "Invoke Lambda with Step
    # Functions", connect-lambda.html).
    assert output["sdk"]["status"] == 200
    assert json.loads(output["sdk"]["text"]) == output["sdk"]["note"] == note
    # A function error fails the task with the function's own errorType; the cause is Lambda's
    # error object (the Python runtime's shape).
    assert output["caught"]["Error"] == "NoteMissingError"
    cause = json.loads(output["caught"]["Cause"])
    assert (cause["errorType"], cause["errorMessage"]) == ("NoteMissingError", "note 7 is missing")


@pytest.mark.anyio
async def test_boto3s_lambda_client_invokes_the_declared_functions(server: Server) -> None:
    client = aws_client("lambda", f"http://{server.host}:{server.port}")
    await post(server, 'mutation { putNodeNote(id: "l1", text: "via Invoke") { id } }')
    answer = await asyncio.to_thread(
        client.invoke,
        FunctionName="arn:aws:lambda:us-east-1:123456789012:function:python-notes",
        Payload=json.dumps({"action": "get", "id": "l1"}),
        LogType="Tail",
    )
    assert (answer["StatusCode"], answer["ExecutedVersion"]) == (200, "$LATEST")
    assert json.loads(answer["Payload"].read()) == {"id": "l1", "text": "via Invoke", "by": "node"}
    assert "FunctionError" not in answer
    log = base64.b64decode(answer["LogResult"]).decode()
    assert re.search(r"^REPORT RequestId: \S+\tDuration: ", log, flags=re.M)
    failed = await asyncio.to_thread(
        client.invoke, FunctionName="node-faults", Payload=b'{"arguments": {"kind": "throw"}}'
    )
    assert failed["FunctionError"] == "Unhandled"
    error = json.loads(failed["Payload"].read())
    assert (error["errorType"], error["errorMessage"]) == ("NoteMissingError", "note 7 is missing")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        await asyncio.to_thread(client.invoke, FunctionName="not-declared", Payload=b"{}")


@pytest.mark.anyio
async def test_boto3_describes_and_lists_the_declared_functions(server: Server) -> None:
    # GetFunction, GetFunctionConfiguration and ListFunctions with botocore's lambda model's
    # shapes (Lambda API reference, FunctionConfiguration).
    client = aws_client("lambda", f"http://{server.host}:{server.port}")
    arn = "arn:aws:lambda:us-east-1:123456789012:function:python-notes"
    function = await asyncio.to_thread(client.get_function, FunctionName="python-notes")
    configuration = function["Configuration"]
    assert {key: configuration[key] for key in ("FunctionName", "FunctionArn", "Runtime")} == {
        "FunctionName": "python-notes",
        "FunctionArn": arn,
        "Runtime": "python3.12",
    }
    assert (configuration["Handler"], configuration["Timeout"], configuration["MemorySize"]) == (
        "app.handler",
        3,
        128,
    )
    assert configuration["Environment"] == {"Variables": {"NOTES_TABLE": "Notes"}}
    assert (configuration["State"], configuration["Version"]) == ("Active", "$LATEST")
    assert (
        configuration["CodeSize"] == (APIS / "functions" / "python_notes" / "app.py").stat().st_size
    )
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", configuration["LastModified"]
    )
    assert function["Code"]["Location"].startswith("file://")
    alone = await asyncio.to_thread(client.get_function_configuration, FunctionName=arn)
    alone.pop("ResponseMetadata")
    assert alone == configuration
    names = [
        item["FunctionName"]
        for page in client.get_paginator("list_functions").paginate(
            PaginationConfig={"PageSize": 3}
        )
        for item in page["Functions"]
    ]
    assert names == ["node-faults", "node-notes", "python-faults", "python-notes"]
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        await asyncio.to_thread(client.get_function, FunctionName="python-notes", Qualifier="prod")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        await asyncio.to_thread(client.get_function, FunctionName="not-declared")


@pytest.mark.anyio
@pytest.mark.parametrize("runtime", ["python", "node"])
async def test_after_each_fault_the_next_invocation_works(server: Server, runtime: str) -> None:
    field = f"{runtime}Fault"
    exit_status = 3 if runtime == "python" else 2
    expected = {
        "throw": re.escape("note 7 is missing"),
        "timeout": r"RequestId: \S+ Error: Task timed out after 1\.00 seconds",
        "exit": rf"RequestId: \S+ Error: Runtime exited with error: exit status {exit_status}",
    }
    before = await post(server, f'{{ {field}(kind: "ok") }}')
    for kind, message in expected.items():
        if kind == "timeout":
            # Another client is served while the function runs out its time.
            failing = asyncio.create_task(post(server, f'{{ {field}(kind: "{kind}") }}'))
            served = await post(server, '{ pythonNote(id: "nothing") { id } }')
            assert served == {"data": {"pythonNote": None}}
            answer = await failing
        else:
            answer = await post(server, f'{{ {field}(kind: "{kind}") }}')
        assert answer["data"] == {field: None}
        error_type, text = only_error(answer)
        assert error_type == "Lambda:Unhandled"
        assert re.fullmatch(message, text), text
        recovered = await post(server, f'{{ {field}(kind: "ok") }}')
        assert recovered["data"][field].startswith("ok from ")
    # The exit ended the warm worker: a new process answers.
    assert recovered["data"][field] != before["data"][field]
    chatty = await post(server, f'{{ {field}(kind: "chatty") }}')
    assert chatty == {"data": {field: "printed 5 MB"}}


@pytest.mark.anyio
async def test_the_response_template_sees_the_functions_error_type(server: Server) -> None:
    answer = await post(server, "{ typedFault missing }")
    assert json.loads(answer["data"]["typedFault"]) == {
        "message": "note 7 is missing",
        "type": "Lambda:Unhandled",
        "unhandledErrorType": "NoteMissingError",
    }
    # A function nothing declares fails as Lambda refuses it.
    [error] = answer["errors"]
    assert (error["path"], error["errorType"]) == (["missing"], "Lambda:ResourceNotFoundException")
    assert error["message"] == (
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing"
    )


@pytest.mark.anyio
async def test_a_function_behind_another_lambda_endpoint(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The other endpoint (another appsync-local here) verifies the signature: botocore signs
    # with the credentials it finds, as it would for `sam local start-lambda`.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    await post(server, 'mutation { putPythonNote(id: "r1", text: "remote") { id } }')
    (tmp_path / "schema.graphql").write_text("type Query { remote(id: ID!): AWSJSON }\n")
    (tmp_path / "appsync.yaml").write_text(
        f"""
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{{id: {KEY}}}]
dataSources:
  - name: Remote
    type: AWS_LAMBDA
    lambdaConfig:
      lambdaFunctionArn: arn:aws:lambda:us-east-1:123456789012:function:python-notes
      endpoint: http://{server.host}:{server.port}
resolvers:
  - {{typeName: Query, fieldName: remote, dataSourceName: Remote}}
"""
    )
    app = build_app(read_appsync_yaml(tmp_path / "appsync.yaml"))
    with running(app, "appsync-local-remote-lambda") as (host, port):
        remote = Server(host, port, app)
        answer = await post(remote, '{ remote(id: "r1") }')
    assert "errors" not in answer, answer
    assert json.loads(answer["data"]["remote"]) == {"id": "r1", "text": "remote", "by": "python"}


@pytest.mark.anyio
async def test_without_nodejs_the_nodejs_functions_are_refused_and_the_rest_serve(
    sdk: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A PATH without node: the functions that need it are refused when the API loads.
    monkeypatch.setenv("PATH", str(tmp_path))
    app = build_app(read_appsync_yaml(API))
    with running(app, "appsync-local-without-node") as (host, port):
        server = Server(host, port, app)
        python = await post(server, '{ pythonFault(kind: "ok") }')
        node = await post(server, '{ nodeFault(kind: "ok") }')
    assert python["data"]["pythonFault"].startswith("ok from ")
    error_type, message = only_error(node)
    assert error_type == "Lambda:InvalidRuntimeException"
    assert message.startswith(
        "Function node-faults (nodejs20.x) cannot run: Node.js was not found on the PATH."
    )
