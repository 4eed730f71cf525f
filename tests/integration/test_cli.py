"""`appsync-local serve` as a user runs it: announces its URLs, keys and the embedded DynamoDB
endpoint, answers, stops on SIGINT or SIGTERM with exit status 0."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import httpx
import pytest

from tests.conftest import REPO_ROOT
from tests.fixtures.loopback import free_port
from tests.integration.conftest import BLOG_CONFIG, BLOG_KEY, announcement, stopped_cleanly


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_announces_answers_and_stops_cleanly(stop: signal.Signals) -> None:
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(BLOG_CONFIG)]
    with stopped_cleanly([*command, "--port", "0"], stop=stop) as process:
        _check_serving(process)


def _check_serving(process: subprocess.Popen[str]) -> None:
    text = announcement(process)
    match = re.search(r"GraphQL:  (http://127\.0\.0\.1:(\d+)/graphql)", text)
    assert match is not None, text
    url, port = match.group(1), match.group(2)
    assert f"Realtime: ws://127.0.0.1:{port}/graphql/realtime" in text
    assert f"Console:  http://127.0.0.1:{port}/console/" in text
    assert f"API key:  {BLOG_KEY}" in text
    response = httpx.post(
        url, json={"query": '{ echo(message: "up") }'}, headers={"x-api-key": BLOG_KEY}
    )
    assert response.json() == {"data": {"echo": "up"}}


TODO_CONFIG = REPO_ROOT / "examples" / "todo" / "appsync.yaml"


def test_serve_prints_the_dynamodb_endpoint_where_boto3_sees_the_seeded_table() -> None:
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(TODO_CONFIG)]
    with stopped_cleanly([*command, "--port", "0"]) as process:
        text = announcement(process)
        endpoint = re.search(r"DynamoDB endpoint: (http://127\.0\.0\.1:\d+)\n", text)
        graphql = re.search(r"GraphQL:  (http://127\.0\.0\.1:\d+/graphql)", text)
        assert endpoint is not None, text
        assert graphql is not None, text
        client = boto3.client(
            "dynamodb",
            endpoint_url=endpoint.group(1),
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        # examples/todo/data/todos.json, loaded at start into the declared table.
        scanned = client.scan(TableName="Todo")
        assert sorted(item["id"]["S"] for item in scanned["Items"]) == ["t1", "t2"]
        answer = httpx.post(
            graphql.group(1),
            json={"query": '{ getTodo(id: "t2") { name done } }'},
            headers={"x-api-key": "da2-localtodoexamplekey000000"},
        )
        assert answer.json() == {
            "data": {"getTodo": {"name": "Write the mapping templates", "done": False}}
        }


def test_serve_stops_when_the_dynamodb_endpoint_port_is_taken(tmp_path: Path) -> None:
    shutil.copytree(TODO_CONFIG.parent, tmp_path, dirs_exist_ok=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = tmp_path / "appsync.yaml"
        text = config.read_text().replace("port: 0}", f"port: {port}}}")
        assert f"port: {port}" in text
        config.write_text(text)
        completed = subprocess.run(
            [sys.executable, "-m", "appsync", "serve", "--config", str(config), "--port", "0"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert completed.returncode == 1
    assert (
        f"cannot serve the embedded DynamoDB on 127.0.0.1:{port}: Address already in use"
        in completed.stderr
    )
    assert "Press Ctrl+C" not in completed.stdout


def test_serve_refuses_a_broken_definition() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "appsync", "serve", "--config", "/nonexistent/appsync.yaml"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert completed.returncode == 1
    assert "cannot read" in completed.stderr


def test_stepfunctions_subcommand_serves_the_api_alone() -> None:
    port = free_port()
    command = [sys.executable, "-m", "appsync", "stepfunctions", "--port", str(port)]
    with stopped_cleanly(command) as process:
        assert process.stdout is not None
        assert process.stdout.readline() == (
            f"appsync-local: Step Functions API on http://127.0.0.1:{port}/\n"
        )
        listed = _post_when_listening(
            f"http://127.0.0.1:{port}/",
            {"x-amz-target": "AWSStepFunctions.ListStateMachines"},
        )
        assert listed == {"stateMachines": []}


def _post_when_listening(url: str, headers: dict[str, str]) -> object:
    deadline = time.monotonic() + 15
    while True:
        try:
            response = httpx.post(
                url,
                content=b"{}",
                headers={**headers, "content-type": "application/x-amz-json-1.0"},
            )
            return response.json()
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
