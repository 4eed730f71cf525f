"""One worker process: warm reuse, Lambda's init phase, a timeout that kills the process group,
a crash, an oversized response, output attributed to its invocation. Real processes running the
Python runtime (the Node.js runtime's own behaviour is in bootstrap/test_node_runtime.py).

Expected errors: `Sandbox.Timedout` "RequestId: <id> Error: Task timed out after 0.30 seconds",
`Runtime.ExitError` "... Runtime exited with error: exit status 7",
`Function.ResponseSizeTooLarge` (see functions/failures.py for their sources).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from functions.environment import AwsEnvironment, worker_environment
from functions.errors import InitFailedError
from functions.logs import FunctionLog, InvocationLog
from functions.model import FunctionSpec
from functions.runtimes import worker_command
from functions.worker import Invocation, Worker
from tests.unit.functions.conftest import until, write_code

HANDLERS = """
import json, os, subprocess, sys, threading, time

print("loading")

def echo(event, context):
    print("echo", json.dumps(event))
    return {"pid": os.getpid(), "event": event}

def sleepy(event, context):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    with open(event["pidfile"], "w") as f:
        f.write(str(child.pid))
    time.sleep(60)

def crash(event, context):
    print("about to crash", flush=True)
    os._exit(7)

def huge(event, context):
    return "x" * 7_000_000

def announce_then_sleep(event, context):
    open(event["started"], "w").close()
    time.sleep(60)

def leave_later(event, context):
    threading.Timer(0.05, os._exit, (3,)).start()
    return "bye"
"""


def gone(pid: int) -> bool:
    """True once the process has ended (a zombie waiting for its reaper has ended too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, IndexError):
        return True


async def start_python(
    tmp_path: Path,
    handler: str,
    group: asyncio.TaskGroup,
    files: dict[str, str] | None = None,
    *,
    init_timeout: float = 10,
) -> Worker:
    code = write_code(tmp_path / "code", files or {"app.py": HANDLERS})
    spec = FunctionSpec("f", "python3.11", handler, code)
    runtime = spec.parsed_runtime()
    command = worker_command(spec, runtime, node_sdk=None, search_path=None)
    env = worker_environment(spec, runtime, AwsEnvironment(), command.variables)
    return await Worker.start(
        command.argv,
        env,
        code,
        log=FunctionLog("f"),
        memory_size=128,
        init_timeout=init_timeout,
        group=group,
    )


@asynccontextmanager
async def python_worker(tmp_path: Path, handler: str) -> AsyncIterator[Worker]:
    async with asyncio.TaskGroup() as group:
        worker = await start_python(tmp_path, handler, group)
        try:
            yield worker
        finally:
            await worker.stop()


def invocation(request_id: str, event: object) -> Invocation:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    return Invocation(request_id, json.dumps(event).encode(), arn, log=InvocationLog())


def tail_lines(invocation: Invocation) -> list[str]:
    assert invocation.log is not None
    return invocation.log.tail().decode().split("\n")


@pytest.mark.anyio
async def test_a_warm_worker_serves_invocations_in_turn(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="functions.logs"):
        async with python_worker(tmp_path, "app.echo") as worker:
            first = await worker.invoke(invocation("r-1", {"n": 1}), 5)
            second_call = invocation("r-2", {"n": 2})
            second = await worker.invoke(second_call, 5)
            pid = worker.pid
        assert gone(pid)
    assert not first.function_error
    assert json.loads(first.payload) == {"pid": pid, "event": {"n": 1}}
    assert json.loads(second.payload)["pid"] == pid
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0] == "[f] loading"
    assert messages[1:4] == [
        "[f r-1] START RequestId: r-1 Version: $LATEST",
        '[f r-1] echo {"n": 1}',
        "[f r-1] END RequestId: r-1",
    ]
    assert "\tInit Duration: " in messages[4]
    assert "Init Duration" not in messages[8]
    tail = tail_lines(second_call)
    assert tail[:3] == [
        "START RequestId: r-2 Version: $LATEST",
        'echo {"n": 2}',
        "END RequestId: r-2",
    ]
    assert tail[3].startswith("REPORT RequestId: r-2\tDuration: ")


