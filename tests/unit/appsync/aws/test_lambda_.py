"""Lambda's Invoke on the AWS endpoint (Lambda API reference, Invoke): a declared function is
answered by the local Lambda runtime, with StatusCode as the HTTP status, the payload as the
body, `X-Amz-Function-Error`, `X-Amz-Log-Result` and `X-Amz-Executed-Version`; a refusal is the
exception's name in `x-amzn-ErrorType` with `{"Type": "User", "message"}` (and `Reason` for a
throttle); every other request (another function, another operation) is moto's."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from appsync.aws.lambda_ import LambdaRoute
from appsync.aws.moto_services import MotoServices
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall, WireProtocol
from appsync.functions_embedded import running
from tests.fixtures.aws_signing import signed_headers
from tests.fixtures.declared_functions import declared_functions

pytestmark = pytest.mark.anyio

CODE = """
def handler(event, context):
    print("handling", event)
    if event.get("fail"):
        raise KeyError("missing")
    return {"got": event}
"""
CALL = ServiceCall("lambda", "lambda", None, WireProtocol.REST_JSON, "us-east-1", True)
HOST = "127.0.0.1:20002"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:echo"


async def lambda_route(
    tmp_path: Path, extra: str = "", more: tuple[str, ...] = ()
) -> AsyncIterator[LambdaRoute]:
    """The route over a declared Python function `echo` (`extra`: more of its properties;
    `more`: more functions), and moto for the rest."""
    echo = "{FunctionName: echo, Runtime: python3.12, Handler: app.handler, CodeUri: code"
    functions = declared_functions(tmp_path, CODE, [f"{echo}{extra}}}", *more])
    moto = MotoServices()
    async with running(functions):
        yield LambdaRoute(functions, moto)
    moto.close()


@pytest.fixture
async def route(tmp_path: Path) -> AsyncIterator[LambdaRoute]:
    async for made in lambda_route(tmp_path):
        yield made


@pytest.fixture
async def throttled(tmp_path: Path) -> AsyncIterator[LambdaRoute]:
    async for made in lambda_route(tmp_path, ", ReservedConcurrentExecutions: 0"):
        yield made


def signed(method: str, path: str, query: str = "", body: bytes = b"", **extra: str) -> AwsRequest:
    """A request signed as botocore signs it (moto reads the region from the signature)."""
    headers = {"host": HOST, **{name.replace("_", "-"): value for name, value in extra.items()}}
    url = f"http://{HOST}{path}" + (f"?{query}" if query else "")
    sent = signed_headers(method, url, "lambda", body, headers)
    return AwsRequest(method, path, query, {k.lower(): v for k, v in sent.items()}, body)


def invoke(name: str, body: bytes = b"{}", query: str = "", **headers: str) -> AwsRequest:
    return signed("POST", f"/2015-03-31/functions/{name}/invocations", query, body, **headers)


def header(response: AwsResponse, name: str) -> str | None:
    return next((value for key, value in response.headers if key == name), None)


async def test_results_errors_and_the_log_tail(route: LambdaRoute) -> None:
    ok = await route.handle(invoke("echo", b'{"id": 7}', x_amz_log_type="Tail"), CALL)
    assert (ok.status, json.loads(ok.body)) == (200, {"got": {"id": 7}})
    assert header(ok, "x-amz-executed-version") == "$LATEST"
    assert header(ok, "x-amz-function-error") is None
    tail = base64.b64decode(header(ok, "x-amz-log-result") or "").decode()
    assert "handling {'id': 7}" in tail
    failed = await route.handle(invoke("echo", b'{"fail": true}'), CALL)
    assert failed.status == 200
    assert header(failed, "x-amz-function-error") == "Unhandled"
    assert json.loads(failed.body)["errorType"] == "KeyError"
    queued = await route.handle(invoke("echo", x_amz_invocation_type="Event"), CALL)
    assert (queued.status, header(queued, "x-amz-executed-version")) == (202, None)
    # The FunctionName in the path is percent-encoded by the SDKs.
    dry = await route.handle(invoke(ARN.replace(":", "%3A"), x_amz_invocation_type="DryRun"), CALL)
    assert (dry.status, dry.body) == (204, b"")


async def test_refusals_are_lambdas_exceptions(throttled: LambdaRoute) -> None:
    # ReservedConcurrentExecutions 0 throttles every synchronous call (Invoke API, Errors).
    refused = await throttled.handle(invoke("echo"), CALL)
    assert refused.status == 429
    assert header(refused, "x-amzn-errortype") == "TooManyRequestsException"
    assert json.loads(refused.body) == {
        "Type": "User",
        "message": "Rate Exceeded.",
        "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
    }
    wrong = await throttled.handle(invoke("echo", x_amz_invocation_type="Soon"), CALL)
    assert (wrong.status, header(wrong, "x-amzn-errortype")) == (
        400,
        "InvalidParameterValueException",
    )
    qualified = await throttled.handle(invoke("echo", query="Qualifier=prod"), CALL)
    assert qualified.status == 404
    assert json.loads(qualified.body)["message"] == f"Function not found: {ARN}:prod"


async def test_other_functions_and_operations_are_motos(route: LambdaRoute) -> None:
    missing = await route.handle(invoke("other"), CALL)
    assert missing.status == 404
    assert "other" in missing.body.decode()
    described = await route.handle(signed("GET", "/2015-03-31/functions/other"), CALL)
    assert described.status == 404
    assert "other" in described.body.decode()


async def test_declared_functions_are_described_and_listed_first(route: LambdaRoute) -> None:
    described = await route.handle(signed("GET", "/2015-03-31/functions/echo"), CALL)
    assert described.status == 200
    assert json.loads(described.body)["Configuration"]["FunctionArn"] == ARN
    by_arn = await route.handle(signed("GET", f"/2015-03-31/functions/{ARN}/configuration"), CALL)
    assert json.loads(by_arn.body)["Handler"] == "app.handler"
    qualified = await route.handle(
        signed("GET", "/2015-03-31/functions/echo", "Qualifier=prod"), CALL
    )
    assert (qualified.status, header(qualified, "x-amzn-errortype")) == (
        404,
        "ResourceNotFoundException",
    )
    first = await route.handle(signed("GET", "/2015-03-31/functions/", "MaxItems=1"), CALL)
    page = json.loads(first.body)
    # The only function there is: no further page.
    assert [item["FunctionName"] for item in page["Functions"]] == ["echo"]
    assert "NextMarker" not in page
    empty = await route.handle(signed("GET", "/2015-03-31/functions/", "MaxItems=0"), CALL)
    assert (empty.status, header(empty, "x-amzn-errortype")) == (400, "ValidationException")
    bad = await route.handle(signed("GET", "/2015-03-31/functions/", "Marker=%21%21"), CALL)
    assert bad.status == 400


async def test_a_declared_function_refused_here_is_described_listed_and_not_run(
    tmp_path: Path,
) -> None:
    """A Java function exists on AWS though it cannot run here: GetFunction and ListFunctions
    describe it as declared, and its Invoke is Lambda's InvalidRuntimeException."""
    java = "{FunctionName: report, Runtime: java21, Handler: a.B::c, CodeUri: code}"
    async for route in lambda_route(tmp_path, more=(java,)):
        described = await route.handle(signed("GET", "/2015-03-31/functions/report"), CALL)
        assert described.status == 200
        configuration = json.loads(described.body)["Configuration"]
        assert (configuration["Runtime"], configuration["Handler"]) == ("java21", "a.B::c")
        assert configuration["FunctionArn"] == ARN.replace("echo", "report")
        alone = await route.handle(
            signed("GET", "/2015-03-31/functions/report/configuration"), CALL
        )
        assert json.loads(alone.body) == configuration
        listed = await route.handle(signed("GET", "/2015-03-31/functions/"), CALL)
        names = [item["FunctionName"] for item in json.loads(listed.body)["Functions"]]
        assert names == ["echo", "report"]
        second = await route.handle(signed("GET", "/2015-03-31/functions/", "MaxItems=1"), CALL)
        marker = json.loads(second.body)["NextMarker"]
        rest = await route.handle(
            signed("GET", "/2015-03-31/functions/", f"MaxItems=1&Marker={marker}"), CALL
        )
        assert [item["FunctionName"] for item in json.loads(rest.body)["Functions"]] == ["report"]
        refused = await route.handle(invoke("report"), CALL)
        assert header(refused, "x-amzn-errortype") == "InvalidRuntimeException"
