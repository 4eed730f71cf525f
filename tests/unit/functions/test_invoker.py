"""The Invoke API over local functions (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html):
status codes 200/202/204 by InvocationType, `FunctionError: Unhandled`, `LogResult` with
`LogType: Tail`, FunctionName as a name, ARN or partial ARN, and the request errors
(ResourceNotFoundException "Function not found: <arn>", InvalidRequestContentException for a
payload that is not JSON, RequestTooLargeException "Request must be smaller than 6291456 bytes
for the InvokeFunction operation"). Loading refuses what CreateFunction refuses, and a Node.js
function where Node.js is missing, without stopping the others.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from pathlib import Path

import pytest

from functions.environment import AwsEnvironment
from functions.errors import (
    InvalidParameterValueError,
    InvalidRequestContentError,
    InvokerClosedError,
    RequestTooLargeError,
    ResourceConflictError,
    ResourceNotFoundError,
    RuntimeUnavailableError,
    TooManyRequestsError,
)
from functions.invoker import FunctionInvoker, InvokerSettings, function_name_of
from functions.model import FunctionSpec, InvocationType, LogType
from functions.node_sdk import NodeSdk
from tests.unit.functions.conftest import running, until, write_code

HANDLERS = """
import os

def echo(event, context):
    print("got", event)
    return {"event": event, "pid": os.getpid()}

def record(event, context):
    with open(event["path"], "w") as f:
        f.write(context.aws_request_id)

def fail(event, context):
    raise ValueError("no thumbnail")

def contexts(event, context):
    client = context.client_context
    return {
        "custom": client and client.custom,
        "env": client and client.env,
        "app_title": client and client.client and client.client.app_title,
        "identity_id": context.identity.cognito_identity_id,
        "pool_id": context.identity.cognito_identity_pool_id,
    }
"""


def python(code: Path, handler: str = "app.echo", name: str = "echo") -> FunctionSpec:
    return FunctionSpec(name, "python3.11", handler, code)


@pytest.fixture
def code(tmp_path: Path) -> Path:
    return write_code(tmp_path / "code", {"app.py": HANDLERS})


@pytest.mark.anyio
async def test_a_synchronous_invocation_answers_the_result(code: Path) -> None:
    async with running(python(code)) as invoker:
        result = await invoker.invoke("echo", b'{"id": "7"}', log_type=LogType.TAIL)
        untailed = await invoker.invoke("echo", b"")
    assert result.status_code == 200
    assert result.function_error is None
    assert result.executed_version == "$LATEST"
    assert json.loads(result.payload)["event"] == {"id": "7"}
    lines = result.log_tail.split("\n")
    assert lines[0] == f"START RequestId: {result.request_id} Version: $LATEST"
    assert lines[1] == "got {'id': '7'}"
    assert lines[2] == f"END RequestId: {result.request_id}"
    assert lines[3].startswith(f"REPORT RequestId: {result.request_id}\tDuration: ")
    assert untailed.log_result is None
    assert json.loads(untailed.payload)["event"] == {}


@pytest.mark.anyio
async def test_dry_run_checks_without_running(code: Path) -> None:
    async with running(python(code)) as invoker:
        result = await invoker.invoke("echo", b"{}", InvocationType.DRY_RUN)
        assert invoker.worker_count("echo") == 0
    assert (result.status_code, result.payload) == (204, b"")


@pytest.mark.anyio
async def test_an_event_invocation_answers_at_once_and_runs_later(
    code: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    async with running(python(code, "app.record", "record")) as invoker:
        result = await invoker.invoke(
            "record", json.dumps({"path": str(marker)}).encode(), InvocationType.EVENT
        )
        assert (result.status_code, result.payload) == (202, b"")
        await until(lambda: marker.exists() and bool(marker.read_text()))
    assert marker.read_text() == result.request_id


@pytest.mark.anyio
async def test_a_failed_event_invocation_is_logged(
    code: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Lambda retries it twice ("How Lambda handles errors and retries with asynchronous
    invocation"); locally it runs once, and its error is logged."""
    with caplog.at_level(logging.WARNING, logger="functions.invoker"):
        async with running(python(code, "app.fail", "fail")) as invoker:
            result = await invoker.invoke("fail", b"{}", InvocationType.EVENT)
            await until(lambda: bool(caplog.records))
    [record] = caplog.records
    message = record.getMessage()
    assert message.startswith(
        f"function fail: asynchronous invocation {result.request_id} failed: "
    )
    assert json.loads(message.split("failed: ", 1)[1])["errorMessage"] == "no thumbnail"