@pytest.mark.anyio
async def test_a_timeout_kills_the_worker_and_what_it_started(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    async with python_worker(tmp_path, "app.sleepy") as worker:
        outcome = await worker.invoke(invocation("r-t", {"pidfile": str(pidfile)}), 0.3)
        assert not worker.alive
        assert gone(worker.pid)
    assert outcome.function_error
    assert json.loads(outcome.payload) == {
        "errorMessage": "RequestId: r-t Error: Task timed out after 0.30 seconds",
        "errorType": "Sandbox.Timedout",
    }
    await until(lambda: gone(int(pidfile.read_text())))


@pytest.mark.anyio
async def test_a_crash_fails_the_invocation_with_the_exit_status(tmp_path: Path) -> None:
    crashing = invocation("r-c", {})
    async with python_worker(tmp_path, "app.crash") as worker:
        outcome = await worker.invoke(crashing, 5)
        assert not worker.alive
    assert json.loads(outcome.payload) == {
        "errorMessage": "RequestId: r-c Error: Runtime exited with error: exit status 7",
        "errorType": "Runtime.ExitError",
    }
    lines = tail_lines(crashing)
    assert lines[1] == "about to crash"
    assert lines[3].endswith("\tStatus: error\tError Type: Runtime.ExitError\t")


@pytest.mark.anyio
async def test_a_response_over_the_quota_is_dropped_and_the_worker_stays(tmp_path: Path) -> None:
    async with python_worker(tmp_path, "app.huge") as worker:
        outcome = await worker.invoke(invocation("r-h", {}), 10)
        assert json.loads(outcome.payload)["errorType"] == "Function.ResponseSizeTooLarge"
        assert outcome.function_error
        assert worker.alive


@pytest.mark.anyio
async def test_a_worker_that_exits_between_invocations_is_no_longer_alive(
    tmp_path: Path,
) -> None:
    async with python_worker(tmp_path, "app.leave_later") as worker:
        outcome = await worker.invoke(invocation("r-l", {}), 5)
        assert outcome.payload == b'"bye"'
        await until(lambda: not worker.alive)


@pytest.mark.anyio
async def test_an_init_failure_is_reported_and_the_process_ends(tmp_path: Path) -> None:
    async with asyncio.TaskGroup() as group:
        with pytest.raises(InitFailedError) as caught:
            await start_python(tmp_path, "app.echo", group, {"app.py": "raise KeyError('x')\n"})
    assert json.loads(caught.value.payload)["errorType"] == "KeyError"
    assert caught.value.error_type == "KeyError"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("module", "error"),
    [
        (
            "import time\ntime.sleep(60)\n",
            {
                "errorMessage": "Error: Task timed out after 0.30 seconds",
                "errorType": "Sandbox.Timedout",
            },
        ),
        (
            "import os\nos._exit(4)\n",
            {
                "errorMessage": "Error: Runtime exited with error: exit status 4",
                "errorType": "Runtime.ExitError",
            },
        ),
    ],
    ids=["init-timeout", "init-exit"],
)
async def test_an_init_phase_that_never_answers_fails_as_the_platform_reports_it(
    tmp_path: Path, module: str, error: dict[str, str]
) -> None:
    async with asyncio.TaskGroup() as group:
        with pytest.raises(InitFailedError) as caught:
            await start_python(tmp_path, "app.echo", group, {"app.py": module}, init_timeout=0.3)
    assert json.loads(caught.value.payload) == error


@pytest.mark.anyio
async def test_a_cancelled_invocation_takes_its_worker_down(tmp_path: Path) -> None:
    started = tmp_path / "started"
    async with python_worker(tmp_path, "app.announce_then_sleep") as worker:
        task = asyncio.create_task(worker.invoke(invocation("r-x", {"started": str(started)}), 30))
        await until(started.exists)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not worker.alive
        await until(lambda: gone(worker.pid))
