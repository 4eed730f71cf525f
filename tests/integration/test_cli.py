"""`appsync-local serve` as a user runs it: announces its URLs, keys and the one AWS endpoint
with its credentials, answers, stops on SIGINT or SIGTERM with exit status 0."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import boto3
import httpx
import pytest
import yaml

from appsync.api_log import api_id
from tests.conftest import REPO_ROOT
from tests.fixtures.aws_signing import signed_headers
from tests.fixtures.echo_api import echo_api
from tests.fixtures.loopback import free_port, post_when_listening
from tests.integration.conftest import BLOG_CONFIG, BLOG_KEY, announcement, stopped_cleanly


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_announces_answers_and_stops_cleanly(stop: signal.Signals) -> None:
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(BLOG_CONFIG)]
    with stopped_cleanly([*command, "--port", "0", "--ephemeral"], stop=stop) as process:
        _check_serving(process)


def _check_serving(process: subprocess.Popen[str]) -> None:
    text = announcement(process)
    match = re.search(r"GraphQL:  (http://127\.0\.0\.1:(\d+)/graphql)", text)
    assert match is not None, text
    url, port = match.group(1), match.group(2)
    assert f"Realtime: ws://127.0.0.1:{port}/graphql/realtime" in text
    assert f"Console:  http://127.0.0.1:{port}/console/" in text
    assert f"Metrics:  http://127.0.0.1:{port}/metrics  (API id {api_id('blog')})" in text
    assert f"API key:  {BLOG_KEY}" in text
    response = httpx.post(
        url, json={"query": '{ echo(message: "up") }'}, headers={"x-api-key": BLOG_KEY}
    )
    assert response.json() == {"data": {"echo": "up"}}
    # The console API takes the token the banner shows.
    token = re.search(r"console API token: (\S+)", text)
    assert token is not None, text
    console = f"http://127.0.0.1:{port}/console/graphql"
    query = {"query": "{ server { version } }"}
    refused = httpx.post(console, json=query)
    assert refused.status_code == 401
    answered = httpx.post(console, json=query, headers={"authorization": f"Bearer {token[1]}"})
    assert answered.json()["data"]["server"]["version"]


TODO_CONFIG = REPO_ROOT / "examples" / "todo" / "appsync.yaml"

# The banners README.md shows: fenced blocks that start with `serve`'s first line.
README_BANNERS = re.findall(
    r"^```\n(appsync-local: serving .*?)^```$", (REPO_ROOT / "README.md").read_text(), re.M | re.S
)


def test_the_readme_shows_the_banners_of_its_examples() -> None:
    assert len(README_BANNERS) >= 2


@pytest.mark.parametrize("shown", README_BANNERS, ids=lambda text: text.split("'")[1])
def test_the_readmes_banner_is_what_serve_prints(shown: str, tmp_path: Path) -> None:
    """What the README says `serve` prints is what it prints, the port, the clone's path and the
    console token aside: the README shows port 20002, `...` for the folder of the clone and
    `<token>` for the installation's console token. The server keeps its data in tmp_path, not
    in the clone, and the README shows the default folder there."""
    match = re.match(r"appsync-local: serving '\w+' from \.\.\./(\S+)\n", shown)
    assert match is not None, shown
    config = REPO_ROOT / match[1]
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(config)]
    with stopped_cleanly([*command, "--port", "0", "--data-dir", str(tmp_path)]) as process:
        printed = announcement(process)
    port = re.search(r"GraphQL:  http://127\.0\.0\.1:(\d+)/", printed)
    assert port is not None, printed
    printed = printed.replace(str(tmp_path), str(config.parent / ".appsync-local"))
    printed = re.sub(r"(console API token: )\S+", r"\g<1><token>", printed)
    assert printed.replace(f":{port[1]}", ":20002").replace(str(REPO_ROOT), "...") == shown


def test_serve_prints_the_aws_endpoint_where_boto3_sees_the_seeded_table() -> None:
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(TODO_CONFIG)]
    with stopped_cleanly([*command, "--port", "0", "--ephemeral"]) as process:
        text = announcement(process)
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


HEAD = """
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: da2-startfailureskey000000}]
"""
TABLE = """
      - TableName: Post
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        BillingMode: PAY_PER_REQUEST
"""
SEEDED = f"{HEAD}server:\n  dynamodb:\n    tables:{TABLE}        seed: seed.json\n"


@dataclass(frozen=True)
class StartFailure:
    """A definition `validate` passes whose start fails: its files, the flags of `serve`, and
    the problem `serve` reports (`{port}` is a port held taken while it runs)."""

    definition: str
    problem: str
    files: dict[str, str] = field(default_factory=dict)
    flags: tuple[str, ...] = ()


STATE_MACHINE = """
server:
  stepFunctions:
    stateMachines: [{name: orders, definition: orders.asl.json}]
