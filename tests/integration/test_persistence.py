"""Data that survives restarts: what the server answered is there after a SIGKILL.

`appsync-local serve --data-dir DIR` runs as a real process (the to-do example copied to
tmp_path, with a Step Functions state machine added). A mutation, boto3 writes on the AWS
endpoint (DynamoDB and Step Functions) are answered; the process is killed with SIGKILL at once,
with no chance to flush anything; a new process on the same folder answers with every
acknowledged write (issue 17: "Kill the server with SIGKILL right after a mutation's answer;
restart; the item is there"). Seeds load when a table is first created, not on every start;
`appsync-local reset` empties the folder (keeping the Cognito key) and refuses while a server
holds it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO_ROOT
from tests.integration.server_process import ServerProcess, serve_kept

pytestmark = pytest.mark.timeout(120)

TODO = REPO_ROOT / "examples" / "todo"
TODO_KEY = "da2-localtodoexamplekey000000"
STATE_MACHINES = """
  stepFunctions:
    stateMachines:
      - {name: waiting, definition: waiting.asl.json}
      - {name: passing, definition: passing.asl.json}
"""
# Waits an hour: still RUNNING whenever the process is killed.
WAITING = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 3600, "End": True}}}
PASSING = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:"


@pytest.fixture
def api(tmp_path: Path) -> Path:
    folder = tmp_path / "todo"
    # Not the data directory a server run on the example itself may have left in the clone.
    shutil.copytree(TODO, folder, ignore=shutil.ignore_patterns(".appsync-local"))
    config = folder / "appsync.yaml"
    config.write_text(config.read_text() + STATE_MACHINES)
    (folder / "waiting.asl.json").write_text(json.dumps(WAITING))
    (folder / "passing.asl.json").write_text(json.dumps(PASSING))
    return config


def _graphql(server: ServerProcess, query: str) -> dict[str, Any]:
    answer = httpx.post(server.url, json={"query": query}, headers={"x-api-key": TODO_KEY})
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    return body


@pytest.mark.parametrize("flags", [(), ("--fsync",)], ids=["default", "fsync"])
def test_acknowledged_writes_survive_a_sigkill(
    api: Path, tmp_path: Path, flags: tuple[str, ...]
) -> None:
    data = tmp_path / "state"
    with serve_kept(api, data, tmp_path / "first", *flags) as server:
        _graphql(server, 'mutation { createTodo(input: {id: "k1", name: "kept"}) { id } }')
        _graphql(server, 'mutation { deleteTodo(input: {id: "t1"}) { id } }')
        dynamodb = server.client("dynamodb")
        dynamodb.create_table(
            TableName="Notes",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.put_item(TableName="Notes", Item={"id": {"S": "n1"}, "text": {"S": "boto3"}})
        states = server.client("stepfunctions")
        waiting = states.start_execution(
            stateMachineArn=MACHINE_ARN + "waiting", name="kept", input='{"order": 7}'
        )
        stopped = states.start_execution(stateMachineArn=MACHINE_ARN + "waiting", name="stopped")
        states.stop_execution(executionArn=stopped["executionArn"], error="Enough")
        server.killed()
    with serve_kept(api, data, tmp_path / "second") as server:
        todos = _graphql(server, "{ listTodos { items { id name } } }")["data"]["listTodos"]
        ids = sorted(item["id"] for item in todos["items"])
        # The seed loaded once, at the table's creation: t1 stays deleted, t2 stays.
        assert ids == ["k1", "t2"]
        item = server.client("dynamodb").get_item(TableName="Notes", Key={"id": {"S": "n1"}})
        assert item["Item"] == {"id": {"S": "n1"}, "text": {"S": "boto3"}}
        execution = server.client("stepfunctions").describe_execution(
            executionArn=waiting["executionArn"]
        )
        assert (execution["name"], execution["status"]) == ("kept", "RUNNING")
        assert json.loads(execution["input"]) == {"order": 7}
        ended = server.client("stepfunctions").describe_execution(
            executionArn=stopped["executionArn"]
        )
        assert (ended["status"], ended["error"]) == ("ABORTED", "Enough")
        assert "restored 2 table(s)" in server.log()


def test_a_finished_execution_is_read_back_finished(api: Path, tmp_path: Path) -> None:
    data = tmp_path / "state"
    with serve_kept(api, data, tmp_path / "first") as server:
        states = server.client("stepfunctions")
        started = states.start_execution(stateMachineArn=MACHINE_ARN + "passing", input="{}")
        arn = started["executionArn"]
        _until(lambda: states.describe_execution(executionArn=arn)["status"] == "SUCCEEDED")
        server.killed()
    with serve_kept(api, data, tmp_path / "second") as server:
        described = server.client("stepfunctions").describe_execution(executionArn=arn)
        assert described["status"] == "SUCCEEDED"
        history = server.client("stepfunctions").get_execution_history(executionArn=arn)
        kinds = [event["type"] for event in history["events"]]
        assert kinds[0] == "ExecutionStarted"
        assert kinds[-1] == "ExecutionSucceeded"


def _until(done: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "not done in time"
        time.sleep(0.05)


def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "appsync", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
    )


def test_a_held_data_directory_refuses_a_second_server_and_reset(api: Path, tmp_path: Path) -> None:
    data = tmp_path / "state"
    with serve_kept(api, data, tmp_path / "first") as server:
        second = _cli("serve", "--config", str(api), "--port", "0", "--data-dir", str(data))
        assert second.returncode == 1
        assert second.stderr.endswith(
            f"appsync-local: 1 problem(s):\n  appsync-local serve: --data-dir: {data} is in use "
            f"by another appsync-local (process {server.pid})\n"
        ), second.stderr
        refused = _cli("reset", "--data-dir", str(data))
        assert refused.returncode == 1
        assert refused.stderr == (
            f"appsync-local: {data} is in use by another appsync-local (process {server.pid}); "
            "stop it first\n"
        )
        # Still serving, with its data.
        _graphql(server, 'mutation { createTodo(input: {id: "k1", name: "kept"}) { id } }')


def test_reset_empties_the_data_and_keeps_the_cognito_key(api: Path, tmp_path: Path) -> None:
    data = tmp_path / "state"
    with serve_kept(api, data, tmp_path / "first") as server:
        _graphql(server, 'mutation { createTodo(input: {id: "k1", name: "kept"}) { id } }')
        _graphql(server, 'mutation { deleteTodo(input: {id: "t1"}) { id } }')
    (data / "cognito-signing-key.json").write_text("{}")  # stands for the installation's key
    reset = _cli("reset", "--data-dir", str(data))
    assert reset.returncode == 0, reset.stderr
    assert reset.stdout.startswith(f"appsync-local: {data}: deleted dynamodb.sqlite, ")
    assert sorted(path.name for path in data.iterdir()) == [
        ".gitignore",
        "cognito-signing-key.json",
        # The console's token, like the key, is the installation's, not data (README, reset).
        "console-token",
        "lock",
    ]
    with serve_kept(api, data, tmp_path / "second") as server:
        todos = _graphql(server, "{ listTodos { items { id } } }")["data"]["listTodos"]
        # A new table again: seeded again.
        assert sorted(item["id"] for item in todos["items"]) == ["t1", "t2"]
    again = _cli("reset", "--config", str(api), "--data-dir", str(data))
    assert again.returncode == 0
    beside = _cli("reset", "--config", str(api))
    assert beside.stdout == f"appsync-local: {api.parent / '.appsync-local'}: no data to delete\n"