@pytest.mark.anyio
async def test_function_names_arns_and_qualifiers(code: Path) -> None:
    async with running(python(code)) as invoker:
        arn = invoker.function_arn("echo")
        assert arn == "arn:aws:lambda:us-east-1:123456789012:function:echo"
        for name in (arn, f"{arn}:$LATEST", "123456789012:function:echo", "echo:$LATEST"):
            assert (await invoker.invoke(name, b"{}")).status_code == 200
        with pytest.raises(ResourceNotFoundError) as missing:
            await invoker.invoke("nope", b"{}")
        with pytest.raises(ResourceNotFoundError) as qualified:
            await invoker.invoke("echo:prod", b"{}")
    assert missing.value.message == (
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"
    )
    assert (missing.value.code, missing.value.status) == ("ResourceNotFoundException", 404)
    assert qualified.value.message.endswith("function:echo:prod")
    assert function_name_of("arn:aws:lambda:eu-west-1:1:function:f:7") == ("f", "7")


@pytest.mark.anyio
async def test_a_payload_lambda_cannot_take_is_refused(code: Path) -> None:
    async with running(python(code)) as invoker:
        with pytest.raises(InvalidRequestContentError) as not_json:
            await invoker.invoke("echo", b"{not json")
        with pytest.raises(RequestTooLargeError) as too_large:
            await invoker.invoke("echo", b'"' + b"x" * 6_291_456 + b'"')
        for client_context in (
            "not base64!",
            base64.b64encode(b"[1, 2]").decode(),
            base64.b64encode(b'{"custom": "' + b"x" * 3000 + b'"}').decode(),
        ):
            with pytest.raises(InvalidRequestContentError):
                await invoker.invoke("echo", b"{}", client_context=client_context)
        assert invoker.worker_count("echo") == 0
    assert not_json.value.message.startswith(
        "Could not parse request body into json: Could not parse payload into json: "
    )
    assert (not_json.value.code, not_json.value.status) == ("InvalidRequestContentException", 400)
    assert too_large.value.message == (
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    )
    assert (too_large.value.code, too_large.value.status) == ("RequestTooLargeException", 413)


@pytest.mark.anyio
async def test_client_context_and_cognito_identity_reach_the_context(code: Path) -> None:
    client_context = {
        "custom": {"tenant": "t1"},
        "env": {"platform": "ios"},
        "client": {"app_title": "Shop"},
    }
    encoded = base64.b64encode(json.dumps(client_context).encode()).decode()
    identity = {"cognitoIdentityId": "us-east-1:abc", "cognitoIdentityPoolId": "us-east-1:pool"}
    async with running(python(code, "app.contexts", "contexts")) as invoker:
        result = await invoker.invoke(
            "contexts", b"{}", client_context=encoded, cognito_identity=identity
        )
        bare = await invoker.invoke("contexts", b"{}")
    assert json.loads(result.payload) == {
        "custom": {"tenant": "t1"},
        "env": {"platform": "ios"},
        "app_title": "Shop",
        "identity_id": "us-east-1:abc",
        "pool_id": "us-east-1:pool",
    }
    assert json.loads(bare.payload) == {
        "custom": None,
        "env": None,
        "app_title": None,
        "identity_id": None,
        "pool_id": None,
    }


@pytest.mark.anyio
async def test_loading_refuses_what_create_function_refuses(code: Path) -> None:
    async with running(python(code)) as invoker:
        with pytest.raises(ResourceConflictError, match="Function already exist: echo"):
            invoker.load(python(code))
        reserved = FunctionSpec(
            "r", "python3.11", "app.echo", code, environment={"AWS_SESSION_TOKEN": "x"}
        )
        with pytest.raises(InvalidParameterValueError, match="AWS_SESSION_TOKEN"):
            invoker.load(reserved)
        assert invoker.function_names == ["echo"]


