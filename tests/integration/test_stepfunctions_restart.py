"""Standard executions survive a SIGKILL of the engine and finish exactly once after a restart.

The engine runs as a real process (`appsync-local stepfunctions --database` on a file in
tmp_path) and is driven by boto3 as users drive AWS. Three executions wait when the process is
killed: one in a Wait state, one on an activity a worker has already taken, one on a
`.waitForTaskToken` task (a nested `states:startExecution` whose child carries the token). After a
restart on the same file the worker and the token holder answer with the tokens they had; every
execution ends SUCCEEDED with its output, and its history enters each state once (issue 7; dg
"Standard vs. Express": Standard workflows run each state exactly once).

No step depends on how long a restart takes. The Wait lasts an hour, so it is still waiting when
the engine stops however loaded the machine is; the engine then starts again under libfaketime
(`faketime`, which scripts/system-deps installs) with its clock two hours ahead, past the Wait's
deadline, so the resumed Wait ends at once, and only if it kept its deadline (entered time +
seconds): a Wait that counted its hour again from the restart would not end during the test.
The engine verifies SigV4 signatures against its own clock, as AWS refuses a request signed more
than 5 minutes away from its time, so the test's boto3 client then signs with the same clock,
two hours ahead (botocore's `get_current_datetime`, patched for the test).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import botocore.utils
import pytest
from botocore.config import Config
from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import REPO_ROOT
from tests.fixtures.loopback import free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]

ROLE = "arn:aws:iam::123456789012:role/sfn"
WAIT_SECONDS = 3600
# libfaketime's relative offset for the engine's clock after a restart: past WAIT_SECONDS.
CLOCK_AHEAD = "+2h"
AHEAD = timedelta(hours=2)


class Engine:
    """`appsync-local stepfunctions --database FILE` in a child process on a fixed port."""

    def __init__(self, database: Path, log: Path) -> None:
        self.database = database
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, clock_ahead: str | None = None) -> None:
        """Start the engine; with `clock_ahead` ("+2h" for libfaketime) its clock runs ahead."""
        command = ["stepfunctions", "--port", str(self.port), "--database", str(self.database)]
        faketime: list[str] = []
        if clock_ahead is not None:
            found = shutil.which("faketime")
            assert found is not None, "faketime is missing: run scripts/system-deps"
            faketime = [found, "-f", clock_ahead]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*faketime, sys.executable, "-m", "appsync", *command],
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
                # faketime runs the engine as its child: signals go to the whole group, or the
                # engine would outlive a killed wrapper.
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the engine exited: {self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the engine did not start listening")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def terminate(self) -> None:
        """SIGTERM: uvicorn shuts down gracefully and the engine cancels its executions."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(20)

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def client(self) -> SFNClient:
        client: SFNClient = boto3.client(
            "stepfunctions",
            endpoint_url=f"http://127.0.0.1:{self.port}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1}, read_timeout=70),
        )
        return client


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    running = Engine(tmp_path / "sfn.db", tmp_path / "engine.log")
    running.start()
    yield running
    running.stop()


def _sign_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """boto3 signs with the restarted engine's clock (CLOCK_AHEAD) from now on."""
    # botocore.auth takes the signing time from botocore.utils.get_current_datetime.
    current: Callable[[], datetime] = getattr(botocore.utils, "get_current_datetime")  # noqa: B009
    monkeypatch.setattr("botocore.auth.get_current_datetime", lambda: current() + AHEAD)


def _until(check: Callable[[], Any], what: str, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _types(sfn: SFNClient, arn: str) -> list[str]:
    return [e["type"] for e in sfn.get_execution_history(executionArn=arn)["events"]]


def _waited(sfn: SFNClient, arn: str) -> timedelta:
    """From WaitStateEntered to WaitStateExited, by the events' timestamps."""
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    stamps = {e["type"]: e["timestamp"] for e in events if e["type"].startswith("WaitState")}
    return stamps["WaitStateExited"] - stamps["WaitStateEntered"]


def _entered(sfn: SFNClient, arn: str) -> list[str]:
    return [
        e["stateEnteredEventDetails"]["name"]
        for e in sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        if e["type"].endswith("StateEntered")
    ]


def _machine(sfn: SFNClient, name: str, definition: dict[str, Any]) -> str:
    created = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE)
    return created["stateMachineArn"]


