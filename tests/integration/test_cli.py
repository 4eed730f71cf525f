"""`appsync-local serve` as a user runs it: announces its URLs, keys and the one AWS endpoint
with its credentials, answers, stops on SIGINT or SIGTERM with exit status 0."""

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
import yaml

from tests.conftest import REPO_ROOT
from tests.fixtures.aws_signing import signed_headers
from tests.integration.conftest import BLOG_CONFIG, BLOG_KEY


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_announces_answers_and_stops_cleanly(stop: signal.Signals) -> None:
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(BLOG_CONFIG)]
    with subprocess.Popen(
        [*command, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        _check_serving(process, stop)


def _announcement(process: subprocess.Popen[str]) -> str:
    """What `serve` prints on stdout up to and including its "Press Ctrl+C" line."""
    assert process.stdout is not None
    announced = []
    for line in process.stdout:
        announced.append(line)
        if line.startswith("Press Ctrl+C"):
            break
    return "".join(announced)


def _check_serving(process: subprocess.Popen[str], stop: signal.Signals) -> None:
    try:
        text = _announcement(process)
        match = re.search(r"GraphQL:  (http://127\.0\.0\.1:(\d+)/graphql)", text)
        assert match is not None, text
        url, port = match.group(1), match.group(2)
        assert f"Realtime: ws://127.0.0.1:{port}/graphql/realtime" in text
        assert f"API key:  {BLOG_KEY}" in text
        response = httpx.post(
            url, json={"query": '{ echo(message: "up") }'}, headers={"x-api-key": BLOG_KEY}
        )
        assert response.json() == {"data": {"echo": "up"}}
        process.send_signal(stop)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


TODO_CONFIG = REPO_ROOT / "examples" / "todo" / "appsync.yaml"


def test_serve_prints_the_aws_endpoint_where_boto3_sees_the_seeded_table() -> None:
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(TODO_CONFIG)]
    with subprocess.Popen(
        [*command, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            text = _announcement(process)
            endpoint = re.search(
                r"AWS endpoint: (http://127\.0\.0\.1:\d+)  \(region us-east-1\)\n", text
            )
            graphql = re.search(r"GraphQL:  (http://127\.0\.0\.1:\d+/graphql)", text)
            assert endpoint is not None, text
            assert graphql is not None, text
            assert graphql.group(1) == endpoint.group(1) + "/graphql"
            assert "credentials: access key id testing, secret access key testing\n" in text
            # Only the services the API uses: the todo API has DynamoDB, no Cognito pool.
            assert "    DynamoDB: tables Todo\n" in text
            assert "    Cognito" not in text
            assert "In memory only: embedded data" in text
            client = boto3.client(
                "dynamodb",
                endpoint_url=endpoint.group(1),
                region_name="us-east-1",
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
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
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_serve_stops_when_the_dynamodb_endpoint_port_is_taken(tmp_path: Path) -> None:
    shutil.copytree(TODO_CONFIG.parent, tmp_path, dirs_exist_ok=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = tmp_path / "appsync.yaml"
        definition = yaml.safe_load(config.read_text())
        definition["server"]["dynamodb"]["endpoint"] = {"host": "127.0.0.1", "port": port}
        config.write_text(yaml.safe_dump(definition))
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
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "appsync", "stepfunctions", "--port", str(port)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            assert process.stdout.readline() == (
                f"appsync-local: Step Functions API on http://127.0.0.1:{port}/\n"
            )
            assert process.stdout.readline() == (
                "  credentials: access key id testing, secret access key testing\n"
            )
            url = f"http://127.0.0.1:{port}/"
            unsigned = {"x-amz-target": "AWSStepFunctions.ListStateMachines"}
            refused = _post_when_listening(url, unsigned)
            assert refused == {
                "__type": "MissingAuthenticationTokenException",
                "message": "Request is missing Authentication Token",
            }
            listed = _post_when_listening(
                url, signed_headers("POST", url, "states", b"{}", unsigned)
            )
            assert listed == {"stateMachines": []}
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


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


def _announced_then_stopped(arguments: list[str]) -> tuple[str, str]:
    """`serve ARGUMENTS`' announcement (stdout) and its stderr, once stopped with SIGTERM."""
    command = [sys.executable, "-m", "appsync", "serve", *arguments]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            text = _announcement(process)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == 0
            assert process.stderr is not None
            return text, process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_serve_beyond_loopback_warns_what_is_exposed() -> None:
    arguments = ["--config", str(BLOG_CONFIG), "--host", "0.0.0.0", "--port", "0", "--ephemeral"]
    text, warning = _announced_then_stopped(arguments)
    assert "Data directory: memory only (--ephemeral)" in text
    assert "WARNING: --host 0.0.0.0 is not a loopback address" in warning
    for exposed in ("GraphQL (/graphql)", "realtime (/graphql/realtime)", "DynamoDB",
                    "Step Functions", "Cognito", "S3", "testing"):  # fmt: skip
        assert exposed in warning


def test_serve_names_its_data_directory_and_the_pools_it_signs_for(tmp_path: Path) -> None:
    definition = {
        "name": "pool",
        "schema": str(REPO_ROOT / "tests/integration/apis/auth_whoami/schema.graphql"),
        "authenticationType": "AMAZON_COGNITO_USER_POOLS",
        "userPoolConfig": {"userPoolId": "us-east-1_local", "awsRegion": "us-east-1"},
    }
    config = tmp_path / "appsync.yaml"
    config.write_text(yaml.safe_dump(definition))
    state = tmp_path / "state"
    text, _ = _announced_then_stopped(
        ["--config", str(config), "--port", "0", "--data-dir", str(state)]
    )
    assert f"  Data directory: {state}\n" in text
    assert (
        "    Cognito: user pool us-east-1_local (tokens signed with this installation's key)"
        in text
    )
    assert "    DynamoDB" not in text