@pytest.mark.anyio
async def test_a_node_function_without_node_is_refused_and_the_rest_serve(
    code: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    settings = InvokerSettings(search_path=str(empty))
    async with running(python(code), settings=settings) as invoker:
        with pytest.raises(RuntimeUnavailableError, match=r"Node\.js was not found on the PATH"):
            invoker.load(FunctionSpec("js", "nodejs20.x", "index.handler", code))
        assert invoker.function_names == ["echo"]
        assert (await invoker.invoke("echo", b"{}")).function_error is None


ENDPOINT = """
import os

def endpoint(event, context):
    return os.environ.get("AWS_ENDPOINT_URL")
"""


@pytest.mark.anyio
async def test_the_endpoint_learned_after_loading_reaches_the_next_workers(
    tmp_path: Path,
) -> None:
    code = write_code(tmp_path / "code", {"app.py": ENDPOINT})
    first, second = python(code, "app.endpoint", "first"), python(code, "app.endpoint", "second")
    async with running(first, second) as invoker:
        # A worker started before the server listens has no endpoint, and keeps its environment.
        assert (await invoker.invoke("first", b"{}")).payload == b"null"
        invoker.use_endpoint("http://127.0.0.1:20002")
        assert (await invoker.invoke("second", b"{}")).payload == b'"http://127.0.0.1:20002"'
        assert (await invoker.invoke("first", b"{}")).payload == b"null"
    assert invoker.settings.aws.endpoint_url == "http://127.0.0.1:20002"


@pytest.mark.anyio
async def test_unloading_stops_the_workers_and_a_new_version_serves(
    code: Path, tmp_path: Path
) -> None:
    changed = write_code(tmp_path / "v2", {"app.py": "def echo(event, context):\n    return 2\n"})
    async with running(python(code)) as invoker:
        first = json.loads((await invoker.invoke("echo", b"{}")).payload)
        await invoker.unload("echo")
        with pytest.raises(ResourceNotFoundError):
            invoker.spec("echo")
        invoker.load(python(changed))
        assert (await invoker.invoke("echo", b"{}")).payload == b"2"
    with pytest.raises(ProcessLookupError):
        os.kill(first["pid"], 0)


@pytest.mark.anyio
async def test_shutdown_leaves_no_process_and_no_thread(code: Path, tmp_path: Path) -> None:
    before = set(threading.enumerate())
    invoker = FunctionInvoker(InvokerSettings(aws=AwsEnvironment(region="eu-west-1")))
    async with invoker:
        invoker.load(python(code))
        invoker.load(python(code, "app.echo", "other"))
        pids = [
            json.loads((await invoker.invoke(name, b"{}")).payload)["pid"]
            for name in ("echo", "other")
        ]
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=5)
    assert set(threading.enumerate()) <= before
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(InvokerClosedError):
        await invoker.invoke("echo", b"{}")


@pytest.mark.anyio
async def test_a_missing_sdk_package_names_the_install_command(
    tmp_path: Path, node: str, caplog: pytest.LogCaptureFixture
) -> None:
    source = "import { S3Client } from '@aws-sdk/client-s3';\nexport const handler = () => 1;\n"
    code = write_code(tmp_path / "js", {"index.mjs": source})
    sdk = NodeSdk(tmp_path / "sdk")
    spec = FunctionSpec("uploads", "nodejs20.x", "index.handler", code)
    with caplog.at_level(logging.WARNING, logger="functions.invoker"):
        async with running(spec, settings=InvokerSettings(node_sdk=sdk)) as invoker:
            result = await invoker.invoke("uploads", b"{}")
    assert result.function_error == "Unhandled"
    assert "Cannot find package '@aws-sdk/client-s3'" in result.error()["errorMessage"]
    hints = [record.getMessage() for record in caplog.records]
    assert hints == [
        "Function uploads cannot load @aws-sdk/client-s3, which Lambda's Node.js runtimes "
        f"include: install it for local functions with: {sdk.install_command('@aws-sdk/client-s3')}"
    ]


@pytest.mark.anyio
async def test_event_invocations_past_the_bounds_are_throttled_or_dropped(
    code: Path, caplog: pytest.LogCaptureFixture
) -> None:
    closed = FunctionSpec("closed", "python3.11", "app.echo", code, reserved_concurrency=0)
    settings = InvokerSettings(max_pending_events=1)
    with caplog.at_level(logging.WARNING, logger="functions.invoker"):
        async with running(python(code), closed, settings=settings) as invoker:
            accepted = await invoker.invoke("closed", b"{}", InvocationType.EVENT)
            await until(lambda: bool(caplog.records))
            await invoker.invoke("echo", b"{}", InvocationType.EVENT)
            with pytest.raises(TooManyRequestsError):
                await invoker.invoke("echo", b"{}", InvocationType.EVENT)
    assert accepted.status_code == 202
    assert caplog.records[0].getMessage() == (
        f"function closed: asynchronous invocation {accepted.request_id} not run: Rate Exceeded."
    )


@pytest.mark.anyio
async def test_a_python_runtime_other_than_the_servers_is_noted(
    code: Path, caplog: pytest.LogCaptureFixture
) -> None:
    other = FunctionSpec("later", "python3.99", "app.echo", code)
    with caplog.at_level(logging.INFO, logger="functions.invoker"):
        async with running(other) as invoker:
            assert invoker.spec("later") is other
    assert (
        caplog.records[0]
        .getMessage()
        .startswith("function later (python3.99) runs on the server's Python 3.")
    )
