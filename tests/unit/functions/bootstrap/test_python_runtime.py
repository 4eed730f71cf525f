"""Lambda's Python runtime in a worker process: handlers, context, environment, path, errors,
marshalling and logs, compared with AWS's runtime interface client (awslambdaric
`bootstrap.py`, `lambda_context.py`, `lambda_runtime_marshaller.py`) and the AWS Lambda
developer guide ("Lambda function errors in Python": `{"errorMessage", "errorType",
"requestId", "stackTrace"}`; "Working with layers for Python Lambda functions"; "Defined
runtime environment variables").
"""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from functions.environment import AwsEnvironment, Credentials
from functions.invoker import InvokerSettings
from functions.model import FunctionSpec, InvokeResult, LogType
from tests.unit.functions.conftest import (
    check_context,
    fails_then_recovers,
    running,
    write_code,
)

APP = """
import decimal, json, logging, os, sys, time

def context_fields(event, context):
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "client_context": context.client_context,
    }

def environment(event, context):
    names = [
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "_HANDLER",
        "LAMBDA_TASK_ROOT", "TZ", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "TABLE", "_APPSYNC_LOCAL_WORKER_FD",
    ]
    return {name: os.environ.get(name) for name in names} | {"cwd": os.getcwd()}

def fails(event, context):
    helper()

def helper():
    raise ValueError("order 7 is closed")

def not_json(event, context):
    return {"tags": {"a"}}

def numbers(event, context):
    return {"whole": decimal.Decimal("12"), "part": decimal.Decimal("19.99"), "text": "café"}

def raw(event, context):
    return b"not json at all"

def logs(event, context):
    logging.getLogger().warning("stock low")
    print("plain print")
    return callable(exit)

def chatty(event, context):
    print("x" * 3_000_000)
    for number in range(10_000):
        print("line", number)
    return "done"

def leaves(event, context):
    if event.get("exit"):
        sys.exit(3)
    return os.getpid()

def paths(event, context):
    import vendored, layered
    try:
        import starlette
        server = True
    except ImportError:
        server = False
    return {"vendored": vendored.WHERE, "layered": layered.WHERE, "server_packages": server}

def boto3_request(event, context):
    import boto3
    seen = {}
    client = boto3.client("dynamodb")
    def capture(request, **kwargs):
        seen["url"] = request.url
        seen["authorization"] = request.headers["Authorization"].decode()
        raise RuntimeError("stop before sending")
    client.meta.events.register("before-send", capture)
    try:
        client.list_tables()
    except RuntimeError:
        pass
    return seen | {"boto3": boto3.__file__}
"""


def spec(code: Path, handler: str, **changes: Any) -> FunctionSpec:
    name = handler.replace(".", "_").replace("/", "_")
    return FunctionSpec(name, "python3.11", handler, code, **changes)


@pytest.fixture
def code(tmp_path: Path) -> Path:
    files = {"app.py": APP, "vendored/__init__.py": "WHERE = 'code directory'\n"}
    return write_code(tmp_path / "code", files).resolve()


def line_of(path: Path, text: str) -> int:
    return path.read_text().split("\n").index(text) + 1


async def invoke(*specs: FunctionSpec, event: object = None, **settings: Any) -> InvokeResult:
    async with running(*specs, settings=InvokerSettings(**settings)) as invoker:
        payload = json.dumps({} if event is None else event).encode()
        return await invoker.invoke(specs[0].name, payload, log_type=LogType.TAIL)


@pytest.mark.anyio
async def test_the_context_has_lambdas_attributes(code: Path) -> None:
    result = await invoke(spec(code, "app.context_fields", memory_size=256, timeout=20))
    check_context(
        json.loads(result.payload),
        {},
        request_id=result.request_id,
        function_name="app_context_fields",
        region="us-east-1",
        memory_size=256,
        timeout_ms=20_000,
    )


@pytest.mark.anyio
async def test_the_environment_is_lambdas_with_the_callers_credentials(
    code: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "the-servers-own-secret")
    aws = AwsEnvironment(
        region="eu-central-1",
        credentials=Credentials("AKIDTEST", "test-secret", "test-token"),
        endpoint_url="http://127.0.0.1:4566",
    )
    own = spec(code, "app.environment", environment={"TABLE": "orders"})
    env = json.loads((await invoke(own, aws=aws)).payload)
    assert env == {
        "AWS_REGION": "eu-central-1",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
        "AWS_LAMBDA_FUNCTION_NAME": "app_environment",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "_HANDLER": "app.environment",
        "LAMBDA_TASK_ROOT": str(code),
        "TZ": ":UTC",
        "AWS_ACCESS_KEY_ID": "AKIDTEST",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_SESSION_TOKEN": "test-token",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
        "TABLE": "orders",
        "_APPSYNC_LOCAL_WORKER_FD": None,
        "cwd": str(code),
    }


