"""`appsync-local sandbox` in a process of its own, as a Gen 2 user runs it (and its trigger in
this process, beside a server on a loopback port, once): a project folder
(package.json, amplify/backend.ts, amplify/data/resource.ts) whose synthesis is
apis/sandbox/fake_synth.py (`--synth-command`; Amplify's real toolchain is a gigabyte of
node_modules: see docs/performance.md for a run with it). The API is asked over HTTP, signed
with botocore's SigV4 signer as an IAM caller (the backend's additional mode); each test edits
amplify/data/resource.ts as an editor saves it and waits, bounded, for what the sandbox prints.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from appsync.app import build_app
from appsync.banner import reloaded
from appsync.data_directory import DataDirectory
from appsync.reload import ApiReloader
from appsync.sandbox import Sandbox
from appsync.sandbox_project import sandbox_project
from appsync.sandbox_synth import publish, synthesize
from definition.formats import read_definition
from tests.conftest import REPO_ROOT
from tests.fixtures.aws_signing import aws_client, signed_headers
from tests.integration.conftest import running
from tests.integration.server_process import stop

pytestmark = pytest.mark.integration

FAKE_SYNTH = Path(__file__).parent / "apis" / "sandbox" / "fake_synth.py"
FIELDS = '{ __type(name: "Query") { fields { name } } }'
T = TypeVar("T")
_ANNOUNCED = re.compile(r"GraphQL:  (http://127\.0\.0\.1:(\d+))/graphql")


@dataclass
class SandboxProcess:
    process: subprocess.Popen[bytes]
    log_path: Path
    root: Path
    url: str = ""

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, count: int = 1, seconds: float = 60) -> str:
        """The log once `text` is in it `count` times (bounded: the test fails after
        `seconds`, or at once if the process ends)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            log = self.log()
            if log.count(text) >= count:
                return log
            if self.process.poll() is not None:
                raise AssertionError(f"the sandbox exited ({self.process.returncode}):\n{log}")
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} x{count} within {seconds:.0f} s:\n{self.log()}")

    def edit(self, resource: str) -> None:
        _edit(self.root, resource)

    def synths(self) -> list[str]:
        """What fake_synth acted on, one word per synthesis."""
        log = (self.root / "synths.log").read_text(encoding="utf-8")
        return [line.split(" ", 1)[0] for line in log.splitlines()]

    def query_fields(self) -> set[str]:
        return _query_fields(self.url)


def _edit(root: Path, resource: str) -> None:
    """amplify/data/resource.ts saved with new content."""
    (root / "amplify" / "data" / "resource.ts").write_text(resource, encoding="utf-8")


