"""Ctrl+C stops `serve` and `stepfunctions` at once while an activity worker long-polls.

An activity worker is nearly always inside GetActivityTask, which waits up to 60 seconds for a
task (API reference, GetActivityTask), and uvicorn lets every open request finish before it
stops. Here the server runs as a user runs it, in its own process, a real boto3 worker polls
it, and SIGINT must end the process well inside the poll, the worker's poll answered as a poll
that found no task is answered (200, no `taskToken`).
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config
from mypy_boto3_stepfunctions import SFNClient

from tests.fixtures.loopback import free_port
from tests.integration.conftest import announcement

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]

# Logged at DEBUG when a GetActivityTask starts waiting (stepfunctions/service/activities.py).
POLLING = "a worker polls for a task"
# How long the test waits for the process to end after SIGINT: a third of the poll's 60 s, so a
# server that waits for the poll to run out fails here.
STOP_BOUND_SECONDS = 20
API = """
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: da2-longpolltestkey0000000000}]
server:
  stepFunctions:
    activities: [worker]
"""
T = TypeVar("T")


def _client(endpoint: str) -> SFNClient:
    client: SFNClient = boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        # Longer than the poll: the answer must come from the stop, not from a client timeout.
        config=Config(read_timeout=70, retries={"max_attempts": 0}),
    )
    return client


@contextmanager
def _running(command: list[str], log: Path) -> Iterator[subprocess.Popen[str]]:
    with (
        log.open("w") as stderr,
        subprocess.Popen(
            [*command, "--log-level", "debug"], stdout=subprocess.PIPE, stderr=stderr, text=True
        ) as process,
    ):
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def _until(check: Callable[[], T | None], what: str) -> T:
    """`check()`'s first answer other than None, within 15 s (a bound, never asserted on)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        answer = check()
        if answer is not None:
            return answer
        time.sleep(0.05)
    raise AssertionError(f"no {what} within 15 s")


def _created_when_listening(client: SFNClient) -> str:
    def created() -> str | None:
        try:
            return client.create_activity(name="worker")["activityArn"]
        except botocore.exceptions.EndpointConnectionError:
            return None

    return _until(created, "Step Functions API")


def _stops_while_polling(
    process: subprocess.Popen[str], client: SFNClient, arn: str, log: Path
) -> None:
    with ThreadPoolExecutor(max_workers=1) as worker:
        poll = worker.submit(client.get_activity_task, activityArn=arn, workerName="w")
        _until(lambda: True if POLLING in log.read_text() else None, "poll on the server")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=STOP_BOUND_SECONDS) == 0
        answer = poll.result(timeout=5)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "taskToken" not in answer


def test_ctrl_c_stops_serve_while_a_worker_long_polls(tmp_path: Path) -> None:
    (tmp_path / "schema.graphql").write_text("type Query { a: String }\n")
    config = tmp_path / "appsync.yaml"
    config.write_text(API)
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(config)]
    with _running([*command, "--port", "0", "--ephemeral"], log) as process:
        endpoint = re.search(r"AWS endpoint: (http://\S+)", announcement(process))
        assert endpoint is not None
        client = _client(endpoint[1])
        [activity] = client.list_activities()["activities"]
        _stops_while_polling(process, client, activity["activityArn"], log)


def test_ctrl_c_stops_the_stepfunctions_command_while_a_worker_long_polls(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "appsync", "stepfunctions", "--port", str(port)]
    with _running(command, log) as process:
        client = _client(f"http://127.0.0.1:{port}")
        _stops_while_polling(process, client, _created_when_listening(client), log)