@pytest.mark.anyio
async def test_a_raised_exception_is_the_python_error_object(code: Path) -> None:
    result = await invoke(spec(code, "app.fails"))
    assert result.function_error == "Unhandled"
    error = result.error()
    assert error["errorMessage"] == "order 7 is closed"
    assert error["errorType"] == "ValueError"
    assert error["requestId"] == result.request_id
    calling = line_of(code / "app.py", "    helper()")
    raising = line_of(code / "app.py", '    raise ValueError("order 7 is closed")')
    assert [frame.split("\n")[0] for frame in error["stackTrace"]] == [
        f'  File "{code / "app.py"}", line {calling}, in fails',
        f'  File "{code / "app.py"}", line {raising}, in helper',
    ]
    logged = result.log_tail.split("\n")[1]
    assert logged.startswith("[ERROR] ValueError: order 7 is closed\rTraceback (most recent")
    assert "\r\u00a0\u00a0File" in logged


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("handler", "files", "error_type", "message"),
    [
        (
            "missing.handler",
            {},
            "Runtime.ImportModuleError",
            "Unable to import module 'missing': No module named 'missing'",
        ),
        ("app.nope", {}, "Runtime.HandlerNotFound", "Handler 'nope' missing on module 'app'"),
        (
            "app",
            {},
            "Runtime.MalformedHandlerName",
            "Bad handler 'app': not enough values to unpack (expected 2, got 1)",
        ),
        (
            "sys.exit",
            {},
            "Runtime.BuiltInModuleConflict",
            "Cannot use built-in module sys as a handler module",
        ),
        (
            "broken.handler",
            {"broken.py": "def handler(:\n"},
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module 'broken': invalid syntax (broken.py, line 1)",
        ),
    ],
)
async def test_load_errors_are_lambdas(
    code: Path, handler: str, files: dict[str, str], error_type: str, message: str
) -> None:
    write_code(code, files)
    error = (await invoke(spec(code, handler))).error()
    assert (error["errorType"], error["errorMessage"], error["requestId"]) == (
        error_type,
        message,
        "",
    )


@pytest.mark.anyio
async def test_a_result_json_cannot_carry_is_a_marshal_error(code: Path) -> None:
    error = (await invoke(spec(code, "app.not_json"))).error()
    assert error["errorType"] == "Runtime.MarshalError"
    assert error["errorMessage"] == (
        "Unable to marshal response: Object of type set is not JSON serializable"
    )


@pytest.mark.anyio
async def test_decimals_bytes_and_text_are_marshalled_as_the_runtime_does(code: Path) -> None:
    older = await invoke(spec(code, "app.numbers"))
    assert older.payload == b'{"whole": 12, "part": 19.99, "text": "caf\\u00e9"}'
    newer = await invoke(FunctionSpec("n", "python3.12", "app.numbers", code))
    assert newer.payload == '{"whole": 12, "part": 19.99, "text": "café"}'.encode()
    assert (await invoke(spec(code, "app.raw"))).payload == b"not json at all"


@pytest.mark.anyio
async def test_logging_and_print_reach_the_log(code: Path) -> None:
    result = await invoke(spec(code, "app.logs"))
    assert result.payload == b"true"
    lines = result.log_tail.split("\n")
    assert re.fullmatch(
        rf"\[WARNING\]\t\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t{result.request_id}\tstock low",
        lines[1],
    )
    assert lines[2] == "plain print"


@pytest.mark.anyio
async def test_megabytes_of_output_are_logged_in_bounded_lines(
    code: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="functions.logs"):
        result = await invoke(spec(code, "app.chatty"))
    assert result.payload == b'"done"'
    assert len(result.log_tail.encode()) <= 4096
    assert "line 9999" in result.log_tail
    records = [record.getMessage() for record in caplog.records]
    assert max(len(message) for message in records) < 256 * 1024 + 200
    assert sum(message.count("x") for message in records) >= 3_000_000


@pytest.mark.anyio
async def test_sys_exit_fails_the_invocation_and_the_next_one_works(code: Path) -> None:
    leaving = await fails_then_recovers(spec(code, "app.leaves"), b'{"exit": true}')
    assert leaving.error() == {
        "errorMessage": f"RequestId: {leaving.request_id} Error: Runtime exited with error: "
        "exit status 3",
        "errorType": "Runtime.ExitError",
    }


@pytest.mark.anyio
async def test_code_then_layers_then_boto3_are_on_the_path(code: Path, tmp_path: Path) -> None:
    first = write_code(tmp_path / "first", {"python/layered.py": "WHERE = 'first layer'\n"})
    second = write_code(
        tmp_path / "second",
        {"python/lib/python3.11/site-packages/layered.py": "WHERE = 'second layer'\n"},
    )
    result = await invoke(spec(code, "app.paths", layers=(first, second)))
    assert json.loads(result.payload) == {
        "vendored": "code directory",
        "layered": "second layer",
        "server_packages": False,
    }


@pytest.mark.anyio
async def test_boto3_reaches_the_endpoint_with_the_test_credentials(code: Path) -> None:
    aws = AwsEnvironment(region="ap-south-1", endpoint_url="http://127.0.0.1:9999")
    seen = json.loads((await invoke(spec(code, "app.boto3_request"), aws=aws)).payload)
    assert seen["url"] == "http://127.0.0.1:9999/"
    assert seen["authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/ap-south-1/dynamodb/aws4_request" in seen["authorization"]
    assert boto3.__file__ is not None
    assert Path(seen["boto3"]).parent.parent == Path(boto3.__file__).parent.parent


@pytest.mark.anyio
async def test_a_nested_handler_path_and_a_named_interpreter(code: Path) -> None:
    write_code(code, {"src/handlers/orders.py": "def main(event, context):\n    return 'nested'\n"})
    assert (await invoke(spec(code, "src/handlers/orders.main"))).payload == b'"nested"'
    own = spec(code, "app.paths", python_executable=Path(sys.executable))
    write_code(code, {"layered.py": "WHERE = 'code'\n"})
    assert json.loads((await invoke(own)).payload)["server_packages"] is True