def _query_fields(endpoint: str) -> set[str]:
    """The Query type's fields, asked by an IAM caller."""
    body = json.dumps({"query": FIELDS}).encode()
    url = f"{endpoint}/graphql"
    headers = signed_headers("POST", url, "appsync", body, {"content-type": "application/json"})
    answer = httpx.post(url, content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return {field["name"] for field in result["data"]["__type"]["fields"]}


def _project(root: Path) -> Path:
    (root / "amplify" / "data").mkdir(parents=True)
    (root / "amplify" / "backend.ts").write_text("defineBackend({});\n", encoding="utf-8")
    (root / "amplify" / "data" / "resource.ts").write_text("// original\n", encoding="utf-8")
    (root / "package.json").write_text(json.dumps({"name": "gen2todos"}), encoding="utf-8")
    (root / ".gitignore").write_text("node_modules\n.amplify\namplify_outputs*\n")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return _project(tmp_path / "project")


@contextmanager
def _start(root: Path, *flags: str) -> Iterator[SandboxProcess]:
    log_path = root.parent / f"sandbox-{len(list(root.parent.glob('sandbox-*.log')))}.log"
    command = [sys.executable, "-m", "appsync", "sandbox", str(root), "--port", "0"]
    command += ["--synth-command", f"{sys.executable} {FAKE_SYNTH}", "--identifier", "local"]
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [*command, *flags], cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    sandbox = SandboxProcess(process, log_path, root)
    try:
        match = _ANNOUNCED.search(sandbox.wait_for("Press Ctrl+C"))
        assert match is not None
        sandbox.url = match.group(1)
        yield sandbox
    except BaseException:
        stop(process)
        raise
    # Stopped as Ctrl+C stops it, a synthesis running or not: a clean end.
    assert stop(process) == 0, sandbox.log()[-4000:]


@pytest.fixture
def sandbox(project: Path) -> Iterator[SandboxProcess]:
    with _start(project) as running:
        yield running


def test_an_edit_is_synthesized_and_served_and_the_outputs_name_the_server(
    sandbox: SandboxProcess,
) -> None:
    log = sandbox.log()
    assert "Sandbox: gen2todos local (synthesized, not deployed)" in log
    assert "watching amplify/: a change is synthesized, then served" in log
    outputs = json.loads((sandbox.root / "amplify_outputs.json").read_text(encoding="utf-8"))
    assert outputs["data"]["url"] == f"{sandbox.url}/graphql"
    assert "sandboxEdit" not in sandbox.query_fields()
    # The backend's context, as `ampx sandbox` gives it to the CDK app.
    context = (sandbox.root / "synths.log").read_text(encoding="utf-8").split(" ", 1)[1]
    assert json.loads(context) == {
        "amplify-backend-namespace": "gen2todos",
        "amplify-backend-name": "local",
        "amplify-backend-type": "sandbox",
    }
    sandbox.edit("// edit: sandboxEdit\n")
    sandbox.wait_for("appsync-local: amplify/data/resource.ts changed: synthesizing")
    sandbox.wait_for("reloaded in ")
    sandbox.wait_for("wrote ", count=2)
    assert "sandboxEdit" in sandbox.query_fields()
    assert sandbox.synths() == ["original", "edit"]


def test_a_failing_synthesis_keeps_the_last_good_api_serving_and_says_why(
    sandbox: SandboxProcess,
) -> None:
    sandbox.edit("// edit: sandboxEdit\n")
    sandbox.wait_for("reloaded in ")
    outputs = (sandbox.root / "amplify_outputs.json").read_text(encoding="utf-8")
    sandbox.edit("// break\n")
    log = sandbox.wait_for("still serving the last good version of the API")
    assert 'resource.ts:4:0: ERROR: Expected "}" but found end of file' in log
    assert "the synthesis failed (exit status 1, after " in log
    assert "sandboxEdit" in sandbox.query_fields()
    assert (sandbox.root / "amplify_outputs.json").read_text(encoding="utf-8") == outputs
    # Fixed: served again.
    sandbox.edit("// original\n")
    sandbox.wait_for("reloaded in ", count=2)
    assert "sandboxEdit" not in sandbox.query_fields()


def test_saves_during_a_synthesis_queue_one_more_synthesis(sandbox: SandboxProcess) -> None:
    sandbox.edit("// hold\n")
    sandbox.wait_for("changed: synthesizing")
    # Two more saves while it runs (each seen before the next).
    sandbox.edit("// hold, still\n")
    sandbox.wait_for("one more synthesis follows it")
    sandbox.edit("// edit: sandboxEdit\n")
    sandbox.wait_for("one more synthesis follows it", count=2)
    (sandbox.root / "release").touch()
    sandbox.wait_for("reloaded in ", count=2)
    # One synthesis for the two saves, of what was saved last.
    assert sandbox.synths() == ["original", "hold", "edit"]
    assert "sandboxEdit" in sandbox.query_fields()


def test_stopping_during_a_synthesis_ends_it_and_exits_cleanly(project: Path) -> None:
    with _start(project) as sandbox:
        sandbox.edit("// hold\n")
        sandbox.wait_for("changed: synthesizing")
        holding = project / "holding.pid"
        deadline = time.monotonic() + 30
        while not holding.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        synthesis = int(holding.read_text(encoding="utf-8"))
    # `_start` checked the exit status (0); the synthesis's process is gone with it.
    deadline = time.monotonic() + 10
    while Path(f"/proc/{synthesis}").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not Path(f"/proc/{synthesis}").exists()


def test_the_data_survives_a_restart_of_the_sandbox(project: Path) -> None:
    item = {"id": {"S": "kept"}, "content": {"S": "written before the restart"}}
    for run in range(2):
        with _start(project) as sandbox:
            dynamodb = aws_client("dynamodb", sandbox.url)
            [table] = dynamodb.list_tables()["TableNames"]
            if run == 0:
                dynamodb.put_item(TableName=table, Item=item)
            else:
                kept = dynamodb.get_item(TableName=table, Key={"id": {"S": "kept"}})
                assert kept["Item"]["content"] == item["content"]
            data = project / ".amplify" / "artifacts" / ".appsync-local"
            assert f"Data directory: {data}" in sandbox.log()


def test_a_failing_first_synthesis_serves_the_assembly_synthesized_last(project: Path) -> None:
    with _start(project) as sandbox:
        sandbox.edit("// edit: sandboxEdit\n")
        sandbox.wait_for("reloaded in ")
    (project / "amplify" / "data" / "resource.ts").write_text("// break\n", encoding="utf-8")
    with _start(project) as sandbox:
        log = sandbox.log()
        assert "the synthesis failed (exit status 1, after " in log
        assert (
            f"serving the assembly synthesized last, {project / '.amplify/artifacts/cdk.out'}"
            in log
        )
        assert "sandboxEdit" in sandbox.query_fields()


def test_once_synthesizes_serves_and_watches_nothing(project: Path) -> None:
    with _start(project, "--once") as sandbox:
        log = sandbox.log()
        assert "watching amplify/" not in log
        assert (project / "amplify_outputs.json").is_file()
        assert "sandboxEdit" not in sandbox.query_fields()


def _on_loop(reloader: ApiReloader, step: Coroutine[Any, Any, T]) -> T:
    """`step` run on the server's loop (its thread), waited for here, bounded."""
    assert reloader.loop is not None
    return asyncio.run_coroutine_threadsafe(step, reloader.loop).result(timeout=60)


def test_the_trigger_reloads_what_synthesized_and_leaves_the_api_when_it_fails(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # In this process, so that its coverage is measured: what `appsync-local sandbox` builds.
    synth = f"{sys.executable} {FAKE_SYNTH}"
    gen2 = sandbox_project(project, synth_command=synth, identifier="local", timeout=60)
    first = asyncio.run(
        synthesize(gen2.command, gen2.directory, gen2.identifier, gen2.staging, gen2.timeout)
    )
    assert first.succeeded
    publish(gen2.staging, gen2.assembly, prune=True)
    app = build_app(read_definition(gen2.assembly), data=DataDirectory.ephemeral())
    trigger = Sandbox(gen2)
    reread = functools.partial(read_definition, gen2.assembly)
    reloader = ApiReloader(app, reread, reloaded, after_listening=True, trigger=trigger)
    with running(app, "appsync-local-sandbox") as (host, port):
        url = f"http://{host}:{port}"
        trigger.listening(url)
        _on_loop(reloader, reloader.listened())
        outputs = json.loads(gen2.outputs.read_text(encoding="utf-8"))
        assert outputs["data"]["url"] == f"{url}/graphql"
        _edit(project, "// edit: sandboxEdit\n")
        outcome = _on_loop(reloader, reloader.next_outcome(0))
        assert outcome.applied
        assert "sandboxEdit" in _query_fields(url)
        _edit(project, "// break\n")
        printed = ""
        deadline = time.monotonic() + 60
        while "still serving" not in printed and time.monotonic() < deadline:
            time.sleep(0.05)
            printed += capsys.readouterr().err
        assert "the synthesis failed (exit status 1, after " in printed
        assert "sandboxEdit" in _query_fields(url)
        assert reloader.count == 1