def test_waiting_executions_finish_exactly_once_after_a_sigkill(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    sfn = engine.client()
    activity = sfn.create_activity(name="restart-queue")["activityArn"]
    waiter = _machine(
        sfn,
        "waiter",
        {
            "StartAt": "Before",
            "States": {
                "Before": {"Type": "Pass", "Result": {"slept": True}, "Next": "Sleep"},
                "Sleep": {"Type": "Wait", "Seconds": WAIT_SECONDS, "Next": "After"},
                "After": {"Type": "Pass", "End": True},
            },
        },
    )
    worker = _machine(
        sfn,
        "worker",
        {
            "StartAt": "Work",
            "States": {"Work": {"Type": "Task", "Resource": activity, "End": True}},
        },
    )
    child = _machine(
        sfn,
        "holder",
        {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 86400, "End": True}}},
    )
    asker = _machine(
        sfn,
        "asker",
        {
            "StartAt": "Ask",
            "States": {
                "Ask": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
                    "Parameters": {
                        "StateMachineArn": child,
                        "Name": "token-holder",
                        "Input": {"token.$": "$$.Task.Token"},
                    },
                    "Next": "Thank",
                },
                "Thank": {"Type": "Pass", "End": True},
            },
        },
    )
    waiting = sfn.start_execution(stateMachineArn=waiter, name="w")["executionArn"]
    working = sfn.start_execution(stateMachineArn=worker, name="a", input='{"job": 1}')[
        "executionArn"
    ]
    asking = sfn.start_execution(stateMachineArn=asker, name="t")["executionArn"]
    task = sfn.get_activity_task(activityArn=activity, workerName="survivor")
    assert json.loads(task["input"]) == {"job": 1}
    holder = child.replace(":stateMachine:", ":execution:") + ":token-holder"
    _until(lambda: "TaskSubmitted" in _types(sfn, asking), "the token task to be submitted")
    token = json.loads(sfn.describe_execution(executionArn=holder)["input"])["token"]
    _until(lambda: "ActivityStarted" in _types(sfn, working), "ActivityStarted")
    assert "WaitStateEntered" in _types(sfn, waiting)

    engine.kill()
    engine.start(clock_ahead=CLOCK_AHEAD)
    _sign_ahead(monkeypatch)
    sfn = engine.client()

    # The Wait's deadline has passed on the restarted clock; the tasks wait for their tokens.
    for arn in (working, asking):
        assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    sfn.send_task_success(taskToken=task["taskToken"], output='{"done": "activity"}')
    sfn.send_task_success(taskToken=token, output='{"done": "token"}')

    def finished(arn: str) -> Callable[[], Any]:
        def check() -> Any:
            described = sfn.describe_execution(executionArn=arn)
            return described if described["status"] != "RUNNING" else None

        return check

    results = {arn: _until(finished(arn), arn) for arn in (waiting, working, asking)}
    outputs = {arn: (r["status"], json.loads(r["output"])) for arn, r in results.items()}
    assert outputs == {
        waiting: ("SUCCEEDED", {"slept": True}),
        working: ("SUCCEEDED", {"done": "activity"}),
        asking: ("SUCCEEDED", {"done": "token"}),
    }
    assert _entered(sfn, waiting) == ["Before", "Sleep", "After"]
    assert _waited(sfn, waiting) >= timedelta(seconds=WAIT_SECONDS)
    assert _entered(sfn, working) == ["Work"]
    assert _entered(sfn, asking) == ["Ask", "Thank"]
    for arn in (waiting, working, asking):
        types = _types(sfn, arn)
        assert (types.count("ExecutionStarted"), types.count("ExecutionSucceeded")) == (1, 1)
    assert _types(sfn, working).count("ActivityStarted") == 1
    # The repeated startExecution call (at least once) found the same child, by name and input.
    listed = sfn.list_executions(stateMachineArn=child)["executions"]
    assert [e["name"] for e in listed] == ["token-holder"]


def test_a_graceful_stop_leaves_waiting_executions_to_the_next_start(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    sfn = engine.client()
    machine = _machine(
        sfn,
        "napper",
        {
            "StartAt": "Nap",
            "States": {
                "Nap": {"Type": "Wait", "Seconds": WAIT_SECONDS, "Next": "Up"},
                "Up": {"Type": "Pass", "Result": "rested", "End": True},
            },
        },
    )
    arn = sfn.start_execution(stateMachineArn=machine, name="nap")["executionArn"]
    _until(lambda: "WaitStateEntered" in _types(sfn, arn), "the Wait state")

    # Restarted before its deadline, the Wait goes on waiting.
    engine.terminate()
    engine.start()
    sfn = engine.client()
    assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    assert "WaitStateExited" not in _types(sfn, arn)

    # Restarted past it, the Wait ends and the execution carries on.
    engine.terminate()
    engine.start(clock_ahead=CLOCK_AHEAD)
    _sign_ahead(monkeypatch)
    sfn = engine.client()

    def done() -> Any:
        described = sfn.describe_execution(executionArn=arn)
        return described if described["status"] != "RUNNING" else None

    described = _until(done, "the resumed execution")
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", "rested")
    assert _entered(sfn, arn) == ["Nap", "Up"]
    assert _waited(sfn, arn) >= timedelta(seconds=WAIT_SECONDS)
