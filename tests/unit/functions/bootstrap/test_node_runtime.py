"""Lambda's Node.js runtime in a worker process: CommonJS and ES module handlers, async,
callback and context.succeed/done/fail handlers, the context, errors, the console, crashes,
timeouts, the function's own node_modules and the AWS SDK for JavaScript v3 from the SDK
directory. Compared with AWS's runtime interface client (aws-lambda-nodejs-runtime-interface-
client: UserFunction.js, Runtime.js, CallbackContext.js, InvokeContext.js, Errors.js,
LogPatch.js) and the AWS Lambda developer guide ("Lambda function errors in Node.js": `{"errorType":
err.name, "errorMessage": err.message, "trace": [...]}`; "Define Lambda function handler in
Node.js"). These tests need Node.js: the `node` fixture fails them where it is missing.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from functions.environment import AwsEnvironment, Credentials
from functions.invoker import FunctionInvoker, InvokerSettings
from functions.model import FunctionSpec, InvokeResult, LogType
from functions.node_sdk import NodeSdk
from tests.unit.functions.conftest import (
    check_context,
    fails_then_recovers,
    running,
    write_code,
)

INDEX = """
const leftpad = require('leftpad');

exports.asyncHandler = async (event) => ({ got: event, pid: process.pid });
exports.promise = (event) => Promise.resolve({ promised: event.n });
exports.callback = (event, context, callback) => {
  setTimeout(() => callback(null, { later: event.n }), 5);
};
exports.succeedLater = (event, context) => { setTimeout(() => context.succeed('succeeded'), 5); };
exports.done = (event, context) => context.done(null, { done: true });
exports.syncReturn = () => 5;
exports.failNoArgument = (event, context) => context.fail();
exports.throws = () => { throw new TypeError('no such order'); };
exports.rejects = async () => {
  const error = new Error('order 7 is closed');
  error.name = 'OrderClosed';
  throw error;
};
exports.callbackError = (event, context, callback) => callback(new RangeError('too many'));
exports.callbackString = (event, context, callback) => callback('plain words');
exports.uncaught = (event, context, callback) => {
  if (event.crash) {
    setTimeout(() => { throw new Error('from a timer'); }, 1);
    return;
  }
  callback(null, process.pid);
};
exports.unhandled = async (event) => {
  Promise.reject(new Error('nobody waits'));
  await new Promise(() => {});
};
exports.exits = async (event) => { if (event.exit) { process.exit(2); } return process.pid; };
exports.hangs = async () => new Promise(() => setTimeout(() => {}, 60_000));
exports.bigint = async () => ({ big: 10n });
exports.chatty = async () => {
  console.log('x'.repeat(3_000_000));
  for (let n = 0; n < 10_000; n++) { console.log('line', n); }
  return 'done';
};
exports.logs = async (event) => {
  console.log('two\\nlines');
  console.warn({ a: 1 });
  return 'ok';
};
exports.padded = async (event) => leftpad(event.text, 5);
exports.contextFields = async (event, context) => ({
  awsRequestId: context.awsRequestId,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remaining: context.getRemainingTimeInMillis(),
  clientContext: context.clientContext ?? null,
  identity: context.identity ?? null,
  waits: context.callbackWaitsForEmptyEventLoop,
});
exports.environment = async () => Object.fromEntries(
  ['AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', '_HANDLER', 'AWS_ACCESS_KEY_ID',
   'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL', 'TABLE', '_APPSYNC_LOCAL_WORKER_FD']
    .map((name) => [name, process.env[name] ?? null]).concat([['cwd', process.cwd()]]),
);
exports.nested = { deeper: { handler: async () => 'nested' } };
exports.notAFunction = 42;
"""

SDK_CJS = """
const { DynamoDBClient, ListTablesCommand } = require('@aws-sdk/client-dynamodb');
exports.handler = async () => request(new DynamoDBClient({}), ListTablesCommand);
async function request(client, Command) {
  client.middlewareStack.add((next) => async (args) => {
    const r = args.request;
    const url = `${r.protocol}//${r.hostname}:${r.port}${r.path}`;
    const seen = { url, authorization: r.headers.authorization };
    throw Object.assign(new Error('stop'), { seen });
  }, { step: 'finalizeRequest', priority: 'low' });
  try { await client.send(new Command({})); } catch (error) { return error.seen; }
}
exports.request = request;
"""

SDK_ESM = """
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createRequire } from 'node:module';
const { request } = createRequire(import.meta.url)('./sdk.js');
export const handler = async () => request(new DynamoDBClient({}), ListTablesCommand);
"""

FILES = {
    "index.js": INDEX,
    "esm.mjs": (
        "import pad from 'leftpad';\n"
        "export const handler = async (event) => ({ esm: pad(event.text, 4) });\n"
    ),
    "legacy.cjs": "module.exports.handler = async () => 'cjs';\n",
    "modern/package.json": '{"type": "module"}\n',
    "modern/app.js": "export const handler = async () => 'type module';\n",
    "src/handlers/orders.js": "exports.main = async () => 'deep';\n",
    "node_modules/leftpad/package.json": '{"name": "leftpad", "main": "index.js"}\n',
    "node_modules/leftpad/index.js": (
        "module.exports = (text, width) => String(text).padStart(width, '*');\n"
    ),
    "sdk.js": SDK_CJS,
    "sdk-esm.mjs": SDK_ESM,
    "syntax.js": "exports.handler = async () => {;\n",
}


@pytest.fixture
def code(tmp_path: Path, node: str) -> Path:
    return write_code(tmp_path / "js", FILES).resolve()


def spec(code: Path, handler: str, **changes: Any) -> FunctionSpec:
    name = re.sub(r"[^A-Za-z0-9]", "_", handler)
    return FunctionSpec(name, "nodejs20.x", handler, code, **changes)


async def invoke(
    code: Path,
    handler: str,
    event: object = None,
    *,
    settings: InvokerSettings | None = None,
    **changes: Any,
) -> InvokeResult:
    function = spec(code, handler, **changes)
    async with running(function, settings=settings) as invoker:
        payload = json.dumps({} if event is None else event).encode()
        return await invoker.invoke(function.name, payload, log_type=LogType.TAIL)


async def results(code: Path, *handlers: str) -> dict[str, InvokeResult]:
    functions = [spec(code, handler) for handler in handlers]
    async with running(*functions) as invoker:
        return {
            function.handler: await invoker.invoke(function.name, b'{"n": 3, "text": "ab"}')
            for function in functions
        }


@pytest.mark.anyio
async def test_every_module_kind_and_handler_style_answers(code: Path) -> None:
    answered = await results(
        code,
        "index.promise",
        "index.callback",
        "index.succeedLater",
        "index.done",
        "index.syncReturn",
        "index.padded",
        "index.nested.deeper.handler",
        "esm.handler",
        "legacy.handler",
        "modern/app.handler",
        "src/handlers/orders.main",
    )
    assert {handler: json.loads(result.payload) for handler, result in answered.items()} == {
        "index.promise": {"promised": 3},
        "index.callback": {"later": 3},
        "index.succeedLater": "succeeded",
        "index.done": {"done": True},
        "index.syncReturn": None,
        "index.padded": "***ab",
        "index.nested.deeper.handler": "nested",
        "esm.handler": {"esm": "**ab"},
        "legacy.handler": "cjs",
        "modern/app.handler": "type module",
        "src/handlers/orders.main": "deep",
    }
    assert not any(result.function_error for result in answered.values())


@pytest.mark.anyio
async def test_errors_are_node_error_objects(code: Path) -> None:
    answered = await results(
        code,
        "index.throws",
        "index.rejects",
        "index.callbackError",
        "index.callbackString",
        "index.failNoArgument",
        "index.bigint",
    )
    errors = {handler: result.error() for handler, result in answered.items()}
    assert all(result.function_error == "Unhandled" for result in answered.values())
    assert errors["index.throws"]["errorType"] == "TypeError"
    assert errors["index.throws"]["errorMessage"] == "no such order"
    assert errors["index.throws"]["trace"][0] == "TypeError: no such order"
    assert re.match(
        r"    at exports\.throws \(.*index\.js:\d+:\d+\)", errors["index.throws"]["trace"][1]
    )
    assert (errors["index.rejects"]["errorType"], errors["index.rejects"]["errorMessage"]) == (
        "OrderClosed",
        "order 7 is closed",
    )
    assert errors["index.callbackError"]["errorType"] == "RangeError"
    assert errors["index.callbackString"] == {
        "errorType": "string",
        "errorMessage": "plain words",
        "trace": [],
    }
    assert errors["index.failNoArgument"] == {
        "errorType": "string",
        "errorMessage": "handled",
        "trace": [],
    }
    assert errors["index.bigint"]["errorMessage"] == "Unable to stringify response body"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("handler", "error_type", "message"),
    [
        ("missing.handler", "Runtime.ImportModuleError", "Error: Cannot find module 'missing'"),
        ("index.nope", "Runtime.HandlerNotFound", "index.nope is undefined or not exported"),
        ("index.notAFunction", "Runtime.HandlerNotFound", "index.notAFunction is not a function"),
        ("index", "Runtime.MalformedHandlerName", "Bad handler"),
        (
            "../index.handler",
            "Runtime.MalformedHandlerName",
            "'../index.handler' is not a valid handler name. Use absolute paths when specifying "
            "root directories in handler names.",
        ),
        ("syntax.handler", "Runtime.UserCodeSyntaxError", "SyntaxError: Unexpected end of input"),
    ],
)
async def test_load_errors_are_lambdas(
    code: Path, handler: str, error_type: str, message: str
) -> None:
    error = (await invoke(code, handler)).error()
    assert error["errorType"] == error_type
    assert error["errorMessage"].startswith(message)


@pytest.mark.anyio
async def test_the_context_and_environment_are_lambdas(code: Path) -> None:
    aws = AwsEnvironment(
        region="sa-east-1",
        credentials=Credentials("AKIDNODE", "node-secret"),
        endpoint_url="http://127.0.0.1:4566",
    )
    settings = InvokerSettings(aws=aws)
    fields = await invoke(
        code, "index.contextFields", settings=settings, memory_size=512, timeout=9
    )
    context = json.loads(fields.payload)
    check_context(
        context,
        {
            "aws_request_id": "awsRequestId",
            "function_name": "functionName",
            "function_version": "functionVersion",
            "invoked_function_arn": "invokedFunctionArn",
            "memory_limit_in_mb": "memoryLimitInMB",
            "log_group_name": "logGroupName",
            "log_stream_name": "logStreamName",
            "client_context": "clientContext",
        },
        request_id=fields.request_id,
        function_name="index_contextFields",
        region="sa-east-1",
        memory_size=512,
        timeout_ms=9000,
    )
    assert (context["identity"], context["waits"]) == (None, True)
    environment = await invoke(
        code, "index.environment", settings=settings, environment={"TABLE": "orders"}
    )
    assert json.loads(environment.payload) == {
        "AWS_REGION": "sa-east-1",
        "AWS_EXECUTION_ENV": "AWS_Lambda_nodejs20.x",
        "AWS_LAMBDA_FUNCTION_NAME": "index_environment",
        "_HANDLER": "index.environment",
        "AWS_ACCESS_KEY_ID": "AKIDNODE",
        "AWS_SECRET_ACCESS_KEY": "node-secret",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
        "TABLE": "orders",
        "_APPSYNC_LOCAL_WORKER_FD": None,
        "cwd": str(code),
    }


@pytest.mark.anyio
async def test_console_lines_carry_the_time_request_id_and_level(code: Path) -> None:
    result = await invoke(code, "index.logs")
    lines = result.log_tail.split("\n")
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert re.fullmatch(rf"{stamp}\t{result.request_id}\tINFO\ttwo\rlines", lines[1])
    assert re.fullmatch(rf"{stamp}\t{result.request_id}\tWARN\t\{{ a: 1 \}}", lines[2])


@pytest.mark.anyio
async def test_an_uncaught_exception_fails_the_invocation_and_ends_the_process(
    code: Path,
) -> None:
    crashed = await fails_then_recovers(spec(code, "index.uncaught"), b'{"crash": true}')
    assert (crashed.error()["errorType"], crashed.error()["errorMessage"]) == (
        "Error",
        "from a timer",
    )


@pytest.mark.anyio
async def test_an_unhandled_rejection_fails_the_invocation(code: Path) -> None:
    error = (await invoke(code, "index.unhandled")).error()
    assert error["errorType"] == "Runtime.UnhandledPromiseRejection"
    assert error["errorMessage"] == "Error: nobody waits"


@pytest.mark.anyio
async def test_process_exit_fails_the_invocation_and_the_next_one_works(code: Path) -> None:
    leaving = await fails_then_recovers(spec(code, "index.exits"), b'{"exit": true}')
    assert leaving.error() == {
        "errorMessage": f"RequestId: {leaving.request_id} Error: Runtime exited with error: "
        "exit status 2",
        "errorType": "Runtime.ExitError",
    }


@pytest.mark.anyio
async def test_a_hanging_handler_times_out(code: Path) -> None:
    result = await invoke(code, "index.hangs", timeout=0.5)
    assert result.error() == {
        "errorMessage": f"RequestId: {result.request_id} Error: Task timed out after 0.50 seconds",
        "errorType": "Sandbox.Timedout",
    }
    assert "Status: timeout" in result.log_tail


@pytest.mark.anyio
async def test_megabytes_of_console_output_are_logged_in_bounded_lines(
    code: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="functions.logs"):
        result = await invoke(code, "index.chatty")
    assert result.payload == b'"done"'
    assert len(result.log_tail.encode()) <= 4096
    records = [record.getMessage() for record in caplog.records]
    assert max(len(message) for message in records) < 256 * 1024 + 200
    assert any("\tline 9999" in message for message in records)


@pytest.mark.anyio
async def test_the_sdk_resolves_from_the_sdk_directory_in_both_module_systems(
    code: Path, aws_sdk_js: Path
) -> None:
    aws = AwsEnvironment(region="eu-north-1", endpoint_url="http://127.0.0.1:4566")
    settings = InvokerSettings(aws=aws, node_sdk=NodeSdk(aws_sdk_js))
    async with FunctionInvoker(settings) as invoker:
        for handler in ("sdk.handler", "sdk-esm.handler"):
            invoker.load(spec(code, handler))
        answers = [await invoker.invoke(name, b"{}") for name in ("sdk_handler", "sdk_esm_handler")]
    for answer in answers:
        assert answer.function_error is None, answer.payload
        seen = json.loads(answer.payload)
        assert seen["url"] == "http://127.0.0.1:4566/"
        assert seen["authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
        assert "/eu-north-1/dynamodb/aws4_request" in seen["authorization"]
