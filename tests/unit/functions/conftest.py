"""Fixtures of the local Lambda runtime's tests: functions written to disk, a running invoker,
Node.js (required: these tests fail rather than skip where it is missing) and the AWS SDK for
JavaScript directory that scripts/node-deps installs."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import textwrap
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from functions.invoker import FunctionInvoker, InvokerSettings
from functions.model import FunctionSpec, InvokeResult
from tests.conftest import REPO_ROOT

# An execution environment's log stream (Lambda operator guide, "How CloudWatch structures logs").
LOG_STREAM = re.compile(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}")


def write_code(directory: Path, files: Mapping[str, str]) -> Path:
    """Write a function's files (dedented) under `directory` and return it."""
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return directory


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Wait, at most `seconds`, until `condition()` holds: for what happens in another process
    (a file written, a process ended), which no event of this one announces."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 (the condition lives in another process)
            await asyncio.sleep(0.01)


@asynccontextmanager
async def running(
    *specs: FunctionSpec, settings: InvokerSettings | None = None
) -> AsyncIterator[FunctionInvoker]:
    """An invoker with `specs` loaded, stopped when the block ends."""
    async with FunctionInvoker(settings) as invoker:
        for spec in specs:
            invoker.load(spec)
        yield invoker


@pytest.fixture(scope="session")
def node() -> str:
    """Node.js on the PATH. Missing, the Node.js tests fail: scripts/system-deps installs it."""
    found = shutil.which("node")
    if found is None:
        pytest.fail("Node.js is not on the PATH: run scripts/system-deps (it installs nodejs)")
    return found


@pytest.fixture(scope="session")
def aws_sdk_js(node: str) -> Path:
    """The SDK directory with @aws-sdk/client-dynamodb, installed by scripts/node-deps."""
    completed = subprocess.run(
        [str(REPO_ROOT / "scripts" / "node-deps")], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        pytest.fail(f"scripts/node-deps failed:\n{completed.stderr}")
    return REPO_ROOT / ".venv" / "aws-sdk-js"


def check_context(
    context: Mapping[str, object],
    names: Mapping[str, str],
    *,
    request_id: str,
    function_name: str,
    region: str,
    memory_size: int,
    timeout_ms: int,
) -> None:
    """Check a handler's view of its context: `names` maps Lambda's attributes (Python's
    spelling) to the runtime's own (`aws_request_id` -> `awsRequestId` in Node.js)."""

    def field(name: str) -> object:
        return context[names.get(name, name)]

    assert field("aws_request_id") == request_id
    assert field("function_name") == function_name
    assert field("function_version") == "$LATEST"
    assert field("invoked_function_arn") == (
        f"arn:aws:lambda:{region}:123456789012:function:{function_name}"
    )
    # Both runtimes take it from AWS_LAMBDA_FUNCTION_MEMORY_SIZE, a string.
    assert field("memory_limit_in_mb") == str(memory_size)
    assert field("log_group_name") == f"/aws/lambda/{function_name}"
    assert LOG_STREAM.fullmatch(str(field("log_stream_name")))
    remaining = field("remaining")
    assert isinstance(remaining, int)
    assert 0 < remaining <= timeout_ms
    assert field("client_context") is None


async def fails_then_recovers(spec: FunctionSpec, failing_event: bytes) -> InvokeResult:
    """Invoke `spec` (which answers its worker's pid), then with `failing_event` (which ends its
    worker), then again: the last invocation must work, on a new worker. Returns the failure."""
    async with running(spec) as invoker:
        before = await invoker.invoke(spec.name, b"{}")
        failed = await invoker.invoke(spec.name, failing_event)
        after = await invoker.invoke(spec.name, b"{}")
    assert failed.function_error == "Unhandled"
    assert (before.function_error, after.function_error) == (None, None)
    assert after.payload != before.payload
    return failed