"""
START_FAILURES = {
    "a seed item without its key": StartFailure(
        SEEDED,
        "server.dynamodb.tables[0].seed: item 1 was not loaded into Post: ValidationException: "
        "One or more parameter values were invalid: Missing the key id in the item",
        {"seed.json": '[{"id": "p1"}, {"title": "no id"}]'},
    ),
    "a table DynamoDB refuses": StartFailure(
        HEAD
        + "server:\n  dynamodb:\n    tables:"
        + TABLE.replace(
            "AttributeType: S}]", "AttributeType: S}, {AttributeName: x, AttributeType: S}]"
        ),
        "server.dynamodb.tables[0]: CreateTable Post was refused: ValidationException: One or "
        "more parameter values were invalid: Number of attributes in KeySchema does not exactly "
        "match number of attributes defined in AttributeDefinitions",
    ),
    "the embedded DynamoDB's port taken": StartFailure(
        f"{HEAD}server:\n  dynamodb:\n    endpoint: {{port: {{port}}}}\n    tables:{TABLE}",
        "server.dynamodb.endpoint: cannot serve the embedded DynamoDB on 127.0.0.1:{port}: "
        "Address already in use",
    ),
    "the GraphQL port taken": StartFailure(
        HEAD,
        "appsync-local serve: --port: cannot listen on 127.0.0.1:{port}: Address already in use",
        flags=("--port", "{port}", "--ephemeral"),
    ),
    "a DynamoDB endpoint that does not answer": StartFailure(
        HEAD
        + "dataSources:\n  - name: Posts\n    type: AMAZON_DYNAMODB\n"
        + "    dynamodbConfig: {tableName: Post, endpoint: 'http://127.0.0.1:{closed}'}\n"
        + "server:\n  dynamodb:\n    tables:"
        + TABLE,
        "dataSources[0].dynamodbConfig.endpoint: DynamoDB at http://127.0.0.1:{closed} did not "
        "answer: EndpointConnectionError: Could not connect to the endpoint URL: "
        '"http://127.0.0.1:{closed}/"',
    ),
    "a certificate that is not one": StartFailure(
        f"{HEAD}server:\n  tls: {{certFile: cert.pem, keyFile: key.pem}}\n",
        "server.tls: cannot use {folder}/cert.pem with {folder}/key.pem: ",
        {"cert.pem": "not a certificate\n", "key.pem": "not a key\n"},
    ),
}


def test_a_state_machine_the_engine_refuses_is_found_by_validate(tmp_path: Path) -> None:
    # Once found only at the start, when the engine refused it; now `validate` says it too.
    (tmp_path / "schema.graphql").write_text("type Query { a: String }\n")
    (tmp_path / "orders.asl.json").write_text('{"StartAt": "Missing", "States": {}}')
    config = tmp_path / "appsync.yaml"
    config.write_text(HEAD + STATE_MACHINE)
    base = [sys.executable, "-m", "appsync"]
    for command in (["validate"], ["serve", "--port", "0"]):
        done = subprocess.run(
            [*base, *command, "--config", str(config)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 1
        assert "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith(
            f"appsync-local: 1 problem(s):\n  {config}: "
            "server.stepFunctions.stateMachines[0].definition: InvalidDefinition: "
        ), done.stderr


@pytest.mark.parametrize("failure", START_FAILURES.values(), ids=list(START_FAILURES))
def test_what_fails_only_at_start_is_reported_as_validate_reports(
    failure: StartFailure, tmp_path: Path
) -> None:
    with socket.socket() as taken, socket.socket() as closed:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        values = {
            "port": str(taken.getsockname()[1]),
            "closed": str(closed.getsockname()[1]),
            "folder": str(tmp_path),
        }

        def filled(text: str) -> str:
            for name, value in values.items():
                text = text.replace("{" + name + "}", value)
            return text

        (tmp_path / "schema.graphql").write_text("type Query { a: String }\n")
        for name, text in failure.files.items():
            (tmp_path / name).write_text(text)
        config = tmp_path / "appsync.yaml"
        config.write_text(filled(failure.definition))
        base = [sys.executable, "-m", "appsync"]
        validated = subprocess.run(
            [*base, "validate", "--config", str(config)], capture_output=True, text=True, timeout=60
        )
        assert validated.returncode == 0, validated.stderr
        flags = [filled(flag) for flag in failure.flags] or ["--port", "0", "--ephemeral"]
        served = subprocess.run(
            [*base, "serve", "--config", str(config), *flags],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert served.returncode == 1
    assert "Traceback" not in served.stderr, served.stderr
    assert "Press Ctrl+C" not in served.stdout
    report = served.stderr[served.stderr.index("appsync-local: 1 problem(s):\n") :]
    where = "" if failure.problem.startswith("appsync-local serve:") else f"{config}: "
    assert report.startswith(f"appsync-local: 1 problem(s):\n  {where}{filled(failure.problem)}")


def test_serve_refuses_a_broken_definition() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "appsync", "serve", "--config", "/nonexistent/appsync.yaml"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert completed.returncode == 1
    assert "cannot read" in completed.stderr


def test_serve_in_a_folder_without_a_definition_says_how_to_name_one(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "appsync", "serve"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert f"no appsync.yaml in {tmp_path}" in completed.stderr
    assert "appsync-local serve --config path/to/appsync.yaml" in completed.stderr
    assert completed.stdout == ""


def test_version_is_the_installed_distributions() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "appsync", "--version"], capture_output=True, text=True, timeout=30
    )
    assert completed.returncode == 0
    assert completed.stdout == f"appsync-local {version('appsync-local')}\n"


def test_stepfunctions_subcommand_serves_the_api_alone() -> None:
    port = free_port()
    command = [sys.executable, "-m", "appsync", "stepfunctions", "--port", str(port)]
    with stopped_cleanly(command) as process:
        assert process.stdout is not None
        assert process.stdout.readline() == (
            f"appsync-local: Step Functions API on http://127.0.0.1:{port}/\n"
        )
        assert process.stdout.readline() == (
            "  credentials: access key id testing, secret access key testing\n"
        )
        assert process.stdout.readline() == f"  Console:  http://127.0.0.1:{port}/console/\n"
        token = re.match(r"    console API token: (\S+)  ", process.stdout.readline())
        assert token is not None
        url = f"http://127.0.0.1:{port}/"
        unsigned = {"x-amz-target": "AWSStepFunctions.ListStateMachines"}
        refused = post_when_listening(url, unsigned)
        assert refused == {
            "__type": "MissingAuthenticationTokenException",
            "message": "Request is missing Authentication Token",
        }
        listed = post_when_listening(url, signed_headers("POST", url, "states", b"{}", unsigned))
        assert listed == {"stateMachines": []}
        # Its console: the Step Functions pages and their part of the console API.
        config = httpx.get(f"{url}console/config.json").json()
        assert (config["sections"], config["consoleToken"]) == (["stepfunctions"], token[1])
        assert config["endpoints"]["graphql"] is None
        console = httpx.post(
            f"{url}console/graphql",
            json={"query": "{ listStateMachines(input: {}) { stateMachines { name } } }"},
            headers={"authorization": f"Bearer {token[1]}"},
        )
        assert console.json() == {"data": {"listStateMachines": {"stateMachines": []}}}
        page = httpx.get(f"{url}console/")
        assert page.status_code == 200
        assert '<div id="root">' in page.text


def test_serve_reloads_a_change_made_once_its_banner_is_printed(tmp_path: Path) -> None:
    """The reload watcher registers its watches once `serve` listens, before the banner."""
    config = echo_api(tmp_path, "ctx.args['message']", BLOG_KEY)
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(config)]
    with stopped_cleanly([*command, "--port", "0", "--ephemeral"]) as process:
        text = announcement(process)
        echo_api(tmp_path, "ctx.args['message'].upper()", BLOG_KEY)
        match = re.search(r"GraphQL:  (http://127\.0\.0\.1:\d+/graphql)", text)
        assert match is not None, text
        assert process.stdout is not None
        # `serve` says so on its standard output once the new API serves.
        for line in process.stdout:
            if line.startswith("appsync-local: reloaded in"):
                break
        query = {"query": '{ echo(message: "hi") }'}
        response = httpx.post(match[1], json=query, headers={"x-api-key": BLOG_KEY})
        assert response.json() == {"data": {"echo": "HI"}}


def _announced_then_stopped(arguments: list[str]) -> tuple[str, str]:
    """`serve ARGUMENTS`' announcement (stdout) and its stderr, once stopped with SIGTERM."""
    command = [sys.executable, "-m", "appsync", "serve", *arguments]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            text = announcement(process)
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
                    "Step Functions", "Cognito", "Lambda functions", "S3", "testing",
                    "console API token"):  # fmt: skip
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
        "    The embedded DynamoDB's tables and the Step Functions engine's executions are kept "
        "there (`appsync-local reset` empties it)\n"
    ) in text
    assert (
        "    Cognito: user pool us-east-1_local (tokens signed with this installation's key)"
        in text
    )
    assert "    DynamoDB:" not in text
    # Only what this API uses: its pool's users, not DynamoDB items it has none of.
    assert "  In memory only: embedded data (Cognito users) is gone when the server stops\n" in text
